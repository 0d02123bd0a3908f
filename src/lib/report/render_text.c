/* render_text.c - the human report, in English or Japanese.
 *
 * Everything that came from the message passes through pd_term_safe or a
 * defanging function before it is written: no control character, escape
 * sequence, bidi override or zero-width character reaches the terminal,
 * and no URL, host or IP is left clickable (unless PD_TEXT_NO_DEFANG). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/safe.h"
#include "base/text.h"
#include "ctx.h"
#include "report/report.h"
#include "report/render_links.h"

enum lbl {
	L_VERDICT, L_SCORE, L_SUBJECT, L_FROM, L_TO, L_WHY, L_EVIDENCE, L_SENDER, L_REPLYTO,
	L_RETURNPATH, L_MSGID, L_DATE, L_ROUTE, L_ROUTE_NOTE, L_ORIGIN, L_AUTH, L_AUTH_NONE,
	L_LINKS, L_NONE, L_ATTACH, L_ADVICE, L_FORWARDED, L_PARTIAL, L_NO_FINDINGS, L_HOPS_NONE,
	L_SHOWN, L_UNTRUSTED, L_COUNT
};

static const char *const lbl_en[L_COUNT] = {
	"Verdict", "score", "Subject", "From", "To", "Why", "evidence", "Sender", "Reply-To",
	"Return-Path", "Message-ID", "Date", "Route", "newest first; * marks the origin, the first hop outside the receiving side",
	"Origin", "Authentication (recorded by the receiving side)", "no results recorded",
	"Links", "none", "Attachments", "What to do", "Forwarded", "Partial analysis: a safety limit was reached.",
	"No findings.", "no Received lines", "shown as", "not written by the receiving side, ignored",
};

static const char *const lbl_ja[L_COUNT] = {
	"判定", "スコア", "件名", "差出人", "宛先", "判定の理由", "証拠", "差出人情報", "返信先",
	"エンベロープ送信者", "Message-ID", "日時", "配送経路", "新しい順。* は送信元（受信側の外で最初の中継）",
	"送信元", "認証結果（受信側サーバーの記録）", "記録なし",
	"リンク", "なし", "添付ファイル", "おすすめの対応", "転送", "安全上の上限に達したため、一部のみ分析しました。",
	"所見はありません。", "Received 行なし", "表示", "受信側以外が書いたもののため無視",
};

struct out {
	struct pd_buf b;
	struct pd_arena *a;
	enum pd_lang lang;
	unsigned flags;
	const char *ipdb_source; /* where AS / country facts come from (net/intel.c) */
};

static const char *L(const struct out *o, enum lbl l)
{
	return o->lang == PD_LANG_JA ? lbl_ja[l] : lbl_en[l];
}

static const char *safe(struct out *o, const char *s)
{
	return pd_term_safe(o->a, s, strlen(s), 0);
}

static const char *url(struct out *o, const char *s)
{
	return (o->flags & PD_TEXT_NO_DEFANG) ? safe(o, s) : pd_defang_url(o->a, s);
}

static const char *host(struct out *o, const char *s)
{
	return (o->flags & PD_TEXT_NO_DEFANG) ? safe(o, s) : pd_defang_host(o->a, s);
}

static const char *ftext(struct out *o, const char *s)
{
	return (o->flags & PD_TEXT_NO_DEFANG) ? safe(o, s) : pd_defang_text(o->a, s);
}

static void put(struct out *o, const char *s)
{
	pd_buf_adds(&o->b, s);
}

static void putf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = pd_arena_vprintf(o->a, fmt, ap);
	va_end(ap);
	pd_buf_adds(&o->b, s);
}

static const char *color(const struct out *o, const char *code)
{
	return (o->flags & PD_TEXT_COLOR) ? code : "";
}

static void fmt_time(char *buf, size_t n, int64_t t, int tz)
{
	time_t tt = (time_t)(t + (int64_t)tz * 60);
	struct tm tm;
	if (!gmtime_r(&tt, &tm)) {
		snprintf(buf, n, "?");
		return;
	}
	char z[16];
	snprintf(z, sizeof z, "%c%02d%02d", tz < 0 ? '-' : '+', (tz < 0 ? -tz : tz) / 60, (tz < 0 ? -tz : tz) % 60);
	snprintf(buf, n, "%04d-%02d-%02d %02d:%02d:%02d %s", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	         tm.tm_hour, tm.tm_min, tm.tm_sec, z);
}

