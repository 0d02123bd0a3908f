/* test_brand.c - brand impersonation and lure language (analyzers/brand.c,
 * content.c, data/brands.txt, data/lexicon/lure.txt): for each finding a
 * message that fires it and a near miss that must not; the claimed brand
 * and where; a legitimate twin that must stay clean; disguised letters
 * and platform senders (sender.c); the matchers
 * (Aho-Corasick, folding) on their own; --known-services.
 * Brand domains are the real official ones from data/brands.txt; all
 * other names are example.* and documentation IP ranges. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/acmatch.h"
#include "base/fold.h"
#include "check.h"
#include "mail/model.h"
#include "phishdissect/pd.h"
#include "report/report.h"

static struct pd_ctx *ctx, *ctx_known;

#define HDRS "To: info@office.example\nDate: Thu, 28 Sep 2023 09:14:00 +0900\n" \
	"Message-ID: <1@mail.example>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n" \
	"Content-Transfer-Encoding: 8bit\n"
#define HDRS_HTML "To: info@office.example\nDate: Thu, 28 Sep 2023 09:14:00 +0900\n" \
	"Message-ID: <1@mail.example>\nMIME-Version: 1.0\nContent-Type: text/html; charset=UTF-8\n" \
	"Content-Transfer-Encoding: 8bit\n"
#define RCV_CLOUD "Received: from [127.0.0.1] (ec2-203-0-113-84.ap-northeast-1.compute.amazonaws.com [203.0.113.84])\n" \
	"\tby mx.office.example (Postfix) with ESMTP id X1; Thu, 28 Sep 2023 09:14:06 +0900\n"
#define RCV_OK "Received: from mail.sender.example (mail.sender.example [198.51.100.20])\n" \
	"\tby mx.office.example (Postfix) with ESMTPS id 4AbCd; Thu, 28 Sep 2023 09:14:06 +0900\n"
#define AR_PASS(d) "Authentication-Results: mx.office.example; spf=pass smtp.mailfrom=" d \
	"; dkim=pass header.d=" d "; dmarc=pass header.from=" d "\n"

static struct pd_report *run(struct pd_ctx *c, const char *msg, struct pd_arena *a)
{
	struct pd_report *r = NULL;
	const char *err = NULL;
	if (pd_analyze(c, a, msg, strlen(msg), "test", false, &r, &err) != 0)
		return NULL;
	return r;
}

static bool has_in(struct pd_ctx *c, const char *msg, enum pd_fid id)
{
	struct pd_arena *a = pd_arena_new(0);
	struct pd_report *r = run(c, msg, a);
	bool found = r && pd_report_has(r, id);
	pd_arena_free(a);
	return found;
}

struct tcase {
	const char *name;
	enum pd_fid id;
	const char *fires, *near_miss;
};

static const struct tcase cases[] = {
	{ "display name claims Amazon, From elsewhere", PD_F_BRAND_FROM_NOT_BRAND,
	  RCV_OK "From: \"Amazon.co.jp\" <info@shop.example>\nSubject: ご注文の確認\n" HDRS "\nAmazonをご利用いただきありがとうございます。\n",
	  RCV_OK "From: \"Tanaka\" <info@shop.example>\nSubject: ご注文の確認\n" HDRS "\nAmazonで買った本の話です。\n" },
	{ "katakana, full-width and hiragana forms", PD_F_BRAND_FROM_NOT_BRAND,
	  RCV_OK "From: \"えきねっと\" <info@shop.example>\nSubject: ｴｷﾈｯﾄ 会員情報\n" HDRS "\nえきねっと事務局\n",
	  RCV_OK "From: \"駅前ネット\" <info@shop.example>\nSubject: 会員情報\n" HDRS "\n駅前のお知らせ\n" },
	{ "brand domain in From, route through a cloud host", PD_F_BRAND_SPOOFED_OWN_DOMAIN,
	  RCV_CLOUD "From: \"KAGOYA\" <support@kagoya.net>\nSubject: 重要なお知らせ\n" HDRS "\nKAGOYA サポート\n",
	  AR_PASS("kagoya.net") RCV_CLOUD "From: \"KAGOYA\" <support@kagoya.net>\nSubject: 重要なお知らせ\n" HDRS "\nKAGOYA サポート\n" },
	{ "brand domain in From, DMARC fail", PD_F_BRAND_SPOOFED_OWN_DOMAIN,
	  "Authentication-Results: mx.office.example; dmarc=fail header.from=smbc-card.com\n" RCV_OK
	  "From: \"三井住友カード\" <info@smbc-card.com>\nSubject: ご利用確認\n" HDRS "\n三井住友カード\n",
	  "Authentication-Results: mx.office.example; dmarc=none header.from=shop.example\n" RCV_OK
	  "From: \"Shop\" <info@shop.example>\nSubject: ご利用確認\n" HDRS "\nshop\n" },
	{ "brand claimed, every link elsewhere", PD_F_BRAND_LINKS_ELSEWHERE,
	  RCV_OK "From: \"Rakuten\" <info@shop.example>\nSubject: 楽天会員情報\n" HDRS "\n楽天カード\nhttps://login.example.net/rakuten/\n",
	  RCV_OK "From: \"Rakuten\" <info@shop.example>\nSubject: 楽天会員情報\n" HDRS "\n楽天カード\nhttps://www.rakuten.co.jp/\n" },
	{ "brand claimed, its only contact a mailto: address elsewhere", PD_F_BRAND_LINKS_ELSEWHERE,
	  RCV_OK "From: \"Rakuten\" <info@shop.example>\nSubject: 楽天会員情報\n" HDRS_HTML
	  "\n<p>楽天カード</p><a href=\"mailto:verify@desk.example?subject=ID\">返信</a>\n",
	  RCV_OK "From: \"Rakuten\" <info@shop.example>\nSubject: 楽天会員情報\n" HDRS_HTML
	  "\n<p>楽天カード</p><a href=\"mailto:support@rakuten.co.jp?subject=ID\">返信</a>\n" },
	{ "claimed brand's name as a folder of another site", PD_F_BRAND_NAME_IN_LINK,
	  RCV_OK "From: \"PayPal\" <service@shop.example>\nSubject: Your account\n" HDRS
	  "\nPayPal\nhttp://www.secure.example/paypal/login.html\n",
	  RCV_OK "From: \"PayPal\" <service@shop.example>\nSubject: Your account\n" HDRS
	  "\nPayPal\nhttp://www.secure.example/paypalish/login.html\n" },
	{ "claimed brand's name as the leading label of another site", PD_F_BRAND_NAME_IN_LINK,
	  RCV_OK "From: \"eBay\" <service@shop.example>\nSubject: Your account\n" HDRS
	  "\neBay\nhttp://ebay.signin.example.net/ws/login\n",
	  /* a click tracker named after the brand, leading to the brand's site */
	  RCV_OK "From: \"eBay\" <service@shop.example>\nSubject: Your account\n" HDRS
	  "\neBay\nhttp://ebay.ads.example.net/clk;1;2;f%3fhttp%3a%2f%2fsearch.ebay.com/search/\n" },
	{ "claimed brand's name inside a label of another site; not inside a longer word", PD_F_BRAND_NAME_IN_LINK,
	  RCV_OK "From: \"マネックス証券\" <info@shop.example>\nSubject: ご本人確認\n" HDRS
	  "\nマネックス証券\nhttps://info-monex.secure.example/login\n",
	  RCV_OK "From: \"マネックス証券\" <info@shop.example>\nSubject: ご本人確認\n" HDRS
	  "\nマネックス証券\nhttps://www.harmonexa.example/login\n" },
	{ "claimed brand's token with digits after it; not a different token", PD_F_BRAND_NAME_IN_LINK,
	  RCV_OK "From: \"三井住友カード\" <info@shop.example>\nSubject: ご利用確認\n" HDRS
	  "\n三井住友カード\nhttps://vpass3.web-check.example/\n",
	  RCV_OK "From: \"三井住友カード\" <info@shop.example>\nSubject: ご利用確認\n" HDRS
	  "\n三井住友カード\nhttps://vpassage.web-check.example/\n" },
	{ "brand mail from its own authenticated domain is evidence for it; not unauthenticated", PD_F_BRAND_VERIFIED,
	  RCV_OK AR_PASS("smbc-card.com") "From: \"三井住友カード\" <info@smbc-card.com>\nSubject: ご利用確認\n" HDRS
	  "\nVpassにログインしてご確認ください。 https://www.smbc-card.com/mem/index.jsp\n",
	  RCV_OK "From: \"三井住友カード\" <info@smbc-card.com>\nSubject: ご利用確認\n" HDRS
	  "\nVpassにログインしてご確認ください。 https://www.smbc-card.com/mem/index.jsp\n" },
	{ "recipient in a link to a look-alike sender's own site", PD_F_LINK_RECIPIENT_IN_URL,
	  RCV_OK "From: \"Amazon\" <info@amaz0n-support.example>\nSubject: Your account\n" HDRS
	  "\nAmazon\nhttps://amaz0n-support.example/login?id=info@office.example\n",
	  RCV_OK "From: \"Shop\" <news@shop.example>\nSubject: Your account\n" HDRS
	  "\nShop news\nhttps://shop.example/login?id=info@office.example\n" },
	/* a mail forwarded inline: the quoted original sender claims the brand */
	{ "forwarded inline: quoted sender names Amazon, address elsewhere", PD_F_BRAND_FROM_NOT_BRAND,
	  RCV_OK "From: \"Analyst\" <user@office.example>\nSubject: Fw: order\n" HDRS
	  "\nphish?\n\n---------- Forwarded message ---------\nFrom: Amazon.co.jp <info@shop.example>\n"
	  "Date: Mon, 1 Jan 2024\nSubject: order\n\nhttps://login.example.net/\n",
	  RCV_OK "From: \"Analyst\" <user@office.example>\nSubject: order\n" HDRS
	  "\nphish?\n\nFrom: Amazon.co.jp <info@shop.example>\n"
	  "Date: Mon, 1 Jan 2024\nSubject: order\n\nhttps://login.example.net/\n" },
	{ "forwarded inline: brand's own domain quoted, links elsewhere", PD_F_BRAND_OWN_DOMAIN_UNVERIFIED,
	  RCV_OK "From: \"Analyst\" <user@office.example>\nSubject: FW: order\n" HDRS
	  "\n____\nFrom: Amazon <account@amazon.co.jp>\nSent: Monday\nTo: me\nSubject: order\n\n"
	  "Amazon\nhttps://login.example.net/\n",
	  RCV_OK "From: \"Analyst\" <user@office.example>\nSubject: FW: order\n" HDRS
	  "\n____\nFrom: Amazon <account@amazon.co.jp>\nSent: Monday\nTo: me\nSubject: order\n\n"
	  "Amazon\nhttps://www.amazon.co.jp/gp/css/\n" },
	/* scams without a link or brand */
	{ "advance-fee lure", PD_F_CONTENT_LURE_ADVANCE_FEE,
	  RCV_OK "From: a@shop.example\nSubject: hello\n" HDRS "\nYou are the next of kin of my late client.\n",
	  RCV_OK "From: a@shop.example\nSubject: hello\n" HDRS "\nThe next meeting is on Monday.\n" },
	{ "romance lure", PD_F_CONTENT_LURE_ROMANCE,
	  RCV_OK "From: a@shop.example\nSubject: hello\n" HDRS "\nI am a lonely woman looking for a man.\n",
	  RCV_OK "From: a@shop.example\nSubject: hello\n" HDRS "\nThe woman at the desk is looking for the manual.\n" },
	{ "extortion lure", PD_F_CONTENT_LURE_EXTORTION,
	  RCV_OK "From: a@shop.example\nSubject: hello\n" HDRS "\nI recorded you through your webcam. Pay to my bitcoin wallet.\n",
	  RCV_OK "From: a@shop.example\nSubject: hello\n" HDRS "\nMy webcam is broken, can you lend me one?\n" },
	{ "crypto lure", PD_F_CONTENT_LURE_CRYPTO,
	  RCV_OK "From: a@shop.example\nSubject: Exclusive airdrop\n" HDRS "\nConnect your wallet to claim.\n",
	  RCV_OK "From: a@shop.example\nSubject: Air drop of supplies\n" HDRS "\nThe aid arrives by plane.\n" },
	{ "scam wording from a free-mail sender", PD_F_SENDER_SCAM_CONTACT,
	  RCV_OK "From: a@gmail.com\nSubject: hello\n" HDRS "\nYou are the next of kin of my late client.\n",
	  RCV_OK "From: a@shop.example\nSubject: hello\n" HDRS "\nYou are the next of kin of my late client.\n" },
	{ "scam wording with a free-mail address to write to", PD_F_SENDER_SCAM_CONTACT,
	  RCV_OK "From: a@shop.example\nSubject: hello\n" HDRS "\nI am a lonely woman. Write to kin.fund@gmail.com\n",
	  RCV_OK "From: a@shop.example\nSubject: hello\n" HDRS "\nI am a lonely woman. Write to kin.fund@shop.example\n" },
	{ "free-mail address without scam wording", PD_F_SENDER_SCAM_CONTACT,
	  RCV_OK "From: a@gmail.com\nSubject: hello\n" HDRS "\nAn airdrop for you: connect your wallet.\n",
	  RCV_OK "From: a@gmail.com\nSubject: hello\n" HDRS "\nMeeting notes attached, write to b@gmail.com\n" },
	/* the brand's own domain, no authentication results at all, not sent
	 * from its servers, its links mixed with one elsewhere */
