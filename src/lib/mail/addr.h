/* addr.h - RFC 5322 mailbox and mailbox-list parsing, lenient and bounded.
 * Input is the raw header value (encoded words still encoded), so that an
 * encoded display name can never forge address syntax; display names are
 * decoded (RFC 2047) and NFKC-normalised after parsing. */
#ifndef PD_ADDR_H
#define PD_ADDR_H

#include <stddef.h>

#include "mail/model.h"

/* Parse a mailbox list (From, To, Cc, Reply-To; groups are flattened)
 * into at most max entries of out[]; returns the number found (which may
 * exceed max: only max are stored).  Comments are dropped; a bare
 * "<addr>" or a bare addr-spec are accepted; obsolete route syntax is
 * tolerated.  Domains are lower-cased; a trailing dot is removed. */
unsigned pd_addr_parse_list(struct pd_arena *a, const char *raw, size_t len,
                            struct pd_addr *out, unsigned max);

/* Just the first mailbox (zeroed-and-"" fields if none). */
void pd_addr_parse_one(struct pd_arena *a, const char *raw, size_t len, struct pd_addr *out);

#endif
