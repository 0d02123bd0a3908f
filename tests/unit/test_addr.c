/* test_addr.c - mailbox-list parsing: quoting, comments, groups, broken
 * syntax, display-name spoofing, RFC 2047 + NFKC display names. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/text.h"
#include "check.h"
#include "mail/addr.h"

struct want {
	const char *display, *addr, *local, *domain;
	int valid;
};

struct addr_case {
	const char *name;
	const char *in;
	unsigned count;
	struct want w[2];  /* first two entries; addr NULL = not checked */
};

static const struct addr_case cases[] = {
	{"plain", "taro@example.com", 1, {{"", "taro@example.com", "taro", "example.com", 1}}},
	{"name angle, domain case + dot", "Taro Yamada <Taro.Y@Example.COM.>", 1,
	 {{"Taro Yamada", "Taro.Y@example.com", "Taro.Y", "example.com", 1}}},
	{"bare angle", "<info@office.example>", 1, {{"", "info@office.example", "info", "office.example", 1}}},
	{"quoted with comma", "\"Yamada, Taro\" <taro@example.jp>, hanako@example.jp", 2,
	 {{"Yamada, Taro", "taro@example.jp", "taro", "example.jp", 1},
	  {"", "hanako@example.jp", "hanako", "example.jp", 1}}},
	{"quoted escapes", "\"A \\\"B\\\" C\\\\\" <x@example.com>", 1, {{"A \"B\" C\\", "x@example.com", "x", "example.com", 1}}},
	{"comments dropped", "Taro (office) <taro(c1)@example.jp (c2)>", 1,
	 {{"Taro", "taro@example.jp", "taro", "example.jp", 1}}},
	{"nested comment as name", "taro@example.jp (Taro (Sales) Yamada)", 1,
	 {{"Taro (Sales) Yamada", "taro@example.jp", "taro", "example.jp", 1}}},
	{"comment only is nothing", "(nobody here)", 0, {{NULL, NULL, NULL, NULL, 0}}},
	{"group empty", "undisclosed-recipients:;", 0, {{NULL, NULL, NULL, NULL, 0}}},
	{"group members", "Team: a@example.com, b@example.com;, c@example.com", 3,
	 {{"", "a@example.com", "a", "example.com", 1}, {"", "b@example.com", "b", "example.com", 1}}},
	{"spoof quoted address", "\"support@bank.example\" <evil@example.net>", 1,
	 {{"support@bank.example", "evil@example.net", "evil", "example.net", 1}}},
	{"spoof unquoted address", "support@bank.example <evil@example.net>", 1,
	 {{"support@bank.example", "evil@example.net", "evil", "example.net", 1}}},
	{"spoof quoted angle", "\"Bank <support@bank.example>\" <evil@example.net>", 1,
	 {{"Bank <support@bank.example>", "evil@example.net", "evil", "example.net", 1}}},
	{"multiple angles: last wins", "Bank <support@bank.example> <evil@example.net>", 1,
	 {{"Bank <support@bank.example>", "evil@example.net", "evil", "example.net", 1}}},
	{"last complete angle wins", "A <a@example.com> <b@exa", 1, {{"A <b@exa", "a@example.com", "a", "example.com", 1}}},
	{"missing >", "Taro <taro@example.jp", 1, {{"Taro", "taro@example.jp", "taro", "example.jp", 1}}},
	{"missing > then next", "Taro <taro@example.jp, hanako@example.jp", 2,
	 {{"Taro", "taro@example.jp", "taro", "example.jp", 1}, {"", "hanako@example.jp", "hanako", "example.jp", 1}}},
	/* 山田太郎 in ISO-2022-JP */
	{"encoded japanese name", "=?ISO-2022-JP?B?GyRCOzNFREJATzobKEI=?= <taro@example.jp>", 1,
	 {{"山田太郎", "taro@example.jp", "taro", "example.jp", 1}}},
	{"encoded in quotes", "\"=?UTF-8?B?44GU5qGI5YaF?=\" <info@example.jp>", 1,
	 {{"ご案内", "info@example.jp", "info", "example.jp", 1}}},
	/* ＰａｙＰａｌ (full-width) encoded in UTF-8 B */
	{"full-width encoded nfkc", "=?UTF-8?B?77yw772B772Z77yw772B772M?= <x@example.net>", 1,
	 {{"PayPal", "x@example.net", "x", "example.net", 1}}},
	{"full-width raw nfkc", "ＰａｙＰａｌ　サポート <x@example.net>", 1,
	 {{"PayPal サポート", "x@example.net", "x", "example.net", 1}}},
	{"full-width at nfkc", "\"support＠bank.example\" <x@example.net>", 1,
	 {{"support@bank.example", "x@example.net", "x", "example.net", 1}}},
	{"halfwidth katakana nfkc", "\xef\xbd\xb6\xef\xbe\x80\xef\xbd\xb6\xef\xbe\x85 <k@example.jp>", 1,
	 {{"カタカナ", "k@example.jp", "k", "example.jp", 1}}},
	{"zero-width and bidi removed", "\"Pay\xe2\x80\x8bPal\xe2\x80\xae \xef\xbb\xbfInc\xe2\x81\xa6\" <x@example.net>", 1,
	 {{"PayPal Inc", "x@example.net", "x", "example.net", 1}}},
	{"encoded specials do not forge syntax", "=?UTF-8?Q?a=3Cb=40c.example=3E=2C_d?= <x@example.net>", 1,
	 {{"a<b@c.example>, d", "x@example.net", "x", "example.net", 1}}},
	{"commas in quotes, two", "\"Sato, Jiro\" <j@example.jp>, \"Suzuki, Ken\" <k@example.jp>", 2,
	 {{"Sato, Jiro", "j@example.jp", "j", "example.jp", 1}, {"Suzuki, Ken", "k@example.jp", "k", "example.jp", 1}}},
	{"source route", "<@relay.example,@r2.example:user@Example.com>", 1,
	 {{"", "user@example.com", "user", "example.com", 1}}},
	{"mailto", "Shop <mailto:shop@example.com>", 1, {{"Shop", "shop@example.com", "shop", "example.com", 1}}},
	{"quoted local kept", "\"john doe\"@Example.COM", 1,
	 {{"", "\"john doe\"@example.com", "\"john doe\"", "example.com", 1}}},
	{"quoted local with @", "<\"a@b\"@example.com>", 1, {{"", "\"a@b\"@example.com", "\"a@b\"", "example.com", 1}}},
	{"lone word", "MAILER-DAEMON", 1, {{"", "MAILER-DAEMON", "MAILER-DAEMON", "", 0}}},
	{"null return path", "<>", 1, {{"", "", "", "", 0}}},
	{"words then bare addr", "Taro Yamada taro@example.jp", 1, {{"Taro Yamada", "taro@example.jp", "taro", "example.jp", 1}}},
	{"obsolete spaces", "a @ example . com", 1, {{"", "a@example.com", "a", "example.com", 1}}},
	{"raw sjis name", "\x8f" "d\x97v <a@example.jp>", 1, {{"重要", "a@example.jp", "a", "example.jp", 1}}},
	{"empty", "", 0, {{NULL, NULL, NULL, NULL, 0}}},
	{"empty items", " , ,, ", 0, {{NULL, NULL, NULL, NULL, 0}}},
	{"unclosed quote", "\"Taro <t@example.jp>", 1, {{"Taro <t@example.jp>", "", "", "", 0}}},
	{"controls in name", "\"Ta\x01ro\tYamada\" <t@example.jp>", 1, {{"Taro Yamada", "t@example.jp", "t", "example.jp", 1}}},
};

