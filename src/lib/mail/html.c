/* html.c - read HTML the way a mail client's browser engine does, in one
 * pass and without building a tree, and extract what the analysis needs:
 * the visible text, the title, and every link-bearing element.
 *
 * Tokenizer: the WHATWG HTML tokenizer (html.spec.whatwg.org, section
 * 13.2.5) for every state that changes what is seen: data, RCDATA,
 * RAWTEXT, script data with its escaped and double-escaped states,
 * PLAINTEXT, tags and attributes, comments (incl. "<!-->", "<!--->",
 * "--!>"), bogus comments, DOCTYPE (skipped to '>', which is where every
 * DOCTYPE state ends), CDATA in foreign content, and character references
 * with the full named table (html_entities.h, longest prefix, the legacy
 * names without ';', the attribute-value rule, the numeric C1 table).
 * The whole input is in memory, so comments, raw text and references are
 * scanned by functions rather than walked state by state; the result is
 * the same token stream.
 *
 * Tree builder, without a tree: a stack of open elements (MAX_DEPTH
 * deep), the list of active formatting elements with markers, Noah's Ark
 * and reconstruction (an <a> left open reopens in the next block, as in a
 * browser), the adoption agency (its effect on the open elements, and the
 * clones of <a> it makes, as new links), implied end tags, the scopes,
 * the "special" category, the table, row, cell, caption, column group,
 * select and frameset insertion modes, foster parenting (text and
 * elements misplaced in a table come before it: output goes into chunks
 * joined in tree order), quirks mode from the DOCTYPE (a <table> does not
 * close a <p> then), foreign content (svg/math) with its breakout tags,
 * integration points and CDATA, and the tokenizer switches the tree
 * builder makes (title/textarea RCDATA; style/xmp/iframe/noembed/noframes
 * RAWTEXT; script; plaintext; not in foreign content).  Scripting is off,
 * as in a mail client: <noscript> content is markup, as in gumbo.
 * Approximated: the head/body modes are folded into "in body" (head-only
 * elements are handled wherever they appear, as in-body does); a
 * <frameset> that replaces the body does not take back what was already
 * read of it; the adoption agency's clones of formatting elements other
 * than <a> are not made (they would only carry an inherited hidden
 * style); Noah's Ark compares tag, link, hidden style and the number of
 * attributes; <select> keeps only its own content (the rules before the
 * 2025 customizable select, as gumbo).  The extraction itself (what is
 * text, which elements are links) is html_gumbo.c's walker's, element by
 * element; docs/ARCHITECTURE.md has the measured agreement with gumbo
 * (tests/html_diff.c).
 *
 * Limits: at most max_nodes elements (start tags and reopened formatting
 * elements) are processed, then the rest is ignored (NODE_LIMIT); the
 * stack holds MAX_DEPTH elements, deeper ones are handled but not pushed
 * (NODE_LIMIT); text max_text bytes, anchors max_anchors, attribute
 * values ATTR_MAX, anchor text ANCHOR_TEXT_MAX, script text scanned
 * SCRIPT_SCAN_MAX.  No recursion over the input: a token is at most
 * re-dispatched a few times when it changes the insertion mode (table ->
 * body -> row ...), a fixed depth.  All memory is in the arena.
 */
#include "mail/html.h"
#include "mail/html_rules.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "base/text.h"
#include "mail/html_entities.h"

#define MAX_DEPTH 1024
#define ATTR_MAX 8192
#define ANCHOR_TEXT_MAX 1024
#define SCRIPT_SCAN_MAX (64 * 1024)
#define AFE_MAX 64
#define NAME_KEEP 24

/* ---- element names ---------------------------------------------------- */

enum {
	SP = 1u << 0,  /* "special" category */
	FMT = 1u << 1, /* formatting element */
	VD = 1u << 2,  /* void */
	CP = 1u << 3,  /* start tag closes a <p> in button scope */
	IE = 1u << 4,  /* implied end tag */
	SC = 1u << 5,  /* scope boundary (HTML namespace) */
	BO = 1u << 6,  /* breaks out of foreign content */
	BL = 1u << 7,  /* a line break before and after (the text rules) */
};

/* sorted by name for the binary search */
#define TAGS(X) \
	X(A, "a", FMT) X(ADDRESS, "address", SP | CP | BL) X(ANNOTATION_XML, "annotation-xml", 0) \
	X(APPLET, "applet", SP | SC) X(AREA, "area", SP | VD) X(ARTICLE, "article", SP | CP | BL) \
	X(ASIDE, "aside", SP | CP) X(B, "b", FMT | BO) X(BASE, "base", SP | VD) \
	X(BASEFONT, "basefont", SP | VD) X(BGSOUND, "bgsound", SP | VD) X(BIG, "big", FMT | BO) \
	X(BLOCKQUOTE, "blockquote", SP | CP | BO | BL) X(BODY, "body", SP | BO) \
	X(BR, "br", SP | VD | BO | BL) X(BUTTON, "button", SP) X(CAPTION, "caption", SP | SC | BL) \
	X(CENTER, "center", SP | CP | BO | BL) X(CODE, "code", FMT | BO) X(COL, "col", SP | VD) \
	X(COLGROUP, "colgroup", SP) X(DD, "dd", SP | IE | BO | BL) X(DESC, "desc", 0) \
	X(DETAILS, "details", SP | CP) X(DIALOG, "dialog", CP) X(DIR, "dir", SP | CP) \
	X(DIV, "div", SP | CP | BO | BL) X(DL, "dl", SP | CP | BO | BL) X(DT, "dt", SP | IE | BO | BL) \
	X(EM, "em", FMT | BO) X(EMBED, "embed", SP | VD | BO) X(FIELDSET, "fieldset", SP | CP | BL) \
	X(FIGCAPTION, "figcaption", SP | CP) X(FIGURE, "figure", SP | CP) X(FONT, "font", FMT) \
	X(FOOTER, "footer", SP | CP | BL) X(FOREIGNOBJECT, "foreignobject", 0) X(FORM, "form", SP | BL) \
	X(FRAME, "frame", SP | VD) X(FRAMESET, "frameset", SP) X(H1, "h1", SP | BO | BL) \
	X(H2, "h2", SP | BO | BL) X(H3, "h3", SP | BO | BL) X(H4, "h4", SP | BO | BL) \
	X(H5, "h5", SP | BO | BL) X(H6, "h6", SP | BO | BL) X(HEAD, "head", SP | BO) \
	X(HEADER, "header", SP | CP | BL) X(HGROUP, "hgroup", SP | CP) X(HR, "hr", SP | VD | BO | BL) \
	X(HTML, "html", SP | SC) X(I, "i", FMT | BO) X(IFRAME, "iframe", SP) X(IMAGE, "image", 0) \
	X(IMG, "img", SP | VD | BO) X(INPUT, "input", SP | VD) X(KEYGEN, "keygen", SP | VD) \
	X(LI, "li", SP | IE | BO | BL) X(LINK, "link", SP | VD) X(LISTING, "listing", SP | BO) \
	X(MAIN, "main", SP | CP | BL) X(MALIGNMARK, "malignmark", 0) X(MARQUEE, "marquee", SP | SC) \
	X(MATH, "math", 0) X(MENU, "menu", SP | CP | BO) X(META, "meta", SP | VD | BO) \
	X(MGLYPH, "mglyph", 0) X(MI, "mi", 0) X(MN, "mn", 0) X(MO, "mo", 0) X(MS, "ms", 0) \
	X(MTEXT, "mtext", 0) X(NAV, "nav", SP | CP | BL) X(NOBR, "nobr", FMT | BO) \
	X(NOEMBED, "noembed", SP) X(NOFRAMES, "noframes", SP) X(NOSCRIPT, "noscript", SP) \
	X(OBJECT, "object", SP | SC) X(OL, "ol", SP | CP | BO | BL) X(OPTGROUP, "optgroup", IE) \
	X(OPTION, "option", IE) X(P, "p", SP | CP | IE | BO | BL) X(PARAM, "param", SP | VD) \
	X(PLAINTEXT, "plaintext", SP) X(PRE, "pre", SP | BO | BL) X(RB, "rb", IE) X(RP, "rp", IE) \
	X(RT, "rt", IE) X(RTC, "rtc", IE) X(RUBY, "ruby", BO) X(S, "s", FMT | BO) \
	X(SCRIPT, "script", SP) X(SEARCH, "search", SP | CP) X(SECTION, "section", SP | CP | BL) \
	X(SELECT, "select", SP) X(SMALL, "small", FMT | BO) X(SOURCE, "source", SP | VD) \
	X(SPAN, "span", BO) X(STRIKE, "strike", FMT | BO) X(STRONG, "strong", FMT | BO) \
	X(STYLE, "style", SP) X(SUB, "sub", BO) X(SUMMARY, "summary", SP | CP) X(SUP, "sup", BO) \
	X(SVG, "svg", 0) X(TABLE, "table", SP | SC | BO | BL) X(TBODY, "tbody", SP) \
	X(TD, "td", SP | SC) X(TEMPLATE, "template", SP | SC) X(TEXTAREA, "textarea", SP) \
	X(TFOOT, "tfoot", SP) X(TH, "th", SP | SC) X(THEAD, "thead", SP) X(TITLE, "title", SP) \
	X(TR, "tr", SP | BL) X(TRACK, "track", SP | VD) X(TT, "tt", FMT | BO) X(U, "u", FMT | BO) \
	X(UL, "ul", SP | CP | BO | BL) X(VAR, "var", BO) X(WBR, "wbr", SP | VD) X(XMP, "xmp", SP)

enum tag {
	T_UNKNOWN,
#define X(id, s, f) T_##id,
	TAGS(X)
#undef X
	T_COUNT
};

static const struct {
	const char *name;
	unsigned char len, flags;
} tags[T_COUNT] = {
	{ "", 0, 0 },
#define X(id, s, f) { s, sizeof s - 1, f },
	TAGS(X)
#undef X
};

static enum tag tag_lookup(const char *p, size_t n)
{
	unsigned lo = 1, hi = T_COUNT;
	if (n == 0)
		return T_UNKNOWN;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		size_t ml = tags[mid].len;
		/* the first letter decides most steps without a call */
		int c = (unsigned char)p[0] - (unsigned char)tags[mid].name[0];
		if (c == 0)
			c = memcmp(p, tags[mid].name, n < ml ? n : ml);
		if (c == 0)
			c = n < ml ? -1 : n > ml;
		if (c == 0)
			return (enum tag)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return T_UNKNOWN;
}

enum ns { NS_HTML, NS_SVG, NS_MATH };

/* ---- attributes we read ------------------------------------------------ */

enum attr_id {
	A_HREF, A_XLINK_HREF, A_TITLE, A_XLINK_TITLE, A_ALT, A_SRC, A_ACTION, A_TYPE, A_STYLE,
	A_HTTP_EQUIV, A_CONTENT, A_DATA, A_ENCODING, A_COLOR, A_FACE, A_SIZE, NATTR
};

static const char *const attr_names[NATTR] = { "href", "xlink:href", "title", "xlink:title", "alt",
	"src", "action", "type", "style", "http-equiv", "content", "data", "encoding", "color", "face", "size" };

static int attr_lookup(const char *p, size_t n)
{
	if (n < 3 || n > 11)
		return -1;
	for (int i = 0; i < NATTR; i++)
		if (attr_names[i][0] == p[0] && strlen(attr_names[i]) == n && memcmp(attr_names[i], p, n) == 0)
			return i;
	return -1;
}

struct attrval {
	unsigned off, len, order;
	bool set, more, nonspace_after;
};

/* ---- the extraction state ---------------------------------------------- */

enum sink { SINK_TEXT, SINK_NONE, SINK_TITLE, SINK_SCRIPT };

/* Output in tree order without a tree: foster parenting puts content
 * before a table that is already partly written, so the text and the
 * anchors are written into chunks, linked in document (tree) order and
 * joined at the end.  A chunk holds text with every whitespace run
 * written as one ' ' and every line break as OP_BREAK (the walker's
 * collapsing rules are applied when joining), and the anchors created in
 * it.  A slot is where an element's next content goes; an element and
 * the descendants that inherit it share a slot, so a table opened inside
 * moves them all past the table at once. */
#define OP_BREAK '\x01'

struct chunk {
	char *p;                /* allocated on first use */
	size_t n, cap;
	bool truncated;
	unsigned *anch;
	unsigned nanch, acap;
	struct chunk *next;
};

struct slot {
	struct chunk *c;
	struct chunk *prev; /* foster slot: c is made after prev when first used */
};



struct frame {
	uint64_t hash;          /* name hash, for elements we do not know */
	struct slot *slot;      /* where its content goes */
	struct slot *fslot;     /* <table>: where content fostered out of it goes */
	struct chunk *achunk;   /* where its content started: chunk, anchors */
	unsigned apos;          /* there, and text of the inherited anchor */
	size_t amark;           /* then (for the adoption agency's clones) */
	unsigned id;            /* unique, to find list entries on the stack */
	int anchor, own_anchor; /* innermost open <a> (index in anchors), -1 */
	unsigned short tag;
	unsigned char ns, sink;
	bool own_hidden, hidden, entered, ip, script_owner;
};

