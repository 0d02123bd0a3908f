/* route.c - the Received chain: the origin hop (chosen once by the
 * parser: the first hop, walking down from the top, outside the
 * receiving side's own and private relays), what kind of network it is
 * (data/rdns.txt), HELO anomalies, and the timeline of the hops. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "base/text.h"
#include "mail/received.h"
#include "net/domain.h"

static bool helo_is_loopback(const char *h)
{
	if (!*h)
		return false;
	if (pd_strieq(h, "localhost") || pd_strieq(h, "localhost.localdomain") ||
	    pd_strieq(h, "[127.0.0.1]") || pd_strieq(h, "127.0.0.1") || pd_strieq(h, "[::1]") ||
	    pd_strieq(h, "[IPv6:::1]"))
		return true;
	unsigned char ip[16];
	int fam = pd_ip_parse(h, strlen(h), ip);
	return fam && pd_ip_is_loopback(fam, ip);
}

static void check_origin(const struct pd_ctx *ctx, const struct pd_msg *m, struct pd_report *r)
{
	if (m->origin_hop < 0)
		return;
	const struct pd_hop *h = &m->hops[m->origin_hop];
	const char *where = pd_where_hop(r, m, (unsigned)m->origin_hop);
	const struct pd_rdns_rule *rule = pd_rdns_classify(ctx, h->rdns);
	if (!rule && !*h->rdns && *h->helo)
		rule = NULL;
	if (rule) {
		enum pd_fid id = strcmp(rule->kind, "dynamic") == 0 ? PD_F_ROUTE_ORIGIN_DYNAMIC
		               : strcmp(rule->kind, "cloud") == 0   ? PD_F_ROUTE_ORIGIN_CLOUD
		                                                    : PD_F_COUNT;
		if (id != PD_F_COUNT) {
			struct pd_finding *f = pd_emit(r, id, where, h->rdns);
			if (f) {
				f->value_is_host = true;
				pd_detail(r, f, PD_D_NETWORK_IP, rule->label, h->ip);
			}
		}
	}
	if (!*h->rdns && pd_memcasemem(h->raw, strlen(h->raw), "unknown")) {
		struct pd_finding *f = pd_emit(r, PD_F_ROUTE_ORIGIN_NO_RDNS, where, h->ip);
		if (f)
			f->value_is_host = true;
	}
	if (helo_is_loopback(h->helo)) {
		struct pd_finding *f = pd_emitd(r, PD_F_ROUTE_HELO_LOOPBACK, where, h->helo, PD_D_CONNECTING_IP, h->ip);
		if (f)
			f->value_is_host = true;
	} else if (h->flags & PD_HOP_HELO_IPLIT) {
		unsigned char ip[16];
		int fam = pd_ip_parse(h->helo, strlen(h->helo), ip);
		if (fam && h->ip_family &&
		    !(fam == h->ip_family && memcmp(ip, h->ip_bytes, fam == 4 ? 4 : 16) == 0))
		{
			struct pd_finding *f = pd_emitd(r, PD_F_ROUTE_HELO_IP_MISMATCH, where, h->helo, PD_D_CONNECTING_IP, h->ip);
			if (f)
				f->value_is_host = true;
		}
	} else if (*h->helo && *h->rdns && pd_looks_like_hostname(h->helo, strlen(h->helo))) {
		const char *a = pd_domain_registrable(r->arena, ctx->psl, h->helo);
		const char *b = pd_domain_registrable(r->arena, ctx->psl, h->rdns);
		if (*a && *b && strcmp(a, b) != 0) {
			struct pd_finding *f = pd_emit(r, PD_F_ROUTE_HELO_RDNS_UNRELATED, where, h->helo);
			if (f) {
				f->value_is_host = true;
				pd_detail(r, f, PD_D_REVERSE_DNS, h->rdns);
			}
		}
	}
}

static void check_timeline(const struct pd_ctx *ctx, const struct pd_msg *m, struct pd_report *r)
{
	/* hops[i+1] is older than hops[i] */
	for (unsigned i = 0; i + 1 < m->nhops; i++) {
		const struct pd_hop *newer = &m->hops[i], *older = &m->hops[i + 1];
		if (!(newer->flags & PD_HOP_HAS_DATE) || !(older->flags & PD_HOP_HAS_DATE))
			continue;
		int64_t d = newer->time - older->time;
		if (d < -600)
			pd_emitd(r, PD_F_ROUTE_TIME_BACKWARDS, pd_where_hop(r, m, i), newer->date_raw,
			         PD_D_EARLIER_THAN, (long long)-d, i + 2);
		else if (d > 86400)
			pd_emitd(r, PD_F_ROUTE_LONG_DELAY, pd_where_hop(r, m, i), newer->date_raw,
			         PD_D_HOURS_AFTER_HOP, (double)d / 3600.0, i + 2);
	}
	if (m->origin_hop >= 0 && m->has_date) {
		const struct pd_hop *o = &m->hops[m->origin_hop];
		if (o->flags & PD_HOP_HAS_DATE) {
			int64_t d = o->time - m->date;
			if (d > 3 * 86400 || d < -3 * 86400)
				pd_emitd(r, PD_F_ROUTE_DATE_SKEW, pd_where_header(r, m, "Date"), m->date_raw,
				         PD_D_DAYS_BETWEEN, (double)llabs(d) / 86400.0, *o->by ? o->by : "?");
		}
		/* hops below the origin were written by the sender's side */
		for (unsigned i = (unsigned)m->origin_hop + 1; i < m->nhops; i++) {
			const struct pd_hop *h = &m->hops[i];
			if ((h->flags & PD_HOP_HAS_DATE) && h->tz_minutes != m->date_tz_minutes) {
				char a[16], b[16];
				snprintf(a, sizeof a, "%+03d%02d", m->date_tz_minutes / 60, abs(m->date_tz_minutes % 60));
				snprintf(b, sizeof b, "%+03d%02d", h->tz_minutes / 60, abs(h->tz_minutes % 60));
				pd_emitd(r, PD_F_ROUTE_TZ_CONTRADICTS, pd_where_hop(r, m, i), h->date_raw,
				         PD_D_TZ_DIFFER, a, b);
				break;
			}
		}
	}
	(void)ctx;
}

void pd_an_route(const struct pd_ctx *ctx, const struct pd_msg *m, struct pd_report *r)
{
	if (m->nhops == 0) {
		pd_emit(r, PD_F_ROUTE_NO_RECEIVED, "Received", "");
		return;
	}
	check_origin(ctx, m, r);
	check_timeline(ctx, m, r);
}
