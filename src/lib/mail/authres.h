/* authres.h - Authentication-Results (RFC 8601), ARC-Authentication-Results
 * (RFC 8617) and Received-SPF (RFC 7208 9.1) parsers.  Lenient: a method
 * clause that cannot be read is skipped, never fatal. */
#ifndef PD_AUTHRES_H
#define PD_AUTHRES_H

#include <stddef.h>

#include "mail/model.h"

/* Parse an Authentication-Results value (for ARC-Authentication-Results,
 * the leading "i=N;" is read into arc_instance).  source says which.
 * Fields are lower-cased where the RFC makes them case-insensitive.
 * Returns 0; out->nmethods may be 0 for "none" or garbage. */
int pd_authres_parse(struct pd_arena *a, const char *val, size_t len,
                     enum pd_auth_source source, struct pd_authres *out);

/* Parse a Received-SPF value into one method "spf" with its result and
 * the properties client-ip, envelope-from (as smtp.mailfrom), helo. */
int pd_received_spf_parse(struct pd_arena *a, const char *val, size_t len,
                          struct pd_authres *out);

/* Convenience: the value of property ptype.property in m (case-insensitive;
 * ptype NULL matches any ptype, "" the pairs written without one), or NULL. */
const char *pd_auth_prop(const struct pd_auth_method *m, const char *ptype,
                         const char *property);

#endif