struct afe {                    /* active formatting element; id 0 = marker */
	unsigned id;
	unsigned short tag;
	bool own_hidden;
	const char *href, *title;   /* for <a>: to reopen it with its link */
	size_t nattr_sig;           /* crude attribute signature (Noah's Ark) */
};

enum mode { M_BODY, M_TABLE, M_TBODY, M_ROW, M_CELL, M_CAPTION, M_COLGROUP, M_SELECT, M_SELECT_IN_TABLE,
	M_FRAMESET, M_AFTER_FRAMESET };

enum tstate { S_DATA, S_RCDATA, S_RAWTEXT, S_SCRIPT, S_PLAINTEXT };

struct html {
	struct pd_arena *a;
	struct pd_html_result *out;
	struct pd_buf text, title, script;
	unsigned max_nodes, max_anchors, cap_anchors, nodes, next_id;
	bool pending_space, stop, skip_lf, form_open;
	bool body_started;      /* the frameset-ok flag is "not ok" */
	bool quirks;            /* quirks mode (no or an old DOCTYPE) */
	unsigned open_p;        /* <p> elements on the stack (close_p's fast path) */
	bool seen;              /* a token other than a DOCTYPE, comment, space */
	bool foster;            /* this token is processed with foster parenting */
	struct chunk *first, *wc; /* output chunks; the one written now */
	size_t max_text;
	char *tb;               /* decoded text of the current run */
	size_t tbn, tbcap;
	bool no_attrs;          /* an implied element or a clone: no attributes */
	bool text_end;          /* the end tag of RCDATA/RAWTEXT/script data */
	bool raw_pushed;        /* that element is on the stack */
	struct pd_buf *atext;
	unsigned atext_cap;
	/* hidden text: non-space bytes before any visible text (a preheader),
	 * and whether any comes after visible text */
	bool visible_seen, hidden_after;
	size_t hidden_lead;
	/* open elements: st[0] is the document/body root */
	struct frame *st;
	unsigned top, cap;
	struct afe afe[AFE_MAX];
	unsigned nafe;
	enum mode mode;
	/* tokenizer switch requested by the tree builder */
	enum tstate next_state;
	const char *end_name;   /* appropriate end tag name for RCDATA/RAWTEXT/script */
	/* the current tag */
	bool end, self_closing;
	char name[NAME_KEEP];
	size_t name_len;
	enum tag tag;
	uint64_t hash;
	struct attrval at[NATTR];
	unsigned nattrs;
	char *ab;
	size_t abn, abcap;
	int cur_attr;
	char aname[NAME_KEEP];
	size_t aname_len;
};

/* ---- text output (the walker's rules, unchanged) ------------------------ */

static void text_break(struct html *h)
{
	h->pending_space = false;
	if (h->text.n && h->text.p[h->text.n - 1] != '\n')
		pd_buf_addc(&h->text, '\n');
}

static struct chunk *chunk_after(struct html *h, struct chunk *c)
{
	struct chunk *n = pd_arena_alloc(h->a, sizeof *n);
	if (c) {
		n->next = c->next;
		c->next = n;
	}
	return n;
}

static struct chunk *slot_chunk(struct html *h, struct slot *s)
{
	if (!s->c)
		s->c = chunk_after(h, s->prev);
	return s->c;
}

static void op_add(struct html *h, struct chunk *c, const char *s, size_t n)
{
	size_t room = h->max_text + 16 - c->n;
	if (n > room) {
		/* never keep half a UTF-8 sequence: the next chunk follows */
		n = room;
		while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		c->truncated = true;
	}
	if (c->n + n > c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		while (cap < c->n + n)
			cap *= 2;
		c->p = pd_arena_realloc(h->a, c->p, c->n, cap);
		c->cap = cap;
	}
	if (n)
		memcpy(c->p + c->n, s, n);
	c->n += n;
}

static void op_ws(struct html *h, struct chunk *c)
{
	if (c->n) {
		char l = c->p[c->n - 1];
		if (l == ' ' || l == OP_BREAK)
			return;
	}
	op_add(h, c, " ", 1);
}

static void op_break(struct html *h, struct chunk *c)
{
	if (c->n) {
		char *l = &c->p[c->n - 1];
		if (*l == OP_BREAK)
			return;
		if (*l == ' ') {
			*l = OP_BREAK;
			return;
		}
	}
	const char b = OP_BREAK;
	op_add(h, c, &b, 1);
}

/* the walker's text_add(), into chunk c: whitespace runs as one ' ',
 * other control characters dropped */
static void op_text(struct html *h, struct chunk *c, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch > 0x20 && ch != 0x7F)
			continue;
		if (i > start)
			op_add(h, c, s + start, i - start);
		start = i + 1;
		if (pd_isspace(ch))
			op_ws(h, c);
	}
	if (n > start)
		op_add(h, c, s + start, n - start);
}

/* Join the chunks with the walker's rules. */
static void join_chunks(struct html *h)
{
	for (const struct chunk *c = h->first; c; c = c->next) {
		if (c->truncated)
			h->text.truncated = 1;
		for (size_t i = 0; i < c->n;) {
			char ch = c->p[i];
			if (ch == ' ') {
				h->pending_space = true;
				i++;
			} else if (ch == OP_BREAK) {
				text_break(h);
				i++;
			} else {
				if (h->pending_space && h->text.n && h->text.p[h->text.n - 1] != '\n')
					pd_buf_addc(&h->text, ' ');
				h->pending_space = false;
				size_t e = i + 1;
				while (e < c->n && c->p[e] != ' ' && c->p[e] != OP_BREAK)
					e++;
				pd_buf_add(&h->text, c->p + i, e - i);
				i = e;
			}
		}
	}
}

static bool html_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static bool all_ws(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!html_ws((unsigned char)p[i]))
			return false;
	return true;
}

/* ---- attribute values -------------------------------------------------- */

static void attr_put(struct html *h, const char *p, size_t n)
{
	if (h->cur_attr < 0)
		return;
	struct attrval *v = &h->at[h->cur_attr];
	if (v->len == 0)
		while (n && pd_isspace((unsigned char)*p))
			p++, n--;
	size_t take = n < ATTR_MAX - v->len ? n : ATTR_MAX - v->len;
	if (take) {
		if (h->abn + take > h->abcap) {
			size_t nc = h->abcap * 2;
			while (nc < h->abn + take)
				nc *= 2;
			h->ab = pd_arena_realloc(h->a, h->ab, h->abcap, nc);
			h->abcap = nc;
		}
		memcpy(h->ab + h->abn, p, take);
		h->abn += take;
		v->len += (unsigned)take;
	}
	for (size_t i = take; i < n; i++) {
		v->more = true;
		if (!pd_isspace((unsigned char)p[i]))
			v->nonspace_after = true;
	}
}

/* Value of attribute id of the current tag as html_gumbo.c's attr() gives
 * it: trimmed, control characters removed, at most ATTR_MAX bytes (256
 * for a long data: URL), not cut inside a UTF-8 sequence; NULL if absent. */
static const char *attr(struct html *h, int id)
{
	const struct attrval *v = &h->at[id];
	if (!v->set || h->no_attrs)
		return NULL;
	const char *s = h->ab + v->off;
	size_t n = v->len;
	if (!v->more || !v->nonspace_after)
		while (n && pd_isspace((unsigned char)s[n - 1]))
			n--;
	return pd_html_attr_copy(h->a, s, n);
}

/* href / title of a foreign element may be written xlink:href (gumbo and
 * browsers both read it); the first written wins */
static const char *attr2(struct html *h, int id, int xid, bool foreign)
{
	if (foreign && !h->no_attrs && h->at[xid].set && (!h->at[id].set || h->at[xid].order < h->at[id].order))
		return attr(h, xid);
	return attr(h, id);
}

/* ---- anchors and the element effects (html_gumbo.c's walker) ---------- */

/* New anchor, recorded in chunk c at position pos of its anchors
 * (UINT_MAX: at the end). */
static struct pd_anchor *add_anchor_at(struct html *h, struct chunk *c, unsigned pos, enum pd_link_origin origin,
                                       const char *href)
{
	struct pd_html_result *out = h->out;
	if (!href || out->nanchors >= h->max_anchors)
		return NULL;
	if (out->nanchors == h->cap_anchors) {
		unsigned nc = h->cap_anchors ? h->cap_anchors * 2 : 16;
		out->anchors = pd_arena_realloc(h->a, out->anchors, h->cap_anchors * sizeof *out->anchors,
		                                nc * sizeof *out->anchors);
		h->cap_anchors = nc;
	}
	if (c->nanch == c->acap) {
		unsigned nc = c->acap ? c->acap * 2 : 8;
		c->anch = pd_arena_realloc(h->a, c->anch, c->acap * sizeof *c->anch, nc * sizeof *c->anch);
		c->acap = nc;
	}
	if (pos > c->nanch)
		pos = c->nanch;
	memmove(c->anch + pos + 1, c->anch + pos, (c->nanch - pos) * sizeof *c->anch);
	c->anch[pos] = out->nanchors;
	c->nanch++;
	struct pd_anchor *an = &out->anchors[out->nanchors++];
	an->origin = origin;
	an->href = pd_utf8_sanitize(h->a, href, strlen(href), NULL);
	an->text = "";
	an->title = "";
	return an;
}

static struct pd_anchor *add_anchor(struct html *h, enum pd_link_origin origin, const char *href)
{
	return add_anchor_at(h, h->wc, UINT_MAX, origin, href);
}

/* URLs that script code navigates to (html_rules.c) become anchors. */
static void script_url(void *ud, const char *url, size_t len)
{
	struct html *h = ud;
	add_anchor(h, PD_LINK_HTML_SCRIPT, pd_arena_strndup(h->a, url, len));
}

static void scan_script(struct html *h, const char *s, size_t n)
{
	pd_html_script_urls(s, n, script_url, h);
}

static int anchor_text_slot(struct html *h)
{
	unsigned idx = h->out->nanchors - 1;
	if (idx >= h->atext_cap) {
		unsigned nc = h->atext_cap ? h->atext_cap * 2 : 16;
		while (nc <= idx)
			nc *= 2;
		h->atext = pd_arena_realloc(h->a, h->atext, h->atext_cap * sizeof *h->atext, nc * sizeof *h->atext);
		h->atext_cap = nc;
	}
	pd_buf_init(&h->atext[idx], h->a, ANCHOR_TEXT_MAX);
	return (int)idx;
}

/* What entering element f (the current tag's attributes) means for the
 * analysis; f already inherits its parent's state. */
static void enter(struct html *h, struct frame *f)
{
	struct pd_html_result *out = h->out;
	struct pd_arena *a = h->a;
	enum tag t = (enum tag)f->tag;
	bool foreign = f->ns != NS_HTML;
	f->entered = true;
	if (pd_html_style_hides(attr(h, A_STYLE))) {
		f->own_hidden = true;
		f->hidden = true;
	}
	if (tags[t].flags & BL)
		op_break(h, h->wc);
	else if (t == T_TD || t == T_TH)
		op_ws(h, h->wc);
	switch (t) {
	case T_SCRIPT:
		out->flags |= PD_HTML_HAS_SCRIPT;
		f->sink = SINK_SCRIPT;
		f->script_owner = true;
		h->script.n = 0;
		h->script.truncated = 0;
		break;
	case T_STYLE:
	case T_TEMPLATE:
		f->sink = SINK_NONE;
		break;
	case T_TITLE:
		f->sink = h->title.n ? SINK_NONE : SINK_TITLE;
		break;
	case T_A:
	case T_AREA: {
		struct pd_anchor *an = add_anchor(h, PD_LINK_HTML_HREF, attr2(h, A_HREF, A_XLINK_HREF, foreign));
		if (an) {
			const char *ti = attr2(h, A_TITLE, A_XLINK_TITLE, foreign);
			an->title = ti ? pd_utf8_sanitize(a, ti, strlen(ti), NULL) : "";
			if (t == T_AREA) {
				const char *alt = attr(h, A_ALT);
				an->text = alt ? pd_collapse_ws(a, alt, strlen(alt)) : "";
			} else {
				f->anchor = f->own_anchor = anchor_text_slot(h);
			}
		}
		break;
	}
	case T_FORM:
		out->flags |= PD_HTML_HAS_FORM;
		add_anchor(h, PD_LINK_HTML_FORM, attr(h, A_ACTION));
		break;
	case T_INPUT: {
		const char *type = attr(h, A_TYPE);
		if (type && pd_strieq(type, "password"))
			out->flags |= PD_HTML_HAS_PASSWORD;
		break;
	}
	case T_IMG: {
		const char *alt = attr(h, A_ALT);
		struct pd_anchor *an = add_anchor(h, PD_LINK_HTML_IMG, attr(h, A_SRC));
		if (an && alt)
			an->title = pd_collapse_ws(a, alt, strlen(alt));
		if (f->anchor >= 0 && alt && out->anchors[f->anchor].title[0] == '\0')
			out->anchors[f->anchor].title = pd_collapse_ws(a, alt, strlen(alt));
		break;
	}
	case T_META: {
		const char *he = attr(h, A_HTTP_EQUIV);
		const char *content = attr(h, A_CONTENT);
		if (he && content && pd_strieq(he, "refresh"))
			add_anchor(h, PD_LINK_HTML_META, pd_html_refresh_url(a, content));
		break;
	}
	case T_BASE:
		add_anchor(h, PD_LINK_HTML_BASE, attr(h, A_HREF));
		break;
	case T_IFRAME:
	case T_FRAME:
	case T_EMBED:
		add_anchor(h, PD_LINK_HTML_OTHER, attr(h, A_SRC));
		break;
	case T_OBJECT:
		add_anchor(h, PD_LINK_HTML_OTHER, attr(h, A_DATA));
		break;
	default:
		break;
	}
}

