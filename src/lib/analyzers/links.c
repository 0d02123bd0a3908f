/* links.c - first-pass link checks on the URLs the parser collected:
 * IP hosts, user@host tricks, script schemes, shown-text vs destination,
 * the recipient's address in a link, the sender's domain hidden in an
 * unrelated link's path, and hacked-CMS paths (data/cms-paths.txt).
 * The link-forensics issue deepens this (unwrapping, look-alikes, feeds). */
#include <string.h>

#include "analyzers/analyzers.h"
#include "base/text.h"
#include "net/domain.h"

static bool is_clickable(enum pd_link_origin o)
{
	return o == PD_LINK_TEXT || o == PD_LINK_HTML_HREF || o == PD_LINK_HTML_FORM ||
	       o == PD_LINK_HTML_META || o == PD_LINK_HTML_SCRIPT;
}

static const char *where_url(struct pd_report *r, const struct pd_msg *m, unsigned i)
{
	const struct pd_url *u = &m->urls[i];
	return pd_arena_printf(r->arena, "link %u, %s", i + 1, pd_where_part(r, m, u->part_index));
}

static int hexv(int c)
{
	return pd_isdigit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
}

/* Percent-decoded copy, bounded by the input. */
static char *pct_decode(struct pd_arena *a, const char *s)
{
	size_t n = strlen(s), k = 0;
	char *o = pd_arena_alloc(a, n + 1);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexv((unsigned char)s[i + 1]) >= 0 && hexv((unsigned char)s[i + 2]) >= 0) {
			o[k++] = (char)(hexv((unsigned char)s[i + 1]) * 16 + hexv((unsigned char)s[i + 2]));
			i += 2;
		} else {
			o[k++] = s[i];
		}
	}
	o[k] = '\0';
	return o;
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
	while ((p = pd_memcasemem(p, n - (size_t)(p - s), domain)) != NULL) {
		char before = p > s ? p[-1] : '/';
		char after = (size_t)(p - s) + dl < n ? p[dl] : '/';
		bool left_ok = !(pd_isalnum((unsigned char)before) || before == '-' || before == '@' || before == '.');
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
	while ((p = strstr(p, domain)) != NULL) {
		if ((p == host || p[-1] == '.' || p[-1] == '-') && p[dl] == '.')
			return true;
		p++;
	}
	return false;
}

/* The domain a shown text names, if the text is (only) a URL or host. */
static const char *shown_domain(struct pd_report *r, const char *text)
{
	size_t n = strlen(text);
	while (n && pd_isspace((unsigned char)text[n - 1]))
		n--;
	while (n && pd_isspace((unsigned char)*text))
		text++, n--;
	if (n < 4 || n > 2048 || memchr(text, ' ', n))
		return "";
	struct pd_url_parts up;
	pd_url_split(r->arena, text, n, &up);
	const char *host = up.host;
	if (!up.has_authority || !*host)
		return "";
	size_t hl = strlen(host);
	if (!pd_looks_like_hostname(host, hl))
		return "";
	const char *h = pd_host_normalize(r->arena, host, hl, NULL);
	return pd_domain_registrable(r->arena, r->ctx->psl, h);
}

void pd_an_links(const struct pd_ctx *ctx, const struct pd_msg *m, struct pd_report *r)
{
	const char *fromreg = pd_from_domain(r, m);
	const char *rcpt = m->recipient_addr;
	bool any_web = false, any_own = false;
	for (unsigned i = 0; i < m->nurls; i++) {
		const struct pd_url *u = &m->urls[i];
		if (!is_clickable(u->origin))
			continue;
		const char *w = NULL;
#define WHERE() (w ? w : (w = where_url(r, m, i)))
		if (strcmp(u->scheme, "javascript") == 0 || strcmp(u->scheme, "data") == 0 ||
		    strcmp(u->scheme, "vbscript") == 0) {
			size_t rl = strlen(u->raw);
			pd_emit(r, PD_F_LINK_SCRIPT_SCHEME, WHERE(),
			        pd_arena_strndup(r->arena, u->raw, rl > 120 ? 120 : rl));
			continue;
		}
		if (!*u->host)
			continue;
		any_web = true;
		if (*fromreg && strcmp(u->domain, fromreg) == 0)
			any_own = true;
		if (u->host_is_ip) {
			struct pd_finding *f = pd_emit(r, PD_F_LINK_IP_HOST, WHERE(), u->raw);
			if (f)
				f->value_is_url = true;
		}
		struct pd_url_parts up;
		pd_url_split(r->arena, u->raw, strlen(u->raw), &up);
		if (*up.userinfo && (strchr(up.userinfo, '.') || strchr(up.userinfo, ':') == NULL)) {
			struct pd_finding *f = pd_emit(r, PD_F_LINK_USERINFO, WHERE(), u->raw);
			if (f) {
				f->value_is_url = true;
				pd_detail(r, f, PD_D_REAL_HOST, u->host);
			}
		}
		const char *dec = pct_decode(r->arena, u->path);
		size_t dl = strlen(dec);
		if (*rcpt && strchr(rcpt, '@') && pd_memcasemem(dec, dl, rcpt) &&
		    strcmp(u->domain, fromreg) != 0 && !is_subscription_link(ctx, dec, dl, u->shown)) {
			struct pd_finding *f = pd_emit(r, PD_F_LINK_RECIPIENT_IN_URL, WHERE(), u->raw);
			if (f) {
				f->value_is_url = true;
				pd_detail(r, f, PD_D_RECIPIENT, rcpt);
			}
		}
		if (*fromreg && *u->domain && strcmp(u->domain, fromreg) != 0 &&
		    (domain_token_in(dec, dl, fromreg) || host_labels_hold(u->host, fromreg))) {
			struct pd_finding *f = pd_emit(r, PD_F_LINK_SENDER_DOMAIN_IN_PATH, WHERE(), u->raw);
			if (f) {
				f->value_is_url = true;
				pd_detail(r, f, PD_D_DOMAIN_IN_LINK, fromreg, u->domain);
			}
		}
		for (unsigned k = 0; k < ctx->ncms; k++) {
			if (pd_memcasemem(u->path, strlen(u->path), ctx->cms_paths[k])) {
				struct pd_finding *f = pd_emit(r, PD_F_LINK_CMS_PATH, WHERE(), u->raw);
				if (f) {
					f->value_is_url = true;
					pd_detail(r, f, PD_D_PATH_CONTAINS, ctx->cms_paths[k]);
				}
				break;
			}
		}
		if (u->origin == PD_LINK_HTML_HREF && *u->shown) {
			const char *sd = shown_domain(r, u->shown);
			const char *target = *u->domain ? u->domain : u->host;
			if (*sd && strcmp(sd, target) != 0) {
				struct pd_finding *f = pd_emit(r, PD_F_LINK_TEXT_HREF_MISMATCH, WHERE(), u->raw);
				if (f) {
					f->value_is_url = true;
					pd_detail(r, f, PD_D_SHOWS_GOES, sd, target);
				}
			}
		}
#undef WHERE
	}
	if (any_web && !any_own && *fromreg)
		pd_emitd(r, PD_F_LINK_UNRELATED_TO_SENDER, "links", fromreg, PD_D_LINK_COUNT, m->nurls);
}