#define RCV_NAMELESS "Received: from 203.0.113.9 (unknown [203.0.113.9])\n" \
	"\tby mx.office.example (Postfix) with SMTP id X2; Thu, 28 Sep 2023 09:14:06 +0900\n"
#define RCV_FORGED_BRAND "Received: from smtp-out.amazon.co.jp (smtp-out.amazon.co.jp [192.0.2.77])\n" \
	"\tby relay with SMTP; Thu, 28 Sep 2023 09:14:00 +0900\n"
#define MIXED_BODY "\nAmazon\nhttps://www.amazon.co.jp/gp/help/\nhttps://login.example.net/signin\n"
	{ "own domain, mixed links, a nameless origin under a forged brand hop", PD_F_BRAND_OWN_DOMAIN_UNVERIFIED,
	  RCV_NAMELESS RCV_FORGED_BRAND "From: \"Amazon\" <account@amazon.co.jp>\nSubject: Amazon\n" HDRS MIXED_BODY,
	  RCV_OK RCV_FORGED_BRAND "From: \"Amazon\" <account@amazon.co.jp>\nSubject: Amazon\n" HDRS MIXED_BODY },
	{ "own domain, mixed links, but the receiver wrote authentication results", PD_F_BRAND_OWN_DOMAIN_UNVERIFIED,
	  RCV_NAMELESS "From: \"Amazon\" <account@amazon.co.jp>\nSubject: Amazon\n" HDRS MIXED_BODY,
	  "Authentication-Results: mx.office.example; spf=none smtp.mailfrom=amazon.co.jp\n" RCV_NAMELESS
	  "From: \"Amazon\" <account@amazon.co.jp>\nSubject: Amazon\n" HDRS MIXED_BODY },
	{ "footer names another company", PD_F_BRAND_FOOTER_OTHER_COMPANY,
	  RCV_CLOUD "From: \"KAGOYA\" <support@kagoya.net>\nSubject: 隔離通知\n" HDRS "\nKAGOYA\n\n(C)1998 QUALITIA CO., LTD. All Rights Reserved\n",
	  RCV_CLOUD "From: \"KAGOYA\" <support@kagoya.net>\nSubject: 隔離通知\n" HDRS "\nKAGOYA\n\n(C)2023 KAGOYA JAPAN Inc. All Rights Reserved\n" },
	{ "look-alike sender domain", PD_F_BRAND_LOOKALIKE_SENDER,
	  RCV_OK "From: \"Support\" <info@amazon-security-check.example>\nSubject: hello\n" HDRS "\nbody\n",
	  RCV_OK "From: \"Support\" <info@lamazonas.example>\nSubject: hello\n" HDRS "\nbody\n" },
	{ "short token needs edges on both sides", PD_F_BRAND_LOOKALIKE_SENDER,
	  RCV_OK "From: \"Support\" <info@orico-card.example>\nSubject: hello\n" HDRS "\nbody\n",
	  RCV_OK "From: \"Support\" <info@oricon-news.example>\nSubject: hello\n" HDRS "\nbody\n" },
	{ "brand written with a zero-width space", PD_F_BRAND_NAME_OBFUSCATED,
	  RCV_OK "From: \"Support\" <info@shop.example>\nSubject: Pay\xe2\x80\x8bPal account\n" HDRS "\nbody\n",
	  RCV_OK "From: \"Support\" <info@shop.example>\nSubject: PayPal account\n" HDRS "\nbody\n" },
	{ "brand written with a Cyrillic letter", PD_F_BRAND_NAME_OBFUSCATED,
	  RCV_OK "From: \"\xd0\x90mazon\" <info@shop.example>\nSubject: hello\n" HDRS "\nbody\n",
	  RCV_OK "From: \"\xd0\x9c\xd0\xb0\xd1\x80\xd0\xb8\xd1\x8f\" <info@shop.example>\nSubject: hello\n" HDRS "\nbody\n" },
	{ "executive from free-mail asks for gift cards", PD_F_BRAND_BEC_EXECUTIVE,
	  RCV_OK "From: \"代表取締役 山田\" <yamada.office@gmail.com>\nSubject: 至急のお願い\n" HDRS
	  "\nギフトカードを購入してください。内密にお願いします。\n",
	  RCV_OK "From: \"代表取締役 山田\" <yamada@office.example>\nSubject: 至急のお願い\n" HDRS
	  "\nギフトカードを購入してください。内密にお願いします。\n" },
	{ "executive from a look-alike of our domain asks for a transfer", PD_F_BRAND_BEC_EXECUTIVE,
	  RCV_OK "From: \"CEO Taro Yamada\" <ceo@office-example.example>\nSubject: request\n" HDRS
	  "\nPlease arrange a wire transfer today.\n",
	  RCV_OK "From: \"Taro Yamada\" <taro@office-example.example>\nSubject: request\n" HDRS
	  "\nPlease arrange a wire transfer today.\n" },
	{ "payment lure", PD_F_CONTENT_LURE_PAYMENT,
	  RCV_OK "From: a@shop.example\nSubject: お支払い方法の確認\n" HDRS "\nbody\n",
	  RCV_OK "From: a@shop.example\nSubject: お知らせ\n" HDRS "\nbody\n" },
	{ "delivery lure", PD_F_CONTENT_LURE_DELIVERY,
	  RCV_OK "From: a@shop.example\nSubject: お荷物のお届けについて\n" HDRS "\nご不在でした\n",
	  RCV_OK "From: a@shop.example\nSubject: お知らせ\n" HDRS "\n本日は晴れです\n" },
	{ "tax lure", PD_F_CONTENT_LURE_TAX,
	  RCV_OK "From: a@shop.example\nSubject: 還付金のお知らせ\n" HDRS "\nbody\n",
	  RCV_OK "From: a@shop.example\nSubject: 会議のお知らせ\n" HDRS "\nbody\n" },
	{ "prize lure", PD_F_CONTENT_LURE_PRIZE,
	  RCV_OK "From: a@shop.example\nSubject: ご当選おめでとうございます\n" HDRS "\nbody\n",
	  RCV_OK "From: a@shop.example\nSubject: 会議のお知らせ\n" HDRS "\nbody\n" },
	{ "mailbox lure (hiragana/katakana folded)", PD_F_CONTENT_LURE_MAILBOX,
	  RCV_OK "From: a@shop.example\nSubject: めーるぼっくすの容量不足\n" HDRS "\nbody\n",
	  RCV_OK "From: a@shop.example\nSubject: 会議のお知らせ\n" HDRS "\nbody\n" },
	{ "bec lure, English whole words", PD_F_CONTENT_LURE_BEC,
	  RCV_OK "From: a@shop.example\nSubject: hello\n" HDRS "\nCan you do a wire transfer?\n",
	  RCV_OK "From: a@shop.example\nSubject: hello\n" HDRS "\nThe wire transferred data fine.\n" },
	/* lure wording in other languages (issue #7) */
	{ "German urgency", PD_F_CONTENT_LURE_URGENCY,
	  RCV_OK "From: a@shop.example\nSubject: Achtung: Ihr Konto wird in 2 Tagen gel\xc3\xb6scht\n" HDRS "\nbody\n",
	  RCV_OK "From: a@shop.example\nSubject: Ihr Konto ist aktiv\n" HDRS "\nbody\n" },
	{ "Portuguese credentials", PD_F_CONTENT_LURE_CREDENTIALS,
	  RCV_OK "From: a@shop.example\nSubject: Aviso\n" HDRS "\nConfirme seus dados para continuar.\n",
	  RCV_OK "From: a@shop.example\nSubject: Aviso\n" HDRS "\nObrigado pela sua compra.\n" },
	{ "Dutch prize", PD_F_CONTENT_LURE_PRIZE,
	  RCV_OK "From: a@shop.example\nSubject: Gefeliciteerd, je hebt gewonnen!\n" HDRS "\nbody\n",
	  RCV_OK "From: a@shop.example\nSubject: Goedemorgen\n" HDRS "\nbody\n" },
	{ "French delivery", PD_F_CONTENT_LURE_DELIVERY,
	  RCV_OK "From: a@shop.example\nSubject: Votre colis est en attente\n" HDRS "\nbody\n",
	  RCV_OK "From: a@shop.example\nSubject: Votre avis compte\n" HDRS "\nbody\n" },
	/* a brand name with marks of another alphabet folds to the name */
	{ "brand name with Syriac marks", PD_F_BRAND_NAME_OBFUSCATED,
	  RCV_OK "From: \"A\xdc\xbfm\xdc\xbf" "a\xdc\xbfz\xdc\xbfon\" <info@shop.example>\nSubject: hello\n" HDRS "\nbody\n",
	  RCV_OK "From: \"Amazon\" <info@shop.example>\nSubject: hello\n" HDRS "\nbody\n" },
	{ "brand name over a free-mail account", PD_F_BRAND_FROM_FREEMAIL,
	  RCV_OK "From: \"Banco do Brasil\" <atendimento.bb2024@gmail.com>\nSubject: Aviso\n" HDRS "\nbody\n",
	  RCV_OK "From: \"Maria Silva\" <atendimento.bb2024@gmail.com>\nSubject: Aviso\n" HDRS "\nMinha conta no Banco do Brasil.\n" },
	{ "short HTML title labels the page as the brand", PD_F_BRAND_FROM_NOT_BRAND,
	  RCV_OK "From: \"Service\" <info@shop.example>\nSubject: Notice\nContent-Type: text/html; charset=UTF-8\n\n"
	  "<html><head><title>PayPal</title></head><body><p>Please sign in.</p></body></html>\n",
	  /* a headline that mentions a brand is news, not a label */
	  RCV_OK "From: \"Service\" <info@shop.example>\nSubject: Notice\nContent-Type: text/html; charset=UTF-8\n\n"
	  "<html><head><title>Weekly digest: what the PayPal outage last Monday means for small shops</title></head>"
	  "<body><p>Please read.</p></body></html>\n" },
	{ "brand's own domain, nothing backs it", PD_F_BRAND_OWN_DOMAIN_UNVERIFIED,
	  RCV_OK "From: \"Telekom\" <reply@telekom.com>\nSubject: Rechnung\n" HDRS "\nTelekom\nhttps://login.example.net/konto\n",
	  RCV_OK "From: \"Telekom\" <reply@telekom.com>\nSubject: Rechnung\n" HDRS "\nTelekom\nhttps://www.telekom.de/konto\n" },
};