static void leave(struct html *h, struct frame *f)
{
	if (!f->entered)
		return;
	h->wc = f->slot->c;
	if (tags[f->tag].flags & BL)
		op_break(h, h->wc);
	if (f->script_owner) {
		scan_script(h, h->script.p ? h->script.p : "", h->script.n);
		h->script.n = 0;
	}
}

/* ---- the stack of open elements ------------------------------------------ */

static struct frame *cur(struct html *h)
{
	return &h->st[h->top - 1];
}

static bool is_html(const struct frame *f, enum tag t)
{
	return f->ns == NS_HTML && f->tag == t;
}

static bool is_special(const struct frame *f)
{
	if (f->ns == NS_HTML)
		return tags[f->tag].flags & SP;
	if (f->ns == NS_MATH)
		return f->tag == T_MI || f->tag == T_MO || f->tag == T_MN || f->tag == T_MS || f->tag == T_MTEXT ||
		       f->tag == T_ANNOTATION_XML;
	return f->tag == T_FOREIGNOBJECT || f->tag == T_DESC || f->tag == T_TITLE;
}

static bool mathml_text_ip(const struct frame *f)
{
	return f->ns == NS_MATH &&
	       (f->tag == T_MI || f->tag == T_MO || f->tag == T_MN || f->tag == T_MS || f->tag == T_MTEXT);
}

static unsigned find_html(const struct html *h, enum tag t)
{
	for (unsigned i = h->top; i-- > 1;)
		if (is_html(&h->st[i], t))
			return i;
	return 0;
}

static bool is_table_node(const struct frame *f)
{
	return f->ns == NS_HTML &&
	       (f->tag == T_TABLE || f->tag == T_TBODY || f->tag == T_TFOOT || f->tag == T_THEAD || f->tag == T_TR);
}

static void pop(struct html *h)
{
	if (h->top <= 1)
		return;
	leave(h, cur(h));
	if (is_html(cur(h), T_P))
		h->open_p--;
	h->top--;
}

/* New element for the current tag (or a clone: tok false) on top of the
 * stack; counts against max_nodes.  Returns NULL when not pushed. */
static struct frame *push(struct html *h, enum tag t, enum ns ns, bool void_el)
{
	if (++h->nodes > h->max_nodes) {
		h->out->flags |= PD_HTML_NODE_LIMIT;
		h->stop = true;
		return NULL;
	}
	const struct frame *p = cur(h);
	struct slot *ps = p->slot;
	if (h->foster && is_table_node(p)) {
		unsigned ti = find_html(h, T_TABLE);
		if (ti && h->st[ti].fslot) {
			p = &h->st[ti - 1];
			ps = h->st[ti].fslot;
			slot_chunk(h, ps);
		}
	}
	struct frame f = { 0 };
	f.slot = ps;
	if (t == T_TABLE && ns == NS_HTML && !void_el && h->top < MAX_DEPTH) {
		/* [content so far] [fostered out of the table, made when first
		 * needed] [the table, then what follows it] */
		f.fslot = pd_arena_alloc(h->a, sizeof *f.fslot);
		f.fslot->prev = ps->c; /* the foster chunk goes after it, when needed */
		ps->c = chunk_after(h, ps->c); /* the table, then what follows it */
	}
	h->wc = f.slot->c;
	f.tag = (unsigned short)t;
	f.ns = (unsigned char)ns;
	f.hash = h->hash;
	f.id = ++h->next_id;
	f.anchor = p->anchor;
	f.own_anchor = -1;
	f.hidden = p->hidden;
	f.sink = p->sink;
	bool visible = p->sink == SINK_TEXT;
	f.amark = f.anchor >= 0 ? h->atext[f.anchor].n : 0;
	if (visible)
		enter(h, &f);
	f.achunk = h->wc;
	f.apos = h->wc->nanch;
	if (void_el) {
		if (visible)
			leave(h, &f);
		return NULL;
	}
	if (h->top >= MAX_DEPTH) {
		h->out->flags |= PD_HTML_NODE_LIMIT;
		if (visible)
			leave(h, &f);
		return NULL;
	}
	if (h->top == h->cap) {
		h->st = pd_arena_realloc(h->a, h->st, h->cap * sizeof *h->st, h->cap * 2 * sizeof *h->st);
		h->cap *= 2;
	}
	h->st[h->top++] = f;
	if (t == T_P && ns == NS_HTML)
		h->open_p++;
	return &h->st[h->top - 1];
}

enum scope { SCOPE_DEFAULT, SCOPE_BUTTON, SCOPE_LIST, SCOPE_TABLE, SCOPE_SELECT };

static bool scope_boundary(const struct frame *f, enum scope s)
{
	if (s == SCOPE_SELECT)
		return !(is_html(f, T_OPTGROUP) || is_html(f, T_OPTION));
	if (f->ns == NS_HTML) {
		enum tag t = (enum tag)f->tag;
		if (s == SCOPE_TABLE)
			return t == T_HTML || t == T_TABLE || t == T_TEMPLATE;
		if (tags[t].flags & SC)
			return true;
		if (s == SCOPE_BUTTON && t == T_BUTTON)
			return true;
		if (s == SCOPE_LIST && (t == T_OL || t == T_UL))
			return true;
		return false;
	}
	return s != SCOPE_TABLE && is_special(f);
}

/* Index of the topmost HTML element t in scope, 0 if none. */
static unsigned in_scope(const struct html *h, enum tag t, enum scope s)
{
	for (unsigned i = h->top; i-- > 1;) {
		const struct frame *f = &h->st[i];
		if (is_html(f, t))
			return i;
		if (scope_boundary(f, s))
			return 0;
	}
	return 0;
}

static unsigned heading_in_scope(const struct html *h)
{
	for (unsigned i = h->top; i-- > 1;) {
		const struct frame *f = &h->st[i];
		if (f->ns == NS_HTML && f->tag >= T_H1 && f->tag <= T_H6)
			return i;
		if (scope_boundary(f, SCOPE_DEFAULT))
			return 0;
	}
	return 0;
}

/* Pop st[idx] and everything above it; idx 0 (nothing found) pops nothing. */
static void pop_to(struct html *h, unsigned idx)
{
	if (idx == 0)
		return;
	while (h->top > idx && h->top > 1)
		pop(h);
}

static void implied_end(struct html *h, enum tag except)
{
	while (h->top > 1) {
		const struct frame *f = cur(h);
		if (f->ns != NS_HTML || !(tags[f->tag].flags & IE) || f->tag == except)
			return;
		pop(h);
	}
}

static void close_p(struct html *h)
{
	if (!h->open_p || !in_scope(h, T_P, SCOPE_BUTTON))
		return;
	implied_end(h, T_P);
	pop_to(h, in_scope(h, T_P, SCOPE_BUTTON));
}

/* Recompute the inherited state of st[from..top) after elements below
 * them were removed (adoption agency, </form>). */
static void reinherit(struct html *h, unsigned from)
{
	for (unsigned i = from; i < h->top; i++) {
		struct frame *f = &h->st[i];
		const struct frame *p = &h->st[i - 1];
		f->hidden = p->hidden || f->own_hidden;
		f->anchor = f->own_anchor >= 0 ? f->own_anchor : p->anchor;
	}
}

static void remove_at(struct html *h, unsigned idx)
{
	if (idx == 0 || idx >= h->top)
		return;
	leave(h, &h->st[idx]);
	if (is_html(&h->st[idx], T_P))
		h->open_p--;
	memmove(&h->st[idx], &h->st[idx + 1], (h->top - idx - 1) * sizeof *h->st);
	h->top--;
	reinherit(h, idx);
}

static unsigned stack_index(const struct html *h, unsigned id)
{
	for (unsigned i = h->top; i-- > 1;)
		if (h->st[i].id == id)
			return i;
	return 0;
}

/* ---- active formatting elements ---------------------------------------- */

static void afe_remove(struct html *h, unsigned k)
{
	memmove(&h->afe[k], &h->afe[k + 1], (h->nafe - k - 1) * sizeof *h->afe);
	h->nafe--;
}

static void afe_marker(struct html *h)
{
	if (h->nafe == AFE_MAX)
		afe_remove(h, 0);
	h->afe[h->nafe++] = (struct afe){ 0 };
}

static void afe_clear_to_marker(struct html *h)
{
	while (h->nafe) {
		bool marker = h->afe[h->nafe - 1].id == 0;
		h->nafe--;
		if (marker)
			return;
	}
}

static void afe_push(struct html *h, const struct frame *f, const char *href, const char *title, size_t sig)
{
	/* Noah's Ark: at most three alike after the last marker (alike: same
	 * tag, link and title, and attribute signature) */
	unsigned same = 0, first = 0;
	for (unsigned k = h->nafe; k-- > 0 && h->afe[k].id;) {
		const struct afe *e = &h->afe[k];
		if (e->tag == f->tag && e->nattr_sig == sig && e->own_hidden == f->own_hidden &&
		    ((!e->href && !href) || (e->href && href && strcmp(e->href, href) == 0))) {
			same++;
			first = k;
		}
	}
	if (same >= 3)
		afe_remove(h, first);
	if (h->nafe == AFE_MAX)
		afe_remove(h, 0);
	h->afe[h->nafe++] = (struct afe){ f->id, f->tag, f->own_hidden, href, title, sig };
}

static void reconstruct(struct html *h)
{
	if (!h->nafe)
		return;
	unsigned k = h->nafe - 1;
	if (h->afe[k].id == 0 || stack_index(h, h->afe[k].id))
		return;
	while (k > 0 && h->afe[k - 1].id != 0 && !stack_index(h, h->afe[k - 1].id))
		k--;
	if (h->top >= MAX_DEPTH)
		return;
	for (; k < h->nafe && !h->stop; k++) {
		struct afe *e = &h->afe[k];
		/* a clone: its attributes, not the current tag's */
		bool saved = h->no_attrs;
		h->no_attrs = true;
		struct frame *f = push(h, (enum tag)e->tag, NS_HTML, false);
		h->no_attrs = saved;
		if (!f)
			return;
		if (e->own_hidden) {
			f->own_hidden = true;
			f->hidden = true;
		}
		if (e->tag == T_A && f->entered) {
			struct pd_anchor *an = add_anchor(h, PD_LINK_HTML_HREF, e->href);
			if (an) {
				an->title = e->title ? e->title : "";
				f->anchor = f->own_anchor = anchor_text_slot(h);
			}
		}
		e->id = f->id;
	}
}

static int afe_find(const struct html *h, enum tag t)
{
	for (unsigned k = h->nafe; k-- > 0 && h->afe[k].id;)
		if (h->afe[k].tag == t)
			return (int)k;
	return -1;
}

/* "Any other end tag" in body. */
static void other_end(struct html *h, enum tag t, uint64_t hash)
{
	for (unsigned i = h->top; i-- > 1;) {
		const struct frame *f = &h->st[i];
		if (f->ns == NS_HTML && f->tag == t && (t != T_UNKNOWN || f->hash == hash)) {
			implied_end(h, t);
			pop_to(h, i);
			return;
		}
		if (is_special(f))
			return;
	}
}

/* The clones of <a> the adoption agency makes, one in each furthest
 * block (at most 8 rounds), holding what was written in that block:
 * gumbo and browsers show them as separate links with that text. */
static void adoption_clones(struct html *h, unsigned fe)
{
	const struct frame *e = &h->st[fe];
	if (!e->entered || e->own_anchor < 0)
		return;
	int ai = e->own_anchor;
	unsigned fbs[8], nfb = 0;
	for (unsigned i = fe + 1; i < h->top && nfb < 8; i++)
		if (is_special(&h->st[i]))
			fbs[nfb++] = i;
	struct pd_buf *ab = &h->atext[ai];
	size_t end = ab->n;
	for (unsigned k = nfb; k-- > 0;) {
		const struct frame *b = &h->st[fbs[k]];
		if (!b->entered)
			continue;
		size_t from = b->amark < end ? b->amark : end;
		const struct pd_anchor *orig = &h->out->anchors[ai];
		const char *title = orig->title;
		struct pd_anchor *an = add_anchor_at(h, b->achunk, b->apos, PD_LINK_HTML_HREF, orig->href);
		if (!an)
			continue;
		an->title = title;
		int slot = anchor_text_slot(h);
		ab = &h->atext[ai]; /* anchor_text_slot may move atext */
		pd_buf_add(&h->atext[slot], ab->p + from, end - from);
		end = from;
	}
	ab->n = end;
	if (ab->p)
		ab->p[end] = '\0';
}

