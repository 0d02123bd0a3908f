/* test_url.c - the URL parser (net/url.c), rewriter unwrapping and host
 * classes (net/linkdata.c), plain-text URL extraction (mail/urlscan.c),
 * and every link-forensics finding end to end: a Japanese message that
 * fires it and a near miss that must not.  URL shapes follow real ones
 * (JPCERT/CC phishing-URL feed, SafeLinks, Proofpoint); hosts are example
 * names and documentation addresses. */
#include <stdlib.h>
#include <string.h>

#include <libpsl.h>

#include "check.h"
#include "ctx.h"
#include "net/domain.h"
#include "mail/model.h"
#include "mail/urlscan.h"
#include "net/linkdata.h"
#include "net/url.h"
#include "phishdissect/pd.h"
#include "report/report.h"

static struct pd_ctx *ctx;

/* ---- parser ----------------------------------------------------------- */

struct pcase {
	const char *in;
	const char *scheme, *host, *userinfo, *path, *query;
	int port;
	unsigned flags_set;   /* these flags must be set */
	unsigned flags_clear; /* these must not */
};

static const struct pcase pcases[] = {
	{ "https://www.example.co.jp/login?id=1#top", "https", "www.example.co.jp", "", "/login", "id=1", -1, 0,
	  PD_URLF_IP | PD_URLF_USERINFO | PD_URLF_PORT | PD_URLF_OBFUSCATED },
	{ "HTTPS://WWW.Example.COM/A", "https", "www.example.com", "", "/A", "", -1, 0, PD_URLF_OBFUSCATED },
	{ "http://3232235777/", "http", "192.168.1.1", "", "/", "", -1, PD_URLF_IP | PD_URLF_IP_ENCODED, 0 },
	{ "http://0xC0.0xA8.1.1/x", "http", "192.168.1.1", "", "/x", "", -1, PD_URLF_IP | PD_URLF_IP_ENCODED, 0 },
	{ "http://0300.0250.0001.0001/", "http", "192.168.1.1", "", "/", "", -1, PD_URLF_IP | PD_URLF_IP_ENCODED, 0 },
	{ "http://192.0.2.7:8080/a", "http", "192.0.2.7", "", "/a", "", 8080, PD_URLF_IP | PD_URLF_PORT, PD_URLF_IP_ENCODED },
	{ "http://198.51.357/", "http", "198.51.1.101", "", "/", "", -1, PD_URLF_IP | PD_URLF_IP_ENCODED, 0 },
	{ "http://203.0.113/", "http", "203.0.0.113", "", "/", "", -1, PD_URLF_IP | PD_URLF_IP_ENCODED, 0 },
	{ "http://[2001:DB8::1]:443/", "http", "2001:db8::1", "", "/", "", 443, PD_URLF_IP | PD_URLF_PORT, 0 },
	{ "https://www.bank.example@evil.example/login", "https", "evil.example", "www.bank.example", "/login", "", -1,
	  PD_URLF_USERINFO, 0 },
	{ "https:\\\\evil.example\\path\\x?a=b", "https", "evil.example", "", "/path/x", "a=b", -1, PD_URLF_OBFUSCATED, 0 },
	{ "https:/evil.example/x", "https", "evil.example", "", "/x", "", -1, PD_URLF_OBFUSCATED, 0 },
	{ "  h\ttt\nps://evil.example/x \x01", "https", "evil.example", "", "/x", "", -1, PD_URLF_OBFUSCATED, 0 },
	{ "https://%65vil.example/", "https", "evil.example", "", "/", "", -1, 0, 0 },
	{ "https://例え.テスト/パス", "https", "xn--r8jz45g.xn--zckzah", "", "/パス", "", -1, PD_URLF_IDN, 0 },
	{ "https://ｅｘａｍｐｌｅ。ｊｐ/", "https", "example.jp", "", "/", "", -1, 0, PD_URLF_IDN },
	{ "https://xn--80ak6aa92e.com/", "https", "xn--80ak6aa92e.com", "", "/", "", -1, PD_URLF_IDN, 0 },
	{ "www.example.net/a", "http", "www.example.net", "", "/a", "", -1, 0, 0 },
	{ "//cdn.example.net/x.js", "http", "cdn.example.net", "", "/x.js", "", -1, 0, 0 },
	{ "https://example.com:443/", "https", "example.com", "", "/", "", 443, 0, PD_URLF_PORT },
	{ "javascript:alert(1)", "javascript", "", "", "alert(1)", "", -1, PD_URLF_SCRIPT, 0 },
	{ "data:text/html;base64,PGh0bWw+", "data", "", "", "text/html;base64,PGh0bWw+", "", -1, PD_URLF_SCRIPT, 0 },
	{ "mailto:info@example.jp", "mailto", "", "", "info@example.jp", "", -1, 0, PD_URLF_SCRIPT },
	{ "/relative/path?x=1", "", "", "", "/relative/path", "x=1", -1, 0, 0 },
	{ "http://example.com.:80/", "http", "example.com", "", "/", "", 80, 0, PD_URLF_PORT },
};