static void check_entry(const struct pd_addr *got, const struct want *w, const char *name)
{
	if (!w->addr)
		return;
	CHECK_STREQ(got->display, w->display, name);
	CHECK_STREQ(got->addr, w->addr, name);
	CHECK_STREQ(got->local, w->local, name);
	CHECK_STREQ(got->domain, w->domain, name);
	CHECK(got->valid == (w->valid != 0), "%s: valid %d", name, got->valid);
	CHECK(pd_utf8_valid(got->display, strlen(got->display)), "%s: display utf-8", name);
}

static void test_table(struct pd_arena *a)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct addr_case *c = &cases[i];
		struct pd_addr out[4];
		memset(out, 0, sizeof out);
		unsigned n = pd_addr_parse_list(a, c->in, strlen(c->in), out, 4);
		CHECK(n == c->count, "%s: count %u want %u", c->name, n, c->count);
		for (unsigned k = 0; k < 2 && k < n; k++)
			check_entry(&out[k], &c->w[k], c->name);
	}
}

static void test_limits(struct pd_arena *a)
{
	/* more mailboxes than room: all counted, only max stored */
	struct pd_addr out[3];
	memset(out, 0, sizeof out);
	const char *five = "a@example.com, b@example.com, c@example.com, d@example.com, e@example.com";
	CHECK(pd_addr_parse_list(a, five, strlen(five), out, 2) == 5, "count beyond max");
	CHECK_STREQ(out[1].addr, "b@example.com", "second stored");
	CHECK(out[2].addr == NULL, "third slot untouched");
	CHECK(pd_addr_parse_list(a, five, strlen(five), NULL, 0) == 5, "count only");

	/* (pointer, length): nothing after len is read */
	const char buf[] = "x@example.com, y@example.com";
	CHECK(pd_addr_parse_list(a, buf, 13, out, 3) == 1, "length respected");
	CHECK_STREQ(out[0].addr, "x@example.com", "length respected addr");

	/* parse_one */
	struct pd_addr one;
	pd_addr_parse_one(a, "", 0, &one);
	CHECK(one.display && one.addr && one.local && one.domain && !one.valid, "parse_one empty");
	CHECK_STREQ(one.addr, "", "parse_one empty addr");
	pd_addr_parse_one(a, NULL, 0, &one);
	CHECK_STREQ(one.domain, "", "parse_one NULL");
	pd_addr_parse_one(a, five, strlen(five), &one);
	CHECK_STREQ(one.addr, "a@example.com", "parse_one first");

	/* 8 KiB bound, and floods stay fast */
	size_t big = 1u << 20;
	char *s = malloc(big + 1);
	for (size_t i = 0; i + 15 <= big; i += 15)
		memcpy(s + i, "a@example.com, ", 15);
	clock_t t0 = clock();
	unsigned n = pd_addr_parse_list(a, s, big - big % 15, NULL, 0);
	CHECK(n > 500 && n <= 8192 / 15 + 1, "8 KiB bound: %u", n);
	memset(s, '(', big);
	n = pd_addr_parse_list(a, s, big, NULL, 0);
	CHECK(n == 0, "comment flood: %u", n);
	memset(s, '<', big);
	n = pd_addr_parse_list(a, s, big, out, 3);
	CHECK(n == 1, "angle flood: %u", n);
	memset(s, '"', big);
	n = pd_addr_parse_list(a, s, big, out, 3);
	CHECK(n <= 1, "quote flood: %u", n);
	for (size_t i = 0; i + 2 <= big; i += 2)
		memcpy(s + i, "a ", 2);
	n = pd_addr_parse_list(a, s, big, out, 3);
	CHECK(n == 1 && !out[0].valid, "word flood: %u", n);
	double dt = (double)(clock() - t0) / CLOCKS_PER_SEC;
	CHECK(dt < 2.0, "floods took %.3fs", dt);
	free(s);
}

int main(void)
{
	struct pd_arena *a = pd_arena_new(0);
	test_table(a);
	test_limits(a);
	pd_arena_free(a);
	return CHECK_DONE();
}
