/* test_authres.c - Authentication-Results, ARC-Authentication-Results and
 * Received-SPF parsing: table of real-world shapes (with documentation
 * names), limits, and robustness (every prefix of every input, and a
 * deterministic random-bytes run, parsed from exact-size heap copies so
 * ASan sees any read past the length). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/text.h"
#include "mail/authres.h"
#include "check.h"

#define MAXM 6
#define MAXP 8

struct want_method {
	const char *method, *result, *reason;   /* reason NULL: expect "" */
	const char *props[MAXP][3];             /* ptype, property, value; all listed */
};

struct ar_case {
	const char *name;
	enum pd_auth_source src;
	const char *in;
	const char *authserv_id;
	int arc_i;
	unsigned nmethods;
	struct want_method m[MAXM];
};

static const struct ar_case ar_cases[] = {
	{ "rfc8601 minimal", PD_AUTH_AR,
	  "example.com; spf=pass smtp.mailfrom=example.net",
	  "example.com", 0, 1,
	  { { "spf", "pass", NULL, { { "smtp", "mailfrom", "example.net" } } } } },
	{ "rfc8601 none with version", PD_AUTH_AR,
	  "example.org 1; none", "example.org", 0, 0, { { 0 } } },
	{ "rfc8601 auth + spf with comment", PD_AUTH_AR,
	  "example.com;\r\n          auth=pass (cram-md5) smtp.auth=sender@example.net;\r\n"
	  "          spf=pass smtp.mailfrom=example.net",
	  "example.com", 0, 2,
	  { { "auth", "pass", NULL, { { "smtp", "auth", "sender@example.net" } } },
	    { "spf", "pass", NULL, { { "smtp", "mailfrom", "example.net" } } } } },
	{ "iprev policy", PD_AUTH_AR,
	  "example.com; iprev=pass policy.iprev=192.0.2.200",
	  "example.com", 0, 1,
	  { { "iprev", "pass", NULL, { { "policy", "iprev", "192.0.2.200" } } } } },
	{ "gmail dkim spf dmarc", PD_AUTH_AR,
	  "mx.google.com;\r\n       dkim=pass header.i=@example.com header.s=s1 header.b=AbCd;\r\n"
	  "       spf=pass (google.com: domain of alice@example.com designates 192.0.2.1 as\r\n"
	  "       permitted sender) smtp.mailfrom=alice@example.com;\r\n"
	  "       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.com",
	  "mx.google.com", 0, 3,
	  { { "dkim", "pass", NULL, { { "header", "i", "@example.com" }, { "header", "s", "s1" },
	                              { "header", "b", "AbCd" } } },
	    { "spf", "pass", NULL, { { "", "client-ip", "192.0.2.1" },
	                             { "smtp", "mailfrom", "alice@example.com" } } },
	    { "dmarc", "pass", NULL, { { "header", "from", "example.com" } } } } },
	{ "outlook.com without authserv-id", PD_AUTH_AR,
	  "spf=pass (sender IP is 192.0.2.1)\r\n smtp.mailfrom=example.com; dkim=pass (signature was verified)\r\n"
	  " header.d=example.com;dmarc=pass action=none\r\n header.from=example.com;compauth=pass reason=100",
	  "", 0, 4,
	  { { "spf", "pass", NULL, { { "", "client-ip", "192.0.2.1" }, { "smtp", "mailfrom", "example.com" } } },
	    { "dkim", "pass", NULL, { { "header", "d", "example.com" } } },
	    { "dmarc", "pass", NULL, { { "", "action", "none" }, { "header", "from", "example.com" } } },
	    { "compauth", "pass", "100", { { 0 } } } } },
	{ "outlook.com helo, empty header.from", PD_AUTH_AR,
	  "spf=softfail (sender IP is 198.51.100.7)  smtp.helo=mail.example.net; dkim=none (message not signed)"
	  "  header.d=none;dmarc=none action=none header.from=;",
	  "", 0, 3,
	  { { "spf", "softfail", NULL, { { "", "client-ip", "198.51.100.7" }, { "smtp", "helo", "mail.example.net" } } },
	    { "dkim", "none", NULL, { { "header", "d", "none" } } },
	    { "dmarc", "none", NULL, { { "", "action", "none" }, { "header", "from", "" } } } } },
	{ "arc microsoft with version", PD_AUTH_ARC_AR,
	  "i=1; mx.microsoft.com 1; spf=pass\r\n smtp.mailfrom=example.com; dmarc=pass action=none"
	  " header.from=example.com;\r\n dkim=pass header.d=example.com; arc=none",
	  "mx.microsoft.com", 1, 4,
	  { { "spf", "pass", NULL, { { "smtp", "mailfrom", "example.com" } } },
	    { "dmarc", "pass", NULL, { { "", "action", "none" }, { "header", "from", "example.com" } } },
	    { "dkim", "pass", NULL, { { "header", "d", "example.com" } } },
	    { "arc", "none", NULL, { { 0 } } } } },
	{ "arc gmail with chain comment", PD_AUTH_ARC_AR,
	  "i=2; mx.google.com;\r\n       dkim=pass header.i=@example.net header.s=selector1 header.b=Xy+z/9=;\r\n"
	  "       arc=pass (i=1 spf=pass spfdomain=example.net dkim=pass dkdomain=example.net dmarc=pass"
	  " fromdomain=example.net);\r\n"
	  "       spf=pass (google.com: domain of bob@example.net designates 2001:db8::25 as permitted sender)"
	  " smtp.mailfrom=bob@example.net",
	  "mx.google.com", 2, 3,
	  { { "dkim", "pass", NULL, { { "header", "i", "@example.net" }, { "header", "s", "selector1" },
	                              { "header", "b", "Xy+z/9=" } } },
	    { "arc", "pass", NULL, { { 0 } } },
	    { "spf", "pass", NULL, { { "", "client-ip", "2001:db8::25" },
	                             { "smtp", "mailfrom", "bob@example.net" } } } } },
	{ "arc spaced i= and none", PD_AUTH_ARC_AR,
	  " i = 3 ; example.jp; none", "example.jp", 3, 0, { { 0 } } },
	{ "arc without i=", PD_AUTH_ARC_AR,
	  "mx.example.com; spf=pass smtp.mailfrom=example.com", "mx.example.com", 0, 1,
	  { { "spf", "pass", NULL, { { "smtp", "mailfrom", "example.com" } } } } },
	{ "arc only instance", PD_AUTH_ARC_AR, "i=1;", "", 1, 0, { { 0 } } },
	{ "arc microsoft arc comment with brackets", PD_AUTH_ARC_AR,
	  "i=3; mx.microsoft.com 1; spf=pass (sender ip is\r\n 203.0.113.49) smtp.rcpttodomain=example.jp"
	  " smtp.mailfrom=example.com; dkim=none (message not signed); arc=pass (0 oda=1 ltdi=1"
	  " spf=[1,1,smtp.mailfrom=example.com] dkim=[1,1,header.d=example.com])",
	  "mx.microsoft.com", 3, 3,
	  { { "spf", "pass", NULL, { { "", "client-ip", "203.0.113.49" }, { "smtp", "rcpttodomain", "example.jp" },
	                             { "smtp", "mailfrom", "example.com" } } },
	    { "dkim", "none", NULL, { { 0 } } },
	    { "arc", "pass", NULL, { { 0 } } } } },
	{ "mailing-list relay, quoted values and comments", PD_AUTH_AR,
	  "mail.example.de;\r\n\tdkim=pass header.d=example.com header.s=harmony header.b=Z8XWcdRg;\r\n"
	  "\tdkim=fail (\"body hash did not verify\") header.d=example.org header.s=mailhub header.b=\"0Llq/kG\";\r\n"
	  "\tspf=none (mail.example.de: domain of \"list-bounces+x=example.de@example.org\" has no SPF policy"
	  " when checking 192.0.2.9) smtp.mailfrom=\"list-bounces+x=example.de@example.org\";\r\n"
	  "\tdmarc=fail reason=\"No valid SPF, DKIM not\r\n\t aligned (relaxed)\" header.from=example.net (policy=none)",
	  "mail.example.de", 0, 4,
	  { { "dkim", "pass", NULL, { { "header", "d", "example.com" }, { "header", "s", "harmony" },
	                              { "header", "b", "Z8XWcdRg" } } },
	    { "dkim", "fail", NULL, { { "header", "d", "example.org" }, { "header", "s", "mailhub" },
	                              { "header", "b", "0Llq/kG" } } },
	    { "spf", "none", NULL, { { "smtp", "mailfrom", "list-bounces+x=example.de@example.org" } } },
	    { "dmarc", "fail", "No valid SPF, DKIM not aligned (relaxed)",
	      { { "header", "from", "example.net" } } } } },
	{ "opendkim semicolon inside comment", PD_AUTH_AR,
	  "mm2.example.com;\r\n\tdkim=pass (2048-bit key; unprotected) header.d=example.com"
	  " header.i=@example.com header.b=\"WEfeOlPe\";\r\n\tdkim-atps=neutral",
	  "mm2.example.com", 0, 2,
	  { { "dkim", "pass", NULL, { { "header", "d", "example.com" }, { "header", "i", "@example.com" },
	                              { "header", "b", "WEfeOlPe" } } },
	    { "dkim-atps", "neutral", NULL, { { 0 } } } } },
	{ "rspamd two dkim, dmarc reason, spf", PD_AUTH_AR,
	  "mail.example.net; dkim=pass header.d=example.net header.s=dkim header.b=H7pb97c0; dkim=fail"
	  " (body hash did not verify) header.d=example.com header.s=selector1 header.b=LWxz+W8;"
	  " dmarc=fail reason=\"SPF not aligned (relaxed), DKIM not aligned (relaxed)\" header.from=example.com"
	  " (policy=none); spf=pass (mail.example.net: domain of owner@example.net designates 203.0.113.81"
	  " as permitted sender) smtp.mailfrom=owner@example.net",
	  "mail.example.net", 0, 4,
	  { { "dkim", "pass", NULL, { { "header", "d", "example.net" }, { "header", "s", "dkim" },
	                              { "header", "b", "H7pb97c0" } } },
	    { "dkim", "fail", NULL, { { "header", "d", "example.com" }, { "header", "s", "selector1" },
	                              { "header", "b", "LWxz+W8" } } },
	    { "dmarc", "fail", "SPF not aligned (relaxed), DKIM not aligned (relaxed)",
	      { { "header", "from", "example.com" } } },
	    { "spf", "pass", NULL, { { "", "client-ip", "203.0.113.81" },
	                             { "smtp", "mailfrom", "owner@example.net" } } } } },
	{ "nested comment with quotes", PD_AUTH_AR,
	  "mailin.example.ch; dkim=fail (body hash mismatch (got b'AAA=', expected b'BBB='))"
	  " header.d=example.com header.i=@example.com header.a=rsa-sha256",
	  "mailin.example.ch", 0, 1,
	  { { "dkim", "fail", NULL, { { "header", "d", "example.com" }, { "header", "i", "@example.com" },
	                              { "header", "a", "rsa-sha256" } } } } },
	{ "missing semicolons", PD_AUTH_AR,
	  "example.com; spf=pass smtp.mailfrom=example.com dkim=pass header.d=example.com"
	  " dmarc=pass header.from=example.com",
	  "example.com", 0, 3,
	  { { "spf", "pass", NULL, { { "smtp", "mailfrom", "example.com" } } },
	    { "dkim", "pass", NULL, { { "header", "d", "example.com" } } },
	    { "dmarc", "pass", NULL, { { "header", "from", "example.com" } } } } },
	{ "x-tls, unknown method and result", PD_AUTH_AR,
	  "example.com; x-tls=pass smtp.version=TLSv1.3; foo=bizarre header.x=1; dkim=unknownresult"
	  " header.d=example.net",
	  "example.com", 0, 3,
	  { { "x-tls", "pass", NULL, { { "smtp", "version", "TLSv1.3" } } },
	    { "foo", "bizarre", NULL, { { "header", "x", "1" } } },
	    { "dkim", "unknownresult", NULL, { { "header", "d", "example.net" } } } } },
	{ "case folding of keys only", PD_AUTH_AR,
	  "MX.Example.COM; SPF=Pass SMTP.MailFrom=User@Example.COM; DKIM=FAIL Reason=\"Bad Sig\" Header.D=Example.COM",
	  "mx.example.com", 0, 2,
	  { { "spf", "pass", NULL, { { "smtp", "mailfrom", "User@Example.COM" } } },
	    { "dkim", "fail", "Bad Sig", { { "header", "d", "Example.COM" } } } } },
	{ "method version", PD_AUTH_AR,
	  "example.com; dkim/1=pass header.d=example.net", "example.com", 0, 1,
	  { { "dkim", "pass", NULL, { { "header", "d", "example.net" } } } } },
	{ "old yahoo shape", PD_AUTH_AR,
	  "mta.example.com  from=example.net; domainkeys=neutral (no sig);  from=example.net; dkim=neutral (no sig)",
	  "mta.example.com", 0, 2,
	  { { "domainkeys", "neutral", NULL, { { 0 } } },
	    { "dkim", "neutral", NULL, { { 0 } } } } },
	{ "old gmail smtp.mail and neither-permitted comment", PD_AUTH_AR,
	  "mx.google.com; spf=neutral (google.com: 192.0.2.55 is neither permitted nor denied by domain of"
	  " test@example.net) smtp.mail=test@example.net",
	  "mx.google.com", 0, 1,
	  { { "spf", "neutral", NULL, { { "", "client-ip", "192.0.2.55" },
	                                { "smtp", "mailfrom", "test@example.net" } } } } },
	{ "quoted local part addr-spec", PD_AUTH_AR,
	  "example.com; spf=pass smtp.mailfrom=\"john smith\"@example.com", "example.com", 0, 1,
	  { { "spf", "pass", NULL, { { "smtp", "mailfrom", "\"john smith\"@example.com" } } } } },
	{ "empty value before next method", PD_AUTH_AR,
	  "example.com; dkim=pass header.d= dmarc=pass header.from=example.com", "example.com", 0, 2,
	  { { "dkim", "pass", NULL, { { "header", "d", "" } } },
	    { "dmarc", "pass", NULL, { { "header", "from", "example.com" } } } } },
	{ "comment only", PD_AUTH_AR, "(just a comment)", "", 0, 0, { { 0 } } },
	{ "binary garbage", PD_AUTH_AR, "\x01\x02===;;;\"unterminated", "", 0, 0, { { 0 } } },
	{ "truncated value", PD_AUTH_AR, "example.com; dkim=pass header.d=exa", "example.com", 0, 1,
	  { { "dkim", "pass", NULL, { { "header", "d", "exa" } } } } },
	{ "unterminated comment swallows the rest", PD_AUTH_AR,
	  "example.com; spf=pass (sender IP is 192.0.2.1 smtp.mailfrom=example.com", "example.com", 0, 1,
	  { { "spf", "pass", NULL, { { "", "client-ip", "192.0.2.1" } } } } },
	{ "comment word that is not an address", PD_AUTH_AR,
	  "example.com; spf=fail (sender IP is 12345) smtp.mailfrom=example.com", "example.com", 0, 1,
	  { { "spf", "fail", NULL, { { "smtp", "mailfrom", "example.com" } } } } },
	{ "quoted authserv-id", PD_AUTH_AR,
	  "\"Example.COM\"; spf=fail smtp.mailfrom=example.org", "example.com", 0, 1,
	  { { "spf", "fail", NULL, { { "smtp", "mailfrom", "example.org" } } } } },
	{ "auth with comment and smtp.auth", PD_AUTH_AR,
	  "relay.example; auth=pass  (RELAY-1234-abcd,\r\n                     ABCDEF0123) smtp.auth=user@example.com",
	  "relay.example", 0, 1,
	  { { "auth", "pass", NULL, { { "smtp", "auth", "user@example.com" } } } } },
	{ "arc chain property", PD_AUTH_AR,
	  "mailin.example.ch; arc=pass smtp.remote-ip=192.0.2.10 arc.chain=:example.net", "mailin.example.ch", 0, 1,
	  { { "arc", "pass", NULL, { { "smtp", "remote-ip", "192.0.2.10" }, { "arc", "chain", ":example.net" } } } } },
	{ "invalid first clause skipped", PD_AUTH_AR,
	  "example.com; header.d=example.net smtp.mailfrom=x@example.net; spf=pass", "example.com", 0, 1,
	  { { "spf", "pass", NULL, { { 0 } } } } },
	{ "deep comment nesting", PD_AUTH_AR,
	  "example.com; spf=pass ((((((((((((((((((((((((x)))))))))))))))))))))))) smtp.mailfrom=late@example.com",
	  "example.com", 0, 1,
	  { { "spf", "pass", NULL, { { 0 } } } } },
	{ "invalid utf-8 sanitised", PD_AUTH_AR,
	  "example.com; dkim=pass header.d=ex\xff" "ample.com", "example.com", 0, 1,
	  { { "dkim", "pass", NULL, { { "header", "d", "ex\xEF\xBF\xBD" "ample.com" } } } } },
	{ "empty input", PD_AUTH_AR, "", "", 0, 0, { { 0 } } },
};

