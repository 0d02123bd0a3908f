/* render_json.c - the machine report (schema in docs/JSON.md).
 *
 * json-c builds the document; insertion order is the key order, so the
 * output is stable.  Every string put in is valid UTF-8 (the model and
 * findings are sanitised), and json-c escapes control characters, so the
 * JSON is always valid.  URLs, hosts and IPs come raw and defanged. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/safe.h"
#include "base/text.h"
#include "ctx.h"
#include "pd-config.h"
#include "report/report.h"
#include "report/render_links.h"

static void add_s(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v ? v : ""));
}

static void add_num(json_object *o, const char *k, double v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%.2f", v);
	/* keep the printed form short and stable: "11.50" -> "11.5", "3.00" -> "3" */
	size_t n = strlen(buf);
	while (n && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n && buf[n - 1] == '.')
		buf[--n] = '\0';
	if (strcmp(buf, "-0") == 0)
		snprintf(buf, sizeof buf, "0");
	double r;
	sscanf(buf, "%lf", &r);
	json_object_object_add(o, k, json_object_new_double_s(r, buf));
}

static json_object *addr_obj(const struct pd_addr *a)
{
	if (!*a->addr && !*a->display)
		return NULL;
	json_object *o = json_object_new_object();
	add_s(o, "display", a->display);
	add_s(o, "address", a->addr);
	add_s(o, "domain", a->domain);
	return o;
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
 * contradicts the claim (the detail of each brand finding). */
static json_object *brand_obj(const struct pd_brand_claim *bc)
{
	if (!bc)
		return NULL;
	json_object *o = json_object_new_object();
	add_s(o, "id", bc->id);
	add_s(o, "name", bc->name);
	add_s(o, "name_ja", bc->name_ja);
	json_object *cl = json_object_new_array();
	for (unsigned i = 0; i < bc->nsites; i++) {
		json_object *x = json_object_new_object();
		add_s(x, "site", bc->sites[i].site);
		add_s(x, "where", bc->sites[i].where);
		add_s(x, "value", bc->sites[i].value);
		json_object_array_add(cl, x);
	}
	json_object_object_add(o, "claimed_in", cl);
	json_object *dm = json_object_new_array();
	for (unsigned i = 0; i < bc->ndomains; i++)
		json_object_array_add(dm, json_object_new_string(bc->domains[i]));
	json_object_object_add(o, "official_domains", dm);
	json_object_object_add(o, "verified", json_object_new_boolean(bc->verified));
	json_object *ct = json_object_new_array();
	for (unsigned i = 0; i < bc->ncontra; i++) {
		json_object *x = json_object_new_object();
		add_s(x, "finding", bc->contra[i].finding);
		add_s(x, "en", bc->contra[i].en);
		add_s(x, "ja", bc->contra[i].ja);
		json_object_array_add(ct, x);
	}
	json_object_object_add(o, "contradicted_by", ct);
	return o;
}

static json_object *findings(struct pd_arena *a, const struct pd_report *r)
{
	json_object *arr = json_object_new_array();
	for (unsigned i = 0; i < r->nfindings; i++) {
		const struct pd_finding *f = &r->findings[i];
		const struct pd_catalog_entry *c = &pd_catalog[f->id];
		json_object *o = json_object_new_object();
		add_s(o, "id", c->id);
		add_s(o, "group", pd_group_name(c->group));
		add_s(o, "severity", pd_severity_name(c->severity));
		add_num(o, "weight", f->weight);
		add_s(o, "where", f->where);
		add_s(o, "value", f->value);
		if (f->value_is_url)
			add_s(o, "value_defanged", pd_defang_url(a, f->value));
		else if (f->value_is_host)
			add_s(o, "value_defanged", pd_defang_host(a, f->value));
		add_s(o, "detail", f->detail);
		add_s(o, "detail_ja", f->detail_ja);
		json_object *ex = json_object_new_object();
		add_s(ex, "en", c->en);
		add_s(ex, "ja", c->ja);
		json_object_object_add(o, "explanation", ex);
		json_object_array_add(arr, o);
	}
	return arr;
}

static json_object *message(struct pd_arena *a, const struct pd_msg *m)
{
	json_object *o = json_object_new_object();
	add_s(o, "subject", m->subject);
	add_s(o, "subject_raw", m->subject_raw);
	json_object_object_add(o, "from", addr_obj(&m->from));
	json_object_object_add(o, "reply_to", addr_obj(&m->reply_to));
	json_object_object_add(o, "return_path", addr_obj(&m->return_path));
	json_object_object_add(o, "sender", addr_obj(&m->sender));
	json_object *to = json_object_new_array();
	for (unsigned i = 0; i < m->nto; i++)
		json_object_array_add(to, addr_obj(&m->to[i]));
	json_object_object_add(o, "to", to);
	add_s(o, "recipient", m->recipient_addr);
	add_s(o, "date", m->date_raw);
	json_object_object_add(o, "date_utc", m->has_date ? json_object_new_string(iso_time(a, m->date)) : NULL);
	add_s(o, "message_id", m->message_id);
	json_object_object_add(o, "size", json_object_new_int64((int64_t)m->size));
	if (m->forwarded) {
		json_object *fw = json_object_new_object();
		json_object_object_add(fw, "reporter", addr_obj(&m->outer_from));
		add_s(fw, "subject", m->outer_subject);
		json_object_object_add(o, "forwarded", fw);
	} else {
		json_object_object_add(o, "forwarded", NULL);
	}
	return o;
}

/* IP facts from the offline databases (net/intel.c), or null. */
static json_object *network(uint32_t asn, const char *org, const char *country, const char *city)
{
	if (!asn && !(country && *country) && !(city && *city))
		return NULL;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "asn", asn ? json_object_new_int64(asn) : NULL);
	add_s(o, "org", org);
	add_s(o, "country", country);
	add_s(o, "city_approximate", city);
	return o;
}

