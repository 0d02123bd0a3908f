/* intel.c - findings from offline intelligence: who owns the network the
 * mail came from (AS number and organisation from the IP database,
 * data/hosting-asns.txt for cloud and hosting networks), and whether the
 * origin address or a link is on an installed threat feed (net/feeds.h).
 *
 * One finding per fact: when the reverse-DNS name already shows a cloud
 * server (route.c, ROUTE_ORIGIN_CLOUD), the AS number adds no second
 * finding; it speaks only for origins without a reverse-DNS name (the
 * receiver wrote "unknown", or recorded none and the HELO is no host
 * name), since servers with a name of their own in rented networks are
 * common and legitimate (list servers, company mail hosts).  The provider's own mail service in such a network (Gmail,
 * Exchange Online, Amazon SES: the MAIL-HOSTS column) is not a rented
 * server, nor is a host named in the sender's own domain.  Nothing is
 * claimed when the data is not installed.
 */
#include <string.h>

#include "analyzers/analyzers.h"
#include "base/text.h"
#include "mail/received.h"
#include "net/domain.h"
#include "net/intel.h"

static bool host_under(const char *host, const char *suffix)
{
	size_t hl = strlen(host), sl = strlen(suffix);
	if (!sl || hl < sl)
		return false;
	return pd_strieq(host + hl - sl, suffix) && (hl == sl || host[hl - sl - 1] == '.');
}

static bool is_provider_mail(const struct pd_hosting_asn *ha, const char *rdns)
{
	if (!ha || !*rdns)
		return false;
	for (unsigned i = 0; ha->mail_domains[i]; i++)
		if (*ha->mail_domains[i] && host_under(rdns, ha->mail_domains[i]))
			return true;
	return false;
}

/* Letters and digits of s, lower-case (bounded). */
static char *alnum_lower(struct pd_arena *a, const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n > max)
		n = max;
	char *o = pd_arena_alloc(a, n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (pd_isalnum((unsigned char)s[i]))
			o[k++] = (char)pd_tolower((unsigned char)s[i]);
	o[k] = '\0';
	return o;
}

/* Does the AS organisation name share the From domain's name?  "kagoya"
 * of kagoya.net in "KAGOYA JAPAN Inc.", "amazon" of amazon.co.jp in
 * "Amazon.com, Inc.". */
static bool org_matches_domain(struct pd_arena *a, const char *org, const char *regdom)
{
	size_t ll = strcspn(regdom, ".");
	char *label = alnum_lower(a, pd_arena_strndup(a, regdom, ll), 64);
	char *o = alnum_lower(a, org, 200);
	if (strlen(label) < 3 || !*o)
		return true; /* too short to judge: claim nothing */
	return strstr(o, label) != NULL;
}

static void check_origin(const struct pd_ctx *ctx, const struct pd_msg *m, struct pd_report *r)
{
	if (m->origin_hop < 0)
		return;
	const struct pd_hop *h = &m->hops[m->origin_hop];
	if (!h->ip_family || (h->flags & PD_HOP_IP_PRIVATE))
		return;
	const char *where = NULL;
	const char *from = pd_from_domain(r, m);
	const char *rdns_reg = *h->rdns ? pd_domain_registrable(r->arena, ctx->psl, h->rdns) : "";
	bool own_host = *from && *rdns_reg && strcmp(from, rdns_reg) == 0;
	if (h->asn && h->as_org) {
		const struct pd_hosting_asn *ha = pd_intel_hosting(&ctx->intel, h->asn);
		const struct pd_rdns_rule *rule = pd_rdns_classify(ctx, h->rdns);
		bool rdns_cloud = rule && strcmp(rule->kind, "cloud") == 0;
		bool provider_mail = is_provider_mail(ha, h->rdns);
		where = pd_where_hop(r, m, (unsigned)m->origin_hop);
		/* A server with a name of its own (list servers, company mail
		 * hosts on rented machines) is common and legitimate; a rented
		 * machine without a reverse-DNS name that greets with an address
		 * or a bare word is what throw-away senders look like. */
		bool unnamed = !*h->rdns && (pd_memcasemem(h->raw, strlen(h->raw), "unknown") ||
		                             !pd_looks_like_hostname(h->helo, strlen(h->helo)));
		if (ha && unnamed && !rdns_cloud && !provider_mail && !own_host) {
			struct pd_finding *f = pd_emitd(r, PD_F_ROUTE_ORIGIN_HOSTING_NETWORK, where, h->ip, PD_D_AS_NETWORK,
			                                h->asn, *h->as_org ? h->as_org : ha->label,
			                                *h->country ? h->country : "?", h->ip);
			if (f)
				f->value_is_host = true;
		}
		if (*from && *h->as_org && !own_host && !provider_mail && !pd_is_freemail(ctx, from) &&
		    !org_matches_domain(r->arena, h->as_org, from)) {
			struct pd_finding *f = pd_emitd(r, PD_F_ROUTE_ORIGIN_NETWORK_UNRELATED, where, h->ip,
			                                PD_D_AS_UNRELATED, h->asn, h->as_org, from);
			if (f)
				f->value_is_host = true;
		}
	}
	if (ctx->intel.feeds) {
		struct pd_feed_query q = { NULL, NULL, NULL, h->ip_family, h->ip_bytes };
		struct pd_feed_hit hit;
		if (pd_feeds_match(ctx->intel.feeds, r->arena, &q, &hit) == 1) {
			if (!where)
				where = pd_where_hop(r, m, (unsigned)m->origin_hop);
			struct pd_finding *f = pd_emitd(r, PD_F_ROUTE_ORIGIN_LISTED_IN_FEED, where, h->ip, PD_D_FEED_ENTRY,
			                                hit.feed, hit.entry, *hit.date ? hit.date : "?",
			                                pd_feed_how_name(hit.how));
			if (f)
				f->value_is_host = true;
		}
	}
}

static void check_links(const struct pd_ctx *ctx, const struct pd_msg *m, struct pd_report *r)
{
	const struct pd_feeds *fe = ctx->intel.feeds;
	if (!fe)
		return;
	for (unsigned i = 0; i < m->nurls; i++) {
		const struct pd_url *u = &m->urls[i];
		if (!*u->host)
			continue;
		unsigned char ip[16];
		int fam = u->host_is_ip ? pd_ip_parse(u->host, strlen(u->host), ip) : 0;
		struct pd_feed_query q = { u->raw, u->host, u->domain, fam, fam ? ip : NULL };
		struct pd_feed_hit hit;
		if (pd_feeds_match(fe, r->arena, &q, &hit) != 1)
			continue;
		const char *where = pd_arena_printf(r->arena, "link %u, %s", i + 1, pd_where_part(r, m, u->part_index));
		const char *entry = *hit.note ? pd_arena_printf(r->arena, "%s [%s]", hit.entry, hit.note) : hit.entry;
		struct pd_finding *f = pd_emitd(r, PD_F_LINK_LISTED_IN_FEED, where, u->raw, PD_D_FEED_ENTRY, hit.feed,
		                                entry, *hit.date ? hit.date : "?", pd_feed_how_name(hit.how));
		if (f)
			f->value_is_url = true;
	}
}

void pd_an_intel(const struct pd_ctx *ctx, const struct pd_msg *m, struct pd_report *r)
{
	if (!ctx->intel.ipdb && !ctx->intel.feeds) {
		pd_report_status(r, "intel", "skipped: no IP database or feeds installed");
		return;
	}
	check_origin(ctx, m, r);
	check_links(ctx, m, r);
}