static const struct ar_case spf_cases[] = {
	{ "rfc7208 example", PD_AUTH_RECEIVED_SPF,
	  "pass (mybox.example.org: domain of\r\n myname@example.com designates 192.0.2.1 as permitted sender)\r\n"
	  "   receiver=mybox.example.org; client-ip=192.0.2.1;\r\n   envelope-from=\"myname@example.com\";"
	  " helo=foo.example.com;",
	  "", 0, 1,
	  { { "spf", "pass", "mybox.example.org: domain of myname@example.com designates 192.0.2.1 as permitted sender",
	      { { "", "receiver", "mybox.example.org" }, { "", "client-ip", "192.0.2.1" },
	        { "smtp", "mailfrom", "myname@example.com" }, { "smtp", "helo", "foo.example.com" } } } } },
	{ "pass (mailfrom) identity form", PD_AUTH_RECEIVED_SPF,
	  "Pass (mailfrom) identity=mailfrom; client-ip=198.51.100.3; helo=mail.example.net;"
	  " envelope-from=bounce@example.net; receiver=<UNKNOWN>",
	  "", 0, 1,
	  { { "spf", "pass", "mailfrom",
	      { { "", "identity", "mailfrom" }, { "", "client-ip", "198.51.100.3" },
	        { "smtp", "helo", "mail.example.net" }, { "smtp", "mailfrom", "bounce@example.net" },
	        { "", "receiver", "<UNKNOWN>" } } } } },
	{ "gmail", PD_AUTH_RECEIVED_SPF,
	  "pass (google.com: domain of x@example.com designates 192.0.2.1 as permitted sender) client-ip=192.0.2.1;",
	  "", 0, 1,
	  { { "spf", "pass", "google.com: domain of x@example.com designates 192.0.2.1 as permitted sender",
	      { { "", "client-ip", "192.0.2.1" }, { "smtp", "mailfrom", "x@example.com" } } } } },
	{ "outlook softfail comment only", PD_AUTH_RECEIVED_SPF,
	  "SoftFail (protection.outlook.com: domain of transitioning\r\n example.com discourages use of 203.0.113.5"
	  " as permitted sender)",
	  "", 0, 1,
	  { { "spf", "softfail",
	      "protection.outlook.com: domain of transitioning example.com discourages use of 203.0.113.5 as permitted sender",
	      { { "", "client-ip", "203.0.113.5" }, { "smtp", "mailfrom", "example.com" } } } } },
	{ "outlook none: ambiguous name not inferred", PD_AUTH_RECEIVED_SPF,
	  "None (protection.outlook.com: mail.example.net does not designate permitted sender hosts)",
	  "", 0, 1,
	  { { "spf", "none", "protection.outlook.com: mail.example.net does not designate permitted sender hosts",
	      { { 0 } } } } },
	{ "outlook fail with pairs", PD_AUTH_RECEIVED_SPF,
	  "Fail (protection.outlook.com: domain of example.com does not designate 198.51.100.77 as permitted sender)"
	  " receiver=protection.outlook.com; client-ip=198.51.100.77; helo=bad.example.net;",
	  "", 0, 1,
	  { { "spf", "fail",
	      "protection.outlook.com: domain of example.com does not designate 198.51.100.77 as permitted sender",
	      { { "", "receiver", "protection.outlook.com" }, { "", "client-ip", "198.51.100.77" },
	        { "smtp", "helo", "bad.example.net" }, { "smtp", "mailfrom", "example.com" } } } } },
	{ "no comment", PD_AUTH_RECEIVED_SPF,
	  "softfail receiver=mx.example.com; client-ip=192.0.2.4; envelope-from=a@example.com",
	  "", 0, 1,
	  { { "spf", "softfail", NULL,
	      { { "", "receiver", "mx.example.com" }, { "", "client-ip", "192.0.2.4" },
	        { "smtp", "mailfrom", "a@example.com" } } } } },
	{ "ipv6 neither permitted", PD_AUTH_RECEIVED_SPF,
	  "neutral (google.com: 2001:db8::5 is neither permitted nor denied by domain of a@example.org)"
	  " client-ip=2001:db8::5;",
	  "", 0, 1,
	  { { "spf", "neutral", "google.com: 2001:db8::5 is neither permitted nor denied by domain of a@example.org",
	      { { "", "client-ip", "2001:db8::5" }, { "smtp", "mailfrom", "a@example.org" } } } } },
	{ "helo identity: no mailfrom inferred", PD_AUTH_RECEIVED_SPF,
	  "None (mx.example.net: no sender authenticity information available from domain of mail.example.com)"
	  " identity=helo; client-ip=192.0.2.8; receiver=mx.example.net; helo=mail.example.com;",
	  "", 0, 1,
	  { { "spf", "none",
	      "mx.example.net: no sender authenticity information available from domain of mail.example.com",
	      { { "", "identity", "helo" }, { "", "client-ip", "192.0.2.8" }, { "", "receiver", "mx.example.net" },
	        { "smtp", "helo", "mail.example.com" } } } } },
	{ "temperror folded comment", PD_AUTH_RECEIVED_SPF,
	  "TempError (protection.outlook.com: error in\r\n processing during lookup of example.com: DNS Timeout)",
	  "", 0, 1,
	  { { "spf", "temperror", "protection.outlook.com: error in processing during lookup of example.com: DNS Timeout",
	      { { 0 } } } } },
	{ "quoted x- values", PD_AUTH_RECEIVED_SPF,
	  "None (mx.example.jp: no sender authenticity information available from domain of w@example.jp)"
	  " identity=mailfrom; client-ip=203.0.113.10; envelope-from=\"w@example.jp\"; x-sender=\"w@example.jp\";"
	  " x-conformance=spf_only",
	  "", 0, 1,
	  { { "spf", "none", "mx.example.jp: no sender authenticity information available from domain of w@example.jp",
	      { { "", "identity", "mailfrom" }, { "", "client-ip", "203.0.113.10" },
	        { "smtp", "mailfrom", "w@example.jp" }, { "", "x-sender", "w@example.jp" },
	        { "", "x-conformance", "spf_only" } } } } },
	{ "not a result word", PD_AUTH_RECEIVED_SPF, "custom_header1", "", 0, 0, { { 0 } } },
	{ "pairs without result", PD_AUTH_RECEIVED_SPF, "client-ip=192.0.2.1; helo=x.example", "", 0, 0, { { 0 } } },
};

