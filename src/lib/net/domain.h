/* domain.h - host names: registrable domain (Public Suffix List via
 * libpsl, the Debian publicsuffix data), IDN conversion (libidn2, UTS#46),
 * and a lenient URL splitter used by the core until the link issue brings
 * the full URL analyser. */
#ifndef PD_DOMAIN_H
#define PD_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"

struct psl_ctx_st;

/* Load the PSL: the packaged list if present (psl_latest), else the list
 * built into libpsl.  Never NULL. Free with pd_psl_free. */
const struct psl_ctx_st *pd_psl_load(const char **which);
void pd_psl_free(const struct psl_ctx_st *psl);

/* Registrable domain ("eTLD+1") of a lower-case ASCII host, in the arena;
 * "" for IP literals, public suffixes themselves and empty input. */
const char *pd_domain_registrable(struct pd_arena *a, const struct psl_ctx_st *psl,
                                  const char *host);

/* Does the lower-case host end in a suffix the PSL really lists (not only
 * the implicit "*" rule that makes any unknown TLD a suffix)? */
bool pd_domain_known_suffix(const struct psl_ctx_st *psl, const char *host);

/* Lower-case A-label (punycode) form of a host given in any case/script;
 * *unicode (if non-NULL) gets the U-label form, or "" if it has none.
 * Returns the lower-cased input if conversion fails. */
const char *pd_host_normalize(struct pd_arena *a, const char *host, size_t n,
                              const char **unicode);

/* Is host (or its registrable domain) equal to domain or a subdomain of it? */
bool pd_host_within(const char *host, const char *domain);

/* Is this text a plausible host name (labels of [a-z0-9-], a dot, a TLD
 * of letters or xn--)?  Used to spot domains in display names and paths. */
bool pd_looks_like_hostname(const char *s, size_t n);

struct pd_url_parts {
	const char *scheme;   /* lower-case, "" if none */
	const char *userinfo; /* "" if none */
	const char *host;     /* as written (percent-decoded, lower-cased), "" if none */
	const char *port;     /* "" if none */
	const char *rest;     /* path?query#fragment as written */
	bool has_authority;
};
/* Split an absolute URL (or a scheme-less "www.x/y") into parts. */
void pd_url_split(struct pd_arena *a, const char *url, size_t n, struct pd_url_parts *out);

#endif