static void test_parser(void)
{
	struct pd_arena *a = pd_arena_new(0);
	for (size_t i = 0; i < sizeof pcases / sizeof *pcases; i++) {
		const struct pcase *c = &pcases[i];
		struct pd_url_info u;
		pd_url_parse(a, c->in, strlen(c->in), &u);
		CHECK_STREQ(u.scheme, c->scheme, c->in);
		CHECK_STREQ(u.host, c->host, c->in);
		CHECK_STREQ(u.userinfo, c->userinfo, c->in);
		CHECK_STREQ(u.path, c->path, c->in);
		CHECK_STREQ(u.query, c->query, c->in);
		CHECK(u.port == c->port, "%s: port %d want %d", c->in, u.port, c->port);
		CHECK((u.flags & c->flags_set) == c->flags_set, "%s: flags %#x lack %#x", c->in, u.flags, c->flags_set);
		CHECK((u.flags & c->flags_clear) == 0, "%s: flags %#x have %#x", c->in, u.flags, u.flags & c->flags_clear);
	}
	/* not IPv4 number forms: domains ending in a name, or out of range */
	static const char *const not_ip[] = { "198.51.100.257", "1.2.3.example", "0x1g.1.1.1", "256.256.256.256", "4294967296", "1.2.3.4.5", "" };
	for (size_t i = 0; i < sizeof not_ip / sizeof *not_ip; i++) {
		unsigned char ip[4];
		bool odd;
		CHECK(!pd_url_ipv4(not_ip[i], strlen(not_ip[i]), ip, &odd), "'%s' is not IPv4", not_ip[i]);
	}
	pd_arena_free(a);
}

/* ---- decoders ----------------------------------------------------------- */

struct ncase {
	const char *in;
	const char *want; /* NULL: not a nested URL */
};

static const struct ncase ncases[] = {
	{ "https://evil.example/x", "https://evil.example/x" },
	{ "https%3A%2F%2Fevil.example%2Fx", "https://evil.example/x" },
	{ "https%253A%252F%252Fevil.example%252Fx", NULL }, /* decoded once by the caller: "%3A" remains */
	{ "aHR0cHM6Ly9ldmlsLmV4YW1wbGUvbG9naW4=", "https://evil.example/login" },
	{ "aHR0cHM6Ly9ldmlsLmV4YW1wbGUvbG9naW4", "https://evil.example/login" },
	{ "//evil.example/p", "https://evil.example/p" },
	{ "www.evil.example/p", "http://www.evil.example/p" },
	{ "/account/settings", NULL },
	{ "12345", NULL },
	{ "https://x", NULL },
};

static void test_nested(void)
{
	struct pd_arena *a = pd_arena_new(0);
	for (size_t i = 0; i < sizeof ncases / sizeof *ncases; i++) {
		const char *got = pd_url_nested(a, ncases[i].in);
		if (ncases[i].want)
			CHECK_STREQ(got, ncases[i].want, ncases[i].in);
		else
			CHECK(got == NULL, "%s: want no URL, got %s", ncases[i].in, got);
	}
	CHECK_STREQ(pd_url_proofpoint_v2(a, "u=https-3A__evil.example_login-3Fa-3D1&d=DwMFAg&c=x"),
	            "https://evil.example/login?a=1", "proofpoint v2");
	CHECK_STREQ(pd_url_proofpoint_v3(a, "/v3/__https://evil.example/a*b__;Pw!!AbCd$"),
	            "https://evil.example/a?b", "proofpoint v3");
	CHECK_STREQ(pd_url_query_param(a, "a=1&URL=https%3A%2F%2Fx.example%2F&b=2", "url"), "https://x.example/",
	            "query param");
	CHECK(pd_url_query_param(a, "a=1&urls=2", "url") == NULL, "no partial name match");
	size_t n;
	CHECK_STREQ(pd_url_b64_decode(a, "aW5mb0BleGFtcGxlLmpw", 20, &n), "info@example.jp", "base64");
	CHECK(pd_url_b64_decode(a, "not base64!", 11, &n) == NULL, "bad base64");
	pd_arena_free(a);
}