/* An <a> between the formatting element and the furthest block is
 * cloned around the block: what was written in the block from then on
 * belongs to a new link (the clone), and so does what follows. */
static void adoption_inner_a(struct html *h, unsigned fe, unsigned fb)
{
	struct frame *b = &h->st[fb];
	for (unsigned i = fe + 1; i < fb; i++) {
		struct frame *x = &h->st[i];
		if (!is_html(x, T_A) || !x->entered || x->own_anchor < 0 || b->anchor != x->own_anchor || !b->entered)
			continue;
		int ai = x->own_anchor;
		const struct pd_anchor *orig = &h->out->anchors[ai];
		const char *title = orig->title;
		struct pd_anchor *an = add_anchor_at(h, b->achunk, b->apos, PD_LINK_HTML_HREF, orig->href);
		if (!an)
			return;
		an->title = title;
		int slot = anchor_text_slot(h);
		struct pd_buf *ab = &h->atext[ai];
		size_t from = b->amark < ab->n ? b->amark : ab->n;
		pd_buf_add(&h->atext[slot], ab->p + from, ab->n - from);
		ab->n = from;
		if (ab->p)
			ab->p[from] = '\0';
		x->own_anchor = x->anchor = slot;
		reinherit(h, i + 1);
		return;
	}
}

/* The adoption agency algorithm, as far as the open elements go: the
 * formatting element and the plain elements between it and the furthest
 * block stop being ancestors of what follows.  The clones it makes for
 * content already seen are not modelled. */
static void adoption(struct html *h, enum tag t)
{
	const struct frame *c = cur(h);
	if (is_html(c, t) && afe_find(h, t) < 0) {
		pop(h);
		return;
	}
	for (int round = 0; round < 8; round++) {
		int k = afe_find(h, t);
		if (k < 0) {
			other_end(h, t, 0);
			return;
		}
		unsigned fe = stack_index(h, h->afe[k].id);
		if (!fe) {
			afe_remove(h, (unsigned)k);
			return;
		}
		/* in scope? */
		bool scoped = false;
		for (unsigned i = h->top; i-- > 1;) {
			if (i == fe) {
				scoped = true;
				break;
			}
			if (scope_boundary(&h->st[i], SCOPE_DEFAULT))
				break;
		}
		if (!scoped)
			return;
		unsigned fb = 0;
		for (unsigned i = fe + 1; i < h->top; i++)
			if (is_special(&h->st[i])) {
				fb = i;
				break;
			}
		if (!fb) {
			pop_to(h, fe);
			afe_remove(h, (unsigned)k);
			return;
		}
		afe_remove(h, (unsigned)k);
		if (t == T_A)
			adoption_clones(h, fe);
		else
			adoption_inner_a(h, fe, fb);
		/* the outcome of the algorithm's rounds: every furthest block
		 * moves out of the formatting element (clones of it hold what
		 * was already inside), plain elements between leave the stack,
		 * and whatever is above the last special element is closed */
		unsigned last = fb;
		for (unsigned i = fb + 1; i < h->top; i++)
			if (is_special(&h->st[i]))
				last = i;
		pop_to(h, last + 1);
		for (unsigned i = last; i-- > fe + 1;) {
			if (is_special(&h->st[i]))
				continue;
			bool listed = false;
			for (unsigned j = 0; j < h->nafe; j++)
				if (h->afe[j].id == h->st[i].id)
					listed = true;
			if (!listed)
				remove_at(h, i);
		}
		remove_at(h, fe);
		return;
	}
}

static void reset_mode(struct html *h)
{
	for (unsigned i = h->top; i-- > 1;) {
		const struct frame *f = &h->st[i];
		if (f->ns != NS_HTML)
			continue;
		switch (f->tag) {
		case T_SELECT: {
			h->mode = M_SELECT;
			for (unsigned j = i; j-- > 1;)
				if (is_html(&h->st[j], T_TABLE)) {
					h->mode = M_SELECT_IN_TABLE;
					break;
				}
			return;
		}
		case T_TD:
		case T_TH:
			h->mode = M_CELL;
			return;
		case T_TR:
			h->mode = M_ROW;
			return;
		case T_TBODY:
		case T_THEAD:
		case T_TFOOT:
			h->mode = M_TBODY;
			return;
		case T_CAPTION:
			h->mode = M_CAPTION;
			return;
		case T_COLGROUP:
			h->mode = M_COLGROUP;
			return;
		case T_TABLE:
			h->mode = M_TABLE;
			return;
		case T_TEMPLATE:
			h->mode = M_BODY;
			return;
		case T_FRAMESET:
			h->mode = M_FRAMESET;
			return;
		default:
			break;
		}
	}
	h->mode = M_BODY;
}

static void clear_to_context(struct html *h, enum tag a1, enum tag a2, enum tag a3)
{
	while (h->top > 1) {
		const struct frame *f = cur(h);
		if (f->ns == NS_HTML && (f->tag == a1 || f->tag == a2 || f->tag == a3 || f->tag == T_TEMPLATE ||
		                         f->tag == T_HTML))
			return;
		pop(h);
	}
}

/* ---- characters ------------------------------------------------------- */

static void insert_text(struct html *h, const char *p, size_t n)
{
	const struct frame *f = cur(h);
	struct chunk *c = f->slot->c;
	if (h->foster && is_table_node(f)) {
		unsigned ti = find_html(h, T_TABLE);
		if (ti && h->st[ti].fslot) {
			c = slot_chunk(h, h->st[ti].fslot);
			f = &h->st[ti - 1];
		}
	}
	switch (f->sink) {
	case SINK_TEXT: {
		op_text(h, c, p, n);
		if (f->anchor >= 0)
			pd_buf_add(&h->atext[f->anchor], p, n);
		if (!all_ws(p, n)) {
			if (!f->hidden)
				h->visible_seen = true;
			else if (h->visible_seen)
				h->hidden_after = true;
			else
				h->hidden_lead += n;
		}
		break;
	}
	case SINK_TITLE:
		pd_buf_add(&h->title, p, n);
		break;
	case SINK_SCRIPT:
		pd_buf_add(&h->script, p, n);
		break;
	default:
		break;
	}
}

static bool use_foreign(const struct html *h, bool start, enum tag t, bool is_char)
{
	const struct frame *f = &h->st[h->top - 1];
	if (h->top <= 1 || f->ns == NS_HTML)
		return false;
	if (mathml_text_ip(f) && ((start && t != T_MGLYPH && t != T_MALIGNMARK) || is_char))
		return false;
	if (f->ns == NS_MATH && f->tag == T_ANNOTATION_XML && start && t == T_SVG)
		return false;
	if (f->ip && (start || is_char))
		return false;
	return true;
}

static void chars(struct html *h, const char *p, size_t n)
{
	if (h->skip_lf) {
		h->skip_lf = false;
		if (n && *p == '\n') {
			p++;
			n--;
		}
	}
	if (!n || h->stop)
		return;
	if (use_foreign(h, false, T_UNKNOWN, true)) {
		/* NUL becomes U+FFFD in foreign content */
		size_t s = 0;
		for (size_t i = 0; i < n; i++)
			if (p[i] == '\0') {
				insert_text(h, p + s, i - s);
				insert_text(h, "\xEF\xBF\xBD", 3);
				s = i + 1;
			}
		insert_text(h, p + s, n - s);
		return;
	}
	if (memchr(p, '\0', n)) {
		/* U+0000 in HTML content is ignored */
		if (n > h->tbcap) {
			h->tb = pd_arena_alloc(h->a, n);
			h->tbcap = n;
		}
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (p[i])
				h->tb[k++] = p[i];
		p = h->tb;
		n = k;
		if (!n)
			return;
	}
	bool ws = all_ws(p, n);
	if (!ws)
		h->seen = true;
	switch (h->mode) {
	case M_TABLE:
	case M_TBODY:
	case M_ROW: {
		const struct frame *f = cur(h);
		bool table_node = f->ns == NS_HTML && (f->tag == T_TABLE || f->tag == T_TBODY || f->tag == T_TFOOT ||
		                                       f->tag == T_THEAD || f->tag == T_TR);
		if (table_node && ws) {
			insert_text(h, p, n);
			return;
		}
		/* foster parenting: shown before the table */
		h->foster = true;
		reconstruct(h);
		insert_text(h, p, n);
		h->foster = false;
		h->body_started = true;
		return;
	}
	case M_COLGROUP:
		if (ws) {
			insert_text(h, p, n);
			return;
		}
		if (is_html(cur(h), T_COLGROUP)) {
			pop(h);
			h->mode = M_TABLE;
			chars(h, p, n);
		}
		return;
	case M_SELECT:
	case M_SELECT_IN_TABLE:
		insert_text(h, p, n);
		return;
	case M_FRAMESET:
	case M_AFTER_FRAMESET:
		if (ws)
			insert_text(h, p, n);
		return;
	default:
		reconstruct(h);
		insert_text(h, p, n);
		if (!ws)
			h->body_started = true;
		return;
	}
}

/* ---- start and end tags --------------------------------------------------- */

static void switch_tokenizer(struct html *h, enum tstate s, const char *end_name)
{
	h->next_state = s;
	h->end_name = end_name;
}

/* a start tag whose element is inserted (ns HTML), with the tokenizer
 * switch it implies */
static struct frame *insert_html(struct html *h, enum tag t)
{
	bool v = (tags[t].flags & VD) != 0;
	struct frame *f = push(h, t, NS_HTML, v);
	switch (t) {
	case T_TITLE:
	case T_TEXTAREA:
		switch_tokenizer(h, S_RCDATA, tags[t].name);
		break;
	case T_STYLE:
	case T_XMP:
	case T_IFRAME:
	case T_NOEMBED:
	case T_NOFRAMES:
		switch_tokenizer(h, S_RAWTEXT, tags[t].name);
		break;
	case T_SCRIPT:
		switch_tokenizer(h, S_SCRIPT, "script");
		break;
	case T_PLAINTEXT:
		switch_tokenizer(h, S_PLAINTEXT, NULL);
		break;
	default:
		break;
	}
	if (h->next_state != S_DATA)
		h->raw_pushed = f != NULL;
	return f;
}

static struct frame *insert_implied(struct html *h, enum tag t)
{
	bool saved = h->no_attrs;
	h->no_attrs = true;
	struct frame *f = insert_html(h, t);
	h->no_attrs = saved;
	return f;
}

static size_t attr_sig(const struct html *h)
{
	return h->nattrs;
}

static void start_body(struct html *h, enum tag t);

static void insert_formatting(struct html *h, enum tag t)
{
	reconstruct(h);
	if (h->stop)
		return;
	const char *href = t == T_A ? attr(h, A_HREF) : NULL;
	struct frame *f = insert_html(h, t);
	if (!f)
		return;
	const char *title = NULL;
	if (t == T_A && f->own_anchor >= 0)
		title = h->out->anchors[f->own_anchor].title;
	afe_push(h, f, href, title, attr_sig(h));
}

static void root_attrs(struct html *h)
{
	if (pd_html_style_hides(attr(h, A_STYLE)))
		for (unsigned i = 0; i < h->top; i++)
			h->st[i].hidden = h->st[i].own_hidden = true;
}

static void start_foreign(struct html *h, enum tag t, enum ns ns)
{
	struct frame *f = push(h, t, ns, h->self_closing);
	if (!f)
		return;
	if (ns == NS_SVG && (t == T_FOREIGNOBJECT || t == T_DESC || t == T_TITLE))
		f->ip = true;
	if (ns == NS_MATH && t == T_ANNOTATION_XML) {
		const char *enc = attr(h, A_ENCODING);
		if (enc && (pd_strieq(enc, "text/html") || pd_strieq(enc, "application/xhtml+xml")))
			f->ip = true;
	}
}

