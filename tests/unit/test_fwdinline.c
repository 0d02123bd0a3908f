/* test_fwdinline.c - mail forwarded inline (mail/fwdinline.c): forward
 * subjects, the quoted header block in the forms mail programs write
 * (Gmail, Outlook in English, Portuguese and Japanese, Apple Mail,
 * Thunderbird), quoted replies and other near misses that are not
 * forwards, and the model and finding end to end. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mail/fwdinline.h"
#include "mail/model.h"
#include "phishdissect/pd.h"
#include "report/report.h"

struct scase {
	const char *subject;
	bool fwd;
};

static const struct scase subjects[] = {
	{ "Fwd: invoice", true },
	{ "FW: Microsoft account", true },
	{ "Fw : spaced", true },
	{ "[list] Re: Fwd: nested", true },
	{ "WG: Rechnung", true },
	{ "TR: facture", true },
	{ "\xe8\xbb\xa2\xe9\x80\x81: \xe3\x81\x94\xe6\xa1\x88\xe5\x86\x85", true },       /* 転送: ご案内 */
	{ "\xe8\xbb\xa2\xe9\x80\x81\xef\xbc\x9a\xe3\x81\x94\xe6\xa1\x88\xe5\x86\x85", true }, /* 転送：ご案内 */
	{ "Re: invoice", false },
	{ "Fwdx: not a prefix", false },
	{ "Important: notice", false },
	{ "Re: Meeting: tomorrow", false },
	{ "forwarding rules", false },
	{ "", false },
};

struct bcase {
	const char *name;
	bool fwd_subject;
	const char *text;
	const char *from, *subject, *date; /* NULL: not found */
};

static const struct bcase blocks[] = {
	{ "Gmail", false,
	  "FYI\n\n---------- Forwarded message ---------\nFrom: Bank <alert@bank.example>\n"
	  "Date: Mon, Mar 20, 2023 at 10:38 AM\nSubject: Verify your account\nTo: <me@example.org>\n\nbody\n",
	  "Bank <alert@bank.example>", "Verify your account", "Mon, Mar 20, 2023 at 10:38 AM" },
	{ "Outlook, Portuguese, under a forward subject", true,
	  "\n________________________________\nDe: Sarlote <k@mail.example>\nEnviado: quarta-feira, 30 de agosto de 2023 02:52\n"
	  "Para: me <me@example.org>\nAssunto: Hello there\n\ntext\n",
	  "Sarlote <k@mail.example>", "Hello there", "quarta-feira, 30 de agosto de 2023 02:52" },
	{ "Outlook, address wrapped", true,
	  "Sent from my phone\n____\nFrom: Conta bloqueada <jamie\n4wu@mail.example>\nSent: Thursday, August 17, 2023\n"
	  "To: me\nSubject: Liberacao\n\nbody\n",
	  "Conta bloqueada <jamie\n4wu@mail.example>", "Liberacao", "Thursday, August 17, 2023" },
	{ "Apple Mail", false,
	  "Begin forwarded message:\n\n*From:* \"Shop\" <news@shop.example>\n*Subject:* Your order\n*Date:* 1 May 2024 at 09:00:00 JST\n\nhi\n",
	  "\"Shop\" <news@shop.example>", "Your order", "1 May 2024 at 09:00:00 JST" },
	{ "Thunderbird, Subject first", false,
	  "-------- Forwarded Message --------\nSubject: Notice\nDate: Tue, 2 Jan 2024 10:00:00 +0900\n"
	  "From: Office <office@corp.example>\nTo: me@example.org\n\ntext\n",
	  "Office <office@corp.example>", "Notice", "Tue, 2 Jan 2024 10:00:00 +0900" },
	{ "Outlook, Japanese", true,
	  "\xe5\xb7\xae\xe5\x87\xba\xe4\xba\xba: \xe3\x82\xab\xe3\x83\xbc\xe3\x83\x89\xe4\xbc\x9a\xe7\xa4\xbe <info@card.example>\n" /* 差出人: カード会社 */
	  "\xe9\x80\x81\xe4\xbf\xa1\xe6\x97\xa5\xe6\x99\x82: 2024\xe5\xb9\xb4""5\xe6\x9c\x88""1\xe6\x97\xa5\n" /* 送信日時: 2024年5月1日 */
	  "\xe5\xae\x9b\xe5\x85\x88: me@example.org\n"                                  /* 宛先 */
	  "\xe4\xbb\xb6\xe5\x90\x8d: \xe3\x81\x94\xe5\x88\xa9\xe7\x94\xa8\xe7\xa2\xba\xe8\xaa\x8d\n\n\xe6\x9c\xac\xe6\x96\x87\n", /* 件名: ご利用確認 */
	  "\xe3\x82\xab\xe3\x83\xbc\xe3\x83\x89\xe4\xbc\x9a\xe7\xa4\xbe <info@card.example>",
	  "\xe3\x81\x94\xe5\x88\xa9\xe7\x94\xa8\xe7\xa2\xba\xe8\xaa\x8d", "2024\xe5\xb9\xb4""5\xe6\x9c\x88""1\xe6\x97\xa5" },
	/* near misses */
	{ "reply quoting the original (no forward subject)", false,
	  "Thanks, see below.\n\n-----Original Message-----\nFrom: Bob <bob@corp.example>\nSent: Monday\n"
	  "Subject: Re: plans\n\nold text\n",
	  NULL, NULL, NULL },
	{ "a From line alone, no forward subject", false,
	  "From: Bob <bob@corp.example>\nDate: Monday\nSubject: plans\n\ntext\n", NULL, NULL, NULL },
	{ "forward subject, From without Date or Subject", true,
	  "From: Bob <bob@corp.example>\nTo: me\n\ntext\n", NULL, NULL, NULL },
	{ "marker in a sentence", false,
	  "I read the forwarded message yesterday and it said\nFrom: Bob <bob@corp.example>\nSubject: x\nDate: y\n",
	  NULL, NULL, NULL },
	{ "forward subject, marker-less block needs all three", true,
	  "\nFrom: Bob <bob@corp.example>\nSubject: plans\n\ntext\n", NULL, NULL, NULL },
};