static unsigned count_props(const struct want_method *w)
{
	unsigned k = 0;
	while (k < MAXP && w->props[k][1])
		k++;
	return k;
}

static void check_case(const struct ar_case *c, const struct pd_authres *r)
{
	CHECK_STREQ(r->authserv_id, c->authserv_id, c->name);
	CHECK(r->arc_instance == c->arc_i, "[%s] arc i=%d want %d", c->name, r->arc_instance, c->arc_i);
	CHECK(r->source == c->src, "[%s] source %d", c->name, (int)r->source);
	CHECK(r->nmethods == c->nmethods, "[%s] nmethods %u want %u", c->name, r->nmethods, c->nmethods);
	for (unsigned k = 0; k < c->nmethods && k < r->nmethods && k < MAXM; k++) {
		const struct want_method *w = &c->m[k];
		const struct pd_auth_method *m = &r->methods[k];
		CHECK_STREQ(m->method, w->method, c->name);
		CHECK_STREQ(m->result, w->result, c->name);
		CHECK_STREQ(m->reason, w->reason ? w->reason : "", c->name);
		unsigned np = count_props(w);
		CHECK(m->nprops == np, "[%s] method %u (%s) nprops %u want %u", c->name, k, w->method, m->nprops, np);
		for (unsigned j = 0; j < np; j++) {
			CHECK_STREQ(pd_auth_prop(m, w->props[j][0], w->props[j][1]), w->props[j][2], c->name);
			/* order is kept too */
			if (j < m->nprops) {
				CHECK_STREQ(m->props[j].ptype, w->props[j][0], c->name);
				CHECK_STREQ(m->props[j].property, w->props[j][1], c->name);
			}
		}
	}
}

