/* transfer.h - content transfer decoding of MIME part bodies (RFC 2045).
 *
 * pd_b64_body_decode decodes exactly as GMime 3.2's
 * g_mime_encoding_base64_decode_step does in one call over the whole body
 * (tests/unit/test_charset.c compares the two on random bodies):
 *   - bytes outside the base64 alphabet are skipped ('-' and '_' too);
 *   - every four digits give three bytes;
 *   - the first '=' ends the data: two digits before it give one byte,
 *     three give two, and everything after it is ignored;
 *   - without '=', a last group of one to three digits gives nothing.
 * Both are ours because GMime's go byte by byte behind a filter stream
 * (base64 5 %, quoted-printable 2 % of all instructions on phishing_pot,
 * callgrind); these take four digits a step, and literal runs between
 * '=' signs whole.  fuzz_transfer compares both with GMime's filter stream
 * on arbitrary bytes. */
#ifndef PD_TRANSFER_H
#define PD_TRANSFER_H

#include <stddef.h>

/* Decode in[0..n) into out, which has room for n / 4 * 3 + 3 bytes;
 * returns the number of bytes written. */
size_t pd_b64_body_decode(const unsigned char *in, size_t n, unsigned char *out);

/* Quoted-printable, exactly as g_mime_encoding_quoted_decode_step in one
 * call over the whole body (GMime 3.2):
 *   - "=XX" with two hex digits (either case) is that byte;
 *   - "=" LF and "=" CR LF are soft line breaks, removed;
 *   - "=" followed by anything else is kept as written together with the
 *     two bytes after it ("=G1", "=3Z", "==3", "=" CR "x"): they are not
 *     read again as the start of an escape;
 *   - "=" with fewer than two bytes after it at the very end is dropped
 *     (unless the one byte is LF);
 *   - everything else, trailing white space and CR LF included, is kept.
 * out has room for n bytes; returns the number written. */
size_t pd_qp_body_decode(const unsigned char *in, size_t n, unsigned char *out);

#endif
