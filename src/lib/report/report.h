/* report.h - findings and the report (internal).
 *
 * Analyzers add findings with pd_emit(); pd_report_finish() computes the
 * score, verdict and category in one place, from the weights loaded into
 * the context (data/weights.conf over the catalog defaults). */
#ifndef PD_REPORT_H
#define PD_REPORT_H

#include <stdarg.h>

#include "mail/model.h"
#include "phishdissect/pd.h"

enum pd_fid {
#define X(id, group, sev, w, en, ja) PD_F_##id,
#include "report/findings.def"
#undef X
	PD_F_COUNT
};

enum pd_group { PD_G_SENDER, PD_G_ROUTE, PD_G_AUTH, PD_G_LINK, PD_G_CONTENT,
	PD_G_ATTACH, PD_G_MIME, PD_G_BRAND, PD_G_COUNT };
enum pd_severity { PD_SEV_INFO, PD_SEV_LOW, PD_SEV_MEDIUM, PD_SEV_HIGH };

struct pd_catalog_entry {
	const char *id;
	enum pd_group group;
	enum pd_severity severity;
	double weight;          /* default */
	const char *en, *ja;
};
extern const struct pd_catalog_entry pd_catalog[PD_F_COUNT];
const char *pd_group_name(enum pd_group g);
const char *pd_severity_name(enum pd_severity s);
/* Finding id by name, or -1. */
int pd_fid_lookup(const char *name);

enum pd_detail {
#define X(id, en, ja) PD_##id,
#include "report/details.def"
#undef X
	PD_D_COUNT
};

struct pd_finding {
	enum pd_fid id;
	double weight;          /* weight that counted (after caps), set by finish */
	const char *where;      /* where the evidence is: "From (line 9)", "Received #2 (line 6)", "part 1.2", "link 3" */
	const char *value;      /* the evidence value (raw, sanitised UTF-8; renderers escape/defang) */
	const char *detail;     /* short extra fact in English ("connecting IP 192.0.2.1") or "" */
	const char *detail_ja;  /* the same fact in Japanese, or "" */
	bool value_is_url;      /* renderers defang value as URL */
	bool value_is_host;     /* renderers defang value as host/IP */
};

struct pd_analyzer_status {
	const char *name;
	const char *status;     /* "ok", "skipped: ...", "partial: ..." */
};

enum pd_category { PD_CAT_NONE = 0, PD_CAT_CREDENTIAL, PD_CAT_BEC, PD_CAT_SCAM,
	PD_CAT_MALWARE, PD_CAT_SPOOFING, PD_CAT_SUSPICIOUS_OTHER };

/* The brand the mail claims to be (analyzers/brand.c): the report header
 * line and the JSON "brand" object.  Strings live in the arena or the
 * context. */
#define PD_BRAND_MAX_SITES 10
#define PD_BRAND_MAX_CONTRA 8
struct pd_brand_claim {
	const char *id, *name, *name_ja;
	char *const *domains;   /* official domains (context-owned) */
	unsigned ndomains;
	struct { const char *site, *where, *value; } sites[PD_BRAND_MAX_SITES];
	unsigned nsites;        /* where the brand is claimed */
	struct { const char *finding, *en, *ja; } contra[PD_BRAND_MAX_CONTRA];
	unsigned ncontra;       /* what contradicts the claim */
	bool verified;          /* From is the brand's domain and authenticated */
};

struct pd_report {
	const struct pd_ctx *ctx;
	struct pd_msg *msg;
	struct pd_arena *arena;
	struct pd_finding *findings;
	unsigned nfindings, cap;
	struct pd_analyzer_status status[16];
	unsigned nstatus;
	double score;
	enum pd_verdict verdict;
	enum pd_category category;
	bool partial;
	bool parse_only;
	const struct pd_brand_claim *brand; /* NULL: no brand claimed (brand.c) */
	struct pd_text_hits *text_hits;     /* analyzers' shared scan of the texts (registry.c) */
};

/* Add a finding.  where/value are copied into the arena (value sanitised
 * to UTF-8).  At most 512 findings per message; the same (id, value)
 * twice is kept once.  Returns the finding or NULL if dropped. */
struct pd_finding *pd_emit(struct pd_report *r, enum pd_fid id, const char *where,
                           const char *value);
struct pd_finding *pd_emitf(struct pd_report *r, enum pd_fid id, const char *where,
                            const char *fmt, ...) __attribute__((format(printf, 4, 5)));
bool pd_report_has(const struct pd_report *r, enum pd_fid id);
void pd_report_status(struct pd_report *r, const char *analyzer, const char *status);

/* Compute score, verdict, category; sorts findings strongest first. */
void pd_report_finish(struct pd_report *r);
const char *pd_category_name(enum pd_category c);
const char *pd_category_label(enum pd_category c, enum pd_lang lang);

/* pd_emit plus a detail from details.def (arguments as its formats take);
 * returns NULL when dropped. */
struct pd_finding *pd_emitd(struct pd_report *r, enum pd_fid id, const char *where,
                            const char *value, enum pd_detail d, ...);
/* Set the detail of an emitted finding (f may be NULL). */
void pd_detail(struct pd_report *r, struct pd_finding *f, enum pd_detail d, ...);
/* A %s argument for pd_emitd/pd_detail that reads en in the English
 * detail and ja in the Japanese one (a brand's name); en alone when ja is
 * empty or the same. */
const char *pd_bilingual(struct pd_arena *a, const char *en, const char *ja);

#endif
