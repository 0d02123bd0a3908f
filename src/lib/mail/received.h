/* received.h - parse one Received: header value into a hop (RFC 5321 4.4
 * "Time-stamp-line", plus the real-world shapes of Postfix, Sendmail,
 * Exim, qmail, Exchange/Outlook.com, Gmail, ...).  Tolerant: unknown
 * shapes leave fields empty; never fails on hostile input. */
#ifndef PD_RECEIVED_H
#define PD_RECEIVED_H

#include <stddef.h>

#include "mail/model.h"

/* Fill *hop from the raw (possibly folded) header value val[0..len).
 * All strings are allocated in a; absent fields are "".  Always returns 0. */
int pd_received_parse(struct pd_arena *a, const char *val, size_t len, struct pd_hop *hop);

/* Parse an IPv4 or IPv6 address (also "IPv6:..." and "[...]" forms) in
 * s[0..n).  Writes 16 bytes (v4 in the first 4) and returns 4 or 6, or 0 if
 * it is not an address. */
int pd_ip_parse(const char *s, size_t n, unsigned char out[16]);
/* Canonical text of an address parsed by pd_ip_parse (inet_ntop). */
const char *pd_ip_format(struct pd_arena *a, int family, const unsigned char ip[16]);
/* Private, loopback, link-local, CGNAT, ULA and unspecified ranges.  The
 * documentation ranges (192.0.2/24, 198.51.100/24, 203.0.113/24,
 * 2001:db8::/32) are deliberately public: tests use them as such. */
int pd_ip_is_private(int family, const unsigned char ip[16]);
int pd_ip_is_loopback(int family, const unsigned char ip[16]);

/* RFC 5322 date-time (lenient, as found in Date: and Received:) to UTC
 * epoch seconds; *tz gets minutes east of UTC.  Returns 0 on success. */
int pd_date_parse(const char *s, size_t n, int64_t *epoch, int *tz);

#endif
