/* fuzz_common.h - shared checks for the libFuzzer targets.
 *
 * The checks are written independently of the library (no pd_utf8_*):
 * a target that finds output breaking a promise of the library calls
 * abort(), which libFuzzer reports as a crash with the input saved.
 * Promises checked: model strings and JSON are valid UTF-8 without NUL;
 * text meant for a terminal carries no ESC, C0 (but newline and tab), DEL,
 * C1, bidi control or zero-width character. */
#ifndef PD_FUZZ_COMMON_H
#define PD_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Next code point of s[*i..n), or -1 for an invalid sequence (strict:
 * no overlongs, no surrogates, nothing above U+10FFFF). */
static inline long fuzz_utf8_next(const unsigned char *s, size_t n, size_t *i)
{
	unsigned c = s[*i];
	size_t len;
	unsigned long cp, min;
	if (c < 0x80) {
		(*i)++;
		return (long)c;
	} else if (c >= 0xC2 && c <= 0xDF) {
		len = 2; cp = c & 0x1F; min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3; cp = c & 0x0F; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4; cp = c & 0x07; min = 0x10000;
	} else {
		return -1;
	}
	if (n - *i < len)
		return -1;
	for (size_t k = 1; k < len; k++) {
		unsigned cc = s[*i + k];
		if ((cc & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (cc & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	*i += len;
	return (long)cp;
}

static inline void fuzz_fail(const char *what, const char *s, size_t at)
{
	fprintf(stderr, "fuzz check failed: %s at byte %zu of \"%.200s\"\n", what, at, s);
	abort();
}

/* s (NUL-terminated) is valid UTF-8. */
static inline void fuzz_check_utf8(const char *s)
{
	if (!s)
		fuzz_fail("NULL string", "", 0);
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		size_t at = i;
		if (fuzz_utf8_next((const unsigned char *)s, n, &i) < 0)
			fuzz_fail("invalid UTF-8", s, at);
	}
}

/* Characters that must never reach a terminal raw. */
static inline bool fuzz_cp_unsafe(unsigned long cp, bool allow_nl)
{
	if (allow_nl && (cp == '\n' || cp == '\t'))
		return false;
	if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
		return true;
	if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0x200E || cp == 0x200F || cp == 0x061C)
		return true; /* bidi controls */
	if ((cp >= 0x200B && cp <= 0x200D) || (cp >= 0x2060 && cp <= 0x2064) ||
	    cp == 0xFEFF || cp == 0x180E || cp == 0x00AD)
		return true; /* zero-width */
	if (cp == 0x2028 || cp == 0x2029)
		return true;
	return false;
}

/* s is valid UTF-8 and terminal-safe. */
static inline void fuzz_check_term(const char *s, bool allow_nl)
{
	if (!s)
		fuzz_fail("NULL string", "", 0);
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		size_t at = i;
		long cp = fuzz_utf8_next((const unsigned char *)s, n, &i);
		if (cp < 0)
			fuzz_fail("invalid UTF-8", s, at);
		if (fuzz_cp_unsafe((unsigned long)cp, allow_nl))
			fuzz_fail("unsafe character for a terminal", s, at);
	}
}

/* "" for NULL: model fields are never NULL, but a check must not crash first. */
#define FUZZ_UTF8(s) fuzz_check_utf8(s)

#endif
