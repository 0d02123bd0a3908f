/* test_limits.c - hostile input: a generated message crosses each bound of
 * struct pd_limits; the analysis must not crash, must end in bounded time
 * (LIMIT_SECONDS, ten times that under ASan), and must give a
 * MIME_LIMIT_REACHED finding and a partial report that still renders.
 * Then output safety: terminal escapes, bidi overrides, zero-width
 * characters and invalid UTF-8 in every field of a message never reach the
 * text report raw, and the JSON report is valid UTF-8 and parses.
 * Messages are generated here (example names, documentation IPs). */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "fuzz/fuzz_common.h"
#include "mail/model.h"
#include "phishdissect/pd.h"
#include "report/report.h"

#if defined(__SANITIZE_ADDRESS__)
#define SLOW 10
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLOW 10
#endif
#endif
#ifndef SLOW
#define SLOW 1
#endif
#define LIMIT_SECONDS 5.0

/* fuzz_common.h declares the libFuzzer entry points; this is no fuzz target */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { (void)data; (void)size; return 0; }
int LLVMFuzzerInitialize(int *argc, char ***argv) { (void)argc; (void)argv; return 0; }

/* ---- a growable byte string for building messages ---- */
struct sb {
	char *p;
	size_t n, cap;
};

static void sb_add(struct sb *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap : 4096;
		while (nc < b->n + n + 1)
			nc *= 2;
		char *np = realloc(b->p, nc);
		if (!np)
			abort();
		b->p = np;
		b->cap = nc;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void sb_puts(struct sb *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_printf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sb *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void sb_repeat(struct sb *b, const char *s, size_t times)
{
	size_t l = strlen(s);
	for (size_t i = 0; i < times; i++)
		sb_add(b, s, l);
}

#define HDRS "From: a@sender.example\nTo: b@office.example\nSubject: test\n" \
	"Date: Thu, 28 Sep 2023 09:14:00 +0900\nMessage-ID: <1@sender.example>\nMIME-Version: 1.0\n"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct pd_ctx *new_ctx(const struct pd_limits *lim)
{
	struct pd_options opt = PD_OPTIONS_INIT;
	opt.ipdb_dir = "";
	opt.now = 1700000000;
	if (lim)
		opt.limits = *lim;
	char *err = NULL;
	struct pd_ctx *c = pd_ctx_new(&opt, &err);
	CHECK(c != NULL, "context: %s", err ? err : "");
	free(err);
	return c;
}

static bool json_ok(const char *s)
{
	json_tokener *tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	json_object *o = json_tokener_parse_ex(tok, s, (int)strlen(s));
	bool ok = o && json_tokener_get_error(tok) == json_tokener_success;
	json_object_put(o);
	json_tokener_free(tok);
	return ok;
}

/* Does a MIME_LIMIT_REACHED finding mention needle (in where or value)? */
static bool limit_says(const struct pd_report *r, const char *needle)
{
	for (unsigned i = 0; i < r->nfindings; i++) {
		const struct pd_finding *f = &r->findings[i];
		if (f->id == PD_F_MIME_LIMIT_REACHED &&
		    ((f->where && strstr(f->where, needle)) || (f->value && strstr(f->value, needle))))
			return true;
	}
	return false;
}

/* Analyse msg, check the limit promise; needle: what the finding must say. */
static void crosses(const struct pd_ctx *c, const char *name, const char *msg, size_t len,
                    const char *needle)
{
	struct pd_arena *a = pd_arena_new(0);
	struct pd_report *r = NULL;
	const char *err = NULL;
	double t0 = now_s();
	int rc = pd_analyze(c, a, msg, len, name, false, &r, &err);
	double dt = now_s() - t0;
	CHECK(rc == 0 && r, "%s: analysed (%s)", name, err ? err : "");
	if (rc == 0 && r) {
		CHECK(pd_report_has(r, PD_F_MIME_LIMIT_REACHED), "%s: MIME_LIMIT_REACHED", name);
		CHECK(r->partial, "%s: report marked partial", name);
		CHECK(!needle || limit_says(r, needle), "%s: a limit finding says '%s'", name, needle);
		const char *j = pd_render_json(c, a, r, 0);
		CHECK(json_ok(j), "%s: JSON parses", name);
		const char *t = pd_render_text(c, a, r, PD_LANG_EN, 0);
		CHECK(t && *t, "%s: text renders", name);
	}
	CHECK(dt < LIMIT_SECONDS * SLOW, "%s: took %.2f s (bound %.0f s)", name, dt, LIMIT_SECONDS * SLOW);
	printf("  %-34s %6.2f s  %zu bytes\n", name, dt, len);
	pd_arena_free(a);
}

static void limits(void)
{
	struct pd_ctx *c = new_ctx(NULL);
	if (!c)
		return;
	struct sb b = { 0 };

	/* multipart nesting 10,000 levels deep */
	sb_puts(&b, HDRS);
	for (int i = 0; i < 10000; i++)
		sb_printf(&b, "Content-Type: multipart/mixed; boundary=\"n%d\"\n\n--n%d\n", i, i);
	sb_puts(&b, "Content-Type: text/plain\n\nhello\n");
	for (int i = 9999; i >= 0; i--)
		sb_printf(&b, "--n%d--\n", i);
	crosses(c, "10,000 nested multiparts", b.p, b.n, NULL);

	/* 100,000 parts */
	b.n = 0;
	sb_puts(&b, HDRS "Content-Type: multipart/mixed; boundary=\"B\"\n\n");
	for (int i = 0; i < 100000; i++)
		sb_printf(&b, "--B\nContent-Type: text/plain\n\npart %d\n", i);
	sb_puts(&b, "--B--\n");
	crosses(c, "100,000 parts", b.p, b.n, "MIME");

	/* the same lines under a boundary= outside Content-Type: GMime does
	 * not split there, so they are text, not boundaries to count */
	b.n = 0;
	sb_puts(&b, HDRS "X-Note: boundary=\"B\"\nContent-Type: text/plain\n\n");
	for (int i = 0; i < 100000; i++)
		sb_printf(&b, "--B\nline %d\n", i);
	{
		struct pd_arena *a = pd_arena_new(0);
		struct pd_report *r = NULL;
		const char *err = NULL;
		int rc = pd_analyze(c, a, b.p, b.n, "x-note", false, &r, &err);
		CHECK(rc == 0 && r && !limit_says(r, "boundary lines"),
		      "boundary= outside Content-Type: no boundary-line limit");
		pd_arena_free(a);
	}

	/* a 50 MB header on one line, and one folded over 10 million lines */
	b.n = 0;
	sb_puts(&b, HDRS "X-Big: ");
	sb_repeat(&b, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 50u << 14);
	sb_puts(&b, "\n\nbody\n");
	crosses(c, "50 MB header line", b.p, b.n, "header");
	b.n = 0;
	sb_puts(&b, HDRS "Subject: ");
	sb_repeat(&b, "a b\n ", 10u << 20);
	sb_puts(&b, "\n\nbody\n");
	crosses(c, "50 MB folded header", b.p, b.n, "header");

	/* a million URLs in text, and a million anchors in HTML */
	b.n = 0;
	sb_puts(&b, HDRS "Content-Type: text/plain\n\n");
	for (int i = 0; i < 1000000; i++)
		sb_printf(&b, "http://h%d.example/p\n", i);
	crosses(c, "a million URLs (text)", b.p, b.n, "links");
	b.n = 0;
	sb_puts(&b, HDRS "Content-Type: text/html\n\n");
	for (int i = 0; i < 1000000; i++)
		sb_printf(&b, "<a href=\"http://h%d.example/\">x</a>\n", i);
	crosses(c, "a million anchors (HTML)", b.p, b.n, "links");

	/* base64 bomb: 40 MB of text in base64 (53 MB on the wire) */
	b.n = 0;
	sb_puts(&b, HDRS "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n");
	sb_repeat(&b, "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\n",
	          (40u << 20) / 57);
	crosses(c, "base64 bomb (40 MB decoded)", b.p, b.n, "text");

	/* ISO-2022-JP escape flood: in an encoded Subject (over the header
	 * bound) and 48 MB of bare escape sequences in the body */
	b.n = 0;
	sb_puts(&b, "From: a@sender.example\nTo: b@office.example\nSubject: ");
	sb_repeat(&b, "=?ISO-2022-JP?B?GyRCGyhCGyRCGyhC?= ", 4000);
	sb_puts(&b, "\nContent-Type: text/plain; charset=iso-2022-jp\n\n");
	sb_repeat(&b, "\x1b$B\x1b(B\x1b$(D\x1b(J\x1b(I\x0e\x0f", 2u << 20);
	sb_repeat(&b, "\x1b$B$3$s$K$A$O\x1b(B", 1u << 20);
	crosses(c, "ISO-2022-JP escape flood", b.p, b.n, NULL);

	/* 100,000 Received lines, and 100,000 mixed headers (the parser's
	 * warnings must not crowd out the limit finding) */
	b.n = 0;
	for (int i = 0; i < 100000; i++)
		sb_printf(&b, "Received: from h%d.example (h%d.example [198.51.100.%d]) by mx.office.example "
		          "with ESMTP id %d; Thu, 28 Sep 2023 09:14:00 +0900\n", i, i, i % 250, i);
	sb_puts(&b, HDRS "\nbody\n");
	crosses(c, "100,000 Received lines", b.p, b.n, "Received");
	b.n = 0;
	sb_puts(&b, HDRS);
	for (int i = 0; i < 100000; i++)
		sb_printf(&b, "Authentication-Results: mx.office.example; spf=pass smtp.mailfrom=a%d@sender.example\n"
		          "To: u%d@office.example\n", i, i);
	sb_puts(&b, "\nbody\n");
	crosses(c, "100,000 headers with warnings", b.p, b.n, "header");

	/* HTML elements in one part */
	b.n = 0;
	sb_puts(&b, HDRS "Content-Type: text/html\n\n<html><body>");
	sb_repeat(&b, "<b>", 300000);
	crosses(c, "300,000 HTML elements", b.p, b.n, "HTML");
	pd_ctx_free(c);

	/* bounds given by flags: message size, attachments, time */
	struct pd_limits lim = PD_LIMITS_INIT;
	lim.max_message_bytes = 1u << 20;
	lim.max_parts = 2000;
	lim.max_time_ms = 1;
	c = new_ctx(&lim);
	if (c) {
		b.n = 0;
		sb_puts(&b, HDRS "Content-Type: multipart/mixed; boundary=\"B\"\n\n");
		for (int i = 0; i < 300; i++)
			sb_printf(&b, "--B\nContent-Type: application/pdf; name=\"f%d.pdf\"\n"
			          "Content-Disposition: attachment\n\nJVBERi0xLjQK\n", i);
		sb_puts(&b, "--B--\n");
		struct pd_arena *a = pd_arena_new(0);
		struct pd_report *r = NULL;
		const char *err = NULL;
		/* 1 ms: the clock has moved on by the time parts or analyzers are checked */
		int rc = pd_analyze(c, a, b.p, b.n, "time", false, &r, &err);
		CHECK(rc == 0 && r && limit_says(r, "stopped after 1 ms") && r->partial,
		      "time_ms=1: analysis stopped with a finding");
		pd_arena_free(a);
		sb_repeat(&b, "padding line to cross the message size bound\n", 30000);
		crosses(c, "message over max_message_bytes", b.p, b.n, "cut at");
		pd_ctx_free(c);
	}
	lim = (struct pd_limits)PD_LIMITS_INIT;
	lim.max_parts = 2000;
	c = new_ctx(&lim);
	if (c) {
		b.n = 0;
		sb_puts(&b, HDRS "Content-Type: multipart/mixed; boundary=\"B\"\n\n");
		for (int i = 0; i < 300; i++)
			sb_printf(&b, "--B\nContent-Type: application/pdf; name=\"f%d.pdf\"\n"
			          "Content-Disposition: attachment\n\nJVBERi0xLjQK\n", i);
		sb_puts(&b, "--B--\n");
		crosses(c, "300 attachments", b.p, b.n, "attachments");
		pd_ctx_free(c);
	}
	free(b.p);
}

/* ---------------------------------------------------------- output safety */

#define E "\x1b]8;;http://evil.example/\x07\x1b[2J\x1b[31m"   /* OSC 8 link, clear, colour */
#define BIDI "\xe2\x80\xae" "gpj.exe" "\xe2\x80\xac\xe2\x81\xa6"   /* RLO, PDF, LRI */
#define ZW "\xe2\x80\x8b\xe2\x80\x8d\xef\xbb\xbf\xc2\xad"          /* ZWSP ZWJ BOM SHY */
#define BAD "\xff\xfe\xc0\xaf\xed\xa0\x80\x80\xc2\x9b"             /* invalid UTF-8, C1 CSI */
#define ALL E BIDI ZW BAD

static const char hostile_msg[] =
	"Received: from evil" ALL ".example (evil" ALL ".example [203.0.113.9]) by mx" ALL
	".office.example with ESMTP id " ALL " for <b" ALL "@office.example>; Thu, 28 Sep 2023 09:14:00 +0900\n"
	"Authentication-Results: mx.office.example; spf=fail smtp.mailfrom=x" ALL
	"@evil.example; dkim=fail header.d=" ALL "bank.example reason=\"" ALL "\"\n"
	"From: \"Bank" ALL "\" <support" ALL "@bank" ALL ".example>\n"
	"Reply-To: =?utf-8?B?G1syShtdODs7aHR0cDovL2V2aWwvBw==?= <r" ALL "@evil.example>\n"
	"Sender: =?utf-8?Q?=1B[31m=E2=80=AE=E2=80=8B=FF?= <s@evil.example>\n"
	"To: b" ALL "@office.example\n"
	"Subject: =?utf-8?Q?=1B[31mURGENT=E2=80=AE=C2=9B?= " ALL "\n"
	"Date: Thu, 28 Sep 2023 09:14:00 +0900" ALL "\n"
	"Message-ID: <" ALL "@evil.example>\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/mixed; boundary=\"b1\"\n\n"
	"--b1\nContent-Type: text/plain; charset=utf-8\n\n"
	"Log in at http://evil" ALL ".example/" ALL "/login now " ALL "\n"
	"--b1\nContent-Type: text/html; charset=utf-8\n\n"
	"<title>" ALL "</title><a href=\"https://evil.example/" ALL "\" title=\"" ALL "\">https://bank.example/"
	ALL "</a><a href=\"http://203.0.113.7/" E "\">" ZW "</a>\n"
	"--b1\nContent-Type: application/octet-stream; name=\"invoice" ALL ".exe\"\n"
	"Content-Disposition: attachment; filename=\"invoice" BIDI "fdp.exe" E "\"\n"
	"Content-Transfer-Encoding: base64\n\nTVqQAAMAAAAEAAAA\n--b1--\n";

static void output_safety(void)
{
	struct pd_ctx *c = new_ctx(NULL);
	if (!c)
		return;
	struct pd_arena *a = pd_arena_new(0);
	struct pd_report *r = NULL;
	const char *err = NULL;
	int rc = pd_analyze(c, a, hostile_msg, sizeof hostile_msg - 1, "hostile" ALL, false, &r, &err);
	CHECK(rc == 0 && r, "hostile message analysed");
	if (rc == 0 && r) {
		static const struct { enum pd_lang lang; unsigned flags; const char *name; } v[] = {
			{ PD_LANG_EN, 0, "text en" }, { PD_LANG_JA, 0, "text ja" },
			{ PD_LANG_EN, PD_TEXT_NO_DEFANG, "text en --no-defang" },
			{ PD_LANG_JA, PD_TEXT_NO_DEFANG, "text ja --no-defang" },
		};
		for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
			const char *t = pd_render_text(c, a, r, v[i].lang, v[i].flags);
			size_t n = strlen(t);
			bool safe = true;
			for (size_t k = 0; k < n && safe;) {
				long cp = fuzz_utf8_next((const unsigned char *)t, n, &k);
				safe = cp >= 0 && !fuzz_cp_unsafe((unsigned long)cp, true);
			}
			CHECK(safe, "%s: nothing unsafe reaches the terminal", v[i].name);
			/* and the hostile characters were shown, as markers */
			CHECK(strstr(t, "<U+202E>") && strstr(t, "<ESC>") && strstr(t, "<U+200B>"),
			      "%s: markers shown", v[i].name);
		}
		const char *io = pd_render_iocs(c, a, r, PD_TEXT_NO_DEFANG);
		size_t n = strlen(io);
		bool safe = true;
		for (size_t k = 0; k < n && safe;) {
			long cp = fuzz_utf8_next((const unsigned char *)io, n, &k);
			safe = cp >= 0 && !fuzz_cp_unsafe((unsigned long)cp, true);
		}
		CHECK(safe, "iocs: nothing unsafe reaches the terminal");
		for (int pretty = 0; pretty < 2; pretty++) {
			const char *j = pd_render_json(c, a, r, pretty);
			size_t jn = strlen(j);
			bool valid = true;
			for (size_t k = 0; k < jn && valid;)
				valid = fuzz_utf8_next((const unsigned char *)j, jn, &k) >= 0;
			CHECK(valid, "JSON (pretty=%d) is valid UTF-8", pretty);
			CHECK(json_ok(j), "JSON (pretty=%d) parses", pretty);
			CHECK(strchr(j, 0x1b) == NULL, "JSON (pretty=%d) has no raw ESC", pretty);
		}
	}
	pd_arena_free(a);
	pd_ctx_free(c);
}

int main(void)
{
	pd_global_init();
	limits();
	output_safety();
	pd_global_shutdown();
	return CHECK_DONE();
}
