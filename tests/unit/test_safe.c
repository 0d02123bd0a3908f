/* test_safe.c - defanging and terminal safety: what reaches a terminal. */
#include <string.h>

#include "base/arena.h"
#include "base/safe.h"
#include "check.h"

int main(void)
{
	struct pd_arena *a = pd_arena_new(0);
	static const struct { const char *in, *want; } urls[] = {
		{ "https://solarpivotpower.com/wp-includes/js/kagoya.net/?uid=info@office.example",
		  "hxxps://solarpivotpower[.]com/wp-includes/js/kagoya.net/?uid=info@office.example" },
		{ "http://192.0.2.1:8080/x", "hxxp://192[.]0[.]2[.]1:8080/x" },
		{ "HTTPS://Evil.Example", "hxxps://Evil[.]Example" },
		{ "https://www.bank.example@evil.example/", "hxxps://www[.]bank[.]example[@]evil[.]example/" },
		{ "ftp://files.example/a", "fxp://files[.]example/a" },
		{ "www.example.com/path", "www[.]example[.]com/path" },
		{ "mailto:a@example.com", "mailto:a@example.com" },
		{ "https://x.example/\x1b[31mred", "hxxps://x[.]example/<ESC>[31mred" },
	};
	for (size_t i = 0; i < sizeof urls / sizeof *urls; i++)
		CHECK_STREQ(pd_defang_url(a, urls[i].in), urls[i].want, urls[i].in);

	CHECK_STREQ(pd_defang_host(a, "13.113.112.84"), "13[.]113[.]112[.]84", "ip");
	CHECK_STREQ(pd_defang_host(a, "2001:db8::1"), "2001:db8::1", "v6 kept");

	/* terminal safety: escapes, C1, bidi, zero-width, invalid bytes */
	static const struct { const char *in; const char *want; } t[] = {
		{ "plain 日本語", "plain 日本語" },
		{ "\x1b]8;;http://x\x07", "<ESC>]8;;http://x<U+0007>" },
		{ "a\xe2\x80\xae" "cod.exe", "a<U+202E>cod.exe" },       /* RLO */
		{ "pay\xe2\x80\x8bpal", "pay<U+200B>pal" },              /* ZWSP */
		{ "\xc2\x9b" "31m", "<U+009B>31m" },                     /* C1 CSI */
		{ "bad\xff", "bad<FF>" },
		{ "line\nbreak\r", "line break" },
		{ "\xef\xbb\xbf" "bom", "<U+FEFF>bom" },
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++)
		CHECK_STREQ(pd_term_safe(a, t[i].in, strlen(t[i].in), 0), t[i].want, t[i].in);
	CHECK_STREQ(pd_term_safe(a, "a\nb", 3, PD_TERM_KEEP_NEWLINES), "a\nb", "keep newlines");

	CHECK_STREQ(pd_defang_text(a, "Amazon EC2, IP 13.113.112.84"), "Amazon EC2, IP 13[.]113[.]112[.]84", "text ip");
	CHECK_STREQ(pd_defang_text(a, "real host evil.example (x)"), "real host evil[.]example (x)", "text host");
	CHECK_STREQ(pd_defang_text(a, "1.5 hours, recipient info@office.example"),
	            "1.5 hours, recipient info@office.example", "numbers and addresses kept");
	CHECK_STREQ(pd_defang_text(a, "see https://a.example/x"), "see hxxps://a[.]example/x", "text url");
	/* Japanese text runs straight into host names and URLs */
	CHECK_STREQ(pd_defang_text(a, "\xe5\x85\xac\xe5\xbc\x8f\xef\xbc\x88" "amazon.co.jp, evil.example\xef\xbc\x89"),
	            "\xe5\x85\xac\xe5\xbc\x8f\xef\xbc\x88" "amazon[.]co[.]jp, evil[.]example\xef\xbc\x89", "text host next to Japanese");
	CHECK_STREQ(pd_defang_text(a, "\xe8\xa1\xa8\xe7\xa4\xba\xe3\x81\xaf" "https://a.example/x\xe3\x80\x81"),
	            "\xe8\xa1\xa8\xe7\xa4\xba\xe3\x81\xaf" "hxxps://a[.]example/x\xe3\x80\x81", "text url next to Japanese");

	unsigned bidi, zw;
	pd_count_hidden("a\xe2\x80\xae\xe2\x80\x8b\xe2\x81\xa6", 10, &bidi, &zw);
	CHECK(bidi == 2 && zw == 1, "bidi %u zw %u", bidi, zw);
	pd_arena_free(a);
	return CHECK_DONE();
}