/* Disguised letters and platform senders (sender.c). */
static const struct tcase sender_cases[] = {
	{ "Syriac marks between Latin letters in the display name", PD_F_SENDER_DISGUISED_LETTERS,
	  RCV_OK "From: \"S\xdc\xbf" "e\xdc\xbfrvice\" <info@shop.example>\nSubject: hello\n" HDRS "\nbody\n",
	  /* an accent written as a separate combining mark is not a disguise */
	  RCV_OK "From: \"Cafe\xcc\x81 Rene\xcc\x81\" <info@shop.example>\nSubject: hello\n" HDRS "\nbody\n" },
	{ "mathematical bold letters in the From domain", PD_F_SENDER_DISGUISED_LETTERS,
	  RCV_OK "From: \"Shop\" <noreply@\xf0\x9d\x97\xa6\xf0\x9d\x97\xb5\xf0\x9d\x97\xbc\xf0\x9d\x97\xbd.example>\nSubject: hello\n" HDRS "\nbody\n",
	  RCV_OK "From: \"Shop\" <noreply@shop.example>\nSubject: hello\n" HDRS "\nbody\n" },
	{ "Cyrillic letters inside a Latin word of the subject", PD_F_SENDER_DISGUISED_LETTERS,
	  RCV_OK "From: a@shop.example\nSubject: Your Am\xd0\xb0zon order\n" HDRS "\nbody\n",
	  /* Russian words next to Latin ones are two languages, not a disguise */
	  RCV_OK "From: a@shop.example\nSubject: \xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 Amazon\n" HDRS "\nbody\n" },
	{ "sender on a free app-hosting subdomain", PD_F_SENDER_FREE_HOSTING,
	  RCV_OK "From: \"Bonus\" <noreply@promo-12ab3.firebaseapp.com>\nSubject: hello\n" HDRS "\nbody\n",
	  /* the platform's own address is the platform, not a user's name */
	  RCV_OK "From: \"Firebase\" <noreply@firebaseapp.com>\nSubject: hello\n" HDRS "\nbody\n" },
	{ "platform sender linking elsewhere", PD_F_SENDER_FREE_HOSTING,
	  RCV_OK "From: \"Bonus\" <noreply@promo-12ab3.web.app>\nSubject: hello\n" HDRS "\nhttps://casino.example/claim\n",
	  /* an app's own mail links back to the app (password reset) */
	  RCV_OK "From: \"MyApp\" <noreply@promo-12ab3.web.app>\nSubject: Reset your password\n" HDRS
	  "\nhttps://promo-12ab3.web.app/__/auth/action?mode=resetPassword\n" },
	{ "From domain with characters no host name has", PD_F_SENDER_NO_FROM,
	  RCV_OK "From: \"Receita\" <darf@%receita.example>\nSubject: hello\n" HDRS "\nbody\n",
	  RCV_OK "From: \"Receita\" <darf@receita.example>\nSubject: hello\n" HDRS "\nbody\n" },
};

