/* text.c - ASCII and UTF-8 helpers for untrusted bytes; see text.h. */
#include "base/text.h"

#include <stdint.h>
#include <string.h>

bool pd_strieq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	while (*a && *b) {
		if (pd_tolower((unsigned char)*a) != pd_tolower((unsigned char)*b))
			return false;
		a++, b++;
	}
	return *a == *b;
}

bool pd_strnieq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int ca = pd_tolower((unsigned char)a[i]), cb = pd_tolower((unsigned char)b[i]);
		if (ca != cb)
			return false;
		if (!ca)
			return true;
	}
	return true;
}

const char *pd_memcasemem(const char *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	if (m == 0)
		return hay;
	if (m > n)
		return NULL;
	/* candidates are found with memchr (vectorised) for the lower- and
	 * the upper-case first byte; each memchr result is kept until the
	 * scan passes it, so the work stays linear in n */
	unsigned char lo = (unsigned char)pd_tolower((unsigned char)needle[0]);
	unsigned char up = (unsigned char)(lo >= 'a' && lo <= 'z' ? lo - 32 : lo);
	const char *end = hay + (n - m) + 1; /* last start + 1 */
	const char *na = NULL, *nb = up != lo ? NULL : end;
	for (const char *p = hay; p < end;) {
		if (!na || na < p) {
			na = memchr(p, lo, (size_t)(end - p));
			if (!na)
				na = end;
		}
		if (!nb || nb < p) {
			nb = memchr(p, up, (size_t)(end - p));
			if (!nb)
				nb = end;
		}
		const char *c = na < nb ? na : nb;
		if (c == end)
			return NULL;
		if (m == 1 || pd_strnieq(c + 1, needle + 1, m - 1))
			return c;
		p = c + 1;
	}
	return NULL;
}

bool pd_str_endswith_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return m <= n && pd_strnieq(s + n - m, suffix, m);
}

size_t pd_utf8_seqlen(const unsigned char *p, size_t n)
{
	if (n == 0)
		return 0;
	unsigned c = p[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return (n >= 2 && (p[1] & 0xC0) == 0x80) ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
			return 0;
		if (c == 0xE0 && p[1] < 0xA0)
			return 0; /* overlong */
		if (c == 0xED && p[1] >= 0xA0)
			return 0; /* surrogate */
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
			return 0;
		if (c == 0xF0 && p[1] < 0x90)
			return 0;
		if (c == 0xF4 && p[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

size_t pd_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t l = pd_utf8_seqlen(p, n);
	switch (l) {
	case 1: *cp = p[0]; return 1;
	case 2: *cp = ((uint32_t)(p[0] & 0x1F) << 6) | (p[1] & 0x3F); return 2;
	case 3: *cp = ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F); return 3;
	case 4:
		*cp = ((uint32_t)(p[0] & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
		      ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
		return 4;
	default: *cp = 0xFFFD; return 1;
	}
}

size_t pd_utf8_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

bool pd_utf8_valid(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i = 0;
	while (i < n) {
		if (n - i >= 8) { /* eight ASCII bytes at a time */
			uint64_t w;
			memcpy(&w, u + i, 8);
			if (!(w & 0x8080808080808080ull)) {
				i += 8;
				continue;
			}
		}
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		size_t l = pd_utf8_seqlen(u + i, n - i);
		if (!l)
			return false;
		i += l;
	}
	return true;
}

/* Length of the prefix of u[0..n) that is valid UTF-8 without NUL bytes;
 * ASCII is checked eight bytes at a time. */
static size_t utf8_clean_prefix(const unsigned char *u, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (n - i >= 8) {
			uint64_t w;
			memcpy(&w, u + i, 8);
			/* no byte >= 0x80 and no zero byte: eight ASCII characters */
			if (!(w & 0x8080808080808080ull) && !((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull)) {
				i += 8;
				continue;
			}
		}
		if (u[i] == 0)
			return i;
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		size_t l = pd_utf8_seqlen(u + i, n - i);
		if (!l)
			return i;
		i += l;
	}
	return n;
}

char *pd_utf8_sanitize(struct pd_arena *a, const char *p, size_t n, size_t *out_n)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t clean = utf8_clean_prefix(u, n);
	if (clean == n) { /* the common case: one copy */
		char *o = pd_arena_alloc_raw(a, n + 1);
		memcpy(o, p, n);
		o[n] = '\0';
		if (out_n)
			*out_n = n;
		return o;
	}
	/* worst case every byte after the clean prefix becomes a 3-byte U+FFFD */
	char *o = pd_arena_alloc_raw(a, clean + (n - clean) * 3 + 1);
	memcpy(o, p, clean);
	size_t k = clean;
	for (size_t i = clean; i < n;) {
		if (u[i] == 0) {
			i++;
			continue;
		}
		size_t l = u[i] < 0x80 ? 1 : pd_utf8_seqlen(u + i, n - i);
		if (!l) {
			k += pd_utf8_encode(0xFFFD, o + k);
			i++;
			continue;
		}
		memcpy(o + k, u + i, l);
		k += l;
		i += l;
	}
	o[k] = '\0';
	if (out_n)
		*out_n = k;
	return o;
}

char *pd_ascii_lower(struct pd_arena *a, const char *p, size_t n)
{
	char *s = pd_arena_strndup(a, p, n);
	for (size_t i = 0; i < n; i++)
		s[i] = (char)pd_tolower((unsigned char)s[i]);
	return s;
}

char *pd_collapse_ws(struct pd_arena *a, const char *p, size_t n)
{
	char *o = pd_arena_alloc_raw(a, n + 1);
	size_t k = 0;
	bool sp = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (pd_isspace(c)) {
			sp = true;
			continue;
		}
		if (sp && k)
			o[k++] = ' ';
		sp = false;
		o[k++] = (char)c;
	}
	o[k] = '\0';
	return o;
}