/* ---- enrichment and unwrapping ---------------------------------------- */

struct ecase {
	const char *raw;
	unsigned flags_set, flags_clear;
	const char *inner_host;   /* NULL: no inner layer */
	const char *inner2_host;  /* a second layer, or NULL */
	const char *lookalike;    /* "" if none */
};

static const struct ecase ecases[] = {
	{ "https://nam02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.example.co.jp%2Fnews&data=05%7C01&reserved=0",
	  PD_URLF_WRAPPED | PD_URLF_TRACKER, PD_URLF_OPEN_REDIRECT, "www.example.co.jp", NULL, "" },
	{ "https://urldefense.proofpoint.com/v2/url?u=https-3A__evil.example_a&d=DwMF&c=x&r=y",
	  PD_URLF_WRAPPED | PD_URLF_TRACKER, 0, "evil.example", NULL, "" },
	{ "https://urldefense.com/v3/__https://evil.example/x__;!!ABC$", PD_URLF_WRAPPED | PD_URLF_TRACKER, 0,
	  "evil.example", NULL, "" },
	{ "https://protect-us.mimecast.com/s/AbCdEfGh?domain=example.com", PD_URLF_OPAQUE_REWRITER | PD_URLF_TRACKER,
	  PD_URLF_WRAPPED, NULL, NULL, "" },
	{ "https://www.google.com/url?q=https://evil.example/login&sa=D", PD_URLF_WRAPPED | PD_URLF_OPEN_REDIRECT, 0,
	  "evil.example", NULL, "" },
	{ "https://shop.example.net/redirect?url=aHR0cHM6Ly9ldmlsLmV4YW1wbGUvbG9naW4=",
	  PD_URLF_WRAPPED | PD_URLF_OPEN_REDIRECT, 0, "evil.example", NULL, "" },
	/* SafeLinks around an open redirect around the phishing page */
	{ "https://jpn01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.google.com%2Furl%3Fq%3Dhttps%3A%2F%2Fevil.example%2F&data=x",
	  PD_URLF_WRAPPED, 0, "www.google.com", "evil.example", "" },
	{ "https://tracker.example.net/c/https://evil.example/p", PD_URLF_WRAPPED, 0, "evil.example", NULL, "" },
	{ "https://shop.example.net/item?next=/cart", 0, PD_URLF_WRAPPED, NULL, NULL, "" },
	{ "https://bit.ly/3AbCdEf", PD_URLF_SHORTENER, 0, NULL, NULL, "" },
	{ "https://bit.ly/", 0, PD_URLF_SHORTENER, NULL, NULL, "" },
	{ "https://kagoya-login.web.app/", PD_URLF_FREE_HOSTING, 0, NULL, NULL, "" },
	{ "https://docs.google.com/forms/d/e/1FAIpQ/viewform", PD_URLF_FREE_HOSTING, 0, NULL, NULL, "" },
	{ "https://docs.google.com/document/d/1x/edit", 0, PD_URLF_FREE_HOSTING, NULL, NULL, "" },
	{ "https://etc-meisai.jp.secure-check.top/", PD_URLF_SUSPICIOUS_TLD, 0, NULL, NULL, "" },
	{ "https://www.amaz0n.co.jp/signin", PD_URLF_LOOKALIKE, 0, NULL, NULL, "amazon.co.jp" },
	{ "https://rakutne.co.jp/", PD_URLF_LOOKALIKE, 0, NULL, NULL, "rakuten.co.jp" },
	{ "https://www.rnicrosoft.com/", PD_URLF_LOOKALIKE, 0, NULL, NULL, "microsoft.com" },
	{ "https://xn--pple-43d.com/", PD_URLF_LOOKALIKE | PD_URLF_MIXED_SCRIPT | PD_URLF_IDN, 0, NULL, NULL, "apple.com" },
	{ "https://www.amazon.co.jp/gp/css", 0, PD_URLF_LOOKALIKE, NULL, NULL, "" },
	{ "https://www.example.jp/", 0, PD_URLF_LOOKALIKE | PD_URLF_SUSPICIOUS_TLD, NULL, NULL, "" },
	{ "https://xn--wgv71a119e.jp/", PD_URLF_IDN, PD_URLF_MIXED_SCRIPT | PD_URLF_LOOKALIKE, NULL, NULL, "" },
	{ "https://hacked.example/wp-includes/js/x/", PD_URLF_CMS_PATH, 0, NULL, NULL, "" },
	{ "mail.example.co.jp/.update", 0, PD_URLF_WRAPPED, NULL, NULL, "" },
};

