/* links.c - link forensics on the URLs the parser collected and enriched
 * (net/url.c parses, net/linkdata.c classifies and unwraps).  Every check
 * runs on each layer of a wrapped link (SafeLinks, Proofpoint, url=...),
 * so the real destination is judged as well as the wrapper.
 *
 * Checks: script schemes, IP hosts (and IPs in number disguise), user@host
 * tricks, non-standard ports, distorted spellings, shown text vs real
 * destination (registrable domains; click trackers and security rewriters
 * from data/links/click-trackers.txt excused), the recipient's address in
 * the URL (plain, percent, base64 in its three alignments, hex), the
 * sender's or a protected domain hidden in the path or leading host
 * labels of an unrelated site, hacked-CMS folders (data/cms-paths.txt),
 * look-alike and mixed-script hosts, shorteners, free hosting and form
 * services, abused TLDs, open redirects, and forms posting elsewhere.
 *
 * Limits: at most 4 layers per link (linkdata.c); encoded-recipient
 * needles are built once per message; scans are linear in each URL.
 * Standards: RFC 3986, WHATWG URL, RFC 4648, Unicode TS #39.
 */
#include <stdio.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "data/brands.h"
#include "mail/received.h"
#include "base/text.h"
#include "net/domain.h"
#include "net/linkdata.h"
#include "net/url.h"

#define MAX_DEPTH 4

static bool is_clickable(enum pd_link_origin o)
{
	return o == PD_LINK_TEXT || o == PD_LINK_HTML_HREF || o == PD_LINK_HTML_FORM ||
	       o == PD_LINK_HTML_META || o == PD_LINK_HTML_SCRIPT;
}

static const char *where_url(struct pd_report *r, const struct pd_msg *m, unsigned i, unsigned layer)
{
	const struct pd_url *u = &m->urls[i];
	if (layer)
		return pd_arena_printf(r->arena, "link %u (unwrapped %u), %s", i + 1, layer,
		                       pd_where_part(r, m, u->part_index));
	return pd_arena_printf(r->arena, "link %u, %s", i + 1, pd_where_part(r, m, u->part_index));
}

/* An unsubscribe or preferences link: newsletters put the reader's address
 * in those legitimately (data/lexicon/subscription-links.txt). */
static bool is_subscription_link(const struct pd_ctx *ctx, const char *path, size_t n, const char *shown)
{
	for (unsigned k = 0; k < ctx->nsub; k++)
		if (pd_memcasemem(path, n, ctx->sub_words[k]) || pd_memcasemem(shown, strlen(shown), ctx->sub_words[k]))
			return true;
	return false;
}

/* Does domain occur in s as a name of its own: not inside a longer name
 * and not as the domain of an e-mail address ("list%40example.org" in a
 * mail archive link is an address, "/js/example.org/" is a disguise)? */
static bool domain_token_in(const char *s, size_t n, const char *domain)
{
	size_t dl = strlen(domain);
	const char *p = s;
	while (dl && (p = pd_memcasemem(p, n - (size_t)(p - s), domain)) != NULL) {
		char before = p > s ? p[-1] : '/';
		char after = (size_t)(p - s) + dl < n ? p[dl] : '/';
		bool left_ok = !(pd_isalnum((unsigned char)before) || before == '-' || before == '@' || before == '.');
		/* "/www.example.com/" is the domain written as a site address,
		 * to look genuine; "?u=https://www.example.com/" is a redirect's
		 * target (a tracker leading to the sender's own site) */
		if (before == '.' && p - s >= 5 && pd_strnieq(p - 4, "www.", 4) &&
		    !(pd_isalnum((unsigned char)p[-5]) || p[-5] == '-' || p[-5] == '.' || p[-5] == '@') &&
		    !(p - s >= 7 && memcmp(p - 7, "://", 3) == 0))
			left_ok = true;
		bool right_ok = !(pd_isalnum((unsigned char)after) || after == '-');
		if (left_ok && right_ok)
			return true;
		p++;
	}
	return false;
}

/* "example.jp.secure-login.example.net": the domain as leading labels of an
 * unrelated host. */
static bool host_labels_hold(const char *host, const char *domain)
{
	size_t dl = strlen(domain);
	const char *p = host;
	while (dl && (p = strstr(p, domain)) != NULL) {
		if ((p == host || p[-1] == '.' || p[-1] == '-') && p[dl] == '.')
			return true;
		p++;
	}
	return false;
}