static struct pd_authres run(struct pd_arena *a, enum pd_auth_source src, const char *in, size_t n)
{
	struct pd_authres r;
	char *copy = malloc(n ? n : 1);  /* exact size: ASan flags any over-read */
	if (!copy)
		abort();
	memcpy(copy, in, n);
	if (src == PD_AUTH_RECEIVED_SPF)
		pd_received_spf_parse(a, copy, n, &r);
	else
		pd_authres_parse(a, copy, n, src, &r);
	free(copy);
	return r;
}

static struct pd_authres run_s(struct pd_arena *a, enum pd_auth_source src, const char *in)
{
	return run(a, src, in, strlen(in));
}

static bool sane_str(const char *s)
{
	return s && pd_utf8_valid(s, strlen(s));
}

/* Invariants every result must hold, whatever the input. */
static bool sane(const struct pd_authres *r)
{
	if (!sane_str(r->authserv_id) || !sane_str(r->raw) || r->nmethods > 64)
		return false;
	if (r->nmethods && !r->methods)
		return false;
	for (unsigned k = 0; k < r->nmethods; k++) {
		const struct pd_auth_method *m = &r->methods[k];
		if (!sane_str(m->method) || !*m->method || !sane_str(m->result) || !sane_str(m->reason))
			return false;
		if (m->nprops > 16 || (m->nprops && !m->props))
			return false;
		for (unsigned j = 0; j < m->nprops; j++)
			if (!sane_str(m->props[j].ptype) || !sane_str(m->props[j].property) ||
			    !sane_str(m->props[j].value))
				return false;
	}
	return true;
}