static void test_enrich(void)
{
	struct pd_arena *a = pd_arena_new(0);
	for (size_t i = 0; i < sizeof ecases / sizeof *ecases; i++) {
		const struct ecase *c = &ecases[i];
		struct pd_url u;
		memset(&u, 0, sizeof u);
		u.raw = c->raw;
		u.shown = "";
		u.origin = PD_LINK_HTML_HREF;
		pd_url_enrich(ctx, a, &u);
		CHECK((u.flags & c->flags_set) == c->flags_set, "%s: flags %#x lack %#x", c->raw, u.flags, c->flags_set);
		CHECK((u.flags & c->flags_clear) == 0, "%s: flags %#x have %#x", c->raw, u.flags, u.flags & c->flags_clear);
		if (c->inner_host) {
			CHECK(u.inner != NULL, "%s: should unwrap", c->raw);
			if (u.inner)
				CHECK_STREQ(u.inner->host, c->inner_host, c->raw);
			if (c->inner2_host) {
				CHECK(u.inner && u.inner->inner, "%s: second layer", c->raw);
				if (u.inner && u.inner->inner)
					CHECK_STREQ(u.inner->inner->host, c->inner2_host, c->raw);
			}
		} else {
			CHECK(u.inner == NULL, "%s: should not unwrap (got %s)", c->raw, u.inner ? u.inner->raw : "");
		}
		CHECK_STREQ(u.lookalike_of, c->lookalike, c->raw);
	}
	/* scheme-less href with a real suffix is a host, as mail clients take it */
	struct pd_url u;
	memset(&u, 0, sizeof u);
	u.raw = "mail.example.co.jp/.update";
	pd_url_enrich(ctx, a, &u);
	CHECK_STREQ(u.host, "mail.example.co.jp", "scheme-less host");
	memset(&u, 0, sizeof u);
	u.raw = "index.html";
	pd_url_enrich(ctx, a, &u);
	CHECK_STREQ(u.host, "", "relative file is no host");
	/* bounded depth: a URL nesting itself many times stops after 4 layers */
	char deep[4096] = "https://a.example/r?url=";
	for (int k = 0; k < 8; k++) {
		size_t l = strlen(deep);
		snprintf(deep + l, sizeof deep - l, "https%%3A%%2F%%2Fb%d.example%%2Fr%%3Furl%%3D", k);
	}
	memset(&u, 0, sizeof u);
	u.raw = deep;
	pd_url_enrich(ctx, a, &u);
	unsigned layers = 0;
	for (const struct pd_url *L = u.inner; L; L = L->inner)
		layers++;
	CHECK(layers <= 3, "layers bounded: %u", layers);
	pd_arena_free(a);
}

/* ---- plain-text extraction -------------------------------------------- */

struct scase {
	const char *text;
	const char *want[3];
};

static const struct scase scases[] = {
	{ "詳細は「https://www.example.jp/info」をご確認ください。", { "https://www.example.jp/info" } },
	{ "こちら（https://www.example.jp/a）から、", { "https://www.example.jp/a" } },
	{ "こちら(https://www.example.jp/a)から", { "https://www.example.jp/a" } },
	{ "URL：https://www.example.jp/a、または https://www.example.jp/b。", { "https://www.example.jp/a", "https://www.example.jp/b" } },
	{ "<https://www.example.jp/x?a=1>", { "https://www.example.jp/x?a=1" } },
	{ "<URL:https://www.example.jp/y>", { "https://www.example.jp/y" } },
	{ "ログインhttps://evil.example/loginしてください", { "https://evil.example/login" } },
	{ "https://ja.wikipedia.example/wiki/Foo_(bar) end", { "https://ja.wikipedia.example/wiki/Foo_(bar)" } },
	{ "see https://www.example.jp/x.", { "https://www.example.jp/x" } },
	{ "https://www.example.jp/faq(詳細)", { "https://www.example.jp/faq" } },
	{ "https://www.example.jp/a,https://www.example.jp/b", { "https://www.example.jp/a,https://www.example.jp/b" } },
	{ "【https://www.example.jp/z】", { "https://www.example.jp/z" } },
	{ "no link here: example dot jp", { NULL } },
};

struct collect {
	struct pd_arena *a;
	const char *got[4];
	unsigned n;
};