static json_object *route(struct pd_arena *a, const struct pd_msg *m)
{
	json_object *o = json_object_new_object();
	json_object *hops = json_object_new_array();
	for (unsigned i = 0; i < m->nhops; i++) {
		const struct pd_hop *h = &m->hops[i];
		json_object *x = json_object_new_object();
		json_object_object_add(x, "index", json_object_new_int((int)i + 1));
		add_s(x, "helo", h->helo);
		add_s(x, "rdns", h->rdns);
		add_s(x, "ip", h->ip);
		add_s(x, "ip_defanged", *h->ip ? pd_defang_host(a, h->ip) : "");
		json_object_object_add(x, "network", network(h->asn, h->as_org, h->country, h->city));
		add_s(x, "by", h->by);
		add_s(x, "with", h->with);
		add_s(x, "id", h->id);
		add_s(x, "for", h->for_addr);
		add_s(x, "date", h->date_raw);
		json_object_object_add(x, "time_utc", (h->flags & PD_HOP_HAS_DATE) ? json_object_new_string(iso_time(a, h->time)) : NULL);
		json_object_object_add(x, "private_ip", json_object_new_boolean((h->flags & PD_HOP_IP_PRIVATE) != 0));
		json_object_object_add(x, "parsed", json_object_new_boolean((h->flags & PD_HOP_PARSED) != 0));
		add_s(x, "raw", h->raw);
		json_object_array_add(hops, x);
	}
	json_object_object_add(o, "hops", hops);
	if (m->origin_hop >= 0) {
		const struct pd_hop *h = &m->hops[m->origin_hop];
		json_object *or = json_object_new_object();
		json_object_object_add(or, "hop", json_object_new_int(m->origin_hop + 1));
		add_s(or, "ip", h->ip);
		add_s(or, "ip_defanged", pd_defang_host(a, h->ip));
		json_object_object_add(or, "network", network(h->asn, h->as_org, h->country, h->city));
		add_s(or, "rdns", h->rdns);
		add_s(or, "helo", h->helo);
		add_s(or, "reason", m->origin_reason);
		json_object_object_add(o, "origin", or);
	} else {
		json_object_object_add(o, "origin", NULL);
	}
	return o;
}