static void start_body(struct html *h, enum tag t)
{
	switch (t) {
	case T_HTML:
		root_attrs(h);
		return;
	case T_BODY:
		root_attrs(h);
		h->body_started = true;
		return;
	case T_HEAD:
	case T_CAPTION:
	case T_COL:
	case T_COLGROUP:
	case T_FRAME:
	case T_TBODY:
	case T_TD:
	case T_TFOOT:
	case T_TH:
	case T_THEAD:
	case T_TR:
		return;
	case T_FRAMESET:
		if (!h->body_started) {
			/* replaces the body (what was read of it stays read) */
			pop_to(h, 1);
			insert_html(h, t);
			h->mode = M_FRAMESET;
		}
		return;
	case T_BASE:
	case T_BASEFONT:
	case T_BGSOUND:
	case T_LINK:
	case T_META:
	case T_NOFRAMES:
	case T_SCRIPT:
	case T_STYLE:
	case T_TITLE:
		insert_html(h, t);
		return;
	case T_TEMPLATE:
		insert_html(h, t);
		afe_marker(h);
		return;
	case T_ADDRESS: case T_ARTICLE: case T_ASIDE: case T_BLOCKQUOTE: case T_CENTER: case T_DETAILS:
	case T_DIALOG: case T_DIR: case T_DIV: case T_DL: case T_FIELDSET: case T_FIGCAPTION: case T_FIGURE:
	case T_FOOTER: case T_HEADER: case T_HGROUP: case T_MAIN: case T_MENU: case T_NAV: case T_OL:
	case T_P: case T_SEARCH: case T_SECTION: case T_SUMMARY: case T_UL:
		close_p(h);
		insert_html(h, t);
		break;
	case T_H1: case T_H2: case T_H3: case T_H4: case T_H5: case T_H6: {
		close_p(h);
		const struct frame *c = cur(h);
		if (c->ns == NS_HTML && c->tag >= T_H1 && c->tag <= T_H6)
			pop(h);
		insert_html(h, t);
		break;
	}
	case T_PRE:
	case T_LISTING:
		close_p(h);
		insert_html(h, t);
		h->skip_lf = true;
		break;
	case T_FORM:
		if (h->form_open && !in_scope(h, T_TEMPLATE, SCOPE_TABLE))
			return;
		close_p(h);
		if (insert_html(h, t))
			h->form_open = true;
		break;
	case T_LI:
	case T_DD:
	case T_DT:
		for (unsigned i = h->top; i-- > 1;) {
			const struct frame *f = &h->st[i];
			bool match = t == T_LI ? is_html(f, T_LI) : (is_html(f, T_DD) || is_html(f, T_DT));
			if (match) {
				implied_end(h, (enum tag)f->tag);
				pop_to(h, i);
				break;
			}
			if (is_special(f) && !is_html(f, T_ADDRESS) && !is_html(f, T_DIV) && !is_html(f, T_P))
				break;
		}
		close_p(h);
		insert_html(h, t);
		break;
	case T_PLAINTEXT:
		close_p(h);
		insert_html(h, t);
		break;
	case T_BUTTON: {
		unsigned i = in_scope(h, T_BUTTON, SCOPE_DEFAULT);
		if (i) {
			implied_end(h, T_UNKNOWN);
			pop_to(h, i);
		}
		reconstruct(h);
		insert_html(h, t);
		break;
	}
	case T_A: {
		int k = afe_find(h, T_A);
		if (k >= 0) {
			unsigned id = h->afe[k].id;
			adoption(h, T_A);
			for (unsigned j = 0; j < h->nafe; j++)
				if (h->afe[j].id == id) {
					afe_remove(h, j);
					break;
				}
			remove_at(h, stack_index(h, id));
		}
		insert_formatting(h, t);
		break;
	}
	case T_B: case T_BIG: case T_CODE: case T_EM: case T_FONT: case T_I: case T_S: case T_SMALL:
	case T_STRIKE: case T_STRONG: case T_TT: case T_U:
		insert_formatting(h, t);
		break;
	case T_NOBR:
		reconstruct(h);
		if (in_scope(h, T_NOBR, SCOPE_DEFAULT)) {
			adoption(h, T_NOBR);
			reconstruct(h);
		}
		insert_formatting(h, t);
		break;
	case T_APPLET:
	case T_MARQUEE:
	case T_OBJECT:
		reconstruct(h);
		if (insert_html(h, t))
			afe_marker(h);
		break;
	case T_TABLE:
		if (!h->quirks)
			close_p(h);
		if (insert_html(h, t))
			h->mode = M_TABLE;
		break;
	case T_AREA: case T_BR: case T_EMBED: case T_IMG: case T_KEYGEN: case T_WBR: case T_INPUT:
		reconstruct(h);
		insert_html(h, t);
		break;
	case T_PARAM:
	case T_SOURCE:
	case T_TRACK:
		insert_html(h, t);
		break;
	case T_HR:
		close_p(h);
		insert_html(h, t);
		break;
	case T_IMAGE:
		start_body(h, T_IMG);
		return;
	case T_TEXTAREA:
		insert_html(h, t);
		h->skip_lf = true;
		break;
	case T_XMP:
		close_p(h);
		reconstruct(h);
		insert_html(h, t);
		break;
	case T_IFRAME:
	case T_NOEMBED:
		insert_html(h, t);
		break;
	case T_SELECT: {
		reconstruct(h);
		bool table = h->mode == M_TABLE || h->mode == M_TBODY || h->mode == M_ROW || h->mode == M_CELL ||
		             h->mode == M_CAPTION;
		if (insert_html(h, t))
			h->mode = table ? M_SELECT_IN_TABLE : M_SELECT;
		break;
	}
	case T_OPTGROUP:
	case T_OPTION:
		if (is_html(cur(h), T_OPTION))
			pop(h);
		reconstruct(h);
		insert_html(h, t);
		break;
	case T_RB:
	case T_RTC:
		if (in_scope(h, T_RUBY, SCOPE_DEFAULT))
			implied_end(h, T_UNKNOWN);
		insert_html(h, t);
		break;
	case T_RP:
	case T_RT:
		if (in_scope(h, T_RUBY, SCOPE_DEFAULT))
			implied_end(h, T_RTC);
		insert_html(h, t);
		break;
	case T_MATH:
		reconstruct(h);
		start_foreign(h, t, NS_MATH);
		break;
	case T_SVG:
		reconstruct(h);
		start_foreign(h, t, NS_SVG);
		break;
	default:
		reconstruct(h);
		insert_html(h, t);
		break;
	}
	if (t != T_PRE && t != T_LISTING && t != T_TEXTAREA)
		h->skip_lf = false;
	switch (t) {
	case T_PRE: case T_LISTING: case T_LI: case T_DD: case T_DT: case T_BUTTON: case T_APPLET: case T_MARQUEE:
	case T_OBJECT: case T_TABLE: case T_AREA: case T_BR: case T_EMBED: case T_IMG: case T_KEYGEN: case T_WBR:
	case T_HR: case T_TEXTAREA: case T_XMP: case T_IFRAME: case T_SELECT:
		h->body_started = true;
		break;
	case T_INPUT: {
		const char *type = attr(h, A_TYPE);
		if (!type || !pd_strieq(type, "hidden"))
			h->body_started = true;
		break;
	}
	default:
		break;
	}
}

static void close_cell(struct html *h)
{
	implied_end(h, T_UNKNOWN);
	unsigned i = in_scope(h, T_TD, SCOPE_TABLE), j = in_scope(h, T_TH, SCOPE_TABLE);
	pop_to(h, i > j ? i : j);
	afe_clear_to_marker(h);
	h->mode = M_ROW;
}

static bool table_tag(enum tag t)
{
	return t == T_CAPTION || t == T_COL || t == T_COLGROUP || t == T_TBODY || t == T_TD || t == T_TFOOT ||
	       t == T_TH || t == T_THEAD || t == T_TR;
}

static void end_body(struct html *h, enum tag t);

/* A start tag in the table modes; false: process it with the in-body
 * rules (foster parenting, not modelled: see the top of this file). */
static bool start_table(struct html *h, enum tag t)
{
	switch (h->mode) {
	case M_CAPTION:
		if (table_tag(t)) {
			unsigned i = in_scope(h, T_CAPTION, SCOPE_TABLE);
			if (!i)
				return true;
			implied_end(h, T_UNKNOWN);
			pop_to(h, i);
			afe_clear_to_marker(h);
			h->mode = M_TABLE;
			return start_table(h, t);
		}
		return false;
	case M_CELL:
		if (table_tag(t)) {
			if (!in_scope(h, T_TD, SCOPE_TABLE) && !in_scope(h, T_TH, SCOPE_TABLE))
				return true;
			close_cell(h);
			return start_table(h, t);
		}
		return false;
	case M_ROW:
		if (t == T_TD || t == T_TH) {
			clear_to_context(h, T_TR, T_TR, T_TR);
			if (insert_html(h, t)) {
				afe_marker(h);
				h->mode = M_CELL;
			}
			return true;
		}
		if (t == T_CAPTION || t == T_COL || t == T_COLGROUP || t == T_TBODY || t == T_TFOOT || t == T_THEAD ||
		    t == T_TR) {
			if (!in_scope(h, T_TR, SCOPE_TABLE))
				return true;
			clear_to_context(h, T_TR, T_TR, T_TR);
			pop(h);
			h->mode = M_TBODY;
			return start_table(h, t);
		}
		break;
	case M_TBODY:
		if (t == T_TR) {
			clear_to_context(h, T_TBODY, T_TFOOT, T_THEAD);
			if (insert_html(h, t))
				h->mode = M_ROW;
			return true;
		}
		if (t == T_TH || t == T_TD) {
			clear_to_context(h, T_TBODY, T_TFOOT, T_THEAD);
			if (!insert_implied(h, T_TR))
				return true;
			h->mode = M_ROW;
			return start_table(h, t);
		}
		if (t == T_CAPTION || t == T_COL || t == T_COLGROUP || t == T_TBODY || t == T_TFOOT || t == T_THEAD) {
			if (!in_scope(h, T_TBODY, SCOPE_TABLE) && !in_scope(h, T_THEAD, SCOPE_TABLE) &&
			    !in_scope(h, T_TFOOT, SCOPE_TABLE))
				return true;
			clear_to_context(h, T_TBODY, T_TFOOT, T_THEAD);
			pop(h);
			h->mode = M_TABLE;
			return start_table(h, t);
		}
		break;
	case M_COLGROUP:
		if (t == T_COL) {
			insert_html(h, t);
			return true;
		}
		if (t == T_TEMPLATE)
			return false;
		if (!is_html(cur(h), T_COLGROUP))
			return true;
		pop(h);
		h->mode = M_TABLE;
		return start_table(h, t);
	default:
		break;
	}
	/* in table */
	switch (t) {
	case T_CAPTION:
		clear_to_context(h, T_TABLE, T_TABLE, T_TABLE);
		afe_marker(h);
		if (insert_html(h, t))
			h->mode = M_CAPTION;
		return true;
	case T_COLGROUP:
		clear_to_context(h, T_TABLE, T_TABLE, T_TABLE);
		if (insert_html(h, t))
			h->mode = M_COLGROUP;
		return true;
	case T_COL:
		clear_to_context(h, T_TABLE, T_TABLE, T_TABLE);
		return true;
	case T_TBODY:
	case T_TFOOT:
	case T_THEAD:
		clear_to_context(h, T_TABLE, T_TABLE, T_TABLE);
		if (insert_html(h, t))
			h->mode = M_TBODY;
		return true;
	case T_TD:
	case T_TH:
	case T_TR: {
		clear_to_context(h, T_TABLE, T_TABLE, T_TABLE);
		if (!insert_implied(h, T_TBODY))
			return true;
		h->mode = M_TBODY;
		return start_table(h, t);
	}
	case T_TABLE: {
		unsigned i = in_scope(h, T_TABLE, SCOPE_TABLE);
		if (!i)
			return true;
		pop_to(h, i);
		reset_mode(h);
		start_body(h, t);
		return true;
	}
	case T_STYLE:
	case T_SCRIPT:
	case T_TEMPLATE:
		return false;
	case T_INPUT: {
		const char *type = attr(h, A_TYPE);
		if (type && pd_strieq(type, "hidden")) {
			insert_html(h, t);
			return true;
		}
		return false;
	}
	case T_FORM:
		if (h->form_open || in_scope(h, T_TEMPLATE, SCOPE_TABLE))
			return true;
		if (push(h, t, NS_HTML, true) == NULL)
			h->form_open = true;
		return true;
	default:
		return false;
	}
}