static void test_table(struct pd_arena *a, const struct ar_case *cases, size_t ncases)
{
	for (size_t k = 0; k < ncases; k++) {
		const struct ar_case *c = &cases[k];
		struct pd_authres r = run(a, c->src, c->in, strlen(c->in));
		check_case(c, &r);
		CHECK(sane(&r), "[%s] invariants", c->name);
		pd_arena_reset(a);
	}
}

/* Every prefix of every table input: no crash, invariants hold. */
static void test_prefixes(struct pd_arena *a, const struct ar_case *cases, size_t ncases)
{
	unsigned bad = 0, runs = 0;
	for (size_t k = 0; k < ncases; k++) {
		size_t n = strlen(cases[k].in);
		for (size_t len = 0; len <= n; len++) {
			enum pd_auth_source srcs[2] = { cases[k].src,
				cases[k].src == PD_AUTH_RECEIVED_SPF ? PD_AUTH_AR : PD_AUTH_RECEIVED_SPF };
			for (int s = 0; s < 2; s++) {
				struct pd_authres r = run(a, srcs[s], cases[k].in, len);
				runs++;
				if (!sane(&r)) {
					bad++;
					fprintf(stderr, "prefix %zu of [%s] breaks invariants\n", len, cases[k].name);
				}
				pd_arena_reset(a);
			}
		}
	}
	CHECK(bad == 0, "%u of %u prefix runs broke invariants", bad, runs);
	CHECK(runs > 1000, "only %u prefix runs", runs);
}