static json_object *auth(const struct pd_msg *m)
{
	json_object *arr = json_object_new_array();
	for (unsigned i = 0; i < m->nauth; i++) {
		const struct pd_authres *ar = &m->auth[i];
		json_object *o = json_object_new_object();
		add_s(o, "header", ar->source == PD_AUTH_AR ? "Authentication-Results"
		                   : ar->source == PD_AUTH_ARC_AR ? "ARC-Authentication-Results" : "Received-SPF");
		json_object_object_add(o, "index", json_object_new_int((int)ar->header_index + 1));
		add_s(o, "authserv_id", ar->authserv_id);
		if (ar->source == PD_AUTH_ARC_AR)
			json_object_object_add(o, "arc_instance", json_object_new_int(ar->arc_instance));
		json_object *ms = json_object_new_array();
		for (unsigned k = 0; k < ar->nmethods; k++) {
			const struct pd_auth_method *me = &ar->methods[k];
			json_object *x = json_object_new_object();
			add_s(x, "method", me->method);
			add_s(x, "result", me->result);
			add_s(x, "reason", me->reason);
			json_object *props = json_object_new_object();
			for (unsigned p = 0; p < me->nprops; p++) {
				char key[96];
				snprintf(key, sizeof key, "%s.%s", me->props[p].ptype, me->props[p].property);
				if (!json_object_object_get_ex(props, key, NULL))
					add_s(props, key, me->props[p].value);
			}
			json_object_object_add(x, "props", props);
			json_object_array_add(ms, x);
		}
		json_object_object_add(o, "methods", ms);
		json_object_array_add(arr, o);
	}
	return arr;
}

static json_object *links(struct pd_arena *a, const struct pd_msg *m)
{
	json_object *arr = json_object_new_array();
	for (unsigned i = 0; i < m->nurls; i++) {
		const struct pd_url *u = &m->urls[i];
		json_object *o = json_object_new_object();
		add_s(o, "raw", u->raw);
		add_s(o, "defanged", pd_defang_url(a, u->raw));
		add_s(o, "origin", origin_name(u->origin));
		add_s(o, "part", u->part_index < m->nparts ? m->parts[u->part_index].path : "");
		add_s(o, "shown", u->shown);
		add_s(o, "scheme", u->scheme);
		add_s(o, "host", u->host);
		add_s(o, "host_unicode", u->host_unicode);
		add_s(o, "domain", u->domain);
		json_object_object_add(o, "host_is_ip", json_object_new_boolean(u->host_is_ip));
		pd_json_link_forensics(a, o, u);
		if (u->host_is_ip)
			json_object_object_add(o, "network", network(u->ip_asn, u->ip_org, u->ip_country, u->ip_city));
		json_object_array_add(arr, o);
	}
	return arr;
}