/* Legitimate brand mail: own domain, aligned authentication, own links. */
static const struct {
	const char *name, *brand, *msg;
} twins[] = {
	{ "KAGOYA notice", "kagoya",
	  AR_PASS("kagoya.net") RCV_OK "From: \"KAGOYA\" <support@kagoya.net>\nSubject: メンテナンスのお知らせ\n" HDRS
	  "\nKAGOYA JAPAN サポートです。\nhttps://support.kagoya.net/maintenance/\n\n(C)2023 KAGOYA JAPAN Inc.\n" },
	{ "Amazon order", "amazon",
	  AR_PASS("amazon.co.jp") RCV_OK "From: \"Amazon.co.jp\" <auto-confirm@amazon.co.jp>\nSubject: Amazon.co.jp ご注文の確認\n" HDRS
	  "\nAmazon.co.jp をご利用いただき、ありがとうございます。\nhttps://www.amazon.co.jp/gp/css/order-history\n" },
	{ "SMBC card", "smbc-card",
	  AR_PASS("smbc-card.com") RCV_OK "From: \"三井住友カード\" <info@smbc-card.com>\nSubject: ご利用のお知らせ\n" HDRS
	  "\n三井住友カードをご利用いただきありがとうございます。\nhttps://www.smbc-card.com/mem/index.jsp\n" },
};

