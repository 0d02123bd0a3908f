/* linkdata.h - link-forensics data (loaded once into the context) and the
 * enrichment of each struct pd_url the parser collects: parse with
 * net/url.c, classify the host (shortener, free hosting, click tracker,
 * suspicious TLD, look-alike of a protected domain, mixed scripts), and
 * unwrap rewriters and redirectors into a chain of inner URLs.
 *
 * Data files (data/links/, each explains its format and sources):
 * shorteners.txt, free-hosting.txt, click-trackers.txt, suspicious-tlds.txt,
 * file-extension-tlds.txt, redirectors.txt, protected-domains.txt.
 */
#ifndef PD_LINKDATA_H
#define PD_LINKDATA_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "mail/model.h"

struct pd_ctx;
struct pd_linkdata;

/* Load every list from data_dir.  0, or -1 with *err (malloc'd,
 * "file:line: reason").  Free with pd_linkdata_free. */
int pd_linkdata_load(const char *data_dir, struct pd_linkdata **out, char **err);
void pd_linkdata_free(struct pd_linkdata *ld);

/* Recompute every derived field of u from u->raw (scheme, host, domain,
 * path, userinfo, port, flags, lookalike_of) and unwrap it: u->inner
 * gets the wrapped URL (enriched the same way), at most 4 layers deep.
 * origin, part_index and shown are kept. */
void pd_url_enrich(const struct pd_ctx *ctx, struct pd_arena *a, struct pd_url *u);

/* Is host a click tracker or rewriter that excuses a shown/real domain
 * difference for a message whose shown domain is shown_dom and From
 * domain is from_dom (either may be "")? */
bool pd_linkdata_tracker_excuses(const struct pd_linkdata *ld, const char *host,
                                 const char *shown_dom, const char *from_dom);

/* Is text[0..n) a bare file name whose extension is also a TLD
 * ("main.py", "detector.sv": one dot, no scheme, '/', '@' or space;
 * data/links/file-extension-tlds.txt)?  Shown as a link's text it names
 * a file, not a web address. */
bool pd_linkdata_file_name(const struct pd_linkdata *ld, const char *text, size_t n);

/* Is domain one of the protected domains? */
bool pd_linkdata_is_protected(const struct pd_linkdata *ld, const char *domain);

/* Number of protected domains, and the i-th (lower-case A-label). */
unsigned pd_linkdata_nprotected(const struct pd_linkdata *ld);
const char *pd_linkdata_protected(const struct pd_linkdata *ld, unsigned i);

/* The protected domain whose confusable skeleton or near spelling the
 * registrable domain imitates (it is not itself protected), or NULL.
 * uni is its U-label form ("" if ASCII). */
const char *pd_linkdata_lookalike(const struct pd_linkdata *ld, const char *domain, const char *uni);

/* Does the U-label host mix scripts in one label (ICU uspoof restriction
 * level "highly restrictive"), or consist of non-Latin letters that look
 * like Latin ones? */
bool pd_linkdata_mixed_script(const struct pd_linkdata *ld, const char *host_unicode);

#endif