/* Does part hold a password field (the parser records it as an anomaly),
 * or is it an attachment (a credential form sent as a file)? */
static bool part_collects_credentials(struct pd_report *r, const struct pd_msg *m, unsigned part)
{
	if (part < m->nparts && (m->parts[part].flags & PD_PART_ATTACHMENT))
		return true;
	const char *w = pd_where_part(r, m, part);
	for (unsigned i = 0; i < m->nanomalies; i++)
		if (strcmp(m->anomalies[i].code, "CONTENT_PASSWORD_FIELD") == 0 && strcmp(m->anomalies[i].where, w) == 0)
			return true;
	return false;
}

/* Registrable domains of a shown text that is itself a (possibly wrapped)
 * URL: the text of a forwarded SafeLinks URL names its real target too. */
static unsigned shown_domains(struct pd_report *r, const char *text, const char **out, unsigned max)
{
	size_t n = strlen(text);
	while (n && pd_isspace((unsigned char)text[n - 1]))
		n--;
	while (n && pd_isspace((unsigned char)*text))
		text++, n--;
	if (n < 4 || n > 2048 || memchr(text, ' ', n))
		return 0;
	/* "detector.sv", "main.py": a file's name, not a site's */
	if (pd_linkdata_file_name(r->ctx->links, text, n))
		return 0;
	struct pd_url tmp;
	memset(&tmp, 0, sizeof tmp);
	/* a bare "bank.example" is a host to the reader (and to mail clients) */
	tmp.raw = pd_memcasemem(text, n, "://") || (n > 2 && text[0] == '/' && text[1] == '/')
	              ? pd_arena_strndup(r->arena, text, n)
	              : pd_arena_printf(r->arena, "http://%.*s", (int)n, text);
	tmp.shown = "";
	pd_url_enrich(r->ctx, r->arena, &tmp);
	unsigned k = 0;
	for (const struct pd_url *L = &tmp; L && k < max; L = L->inner)
		if (*L->domain && !L->host_is_ip && pd_looks_like_hostname(L->host, strlen(L->host)))
			out[k++] = L->domain;
	return k;
}

/* ---- the recipient in encoded forms -------------------------------- */

struct needle {
	const char *s;
	const char *how;    /* "base64", "hex", ... */
	bool icase;
};

static const char b64std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The part of base64(pad zero bytes + s) that does not depend on the
 * bytes around s: what any encoding of a string containing s at that
 * alignment contains. */
static const char *b64_core(struct pd_arena *a, const char *s, unsigned pad, bool urlsafe)
{
	size_t n = strlen(s), L = pad + n;
	unsigned char *buf = pd_arena_calloc(a, L + 3, 1);
	memcpy(buf + pad, s, n);
	char *o = pd_arena_alloc(a, (L + 2) / 3 * 4 + 1);
	size_t k = 0;
	for (size_t i = 0; i < L; i += 3) {
		unsigned v = (unsigned)buf[i] << 16 | (unsigned)buf[i + 1] << 8 | buf[i + 2];
		size_t left = L - i;
		o[k++] = b64std[(v >> 18) & 63];
		o[k++] = b64std[(v >> 12) & 63];
		if (left > 1)
			o[k++] = b64std[(v >> 6) & 63];
		if (left > 2)
			o[k++] = b64std[v & 63];
	}
	o[k] = '\0';
	size_t skip = pad == 0 ? 0 : pad == 1 ? 2 : 3;
	size_t drop = L % 3 ? 1 : 0;
	if (k < skip + drop + 4)
		return NULL;
	o[k - drop] = '\0';
	char *core = o + skip;
	if (urlsafe)
		for (char *p = core; *p; p++)
			*p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	return core;
}

static unsigned recipient_needles(struct pd_arena *a, const char *rcpt, struct needle *nd)
{
	unsigned n = 0;
	nd[n++] = (struct needle){ rcpt, "", true };
	for (unsigned pad = 0; pad < 3; pad++)
		for (int us = 0; us < 2; us++) {
			const char *c = b64_core(a, rcpt, pad, us != 0);
			if (c && (us == 0 || strpbrk(c, "-_")))
				nd[n++] = (struct needle){ c, "base64", false };
		}
	size_t rl = strlen(rcpt);
	char *hex = pd_arena_alloc(a, rl * 2 + 1);
	for (size_t i = 0; i < rl; i++) {
		static const char hx[] = "0123456789abcdef";
		hex[2 * i] = hx[(unsigned char)rcpt[i] >> 4];
		hex[2 * i + 1] = hx[(unsigned char)rcpt[i] & 15];
	}
	hex[2 * rl] = '\0';
	nd[n++] = (struct needle){ hex, "hex", true };
	return n;
}

