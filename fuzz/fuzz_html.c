/* fuzz_html.c - HTML to visible text and anchors (html.h).  Callers hand
 * it UTF-8, so the input is sanitised first.  Bounds must hold and every
 * string must be valid UTF-8. */
#include "fuzz_common.h"
#include "base/arena.h"
#include "base/text.h"
#include "mail/html.h"

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
	fuzz_check_utf8(hr.text);
	if (hr.text_len != strlen(hr.text) || hr.text_len > max_text)
		fuzz_fail("text length", hr.text, hr.text_len);
	fuzz_check_utf8(hr.title);
	if (hr.nanchors > max_anchors)
		fuzz_fail("too many anchors", "", hr.nanchors);
	for (unsigned i = 0; i < hr.nanchors; i++) {
		fuzz_check_utf8(hr.anchors[i].href);
		fuzz_check_utf8(hr.anchors[i].text);
		fuzz_check_utf8(hr.anchors[i].title);
	}
	pd_arena_free(a);
	return 0;
}
