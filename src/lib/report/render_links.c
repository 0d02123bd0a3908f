/* render_links.c - link-forensics parts of the reports: the JSON fields of
 * one link (flags, unwrapped layers), the worst-first order of the text
 * report's links section, and the IOC list (--iocs): URLs, domains and
 * IPs one per line, defanged unless asked otherwise.
 *
 * Limits: at most 4 unwrapped layers per link (as collected), at most
 * max_urls links; output is built in the arena.
 */
#include "report/render_links.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "base/safe.h"
#include "base/text.h"
#include "net/url.h"

#define MAX_LAYERS 4

static void url_flags(struct pd_jw *w, unsigned flags)
{
	pd_jw_arr(w, "flags");
	for (unsigned b = 0; b < PD_URLF_COUNT; b++)
		if (flags & (1u << b))
			pd_jw_str(w, NULL, pd_url_flag_name(b));
	pd_jw_end_arr(w);
}

void pd_json_link_forensics(struct pd_arena *a, struct pd_jw *w, const struct pd_url *u)
{
	pd_jw_str(w, "userinfo", u->userinfo);
	if (u->port >= 0)
		pd_jw_int(w, "port", u->port);
	else
		pd_jw_null(w, "port");
	pd_jw_str(w, "lookalike_of", u->lookalike_of);
	url_flags(w, u->flags);
	pd_jw_arr(w, "unwrapped");
	unsigned d = 0;
	for (const struct pd_url *L = u->inner; L && d < MAX_LAYERS; L = L->inner, d++) {
		pd_jw_obj(w, NULL);
		pd_jw_str(w, "raw", L->raw);
		pd_jw_str(w, "defanged", pd_defang_url(a, L->raw));
		pd_jw_str(w, "via", L->via);
		pd_jw_str(w, "host", L->host);
		pd_jw_str(w, "domain", L->domain);
		pd_jw_str(w, "lookalike_of", L->lookalike_of);
		url_flags(w, L->flags);
		pd_jw_end_obj(w);
	}
	pd_jw_end_arr(w);
}

/* "link N," or "link N (" at the start of a where string: N, else 0. */
static unsigned link_no(const char *w)
{
	if (!w || strncmp(w, "link ", 5) != 0)
		return 0;
	unsigned n = 0;
	const char *p = w + 5;
	for (int k = 0; k < 7 && pd_isdigit((unsigned char)*p); k++, p++)
		n = n * 10 + (unsigned)(*p - '0');
	return (*p == ',' || *p == ' ') ? n : 0;
}

struct ord {
	unsigned idx;
	double score;
};

static int ord_cmp(const void *x, const void *y)
{
	const struct ord *a = x, *b = y;
	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

unsigned pd_links_worst_first(struct pd_arena *a, const struct pd_report *r, unsigned **out)
{
	const struct pd_msg *m = r->msg;
	struct ord *o = pd_arena_calloc(a, m->nurls + 1, sizeof *o);
	for (unsigned i = 0; i < m->nurls; i++)
		o[i].idx = i;
	for (unsigned k = 0; k < r->nfindings; k++) {
		unsigned n = link_no(r->findings[k].where);
		if (n >= 1 && n <= m->nurls)
			o[n - 1].score += pd_catalog[r->findings[k].id].weight > 0 ? pd_catalog[r->findings[k].id].weight : 0;
	}
	qsort(o, m->nurls, sizeof *o, ord_cmp);
	unsigned *idx = pd_arena_calloc(a, m->nurls + 1, sizeof *idx);
	for (unsigned i = 0; i < m->nurls; i++)
		idx[i] = o[i].idx;
	*out = idx;
	return m->nurls;
}

/* ---- IOCs ------------------------------------------------------------ */

struct iocs {
	struct pd_arena *a;
	GHashTable *seen;
	GString *s[3];  /* urls, domains, ips: printed in that order */
	bool defang;
};

static void ioc(struct iocs *x, unsigned kind, const char *v, bool is_url)
{
	if (!v || !*v)
		return;
	char *key = g_strdup_printf("%u %s", kind, v);
	if (g_hash_table_contains(x->seen, key)) {
		g_free(key);
		return;
	}
	g_hash_table_add(x->seen, key);
	const char *out = !x->defang ? pd_term_safe(x->a, v, strlen(v), 0)
	                  : is_url ? pd_defang_url(x->a, v) : pd_defang_host(x->a, v);
	g_string_append_printf(x->s[kind], "%s\n", out);
}

const char *pd_render_iocs(const struct pd_ctx *ctx, struct pd_arena *a, const struct pd_report *r,
                           unsigned flags)
{
	(void)ctx;
	const struct pd_msg *m = r->msg;
	struct iocs x = { a, g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
	                  { g_string_new(NULL), g_string_new(NULL), g_string_new(NULL) }, !(flags & PD_TEXT_NO_DEFANG) };
	for (unsigned i = 0; i < m->nurls; i++) {
		unsigned d = 0;
		for (const struct pd_url *L = &m->urls[i]; L && d <= MAX_LAYERS; L = L->inner, d++) {
			if (!*L->host || (L->flags & PD_URLF_SCRIPT))
				continue;
			ioc(&x, 0, L->raw, true);
			if (L->host_is_ip)
				ioc(&x, 2, L->host, false);
			else
				ioc(&x, 1, *L->domain ? L->domain : L->host, false);
		}
	}
	if (m->origin_hop >= 0 && (unsigned)m->origin_hop < m->nhops && *m->hops[m->origin_hop].ip)
		ioc(&x, 2, m->hops[m->origin_hop].ip, false);
	const char *res = pd_arena_printf(a, "%s%s%s", x.s[0]->str, x.s[1]->str, x.s[2]->str);
	for (int k = 0; k < 3; k++)
		g_string_free(x.s[k], TRUE);
	g_hash_table_destroy(x.seen);
	return res;
}