/* Which needle (if any) occurs in the URL, percent-decoded up to twice. */
static const struct needle *recipient_in(struct pd_arena *a, const char *url, const struct needle *nd,
                                         unsigned nn, const char **decoded)
{
	const char *s = url;
	for (int round = 0; round < 3; round++) {
		size_t n = strlen(s);
		for (unsigned k = 0; k < nn; k++) {
			bool hit = nd[k].icase ? pd_memcasemem(s, n, nd[k].s) != NULL : strstr(s, nd[k].s) != NULL;
			if (hit) {
				*decoded = s;
				return &nd[k];
			}
		}
		if (!strchr(s, '%'))
			break;
		s = pd_url_pct_decode(a, s, n, NULL);
	}
	return NULL;
}

/* ---- per-layer checks ---------------------------------------------- */

struct lctx {
	const struct pd_ctx *ctx;
	const struct pd_msg *m;
	struct pd_report *r;
	const char *fromreg;
};

static struct pd_finding *emit_url(struct pd_report *r, enum pd_fid id, const char *w, const char *url)
{
	struct pd_finding *f = pd_emit(r, id, w, url);
	if (f)
		f->value_is_url = true;
	return f;
}

/* The IPv4 address written into the labels of host in front of its
 * registrable domain ("80-219-219-193.dclient", "65.29.168.184.host",
 * "219x113x161x53.ap219.ftth"): four numbers 0-255 joined by '-', '.',
 * '_' or 'x', not part of a longer number.  Into out (16 bytes); false
 * if there is none. */
static bool host_named_by_ip(const char *host, const char *domain, char out[16])
{
	size_t hn = strlen(host), dn = strlen(domain);
	if (!dn || hn <= dn + 1 || host[hn - dn - 1] != '.')
		return false;
	const char *s = host;
	size_t n = hn - dn - 1;
	for (size_t i = 0; i < n; i++) {
		if (!pd_isdigit((unsigned char)s[i]) || (i > 0 && pd_isdigit((unsigned char)s[i - 1])))
			continue;
		unsigned v[4];
		size_t j = i;
		int k;
		for (k = 0; k < 4; k++) {
			if (k > 0) {
				if (j >= n || !strchr("-._x", s[j]))
					break;
				j++;
			}
			size_t d = 0;
			v[k] = 0;
			while (j < n && pd_isdigit((unsigned char)s[j]) && d < 4) {
				v[k] = v[k] * 10 + (unsigned)(s[j++] - '0');
				d++;
			}
			if (d == 0 || d > 3 || v[k] > 255)
				break;
		}
		if (k == 4 && (j >= n || !pd_isdigit((unsigned char)s[j]))) {
			snprintf(out, 16, "%u.%u.%u.%u", v[0], v[1], v[2], v[3]);
			return true;
		}
	}
	return false;
}

/* Is tok in host as a word, edged on both sides (pd_brands_token_edged)? */
static bool token_word(const char *host, const char *tok)
{
	size_t tl = strlen(tok), n = strlen(host);
	for (const char *q = host; tl && (q = strstr(q, tok)) != NULL; q++)
		if (pd_brands_token_edged(host, n, (size_t)(q - host), (size_t)(q - host) + tl, true))
			return true;
	return false;
}

/* Does host begin with what reads as a whole domain of its own, ahead of
 * its real registrable domain: labels ending in a common suffix
 * ("www.smbc.co.jp.example.buzz", "paypal.com.example.net"), or a
 * Japanese second-level suffix written with hyphens in a word of the
 * host ("monex-co-jp.example.com", "info-co-jp.example")?  A bare
 * ".jp" is not enough ("www.jp.example.com" is a site's Japanese
 * section).  The part that poses (arena copy), or NULL. */
