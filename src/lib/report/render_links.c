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

json_object *pd_json_url_flags(unsigned flags)
{
	json_object *arr = json_object_new_array();
	for (unsigned b = 0; b < PD_URLF_COUNT; b++)
		if (flags & (1u << b))
			json_object_array_add(arr, json_object_new_string(pd_url_flag_name(b)));
	return arr;
}

void pd_json_link_forensics(struct pd_arena *a, json_object *o, const struct pd_url *u)
{
	json_object_object_add(o, "userinfo", json_object_new_string(u->userinfo ? u->userinfo : ""));
	json_object_object_add(o, "port", u->port >= 0 ? json_object_new_int(u->port) : NULL);
	json_object_object_add(o, "lookalike_of", json_object_new_string(u->lookalike_of ? u->lookalike_of : ""));
	json_object_object_add(o, "flags", pd_json_url_flags(u->flags));
	json_object *layers = json_object_new_array();
	unsigned d = 0;
	for (const struct pd_url *L = u->inner; L && d < MAX_LAYERS; L = L->inner, d++) {
		json_object *x = json_object_new_object();
		json_object_object_add(x, "raw", json_object_new_string(L->raw));
		json_object_object_add(x, "defanged", json_object_new_string(pd_defang_url(a, L->raw)));
		json_object_object_add(x, "via", json_object_new_string(L->via ? L->via : ""));
		json_object_object_add(x, "host", json_object_new_string(L->host));
		json_object_object_add(x, "domain", json_object_new_string(L->domain));
		json_object_object_add(x, "lookalike_of", json_object_new_string(L->lookalike_of ? L->lookalike_of : ""));
		json_object_object_add(x, "flags", pd_json_url_flags(L->flags));
		json_object_array_add(layers, x);
	}
	json_object_object_add(o, "unwrapped", layers);
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