static void start_tag(struct html *h)
{
	enum tag t = h->tag;
	if (use_foreign(h, true, t, false)) {
		bool font_break = t == T_FONT && (h->at[A_COLOR].set || h->at[A_FACE].set || h->at[A_SIZE].set);
		if (t != T_UNKNOWN && ((tags[t].flags & BO) || font_break)) {
			pop(h);
			while (h->top > 1) {
				const struct frame *f = cur(h);
				if (f->ns == NS_HTML || f->ip || mathml_text_ip(f))
					break;
				pop(h);
			}
			start_tag(h);
			return;
		}
		start_foreign(h, t, (enum ns)cur(h)->ns);
		return;
	}
	switch (h->mode) {
	case M_TABLE:
	case M_TBODY:
	case M_ROW:
	case M_CELL:
	case M_CAPTION:
	case M_COLGROUP:
		if (start_table(h, t))
			return;
		if (h->mode == M_TABLE || h->mode == M_TBODY || h->mode == M_ROW) {
			/* anything else in a table: fostered out of it */
			h->foster = true;
			start_body(h, t);
			h->foster = false;
			return;
		}
		break;
	case M_SELECT_IN_TABLE:
		if (t == T_CAPTION || t == T_TABLE || t == T_TBODY || t == T_TFOOT || t == T_THEAD || t == T_TR ||
		    t == T_TD || t == T_TH) {
			pop_to(h, find_html(h, T_SELECT));
			reset_mode(h);
			start_tag(h);
			return;
		}
		/* fall through */
	case M_SELECT:
		switch (t) {
		case T_OPTION:
			if (is_html(cur(h), T_OPTION))
				pop(h);
			insert_html(h, t);
			return;
		case T_OPTGROUP:
			if (is_html(cur(h), T_OPTION))
				pop(h);
			if (is_html(cur(h), T_OPTGROUP))
				pop(h);
			insert_html(h, t);
			return;
		case T_SELECT:
			pop_to(h, in_scope(h, T_SELECT, SCOPE_SELECT));
			reset_mode(h);
			return;
		case T_INPUT:
		case T_KEYGEN:
		case T_TEXTAREA: {
			unsigned i = in_scope(h, T_SELECT, SCOPE_SELECT);
			if (!i)
				return;
			pop_to(h, i);
			reset_mode(h);
			start_tag(h);
			return;
		}
		case T_SCRIPT:
		case T_TEMPLATE:
			break;
		default:
			return;
		}
		break;
	case M_FRAMESET:
	case M_AFTER_FRAMESET:
		if (t == T_NOFRAMES) {
			insert_html(h, t);
		} else if (h->mode == M_FRAMESET && t == T_FRAMESET) {
			insert_html(h, t);
		} else if (h->mode == M_FRAMESET && t == T_FRAME) {
			insert_html(h, t);
		} else if (t == T_HTML) {
			root_attrs(h);
		}
		return;
	default:
		break;
	}
	start_body(h, t);
}

static void end_body(struct html *h, enum tag t)
{
	unsigned i;
	switch (t) {
	case T_BODY:
	case T_HTML:
	case T_HEAD:
		return;
	case T_TEMPLATE:
		i = in_scope(h, T_TEMPLATE, SCOPE_TABLE);
		if (i) {
			implied_end(h, T_UNKNOWN);
			pop_to(h, i);
			afe_clear_to_marker(h);
			reset_mode(h);
		}
		return;
	case T_P:
		if (!in_scope(h, T_P, SCOPE_BUTTON)) {
			/* </p> without <p>: an empty paragraph */
			insert_implied(h, T_P);
		}
		close_p(h);
		return;
	case T_BR:
		h->no_attrs = true;
		start_body(h, T_BR);
		h->no_attrs = false;
		return;
	case T_FORM: {
		h->form_open = false;
		i = 0;
		for (unsigned j = h->top; j-- > 1;)
			if (is_html(&h->st[j], T_FORM)) {
				i = j;
				break;
			}
		if (!i || i != in_scope(h, T_FORM, SCOPE_DEFAULT))
			return;
		implied_end(h, T_UNKNOWN);
		remove_at(h, in_scope(h, T_FORM, SCOPE_DEFAULT));
		return;
	}
	case T_LI:
		i = in_scope(h, T_LI, SCOPE_LIST);
		if (i) {
			implied_end(h, T_LI);
			pop_to(h, i);
		}
		return;
	case T_DD:
	case T_DT:
		i = in_scope(h, t, SCOPE_DEFAULT);
		if (i) {
			implied_end(h, t);
			pop_to(h, i);
		}
		return;
	case T_H1: case T_H2: case T_H3: case T_H4: case T_H5: case T_H6:
		if (heading_in_scope(h)) {
			implied_end(h, T_UNKNOWN);
			pop_to(h, heading_in_scope(h));
		}
		return;
	case T_A: case T_B: case T_BIG: case T_CODE: case T_EM: case T_FONT: case T_I: case T_NOBR: case T_S:
	case T_SMALL: case T_STRIKE: case T_STRONG: case T_TT: case T_U:
		adoption(h, t);
		return;
	case T_APPLET:
	case T_MARQUEE:
	case T_OBJECT:
		i = in_scope(h, t, SCOPE_DEFAULT);
		if (i) {
			implied_end(h, T_UNKNOWN);
			pop_to(h, i);
			afe_clear_to_marker(h);
		}
		return;
	case T_ADDRESS: case T_ARTICLE: case T_ASIDE: case T_BLOCKQUOTE: case T_BUTTON: case T_CENTER:
	case T_DETAILS: case T_DIALOG: case T_DIR: case T_DIV: case T_DL: case T_FIELDSET: case T_FIGCAPTION:
	case T_FIGURE: case T_FOOTER: case T_HEADER: case T_HGROUP: case T_LISTING: case T_MAIN: case T_MENU:
	case T_NAV: case T_OL: case T_PRE: case T_SEARCH: case T_SECTION: case T_SUMMARY: case T_UL:
		i = in_scope(h, t, SCOPE_DEFAULT);
		if (i) {
			implied_end(h, T_UNKNOWN);
			pop_to(h, i);
		}
		return;
	default:
		other_end(h, t, h->hash);
		return;
	}
}

static void end_tag(struct html *h)
{
	enum tag t = h->tag;
	const struct frame *c = cur(h);
	if (h->top > 1 && c->ns != NS_HTML) {
		/* foreign content: pop to the element of that name, unless an
		 * HTML element comes first (then the HTML rules) */
		for (unsigned i = h->top; i-- > 1;) {
			const struct frame *f = &h->st[i];
			if (f->ns == NS_HTML)
				break;
			if (f->tag == t && (t != T_UNKNOWN || f->hash == h->hash)) {
				pop_to(h, i);
				return;
			}
		}
	}
	switch (h->mode) {
	case M_CAPTION:
		if (t == T_CAPTION || t == T_TABLE) {
			unsigned i = in_scope(h, T_CAPTION, SCOPE_TABLE);
			if (!i)
				return;
			implied_end(h, T_UNKNOWN);
			pop_to(h, i);
			afe_clear_to_marker(h);
			h->mode = M_TABLE;
			if (t == T_TABLE)
				end_tag(h);
			return;
		}
		if (t == T_BODY || t == T_COL || t == T_COLGROUP || t == T_HTML || t == T_TBODY || t == T_TD ||
		    t == T_TFOOT || t == T_TH || t == T_THEAD || t == T_TR)
			return;
		break;
	case M_CELL:
		if (t == T_TD || t == T_TH) {
			unsigned i = in_scope(h, t, SCOPE_TABLE);
			if (!i)
				return;
			implied_end(h, T_UNKNOWN);
			pop_to(h, i);
			afe_clear_to_marker(h);
			h->mode = M_ROW;
			return;
		}
		if (t == T_BODY || t == T_CAPTION || t == T_COL || t == T_COLGROUP || t == T_HTML)
			return;
		if (t == T_TABLE || t == T_TBODY || t == T_TFOOT || t == T_THEAD || t == T_TR) {
			if (!in_scope(h, t, SCOPE_TABLE))
				return;
			close_cell(h);
			end_tag(h);
			return;
		}
		break;
	case M_ROW:
		if (t == T_TR || t == T_TABLE || t == T_TBODY || t == T_TFOOT || t == T_THEAD) {
			if (t != T_TR && t != T_TABLE && !in_scope(h, t, SCOPE_TABLE))
				return;
			if (!in_scope(h, T_TR, SCOPE_TABLE))
				return;
			clear_to_context(h, T_TR, T_TR, T_TR);
			pop(h);
			h->mode = M_TBODY;
			if (t != T_TR)
				end_tag(h);
			return;
		}
		if (t == T_BODY || t == T_CAPTION || t == T_COL || t == T_COLGROUP || t == T_HTML || t == T_TD ||
		    t == T_TH)
			return;
		goto in_table;
	case M_TBODY:
		if (t == T_TBODY || t == T_TFOOT || t == T_THEAD || t == T_TABLE) {
			if (t != T_TABLE && !in_scope(h, t, SCOPE_TABLE))
				return;
			if (t == T_TABLE && !in_scope(h, T_TBODY, SCOPE_TABLE) && !in_scope(h, T_THEAD, SCOPE_TABLE) &&
			    !in_scope(h, T_TFOOT, SCOPE_TABLE))
				return;
			clear_to_context(h, T_TBODY, T_TFOOT, T_THEAD);
			pop(h);
			h->mode = M_TABLE;
			if (t == T_TABLE)
				end_tag(h);
			return;
		}
		if (t == T_BODY || t == T_CAPTION || t == T_COL || t == T_COLGROUP || t == T_HTML || t == T_TD ||
		    t == T_TH || t == T_TR)
			return;
		goto in_table;
	case M_COLGROUP:
		if (t == T_COLGROUP) {
			if (is_html(cur(h), T_COLGROUP)) {
				pop(h);
				h->mode = M_TABLE;
			}
			return;
		}
		if (t == T_COL)
			return;
		if (t == T_TEMPLATE)
			break;
		if (!is_html(cur(h), T_COLGROUP))
			return;
		pop(h);
		h->mode = M_TABLE;
		end_tag(h);
		return;
	case M_TABLE:
	in_table:
		if (t == T_TABLE) {
			unsigned i = in_scope(h, T_TABLE, SCOPE_TABLE);
			if (!i)
				return;
			pop_to(h, i);
			reset_mode(h);
			return;
		}
		if (t == T_BODY || t == T_CAPTION || t == T_COL || t == T_COLGROUP || t == T_HTML || t == T_TBODY ||
		    t == T_TD || t == T_TFOOT || t == T_TH || t == T_THEAD || t == T_TR)
			return;
		h->foster = true;
		end_body(h, t);
		h->foster = false;
		return;
	case M_SELECT_IN_TABLE:
		if (t == T_CAPTION || t == T_TABLE || t == T_TBODY || t == T_TFOOT || t == T_THEAD || t == T_TR ||
		    t == T_TD || t == T_TH) {
			if (!in_scope(h, t, SCOPE_TABLE))
				return;
			pop_to(h, find_html(h, T_SELECT));
			reset_mode(h);
			end_tag(h);
			return;
		}
		/* fall through */
	case M_SELECT:
		if (t == T_OPTGROUP) {
			if (is_html(cur(h), T_OPTION) && h->top > 2 && is_html(&h->st[h->top - 2], T_OPTGROUP))
				pop(h);
			if (is_html(cur(h), T_OPTGROUP))
				pop(h);
		} else if (t == T_OPTION) {
			if (is_html(cur(h), T_OPTION))
				pop(h);
		} else if (t == T_SELECT) {
			unsigned i = in_scope(h, T_SELECT, SCOPE_SELECT);
			if (i) {
				pop_to(h, i);
				reset_mode(h);
			}
		} else if (t == T_TEMPLATE) {
			break;
		}
		return;
	case M_FRAMESET:
	case M_AFTER_FRAMESET:
		if (t == T_FRAMESET && h->mode == M_FRAMESET && is_html(cur(h), T_FRAMESET)) {
			pop(h);
			if (!is_html(cur(h), T_FRAMESET))
				h->mode = M_AFTER_FRAMESET;
		} else if (t == T_NOFRAMES && is_html(cur(h), T_NOFRAMES)) {
			pop(h);
		}
		return;
	default:
		break;
	}
	end_body(h, t);
}

/* ---- tokenizer ------------------------------------------------------------ */

/* Windows-1252 meaning of numeric references 0x80..0x9F (0: unchanged). */
static const uint16_t c1_table[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,
	0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
	0x0153, 0, 0x017E, 0x0178 };

/* First entry in [lo, hi) whose byte k is >= c (entries of length k,
 * i.e. the prefix itself, sort first). */
static size_t ent_bound(size_t lo, size_t hi, size_t k, int c)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct pd_html_entity *e = &pd_html_entities[mid];
		int b = e->name_len > k ? (unsigned char)e->name[k] : -1;
		if (b < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The character reference at s[0] == '&' in s[0..n): bytes consumed and
 * its UTF-8 in out (*on bytes), or 0 when it is not decoded ('&' is then
 * plain text and what follows is read again). */
static size_t charref(const char *s, size_t n, bool in_attr, char *out, size_t *on)
{
	if (n < 2)
		return 0;
	unsigned char c = (unsigned char)s[1];
	if (c == '#') {
		size_t i = 2;
		bool hex = i < n && (s[i] == 'x' || s[i] == 'X');
		if (hex)
			i++;
		size_t d0 = i;
		uint32_t cp = 0;
		while (i < n && (hex ? pd_isxdigit((unsigned char)s[i]) : pd_isdigit((unsigned char)s[i]))) {
			unsigned v = (unsigned)pd_hexval((unsigned char)s[i]);
			if (cp <= 0x10FFFF)
				cp = hex ? cp * 16 + v : cp * 10 + v;
			i++;
		}
		if (i == d0)
			return 0;
		if (i < n && s[i] == ';')
			i++;
		if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			cp = 0xFFFD;
		else if (cp >= 0x80 && cp <= 0x9F && c1_table[cp - 0x80])
			cp = c1_table[cp - 0x80];
		*on = pd_utf8_encode(cp, out);
		return i;
	}
	if (!pd_isalnum(c))
		return 0;
	size_t lo = 0, hi = sizeof pd_html_entities / sizeof *pd_html_entities;
	size_t best = 0, besti = 0;
	for (size_t k = 0; 1 + k < n && k < PD_HTML_ENTITY_MAXLEN; k++) {
		int ch = (unsigned char)s[1 + k];
		size_t nlo = ent_bound(lo, hi, k, ch);
		size_t nhi = ent_bound(nlo, hi, k, ch + 1);
		if (nlo >= nhi)
			break;
		lo = nlo;
		hi = nhi;
		if (pd_html_entities[lo].name_len == k + 1) {
			best = k + 1;
			besti = lo;
		}
		if (ch == ';')
			break;
	}
	if (!best)
		return 0;
	const struct pd_html_entity *e = &pd_html_entities[besti];
	if (in_attr && e->name[best - 1] != ';' && 1 + best < n &&
	    (s[1 + best] == '=' || pd_isalnum((unsigned char)s[1 + best])))
		return 0;
	memcpy(out, e->utf8, e->utf8_len);
	*on = e->utf8_len;
	return 1 + best;
}

static void parse_error(struct html *h)
{
	h->out->flags |= PD_HTML_PARSE_ERRORS;
}

static bool tok_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f';
}