static const char *host_poses_as(struct pd_arena *a, const char *host, const char *domain)
{
	static const char *const dotted[] = { ".co.jp", ".ne.jp", ".or.jp", ".go.jp", ".ac.jp", ".lg.jp", ".com",
		                              ".net", ".org", ".co.uk", ".com.au", ".com.br" };
	size_t hl = strlen(host), dl = strlen(domain);
	const char *suffix = strchr(domain, '.');
	if (!dl || !suffix || hl < dl || strcmp(host + hl - dl, domain) != 0)
		return NULL;
	if (hl > dl + 1 && host[hl - dl - 1] == '.') {
		size_t sl = hl - dl - 1; /* the labels left of the registrable domain */
		for (size_t k = 0; k < sizeof dotted / sizeof *dotted; k++) {
			size_t n = strlen(dotted[k]);
			if (sl > n && memcmp(host + sl - n, dotted[k], n) == 0)
				return pd_arena_strndup(a, host, sl);
		}
	}
	size_t lim = hl - strlen(suffix); /* up to the end of the registrable label */
	for (size_t i = 0; i + 5 <= lim; i++) {
		if (memcmp(host + i + 2, "-jp", 3) != 0)
			continue;
		bool sld = memcmp(host + i, "co", 2) == 0 || memcmp(host + i, "ne", 2) == 0 ||
		           memcmp(host + i, "or", 2) == 0 || memcmp(host + i, "go", 2) == 0 ||
		           memcmp(host + i, "ac", 2) == 0;
		bool left = i == 0 || host[i - 1] == '.' || host[i - 1] == '-';
		bool right = i + 5 == lim || host[i + 5] == '.' || host[i + 5] == '-';
		if (sld && left && right && i > 0) {
			size_t ls = i, le = i + 5;
			while (ls > 0 && host[ls - 1] != '.')
				ls--;
			while (le < lim && host[le] != '.')
				le++;
			return pd_arena_strndup(a, host + ls, le - ls);
		}
	}
	return NULL;
}

