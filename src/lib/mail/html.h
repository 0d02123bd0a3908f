/* html.h - the one interface through which the project reads HTML.
 *
 * It must read HTML the way a mail client's browser engine does (HTML5
 * parsing rules), so that what we analyse is what the reader sees.  The
 * implementation is our own one-pass HTML5 tokenizer and tree-builder
 * model (html.c; docs/ARCHITECTURE.md says why and how it is checked
 * against gumbo, kept as the reference in html_gumbo.c). */
#ifndef PD_HTML_H
#define PD_HTML_H

#include <stddef.h>

#include "mail/model.h"

enum pd_html_flags {
	PD_HTML_NODE_LIMIT = 1u << 0,   /* max_nodes reached; rest ignored */
	PD_HTML_TEXT_TRUNCATED = 1u << 1,
	PD_HTML_HAS_FORM = 1u << 2,
	PD_HTML_HAS_PASSWORD = 1u << 3, /* <input type=password> */
	PD_HTML_HAS_SCRIPT = 1u << 4,
	PD_HTML_PARSE_ERRORS = 1u << 5, /* the parser recovered from errors */
	PD_HTML_HIDDEN_TEXT = 1u << 6,  /* display:none / font-size:0 text seen */
};

struct pd_html_result {
	char *text;             /* visible text, UTF-8, blocks separated by '\n' */
	size_t text_len;
	char *title;            /* <title>, "" if none */
	struct pd_anchor *anchors;
	unsigned nanchors;
	unsigned flags;
};

/* Parse html[0..len) (UTF-8; callers convert first) and fill *out with
 * the visible text (script/style/head content excluded, entities decoded,
 * whitespace collapsed, <br>/<p>/<div>/<tr>/<li> as line breaks), and
 * the anchors: a/area href (with their shown text and title), form
 * action, img src (with alt as title), meta refresh URL, base href.
 * At most max_nodes elements, max_text bytes of text, max_anchors anchors.
 * Everything is allocated in a.  Returns 0. */
int pd_html_extract(struct pd_arena *a, const char *html, size_t len,
                    unsigned max_nodes, size_t max_text, unsigned max_anchors,
                    struct pd_html_result *out);

/* Is hidden text evidence (PD_HTML_HIDDEN_TEXT)?  after: hidden text came
 * after visible text; lead: bytes of hidden text before any visible text.
 * A short hidden lead alone is a preheader (the preview line newsletters
 * hide at the top), not a trick: at most PD_HTML_PREHEADER_MAX bytes. */
#define PD_HTML_PREHEADER_MAX 300
static inline bool pd_html_hidden_counts(bool after, size_t lead)
{
	return after || lead > PD_HTML_PREHEADER_MAX;
}

/* reference implementation, tests and benchmarks only: the same contract
 * on gumbo's HTML5 tree builder (html_gumbo.c), built only when gumbo is
 * found.  The analysis never calls it. */
int pd_html_extract_gumbo(struct pd_arena *a, const char *html, size_t len,
                          unsigned max_nodes, size_t max_text, unsigned max_anchors,
                          struct pd_html_result *out);

#endif