static int on_url(void *ud, const char *p, size_t n)
{
	struct collect *c = ud;
	if (c->n < 4)
		c->got[c->n++] = pd_arena_strndup(c->a, p, n);
	return 0;
}

static void test_scan(void)
{
	struct pd_arena *a = pd_arena_new(0);
	for (size_t i = 0; i < sizeof scases / sizeof *scases; i++) {
		struct collect c = { a, { 0 }, 0 };
		pd_urlscan(scases[i].text, strlen(scases[i].text), on_url, &c);
		unsigned want = 0;
		while (want < 3 && scases[i].want[want])
			want++;
		CHECK(c.n == want, "%s: %u URLs, want %u", scases[i].text, c.n, want);
		for (unsigned k = 0; k < want && k < c.n; k++)
			CHECK_STREQ(c.got[k], scases[i].want[k], scases[i].text);
	}
	pd_arena_free(a);
}

/* ---- findings end to end: Japanese messages --------------------------- */

#define RCV "Received: from mail.sender.example (mail.sender.example [198.51.100.20])\n" \
	"\tby mx.office.example (Postfix) with ESMTPS id 4AbCd\n\tfor <info@office.example>; Thu, 28 Sep 2023 09:14:06 +0900\n"
#define HDR(from) RCV "From: " from "\nTo: info@office.example\nSubject: =?UTF-8?B?44GK55+l44KJ44Gb?=\n" \
	"Date: Thu, 28 Sep 2023 09:14:00 +0900\nMessage-ID: <1@sender.example>\nMIME-Version: 1.0\n"
#define TXT "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n"
#define HTML "Content-Type: text/html; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n"

struct fcase {
	const char *name;
	enum pd_fid id;
	const char *fires, *near_miss;
};