static void layer_checks(const struct lctx *c, const struct pd_url *L, const char *w, unsigned layer)
{
	struct pd_report *r = c->r;
	const struct pd_ctx *ctx = c->ctx;
	const char *fromreg = c->fromreg;
	if (L->host_is_ip) {
		/* an address on the reader's own network (a device's web page in
		 * a technical mail) is no web site a sender could host */
		unsigned char ip[16];
		int fam = pd_ip_parse(L->host, strlen(L->host), ip);
		if (!fam || !pd_ip_is_private(fam, ip))
			emit_url(r, PD_F_LINK_IP_HOST, w, L->raw);
		if (L->flags & PD_URLF_IP_ENCODED) {
			struct pd_url_info ui;
			pd_url_parse(r->arena, L->raw, strlen(L->raw), &ui);
			pd_detail(r, emit_url(r, PD_F_LINK_IP_ENCODED, w, L->raw), PD_D_WRITTEN_AS,
			          ui.host_written, L->host);
		}
	}
	char ipname[16];
	if (!L->host_is_ip && host_named_by_ip(L->host, L->domain, ipname))
		pd_detail(r, emit_url(r, PD_F_LINK_HOST_NAMED_BY_IP, w, L->raw), PD_D_NAMED_BY_IP,
		          pd_arena_strdup(r->arena, ipname));
	if (*L->userinfo && (strchr(L->userinfo, '.') || strchr(L->userinfo, ':') == NULL))
		pd_detail(r, emit_url(r, PD_F_LINK_USERINFO, w, L->raw), PD_D_REAL_HOST, L->host);
	if (L->flags & PD_URLF_PORT)
		pd_detail(r, emit_url(r, PD_F_LINK_NONSTANDARD_PORT, w, L->raw), PD_D_PORT, L->port);
	if (layer == 0 && (L->flags & PD_URLF_OBFUSCATED) && L->origin != PD_LINK_TEXT)
		emit_url(r, PD_F_LINK_OBFUSCATED, w, L->raw);
	const char *dec = pd_url_pct_decode(r->arena, L->path, strlen(L->path), NULL);
	size_t dl = strlen(dec);
	/* path part only (before '?'): queries carry addresses and return URLs legitimately */
	size_t pl = strcspn(dec, "?#");
	bool own = *fromreg && strcmp(L->domain, fromreg) == 0;
	/* one finding per disguise: once one names what the host dresses up
	 * as, the others that would say it again stay quiet */
	bool brand_shown = false;
	if (*fromreg && *L->domain && !own &&
	    (domain_token_in(dec, dl, fromreg) || (brand_shown = host_labels_hold(L->host, fromreg))))
		pd_detail(r, emit_url(r, PD_F_LINK_SENDER_DOMAIN_IN_PATH, w, L->raw), PD_D_DOMAIN_IN_LINK,
		          fromreg, L->domain);
	const struct pd_linkdata *ld = ctx->links;
	if (ld && *L->domain && !own && !L->inner && !pd_linkdata_is_protected(ld, L->domain)) {
		unsigned np = pd_linkdata_nprotected(ld);
		for (unsigned k = 0; k < np; k++) {
			const char *p = pd_linkdata_protected(ld, k);
			if (strcmp(p, fromreg) == 0 || pd_host_within(L->domain, p))
				continue;
			if (domain_token_in(dec, pl, p) || host_labels_hold(L->host, p)) {
				pd_detail(r, emit_url(r, PD_F_LINK_BRAND_IN_URL, w, L->raw), PD_D_DOMAIN_IN_LINK, p,
				          L->domain);
				brand_shown = true;
				break;
			}
		}
	}
	const char *poses;
	if (!brand_shown && *L->domain && !own && !L->host_is_ip &&
	    (poses = host_poses_as(r->arena, L->host, L->domain)) != NULL) {
		pd_detail(r, emit_url(r, PD_F_LINK_HOST_POSES_AS_DOMAIN, w, L->raw), PD_D_POSES_AS, poses, L->domain);
		brand_shown = true; /* the detail names what it poses as */
	}
	/* a brand's look-alike token as a word of the host, edged on both
	 * sides ("info-monex.example.net", "vpass3.example.com"; not
	 * "easywebeditor.com"): stricter than for a claimed brand, as
	 * nothing else in the mail points at that brand */
	const char *tok = NULL;
	if (!brand_shown && *L->domain && !own && !L->inner && !L->host_is_ip &&
	    pd_brands_lookalike(ctx->brands, r->arena, L->host, &tok) >= 0 && token_word(L->host, tok))
		pd_detail(r, emit_url(r, PD_F_LINK_BRAND_IN_URL, w, L->raw), PD_D_DOMAIN_IN_LINK, tok, L->domain);
	if (L->flags & PD_URLF_CMS_PATH) {
		for (unsigned k = 0; k < ctx->ncms; k++)
			if (pd_memcasemem(L->path, strlen(L->path), ctx->cms_paths[k])) {
				pd_detail(r, emit_url(r, PD_F_LINK_CMS_PATH, w, L->raw), PD_D_PATH_CONTAINS,
				          ctx->cms_paths[k]);
				break;
			}
	}
	if (L->flags & PD_URLF_LOOKALIKE)
		pd_detail(r, emit_url(r, PD_F_LINK_LOOKALIKE_DOMAIN, w, L->raw), PD_D_IMITATES, L->lookalike_of);
	if (L->flags & PD_URLF_MIXED_SCRIPT)
		pd_detail(r, emit_url(r, PD_F_LINK_MIXED_SCRIPT, w, L->raw), PD_D_HOST_UNICODE, L->host_unicode);
	if (L->flags & PD_URLF_SHORTENER)
		emit_url(r, PD_F_LINK_SHORTENER, w, L->raw);
	if ((L->flags & PD_URLF_FREE_HOSTING) && !own)
		emit_url(r, PD_F_LINK_FREE_HOSTING, w, L->raw);
	if ((L->flags & PD_URLF_SUSPICIOUS_TLD) && !own) {
		const char *dot = strrchr(L->host, '.');
		pd_detail(r, emit_url(r, PD_F_LINK_SUSPICIOUS_TLD, w, L->raw), PD_D_TLD, dot ? dot + 1 : "");
	}
}

static const struct pd_url *innermost(const struct pd_url *u)
{
	unsigned d = 0;
	while (u->inner && d++ < MAX_DEPTH)
		u = u->inner;
	return u;
}