static bool on_match(void *ud, unsigned id, size_t s, size_t e)
{
	unsigned *hits = ud;
	hits[id] += 1;
	(void)s;
	(void)e;
	return true;
}

struct match_sum {
	unsigned n;
	unsigned long sum;
	size_t last_end;
	bool order;
};

static bool on_match_sum(void *ud, unsigned id, size_t s, size_t e)
{
	struct match_sum *g = ud;
	g->n++;
	g->sum += (unsigned long)(id + 1) * 131u + e * 7u;
	if (e < g->last_end)
		g->order = false;
	g->last_end = e;
	(void)s;
	return true;
}

/* every match, in order, for comparing pd_ac_scan_pair with pd_ac_scan */
struct hit_list {
	struct pd_ac_hit h[1 << 16];
	size_t n;
};

static bool on_match_list(void *ud, unsigned id, size_t s, size_t e)
{
	struct hit_list *l = ud;
	if (l->n < sizeof l->h / sizeof *l->h)
		l->h[l->n++] = (struct pd_ac_hit){ id, s, e };
	return true;
}

static bool same_hits(const struct hit_list *l, const struct pd_ac_hit *h, size_t n)
{
	if (l->n != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (l->h[i].id != h[i].id || l->h[i].start != h[i].start || l->h[i].end != h[i].end)
			return false;
	return true;
}

static void test_matchers(void)
{
	/* Aho-Corasick: overlapping patterns, prefixes, suffixes */
	struct pd_ac *ac = pd_ac_new();
	const char *pats[] = { "he", "she", "his", "hers", "\xe6\xa5\xbd\xe5\xa4\xa9" };
	for (unsigned i = 0; i < 5; i++)
		CHECK(pd_ac_add(ac, pats[i], strlen(pats[i]), i) == 0, "add %s", pats[i]);
	CHECK(pd_ac_add(ac, "", 0, 9) < 0, "empty pattern refused");
	pd_ac_compile(ac);
	unsigned hits[5] = { 0 };
	const char *text = "ushers his \xe6\xa5\xbd\xe5\xa4\xa9 she";
	pd_ac_scan(ac, text, strlen(text), on_match, hits);
	static const unsigned want[5] = { 2, 2, 1, 1, 1 };
	for (unsigned i = 0; i < 5; i++)
		CHECK(hits[i] == want[i], "pattern %s: %u hits, want %u", pats[i], hits[i], want[i]);
	pd_ac_free(ac);

	/* Aho-Corasick against a naive search on random patterns and texts
	 * over small alphabets (many overlaps, failure chains through nodes
	 * with and without full transition rows): every (pattern, end) pair
	 * found, in text order, and nothing else */
	unsigned seed = 99, bad = 0, rounds = 300, bad_pair = 0;
	struct pd_ac *prev = NULL;
	static struct hit_list l0, l1;
	static struct pd_ac_hit p0[1 << 16], p1[1 << 16];
	for (unsigned round = 0; round < rounds; round++) {
		struct pd_ac *r = pd_ac_new();
		char pat[400][8];
		unsigned np = 1 + (round % 7 == 0 ? 399 : (seed >> 16) % 40);
		for (unsigned i = 0; i < np; i++) {
			seed = seed * 1103515245u + 12345u;
			unsigned len = 1 + (seed >> 16) % 6;
			for (unsigned k = 0; k < len; k++) {
				seed = seed * 1103515245u + 12345u;
				pat[i][k] = "abcab\xe3\x81"[(seed >> 16) % (round % 3 ? 3 : 7)];
			}
			pat[i][len] = '\0';
			pd_ac_add(r, pat[i], len, i);
		}
		pd_ac_compile(r);
		char rt[300];
		size_t tl = (seed >> 16) % 300;
		for (size_t k = 0; k < tl; k++) {
			seed = seed * 1103515245u + 12345u;
			rt[k] = "abcab\xe3\x81"[(seed >> 16) % (round % 3 ? 3 : 7)];
		}
		/* expected: for each end position, each pattern ending there */
		unsigned long want_sum = 0, got_sum = 0;
		unsigned want_n = 0;
		for (size_t e = 1; e <= tl; e++)
			for (unsigned i = 0; i < np; i++) {
				size_t l = strlen(pat[i]);
				if (l <= e && memcmp(rt + e - l, pat[i], l) == 0) {
					want_n++;
					want_sum += (unsigned long)(i + 1) * 131u + e * 7u;
				}
			}
		struct match_sum g = { 0, 0, 0, true };
		pd_ac_scan(r, rt, tl, on_match_sum, &g);
		got_sum = g.sum;
		if (g.n != want_n || got_sum != want_sum || !g.order)
			bad++;
		/* the pair scan (this automaton and the previous one side by
		 * side, or alone) records what each single scan reports */
		const struct pd_ac *pair[2] = { r, prev };
		struct pd_ac_hit *const ph[2] = { p0, p1 };
		size_t pn[2];
		l0.n = l1.n = 0;
		pd_ac_scan(r, rt, tl, on_match_list, &l0);
		pd_ac_scan(prev, rt, tl, on_match_list, &l1);
		if (!pd_ac_scan_pair(pair, rt, tl, ph, pn, 1 << 16) || !same_hits(&l0, p0, pn[0]) ||
		    !same_hits(&l1, p1, pn[1]))
			bad_pair++;
		/* over its cap it says so */
		if (l0.n > 1 && pd_ac_scan_pair(pair, rt, tl, ph, pn, l0.n - 1))
			bad_pair++;
		pd_ac_free(prev);
		prev = r;
	}
	pd_ac_free(prev);
	CHECK(bad == 0, "%u of %u random automata disagree with a naive search", bad, rounds);
	CHECK(bad_pair == 0, "%u of %u pair scans differ from single scans", bad_pair, rounds);

	/* folding */
	static const struct {
		const char *in, *out;
		unsigned hidden, conf;
	} folds[] = {
		{ "ＡＭＡＺＯＮ", "ＡＭＡＺＯＮ", 0, 0 }, /* not NFKC'd here: fold expects NFKC input */
		{ "AMAZON", "amazon", 0, 0 },
		{ "えきねっと", "エキネット", 0, 0 },
		{ "カゴヤ・ジャパン", "カゴヤジャパン", 0, 0 },
		{ "三井住友 カード", "三井住友カード", 0, 0 },
		{ "Pay\xe2\x80\x8bPal", "paypal", 1, 0 },
		{ "\xd0\x90mazon", "amazon", 0, 1 },
		{ "A\xdc\xbfm\xdc\xbf" "azon", "amazon", 2, 0 },      /* Syriac marks on Latin letters */
		{ "\xe1\xb4\x98\xe1\xb4\x80\xca\x8f", "pay", 0, 3 }, /* small capitals */
		{ "\xe3\x81\x8b\xe3\x82\x99", "\xe3\x82\xab\xe3\x82\x99", 0, 0 }, /* a mark after kana stays */
		{ "  a   b  ", "a b", 0, 0 },
		{ "Hello,\tWORLD\r\n", "hello, world", 0, 0 },
		{ "\xe6\x97\xa5\xe6\x9c\xac ABC", "\xe6\x97\xa5\xe6\x9c\xac" "abc", 0, 0 }, /* 日本 ABC */
		{ "ABC \xe6\x97\xa5\xe6\x9c\xac", "abc\xe6\x97\xa5\xe6\x9c\xac", 0, 0 },
		{ "Pay \xe2\x80\x8b Pal", "pay pal", 1, 0 }, /* the space survives a hidden character */
	};
	struct pd_arena *a = pd_arena_new(0);
	for (size_t i = 0; i < sizeof folds / sizeof *folds; i++) {
		struct pd_fold_marks mk;
		size_t n;
		const char *o = pd_fold(a, folds[i].in, strlen(folds[i].in), &n, &mk);
		CHECK_STREQ(o, folds[i].out, folds[i].in);
		CHECK(mk.hidden_total == folds[i].hidden && mk.conf_total == folds[i].conf,
		      "%s: marks %u/%u", folds[i].in, mk.hidden_total, mk.conf_total);
	}
	pd_arena_free(a);
}

static void test_claims(void)
{
	/* the reference case (../shared/samples, next to the repository) */
	const char *dd = getenv("PHISHDISSECT_DATA");
	char sample[4096];
	snprintf(sample, sizeof sample, "%s/../../shared/samples/kagoya-quarantine.eml", dd ? dd : "data");
	FILE *f = fopen(sample, "rb");
	CHECK(f != NULL, "open %s", sample);
	if (!f)
		return;
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	struct pd_arena *a = pd_arena_new(0);
	struct pd_report *r = run(ctx, buf, a);
	CHECK(r && r->brand && strcmp(r->brand->id, "kagoya") == 0, "reference: brand kagoya");
	if (r && r->brand) {
		CHECK(r->brand->nsites >= 2 && strcmp(r->brand->sites[0].site, "from-display-name") == 0,
		      "reference: claimed in the display name first");
		CHECK(!r->brand->verified, "reference: not verified");
		CHECK(r->brand->ncontra >= 3, "reference: %u contradictions", r->brand->ncontra);
	}
	CHECK(r && pd_report_has(r, PD_F_BRAND_SPOOFED_OWN_DOMAIN), "reference: spoofed");
	CHECK(r && pd_report_has(r, PD_F_BRAND_LINKS_ELSEWHERE), "reference: link elsewhere");
	CHECK(r && pd_report_has(r, PD_F_BRAND_FOOTER_OTHER_COMPANY), "reference: QUALITIA footer");
	CHECK(r && pd_report_has(r, PD_F_CONTENT_LURE_URGENCY), "reference: urgency");
	CHECK(r && r->verdict == PD_VERDICT_PHISHING && r->category == PD_CAT_CREDENTIAL,
	      "reference: phishing, credential phishing");
	pd_arena_free(a);

	for (size_t i = 0; i < sizeof twins / sizeof *twins; i++) {
		a = pd_arena_new(0);
		r = run(ctx, twins[i].msg, a);
		CHECK(r && r->brand && strcmp(r->brand->id, twins[i].brand) == 0, "%s: brand %s", twins[i].name,
		      twins[i].brand);
		CHECK(r && r->brand && r->brand->verified && r->brand->ncontra == 0, "%s: verified", twins[i].name);
		bool any = false;
		for (unsigned k = 0; r && k < r->nfindings; k++)
			any |= strncmp(pd_catalog[r->findings[k].id].id, "BRAND_", 6) == 0 &&
			       r->findings[k].id != PD_F_BRAND_VERIFIED;
		CHECK(r && !any, "%s: no brand finding against it", twins[i].name);
		CHECK(r && pd_report_has(r, PD_F_BRAND_VERIFIED), "%s: BRAND_VERIFIED", twins[i].name);
		CHECK(r && r->verdict == PD_VERDICT_CLEAN, "%s: clean (score %.1f)", twins[i].name, r ? r->score : -1);
		pd_arena_free(a);
	}

	/* details name the brand in the report's language */
	{
		a = pd_arena_new(0);
		r = run(ctx, RCV_OK "From: \"Amazon.co.jp\" <info@shop.example>\nSubject: ご注文\n" HDRS "\nAmazon\n", a);
		const struct pd_finding *bf = NULL;
		for (unsigned k = 0; r && k < r->nfindings; k++)
			if (r->findings[k].id == PD_F_BRAND_FROM_NOT_BRAND)
				bf = &r->findings[k];
		CHECK(bf && strstr(bf->detail, "claims Amazon;") && !strstr(bf->detail, "アマゾン"), "en detail: %s",
		      bf ? bf->detail : "(no finding)");
		CHECK(bf && strstr(bf->detail_ja, "アマゾン を名乗って") && !strstr(bf->detail_ja, "Amazon "),
		      "ja detail: %s", bf ? bf->detail_ja : "(no finding)");
		CHECK(bf && !strpbrk(bf->detail, "\x1e\x1f") && !strpbrk(bf->detail_ja, "\x1e\x1f"), "no name markers left");
		pd_arena_free(a);
	}

	/* news about a brand in a list mail is not a claim */
	a = pd_arena_new(0);
	r = run(ctx, RCV_OK "From: news@list.example\nList-Id: <news.list.example>\nSubject: Apple ships new Macs\n"
	        HDRS "\nApple said today...\nhttps://news.example/apple\n", a);
	CHECK(r && !pd_report_has(r, PD_F_BRAND_FROM_NOT_BRAND) && !pd_report_has(r, PD_F_BRAND_LINKS_ELSEWHERE),
	      "list mail about Apple: no brand finding");
	pd_arena_free(a);
	/* a customer mailbox of the brand is a person, not the brand */
	a = pd_arena_new(0);
	r = run(ctx, RCV_OK "From: \"Apple Support\" <helpdesk2024@icloud.com>\nSubject: Apple ID\n" HDRS "\nApple\n", a);
	CHECK(r && pd_report_has(r, PD_F_BRAND_FROM_NOT_BRAND), "\"Apple Support\" from an iCloud mailbox");
	pd_arena_free(a);
	/* short names: whole word, as written */
	a = pd_arena_new(0);
	r = run(ctx, RCV_OK "From: \"Ana Silva\" <ana@shop.example>\nSubject: hi\n" HDRS "\nhi\n", a);
	CHECK(r && !r->brand, "\"Ana Silva\" is not ANA");
	pd_arena_free(a);
	a = pd_arena_new(0);
	r = run(ctx, RCV_OK "From: \"ANA\" <info@shop.example>\nSubject: hi\n" HDRS "\nhi\n", a);
	CHECK(r && r->brand && strcmp(r->brand->id, "ana") == 0, "\"ANA\" is ANA");
	pd_arena_free(a);
}

static void test_known(void)
{
	const char *to_admin = RCV_CLOUD "From: \"KAGOYA\" <support@kagoya.net>\nSubject: 隔離通知\n"
	                       "To: admin@office.example\nDelivered-To: admin@office.example\n"
	                       "Date: Thu, 28 Sep 2023 09:14:00 +0900\nMessage-ID: <1@mail.example>\n\nKAGOYA\n";
	const char *to_info = RCV_CLOUD "From: \"KAGOYA\" <support@kagoya.net>\nSubject: 隔離通知\n"
	                      "To: info@office.example\nDelivered-To: info@office.example\n"
	                      "Date: Thu, 28 Sep 2023 09:14:00 +0900\nMessage-ID: <1@mail.example>\n\nKAGOYA\n";
	const char *xserver = RCV_OK "From: \"エックスサーバー\" <info@shop.example>\nSubject: 更新\n" HDRS "\nXserver\n";
	CHECK(has_in(ctx_known, to_info, PD_F_BRAND_KNOWN_WRONG_ADDRESS), "KAGOYA mail to info@: wrong address");
	CHECK(!has_in(ctx_known, to_admin, PD_F_BRAND_KNOWN_WRONG_ADDRESS), "KAGOYA mail to admin@: right address");
	CHECK(has_in(ctx_known, xserver, PD_F_BRAND_NOT_USED), "Xserver is not used");
	CHECK(!has_in(ctx_known, to_info, PD_F_BRAND_NOT_USED), "KAGOYA is used");
	CHECK(!has_in(ctx, to_info, PD_F_BRAND_KNOWN_WRONG_ADDRESS) && !has_in(ctx, xserver, PD_F_BRAND_NOT_USED),
	      "without the file nothing is assumed");
}

int main(void)
{
	pd_global_init();
	char *err = NULL;
	struct pd_options opt = PD_OPTIONS_INIT;
	opt.ipdb_dir = "";
	ctx = pd_ctx_new(&opt, &err);
	CHECK(ctx != NULL, "context: %s", err ? err : "");
	if (!ctx)
		return CHECK_DONE();
	char path[] = "/tmp/pd-known-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0, "temp file");
	if (fd >= 0) {
		const char *k = "# test\nkagoya\tadmin@office.example\nsmbc-card\n";
		CHECK(write(fd, k, strlen(k)) == (ssize_t)strlen(k), "write");
		close(fd);
		opt.known_services = path;
		ctx_known = pd_ctx_new(&opt, &err);
		CHECK(ctx_known != NULL, "context with known services: %s", err ? err : "");
		/* an unknown id is an error naming file and line */
		char bad[] = "/tmp/pd-known-XXXXXX";
		int fd2 = mkstemp(bad);
		if (fd2 >= 0) {
			const char *k2 = "kagoya\tadmin@office.example\nno-such-brand\n";
			CHECK(write(fd2, k2, strlen(k2)) == (ssize_t)strlen(k2), "write");
			close(fd2);
			opt.known_services = bad;
			char *e2 = NULL;
			struct pd_ctx *c2 = pd_ctx_new(&opt, &e2);
			CHECK(c2 == NULL && e2 && strstr(e2, ":2:"), "unknown brand id: %s", e2 ? e2 : "(none)");
			free(e2);
			pd_ctx_free(c2);
			unlink(bad);
		}
		unlink(path);
	}
	test_matchers();
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct tcase *c = &cases[i];
		CHECK(has_in(ctx, c->fires, c->id), "%s: %s should fire", c->name, pd_catalog[c->id].id);
		CHECK(!has_in(ctx, c->near_miss, c->id), "%s: %s must not fire on the near miss", c->name,
		      pd_catalog[c->id].id);
	}
	for (size_t i = 0; i < sizeof sender_cases / sizeof *sender_cases; i++) {
		const struct tcase *c = &sender_cases[i];
		CHECK(has_in(ctx, c->fires, c->id), "%s: %s should fire", c->name, pd_catalog[c->id].id);
		CHECK(!has_in(ctx, c->near_miss, c->id), "%s: %s must not fire on the near miss", c->name,
		      pd_catalog[c->id].id);
	}
	test_claims();
	if (ctx_known)
		test_known();
	pd_ctx_free(ctx_known);
	pd_ctx_free(ctx);
	pd_global_shutdown();
	return CHECK_DONE();
}
