/* phishdissect public API.
 *
 * Two calls do the work: pd_ctx_new() loads every data file once (shared,
 * read-only, safe to use from many threads), and pd_analyze() turns the raw
 * bytes of one message into a report that lives in a per-message arena.
 * The library never prints and never exits; renderers write into memory.
 */
#ifndef PHISHDISSECT_PD_H
#define PHISHDISSECT_PD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PD_SCHEMA_VERSION "1"

struct pd_ctx;
struct pd_report;
struct pd_arena;

/* Bounds applied to every message.  Hitting one is a finding
 * (PARSE_LIMIT_*), never a crash; the report is then partial. */
struct pd_limits {
	size_t max_message_bytes;   /* larger input is cut */
	size_t max_header_bytes;    /* one header value */
	unsigned max_headers;       /* header fields considered */
	unsigned max_mime_depth;    /* nesting of multiparts / rfc822 */
	unsigned max_parts;         /* MIME parts visited */
	size_t max_text_bytes;      /* decoded text kept per message */
	unsigned max_hops;          /* Received lines parsed */
	unsigned max_urls;          /* URLs kept */
	unsigned max_html_nodes;    /* HTML elements visited per part */
	unsigned max_attachments;   /* attachments listed */
	unsigned max_time_ms;       /* wall time per message, checked between MIME parts
	                             * and between analyzers; 0 = none (docs/SECURITY.md) */
};
#define PD_LIMITS_INIT { \
	.max_message_bytes = 64u << 20, .max_header_bytes = 64u << 10, \
	.max_headers = 2000, .max_mime_depth = 16, .max_parts = 500, \
	.max_text_bytes = 4u << 20, .max_hops = 64, .max_urls = 2000, \
	.max_html_nodes = 200000, .max_attachments = 200, .max_time_ms = 10000 }

struct pd_options {
	const char *data_dir;       /* NULL: search the default places */
	const char *authserv_id;    /* trusted Authentication-Results id; NULL = topmost */
	const char *const *trusted_relays; /* host names / CIDRs of our relays, NULL-terminated */
	bool unwrap_forwarded;      /* analyse a message forwarded as attachment */
	int64_t now;                /* clock for date checks; 0 = time(NULL) */
	const char *ipdb_dir;       /* IP databases; NULL: DATA_DIR/fetched/ipdb, "" = none */
	const char *feeds_conf;     /* threat-feed configuration file (docs/FEEDS.md); NULL = none */
	const char *known_services; /* services the organisation uses and the address each knows
	                             * (docs/phishdissect.1.md --known-services); NULL = none */
	struct pd_limits limits;
};
#define PD_OPTIONS_INIT { .data_dir = NULL, .authserv_id = NULL, \
	.trusted_relays = NULL, .unwrap_forwarded = true, .now = 0, \
	.limits = PD_LIMITS_INIT }

enum pd_verdict { PD_VERDICT_CLEAN = 0, PD_VERDICT_SUSPICIOUS, PD_VERDICT_PHISHING };
enum pd_lang { PD_LANG_EN = 0, PD_LANG_JA };

/* Load data, build the context.  On failure returns NULL and, if err is
 * non-NULL, a malloc'd message in *err for the caller to free(). */
struct pd_ctx *pd_ctx_new(const struct pd_options *opt, char **err);
void pd_ctx_free(struct pd_ctx *ctx);
/* The data directory actually used (borrowed). */
const char *pd_ctx_data_dir(const struct pd_ctx *ctx);

/* Analyse one message.  The report and everything it points to are
 * allocated in arena and valid until pd_arena_reset/free.  parse_only
 * stops after building the model (for benchmarks).  Returns 0, or -1 if
 * the input is not a mail message at all (*err then says why, borrowed
 * from the arena).  Malformed mail is never an error: it yields findings. */
int pd_analyze(const struct pd_ctx *ctx, struct pd_arena *arena,
               const char *data, size_t len, const char *source,
               bool parse_only, struct pd_report **out, const char **err);

enum pd_verdict pd_report_verdict(const struct pd_report *r);
double pd_report_score(const struct pd_report *r);
const char *pd_verdict_name(enum pd_verdict v);

/* Renderers: NUL-terminated output in the arena. */
enum pd_text_flags { PD_TEXT_COLOR = 1, PD_TEXT_NO_DEFANG = 2 };
const char *pd_render_text(const struct pd_ctx *ctx, struct pd_arena *a,
                           const struct pd_report *r, enum pd_lang lang,
                           unsigned flags);
/* pretty != 0: indented; otherwise one line (JSON Lines). */
const char *pd_render_json(const struct pd_ctx *ctx, struct pd_arena *a,
                           const struct pd_report *r, int pretty);
/* Indicators of compromise, one per line: every link (and each unwrapped
 * layer), then their domains, then IPs (link hosts and the origin IP);
 * each once, defanged unless flags has PD_TEXT_NO_DEFANG. */
const char *pd_render_iocs(const struct pd_ctx *ctx, struct pd_arena *a,
                           const struct pd_report *r, unsigned flags);
/* The one-line error record for batch output. */
const char *pd_render_json_error(struct pd_arena *a, const char *source,
                                 const char *error);

/* The finding catalog as a Markdown document (docs/FINDINGS.md is this
 * output): every id with group, severity, default weight and both sentences. */
const char *pd_findings_markdown(struct pd_arena *a);

/* Global initialisation (GMime); call once before any thread starts. */
void pd_global_init(void);
void pd_global_shutdown(void);

#ifdef __cplusplus
}
#endif
#endif