void pd_an_links(const struct pd_ctx *ctx, const struct pd_msg *m, struct pd_report *r)
{
	/* a mail forwarded inline: links belong to the quoted sender's mail */
	const char *fromreg = m->fwd_inline && m->fwd_from.valid && *m->fwd_from.domain
	                          ? pd_registrable_of(r, m->fwd_from.domain)
	                          : pd_from_domain(r, m);
	const char *rcpt = m->recipient_addr;
	struct lctx c = { ctx, m, r, fromreg };
	struct needle nd[16];
	unsigned nn = 0;
	if (*rcpt && strchr(rcpt, '@') && strlen(rcpt) >= 6 && strlen(rcpt) < 256)
		nn = recipient_needles(r->arena, rcpt, nd);
	/* a personal link to the sender's own site is what newsletters send;
	 * not when that "own" domain imitates a brand (amaz0n-support.example):
	 * then the sender's site is the trap */
	bool fake_sender = *fromreg && pd_brands_lookalike(ctx->brands, r->arena, fromreg, NULL) >= 0;
	bool any_web = false, any_own = false;
	for (unsigned i = 0; i < m->nurls; i++) {
		const struct pd_url *u = &m->urls[i];
		if (!is_clickable(u->origin))
			continue;
		const char *w = where_url(r, m, i, 0);
		if (u->flags & PD_URLF_SCRIPT) {
			size_t rl = strlen(u->raw);
			pd_emit(r, PD_F_LINK_SCRIPT_SCHEME, w, pd_arena_strndup(r->arena, u->raw, rl > 120 ? 120 : rl));
			continue;
		}
		if (!*u->host)
			continue;
		any_web = true;
		const struct pd_url *fin = innermost(u);
		bool own_any = false;
		unsigned layer = 0;
		for (const struct pd_url *L = u; L && layer < MAX_DEPTH; L = L->inner, layer++) {
			if (*fromreg && strcmp(L->domain, fromreg) == 0)
				own_any = true;
			layer_checks(&c, L, layer ? where_url(r, m, i, layer) : w, layer);
		}
		if (own_any)
			any_own = true;
		/* the recipient's address, plain or encoded, in any layer */
		if (nn) {
			const char *decd = NULL;
			const struct needle *hit = recipient_in(r->arena, u->raw, nd, nn, &decd);
			if (hit && (!own_any || fake_sender) && !is_subscription_link(ctx, decd, strlen(decd), u->shown)) {
				struct pd_finding *f = emit_url(r, PD_F_LINK_RECIPIENT_IN_URL, w, u->raw);
				if (*hit->how)
					pd_detail(r, f, PD_D_RECIPIENT_ENC, rcpt, hit->how);
				else
					pd_detail(r, f, PD_D_RECIPIENT, rcpt);
			}
		}
		if (u->inner) {
			pd_detail(r, emit_url(r, PD_F_LINK_WRAPPED, w, u->raw), PD_D_LEADS_TO, fin->host,
			          u->inner->via);
			unsigned d = 0;
			for (const struct pd_url *L = u; L->inner && d++ < MAX_DEPTH; L = L->inner)
				if ((L->flags & PD_URLF_OPEN_REDIRECT) && strcmp(L->domain, fromreg) != 0 &&
				    strcmp(fin->domain, fromreg) != 0 &&
				    !pd_linkdata_tracker_excuses(ctx->links, L->host, "", fromreg)) {
					pd_detail(r, emit_url(r, PD_F_LINK_OPEN_REDIRECT, w, u->raw), PD_D_LEADS_TO,
					          L->inner->host, L->host);
					break;
				}
		}
		if (u->origin == PD_LINK_HTML_FORM && *fromreg && !own_any && *fin->domain &&
		    part_collects_credentials(r, m, u->part_index))
			pd_detail(r, emit_url(r, PD_F_LINK_FORM_OTHER_DOMAIN, w, u->raw), PD_D_FORM_TO, fin->domain,
			          fromreg);
		if (u->origin == PD_LINK_HTML_HREF && *u->shown && !(u->flags & PD_URLF_OPAQUE_REWRITER)) {
			const char *sds[MAX_DEPTH];
			unsigned nsd = shown_domains(r, u->shown, sds, MAX_DEPTH);
			const char *sd = nsd ? sds[0] : "";
			const char *target = *fin->domain ? fin->domain : fin->host;
			bool match = false, excused = false;
			unsigned d = 0;
			for (const struct pd_url *L = u; L && d < MAX_DEPTH; L = L->inner, d++) {
				for (unsigned k = 0; k < nsd; k++)
					if (strcmp(sds[k], *L->domain ? L->domain : L->host) == 0)
						match = true;
				if (ctx->links && !L->inner && L == u &&
				    pd_linkdata_tracker_excuses(ctx->links, L->host, sd, fromreg))
					excused = true;
			}
			if (*sd && !match && !excused)
				pd_detail(r, emit_url(r, PD_F_LINK_TEXT_HREF_MISMATCH, w, u->raw), PD_D_SHOWS_GOES, sd,
				          target);
		}
	}
	if (any_web && !any_own && *fromreg)
		pd_emitd(r, PD_F_LINK_UNRELATED_TO_SENDER, "links", fromreg, PD_D_LINK_COUNT, m->nurls);
}