static const struct fcase fcases[] = {
	{ "IP written as one number", PD_F_LINK_IP_ENCODED,
	  HDR("a@sender.example") TXT "アカウント確認はこちら http://3405803786/login から。\n",
	  HDR("a@sender.example") TXT "社内システム http://203.0.113.10/login から。\n" },
	{ "non-standard port", PD_F_LINK_NONSTANDARD_PORT,
	  HDR("a@sender.example") TXT "ログイン：https://secure.example.net:8443/login\n",
	  HDR("a@sender.example") TXT "ログイン：https://secure.example.net:443/login\n" },
	{ "distorted href", PD_F_LINK_OBFUSCATED,
	  HDR("a@sender.example") HTML "<p><a href=\"https:\\\\evil.example\\login\">ログイン</a></p>\n",
	  HDR("a@sender.example") HTML "<p><a href=\"https://evil.example/login\">ログイン</a></p>\n" },
	{ "brand domain as leading host labels", PD_F_LINK_BRAND_IN_URL,
	  HDR("a@sender.example") TXT "ETC 利用照会：https://etc-meisai.jp.secure-check.example.net/login\n",
	  HDR("a@sender.example") TXT "ETC 利用照会：https://www.etc-meisai.jp/login\n" },
	{ "brand domain in the path", PD_F_LINK_BRAND_IN_URL,
	  HDR("a@sender.example") TXT "確認：https://hacked.example.net/js/amazon.co.jp/signin\n",
	  HDR("a@sender.example") TXT "確認：https://hacked.example.net/js/?ref=amazon.co.jp\n" },
	{ "look-alike domain", PD_F_LINK_LOOKALIKE_DOMAIN,
	  HDR("a@sender.example") TXT "楽天カードのご利用確認：https://www.rakuten-cards.co.jp/\n",
	  HDR("a@sender.example") TXT "楽天カードのご利用確認：https://www.rakuten-card.co.jp/\n" },
	{ "mixed-script host", PD_F_LINK_MIXED_SCRIPT,
	  HDR("a@sender.example") HTML "<a href=\"https://xn--pple-43d.com/id\">Apple ID の確認</a>\n",
	  HDR("a@sender.example") HTML "<a href=\"https://xn--wgv71a119e.jp/\">日本語ドメインのお知らせ</a>\n" },
	{ "shortener", PD_F_LINK_SHORTENER,
	  HDR("a@sender.example") TXT "再配達の手続き https://bit.ly/3xYzAbC\n",
	  HDR("a@sender.example") TXT "再配達の手続き https://www.example.co.jp/redelivery\n" },
	{ "free hosting / form service", PD_F_LINK_FREE_HOSTING,
	  HDR("a@sender.example") TXT "メールボックス容量の更新：https://kagoya-mail-update.web.app/\n",
	  HDR("a@sender.example") TXT "メールボックス容量の更新：https://mail.sender.example/\n" },
	{ "abused TLD", PD_F_LINK_SUSPICIOUS_TLD,
	  HDR("a@sender.example") TXT "お支払い情報の更新 https://smbc-update.top/\n",
	  HDR("a@sender.example") TXT "お支払い情報の更新 https://www.sender.example/\n" },
	{ "open redirect to another site", PD_F_LINK_OPEN_REDIRECT,
	  HDR("a@sender.example") TXT "確認 https://www.google.com/url?q=https://evil.example/login\n",
	  /* a brand's own redirector to its own site */
	  HDR("news@shop.example.jp") TXT "セール https://shop.example.jp/r?url=https%3A%2F%2Fshop.example.jp%2Fsale\n" },
	{ "open redirect via a mail-service tracker is not one", PD_F_LINK_OPEN_REDIRECT,
	  HDR("a@sender.example") HTML "<a href=\"https://redir.example.net/go?target=https%3A%2F%2Fevil.example%2F\">確認</a>\n",
	  /* newsletter click tracking */
	  HDR("news@shop.example.jp") HTML "<a href=\"https://u123.ct.sendgrid.net/ls/click?upn=https%3A%2F%2Fshop.example.jp%2F&url=https%3A%2F%2Fshop.example.jp%2F\">https://shop.example.jp/</a>\n" },
	{ "form posting elsewhere from an HTML attachment", PD_F_LINK_FORM_OTHER_DOMAIN,
	  HDR("a@sender.example") "Content-Type: multipart/mixed; boundary=b\n\n--b\n" TXT "添付をご確認ください。\n--b\n"
	  "Content-Type: text/html; charset=UTF-8\nContent-Disposition: attachment; filename=\"請求書.html\"\n\n"
	  "<form method=post action=\"https://collect.example.net/p.php\"><input type=password name=pw></form>\n--b--\n",
	  HDR("a@sender.example") HTML "<form action=\"https://search.example.net/q\"><input name=q>検索</form>\n" },
	{ "SafeLinks-wrapped link hiding a mismatch", PD_F_LINK_TEXT_HREF_MISMATCH,
	  HDR("a@sender.example") HTML "<a href=\"https://jpn01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fevil.example%2F&amp;data=1\">https://www.sender.example/</a>\n",
	  /* SafeLinks-wrapped legitimate link */
	  HDR("a@sender.example") HTML "<a href=\"https://jpn01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.sender.example%2Fnews&amp;data=1\">https://www.sender.example/news</a>\n" },
	{ "mismatch behind an unknown tracker, not a brand's own", PD_F_LINK_TEXT_HREF_MISMATCH,
	  HDR("a@sender.example") HTML "<a href=\"https://click.evil.example/abc\">www.amazon.co.jp</a>\n",
	  /* newsletter click tracking through a mail service */
	  HDR("news@shop.example.jp") HTML "<a href=\"https://shop-example.list-manage.com/track/click?u=1&amp;id=2\">www.shop.example.jp</a>\n" },
	{ "brand's own tracker", PD_F_LINK_TEXT_HREF_MISMATCH,
	  HDR("info@rakuten.co.jp") HTML "<a href=\"https://r.evil.example/x\">www.rakuten.co.jp</a>\n",
	  HDR("info@rakuten.co.jp") HTML "<a href=\"https://r.rakuten.co.jp/x\">www.rakuten.co.jp</a>\n" },
	{ "recipient in base64", PD_F_LINK_RECIPIENT_IN_URL,
	  HDR("a@sender.example") TXT "確認：https://evil.example/?e=aW5mb0BvZmZpY2UuZXhhbXBsZS8=\n",
	  HDR("a@sender.example") TXT "確認：https://evil.example/?e=c2FsZXNAb2ZmaWNlLmV4YW1wbGUv\n" },
	{ "recipient in base64, shifted by one byte", PD_F_LINK_RECIPIENT_IN_URL,
	  HDR("a@sender.example") TXT "確認：https://evil.example/#eGluZm9Ab2ZmaWNlLmV4YW1wbGUv\n",
	  HDR("a@sender.example") TXT "確認：https://evil.example/#eHNhbGVzQG9mZmljZS5leGFtcGxlLw==\n" },
	{ "recipient in base64, shifted by two bytes", PD_F_LINK_RECIPIENT_IN_URL,
	  HDR("a@sender.example") TXT "確認：https://evil.example/?t=eDppbmZvQG9mZmljZS5leGFtcGxlLw==\n",
	  HDR("a@sender.example") TXT "確認：https://evil.example/?t=eDpzYWxlc0BvZmZpY2UuZXhhbXBsZS8=\n" },
	{ "recipient in hex", PD_F_LINK_RECIPIENT_IN_URL,
	  HDR("a@sender.example") TXT "確認：https://evil.example/v/696e666f406f66666963652e6578616d706c65\n",
	  HDR("a@sender.example") TXT "確認：https://evil.example/v/736f6d656f6e65406f66666963652e6578616d706c65\n" },
	{ "recipient inside a SafeLinks-wrapped URL", PD_F_LINK_RECIPIENT_IN_URL,
	  HDR("a@sender.example") TXT "https://jpn01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fevil.example%2F%3Fu%3Dinfo%2540office.example&data=1\n",
	  HDR("a@sender.example") TXT "https://jpn01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fevil.example%2F&data=1\n" },
	{ "CMS path inside a wrapped link", PD_F_LINK_CMS_PATH,
	  HDR("a@sender.example") TXT "https://www.google.com/url?q=https://hacked.example/wp-admin/css/login/\n",
	  HDR("a@sender.example") TXT "https://www.google.com/url?q=https://blog.example/2023/09/post/\n" },
	{ "unwrapped layers are reported", PD_F_LINK_WRAPPED,
	  HDR("a@sender.example") TXT "https://urldefense.com/v3/__https://evil.example/x__;!!AbC$\n",
	  HDR("a@sender.example") TXT "https://www.sender.example/x\n" },
};

