/* render_json.c - the machine report (schema in docs/JSON.md).
 *
 * Written in one pass with the streaming writer (jsonw.c): the call order
 * is the key order, so the output is stable.  Every string put in is valid
 * UTF-8 (the model and findings are sanitised), and the writer escapes
 * control characters, so the JSON is always valid.  URLs, hosts and IPs
 * come raw and defanged. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/safe.h"
#include "base/text.h"
#include "ctx.h"
#include "pd-config.h"
#include "report/jsonw.h"
#include "report/report.h"
#include "report/render_links.h"

/* Numbers short and stable: "11.50" -> "11.5", "3.00" -> "3", "-0" -> "0". */
static void add_num(struct pd_jw *w, const char *k, double v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%.2f", v);
	size_t n = strlen(buf);
	while (n && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n && buf[n - 1] == '.')
		buf[--n] = '\0';
	if (strcmp(buf, "-0") == 0)
		snprintf(buf, sizeof buf, "0");
	pd_jw_raw_num(w, k, buf);
}

static void addr_obj(struct pd_jw *w, const char *k, const struct pd_addr *a)
{
	if (!*a->addr && !*a->display) {
		pd_jw_null(w, k);
		return;
	}
	pd_jw_obj(w, k);
	pd_jw_str(w, "display", a->display);
	pd_jw_str(w, "address", a->addr);
	pd_jw_str(w, "domain", a->domain);
	pd_jw_end_obj(w);
}

