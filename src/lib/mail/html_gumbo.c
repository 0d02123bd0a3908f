/* html_gumbo.c - the reference implementation of html.h on gumbo (HTML5
 * tree construction, then a walk over the tree).  Tests and benchmarks
 * only: tests/html_diff.c compares the production reader (html.c, our own
 * tokenizer) with it on real mail; the analysis never calls it.
 *
 * Limits: gumbo has no nesting limit, its parse time grows with the square
 * of the nesting depth and gumbo_destroy_output() recurses once per level.
 * Browsers cap the tree depth too (Blink at 512), so before parsing we cut
 * the input where a naive tag count says nesting passes MAX_DEPTH; the
 * tree walk is iterative (explicit stack), visits at most max_nodes
 * elements, writes at most max_text bytes of text and max_anchors anchors.
 * Every attribute value is cut at ATTR_MAX bytes.
 */
#include "mail/html.h"
#include "mail/html_rules.h"

#include <gumbo.h>
#include <string.h>

#include "base/text.h"

#define MAX_DEPTH 1024
#define ATTR_MAX 8192
#define ANCHOR_TEXT_MAX 1024
#define SCRIPT_SCAN_MAX (64 * 1024)

/* Element names that never take children (no end tag). */
static bool is_void(const char *p, size_t n)
{
	static const char *const v[] = { "area", "base", "br", "col", "embed", "hr", "img", "input",
		"link", "meta", "param", "source", "track", "wbr", "keygen", "basefont", "frame" };
	for (size_t i = 0; i < sizeof v / sizeof *v; i++)
		if (strlen(v[i]) == n && pd_strnieq(p, v[i], n))
			return true;
	return false;
}

/* Length of the prefix of html to parse: everything up to the point a
 * naive open/close count exceeds MAX_DEPTH. */
static size_t depth_guard(const char *h, size_t n, bool *cut)
{
	long depth = 0;
	*cut = false;
	for (size_t i = 0; i + 1 < n; i++) {
		if (h[i] != '<')
			continue;
		unsigned char c = (unsigned char)h[i + 1];
		if (c == '/') {
			if (depth > 0)
				depth--;
			continue;
		}
		if (!pd_isalpha(c))
			continue;
		size_t s = i + 1, e = s;
		while (e < n && e - s < 16 && pd_isalnum((unsigned char)h[e]))
			e++;
		if (is_void(h + s, e - s))
			continue;
		if (++depth > MAX_DEPTH) {
			*cut = true;
			return i;
		}
	}
	return n;
}

struct walker {
	struct pd_arena *a;
	struct pd_html_result *out;
	struct pd_buf text;
	struct pd_buf title;
	unsigned max_anchors, cap_anchors;
	bool pending_space;
};

static void text_break(struct walker *w)
{
	w->pending_space = false;
	if (w->text.n && w->text.p[w->text.n - 1] != '\n')
		pd_buf_addc(&w->text, '\n');
}

static void text_add(struct walker *w, const char *s, size_t n, struct pd_buf *anchor)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (pd_isspace(c)) {
			w->pending_space = true;
			continue;
		}
		if (c < 0x20 || c == 0x7F)
			continue;
		if (w->pending_space && w->text.n && w->text.p[w->text.n - 1] != '\n')
			pd_buf_addc(&w->text, ' ');
		w->pending_space = false;
		pd_buf_addc(&w->text, (char)c);
	}
	if (anchor) {
		pd_buf_add(anchor, s, n);
	}
}

/* Attribute value: whitespace-trimmed, control characters removed, bounded. */
static const char *attr(struct pd_arena *a, const GumboElement *el, const char *name)
{
	const GumboAttribute *at = gumbo_get_attribute(&el->attributes, name);
	if (!at || !at->value)
		return NULL;
	const char *v = at->value;
	size_t n = strlen(v);
	while (n && pd_isspace((unsigned char)*v))
		v++, n--;
	while (n && pd_isspace((unsigned char)v[n - 1]))
		n--;
	if (n > ATTR_MAX)
		n = ATTR_MAX;
	return pd_html_attr_copy(a, v, n);
}