static bool has(const char *msg, enum pd_fid id)
{
	struct pd_arena *a = pd_arena_new(0);
	struct pd_report *r = NULL;
	const char *err = NULL;
	bool found = pd_analyze(ctx, a, msg, strlen(msg), "test", false, &r, &err) == 0 && pd_report_has(r, id);
	pd_arena_free(a);
	return found;
}

static void test_findings(void)
{
	for (size_t i = 0; i < sizeof fcases / sizeof *fcases; i++) {
		const struct fcase *c = &fcases[i];
		CHECK(has(c->fires, c->id), "%s: %s should fire", c->name, pd_catalog[c->id].id);
		CHECK(!has(c->near_miss, c->id), "%s: %s must not fire on the near miss", c->name, pd_catalog[c->id].id);
	}
	/* the reference case: all four link facts */
	const char *ref = HDR("\"Kagoya/No-reply\" <chijyo@kagoya.net>") TXT
	    "https://solarpivotpower.example/wp-includes/js/kagoya.net/?uid=info@office.example\n";
	static const enum pd_fid facts[] = { PD_F_LINK_SENDER_DOMAIN_IN_PATH, PD_F_LINK_CMS_PATH,
	                                     PD_F_LINK_RECIPIENT_IN_URL, PD_F_LINK_UNRELATED_TO_SENDER };
	for (size_t k = 0; k < sizeof facts / sizeof *facts; k++)
		CHECK(has(ref, facts[k]), "reference case: %s", pd_catalog[facts[k]].id);
	/* IOC output: defanged by default, raw on request */
	struct pd_arena *a = pd_arena_new(0);
	struct pd_report *r = NULL;
	const char *err = NULL;
	const char *m = HDR("a@sender.example") TXT "https://jpn01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fevil.example%2Fx&data=1\n";
	CHECK(pd_analyze(ctx, a, m, strlen(m), "ioc", false, &r, &err) == 0, "ioc message");
	const char *io = r ? pd_render_iocs(ctx, a, r, 0) : "";
	CHECK(strstr(io, "hxxps://evil[.]example/x\n") != NULL, "defanged inner URL in IOCs: %s", io);
	CHECK(strstr(io, "\nevil[.]example\n") != NULL, "defanged domain in IOCs: %s", io);
	CHECK(strstr(io, "198[.]51[.]100[.]20") != NULL, "origin IP in IOCs: %s", io);
	const char *raw = r ? pd_render_iocs(ctx, a, r, PD_TEXT_NO_DEFANG) : "";
	CHECK(strstr(raw, "https://evil.example/x\n") != NULL, "raw IOCs: %s", raw);
	const char *js = r ? pd_render_json(ctx, a, r, 0) : "";
	CHECK(strstr(js, "\"unwrapped\":[{\"raw\":\"https://evil.example/x\"") != NULL,
	      "JSON has the unwrapped layer");
	pd_arena_free(a);
}