static const char *verdict_label(enum pd_verdict v, enum pd_lang lang)
{
	if (lang == PD_LANG_JA)
		return v == PD_VERDICT_PHISHING ? "フィッシング" : v == PD_VERDICT_SUSPICIOUS ? "要注意（不審）" : "問題なし";
	return v == PD_VERDICT_PHISHING ? "PHISHING" : v == PD_VERDICT_SUSPICIOUS ? "SUSPICIOUS" : "CLEAN";
}

static const char *addr_line(struct out *o, const struct pd_addr *ad)
{
	if (!*ad->addr && !*ad->display)
		return L(o, L_NONE);
	if (*ad->display)
		return pd_arena_printf(o->a, "\"%s\" <%s>", safe(o, ad->display), safe(o, ad->addr));
	return pd_arena_printf(o->a, "<%s>", safe(o, ad->addr));
}

/* Display width of UTF-8 text: East Asian wide characters count 2. */
static size_t width(const char *s)
{
	size_t w = 0, n = strlen(s);
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		i += pd_utf8_decode(u + i, n - i, &cp);
		w += (cp >= 0x1100 && (cp <= 0x115F || (cp >= 0x2E80 && cp <= 0xA4CF) ||
		                       (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
		                       (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
		                       (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000)) ? 2 : 1;
	}
	return w;
}

/* A label padded to cols display columns (at least one space after). */
static const char *pad(struct out *o, const char *label, size_t cols)
{
	size_t w = width(label);
	size_t n = w < cols ? cols - w : 1;
	return pd_arena_printf(o->a, "%s%*s", label, (int)n, "");
}

static void section(struct out *o, const char *title)
{
	putf(o, "\n%s%s%s\n", color(o, "\033[1m"), title, color(o, "\033[0m"));
}

/* The IP-data source line (written in English by scripts/fetch-data into
 * data/fetched/ipdb/SOURCE) with its labels in Japanese. */
static const char *ipdb_source_ja(struct out *o, const char *src)
{
	static const char *const map[][2] = {
		{ "AS numbers: ", "AS 番号: " }, { "country: ", "国: " },
		{ "city (approximate): ", "都市（おおよその位置）: " }, { "data of ", "データ日付 " },
		{ "includes GeoLite2 data created by MaxMind", "MaxMind の GeoLite2 データを含む" },
	};
	const char *res = src;
	for (size_t k = 0; k < sizeof map / sizeof *map; k++) {
		const char *hit;
		size_t guard = 0;
		while ((hit = strstr(res, map[k][0])) != NULL && guard++ < 8)
			res = pd_arena_printf(o->a, "%.*s%s%s", (int)(hit - res), res, map[k][1], hit + strlen(map[k][0]));
	}
	return res;
}

/* Where the brand claim was found (brand.c site names), for people. */
static const char *site_label(const char *site, enum pd_lang lang)
{
	static const struct {
		const char *id, *en, *ja;
	} t[] = {
		{ "from-display-name", "From display name", "差出人の表示名" },
		{ "from-address", "From address", "差出人アドレス" },
		{ "reply-to", "Reply-To", "返信先" },
		{ "return-path", "Return-Path", "エンベロープ送信者" },
		{ "subject", "Subject", "件名" },
		{ "footer", "footer", "フッター" },
		{ "image-alt-or-title", "image text", "画像の代替テキスト" },
		{ "body", "body", "本文" },
		{ "html-attachment", "HTML attachment", "HTML 添付ファイル" },
		{ "html-title", "HTML title", "HTML のタイトル" },
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++)
		if (strcmp(site, t[i].id) == 0)
			return lang == PD_LANG_JA ? t[i].ja : t[i].en;
	return site;
}

/* One part of a finding's "where" in Japanese.  The library writes
 * "where" in a fixed English form (JSON keeps it, for machines):
 * "Subject (line 13)", "Received #2 (line 6)", "link 1", "link 3
 * (unwrapped 2)", "body", "links", "part 1.2", "byte 259", "headers".
 * Anything else (a bare header name) is shown as it is. */
static const char *where_part_ja(struct out *o, const char *w, size_t n)
{
	const char *t = pd_arena_strndup(o->a, w, n);
	unsigned a, b;
	int used = 0;
	if (strcmp(t, "body") == 0)
		return "本文";
	if (strcmp(t, "links") == 0)
		return "リンク全体";
	if (strcmp(t, "headers") == 0)
		return "ヘッダー";
	if (strcmp(t, "message") == 0)
		return "メール全体";
	if (sscanf(t, "link %u (unwrapped %u)%n", &a, &b, &used) == 2 && (size_t)used == n)
		return pd_arena_printf(o->a, "リンク %u（%u 段目の展開）", a, b);
	if (sscanf(t, "link %u%n", &a, &used) == 1 && (size_t)used == n)
		return pd_arena_printf(o->a, "リンク %u", a);
	if (sscanf(t, "byte %u%n", &a, &used) == 1 && (size_t)used == n)
		return pd_arena_printf(o->a, "%u バイト目", a);
	if (strncmp(t, "part ", 5) == 0 && t[5] >= '0' && t[5] <= '9')
		return pd_arena_printf(o->a, "パート %s", t + 5);
	const char *l = strstr(t, " (line ");
	if (l && sscanf(l, " (line %u)%n", &a, &used) == 1 && l + used == t + n)
		return pd_arena_printf(o->a, "%.*s（%u 行目）", (int)(l - t), t, a);
	return t;
}

/* "where", terminal-safe, in the report's language. */
static const char *where(struct out *o, const char *w)
{
	if (o->lang != PD_LANG_JA || !*w)
		return safe(o, w);
	const char *res = "";
	for (const char *p = w;;) {
		const char *c = strstr(p, ", ");
		size_t n = c ? (size_t)(c - p) : strlen(p);
		res = pd_arena_printf(o->a, "%s%s%s", res, *res ? "、" : "", where_part_ja(o, p, n));
		if (!c)
			break;
		p = c + 2;
	}
	return safe(o, res);
}

static void why(struct out *o, const struct pd_report *r)
{
	section(o, L(o, L_WHY));
	unsigned shown = 0;
	for (unsigned i = 0; i < r->nfindings; i++) {
		const struct pd_finding *f = &r->findings[i];
		const struct pd_catalog_entry *c = &pd_catalog[f->id];
		if (f->weight == 0 && c->severity == PD_SEV_INFO && f->id != PD_F_MIME_FORWARDED &&
		    f->id != PD_F_MIME_FORWARDED_INLINE)
			continue;
		shown++;
		const char *sev = pd_severity_name(c->severity);
		const char *col = c->severity == PD_SEV_HIGH ? "\033[31m" : c->severity == PD_SEV_MEDIUM ? "\033[33m" : "";
		putf(o, "  %2u. %s[%s]%s %s  (%s, %+.1f)\n", shown, color(o, col), sev, color(o, *col ? "\033[0m" : ""),
		     o->lang == PD_LANG_JA ? c->ja : c->en, c->id, f->weight);
		const char *v = f->value_is_url ? url(o, f->value) : f->value_is_host ? host(o, f->value) : ftext(o, f->value);
		const char *det = o->lang == PD_LANG_JA && *f->detail_ja ? f->detail_ja : f->detail;
		if (*f->value || *det) {
			putf(o, "      %s: %s%s%s  @ %s\n", L(o, L_EVIDENCE), v, *f->value && *det ? " — " : "",
			     *det ? ftext(o, det) : "", where(o, f->where));
		} else {
			putf(o, "      @ %s\n", where(o, f->where));
		}
	}
	if (!shown)
		putf(o, "  %s\n", L(o, L_NO_FINDINGS));
}

static void sender(struct out *o, const struct pd_msg *m)
{
	section(o, L(o, L_SENDER));
	putf(o, "  %s%s\n", pad(o, L(o, L_FROM), o->lang == PD_LANG_JA ? 20 : 13), addr_line(o, &m->from));
	if (*m->reply_to.addr)
		putf(o, "  %s%s\n", pad(o, L(o, L_REPLYTO), o->lang == PD_LANG_JA ? 20 : 13), addr_line(o, &m->reply_to));
	if (*m->return_path.addr)
		putf(o, "  %s%s\n", pad(o, L(o, L_RETURNPATH), o->lang == PD_LANG_JA ? 20 : 13), addr_line(o, &m->return_path));
	if (*m->message_id)
		putf(o, "  %s<%s>\n", pad(o, L(o, L_MSGID), o->lang == PD_LANG_JA ? 20 : 13), safe(o, m->message_id));
	if (*m->date_raw)
		putf(o, "  %s%s\n", pad(o, L(o, L_DATE), o->lang == PD_LANG_JA ? 20 : 13), safe(o, m->date_raw));
}

/* "AS16509 Amazon.com, Inc., JP, Tokyo (approximate)" or "" (net/intel.c). */
static const char *network(struct out *o, uint32_t asn, const char *org, const char *country, const char *city)
{
	if (!asn && !(country && *country))
		return "";
	bool ja = o->lang == PD_LANG_JA;
	const char *s = asn ? pd_arena_printf(o->a, "AS%u%s%s", asn, org && *org ? " " : "", org ? safe(o, org) : "") : "";
	if (country && *country)
		s = pd_arena_printf(o->a, "%s%s%s", s, *s ? ", " : "", safe(o, country));
	if (city && *city)
		s = pd_arena_printf(o->a, "%s, %s%s", s, safe(o, city), ja ? "（おおよその位置）" : " (approximate)");
	return s;
}

static void route(struct out *o, const struct pd_msg *m)
{
	section(o, L(o, L_ROUTE));
	if (!m->nhops) {
		putf(o, "  %s\n", L(o, L_HOPS_NONE));
		return;
	}
	putf(o, "  (%s)\n", L(o, L_ROUTE_NOTE));
	for (unsigned i = 0; i < m->nhops; i++) {
		const struct pd_hop *h = &m->hops[i];
		char tbuf[128] = "";
		if (h->flags & PD_HOP_HAS_DATE)
			fmt_time(tbuf, sizeof tbuf, h->time, h->tz_minutes);
		bool origin = (int)i == m->origin_hop;
		putf(o, " %s%2u  from %s", origin ? "*" : " ", i + 1, *h->helo ? host(o, h->helo) : "-");
		if (*h->rdns || *h->ip)
			putf(o, " (%s%s%s)", *h->rdns ? host(o, h->rdns) : "", *h->rdns && *h->ip ? " " : "",
			     *h->ip ? pd_arena_printf(o->a, "[%s]", host(o, h->ip)) : "");
		const char *net = network(o, h->asn, h->as_org, h->country, h->city);
		if (*net)
			putf(o, "\n       %s", net);
		putf(o, "\n       by %s", *h->by ? host(o, h->by) : "-");
		if (*h->with)
			putf(o, " with %s", safe(o, h->with));
		if (*tbuf)
			putf(o, "  %s", tbuf);
		put(o, "\n");
	}
	if (m->origin_hop >= 0) {
		const struct pd_hop *h = &m->hops[m->origin_hop];
		putf(o, "  %s: %s", L(o, L_ORIGIN), *h->ip ? host(o, h->ip) : "?");
		if (*h->rdns)
			putf(o, " (%s)", host(o, h->rdns));
		if (*h->helo)
			putf(o, ", HELO %s", host(o, h->helo));
		putf(o, " — Received #%d\n", m->origin_hop + 1);
		const char *net = network(o, h->asn, h->as_org, h->country, h->city);
		if (*net)
			putf(o, "  %s%s\n", o->lang == PD_LANG_JA ? "送信元ネットワーク: " : "Origin network: ", net);
	}
	bool any_net = false;
	for (unsigned i = 0; i < m->nhops; i++)
		any_net = any_net || m->hops[i].asn || (m->hops[i].country && *m->hops[i].country);
	if (any_net && o->ipdb_source)
		putf(o, "  (%s%s)\n", o->lang == PD_LANG_JA ? "IP データ: " : "IP data: ",
		     safe(o, o->lang == PD_LANG_JA ? ipdb_source_ja(o, o->ipdb_source) : o->ipdb_source));
}

static void auth(struct out *o, const struct pd_report *r, const struct pd_msg *m)
{
	section(o, L(o, L_AUTH));
	const char *tid = r->ctx->authserv_id;
	for (unsigned i = 0; i < m->nauth && !tid; i++)
		if (m->auth[i].source == PD_AUTH_AR && m->auth[i].header_index == 0)
			tid = m->auth[i].authserv_id;
	unsigned shown = 0;
	for (unsigned i = 0; i < m->nauth; i++) {
		const struct pd_authres *ar = &m->auth[i];
		if (ar->source == PD_AUTH_ARC_AR)
			continue;
		bool trusted = ar->source == PD_AUTH_RECEIVED_SPF ? ar->header_index == 0
		                                                  : (tid && strcmp(ar->authserv_id, tid) == 0);
		if (shown >= 6)
			break;
		shown++;
		putf(o, "  %s%s:", ar->source == PD_AUTH_RECEIVED_SPF ? "Received-SPF" : host(o, ar->authserv_id),
		     trusted ? "" : pd_arena_printf(o->a, " (%s)", L(o, L_UNTRUSTED)));
		for (unsigned k = 0; k < ar->nmethods && k < 12; k++) {
			const struct pd_auth_method *me = &ar->methods[k];
			putf(o, " %s=%s", safe(o, me->method), safe(o, me->result));
		}
		put(o, "\n");
	}
	if (!shown)
		putf(o, "  %s\n", L(o, L_AUTH_NONE));
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

static void links(struct out *o, const struct pd_report *r, const struct pd_msg *m)
{
	unsigned n = 0;
	for (unsigned i = 0; i < m->nurls; i++)
		if (m->urls[i].origin != PD_LINK_HTML_IMG)
			n++;
	section(o, pd_arena_printf(o->a, "%s (%u)", L(o, L_LINKS), n));
	if (!n) {
		putf(o, "  %s\n", L(o, L_NONE));
		return;
	}
	unsigned shown = 0, *order = NULL;
	pd_links_worst_first(o->a, r, &order); /* the worst first (render_links.c) */
	for (unsigned j = 0; j < m->nurls; j++) {
		unsigned i = order[j];
		const struct pd_url *u = &m->urls[i];
		if (u->origin == PD_LINK_HTML_IMG)
			continue;
		if (++shown > 30) {
			putf(o, "  … %u more\n", n - 30);
			break;
		}
		putf(o, "  %2u. %s  [%s]\n", i + 1, url(o, u->raw), origin_name(u->origin));
		if (*u->shown)
			putf(o, "      %s: \"%s\"\n", L(o, L_SHOWN), ftext(o, u->shown));
		if (*u->domain && strcmp(u->domain, u->host) != 0)
			putf(o, "      host %s, domain %s\n", host(o, u->host), host(o, u->domain));
		if (*u->host_unicode)
			putf(o, "      IDN %s\n", host(o, u->host_unicode));
		unsigned depth = 0;
		for (const struct pd_url *L = u->inner; L && depth < 4; L = L->inner, depth++)
			putf(o, "      -> %s  [%s]\n", url(o, L->raw), ftext(o, L->via));
		if (u->host_is_ip && u->ip_org) {
			const char *net = network(o, u->ip_asn, u->ip_org, u->ip_country, u->ip_city);
			if (*net)
				putf(o, "      %s\n", net);
		}
	}
}

static void attachments(struct out *o, const struct pd_msg *m)
{
	section(o, L(o, L_ATTACH));
	unsigned n = 0;
	for (unsigned i = 0; i < m->nparts; i++) {
		const struct pd_part *p = &m->parts[i];
		if (!(p->flags & PD_PART_ATTACHMENT))
			continue;
		if (++n > 30)
			break;
		putf(o, "  %s  %s  %zu bytes  sha256 %s\n", *p->filename ? safe(o, p->filename) : "(no name)",
		     safe(o, p->content_type), p->size, p->sha256);
	}
	if (!n)
		putf(o, "  %s\n", L(o, L_NONE));
}

static void advice(struct out *o, const struct pd_report *r)
{
	section(o, L(o, L_ADVICE));
	bool ja = o->lang == PD_LANG_JA;
	if (r->verdict == PD_VERDICT_CLEAN) {
		put(o, ja ? "  明らかな危険は見つかりませんでした。ただし、心当たりのない依頼には応じず、不安な場合は公式サイトや電話で確認してください。\n"
		          : "  Nothing clearly dangerous was found. Still, do not act on unexpected requests; if in doubt, check through the organisation's official site or phone number.\n");
		return;
	}
	put(o, ja ? "  リンクを開かず、添付ファイルも開かないでください。返信もしないでください。\n"
	          : "  Do not click the links, open attachments or reply.\n");
	put(o, ja ? "  本物か確かめたいときは、メール内のリンクではなく、ブックマークや公式アプリから確認してください。\n"
	          : "  To check whether it is genuine, go to the service through your bookmark or its official app, never through the mail.\n");
	if (r->category == PD_CAT_CREDENTIAL || r->category == PD_CAT_SPOOFING)
		put(o, ja ? "  すでにパスワードなどを入力した場合は、すぐに変更し、管理者に連絡してください。\n"
		          : "  If you already entered a password, change it now and tell your IT or security team.\n");
	if (r->category == PD_CAT_MALWARE)
		put(o, ja ? "  添付ファイルを開いてしまった場合は、パソコンをネットワークから切り離し、管理者に連絡してください。\n"
		          : "  If you opened the attachment, disconnect the computer from the network and call your IT team.\n");
	if (r->category == PD_CAT_BEC)
		put(o, ja ? "  送金や支払い先の変更の依頼は、メール以外の方法（既知の電話番号など）で本人に確認してください。\n"
		          : "  Confirm any payment or bank-detail change with the person through another channel (a phone number you already know).\n");
}

const char *pd_render_text(const struct pd_ctx *ctx, struct pd_arena *a, const struct pd_report *r,
                           enum pd_lang lang, unsigned flags)
{
	struct out o;
	o.a = a;
	o.lang = lang;
	o.flags = flags;
	o.ipdb_source = ctx && ctx->intel.ipdb ? ctx->intel.ipdb_source : NULL;
	pd_buf_init(&o.b, a, 4u << 20);
	const struct pd_msg *m = r->msg;
	const char *vcol = r->verdict == PD_VERDICT_PHISHING ? "\033[1;31m"
	                 : r->verdict == PD_VERDICT_SUSPICIOUS ? "\033[1;33m" : "\033[1;32m";
	if (r->parse_only) {
		putf(&o, "%s (parse only)\n", safe(&o, m->source));
		return o.b.p;
	}
	putf(&o, "%s: %s%s%s  (%s %.1f", L(&o, L_VERDICT), color(&o, vcol), verdict_label(r->verdict, lang),
	     color(&o, "\033[0m"), L(&o, L_SCORE), r->score);
	if (r->verdict != PD_VERDICT_CLEAN)
		putf(&o, ", %s", pd_category_label(r->category, lang));
	put(&o, ")\n");
	putf(&o, "  %s%s\n", pad(&o, L(&o, L_SUBJECT), 10), *m->subject ? safe(&o, m->subject) : "-");
	putf(&o, "  %s%s\n", pad(&o, L(&o, L_FROM), 10), addr_line(&o, &m->from));
	if (m->fwd_inline && m->fwd_from.valid) /* the quoted mail's sender: the one judged */
		putf(&o, "  %s%s%s\n", pad(&o, lang == PD_LANG_JA ? "元の差出人" : "Original", 10),
		     addr_line(&o, &m->fwd_from),
		     lang == PD_LANG_JA ? "（本文に引用された転送元メール）" : " (quoted in a forward)");
	if (r->brand) /* brand.c: the claimed brand, where, and whether it holds */
		putf(&o, "  %s%s (%s)%s\n", pad(&o, lang == PD_LANG_JA ? "ブランド" : "Brand", 10),
		     safe(&o, lang == PD_LANG_JA ? r->brand->name_ja : r->brand->name),
		     r->brand->nsites ? site_label(r->brand->sites[0].site, lang) : "",
		     r->brand->verified ? (lang == PD_LANG_JA ? " — 認証済みの正規ドメインから送信"
		                                              : " — sent from its own, authenticated domain")
		     : r->brand->ncontra ? pd_arena_printf(o.a, lang == PD_LANG_JA ? " — 矛盾 %u 件（下記）"
		                                                                   : " — %u contradictions (below)", r->brand->ncontra)
		     : "");
	if (*m->recipient_addr)
		putf(&o, "  %s%s%s\n", pad(&o, L(&o, L_TO), 10), safe(&o, m->recipient_addr),
		     !(m->fwd_inline && m->fwd_from.valid) ? ""
		     : lang == PD_LANG_JA ? "（転送した人 = 引用されたメールの受信者）"
		                          : " (the forwarder, who received the quoted mail)");
	if (m->forwarded)
		putf(&o, "  %s%s: %s\n", pad(&o, L(&o, L_FORWARDED), 10), addr_line(&o, &m->outer_from), safe(&o, m->outer_subject));
	if (r->partial)
		putf(&o, "  %s\n", L(&o, L_PARTIAL));
	why(&o, r);
	sender(&o, m);
	route(&o, m);
	auth(&o, r, m);
	links(&o, r, m);
	attachments(&o, m);
	advice(&o, r);
	(void)ctx;
	return o.b.p;
}
