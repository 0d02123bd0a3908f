/* charset.h - turn bytes in any charset found in real mail into valid
 * UTF-8, detecting mislabelled and unlabelled Japanese text, and decode
 * RFC 2047 encoded words.
 *
 * ISO-2022-JP is decoded by our own state machine into CP932 (Windows-31J)
 * so that the CP50220 / ISO-2022-JP-MS extensions (NEC row 13 "①", "㈱",
 * NEC-selected IBM rows) survive; the rest goes through iconv. */
#ifndef PD_CHARSET_H
#define PD_CHARSET_H

#include <stddef.h>

#include "base/arena.h"

enum pd_cs_flags {
	PD_CS_MISLABELLED = 1u << 0, /* declared charset did not fit, another one was used */
	PD_CS_DETECTED = 1u << 1,    /* no/unknown label: charset guessed */
	PD_CS_INVALID = 1u << 2,     /* undecodable bytes replaced with U+FFFD */
	PD_CS_TRUNCATED = 1u << 3,   /* output cut at max_out */
	PD_CS_UNKNOWN_LABEL = 1u << 4,/* declared charset is not one iconv knows */
};

/* Convert in[0..len) declared as `declared` (NULL or "" if unlabelled) to
 * NUL-terminated, valid UTF-8 without NUL bytes, at most max_out bytes.
 * *used (if non-NULL) gets the canonical name of the charset actually
 * used ("UTF-8", "ISO-2022-JP", "CP932", "EUC-JP", "ISO-8859-1", ...),
 * *flags (if non-NULL) gets PD_CS_* bits.  Never fails. */
char *pd_charset_to_utf8(struct pd_arena *a, const char *in, size_t len,
                         const char *declared, size_t max_out, size_t *out_len,
                         const char **used, unsigned *flags);

/* Guess the charset of unlabelled bytes: "US-ASCII", "UTF-8", "ISO-2022-JP",
 * "CP932", "EUC-JP" or "WINDOWS-1252". */
const char *pd_charset_detect(const char *in, size_t len);

/* Decode a header value with RFC 2047 encoded words (B and Q, any case),
 * joining adjacent encoded words (the whitespace between them is dropped,
 * and bytes of a multi-byte character split across words are rejoined
 * before conversion), tolerating encoded words glued to text, and treating
 * raw 8-bit bytes by detection.  RFC 2231 language tags (=?cs*lang?..?=)
 * are accepted.  Folding whitespace is unfolded.  Result is valid UTF-8,
 * at most max_out bytes.  *flags gets PD_CS_* bits.  Never fails. */
char *pd_rfc2047_decode(struct pd_arena *a, const char *raw, size_t len,
                        size_t max_out, unsigned *flags);

/* Decode an RFC 2231 extended parameter value "charset'lang'%XX..." to UTF-8. */
char *pd_rfc2231_decode(struct pd_arena *a, const char *val, size_t len);

#endif