static json_object *parts(const struct pd_msg *m, bool attachments_only)
{
	json_object *arr = json_object_new_array();
	for (unsigned i = 0; i < m->nparts; i++) {
		const struct pd_part *p = &m->parts[i];
		if (attachments_only && !(p->flags & PD_PART_ATTACHMENT))
			continue;
		json_object *o = json_object_new_object();
		add_s(o, "part", p->path);
		add_s(o, "content_type", p->content_type);
		if (attachments_only) {
			add_s(o, "filename", p->filename);
			json_object_object_add(o, "size", json_object_new_int64((int64_t)p->size));
			add_s(o, "sha256", p->sha256);
		} else {
			add_s(o, "charset_declared", p->charset_declared);
			add_s(o, "charset_used", p->charset_used);
			add_s(o, "encoding", p->encoding);
			json_object_object_add(o, "size", json_object_new_int64((int64_t)p->size));
			json_object *fl = json_object_new_array();
			static const struct { unsigned bit; const char *name; } names[] = {
				{ PD_PART_HTML, "html" }, { PD_PART_ATTACHMENT, "attachment" },
				{ PD_PART_CHARSET_MISLABELLED, "charset-mislabelled" },
				{ PD_PART_CHARSET_DETECTED, "charset-detected" },
				{ PD_PART_INVALID_BYTES, "invalid-bytes" }, { PD_PART_TRUNCATED, "truncated" },
				{ PD_PART_IN_FORWARDED, "in-attached-message" },
			};
			for (size_t k = 0; k < sizeof names / sizeof *names; k++)
				if (p->flags & names[k].bit)
					json_object_array_add(fl, json_object_new_string(names[k].name));
			json_object_object_add(o, "flags", fl);
		}
		json_object_array_add(arr, o);
	}
	return arr;
}

static const char *serialise(struct pd_arena *a, json_object *root, int pretty)
{
	int fl = JSON_C_TO_STRING_NOSLASHESCAPE | (pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED : JSON_C_TO_STRING_PLAIN);
	const char *s = json_object_to_json_string_ext(root, fl);
	const char *out = pd_arena_strdup(a, s);
	json_object_put(root);
	return out;
}

const char *pd_render_json(const struct pd_ctx *ctx, struct pd_arena *a, const struct pd_report *r, int pretty)
{
	const struct pd_msg *m = r->msg;
	json_object *root = json_object_new_object();
	add_s(root, "schema", PD_SCHEMA_VERSION);
	add_s(root, "source", m->source);
	add_s(root, "verdict", pd_verdict_name(r->verdict));
	add_num(root, "score", r->score);
	add_s(root, "category", pd_category_name(r->category));
	json_object_object_add(root, "partial", json_object_new_boolean(r->partial));
	json_object_object_add(root, "brand", brand_obj(r->brand)); /* brand.c; null if none claimed */
	json_object_object_add(root, "findings", findings(a, r));
	json_object_object_add(root, "message", message(a, m));
	json_object_object_add(root, "route", route(a, m));
	json_object_object_add(root, "auth", auth(m));
	json_object_object_add(root, "links", links(a, m));
	json_object_object_add(root, "attachments", parts(m, true));
	json_object_object_add(root, "parts", parts(m, false));
	json_object *an = json_object_new_array();
	for (unsigned i = 0; i < r->nstatus; i++) {
		json_object *o = json_object_new_object();
		add_s(o, "name", r->status[i].name);
		add_s(o, "status", r->status[i].status);
		json_object_array_add(an, o);
	}
	json_object_object_add(root, "analyzers", an);
	json_object *tool = json_object_new_object();
	add_s(tool, "name", "phishdissect");
	add_s(tool, "version", PD_VERSION);
	add_s(tool, "psl", ctx->psl_source ? ctx->psl_source : "");
	add_s(tool, "freemail", ctx->freemail_source ? ctx->freemail_source : "not installed");
	add_s(tool, "ip_data", ctx->intel.ipdb_source ? ctx->intel.ipdb_source : "not installed");
	add_s(tool, "feeds", ctx->intel.feeds ? pd_feeds_summary(ctx->intel.feeds) : "none");
	json_object_object_add(root, "tool", tool);
	return serialise(a, root, pretty);
}

const char *pd_render_json_error(struct pd_arena *a, const char *source, const char *error)
{
	json_object *root = json_object_new_object();
	size_t n;
	add_s(root, "source", pd_utf8_sanitize(a, source ? source : "", source ? strlen(source) : 0, &n));
	add_s(root, "error", pd_utf8_sanitize(a, error ? error : "", error ? strlen(error) : 0, &n));
	return serialise(a, root, 0);
}
