/* jsonw.c - streaming JSON writer (see jsonw.h for the contract). */
#include "report/jsonw.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pd_jw_init(struct pd_jw *w, struct pd_arena *a, int pretty)
{
	w->a = a;
	/* a report is 5-50 KB: start big enough to skip most regrowth */
	w->cap = 16384;
	w->p = pd_arena_alloc_raw(a, w->cap);
	w->n = 0;
	w->pretty = pretty;
	w->depth = 0;
	w->has[0] = false;
}

/* Room for k more bytes (and the final NUL). */
static inline void reserve(struct pd_jw *w, size_t k)
{
	if (k < w->cap - w->n)
		return;
	if (k > SIZE_MAX / 4 - w->n)
		abort(); /* cannot happen with the model's limits */
	size_t cap = w->cap * 2;
	while (cap - w->n <= k)
		cap *= 2;
	char *np = pd_arena_alloc_raw(w->a, cap);
	memcpy(np, w->p, w->n);
	w->p = np;
	w->cap = cap;
}

static inline void put(struct pd_jw *w, const char *s, size_t n)
{
	reserve(w, n);
	memcpy(w->p + w->n, s, n);
	w->n += n;
}

#define PUTS(w, lit) put((w), (lit), sizeof(lit) - 1)

static void indent(struct pd_jw *w, int level)
{
	static const char sp[] = "                                "; /* 32 */
	size_t n = (size_t)level * 2;
	while (n) {
		size_t k = n < sizeof sp - 1 ? n : sizeof sp - 1;
		put(w, sp, k);
		n -= k;
	}
}

/* Whether any of the 8 bytes in x is below 0x20, '"' or '\\' (SWAR:
 * a zero byte in x ^ c marks a byte equal to c). */
static inline bool word_needs_escape(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
	uint64_t lt20 = (x - ones * 0x20) & ~x;
	uint64_t zq = (q - ones) & ~q, zb = (b - ones) & ~b;
	return ((lt20 | zq | zb) & highs) != 0;
}

/* Escape as json-c does with NOSLASHESCAPE: \b \n \r \t \f \" \\ by name,
 * every other byte below 0x20 as \u00xx (lower-case hex); the rest raw.
 * Clean runs are skipped 8 bytes at a time and copied in one piece. */
static void esc(struct pd_jw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(s), i = 0, run = 0;
	reserve(w, n * 6); /* the worst case: every byte as \u00xx */
	char *o = w->p + w->n;
	while (i < n) {
		if (i + 8 <= n) {
			uint64_t x;
			memcpy(&x, s + i, 8);
			if (!word_needs_escape(x)) {
				i += 8;
				continue;
			}
		}
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		memcpy(o, s + run, i - run);
		o += i - run;
		run = ++i;
		*o++ = '\\';
		switch (c) {
		case '\b': *o++ = 'b'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		case '\f': *o++ = 'f'; break;
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		default:
			memcpy(o, "u00", 3);
			o[3] = hex[c >> 4];
			o[4] = hex[c & 15];
			o += 5;
		}
	}
	memcpy(o, s + run, n - run);
	o += n - run;
	w->n = (size_t)(o - w->p);
}

/* Separator, indentation and key before a value (or a container). */
static void member(struct pd_jw *w, const char *key)
{
	if (w->depth == 0)
		return;
	if (w->has[w->depth]) {
		if (w->pretty)
			PUTS(w, ",\n");
		else
			PUTS(w, ",");
	}
	w->has[w->depth] = true;
	if (w->pretty)
		indent(w, w->depth);
	if (key) {
		PUTS(w, "\"");
		esc(w, key);
		if (w->pretty)
			PUTS(w, "\": ");
		else
			PUTS(w, "\":");
	}
}

static void open_(struct pd_jw *w, const char *key, char c)
{
	member(w, key);
	if (w->depth >= PD_JW_MAX_DEPTH)
		abort(); /* the renderer's shape is fixed; this is a bug */
	put(w, &c, 1);
	if (w->pretty)
		PUTS(w, "\n");
	w->has[++w->depth] = false;
}

static void close_(struct pd_jw *w, char c)
{
	if (w->depth == 0)
		abort();
	if (w->pretty) {
		if (w->has[w->depth])
			PUTS(w, "\n");
		indent(w, w->depth - 1);
	}
	w->depth--;
	put(w, &c, 1);
}

void pd_jw_obj(struct pd_jw *w, const char *key) { open_(w, key, '{'); }
void pd_jw_arr(struct pd_jw *w, const char *key) { open_(w, key, '['); }
void pd_jw_end_obj(struct pd_jw *w) { close_(w, '}'); }
void pd_jw_end_arr(struct pd_jw *w) { close_(w, ']'); }

void pd_jw_str(struct pd_jw *w, const char *key, const char *v)
{
	member(w, key);
	PUTS(w, "\"");
	esc(w, v ? v : "");
	PUTS(w, "\"");
}

void pd_jw_int(struct pd_jw *w, const char *key, int64_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof buf, "%" PRId64, v);
	member(w, key);
	put(w, buf, (size_t)n);
}

void pd_jw_bool(struct pd_jw *w, const char *key, bool v)
{
	member(w, key);
	if (v)
		PUTS(w, "true");
	else
		PUTS(w, "false");
}

void pd_jw_null(struct pd_jw *w, const char *key)
{
	member(w, key);
	PUTS(w, "null");
}

void pd_jw_raw_num(struct pd_jw *w, const char *key, const char *text)
{
	member(w, key);
	put(w, text, strlen(text));
}

const char *pd_jw_done(struct pd_jw *w)
{
	if (w->depth != 0)
		abort();
	reserve(w, 0);
	w->p[w->n] = '\0';
	return w->p;
}