static struct pd_anchor *add_anchor(struct walker *w, enum pd_link_origin origin, const char *href)
{
	struct pd_html_result *out = w->out;
	if (!href || out->nanchors >= w->max_anchors)
		return NULL;
	if (out->nanchors == w->cap_anchors) {
		unsigned nc = w->cap_anchors ? w->cap_anchors * 2 : 16;
		out->anchors = pd_arena_realloc(w->a, out->anchors, w->cap_anchors * sizeof *out->anchors,
		                                nc * sizeof *out->anchors);
		w->cap_anchors = nc;
	}
	struct pd_anchor *an = &out->anchors[out->nanchors++];
	an->origin = origin;
	an->href = pd_utf8_sanitize(w->a, href, strlen(href), NULL);
	an->text = "";
	an->title = "";
	return an;
}

/* URLs that script code navigates to (html_rules.c) become anchors. */
static void script_url(void *ud, const char *url, size_t len)
{
	struct walker *w = ud;
	add_anchor(w, PD_LINK_HTML_SCRIPT, pd_arena_strndup(w->a, url, len));
}

static void scan_script(struct walker *w, const char *s, size_t n)
{
	pd_html_script_urls(s, n, script_url, w);
}

static bool is_block(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_BR: case GUMBO_TAG_TR: case GUMBO_TAG_LI:
	case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5:
	case GUMBO_TAG_H6: case GUMBO_TAG_TABLE: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_HR:
	case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER:
	case GUMBO_TAG_CENTER: case GUMBO_TAG_DD: case GUMBO_TAG_DT: case GUMBO_TAG_PRE: case GUMBO_TAG_UL:
	case GUMBO_TAG_OL: case GUMBO_TAG_DL: case GUMBO_TAG_ADDRESS: case GUMBO_TAG_NAV: case GUMBO_TAG_MAIN:
	case GUMBO_TAG_FORM: case GUMBO_TAG_FIELDSET: case GUMBO_TAG_CAPTION:
		return true;
	default:
		return false;
	}
}

/* Text of an element's direct and nested text children (bounded), for
 * <title> and <script>. */
static void collect_text(const GumboNode *node, struct pd_buf *b)
{
	const GumboNode *stack[64];
	unsigned top = 0;
	stack[top++] = node;
	while (top) {
		const GumboNode *n = stack[--top];
		if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE || n->type == GUMBO_NODE_CDATA) {
			pd_buf_adds(b, n->v.text.text);
			continue;
		}
		if (n->type != GUMBO_NODE_ELEMENT)
			continue;
		const GumboVector *ch = &n->v.element.children;
		for (unsigned i = ch->length; i > 0 && top < 64; i--)
			stack[top++] = ch->data[i - 1];
	}
}

struct frame {
	const GumboNode *node;
	unsigned next;
	int anchor;     /* index of the innermost open <a>, -1 if none */
	bool hidden;
};

