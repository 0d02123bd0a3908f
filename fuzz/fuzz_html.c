/* fuzz_html.c - HTML to visible text and anchors (html.h, our tokenizer
 * in html.c).  Callers hand it UTF-8, so the input is sanitised first.
 * Bounds must hold and every string must be valid UTF-8.
 *
 * When gumbo is built in (PD_HTML_GUMBO_ORACLE) and PD_FUZZ_GUMBO=1 is
 * set, the same input also goes through the reference reader
 * (html_gumbo.c) and the invariants both must keep are checked on both;
 * the outputs are not required to be equal (tests/html_diff.c measures
 * agreement on real mail).  Off by default: Debian's libgumbo 0.10.1 is
 * built with assertions and aborts on some hostile input by itself
 * ("node_qualified_tag_is: Assertion `node' failed" after 250 CPU-seconds
 * here; upstream google/gumbo-parser#331, rubys/nokogumbo#125), which
 * would stop every long run for a reader that is only a test oracle. */
#include "fuzz_common.h"
#include "base/arena.h"
#include "base/text.h"
#include "mail/html.h"

static void check(const struct pd_html_result *hr, size_t max_text, unsigned max_anchors)
{
	fuzz_check_utf8(hr->text);
	if (hr->text_len != strlen(hr->text) || hr->text_len > max_text)
		fuzz_fail("text length", hr->text, hr->text_len);
	fuzz_check_utf8(hr->title);
	if (hr->nanchors > max_anchors)
		fuzz_fail("too many anchors", "", hr->nanchors);
	for (unsigned i = 0; i < hr->nanchors; i++) {
		const struct pd_anchor *an = &hr->anchors[i];
		fuzz_check_utf8(an->href);
		fuzz_check_utf8(an->text);
		fuzz_check_utf8(an->title);
		if (an->origin < PD_LINK_HTML_HREF || an->origin > PD_LINK_HTML_OTHER)
			fuzz_fail("anchor origin", an->href, an->origin);
		/* attribute values lose their control characters */
		if (an->origin != PD_LINK_HTML_SCRIPT && an->origin != PD_LINK_HTML_META)
			for (const char *p = an->href; *p; p++)
				if ((unsigned char)*p < 0x20 || *p == 0x7F)
					fuzz_fail("control character in href", an->href, (size_t)(p - an->href));
		if (strlen(an->href) > 8192)
			fuzz_fail("href longer than ATTR_MAX", an->href, strlen(an->href));
	}
	/* the text has no line break at either end */
	if (hr->text_len && (hr->text[0] == '\n' || hr->text[hr->text_len - 1] == '\n'))
		fuzz_fail("line break at an end of the text", hr->text, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_arena *a = pd_arena_new(0);
	size_t n;
	const char *html = pd_utf8_sanitize(a, (const char *)data, size, &n);
	const unsigned max_nodes = 500, max_anchors = 32;
	const size_t max_text = 8192;
	struct pd_html_result hr;
	memset(&hr, 0, sizeof hr);
	pd_html_extract(a, html, n, max_nodes, max_text, max_anchors, &hr);
	check(&hr, max_text, max_anchors);
	/* the raw bytes too: the reader must sanitise what it is given */
	pd_html_extract(a, (const char *)data, size, max_nodes, max_text, max_anchors, &hr);
	check(&hr, max_text, max_anchors);
#ifdef PD_HTML_GUMBO_ORACLE
	static int with_gumbo = -1;
	if (with_gumbo < 0) {
		const char *e = getenv("PD_FUZZ_GUMBO");
		with_gumbo = e && strcmp(e, "1") == 0;
	}
	if (with_gumbo) {
		struct pd_html_result ref;
		memset(&ref, 0, sizeof ref);
		pd_html_extract_gumbo(a, html, n, max_nodes, max_text, max_anchors, &ref);
		check(&ref, max_text, max_anchors);
	}
#endif
	pd_arena_free(a);
	return 0;
}
