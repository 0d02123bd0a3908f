/* registry.c - the analyzers in run order, pd_analyze(), and helpers
 * shared by analyzers (where-strings, From domain, rDNS classes). */
#include <string.h>

#include "analyzers/analyzers.h"
#include "data/brands.h"
#include "base/text.h"
#include "mail/parse.h"
#include "net/domain.h"
#include "net/intel.h"

const struct pd_analyzer pd_analyzers[] = {
	{ "structure", pd_an_structure },
	{ "sender", pd_an_sender },
	{ "route", pd_an_route },
	{ "auth", pd_an_auth },
	{ "links", pd_an_links },
	{ "intel", pd_an_intel },
	{ "content", pd_an_content },
	{ "brand", pd_an_brand },
};
const unsigned pd_nanalyzers = sizeof pd_analyzers / sizeof pd_analyzers[0];

const char *pd_where_header(struct pd_report *r, const struct pd_msg *m, const char *name)
{
	const struct pd_header *h = pd_msg_header(m, name, 0);
	if (h && h->line)
		return pd_arena_printf(r->arena, "%s (line %u)", h->name, h->line);
	return name;
}

const char *pd_where_hop(struct pd_report *r, const struct pd_msg *m, unsigned hop)
{
	const struct pd_header *h = pd_msg_header(m, "Received", hop);
	if (h && h->line)
		return pd_arena_printf(r->arena, "Received #%u (line %u)", hop + 1, h->line);
	return pd_arena_printf(r->arena, "Received #%u", hop + 1);
}

const char *pd_where_part(struct pd_report *r, const struct pd_msg *m, unsigned part)
{
	if (part < m->nparts && *m->parts[part].path)
		return pd_arena_printf(r->arena, "part %s", m->parts[part].path);
	return "body";
}

const char *pd_registrable_of(struct pd_report *r, const char *d)
{
	if (!d || !*d)
		return "";
	const char *at = strrchr(d, '@');
	if (at)
		d = at + 1;
	char *low = pd_ascii_lower(r->arena, d, strlen(d));
	const char *g = pd_domain_registrable(r->arena, r->ctx->psl, low);
	return *g ? g : low;
}

const char *pd_from_domain(struct pd_report *r, const struct pd_msg *m)
{
	if (!*m->from.domain)
		return "";
	const char *d = pd_domain_registrable(r->arena, r->ctx->psl, m->from.domain);
	return *d ? d : m->from.domain;
}

const struct pd_rdns_rule *pd_rdns_classify(const struct pd_ctx *ctx, const char *name)
{
	if (!name || !*name)
		return NULL;
	/* into a zeroed buffer: PCRE2's JIT reads whole words past the end
	 * of the subject, which memcheck reports when the bytes after the
	 * NUL are arena memory never written (pd_arena_alloc_raw) */
	char small[288] = { 0 };
	size_t n = strlen(name);
	char *buf = n < sizeof small - 32 ? small : g_malloc0(n + 32); /* a HELO may be any length */
	memcpy(buf, name, n);
	const struct pd_rdns_rule *hit = NULL;
	for (unsigned i = 0; i < ctx->nrdns && !hit; i++)
		if (g_regex_match(ctx->rdns[i].re, buf, 0, NULL))
			hit = &ctx->rdns[i];
	if (buf != small)
		g_free(buf);
	return hit;
}

bool pd_is_freemail(const struct pd_ctx *ctx, const char *domain)
{
	return ctx->freemail && domain && *domain && g_hash_table_contains(ctx->freemail, domain);
}

const struct pd_text_hits *pd_text_hits(struct pd_report *r, const struct pd_msg *m, unsigned i)
{
	if (i >= m->ntexts)
		return NULL;
	if (!r->text_hits) {
		/* every text at once: both analyzers read them all */
		struct pd_text_hits *th = pd_arena_alloc(r->arena, m->ntexts * sizeof *th);
		const struct pd_ac *const ac[2] = { r->ctx->brands ? r->ctx->brands->alias_ac : NULL, r->ctx->lex_ac };
		for (unsigned k = 0; k < m->ntexts; k++) {
			const struct pd_text_part *t = &m->texts[k];
			/* a match per two bytes is far more than text holds; beyond
			 * that (a flood of one letter) the analyzers scan alone */
			size_t cap = t->fold_len * 2 + 64;
			if (cap > 1u << 16)
				cap = 1u << 16;
			struct pd_ac_hit *h0 = pd_arena_alloc_raw(r->arena, cap * sizeof *h0);
			struct pd_ac_hit *h1 = pd_arena_alloc_raw(r->arena, cap * sizeof *h1);
			struct pd_ac_hit *const h[2] = { h0, h1 };
			size_t n[2];
			th[k].valid = pd_ac_scan_pair(ac, t->fold, t->fold_len, h, n, cap);
			th[k].alias = h0;
			th[k].lex = h1;
			th[k].nalias = n[0];
			th[k].nlex = n[1];
		}
		r->text_hits = th;
	}
	return r->text_hits[i].valid ? &r->text_hits[i] : NULL;
}

int pd_analyze(const struct pd_ctx *ctx, struct pd_arena *arena, const char *data, size_t len,
               const char *source, bool parse_only, struct pd_report **out, const char **err)
{
	struct pd_msg *m = NULL;
	*out = NULL;
	/* the time limit: checked by the parser between MIME parts and here
	 * between analyzers (structure always runs: it reports the limits) */
	unsigned max_ms = ctx->opt.limits.max_time_ms;
	gint64 deadline = max_ms ? g_get_monotonic_time() + (gint64)max_ms * 1000 : 0;
	if (pd_msg_parse(ctx, arena, data, len, source, &m, err) < 0)
		return -1;
	struct pd_report *r = pd_arena_alloc(arena, sizeof *r);
	r->ctx = ctx;
	r->msg = m;
	r->arena = arena;
	r->parse_only = parse_only;
	*out = r;
	if (parse_only)
		return 0;
	pd_intel_annotate(ctx, m); /* IP facts on hops and IP links (net/intel.c) */
	for (unsigned i = 0; i < pd_nanalyzers; i++) {
		if (i > 0 && deadline && g_get_monotonic_time() >= deadline) {
			pd_emitf(r, PD_F_MIME_LIMIT_REACHED, "time", "analysis stopped after %u ms", max_ms);
			r->partial = true;
			for (; i < pd_nanalyzers; i++)
				pd_report_status(r, pd_analyzers[i].name, "skipped: time limit");
			break;
		}
		pd_report_status(r, pd_analyzers[i].name, "ok");
		pd_analyzers[i].run(ctx, m, r);
	}
	pd_report_finish(r);
	return 0;
}
