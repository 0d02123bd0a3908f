/* unicode.c - NFKC through ICU's unorm2, only for the pieces of the text
 * that need it.
 *
 * Every ASCII character has a normalisation boundary before it (combining
 * class 0, NFKC quick check "yes", never composes with what precedes it),
 * so NFKC of a text is the concatenation of NFKC of its pieces cut before
 * ASCII characters.  ASCII runs are copied as they are; a piece holding
 * non-ASCII text goes through ICU together with the ASCII character before
 * it (a mark after that character may compose with it).  ASCII runs shorter
 * than NFKC_GAP stay inside the piece, so Japanese text with digits and
 * line breaks costs a few ICU calls, not one per line. */
#include "base/unicode.h"

#include <stdbool.h>
#include <string.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#define NFKC_GAP 32

struct out {
	struct pd_arena *a;
	char *p;
	size_t n, cap;
};

static void reserve(struct out *o, size_t more)
{
	if (o->n + more + 1 <= o->cap)
		return;
	size_t cap = o->cap ? o->cap * 2 : 256;
	while (cap < o->n + more + 1)
		cap *= 2;
	o->p = o->p ? pd_arena_realloc(o->a, o->p, o->n, cap) : pd_arena_alloc_raw(o->a, cap);
	o->cap = cap;
}

static void add(struct out *o, const char *s, size_t n)
{
	reserve(o, n);
	memcpy(o->p + o->n, s, n);
	o->n += n;
}

/* NFKC of the piece s[0..n) appended to o; -1 if ICU refuses it. */
static int piece(const UNormalizer2 *nfkc, struct out *o, const char *s, size_t n, bool *changed)
{
	UErrorCode ec = U_ZERO_ERROR;
	int32_t ulen = 0;
	UChar *u = pd_arena_alloc_raw(o->a, (n + 1) * sizeof(UChar));
	u_strFromUTF8(u, (int32_t)n + 1, &ulen, s, (int32_t)n, &ec);
	if (U_FAILURE(ec))
		return -1;
	ec = U_ZERO_ERROR;
	int32_t span = unorm2_spanQuickCheckYes(nfkc, u, ulen, &ec);
	if (U_FAILURE(ec))
		return -1;
	if (span == ulen) {
		add(o, s, n);
		return 0;
	}
	/* the quick-check span ends at a boundary: the rest is normalised
	 * and appended.  NFKC can expand (㈱ -> (株), U+FDFA to 18 units):
	 * start with 4x and retry with the length ICU asks for. */
	int32_t cap = span + (ulen - span) * 4 + 16, tl = 0;
	UChar *t = NULL;
	for (int attempt = 0; attempt < 2; attempt++) {
		t = pd_arena_alloc_raw(o->a, (size_t)cap * sizeof(UChar));
		memcpy(t, u, (size_t)span * sizeof(UChar));
		ec = U_ZERO_ERROR;
		tl = unorm2_normalizeSecondAndAppend(nfkc, t, span, cap, u + span, ulen - span, &ec);
		if (ec != U_BUFFER_OVERFLOW_ERROR || tl < cap)
			break;
		cap = tl + 1;
	}
	if (U_FAILURE(ec))
		return -1;
	reserve(o, (size_t)tl * 3); /* UTF-8: at most 3 bytes per UTF-16 unit */
	int32_t bl = 0;
	ec = U_ZERO_ERROR;
	u_strToUTF8(o->p + o->n, (int32_t)(o->cap - o->n), &bl, t, tl, &ec);
	if (U_FAILURE(ec))
		return -1;
	o->n += (size_t)bl;
	*changed = true;
	return 0;
}

const char *pd_nfkc(struct pd_arena *a, const char *s, size_t n, size_t *out_n)
{
	const unsigned char *b = (const unsigned char *)s;
	size_t i = 0;
	while (i < n && b[i] < 0x80)
		i++;
	if (out_n)
		*out_n = n;
	if (i == n || n > (size_t)INT32_MAX / 4)
		return s;
	UErrorCode ec = U_ZERO_ERROR;
	const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&ec);
	if (U_FAILURE(ec))
		return s;
	struct out o = { a, NULL, 0, 0 };
	bool changed = false;
	size_t done = 0; /* s[0..done) is in o */
	while (i < n) {
		/* i: the first non-ASCII byte of a piece */
		size_t start = i > done ? i - 1 : i;
		add(&o, s + done, start - done);
		size_t j = i, run = 0;
		while (j < n) {
			if (b[j] < 0x80) {
				if (++run == NFKC_GAP)
					break;
			} else {
				run = 0;
			}
			j++;
		}
		size_t end = j < n ? j + 1 - run : n; /* before the long ASCII run */
		if (piece(nfkc, &o, s + start, end - start, &changed) != 0)
			return s;
		done = end;
		i = end;
		while (i < n && b[i] < 0x80)
			i++;
	}
	if (!changed)
		return s;
	add(&o, s + done, n - done);
	o.p[o.n] = '\0';
	if (out_n)
		*out_n = o.n;
	return o.p;
}