static bool ascii_alpha(int c)
{
	return pd_isalpha(c);
}

/* Text of RCDATA, RAWTEXT and script data: the "text" insertion mode
 * puts it into the element as it is (no reconstruction, no fostering). */
static void raw_chars(struct html *h, const char *p, size_t n)
{
	if (h->skip_lf) {
		h->skip_lf = false;
		if (n && *p == '\n') {
			p++;
			n--;
		}
	}
	if (n && !h->stop)
		insert_text(h, p, n);
}

/* Text s[0..n) of data or RCDATA: references decoded, NUL handled; raw:
 * the text of an RCDATA/RAWTEXT/script element. */
/* The first i' >= i with s[i'] one of a, b or NUL (n if none): eight
 * bytes a step (a byte equal to x is a zero byte of the word XOR x). */
static size_t run_until(const char *s, size_t i, size_t n, unsigned char a, unsigned char b)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	const uint64_t xa = a * ones, xb = b * ones;
	while (i + 8 <= n) {
		uint64_t x;
		memcpy(&x, s + i, 8);
		uint64_t ya = x ^ xa, yb = x ^ xb;
		if ((((x - ones) & ~x) | ((ya - ones) & ~ya) | ((yb - ones) & ~yb)) & highs)
			break;
		i += 8;
	}
	while (i < n && s[i] != '\0' && (unsigned char)s[i] != a && (unsigned char)s[i] != b)
		i++;
	return i;
}

static void emit_text(struct html *h, const char *s, size_t n, bool refs, bool nul_fffd, bool raw)
{
	void (*out)(struct html *, const char *, size_t) = raw ? raw_chars : chars;
	if (!raw && refs && memchr(s, '&', n)) {
		/* data: one run of character tokens, references decoded, goes to
		 * the tree builder at once (the table text rules look at all of
		 * it); a reference decodes to at most 1.2 times its length
		 * ("&nLt;", 5 bytes, is 6 bytes of UTF-8) */
		if (n + n / 4 + 8 > h->tbcap) {
			h->tbcap = n + n / 4 + 8;
			h->tb = pd_arena_alloc(h->a, h->tbcap);
		}
		char *o = h->tb;
		size_t k = 0;
		for (size_t i = 0; i < n;) {
			if (s[i] == '&') {
				size_t on = 0;
				size_t used = charref(s + i, n - i, false, o + k, &on);
				if (used) {
					k += on;
					i += used;
					continue;
				}
			} else if (s[i] == '\0') {
				parse_error(h);
			}
			o[k++] = s[i++];
		}
		/* chars() may use h->tb for NUL removal: hand it a copy then */
		if (memchr(o, '\0', k)) {
			char *c = pd_arena_alloc(h->a, k);
			memcpy(c, o, k);
			o = c;
		}
		chars(h, o, k);
		return;
	}
	size_t start = 0;
	for (size_t i = 0; i < n && !h->stop;) {
		i = run_until(s, i, n, '&', '&'); /* plain text: nothing to do */
		if (i >= n)
			break;
		char c = s[i];
		if (c == '&' && refs) {
			char buf[8];
			size_t on = 0;
			size_t used = charref(s + i, n - i, false, buf, &on);
			if (used) {
				if (i > start)
					out(h, s + start, i - start);
				out(h, buf, on);
				i += used;
				start = i;
				continue;
			}
		} else if (c == '\0') {
			parse_error(h);
			if (nul_fffd) {
				if (i > start)
					out(h, s + start, i - start);
				out(h, "\xEF\xBF\xBD", 3);
				start = i + 1;
			}
		}
		i++;
	}
	if (start < n && !h->stop)
		out(h, s + start, n - start);
}

/* Offset of the end of a comment whose text starts at s[i] ("<!--" just
 * read): the byte after its '>', or n. */
static size_t comment_end(struct html *h, const char *s, size_t n, size_t i)
{
	if (i < n && s[i] == '>')
		return parse_error(h), i + 1;
	if (i + 1 < n && s[i] == '-' && s[i + 1] == '>')
		return parse_error(h), i + 2;
	for (size_t p = i; p + 1 < n; p++) {
		const char *d = memchr(s + p, '-', n - p);
		if (!d)
			break;
		p = (size_t)(d - s);
		if (p + 1 >= n || s[p + 1] != '-')
			continue;
		size_t q = p + 2;
		while (q < n && s[q] == '-')
			q++;
		if (q < n && s[q] == '>')
			return q + 1;
		if (q + 1 < n && s[q] == '!' && s[q + 1] == '>')
			return parse_error(h), q + 2;
		p = q - 1;
	}
	parse_error(h);
	return n;
}

static size_t skip_to_gt(const char *s, size_t n, size_t i)
{
	const char *g = i < n ? memchr(s + i, '>', n - i) : NULL;
	return g ? (size_t)(g - s) + 1 : n;
}

/* Is s[i..] "</" + name (any case) + one of tab LF FF space / > ?  The
 * appropriate end tag of RCDATA, RAWTEXT and script data. */
static bool end_tag_at(const char *s, size_t n, size_t i, const char *name)
{
	size_t l = strlen(name);
	if (i + 2 + l >= n || s[i] != '<' || s[i + 1] != '/' || !pd_strnieq(s + i + 2, name, l))
		return false;
	unsigned char c = (unsigned char)s[i + 2 + l];
	return tok_ws(c) || c == '/' || c == '>';
}

/* Where the script data starting at s[i] ends (the '<' of its end tag),
 * following the script data, escaped and double-escaped states: "<!--"
 * escapes, "<script" inside an escape double-escapes (a "</script" there
 * does not end the script), "-->" ends either escape. */
static size_t script_end(const char *s, size_t n, size_t i)
{
	enum { SD, ESC, DESC } st = SD;
	unsigned dashes = 0;
	while (i < n) {
		if (st == SD) {
			const char *lt = memchr(s + i, '<', n - i);
			if (!lt)
				return n;
			size_t p = (size_t)(lt - s);
			if (end_tag_at(s, n, p, "script"))
				return p;
			if (p + 3 < n && s[p + 1] == '!' && s[p + 2] == '-' && s[p + 3] == '-') {
				st = ESC;
				dashes = 2;
				i = p + 4;
				continue;
			}
			i = p + 1;
			continue;
		}
		char c = s[i];
		if (c == '-') {
			dashes++;
			i++;
			continue;
		}
		if (c == '>' && dashes >= 2) {
			st = SD;
			dashes = 0;
			i++;
			continue;
		}
		dashes = 0;
		if (c == '<') {
			if (st == ESC) {
				if (end_tag_at(s, n, i, "script"))
					return i;
				if (i + 7 < n && pd_strnieq(s + i + 1, "script", 6)) {
					unsigned char t = (unsigned char)s[i + 7];
					if (tok_ws(t) || t == '/' || t == '>') {
						st = DESC;
						i += 8;
						continue;
					}
				}
			} else if (i + 8 < n && s[i + 1] == '/' && pd_strnieq(s + i + 2, "script", 6)) {
				unsigned char t = (unsigned char)s[i + 8];
				if (tok_ws(t) || t == '/' || t == '>') {
					st = ESC;
					i += 9;
					continue;
				}
			}
		}
		i++;
	}
	return n;
}

static void attr_begin(struct html *h)
{
	h->aname_len = 0;
	h->cur_attr = -1;
}

/* the attribute name is complete: first of a name wins */
static void attr_named(struct html *h)
{
	h->nattrs++;
	h->cur_attr = -1;
	if (h->end || h->aname_len >= NAME_KEEP)
		return;
	int id = attr_lookup(h->aname, h->aname_len);
	if (id < 0 || h->at[id].set) {
		if (id >= 0)
			parse_error(h);
		return;
	}
	struct attrval *v = &h->at[id];
	v->set = true;
	v->off = (unsigned)h->abn;
	v->len = 0;
	v->order = h->nattrs;
	v->more = v->nonspace_after = false;
	h->cur_attr = id;
}

static void tag_begin(struct html *h, bool end)
{
	h->end = end;
	h->self_closing = false;
	h->name_len = 0;
	h->nattrs = 0;
	h->abn = 0;
	h->cur_attr = -1;
	memset(h->at, 0, sizeof h->at);
}

static void tag_emit(struct html *h)
{
	size_t kept = h->name_len < NAME_KEEP ? h->name_len : NAME_KEEP;
	h->tag = h->name_len <= NAME_KEEP ? tag_lookup(h->name, kept) : T_UNKNOWN;
	h->seen = true;
	if (h->text_end) {
		/* the "text" insertion mode: the end tag closes the element */
		h->text_end = false;
		if (h->raw_pushed)
			pop(h);
		h->raw_pushed = false;
		return;
	}
	if (h->end) {
		end_tag(h);
	} else {
		if (h->self_closing && !(tags[h->tag].flags & VD))
			parse_error(h);
		start_tag(h);
	}
}

static void name_add(struct html *h, char *buf, size_t *len, unsigned char c)
{
	if (*len < NAME_KEEP)
		buf[*len] = (char)c;
	(*len)++;
}

/* One tag from s[i] (just after "<" or "</"), through its '>'; returns
 * the offset after it, or n (a tag cut by the end is dropped). */
static size_t read_tag(struct html *h, const char *s, size_t n, size_t i, bool end)
{
	tag_begin(h, end);
	uint64_t hash = 1469598103934665603ull;
	/* tag name */
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (tok_ws(c) || c == '/' || c == '>')
			break;
		if (c == '\0') {
			parse_error(h);
			for (int k = 0; k < 3; k++) {
				name_add(h, h->name, &h->name_len, (unsigned char)"\xEF\xBF\xBD"[k]);
				hash = (hash ^ (unsigned char)"\xEF\xBF\xBD"[k]) * 1099511628211ull;
			}
			i++;
			continue;
		}
		c = (unsigned char)pd_tolower(c);
		name_add(h, h->name, &h->name_len, c);
		hash = (hash ^ c) * 1099511628211ull;
		i++;
	}
	h->hash = hash;
	/* attributes */
	for (;;) {
		/* before attribute name */
		while (i < n && tok_ws((unsigned char)s[i]))
			i++;
		if (i >= n)
			return parse_error(h), n;
		if (s[i] == '>') {
			tag_emit(h);
			return i + 1;
		}
		if (s[i] == '/') {
			i++;
			if (i < n && s[i] == '>') {
				h->self_closing = true;
				tag_emit(h);
				return i + 1;
			}
			if (i >= n)
				return n;
			parse_error(h);
			continue;
		}
		/* attribute name ('=' may start it) */
		attr_begin(h);
		if (s[i] == '=') {
			parse_error(h);
			name_add(h, h->aname, &h->aname_len, '=');
			i++;
		}
		while (i < n) {
			unsigned char c = (unsigned char)s[i];
			if (tok_ws(c) || c == '/' || c == '>' || c == '=')
				break;
			if (c == '"' || c == '\'' || c == '<')
				parse_error(h);
			if (c == '\0')
				c = 0xFF; /* U+FFFD in a name: no attribute we read */
			name_add(h, h->aname, &h->aname_len, (unsigned char)pd_tolower(c));
			i++;
		}
		attr_named(h);
		/* after attribute name */
		while (i < n && tok_ws((unsigned char)s[i]))
			i++;
		if (i >= n)
			return parse_error(h), n;
		if (s[i] != '=')
			continue; /* no value: '/', '>' or the next name */
		i++;
		/* before attribute value */
		while (i < n && tok_ws((unsigned char)s[i]))
			i++;
		if (i >= n)
			return parse_error(h), n;
		if (s[i] == '>') {
			parse_error(h);
			tag_emit(h);
			return i + 1;
		}
		char q = 0;
		if (s[i] == '"' || s[i] == '\'')
			q = s[i++];
		if (q && h->cur_attr < 0) {
			/* a value we do not read: only its end matters */
			const char *e = memchr(s + i, q, n - i);
			if (!e)
				return parse_error(h), n;
			i = (size_t)(e - s) + 1;
			if (i < n && !tok_ws((unsigned char)s[i]) && s[i] != '/' && s[i] != '>')
				parse_error(h);
			continue;
		}
		size_t start = i;
		for (;;) {
			if (q)
				i = run_until(s, i, n, (unsigned char)q, '&');
			if (i >= n)
				return parse_error(h), n;
			unsigned char c = (unsigned char)s[i];
			if (q ? c == (unsigned char)q : (tok_ws(c) || c == '>'))
				break;
			if (c == '&' && h->cur_attr >= 0) {
				char buf[8];
				size_t on = 0;
				size_t used = charref(s + i, n - i, true, buf, &on);
				if (used) {
					attr_put(h, s + start, i - start);
					attr_put(h, buf, on);
					i += used;
					start = i;
					continue;
				}
			} else if (c == '\0') {
				parse_error(h);
				attr_put(h, s + start, i - start);
				attr_put(h, "\xEF\xBF\xBD", 3);
				start = ++i;
				continue;
			} else if (!q && (c == '"' || c == '\'' || c == '<' || c == '=' || c == '`')) {
				parse_error(h);
			}
			i++;
		}
		attr_put(h, s + start, i - start);
		if (!q)
			continue; /* ws: before attribute name; '>': emitted above */
		i++;
		/* after attribute value (quoted) */
		if (i >= n)
			return parse_error(h), n;
		if (!tok_ws((unsigned char)s[i]) && s[i] != '/' && s[i] != '>')
			parse_error(h);
	}
}

