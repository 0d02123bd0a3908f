/* test_analyze.c - end to end through pd_analyze: for each finding, a
 * message written to fire it and a near miss that must not.  Messages
 * are built here (example names, documentation IP ranges). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mail/model.h"
#include "phishdissect/pd.h"
#include "report/report.h"

static struct pd_ctx *ctx;

#define RCV_OK "Received: from mail.sender.example (mail.sender.example [198.51.100.20])\n" \
	"\tby mx.office.example (Postfix) with ESMTPS id 4AbCd\n\tfor <info@office.example>; Thu, 28 Sep 2023 09:14:06 +0900\n"
#define BASE_HDRS "To: info@office.example\nSubject: hello\nDate: Thu, 28 Sep 2023 09:14:00 +0900\n" \
	"Message-ID: <1@sender.example>\nMIME-Version: 1.0\n"

static bool has(const char *msg, enum pd_fid id, struct pd_report **out)
{
	struct pd_arena *a = pd_arena_new(0);
	struct pd_report *r = NULL;
	const char *err = NULL;
	int rc = pd_analyze(ctx, a, msg, strlen(msg), "test", false, &r, &err);
	bool found = false;
	if (rc == 0)
		found = pd_report_has(r, id);
	if (out) {
		*out = r; /* caller frees via leak: tests are short */
	} else {
		pd_arena_free(a);
	}
	return found;
}

struct tcase {
	const char *name;
	enum pd_fid id;
	const char *fires;
	const char *near_miss;
};