static bool slice_is(const char *t, size_t off, size_t n, const char *want)
{
	return want && strlen(want) == n && memcmp(t + off, want, n) == 0;
}

int main(void)
{
	for (size_t i = 0; i < sizeof subjects / sizeof *subjects; i++)
		CHECK(pd_fwd_subject(subjects[i].subject) == subjects[i].fwd, "subject \"%s\" forward=%d",
		      subjects[i].subject, subjects[i].fwd);
	CHECK(!pd_fwd_subject(NULL), "NULL subject");

	for (size_t i = 0; i < sizeof blocks / sizeof *blocks; i++) {
		const struct bcase *c = &blocks[i];
		struct pd_fwdinline f;
		bool found = pd_fwdinline_find(c->text, strlen(c->text), c->fwd_subject, &f);
		CHECK(found == (c->from != NULL), "%s: found=%d", c->name, found);
		if (!found || !c->from)
			continue;
		CHECK(slice_is(c->text, f.from_off, f.from_len, c->from), "%s: from \"%.*s\"", c->name,
		      (int)f.from_len, c->text + f.from_off);
		CHECK(slice_is(c->text, f.subject_off, f.subject_len, c->subject), "%s: subject \"%.*s\"", c->name,
		      (int)f.subject_len, c->text + f.subject_off);
		CHECK(slice_is(c->text, f.date_off, f.date_len, c->date), "%s: date \"%.*s\"", c->name,
		      (int)f.date_len, c->text + f.date_off);
		/* every case has a blank line between the block and the quoted body */
		CHECK(f.end > f.block && f.end < strlen(c->text) && c->text[f.end] == '\n', "%s: block ends at %zu",
		      c->name, f.end);
	}

	/* bounds: a block below the scanned lines is not seen */
	{
		char buf[4096];
		size_t n = 0;
		for (int i = 0; i < 100; i++)
			n += (size_t)snprintf(buf + n, sizeof buf - n, "line %d\n", i);
		snprintf(buf + n, sizeof buf - n, "From: a <a@x.example>\nDate: d\nSubject: s\n");
		struct pd_fwdinline f;
		CHECK(!pd_fwdinline_find(buf, strlen(buf), true, &f), "block after line %d is ignored", PD_FWD_SCAN_LINES);
		CHECK(pd_fwdinline_find(buf + n - 40, strlen(buf + n - 40), true, &f), "the same block near the top is found");
	}

	/* end to end: the model and MIME_FORWARDED_INLINE */
	pd_global_init();
	char *err = NULL;
	struct pd_options opt = PD_OPTIONS_INIT;
	struct pd_ctx *ctx = pd_ctx_new(&opt, &err);
	CHECK(ctx != NULL, "context: %s", err ? err : "");
	if (!ctx)
		return CHECK_DONE();
	static const char *const msgs[2] = {
		"From: Analyst <user@office.example>\nTo: soc@office.example\nSubject: Fw: Verify your account\n"
		"Date: Thu, 28 Sep 2023 09:20:00 +0900\nMessage-ID: <3@office.example>\nMIME-Version: 1.0\n"
		"Content-Type: text/plain; charset=UTF-8\n\nLooks like phishing.\n\n"
		"________________________________\nFrom: Bank Support <alert@evil.example>\n"
		"Sent: Thursday, September 28, 2023 8:00 AM\nTo: user@office.example\nSubject: Verify your account\n\n"
		"https://evil.example/login\n",
		"From: Analyst <user@office.example>\nTo: soc@office.example\nSubject: Re: Verify your account\n"
		"Date: Thu, 28 Sep 2023 09:20:00 +0900\nMessage-ID: <3@office.example>\nMIME-Version: 1.0\n"
		"Content-Type: text/plain; charset=UTF-8\n\nDone.\n\n-----Original Message-----\n"
		"From: Bank Support <alert@evil.example>\nSent: Thursday\nSubject: Verify your account\n\nold\n",
	};
	for (int k = 0; k < 2; k++) {
		struct pd_arena *a = pd_arena_new(0);
		struct pd_report *r = NULL;
		const char *e = NULL;
		CHECK(pd_analyze(ctx, a, msgs[k], strlen(msgs[k]), "fwdinline", false, &r, &e) == 0, "parses %d", k);
		if (!r) {
			pd_arena_free(a);
			continue;
		}
		const struct pd_msg *m = r->msg;
		if (k == 0) {
			CHECK(m->fwd_inline, "inline forward detected");
			CHECK_STREQ(m->fwd_from.addr, "alert@evil.example", "quoted From");
			CHECK_STREQ(m->fwd_from.display, "Bank Support", "quoted display name");
			CHECK_STREQ(m->fwd_subject, "Verify your account", "quoted Subject");
			CHECK_STREQ(m->from.addr, "user@office.example", "the From is still the forwarder");
			CHECK(m->fwd_part == m->texts[0].part_index && m->fwd_body < m->texts[0].len &&
			      strncmp(m->texts[0].text + m->fwd_body, "\nhttps://evil.example/login", 27) == 0,
			      "quoted body starts after the block (%zu)", m->fwd_body);
			CHECK(pd_report_has(r, PD_F_MIME_FORWARDED_INLINE), "MIME_FORWARDED_INLINE");
		} else {
			CHECK(!m->fwd_inline, "a reply is not a forward");
			CHECK(!pd_report_has(r, PD_F_MIME_FORWARDED_INLINE), "no MIME_FORWARDED_INLINE on a reply");
		}
		pd_arena_free(a);
	}
	pd_ctx_free(ctx);
	return CHECK_DONE();
}