/* pd_domain_registrable keeps a cache per thread: every answer, first
 * or repeated, equals libpsl's own, also for hosts that share a slot
 * and after the list is freed and loaded again */
static void test_registrable_cache(void)
{
	static const char *hosts[] = {
		"www.example.co.jp", "example.co.jp", "co.jp", "jp", "a.b.c.github.io", "github.io",
		"mail.google.com", "xn--eckwd4c7c.xn--zckzah", "localhost", "foo.invalid-tld-zz",
		"very-long-label-to-make-this-host-longer-than-the-cache-key.example.com",
	};
	struct pd_arena *a = pd_arena_new(0);
	unsigned bad = 0, total = 0;
	for (int round = 0; round < 2; round++) {
		const struct psl_ctx_st *psl = pd_psl_load(NULL);
		for (int rep = 0; rep < 3; rep++) {
			for (size_t i = 0; i < sizeof hosts / sizeof *hosts; i++) {
				const char *want = psl_registrable_domain(psl, hosts[i]);
				const char *got = pd_domain_registrable(a, psl, hosts[i]);
				total++;
				if (strcmp(got, want ? want : "") != 0) {
					bad++;
					fprintf(stderr, "%s: %s, libpsl %s\n", hosts[i], got, want ? want : "-");
				}
			}
			/* 5,000 more hosts: slots are shared and overwritten */
			for (unsigned k = 0; k < 5000; k++) {
				char h[64];
				snprintf(h, sizeof h, k % 2 ? "h%u.example.co.jp" : "s%u.x%u.github.io", k, k % 7);
				const char *want = psl_registrable_domain(psl, h);
				const char *got = pd_domain_registrable(a, psl, h);
				total++;
				if (strcmp(got, want ? want : "") != 0 && bad++ < 5)
					fprintf(stderr, "%s: %s, libpsl %s\n", h, got, want ? want : "-");
			}
			pd_arena_reset(a);
		}
		pd_psl_free(psl);
	}
	CHECK(bad == 0, "%u of %u registrable domains differ from libpsl", bad, total);
	pd_arena_free(a);
}

/* The look-alike cache per thread: the answers stay right for repeated
 * and overwritten domains, and across a second context (a new linkdata;
 * the epoch guards the case where it gets the old one's address, which
 * this test cannot force). */
static void test_lookalike_cache(void)
{
	static const char *doms[] = { "amaz0n.co.jp", "rakutne.co.jp", "rnicrosoft.com", "amazon.co.jp", "example.com",
		                      "very-long-domain-name-beyond-the-cache-key-size.example" };
	static const char *want[] = { "amazon.co.jp", "rakuten.co.jp", "microsoft.com", NULL, NULL, NULL };
	unsigned bad = 0;
	for (int round = 0; round < 2; round++) {
		char *err = NULL;
		struct pd_options opt = PD_OPTIONS_INIT;
		struct pd_ctx *c = pd_ctx_new(&opt, &err);
		CHECK(c != NULL, "lookalike cache: context %d: %s", round, err ? err : "");
		if (!c)
			return;
		for (int rep = 0; rep < 3; rep++) {
			for (size_t i = 0; i < sizeof doms / sizeof *doms; i++) {
				const char *got = pd_linkdata_lookalike(c->links, doms[i], "");
				if (!(got == want[i] || (got && want[i] && strcmp(got, want[i]) == 0)) && bad++ < 5)
					fprintf(stderr, "lookalike %s: %s, want %s\n", doms[i], got ? got : "-",
					        want[i] ? want[i] : "-");
			}
			for (unsigned k = 0; k < 2000; k++) {
				char d[48];
				snprintf(d, sizeof d, "shop%u.example", k);
				if (pd_linkdata_lookalike(c->links, d, "") && bad++ < 5)
					fprintf(stderr, "lookalike %s: unexpected\n", d);
			}
		}
		pd_ctx_free(c);
	}
	CHECK(bad == 0, "lookalike cache: %u wrong answers", bad);
}

int main(void)
{
	pd_global_init();
	test_registrable_cache();
	test_lookalike_cache();
	char *err = NULL;
	struct pd_options opt = PD_OPTIONS_INIT;
	ctx = pd_ctx_new(&opt, &err);
	CHECK(ctx != NULL, "context: %s", err ? err : "");
	if (!ctx)
		return CHECK_DONE();
	test_parser();
	test_nested();
	test_enrich();
	test_scan();
	test_findings();
	pd_ctx_free(ctx);
	pd_global_shutdown();
	return CHECK_DONE();
}