/* Deterministic random strings over the characters the grammar cares about. */
static void test_random(struct pd_arena *a)
{
	static const char alphabet[] = "a.=;()\"\\@ \t\r\n\xff" "0i/-xspfdkimheader.smtp";
	uint32_t seed = 12345u;
	unsigned bad = 0;
	char buf[300];
	for (unsigned iter = 0; iter < 20000; iter++) {
		seed = seed * 1103515245u + 12345u;
		size_t n = (seed >> 16) % sizeof buf;
		for (size_t j = 0; j < n; j++) {
			seed = seed * 1103515245u + 12345u;
			buf[j] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
		}
		enum pd_auth_source src = (enum pd_auth_source)(iter % 3);
		struct pd_authres r = run(a, src, buf, n);
		if (!sane(&r))
			bad++;
		pd_arena_reset(a);
	}
	CHECK(bad == 0, "%u random inputs broke invariants", bad);
}

static void test_limits(struct pd_arena *a)
{
	struct pd_buf b;
	/* 70 methods: 64 kept */
	pd_buf_init(&b, a, 1u << 16);
	pd_buf_adds(&b, "example.com");
	for (int k = 0; k < 70; k++)
		pd_buf_printf(&b, "; dkim=pass header.d=d%d.example", k);
	struct pd_authres r = run(a, PD_AUTH_AR, b.p, b.n);
	CHECK(r.nmethods == 64, "70 methods kept %u", r.nmethods);
	CHECK_STREQ(pd_auth_prop(&r.methods[63], "header", "d"), "d63.example", "64th method");
	pd_arena_reset(a);

	/* 20 props: 16 kept */
	pd_buf_init(&b, a, 1u << 16);
	pd_buf_adds(&b, "example.com; dkim=pass");
	for (int k = 0; k < 20; k++)
		pd_buf_printf(&b, " header.p%d=v%d", k, k);
	r = run(a, PD_AUTH_AR, b.p, b.n);
	CHECK(r.nmethods == 1 && r.methods[0].nprops == 16, "props kept %u", r.nmethods ? r.methods[0].nprops : 0);
	CHECK(r.nmethods == 1 && pd_auth_prop(&r.methods[0], "header", "p15") &&
	      !pd_auth_prop(&r.methods[0], "header", "p16"), "prop 16 cut");
	pd_arena_reset(a);

	/* only the first 8 KiB of the value is read */
	pd_buf_init(&b, a, 1u << 16);
	pd_buf_adds(&b, "example.com; spf=pass smtp.mailfrom=");
	size_t prefix = b.n;
	for (int k = 0; k < 9000; k++)
		pd_buf_addc(&b, 'a');
	pd_buf_adds(&b, "; dkim=pass header.d=example.com");
	r = run(a, PD_AUTH_AR, b.p, b.n);
	CHECK(r.nmethods == 1, "8 KiB cap: nmethods %u", r.nmethods);
	const char *mf = r.nmethods ? pd_auth_prop(&r.methods[0], "smtp", "mailfrom") : NULL;
	CHECK(mf && strlen(mf) == 8192 - prefix, "8 KiB cap: value length %zu", mf ? strlen(mf) : 0);
	CHECK(strlen(r.raw) <= 8192, "raw bounded");
	pd_arena_reset(a);

	/* comments nested past the depth limit swallow the rest */
	pd_buf_init(&b, a, 1u << 16);
	pd_buf_adds(&b, "example.com; spf=pass ");
	for (int k = 0; k < 5000; k++)
		pd_buf_addc(&b, '(');
	pd_buf_adds(&b, "; dkim=pass");
	r = run(a, PD_AUTH_AR, b.p, b.n);
	CHECK(r.nmethods == 1 && sane(&r), "deep comment: nmethods %u", r.nmethods);
	pd_arena_reset(a);

	/* huge ARC instance is clamped, not overflowed */
	r = run_s(a, PD_AUTH_ARC_AR, "i=99999999999999999999; example.com; none");
	CHECK(r.arc_instance == 1000000, "arc instance clamp %d", r.arc_instance);
	CHECK_STREQ(r.authserv_id, "example.com", "arc clamp id");
	pd_arena_reset(a);
}

