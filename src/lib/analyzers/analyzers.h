/* analyzers.h - the analyzer interface and registry (internal).
 * An analyzer reads the const model and the context and only adds
 * findings to the report; analyzers never depend on each other's output
 * and run in registry order. */
#ifndef PD_ANALYZERS_H
#define PD_ANALYZERS_H

#include "base/acmatch.h"
#include "ctx.h"
#include "mail/model.h"
#include "report/report.h"

typedef void (*pd_analyzer_fn)(const struct pd_ctx *ctx, const struct pd_msg *m,
                               struct pd_report *r);

struct pd_analyzer {
	const char *name;
	pd_analyzer_fn run;
};

extern const struct pd_analyzer pd_analyzers[];
extern const unsigned pd_nanalyzers;

void pd_an_sender(const struct pd_ctx *, const struct pd_msg *, struct pd_report *);
void pd_an_route(const struct pd_ctx *, const struct pd_msg *, struct pd_report *);
void pd_an_auth(const struct pd_ctx *, const struct pd_msg *, struct pd_report *);
void pd_an_links(const struct pd_ctx *, const struct pd_msg *, struct pd_report *);
void pd_an_content(const struct pd_ctx *, const struct pd_msg *, struct pd_report *);
void pd_an_brand(const struct pd_ctx *, const struct pd_msg *, struct pd_report *);
void pd_an_structure(const struct pd_ctx *, const struct pd_msg *, struct pd_report *);
void pd_an_intel(const struct pd_ctx *, const struct pd_msg *, struct pd_report *);

/* Shared helpers on the model (computed on demand, cheap). */
const char *pd_where_header(struct pd_report *r, const struct pd_msg *m, const char *name);
const char *pd_where_hop(struct pd_report *r, const struct pd_msg *m, unsigned hop);
const char *pd_where_part(struct pd_report *r, const struct pd_msg *m, unsigned part);
/* Registrable domain of a domain or of an address's domain (lower-cased;
 * the name itself when the PSL has none, "" for empty input). */
const char *pd_registrable_of(struct pd_report *r, const char *domain_or_addr);
/* Registrable domain of the From address ("" if none). */
const char *pd_from_domain(struct pd_report *r, const struct pd_msg *m);
/* Classify a reverse-DNS name with data/rdns.txt; NULL if no rule matches. */
const struct pd_rdns_rule *pd_rdns_classify(const struct pd_ctx *ctx, const char *name);
bool pd_is_freemail(const struct pd_ctx *ctx, const char *domain);

/* The brand-alias and lure-lexicon matches in the folded form of text
 * part i (m->texts[i].fold), found for both analyzers in one pass that
 * runs the two matchers side by side (base/acmatch.h pd_ac_scan_pair);
 * computed at the first call, kept in the report.  NULL when the lists
 * would be too long: the caller then scans the text itself.  Each list
 * is in the order pd_ac_scan reports. */
struct pd_text_hits {
	const struct pd_ac_hit *alias, *lex;
	size_t nalias, nlex;
	bool valid;
};
const struct pd_text_hits *pd_text_hits(struct pd_report *r, const struct pd_msg *m, unsigned i);

#endif