/* ---- the driver ------------------------------------------------------------- */

/* CR and CRLF to LF (input stream preprocessing). */
static const char *normalize_newlines(struct pd_arena *a, const char *s, size_t *n)
{
	if (!memchr(s, '\r', *n))
		return s;
	char *o = pd_arena_alloc(a, *n + 1);
	size_t k = 0, i = 0;
	while (i < *n) {
		const char *cr = memchr(s + i, '\r', *n - i);
		size_t e = cr ? (size_t)(cr - s) : *n; /* s[i..e) has no CR */
		memcpy(o + k, s + i, e - i);
		k += e - i;
		if (e == *n)
			break;
		o[k++] = '\n';
		i = e + 1 < *n && s[e + 1] == '\n' ? e + 2 : e + 1;
	}
	*n = k;
	return o;
}

/* Public identifiers (prefixes) of the DOCTYPEs that mean quirks mode
 * (WHATWG 13.2.6.4.1; the IETF and HTML 3.x entries by common prefix). */
static const char *const quirks_public[] = { "+//silmaril//dtd html pro v0r11 19970101//",
	"-//as//dtd html 3.0 aswedit + extensions//", "-//advasoft ltd//dtd html 3.0 aswedit + extensions//",
	"-//ietf//dtd html", "-//metrius//dtd metrius presentational//", "-//microsoft//dtd internet explorer ",
	"-//netscape comm. corp.//dtd html//", "-//netscape comm. corp.//dtd strict html//",
	"-//o'reilly and associates//dtd html ", "-//sq//dtd html 2.0 hotmetal + extensions//",
	"-//softquad software//dtd hotmetal pro 6.0::19990601::extensions to html 4.0//",
	"-//softquad//dtd hotmetal pro 4.0::19971010::extensions to html 4.0//",
	"-//spyglass//dtd html 2.0 extended//", "-//sun microsystems corp.//dtd hotjava html//",
	"-//sun microsystems corp.//dtd hotjava strict html//", "-//w3c//dtd html 3 1995-03-24//",
	"-//w3c//dtd html 3.2", "-//w3c//dtd html 4.0 frameset//", "-//w3c//dtd html 4.0 transitional//",
	"-//w3c//dtd html experimental 19960712//", "-//w3c//dtd html experimental 970421//",
	"-//w3c//dtd w3 html//", "-//w3o//dtd w3 html 3.0//", "-//webtechs//dtd mozilla html 2.0//",
	"-//webtechs//dtd mozilla html//" };

/* A quoted identifier at s[*i] (after spaces), lower-cased into out. */
static bool doctype_id(const char *s, size_t n, size_t *i, char *out, size_t cap)
{
	while (*i < n && tok_ws((unsigned char)s[*i]))
		(*i)++;
	if (*i >= n || (s[*i] != '"' && s[*i] != '\''))
		return false;
	char q = s[(*i)++];
	size_t k = 0;
	while (*i < n && s[*i] != q) {
		if (k + 1 < cap)
			out[k++] = (char)pd_tolower((unsigned char)s[*i]);
		(*i)++;
	}
	out[k] = '\0';
	if (*i < n)
		(*i)++;
	return true;
}

/* Does the DOCTYPE whose text (after "<!DOCTYPE", up to its '>') is
 * s[0..n) put the document in quirks mode? */
static bool doctype_quirks(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && tok_ws((unsigned char)s[i]))
		i++;
	size_t name = i;
	while (i < n && !tok_ws((unsigned char)s[i]) && s[i] != '>')
		i++;
	if (i - name != 4 || !pd_strnieq(s + name, "html", 4))
		return true;
	while (i < n && tok_ws((unsigned char)s[i]))
		i++;
	char pub[128] = "", sys[128] = "";
	bool has_pub = false, has_sys = false;
	if (i + 6 <= n && pd_strnieq(s + i, "public", 6)) {
		i += 6;
		has_pub = doctype_id(s, n, &i, pub, sizeof pub);
		if (!has_pub)
			return true; /* missing identifier: force-quirks */
		has_sys = doctype_id(s, n, &i, sys, sizeof sys);
	} else if (i + 6 <= n && pd_strnieq(s + i, "system", 6)) {
		i += 6;
		has_sys = doctype_id(s, n, &i, sys, sizeof sys);
		if (!has_sys)
			return true;
	}
	if (has_pub) {
		if (strcmp(pub, "-//w3o//dtd w3 html strict 3.0//en//") == 0 ||
		    strcmp(pub, "-/w3c/dtd html 4.0 transitional/en") == 0 || strcmp(pub, "html") == 0)
			return true;
		for (size_t k = 0; k < sizeof quirks_public / sizeof *quirks_public; k++)
			if (strncmp(pub, quirks_public[k], strlen(quirks_public[k])) == 0)
				return true;
		if (!has_sys && (strncmp(pub, "-//w3c//dtd html 4.01 frameset//", 32) == 0 ||
		                 strncmp(pub, "-//w3c//dtd html 4.01 transitional//", 36) == 0))
			return true;
	}
	if (has_sys && strcmp(sys, "http://www.ibm.com/data/dtd/v11/ibmxhtml1-transitional.dtd") == 0)
		return true;
	return false;
}

static void tokenize(struct html *h, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && !h->stop) {
		enum tstate st = h->next_state;
		if (st == S_PLAINTEXT) {
			emit_text(h, s + i, n - i, false, true, false);
			return;
		}
		if (st == S_RCDATA || st == S_RAWTEXT || st == S_SCRIPT) {
			size_t e = i;
			if (st == S_SCRIPT) {
				e = script_end(s, n, i);
			} else {
				for (;;) {
					const char *lt = e < n ? memchr(s + e, '<', n - e) : NULL;
					if (!lt) {
						e = n;
						break;
					}
					e = (size_t)(lt - s);
					if (end_tag_at(s, n, e, h->end_name))
						break;
					e++;
				}
			}
			/* the element may not be on the stack (MAX_DEPTH): then
			 * its content is dropped, not shown in its parent */
			if (h->raw_pushed)
				emit_text(h, s + i, e - i, st == S_RCDATA, true, true);
			h->next_state = S_DATA;
			if (e >= n)
				return;
			h->text_end = true;
			i = read_tag(h, s, n, e + 2, true);
			h->text_end = false;
			continue;
		}
		/* data state: text up to the next '<' */
		const char *lt = memchr(s + i, '<', n - i);
		size_t e = lt ? (size_t)(lt - s) : n;
		if (e > i)
			emit_text(h, s + i, e - i, true, false, false);
		if (e >= n || h->stop)
			return;
		i = e + 1; /* tag open */
		h->skip_lf = false; /* only the token right after <pre> is skipped */
		if (i >= n) {
			chars(h, "<", 1);
			return;
		}
		unsigned char c = (unsigned char)s[i];
		if (ascii_alpha(c)) {
			i = read_tag(h, s, n, i, false);
		} else if (c == '/') {
			i++;
			if (i >= n) {
				chars(h, "</", 2);
				return;
			}
			c = (unsigned char)s[i];
			if (ascii_alpha(c)) {
				i = read_tag(h, s, n, i, true);
			} else if (c == '>') {
				parse_error(h);
				i++;
			} else {
				parse_error(h);
				i = skip_to_gt(s, n, i);
			}
		} else if (c == '!') {
			i++;
			if (i + 1 < n && s[i] == '-' && s[i + 1] == '-') {
				i = comment_end(h, s, n, i + 2);
			} else if (i + 7 <= n && pd_strnieq(s + i, "doctype", 7)) {
				size_t e2 = skip_to_gt(s, n, i + 7);
				if (!h->seen)
					h->quirks = doctype_quirks(s + i + 7, e2 - (i + 7));
				i = e2;
			} else if (i + 7 <= n && memcmp(s + i, "[CDATA[", 7) == 0 && h->top > 1 && cur(h)->ns != NS_HTML) {
				i += 7;
				const char *end = NULL;
				for (size_t p = i; p + 2 < n; p++) {
					const char *b = memchr(s + p, ']', n - p);
					if (!b)
						break;
					p = (size_t)(b - s);
					if (p + 2 < n && s[p + 1] == ']' && s[p + 2] == '>') {
						end = b;
						break;
					}
				}
				size_t ce = end ? (size_t)(end - s) : n;
				if (ce > i)
					chars(h, s + i, ce - i);
				i = end ? ce + 3 : n;
			} else {
				parse_error(h);
				i = skip_to_gt(s, n, i);
			}
		} else if (c == '?') {
			parse_error(h);
			i = skip_to_gt(s, n, i);
		} else {
			parse_error(h);
			chars(h, "<", 1);
		}
	}
}

int pd_html_extract(struct pd_arena *a, const char *html, size_t len, unsigned max_nodes, size_t max_text,
                    unsigned max_anchors, struct pd_html_result *out)
{
	memset(out, 0, sizeof *out);
	out->text = "";
	out->title = "";
	size_t n = len;
	const char *s = html;
	if (!pd_utf8_valid(s, n))
		s = pd_utf8_sanitize(a, s, n, &n);
	s = normalize_newlines(a, s, &n);

	struct html *h = pd_arena_alloc(a, sizeof *h);
	h->a = a;
	h->out = out;
	h->max_nodes = max_nodes;
	h->max_anchors = max_anchors;
	pd_buf_init(&h->text, a, max_text);
	h->max_text = max_text;
	h->first = chunk_after(h, NULL);
	h->wc = h->first;
	pd_buf_init(&h->title, a, 1024);
	pd_buf_init(&h->script, a, SCRIPT_SCAN_MAX);
	h->cap = 64;
	h->st = pd_arena_calloc(a, h->cap, sizeof *h->st);
	h->st[0].slot = pd_arena_alloc(a, sizeof *h->st[0].slot);
	h->st[0].slot->c = h->first;
	h->st[0].anchor = h->st[0].own_anchor = -1;
	h->st[0].tag = T_HTML;
	h->top = 1;
	h->abcap = 1024;
	h->ab = pd_arena_alloc(a, h->abcap);
	h->mode = M_BODY;
	h->next_state = S_DATA;
	h->quirks = true; /* until a DOCTYPE says otherwise */

	tokenize(h, s, n);
	/* the end of the input closes every open element */
	while (h->top > 1)
		pop(h);

	for (unsigned i = 0; i < out->nanchors && i < h->atext_cap; i++) {
		struct pd_buf *ab = &h->atext[i];
		if (out->anchors[i].origin == PD_LINK_HTML_HREF && ab->p && ab->n) {
			const char *t = pd_collapse_ws(a, ab->p, ab->n);
			out->anchors[i].text = pd_utf8_sanitize(a, t, strlen(t), NULL);
		}
	}
	/* anchors in tree order: chunk by chunk */
	if (out->nanchors) {
		struct pd_anchor *sorted = pd_arena_calloc(a, out->nanchors, sizeof *sorted);
		unsigned k = 0;
		for (const struct chunk *c = h->first; c; c = c->next)
			for (unsigned j = 0; j < c->nanch && k < out->nanchors; j++)
				sorted[k++] = out->anchors[c->anch[j]];
		out->anchors = sorted;
	}
	if (pd_html_hidden_counts(h->hidden_after, h->hidden_lead))
		out->flags |= PD_HTML_HIDDEN_TEXT;
	join_chunks(h);
	pd_html_finish_text(a, &h->text, max_text, out);
	out->title = pd_collapse_ws(a, h->title.p ? h->title.p : "", h->title.n);
	out->title = pd_utf8_sanitize(a, out->title, strlen(out->title), NULL);
	return 0;
}