int pd_html_extract_gumbo(struct pd_arena *a, const char *html, size_t len, unsigned max_nodes,
                    size_t max_text, unsigned max_anchors, struct pd_html_result *out)
{
	memset(out, 0, sizeof *out);
	out->text = "";
	out->title = "";
	bool cut;
	size_t n = depth_guard(html, len, &cut);
	if (cut)
		out->flags |= PD_HTML_NODE_LIMIT;
	const char *input = html;
	if (!pd_utf8_valid(html, n))
		input = pd_utf8_sanitize(a, html, n, &n);
	GumboOptions opts = kGumboDefaultOptions;
	opts.max_errors = 1;
	GumboOutput *g = gumbo_parse_with_options(&opts, input, n);
	if (!g)
		return 0;
	if (g->errors.length)
		out->flags |= PD_HTML_PARSE_ERRORS;

	struct walker w = { 0 };
	w.a = a;
	w.out = out;
	w.max_anchors = max_anchors;
	pd_buf_init(&w.text, a, max_text);
	pd_buf_init(&w.title, a, 1024);
	struct pd_buf *atext = NULL; /* text of open anchors, by anchor index */
	unsigned atext_cap = 0;

	bool visible_seen = false, hidden_after = false;
	size_t hidden_lead = 0;
	unsigned cap = 256, top = 0, visited = 0;
	struct frame *st = pd_arena_calloc(a, cap, sizeof *st);
	st[top++] = (struct frame){ g->root, 0, -1, false };
	while (top) {
		struct frame *f = &st[top - 1];
		const GumboNode *node = f->node;
		if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_DOCUMENT &&
		    node->type != GUMBO_NODE_TEMPLATE) {
			if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE ||
			    node->type == GUMBO_NODE_CDATA) {
				const char *t = node->v.text.text;
				size_t tl = strlen(t);
				struct pd_buf *ab = f->anchor >= 0 ? &atext[f->anchor] : NULL;
				text_add(&w, t, tl, ab);
				/* hidden text after visible text, or a long hidden
				 * lead (see pd_html_hidden_counts) */
				if (node->type == GUMBO_NODE_TEXT) {
					if (!f->hidden)
						visible_seen = true;
					else if (visible_seen)
						hidden_after = true;
					else
						hidden_lead += tl;
				}
			}
			top--;
			continue;
		}
		const GumboVector *children = node->type == GUMBO_NODE_DOCUMENT ? &node->v.document.children
		                                                                : &node->v.element.children;
		if (f->next == 0 && node->type == GUMBO_NODE_ELEMENT) {
			/* entering an element */
			if (++visited > max_nodes) {
				out->flags |= PD_HTML_NODE_LIMIT;
				break;
			}
			const GumboElement *el = &node->v.element;
			GumboTag tag = el->tag;
			bool skip_children = false;
			if (pd_html_style_hides(attr(a, el, "style")))
				f->hidden = true;
			if (is_block(tag))
				text_break(&w);
			else if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH)
				w.pending_space = true;
			switch (tag) {
			case GUMBO_TAG_SCRIPT: {
				out->flags |= PD_HTML_HAS_SCRIPT;
				struct pd_buf sb;
				pd_buf_init(&sb, a, SCRIPT_SCAN_MAX);
				collect_text(node, &sb);
				scan_script(&w, sb.p, sb.n);
				skip_children = true;
				break;
			}
			case GUMBO_TAG_STYLE:
			case GUMBO_TAG_TEMPLATE:
				skip_children = true;
				break;
			case GUMBO_TAG_TITLE:
				if (!w.title.n)
					collect_text(node, &w.title);
				skip_children = true;
				break;
			case GUMBO_TAG_A:
			case GUMBO_TAG_AREA: {
				struct pd_anchor *an = add_anchor(&w, PD_LINK_HTML_HREF, attr(a, el, "href"));
				if (an) {
					const char *t = attr(a, el, "title");
					an->title = t ? pd_utf8_sanitize(a, t, strlen(t), NULL) : "";
					if (tag == GUMBO_TAG_AREA) {
						const char *alt = attr(a, el, "alt");
						an->text = alt ? pd_collapse_ws(a, alt, strlen(alt)) : "";
					} else {
						unsigned idx = out->nanchors - 1;
						if (idx >= atext_cap) {
							unsigned nc = atext_cap ? atext_cap * 2 : 16;
							while (nc <= idx)
								nc *= 2;
							atext = pd_arena_realloc(a, atext, atext_cap * sizeof *atext, nc * sizeof *atext);
							atext_cap = nc;
						}
						pd_buf_init(&atext[idx], a, ANCHOR_TEXT_MAX);
						f->anchor = (int)idx;
					}
				}
				break;
			}
			case GUMBO_TAG_FORM:
				out->flags |= PD_HTML_HAS_FORM;
				add_anchor(&w, PD_LINK_HTML_FORM, attr(a, el, "action"));
				break;
			case GUMBO_TAG_INPUT: {
				const char *type = attr(a, el, "type");
				if (type && pd_strieq(type, "password"))
					out->flags |= PD_HTML_HAS_PASSWORD;
				break;
			}
			case GUMBO_TAG_IMG: {
				const char *alt = attr(a, el, "alt");
				struct pd_anchor *an = add_anchor(&w, PD_LINK_HTML_IMG, attr(a, el, "src"));
				if (an && alt)
					an->title = pd_collapse_ws(a, alt, strlen(alt));
				/* an image-only link: the alt text is what the reader "sees" */
				if (f->anchor >= 0 && alt && out->anchors[f->anchor].title[0] == '\0')
					out->anchors[f->anchor].title = pd_collapse_ws(a, alt, strlen(alt));
				break;
			}
			case GUMBO_TAG_META: {
				const char *he = attr(a, el, "http-equiv");
				const char *content = attr(a, el, "content");
				if (he && content && pd_strieq(he, "refresh"))
					add_anchor(&w, PD_LINK_HTML_META, pd_html_refresh_url(a, content));
				break;
			}
			case GUMBO_TAG_BASE:
				add_anchor(&w, PD_LINK_HTML_BASE, attr(a, el, "href"));
				break;
			case GUMBO_TAG_IFRAME:
			case GUMBO_TAG_FRAME:
			case GUMBO_TAG_EMBED:
				add_anchor(&w, PD_LINK_HTML_OTHER, attr(a, el, "src"));
				break;
			case GUMBO_TAG_OBJECT:
				add_anchor(&w, PD_LINK_HTML_OTHER, attr(a, el, "data"));
				break;
			default:
				break;
			}
			if (skip_children) {
				f->next = children->length;
			}
		}
		if (f->next < children->length) {
			const GumboNode *child = children->data[f->next++];
			if (top == cap) {
				st = pd_arena_realloc(a, st, cap * sizeof *st, cap * 2 * sizeof *st);
				cap *= 2;
				f = &st[top - 1];
			}
			st[top++] = (struct frame){ child, 0, f->anchor, f->hidden };
			continue;
		}
		/* leaving the element */
		if (node->type == GUMBO_NODE_ELEMENT) {
			GumboTag tag = node->v.element.tag;
			if (is_block(tag))
				text_break(&w);
			if (tag == GUMBO_TAG_A && f->anchor >= 0 && (top < 2 || st[top - 2].anchor != f->anchor)) {
				struct pd_buf *ab = &atext[f->anchor];
				out->anchors[f->anchor].text = pd_utf8_sanitize(a, pd_collapse_ws(a, ab->p, ab->n),
				                                                 strlen(pd_collapse_ws(a, ab->p, ab->n)), NULL);
			}
		}
		top--;
	}
	/* anchors left open by the node limit still get their text */
	for (unsigned i = 0; i < out->nanchors && i < atext_cap; i++)
		if (out->anchors[i].origin == PD_LINK_HTML_HREF && atext[i].p && !*out->anchors[i].text && atext[i].n)
			out->anchors[i].text = pd_utf8_sanitize(a, pd_collapse_ws(a, atext[i].p, atext[i].n),
			                                        strlen(pd_collapse_ws(a, atext[i].p, atext[i].n)), NULL);
	if (pd_html_hidden_counts(hidden_after, hidden_lead))
		out->flags |= PD_HTML_HIDDEN_TEXT;
	pd_html_finish_text(a, &w.text, max_text, out);
	out->title = pd_collapse_ws(a, w.title.p, w.title.n);
	out->title = pd_utf8_sanitize(a, out->title, strlen(out->title), NULL);
	gumbo_destroy_output(&opts, g);
	return 0;
}