static void test_api(struct pd_arena *a)
{
	struct pd_authres r;
	CHECK(pd_authres_parse(a, NULL, 10, PD_AUTH_AR, &r) == 0 && r.nmethods == 0 && sane(&r), "NULL value");
	CHECK(pd_received_spf_parse(a, NULL, 10, &r) == 0 && r.nmethods == 0 && sane(&r), "NULL spf value");
	CHECK(pd_auth_prop(NULL, "smtp", "mailfrom") == NULL, "NULL method");

	r = run_s(a, PD_AUTH_AR, "example.com; spf=pass smtp.mailfrom=a@example.com smtp.helo=h.example.com");
	CHECK(r.nmethods == 1, "api nmethods");
	if (r.nmethods == 1) {
		const struct pd_auth_method *m = &r.methods[0];
		CHECK_STREQ(pd_auth_prop(m, "SMTP", "MailFrom"), "a@example.com", "case-insensitive lookup");
		CHECK_STREQ(pd_auth_prop(m, NULL, "helo"), "h.example.com", "NULL ptype matches any");
		CHECK(pd_auth_prop(m, "header", "from") == NULL, "absent prop");
		CHECK(pd_auth_prop(m, "smtp", NULL) == NULL, "NULL property");
	}
	CHECK(strcmp(r.raw, "example.com; spf=pass smtp.mailfrom=a@example.com smtp.helo=h.example.com") == 0,
	      "raw kept: %s", r.raw);
	pd_arena_reset(a);

	/* raw is unfolded */
	r = run_s(a, PD_AUTH_AR, "example.com;\r\n\tspf=pass");
	CHECK_STREQ(r.raw, "example.com; spf=pass", "raw unfolded");
	pd_arena_reset(a);
}

int main(void)
{
	struct pd_arena *a = pd_arena_new(0);
	test_table(a, ar_cases, sizeof ar_cases / sizeof ar_cases[0]);
	test_table(a, spf_cases, sizeof spf_cases / sizeof spf_cases[0]);
	test_prefixes(a, ar_cases, sizeof ar_cases / sizeof ar_cases[0]);
	test_prefixes(a, spf_cases, sizeof spf_cases / sizeof spf_cases[0]);
	test_random(a);
	test_limits(a);
	test_api(a);
	pd_arena_free(a);
	return CHECK_DONE();
}