static const char *iso_time(struct pd_arena *a, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm))
		return "";
	return pd_arena_printf(a, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	                       tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static const char *origin_name(enum pd_link_origin o)
{
	switch (o) {
	case PD_LINK_TEXT: return "text";
	case PD_LINK_HTML_HREF: return "html-href";
	case PD_LINK_HTML_FORM: return "html-form";
	case PD_LINK_HTML_IMG: return "html-img";
	case PD_LINK_HTML_META: return "html-meta-refresh";
	case PD_LINK_HTML_BASE: return "html-base";
	case PD_LINK_HTML_SCRIPT: return "html-script";
	case PD_LINK_HTML_OTHER: return "html-other";
	}
	return "?";
}

/* The brand the mail claims to be: where, its official domains, and what
 * contradicts the claim (the detail of each brand finding); null if none. */
static void brand_obj(struct pd_jw *w, const struct pd_brand_claim *bc)
{
	if (!bc) {
		pd_jw_null(w, "brand");
		return;
	}
	pd_jw_obj(w, "brand");
	pd_jw_str(w, "id", bc->id);
	pd_jw_str(w, "name", bc->name);
	pd_jw_str(w, "name_ja", bc->name_ja);
	pd_jw_arr(w, "claimed_in");
	for (unsigned i = 0; i < bc->nsites; i++) {
		pd_jw_obj(w, NULL);
		pd_jw_str(w, "site", bc->sites[i].site);
		pd_jw_str(w, "where", bc->sites[i].where);
		pd_jw_str(w, "value", bc->sites[i].value);
		pd_jw_end_obj(w);
	}
	pd_jw_end_arr(w);
	pd_jw_arr(w, "official_domains");
	for (unsigned i = 0; i < bc->ndomains; i++)
		pd_jw_str(w, NULL, bc->domains[i]);
	pd_jw_end_arr(w);
	pd_jw_bool(w, "verified", bc->verified);
	pd_jw_arr(w, "contradicted_by");
	for (unsigned i = 0; i < bc->ncontra; i++) {
		pd_jw_obj(w, NULL);
		pd_jw_str(w, "finding", bc->contra[i].finding);
		pd_jw_str(w, "en", bc->contra[i].en);
		pd_jw_str(w, "ja", bc->contra[i].ja);
		pd_jw_end_obj(w);
	}
	pd_jw_end_arr(w);
	pd_jw_end_obj(w);
}

static void findings(struct pd_jw *w, struct pd_arena *a, const struct pd_report *r)
{
	pd_jw_arr(w, "findings");
	for (unsigned i = 0; i < r->nfindings; i++) {
		const struct pd_finding *f = &r->findings[i];
		const struct pd_catalog_entry *c = &pd_catalog[f->id];
		pd_jw_obj(w, NULL);
		pd_jw_str(w, "id", c->id);
		pd_jw_str(w, "group", pd_group_name(c->group));
		pd_jw_str(w, "severity", pd_severity_name(c->severity));
		add_num(w, "weight", f->weight);
		pd_jw_str(w, "where", f->where);
		pd_jw_str(w, "value", f->value);
		if (f->value_is_url)
			pd_jw_str(w, "value_defanged", pd_defang_url(a, f->value));
		else if (f->value_is_host)
			pd_jw_str(w, "value_defanged", pd_defang_host(a, f->value));
		pd_jw_str(w, "detail", f->detail);
		pd_jw_str(w, "detail_ja", f->detail_ja);
		pd_jw_obj(w, "explanation");
		pd_jw_str(w, "en", c->en);
		pd_jw_str(w, "ja", c->ja);
		pd_jw_end_obj(w);
		pd_jw_end_obj(w);
	}
	pd_jw_end_arr(w);
}

static void message(struct pd_jw *w, struct pd_arena *a, const struct pd_msg *m)
{
	pd_jw_obj(w, "message");
	pd_jw_str(w, "subject", m->subject);
	pd_jw_str(w, "subject_raw", m->subject_raw);
	addr_obj(w, "from", &m->from);
	addr_obj(w, "reply_to", &m->reply_to);
	addr_obj(w, "return_path", &m->return_path);
	addr_obj(w, "sender", &m->sender);
	pd_jw_arr(w, "to");
	for (unsigned i = 0; i < m->nto; i++)
		addr_obj(w, NULL, &m->to[i]);
	pd_jw_end_arr(w);
	pd_jw_str(w, "recipient", m->recipient_addr);
	pd_jw_str(w, "date", m->date_raw);
	if (m->has_date)
		pd_jw_str(w, "date_utc", iso_time(a, m->date));
	else
		pd_jw_null(w, "date_utc");
	pd_jw_str(w, "message_id", m->message_id);
	pd_jw_int(w, "size", (int64_t)m->size);
	if (m->forwarded) {
		pd_jw_obj(w, "forwarded");
		addr_obj(w, "reporter", &m->outer_from);
		pd_jw_str(w, "subject", m->outer_subject);
		pd_jw_end_obj(w);
	} else {
		pd_jw_null(w, "forwarded");
	}
	pd_jw_end_obj(w);
}

/* IP facts from the offline databases (net/intel.c), or null. */
static void network(struct pd_jw *w, uint32_t asn, const char *org, const char *country, const char *city)
{
	if (!asn && !(country && *country) && !(city && *city)) {
		pd_jw_null(w, "network");
		return;
	}
	pd_jw_obj(w, "network");
	if (asn)
		pd_jw_int(w, "asn", asn);
	else
		pd_jw_null(w, "asn");
	pd_jw_str(w, "org", org);
	pd_jw_str(w, "country", country);
	pd_jw_str(w, "city_approximate", city);
	pd_jw_end_obj(w);
}

static void route(struct pd_jw *w, struct pd_arena *a, const struct pd_msg *m)
{
	pd_jw_obj(w, "route");
	pd_jw_arr(w, "hops");
	for (unsigned i = 0; i < m->nhops; i++) {
		const struct pd_hop *h = &m->hops[i];
		pd_jw_obj(w, NULL);
		pd_jw_int(w, "index", (int)i + 1);
		pd_jw_str(w, "helo", h->helo);
		pd_jw_str(w, "rdns", h->rdns);
		pd_jw_str(w, "ip", h->ip);
		pd_jw_str(w, "ip_defanged", *h->ip ? pd_defang_host(a, h->ip) : "");
		network(w, h->asn, h->as_org, h->country, h->city);
		pd_jw_str(w, "by", h->by);
		pd_jw_str(w, "with", h->with);
		pd_jw_str(w, "id", h->id);
		pd_jw_str(w, "for", h->for_addr);
		pd_jw_str(w, "date", h->date_raw);
		if (h->flags & PD_HOP_HAS_DATE)
			pd_jw_str(w, "time_utc", iso_time(a, h->time));
		else
			pd_jw_null(w, "time_utc");
		pd_jw_bool(w, "private_ip", (h->flags & PD_HOP_IP_PRIVATE) != 0);
		pd_jw_bool(w, "parsed", (h->flags & PD_HOP_PARSED) != 0);
		pd_jw_str(w, "raw", h->raw);
		pd_jw_end_obj(w);
	}
	pd_jw_end_arr(w);
	if (m->origin_hop >= 0) {
		const struct pd_hop *h = &m->hops[m->origin_hop];
		pd_jw_obj(w, "origin");
		pd_jw_int(w, "hop", m->origin_hop + 1);
		pd_jw_str(w, "ip", h->ip);
		pd_jw_str(w, "ip_defanged", pd_defang_host(a, h->ip));
		network(w, h->asn, h->as_org, h->country, h->city);
		pd_jw_str(w, "rdns", h->rdns);
		pd_jw_str(w, "helo", h->helo);
		pd_jw_str(w, "reason", m->origin_reason);
		pd_jw_end_obj(w);
	} else {
		pd_jw_null(w, "origin");
	}
	pd_jw_end_obj(w);
}

static void auth(struct pd_jw *w, const struct pd_msg *m)
{
	pd_jw_arr(w, "auth");
	for (unsigned i = 0; i < m->nauth; i++) {
		const struct pd_authres *ar = &m->auth[i];
		pd_jw_obj(w, NULL);
		pd_jw_str(w, "header", ar->source == PD_AUTH_AR ? "Authentication-Results"
		                       : ar->source == PD_AUTH_ARC_AR ? "ARC-Authentication-Results" : "Received-SPF");
		pd_jw_int(w, "index", (int)ar->header_index + 1);
		pd_jw_str(w, "authserv_id", ar->authserv_id);
		if (ar->source == PD_AUTH_ARC_AR)
			pd_jw_int(w, "arc_instance", ar->arc_instance);
		pd_jw_arr(w, "methods");
		for (unsigned k = 0; k < ar->nmethods; k++) {
			const struct pd_auth_method *me = &ar->methods[k];
			pd_jw_obj(w, NULL);
			pd_jw_str(w, "method", me->method);
			pd_jw_str(w, "result", me->result);
			pd_jw_str(w, "reason", me->reason);
			/* "ptype.property": the first of duplicates wins, as before */
			pd_jw_obj(w, "props");
			for (unsigned p = 0; p < me->nprops; p++) {
				char key[96];
				snprintf(key, sizeof key, "%s.%s", me->props[p].ptype, me->props[p].property);
				bool dup = false;
				for (unsigned q = 0; q < p && !dup; q++) {
					char prev[96];
					snprintf(prev, sizeof prev, "%s.%s", me->props[q].ptype, me->props[q].property);
					dup = strcmp(prev, key) == 0;
				}
				if (!dup)
					pd_jw_str(w, key, me->props[p].value);
			}
			pd_jw_end_obj(w);
			pd_jw_end_obj(w);
		}
		pd_jw_end_arr(w);
		pd_jw_end_obj(w);
	}
	pd_jw_end_arr(w);
}

static void links(struct pd_jw *w, struct pd_arena *a, const struct pd_msg *m)
{
	pd_jw_arr(w, "links");
	for (unsigned i = 0; i < m->nurls; i++) {
		const struct pd_url *u = &m->urls[i];
		pd_jw_obj(w, NULL);
		pd_jw_str(w, "raw", u->raw);
		pd_jw_str(w, "defanged", pd_defang_url(a, u->raw));
		pd_jw_str(w, "origin", origin_name(u->origin));
		pd_jw_str(w, "part", u->part_index < m->nparts ? m->parts[u->part_index].path : "");
		pd_jw_str(w, "shown", u->shown);
		pd_jw_str(w, "scheme", u->scheme);
		pd_jw_str(w, "host", u->host);
		pd_jw_str(w, "host_unicode", u->host_unicode);
		pd_jw_str(w, "domain", u->domain);
		pd_jw_bool(w, "host_is_ip", u->host_is_ip);
		pd_json_link_forensics(a, w, u);
		if (u->host_is_ip)
			network(w, u->ip_asn, u->ip_org, u->ip_country, u->ip_city);
		pd_jw_end_obj(w);
	}
	pd_jw_end_arr(w);
}

static void parts(struct pd_jw *w, const struct pd_msg *m, bool attachments_only)
{
	pd_jw_arr(w, attachments_only ? "attachments" : "parts");
	for (unsigned i = 0; i < m->nparts; i++) {
		const struct pd_part *p = &m->parts[i];
		if (attachments_only && !(p->flags & PD_PART_ATTACHMENT))
			continue;
		pd_jw_obj(w, NULL);
		pd_jw_str(w, "part", p->path);
		pd_jw_str(w, "content_type", p->content_type);
		if (attachments_only) {
			pd_jw_str(w, "filename", p->filename);
			pd_jw_int(w, "size", (int64_t)p->size);
			pd_jw_str(w, "sha256", p->sha256);
		} else {
			pd_jw_str(w, "charset_declared", p->charset_declared);
			pd_jw_str(w, "charset_used", p->charset_used);
			pd_jw_str(w, "encoding", p->encoding);
			pd_jw_int(w, "size", (int64_t)p->size);
			pd_jw_arr(w, "flags");
			static const struct { unsigned bit; const char *name; } names[] = {
				{ PD_PART_HTML, "html" }, { PD_PART_ATTACHMENT, "attachment" },
				{ PD_PART_CHARSET_MISLABELLED, "charset-mislabelled" },
				{ PD_PART_CHARSET_DETECTED, "charset-detected" },
				{ PD_PART_INVALID_BYTES, "invalid-bytes" }, { PD_PART_TRUNCATED, "truncated" },
				{ PD_PART_IN_FORWARDED, "in-attached-message" },
			};
			for (size_t k = 0; k < sizeof names / sizeof *names; k++)
				if (p->flags & names[k].bit)
					pd_jw_str(w, NULL, names[k].name);
			pd_jw_end_arr(w);
		}
		pd_jw_end_obj(w);
	}
	pd_jw_end_arr(w);
}

const char *pd_render_json(const struct pd_ctx *ctx, struct pd_arena *a, const struct pd_report *r, int pretty)
{
	const struct pd_msg *m = r->msg;
	struct pd_jw w;
	pd_jw_init(&w, a, pretty);
	pd_jw_obj(&w, NULL);
	pd_jw_str(&w, "schema", PD_SCHEMA_VERSION);
	pd_jw_str(&w, "source", m->source);
	pd_jw_str(&w, "verdict", pd_verdict_name(r->verdict));
	add_num(&w, "score", r->score);
	pd_jw_str(&w, "category", pd_category_name(r->category));
	pd_jw_bool(&w, "partial", r->partial);
	brand_obj(&w, r->brand); /* brand.c; null if none claimed */
	findings(&w, a, r);
	message(&w, a, m);
	route(&w, a, m);
	auth(&w, m);
	links(&w, a, m);
	parts(&w, m, true);
	parts(&w, m, false);
	pd_jw_arr(&w, "analyzers");
	for (unsigned i = 0; i < r->nstatus; i++) {
		pd_jw_obj(&w, NULL);
		pd_jw_str(&w, "name", r->status[i].name);
		pd_jw_str(&w, "status", r->status[i].status);
		pd_jw_end_obj(&w);
	}
	pd_jw_end_arr(&w);
	pd_jw_obj(&w, "tool");
	pd_jw_str(&w, "name", "phishdissect");
	pd_jw_str(&w, "version", PD_VERSION);
	pd_jw_str(&w, "psl", ctx->psl_source ? ctx->psl_source : "");
	pd_jw_str(&w, "freemail", ctx->freemail_source ? ctx->freemail_source : "not installed");
	pd_jw_str(&w, "ip_data", ctx->intel.ipdb_source ? ctx->intel.ipdb_source : "not installed");
	pd_jw_str(&w, "feeds", ctx->intel.feeds ? pd_feeds_summary(ctx->intel.feeds) : "none");
	pd_jw_end_obj(&w);
	pd_jw_end_obj(&w);
	return pd_jw_done(&w);
}

const char *pd_render_json_error(struct pd_arena *a, const char *source, const char *error)
{
	struct pd_jw w;
	size_t n;
	pd_jw_init(&w, a, 0);
	pd_jw_obj(&w, NULL);
	pd_jw_str(&w, "source", pd_utf8_sanitize(a, source ? source : "", source ? strlen(source) : 0, &n));
	pd_jw_str(&w, "error", pd_utf8_sanitize(a, error ? error : "", error ? strlen(error) : 0, &n));
	pd_jw_end_obj(&w);
	return pd_jw_done(&w);
}