static const struct tcase cases[] = {
	{ "display name holds another address", PD_F_SENDER_DISPLAY_NAME_ADDRESS,
	  RCV_OK "From: \"support@bank.example\" <x@sender.example>\n" BASE_HDRS "\nbody\n",
	  RCV_OK "From: \"x@sender.example\" <x@sender.example>\n" BASE_HDRS "\nbody\n" },
	{ "display name names another domain", PD_F_SENDER_DISPLAY_NAME_DOMAIN,
	  RCV_OK "From: \"Amazon.co.jp\" <info@sender.example>\n" BASE_HDRS "\nbody\n",
	  RCV_OK "From: \"Kagoya/No-reply\" <info@sender.example>\n" BASE_HDRS "\nbody\n" },
	{ "reply-to in another domain", PD_F_SENDER_REPLY_TO_MISMATCH,
	  RCV_OK "From: a@sender.example\nReply-To: b@other.example\n" BASE_HDRS "\nbody\n",
	  RCV_OK "From: a@sender.example\nReply-To: b@mail.sender.example\n" BASE_HDRS "\nbody\n" },
	{ "reply-to free-mail", PD_F_SENDER_REPLY_TO_FREEMAIL,
	  RCV_OK "From: ceo@sender.example\nReply-To: ceo.private@gmail.com\n" BASE_HDRS "\nbody\n",
	  RCV_OK "From: ceo@sender.example\nReply-To: ceo@sender.example\n" BASE_HDRS "\nbody\n" },
	{ "several From mailboxes", PD_F_SENDER_MULTIPLE_FROM,
	  RCV_OK "From: a@sender.example, b@other.example\n" BASE_HDRS "\nbody\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nbody\n" },
	{ "no From", PD_F_SENDER_NO_FROM,
	  RCV_OK BASE_HDRS "\nbody\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nbody\n" },
	{ "no Message-ID", PD_F_SENDER_MSGID_MISSING,
	  RCV_OK "From: a@sender.example\nTo: info@office.example\nDate: Thu, 28 Sep 2023 09:14:00 +0900\n\nbody\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nbody\n" },
	{ "Date in the future", PD_F_SENDER_DATE_FUTURE,
	  RCV_OK "From: a@sender.example\nTo: info@office.example\nDate: Sat, 30 Sep 2023 09:14:00 +0900\nMessage-ID: <1@sender.example>\n\nbody\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nbody\n" },
	{ "origin in a cloud", PD_F_ROUTE_ORIGIN_CLOUD,
	  "Received: from [127.0.0.1] (ec2-203-0-113-84.ap-northeast-1.compute.amazonaws.com [203.0.113.84])\n"
	  "\tby mx.office.example (Postfix) with ESMTP id X1; Thu, 28 Sep 2023 09:14:06 +0900\n"
	  "From: a@sender.example\n" BASE_HDRS "\nbody\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nbody\n" },
	{ "HELO loopback", PD_F_ROUTE_HELO_LOOPBACK,
	  "Received: from [127.0.0.1] (host.sender.example [203.0.113.84])\n"
	  "\tby mx.office.example (Postfix) with ESMTP id X1; Thu, 28 Sep 2023 09:14:06 +0900\n"
	  "From: a@sender.example\n" BASE_HDRS "\nbody\n",
	  /* our own internal hop from localhost is not the origin */
	  "Received: from mx.office.example (localhost [127.0.0.1])\n\tby mail.office.example (Postfix) with ESMTP id X2;"
	  " Thu, 28 Sep 2023 09:14:07 +0900\n" RCV_OK "From: a@sender.example\n" BASE_HDRS "\nbody\n" },
	{ "origin on a home line", PD_F_ROUTE_ORIGIN_DYNAMIC,
	  "Received: from pc (p1234567-ipngn200101tokyo.ocn.ne.jp [203.0.113.5])\n"
	  "\tby mx.office.example (Postfix) with ESMTP id X1; Thu, 28 Sep 2023 09:14:06 +0900\n"
	  "From: a@sender.example\n" BASE_HDRS "\nbody\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nbody\n" },
	{ "HELO IP literal is not the client", PD_F_ROUTE_HELO_IP_MISMATCH,
	  "Received: from [192.0.2.9] (host.sender.example [198.51.100.7])\n"
	  "\tby mx.office.example (Postfix) with ESMTP id X1; Thu, 28 Sep 2023 09:14:06 +0900\n"
	  "From: a@sender.example\n" BASE_HDRS "\nbody\n",
	  "Received: from [198.51.100.7] (host.sender.example [198.51.100.7])\n"
	  "\tby mx.office.example (Postfix) with ESMTP id X1; Thu, 28 Sep 2023 09:14:06 +0900\n"
	  "From: a@sender.example\n" BASE_HDRS "\nbody\n" },
	{ "timestamps go backwards", PD_F_ROUTE_TIME_BACKWARDS,
	  "Received: from relay.office.example (relay.office.example [192.168.1.2])\n\tby mx.office.example; Thu, 28 Sep 2023 08:00:00 +0900\n"
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nbody\n",
	  "Received: from relay.office.example (relay.office.example [192.168.1.2])\n\tby mx.office.example; Thu, 28 Sep 2023 09:15:00 +0900\n"
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nbody\n" },
	{ "DMARC fail (trusted header)", PD_F_AUTH_DMARC_FAIL,
	  "Authentication-Results: mx.office.example; dmarc=fail (p=reject) header.from=bank.example\n"
	  RCV_OK "From: a@bank.example\n" BASE_HDRS "\nbody\n",
	  /* a forged header below ours, with another authserv-id, is ignored */
	  "Authentication-Results: mx.office.example; dmarc=pass header.from=bank.example\n" RCV_OK
	  "Authentication-Results: evil.example; dmarc=fail header.from=bank.example\n"
	  "From: a@bank.example\n" BASE_HDRS "\nbody\n" },
	{ "SPF fail for the From domain", PD_F_AUTH_SPF_FAIL,
	  "Authentication-Results: mx.office.example; spf=fail smtp.mailfrom=a@bank.example\n"
	  RCV_OK "From: a@bank.example\n" BASE_HDRS "\nbody\n",
	  "Authentication-Results: mx.office.example; spf=fail smtp.mailfrom=bounce@esp.example\n"
	  RCV_OK "From: a@bank.example\n" BASE_HDRS "\nbody\n" },
	{ "aligned DKIM pass", PD_F_AUTH_ALIGNED_PASS,
	  "Authentication-Results: mx.office.example; dkim=pass header.d=sender.example header.s=s1\n"
	  RCV_OK "From: a@news.sender.example\n" BASE_HDRS "\nbody\n",
	  "Authentication-Results: mx.office.example; dkim=pass header.d=esp.example header.s=s1\n"
	  RCV_OK "From: a@news.sender.example\n" BASE_HDRS "\nbody\n" },
	{ "DKIM signed by another domain", PD_F_AUTH_DKIM_NOT_ALIGNED,
	  "Authentication-Results: mx.office.example; dkim=pass header.d=esp.example header.s=s1\n"
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nbody\n",
	  "Authentication-Results: mx.office.example; dkim=pass header.d=sender.example header.s=s1\n"
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nbody\n" },
	{ "link to an IP", PD_F_LINK_IP_HOST,
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nGo to http://203.0.113.9/login now\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nGo to https://sender.example/login now\n" },
	{ "link to a public IP; not to one on the reader's own network", PD_F_LINK_IP_HOST,
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nLog in at http://[2001:db8::7]/login now\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nThe radio answers at http://192.168.10.2/ and http://[fe80::1]/\n" },
	{ "link text names a file; a domain shown as text still counts", PD_F_LINK_TEXT_HREF_MISMATCH,
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "Content-Type: text/html\n\n<a href=\"https://evil.example/x\">bank.py.example</a>\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "Content-Type: text/html\n\n<a href=\"https://code.example/x/detector.sv\">detector.sv</a> "
	  "<a href=\"https://code.example/x/README.md\">README.md</a>\n" },
	{ "a brand's token as a word of a link's host; not the start of a longer word", PD_F_LINK_BRAND_IN_URL,
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nhttps://info-saison3.secure.example/login\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nhttps://www.saisonal-food.example/menu\n" },
	{ "a host that begins with a whole domain of its own; not a site's country section", PD_F_LINK_HOST_POSES_AS_DOMAIN,
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nhttps://www.anazom.co.jp.shop-check.example/signin\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nhttps://support.jp.vendor.example/kb/1\n" },
	{ "co-jp written with hyphens in a host; not inside a longer word", PD_F_LINK_HOST_POSES_AS_DOMAIN,
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nhttps://account-co-jp.secure.example/login\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nhttps://taco-jp.secure.example/menu https://disco-jpop.example/\n" },
	{ "link to a host named by its IP; not an IP-like domain, path or too-large number", PD_F_LINK_HOST_NAMED_BY_IP,
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nGo to http://203-0-113-9.dclient.isp.example.net/login now\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nGo to https://www.192-0-2-10.net/ or "
	  "https://cdn-1-2.example.net/10-0-0-1/ or http://h203-0-113-900.example.net/ now\n" },
	{ "sender domain named like a bank, links elsewhere; not a food bank", PD_F_BRAND_FINANCIAL_UNVERIFIED,
	  RCV_OK "From: service@westernexamplebank.com\n" BASE_HDRS "\nLog in at http://login.example.net/ now\n",
	  RCV_OK "From: news@cityfoodbank.org\n" BASE_HDRS "\nDonate at http://give.example.net/ now\n" },
	{ "sender domain named like a bank; not with a link to it", PD_F_BRAND_FINANCIAL_UNVERIFIED,
	  RCV_OK "From: service@tinkerexamplefcu.org\n" BASE_HDRS "\nLog in at http://login.example.net/ now\n",
	  RCV_OK "From: service@tinkerexamplefcu.org\n" BASE_HDRS
	  "\nLog in at https://www.tinkerexamplefcu.org/ or http://login.example.net/ now\n" },
	{ "user@host link", PD_F_LINK_USERINFO,
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nhttps://www.bank.example@evil.example/login\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nhttps://www.bank.example/login\n" },
	{ "recipient in link (percent-encoded)", PD_F_LINK_RECIPIENT_IN_URL,
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nhttps://evil.example/x?u=info%40office.example\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nhttps://evil.example/x?u=someone%40office.example\n" },
	{ "sender domain hidden in path", PD_F_LINK_SENDER_DOMAIN_IN_PATH,
	  RCV_OK "From: a@kagoya.net\n" BASE_HDRS "\nhttps://hacked.example/js/kagoya.net/\n",
	  RCV_OK "From: a@kagoya.net\n" BASE_HDRS "\nhttps://www.kagoya.net/support/kagoya.net/\n" },
	{ "hacked CMS folder", PD_F_LINK_CMS_PATH,
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nhttps://hacked.example/wp-includes/js/login/\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nhttps://blog.example/wp-content/uploads/2023/09/a.png\n" },
	{ "shown link differs from target", PD_F_LINK_TEXT_HREF_MISMATCH,
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "Content-Type: text/html\n\n"
	  "<p><a href=\"https://evil.example/login\">https://www.bank.example/login</a></p>\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "Content-Type: text/html\n\n"
	  "<p><a href=\"https://login.bank.example/x\">www.bank.example</a></p>\n" },
	{ "javascript link", PD_F_LINK_SCRIPT_SCHEME,
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "Content-Type: text/html\n\n<a href=\"javascript:alert(1)\">x</a>\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "Content-Type: text/html\n\n<a href=\"https://sender.example/\">x</a>\n" },
	{ "password field in the mail", PD_F_CONTENT_PASSWORD_FIELD,
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "Content-Type: text/html\n\n"
	  "<form action=\"https://evil.example/p\"><input type=password name=p></form>\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "Content-Type: text/html\n\n<p>Your password was not changed.</p>\n" },
	{ "urgency in a Japanese subject (ISO-2022-JP)", PD_F_CONTENT_LURE_URGENCY,
	  RCV_OK "From: a@sender.example\nTo: info@office.example\nMessage-ID: <1@sender.example>\n"
	  "Date: Thu, 28 Sep 2023 09:14:00 +0900\n"
	  "Subject: =?ISO-2022-JP?B?GyRCIVo9RU1XGyhCIBskQkNtMFU0LTUvIVslNSE8JVMlOTtFTU0kTkpROTkbKEI=?=\n\nbody\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nbody\n" },
	{ "replies to free-mail; not when a list rewrote From to its posting address", PD_F_SENDER_REPLY_TO_FREEMAIL,
	  RCV_OK "From: \"Zhou\" <news@lists.example>\nReply-To: zhou@gmail.com\n" BASE_HDRS "\nbody\n",
	  RCV_OK "From: \"Zhou via Users\" <users@lists.example>\nReply-To: zhou@gmail.com\n"
	  "List-Post: <mailto:users@lists.example>\n" BASE_HDRS "\nbody\n" },
	{ "random tag in the subject; not product names, camel case or IDs", PD_F_CONTENT_SUBJECT_RANDOM_TAG,
	  RCV_OK "From: a@sender.example\nTo: info@office.example\nMessage-ID: <1@sender.example>\n"
	  "Date: Thu, 28 Sep 2023 09:14:00 +0900\nSubject: Fatura Emitida - KtSaGYsPn9djSGR\n\nbody\n",
	  RCV_OK "From: a@sender.example\nTo: info@office.example\nMessage-ID: <1@sender.example>\n"
	  "Date: Thu, 28 Sep 2023 09:14:00 +0900\n"
	  "Subject: Re: B205Mini at 50MSps, case 1Z999AA10123456784 / Mark2CurSeen / abc123def456\n\nbody\n" },
	{ "your address in the subject; not another address there", PD_F_SENDER_GREETS_BY_ADDRESS,
	  RCV_OK "From: a@sender.example\nTo: info@office.example\nMessage-ID: <1@sender.example>\n"
	  "Date: Thu, 28 Sep 2023 09:14:00 +0900\nSubject: INFO@office.example, your reward is waiting\n\nbody\n",
	  RCV_OK "From: a@sender.example\nTo: info@office.example\nMessage-ID: <1@sender.example>\n"
	  "Date: Thu, 28 Sep 2023 09:14:00 +0900\nSubject: write to sales@office.example instead\n\nbody\n" },
	{ "greeted by your address; not in a reply's attribution line", PD_F_SENDER_GREETS_BY_ADDRESS,
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\n\nSehr geehrte/r info@office.example,\nIhr Paket wartet.\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nOn Thu, Info Desk <info@office.example> wrote:\n> hi\n" },
	{ "greeted by your address in HTML; not an account summary's label", PD_F_SENDER_GREETS_BY_ADDRESS,
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "Content-Type: text/html\n\n<p>Hallo info@office.example!</p><p>x</p>\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "Content-Type: text/html\n\n<p>E-mail info@office.example</p><p>x</p>\n" },
	{ "greeted by your address; not a longer address that starts with it", PD_F_SENDER_GREETS_BY_ADDRESS,
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\ninfo@office.example\nyour mailbox is full\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nDear info@office.example.org,\nyour mailbox is full\n" },
	{ "direction override in subject", PD_F_CONTENT_INVISIBLE_CHARS,
	  RCV_OK "From: a@sender.example\nTo: info@office.example\nMessage-ID: <1@sender.example>\n"
	  "Date: Thu, 28 Sep 2023 09:14:00 +0900\nSubject: =?UTF-8?B?SW52b2ljZSDigK5mZHAuZXhl?=\n\nbody\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nbody\n" },
	{ "double extension", PD_F_ATTACH_DOUBLE_EXTENSION,
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	  "Content-Type: text/plain\n\nsee attached\n--b\nContent-Type: application/octet-stream\n"
	  "Content-Disposition: attachment; filename=\"invoice.pdf.exe\"\nContent-Transfer-Encoding: base64\n\nTVqQAA==\n--b--\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	  "Content-Type: text/plain\n\nsee attached\n--b\nContent-Type: application/pdf\n"
	  "Content-Disposition: attachment; filename=\"invoice.pdf\"\nContent-Transfer-Encoding: base64\n\nJVBERi0=\n--b--\n" },
	{ "HTML attachment", PD_F_ATTACH_HTML,
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	  "Content-Type: text/plain\n\nsee attached\n--b\nContent-Type: text/html\n"
	  "Content-Disposition: attachment; filename=\"login.html\"\n\n<form><input type=password></form>\n--b--\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "Content-Type: text/html\n\n<p>hello</p>\n" },
	{ "macro document", PD_F_ATTACH_MACRO_DOCUMENT,
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	  "Content-Type: text/plain\n\nx\n--b\nContent-Type: application/octet-stream; name=\"a.docm\"\n"
	  "Content-Disposition: attachment; filename=\"a.docm\"\n\nx\n--b--\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	  "Content-Type: text/plain\n\nx\n--b\nContent-Type: application/octet-stream; name=\"a.docx\"\n"
	  "Content-Disposition: attachment; filename=\"a.docx\"\n\nx\n--b--\n" },
};

int main(void)
{
	pd_global_init();
	char *err = NULL;
	struct pd_options opt = PD_OPTIONS_INIT;
	ctx = pd_ctx_new(&opt, &err);
	CHECK(ctx != NULL, "context: %s", err ? err : "");
	if (!ctx)
		return CHECK_DONE();

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct tcase *c = &cases[i];
		CHECK(has(c->fires, c->id, NULL), "%s: %s should fire", c->name, pd_catalog[c->id].id);
		CHECK(!has(c->near_miss, c->id, NULL), "%s: %s must not fire on the near miss", c->name,
		      pd_catalog[c->id].id);
	}

	/* forwarded as attachment: the inner message is analysed */
	const char *fwd = RCV_OK "From: user@office.example\nTo: soc@office.example\nSubject: Fw: suspicious\n"
	                  "Message-ID: <2@office.example>\nDate: Thu, 28 Sep 2023 09:20:00 +0900\n"
	                  "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=o\n\n--o\n"
	                  "Content-Type: text/plain\n\nplease check\n--o\nContent-Type: message/rfc822\n\n"
	                  "From: \"Bank\" <x@evil.example>\nTo: user@office.example\nSubject: verify\n\n"
	                  "https://evil.example/login\n--o--\n";
	struct pd_arena *a = pd_arena_new(0);
	struct pd_report *r;
	const char *e;
	CHECK(pd_analyze(ctx, a, fwd, strlen(fwd), "fwd", false, &r, &e) == 0, "forwarded parses");
	CHECK(r && r->msg->forwarded, "forwarded detected");
	CHECK(r && strcmp(r->msg->from.addr, "x@evil.example") == 0, "inner From: %s", r ? r->msg->from.addr : "");
	CHECK(r && strcmp(r->msg->outer_from.addr, "user@office.example") == 0, "reporter kept");
	CHECK(r && pd_report_has(r, PD_F_MIME_FORWARDED), "MIME_FORWARDED");
	CHECK(r && r->msg->nurls == 1, "inner link found (%u)", r ? r->msg->nurls : 0);
	pd_arena_reset(a);

	/* framing before the header: a byte-order mark and an mbox From line */
	const char *bom = "\xEF\xBB\xBF" "From - Mon Jan  1 00:00:00 2001\nFrom: a@sender.example\nSubject: x\n\nbody\n";
	CHECK(pd_analyze(ctx, a, bom, strlen(bom), "bom", false, &r, &e) == 0 && strcmp(r->msg->from.addr, "a@sender.example") == 0,
	      "BOM + From line skipped");
	pd_arena_reset(a);
	/* a bare MIME entity is mail too */
	const char *bare = "Content-Type: text/html\n\n<a href=\"http://www.example.net\">http://www.cnn.com</a>\n";
	CHECK(pd_analyze(ctx, a, bare, strlen(bare), "bare", false, &r, &e) == 0 && pd_report_has(r, PD_F_LINK_TEXT_HREF_MISMATCH),
	      "bare MIME entity analysed");
	pd_arena_reset(a);

	/* GMime sees only the top-level fields it uses (mail/hdrsplit.h):
	 * its warnings and the fields' line numbers must still point into
	 * the message as written.  From (with a broken address list) sits
	 * after two Received fields GMime is not given. */
	const char *rcv2 = "Received: from a.example (a.example [198.51.100.1])\n\tby mx.office.example; "
	                   "Thu, 28 Sep 2023 09:14:06 +0900\nX-Filler: 1\n"
	                   "Received: from b.example\n\tby a.example; Thu, 28 Sep 2023 09:14:05 +0900\n";
	char bad[1024];
	snprintf(bad, sizeof bad, "%sFrom: \"a\" <<broken@@sender.example>>, ;;\nTo: info@office.example\n"
	         "Subject: x\n\nbody\n", rcv2);
	size_t from_at = strlen(rcv2);
	CHECK(pd_analyze(ctx, a, bad, strlen(bad), "bad-from", false, &r, &e) == 0, "bad From parses");
	bool at_from = false;
	for (unsigned i = 0; r && i < r->msg->nanomalies; i++) {
		char want[32];
		snprintf(want, sizeof want, "byte %zu", from_at);
		if (strstr(r->msg->anomalies[i].detail, "address list") && strcmp(r->msg->anomalies[i].where, want) == 0)
			at_from = true;
	}
	CHECK(at_from, "GMime's address-list warning at the From field's own offset (%zu)", from_at);
	unsigned from_line = 0, nrcv = 0;
	for (unsigned i = 0; r && i < r->msg->nheaders; i++) {
		if (strcmp(r->msg->headers[i].name, "From") == 0)
			from_line = r->msg->headers[i].line;
		nrcv += strcmp(r->msg->headers[i].name, "Received") == 0;
	}
	CHECK(from_line == 6 && nrcv == 2, "From on line %u (want 6), %u Received fields (want 2)", from_line, nrcv);
	pd_arena_reset(a);

	/* not mail at all */
	const char *junk = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n";
	CHECK(pd_analyze(ctx, a, junk, strlen(junk), "junk", false, &r, &e) == -1, "PDF is not mail");
	pd_arena_reset(a);

	/* limits: a message with more parts than allowed is partial, not a crash */
	struct pd_options lo = PD_OPTIONS_INIT;
	lo.limits.max_parts = 5;
	struct pd_ctx *small = pd_ctx_new(&lo, &err);
	char big[8192];
	size_t n = (size_t)snprintf(big, sizeof big, "From: a@sender.example\nContent-Type: multipart/mixed; boundary=b\n\n");
	for (int i = 0; i < 20; i++)
		n += (size_t)snprintf(big + n, sizeof big - n, "--b\nContent-Type: text/plain\n\npart %d\n", i);
	n += (size_t)snprintf(big + n, sizeof big - n, "--b--\n");
	CHECK(pd_analyze(small, a, big, n, "many", false, &r, &e) == 0, "many parts");
	CHECK(r && r->partial && pd_report_has(r, PD_F_MIME_LIMIT_REACHED), "limit finding");
	CHECK(r && r->msg->nparts <= 5, "parts bounded: %u", r ? r->msg->nparts : 0);
	pd_arena_free(a);
	pd_ctx_free(small);
	pd_ctx_free(ctx);
	pd_global_shutdown();
	return CHECK_DONE();
}
