/* html_rules.h - what an HTML reader decides beyond the parsing itself:
 * which inline styles hide text, the URL of a meta refresh, and URLs that
 * script code navigates to.  Shared by html.c and the gumbo reference
 * reader (html_gumbo.c), so that tests/html_diff.c compares the parsing
 * alone. */
#ifndef PD_HTML_RULES_H
#define PD_HTML_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "mail/html.h"

/* Copy of an attribute value s[0..n) (already trimmed and bounded by the
 * reader): a data: URL cut at 256 bytes, control characters dropped, a
 * UTF-8 sequence cut in half at the end removed. */
char *pd_html_attr_copy(struct pd_arena *a, const char *s, size_t n);

/* The visible text both readers collected in t (at most max_text bytes)
 * into out->text / out->text_len: a tail cut inside a UTF-8 sequence is
 * dropped, then trailing line breaks; sanitised, and never longer than
 * max_text (cut at a character boundary, PD_HTML_TEXT_TRUNCATED set). */
void pd_html_finish_text(struct pd_arena *a, struct pd_buf *t, size_t max_text, struct pd_html_result *out);

/* Does a style attribute hide its element's text (display:none,
 * visibility:hidden, font-size:0/1px, max-height:0, opacity:0)? */
bool pd_html_style_hides(const char *style);

/* The URL after "url=" in a meta refresh content attribute, or NULL. */
const char *pd_html_refresh_url(struct pd_arena *a, const char *content);

/* Quoted http(s)://, // or data: URLs after location / window.open in
 * script text s[0..n) (at most the first 64 KB, at most 8 per keyword):
 * found(ud, url, len) for each, url not NUL-terminated. */
void pd_html_script_urls(const char *s, size_t n, void (*found)(void *ud, const char *url, size_t len),
                         void *ud);

#endif
