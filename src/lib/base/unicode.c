/* unicode.c - NFKC through ICU's unorm2, with a fast path for ASCII and
 * for text ICU's quick check already finds normalised. */
#include "base/unicode.h"

#include <string.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

const char *pd_nfkc(struct pd_arena *a, const char *s, size_t n, size_t *out_n)
{
	size_t i = 0;
	while (i < n && (unsigned char)s[i] < 0x80)
		i++;
	if (out_n)
		*out_n = n;
	if (i == n || n > (size_t)INT32_MAX / 4)
		return s;
	UErrorCode ec = U_ZERO_ERROR;
	const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&ec);
	if (U_FAILURE(ec))
		return s;
	int32_t ulen = 0;
	ec = U_ZERO_ERROR;
	UChar *u = pd_arena_alloc(a, (n + 1) * sizeof(UChar));
	u_strFromUTF8(u, (int32_t)n + 1, &ulen, s, (int32_t)n, &ec);
	if (U_FAILURE(ec))
		return s;
	ec = U_ZERO_ERROR;
	int32_t span = unorm2_spanQuickCheckYes(nfkc, u, ulen, &ec);
	if (U_FAILURE(ec) || span == ulen)
		return s;
	/* NFKC can expand (e.g. ㈱ -> (株)); allow 4x plus slack for the tail */
	int32_t cap = span + (ulen - span) * 4 + 16;
	UChar *o = pd_arena_alloc(a, (size_t)cap * sizeof(UChar));
	memcpy(o, u, (size_t)span * sizeof(UChar));
	ec = U_ZERO_ERROR;
	int32_t olen = unorm2_normalizeSecondAndAppend(nfkc, o, span, cap, u + span, ulen - span, &ec);
	if (U_FAILURE(ec))
		return s;
	int32_t blen = 0;
	ec = U_ZERO_ERROR;
	u_strToUTF8(NULL, 0, &blen, o, olen, &ec);
	ec = U_ZERO_ERROR;
	char *b = pd_arena_alloc(a, (size_t)blen + 1);
	u_strToUTF8(b, blen + 1, &blen, o, olen, &ec);
	if (U_FAILURE(ec))
		return s;
	if (out_n)
		*out_n = (size_t)blen;
	return b;
}
