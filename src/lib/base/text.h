/* text.h - byte and UTF-8 helpers that are safe on attacker bytes.
 *
 * <ctype.h> is locale dependent and undefined for negative chars, so the
 * project uses these ASCII-only classifiers instead.  All functions take
 * (pointer, length) and never read past the length.
 */
#ifndef PD_TEXT_H
#define PD_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

static inline bool pd_isdigit(int c) { return c >= '0' && c <= '9'; }
static inline bool pd_isalpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static inline bool pd_isalnum(int c) { return pd_isdigit(c) || pd_isalpha(c); }
static inline bool pd_isxdigit(int c) { return pd_isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static inline bool pd_isspace(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }
/* Value of an ASCII hex digit, or -1. */
static inline int pd_hexval(int c) { return pd_isdigit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1; }
static inline int pd_tolower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }
static inline int pd_toupper(int c) { return (c >= 'a' && c <= 'z') ? c - 32 : c; }

/* ASCII case-insensitive comparisons. */
bool pd_strieq(const char *a, const char *b);
bool pd_strnieq(const char *a, const char *b, size_t n);
/* Case-insensitive search for needle in hay[0..n); NULL if absent. */
const char *pd_memcasemem(const char *hay, size_t n, const char *needle);
/* Does s end with suffix (case-insensitive)? */
bool pd_str_endswith_ci(const char *s, const char *suffix);

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if invalid. */
size_t pd_utf8_seqlen(const unsigned char *p, size_t n);
/* Decode one code point; returns bytes used (>=1).  Invalid bytes
 * yield U+FFFD and consume one byte. */
size_t pd_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);
/* Encode cp into out (>= 4 bytes); returns length. */
size_t pd_utf8_encode(uint32_t cp, char *out);
/* Is p[0..n) valid UTF-8 (no overlongs, no surrogates)? */
bool pd_utf8_valid(const char *p, size_t n);
/* Copy of p[0..n) as valid UTF-8: invalid bytes become U+FFFD and NUL
 * bytes are dropped.  Result NUL-terminated; *out_n gets its length. */
char *pd_utf8_sanitize(struct pd_arena *a, const char *p, size_t n, size_t *out_n);

/* Lower-cased ASCII copy (non-ASCII bytes unchanged). */
char *pd_ascii_lower(struct pd_arena *a, const char *p, size_t n);
/* Copy with leading/trailing whitespace removed and runs of whitespace
 * (incl. folding CRLF) collapsed to one space. */
char *pd_collapse_ws(struct pd_arena *a, const char *p, size_t n);

#endif
