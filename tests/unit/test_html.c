/* test_html.c - the HTML reader: text a reader sees, every link-bearing
 * element, and bounds on hostile documents.  The tokenizer cases below
 * were each checked against the gumbo reference (html_gumbo.c) and the
 * WHATWG spec; tests/html_diff.c compares the two on real mail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/text.h"
#include "check.h"
#include "mail/html.h"
#include "mail/html_rules.h"

static struct pd_html_result parse(struct pd_arena *a, const char *h)
{
	struct pd_html_result r;
	pd_html_extract(a, h, strlen(h), 100000, 1 << 20, 1000, &r);
	return r;
}

static const struct pd_anchor *find(const struct pd_html_result *r, enum pd_link_origin o, unsigned nth)
{
	for (unsigned i = 0; i < r->nanchors; i++)
		if (r->anchors[i].origin == o && nth-- == 0)
			return &r->anchors[i];
	return NULL;
}

struct acase {
	const char *name, *html;
	enum pd_link_origin origin;
	const char *href, *text;
};

static const struct acase anchors[] = {
	{ "nested inline markup", "<p>Go <a href=\"https://a.example/x\">to <b>your <i>account</i></b></a> now</p>",
	  PD_LINK_HTML_HREF, "https://a.example/x", "to your account" },
	{ "entity in href", "<a href=\"https://a.example/?a=1&amp;b=2\">x</a>", PD_LINK_HTML_HREF,
	  "https://a.example/?a=1&b=2", "x" },
	{ "numeric entity obfuscation", "<a href=\"&#x68;ttps://evil.example/\">bank</a>", PD_LINK_HTML_HREF,
	  "https://evil.example/", "bank" },
	{ "whitespace and newline in href", "<a href=\"  https://a.example/\n\">x</a>", PD_LINK_HTML_HREF,
	  "https://a.example/", "x" },
	{ "unclosed anchor: the paragraph closes it (HTML5 adoption agency)",
	  "<p><a href=\"https://a.example/\">click here<p>next</p>", PD_LINK_HTML_HREF, "https://a.example/",
	  "click here" },
	{ "area", "<map><area href=\"https://m.example/\" alt=\"Login\"></map>", PD_LINK_HTML_HREF,
	  "https://m.example/", "Login" },
	{ "form action", "<form action=\"https://collect.example/p\" method=post><input name=u></form>",
	  PD_LINK_HTML_FORM, "https://collect.example/p", "" },
	{ "img src", "<img src=\"https://img.example/logo.png\" alt=\"Bank\">", PD_LINK_HTML_IMG,
	  "https://img.example/logo.png", "" },
	{ "meta refresh", "<meta http-equiv=\"refresh\" content=\"0; URL='https://r.example/go'\">",
	  PD_LINK_HTML_META, "https://r.example/go", "" },
	{ "meta refresh unquoted, spaces", "<META HTTP-EQUIV=Refresh CONTENT=\"5;url = https://r.example/b\">",
	  PD_LINK_HTML_META, "https://r.example/b", "" },
	{ "base href", "<base href=\"https://base.example/\"><a href=\"x\">y</a>", PD_LINK_HTML_BASE,
	  "https://base.example/", "" },
	{ "script location", "<script>window.location.href = \"https://s.example/land\";</script>",
	  PD_LINK_HTML_SCRIPT, "https://s.example/land", "" },
	{ "script window.open", "<script>window.open('https://s.example/pop')</script>", PD_LINK_HTML_SCRIPT,
	  "https://s.example/pop", "" },
	{ "iframe", "<iframe src=\"https://frame.example/\"></iframe>", PD_LINK_HTML_OTHER,
	  "https://frame.example/", "" },
	{ "no html/body", "text <a href=https://bare.example/>bare</a>", PD_LINK_HTML_HREF,
	  "https://bare.example/", "bare" },
	{ "anchor in a mis-nested table", "<table><a href=\"https://t.example/\">in table</a><tr><td>c</td></tr></table>",
	  PD_LINK_HTML_HREF, "https://t.example/", "in table" },
};

/* Tokenizer and tree-builder cases: the text (after the reader's
 * whitespace rules), the title, and the anchors as "href[text]" joined
 * by " | " (NULL: not checked). */
struct tcase {
	const char *name, *html;
	size_t len; /* 0: strlen(html) */
	const char *text, *title, *anchors;
};

static const struct tcase tok[] = {
	{ "entities: attribute rule vs text", "<a href=\"?a=1&amp=2&notit=3&not;x&ampy\">&notit; &amp;x &ampy</a>", 0,
	  "\xC2\xACit; &x &y", NULL, "?a=1&amp=2&notit=3\xC2\xACx&ampy[\xC2\xACit; &x &y]" },
	{ "entities: longest prefix, legacy names, numeric", "<p>&notin; &notit; &#65 &#x41; &AMP &lt;&gt", 0,
	  "\xE2\x88\x89 \xC2\xACit; A A & <>", NULL, "" },
	{ "numeric references: C1 table, NUL, surrogate, out of range",
	  "<a href=\"&#x80;&#0;&#xD800;&#x110000;&#150;\">e</a>", 0, "e", NULL,
	  "\xE2\x82\xAC\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xE2\x80\x93[e]" },
	{ "unknown entity stays text", "<p>&nosuch; &#; &#x;", 0, "&nosuch; &#; &#x;", NULL, "" },
	{ "unquoted value takes '<'", "<a href=x<b>t</b>", 0, "t", NULL, "x<b[t]" },
	{ "unquoted values and entities", "<a href=https://u.example/?a=1&amp;b=2 title=T>u</a>", 0, "u", NULL,
	  "https://u.example/?a=1&b=2[u]" },
	{ "duplicate attributes: the first wins, names lower-cased",
	  "<a href=first HREF=second>f</a><A HREF=\"U\" TITLE=t>u</A>", 0, "fu", NULL, "first[f] | U[u]" },
	{ "a comment hides an anchor", "<!-- <a href=\"https://hidden.example/\">h</a> --><a href=s>s</a>", 0,
	  "s", NULL, "s[s]" },
	{ "'-- >' does not end a comment", "<!-- -- ><a href=3> -->vis", 0, "vis", NULL, "" },
	{ "<!--> and <!---> are whole comments", "<!--><a href=1>v</a><!---><a href=2>w</a>", 0, "vw", NULL,
	  "1[v] | 2[w]" },
	{ "--!> ends a comment", "<!-- x --!><a href=3>v</a>", 0, "v", NULL, "3[v]" },
	{ "bogus comments", "<?php <a href=q> ?>x</ 1><a href=r>y</a><!x>", 0, "?>xy", NULL, "r[y]" },
	{ "DOCTYPE skipped", "<!DOCTYPE html PUBLIC \"-//W3C//DTD\"><a href=d>t</a>", 0, "t", NULL, "d[t]" },
	{ "</script in a script string", "<script>var s=\"</scr\"+\"ipt>\"; window.open(\"https://s.example/\")"
	  "</script><a href=after>a</a>", 0, "a", NULL, "https://s.example/[] | after[a]" },
	{ "script data double escaped", "<script><!--<script>x=\"</script>\"</script>--></script><a href=z>z</a>", 0,
	  "-->z", NULL, "z[z]" },
	{ "title with tags inside is text", "<title>T<b>x</b></TITLE foo><p>body", 0, "body", "T<b>x</b>", "" },
	{ "style in svg is not raw text, still not shown",
	  "<svg><style><a href=s>in svg style</a></style></svg>ok", 0, "ok", NULL, "" },
	{ "raw text is not reparented: an open <b> does not take the title",
	  "<p><b>x</p><title>t</title>more", 0, "x\nmore", "t", "" },
	{ "textarea is RCDATA", "<textarea>\n<a href=t>x</a>&amp;</textarea>", 0, "<a href=t>x</a>&", NULL, "" },
	{ "xmp and iframe are RAWTEXT", "<xmp><a href=x>&amp;</xmp><iframe src=f><a href=y></iframe>", 0,
	  "<a href=x>&amp;<a href=y>", NULL, "f[]" },
	{ "plaintext to the end", "<plaintext><a href=p></plaintext>", 0, "<a href=p></plaintext>", NULL, "" },
	{ "noscript is markup (scripting off)", "<noscript><a href=n>ns</a></noscript>", 0, "ns", NULL, "n[ns]" },
	{ "nested <a> closes the first", "<a href=1>one<a href=2>two</a>", 0, "onetwo", NULL, "1[one] | 2[two]" },
	{ "an <a> left open reopens after its block", "<div><a href=a1>one</div>two", 0, "one\ntwo", NULL,
	  "a1[one] | a1[two]" },
	{ "adoption agency: a clone in the furthest block", "<a href=1><div>in div</a>out</div>", 0,
	  "in divout", NULL, "1[] | 1[in div]" },
	{ "a cell closes the formatting elements opened in it",
	  "<table><tr><td><a href=1>x</td><td>y</td></tr></table>", 0, "x y", NULL, "1[x]" },
	{ "foster parenting: table content out of place comes first",
	  "<table><tr><td>c</td></tr><img src=pix><a href=f>fost</a></table>after", 0, "fost\nc\nafter", NULL,
	  "pix[] | f[fost]" },
	{ "svg xlink:href and MathML text integration point",
	  "<svg><a xlink:href=\"http://svg.example/\">s</a></svg><math><mi><a href=m>mi</a></mi></math>", 0, "smi",
	  NULL, "http://svg.example/[s] | m[mi]" },
	{ "CDATA only in foreign content", "<svg><![CDATA[<a href=c>cd</a>]]></svg><![CDATA[<a href=z>]]>t", 0,
	  "<a href=c>cd</a>]]>t", NULL, "" },
	{ "breakout from svg", "<svg><p><a href=b>out</a></svg>", 0, "out", NULL, "b[out]" },
	{ "select keeps only options", "<select><a href=s>opt</a><option>o</select>", 0, "opto", NULL, "" },
	{ "frameset", "<frameset><frame src=f1><frame src=f2></frameset>", 0, "", NULL, "f1[] | f2[]" },
	/* the two below differ from gumbo 0.10.1, which is wrong there */
	{ "</br> is a <br>: no frameset after it", "</br><frameset><frame src=x>", 0, "", NULL, "" },
	{ "template content is never shown", "<template><a href=t>tt</a></template>v", 0, "v", NULL, "" },
	{ "quirks mode: <table> stays in the <p> without a DOCTYPE",
	  "<p>a<table>x<tr><td>c</table>b</p>d", 0, "ax\nc\nb\nd", NULL, "" },
	{ "no quirks: <table> closes the <p>", "<!DOCTYPE html><p>a<table>x<tr><td>c</table>b</p>d", 0,
	  "a\nx\nc\nb\nd", NULL, "" },
	{ "C1 controls in the input are kept (gumbo makes them U+FFFD)", "a\xC2\x81" "b", 0, "a\xC2\x81" "b", NULL, "" },
	{ "nested form ignored", "<form action=1><form action=2></form></form>", 0, "", NULL, "1[]" },
	{ "image is img", "<image src=i.png>", 0, "", NULL, "i.png[]" },
	{ "</p> alone is an empty paragraph, </br> a break", "a</p>b</br>c", 0, "a\nb\nc", NULL, "" },
	{ "pre drops its first newline", "<pre>\n\nx</pre>", 0, "x", NULL, "" },
	{ "NUL bytes", "<a href=\"x\0y\">a\0b</a><title>t\0u</title>", 39, "ab", "t\xEF\xBF\xBDu",
	  "x\xEF\xBF\xBDy[ab]" },
	{ "CR and CRLF", "l1\r\nl2\rl3<a href=\"h\r\nx\">q</a><textarea>a\r\nb</textarea>", 0, "l1 l2 l3qa b",
	  NULL, "hx[q]" },
};

static char *join_anchors(struct pd_arena *a, const struct pd_html_result *r)
{
	char *s = "";
	for (unsigned i = 0; i < r->nanchors; i++)
		s = pd_arena_printf(a, "%s%s%s[%s]", s, i ? " | " : "", r->anchors[i].href, r->anchors[i].text);
	return s;
}

/* Entities, NUL and the closing quote at every offset from a word
 * boundary: the reader skips plain runs eight bytes at a time. */
static void test_run_offsets(struct pd_arena *a)
{
	unsigned bad = 0;
	for (int k = 0; k < 20; k++) {
		char pad[32], html[256], want[128];
		memset(pad, 'x', (size_t)k);
		pad[k] = '\0';
		snprintf(html, sizeof html, "<p>%s&amp;y%s&lt;</p><a href=\"http://h.example/%s&amp;q=1%s\">t</a>", pad, pad,
		         pad, pad);
		struct pd_html_result r = parse(a, html);
		snprintf(want, sizeof want, "%s&y%s<", pad, pad);
		char *nl = strchr(r.text, '\n');
		if (nl)
			*nl = '\0';
		const struct pd_anchor *an = find(&r, PD_LINK_HTML_HREF, 0);
		char wh[128];
		snprintf(wh, sizeof wh, "http://h.example/%s&q=1%s", pad, pad);
		if (strcmp(r.text, want) != 0 || !an || strcmp(an->href, wh) != 0) {
			if (bad++ == 0)
				fprintf(stderr, "offset %d: text '%s' href '%s'\n", k, r.text, an ? an->href : "-");
		}
		/* a NUL in text is dropped, in an attribute value it is U+FFFD */
		char nulhtml[256];
		int hn = snprintf(nulhtml, sizeof nulhtml, "<p>%sAXB</p><a href='http://h.example/%sCXD'>t</a>", pad, pad);
		nulhtml[3 + k + 1] = '\0'; /* the X between A and B */
		nulhtml[hn - 9] = '\0';    /* the X between C and D: "X D ' > t < / a >" */
		struct pd_html_result r2;
		pd_html_extract(a, nulhtml, (size_t)hn, 100000, 1 << 20, 1000, &r2);
		snprintf(want, sizeof want, "%sAB", pad);
		an = find(&r2, PD_LINK_HTML_HREF, 0);
		snprintf(wh, sizeof wh, "http://h.example/%sC\xEF\xBF\xBD" "D", pad);
		if (strncmp(r2.text, want, strlen(want)) != 0 || !an || strncmp(an->href, wh, strlen(wh)) != 0) {
			if (bad++ == 0)
				fprintf(stderr, "NUL at offset %d: text '%s' href '%s'\n", k, r2.text, an ? an->href : "-");
		}
	}
	CHECK(bad == 0, "%u offsets read wrongly", bad);
}

/* Which inline styles hide text */
static void test_style_hides(void)
{
	static const struct {
		const char *style;
		bool hides;
	} st[] = {
		{ "display:none", true },
		{ "color:red; Display : NONE !important", true },
		{ "visibility:hidden", true },
		{ "font-size:0", true },
		{ "font-size: 0px;color:#fff", true },
		{ "font-size:.0em", true },
		{ "font-size:1px", true },
		{ "max-height:0;overflow:hidden", true },
		{ "opacity:0", true },
		{ "opacity:0.0;", true },
		{ "font-size:0.8em", false }, /* small, not hidden */
		{ "font-size:10px", false },
		{ "font-size:1px2", false },
		{ "opacity:0.5", false },
		{ "max-height:0.5em", false },
		{ "display:block", false },
		{ "mydisplay:none", false },
		{ "color:red", false },
		{ "", false },
	};
	for (size_t i = 0; i < sizeof st / sizeof *st; i++)
		CHECK(pd_html_style_hides(st[i].style) == st[i].hides, "style '%s': want %s", st[i].style,
		      st[i].hides ? "hidden" : "shown");
}

/* A data: value is cut at 256 bytes; the cut must not split a character,
 * whatever byte of a three-byte character it lands on */
static void test_data_cut(struct pd_arena *a)
{
	unsigned bad = 0;
	for (int pad = 0; pad < 3; pad++) {
		char html[1024];
		int k = snprintf(html, sizeof html, "<img src=\"http://i.example/x.png\" alt=\"data:%.*s", pad, "xx");
		for (int i = 0; i < 120; i++)
			k += snprintf(html + k, sizeof html - (size_t)k, "\xe2\x80\xa2"); /* bullet, 3 bytes */
		snprintf(html + k, sizeof html - (size_t)k, "\">");
		struct pd_html_result r = parse(a, html);
		const struct pd_anchor *an = find(&r, PD_LINK_HTML_IMG, 0);
		size_t tl = an ? strlen(an->title) : 0;
		if (!an || tl > 256 || tl < 250 || !pd_utf8_valid(an->title, tl))
			bad++;
	}
	CHECK(bad == 0, "%u of 3 cut data: values broken", bad);
}

int main(void)
{
	struct pd_arena *a = pd_arena_new(0);
	test_run_offsets(a);
	test_data_cut(a);
	test_style_hides();
	for (size_t i = 0; i < sizeof anchors / sizeof *anchors; i++) {
		const struct acase *c = &anchors[i];
		struct pd_html_result r = parse(a, c->html);
		const struct pd_anchor *an = find(&r, c->origin, 0);
		CHECK(an != NULL, "%s: no anchor of the expected kind", c->name);
		if (an) {
			CHECK_STREQ(an->href, c->href, c->name);
			CHECK_STREQ(an->text, c->text, c->name);
		}
	}

	for (size_t i = 0; i < sizeof tok / sizeof *tok; i++) {
		const struct tcase *c = &tok[i];
		struct pd_html_result tr;
		pd_html_extract(a, c->html, c->len ? c->len : strlen(c->html), 100000, 1 << 20, 1000, &tr);
		if (c->text)
			CHECK_STREQ(tr.text, c->text, c->name);
		if (c->title)
			CHECK_STREQ(tr.title, c->title, c->name);
		if (c->anchors)
			CHECK_STREQ(join_anchors(a, &tr), c->anchors, c->name);
	}

	struct pd_html_result r;
	/* parse errors are reported, a clean document has none */
	r = parse(a, "<p>ok</p>");
	CHECK(!(r.flags & PD_HTML_PARSE_ERRORS), "no parse error");
	r = parse(a, "<a href='x'y>z</a>");
	CHECK(r.flags & PD_HTML_PARSE_ERRORS, "parse error flagged");
	/* ...and reopens it in the next paragraph, as a browser shows it */
	r = parse(a, "<p><a href=\"https://a.example/\">click here<p>next</p>");
	CHECK(r.nanchors == 2 && strcmp(r.anchors[1].href, "https://a.example/") == 0 &&
	      strcmp(r.anchors[1].text, "next") == 0, "reconstructed anchor (%u)", r.nanchors);
	/* image-only link: the alt is what the reader "sees" */
	r = parse(a, "<a href=\"https://e.example/\"><img src=\"cid:x\" alt=\"PayPal\"></a>");
	CHECK(r.nanchors == 2 && strcmp(r.anchors[0].title, "PayPal") == 0, "img alt as anchor title");

	/* visible text: scripts, styles and the head excluded, blocks break lines */
	r = parse(a, "<html><head><title> Sign  in </title><style>p{color:red}</style></head>"
	             "<body><script>var x='hidden';</script><p>Hello&nbsp;<b>world</b></p><div>line two<br>three</div></body></html>");
	CHECK_STREQ(r.title, "Sign in", "title");
	CHECK(strstr(r.text, "hidden") == NULL && strstr(r.text, "color") == NULL, "script/style excluded: %s", r.text);
	CHECK(strstr(r.text, "world\nline two\nthree") != NULL, "line breaks: [%s]", r.text);
	CHECK(r.flags & PD_HTML_HAS_SCRIPT, "script flag");

	/* forms and password fields */
	r = parse(a, "<form action=x><input type=\"PASSWORD\" name=p></form>");
	CHECK((r.flags & PD_HTML_HAS_FORM) && (r.flags & PD_HTML_HAS_PASSWORD), "form + password flags");
	r = parse(a, "<form action=x><input type=text></form>");
	CHECK(!(r.flags & PD_HTML_HAS_PASSWORD), "no password flag for a text input");

	/* hidden text is kept but flagged */
	r = parse(a, "<p>Pay now</p><span style=\"display : none\">lorem ipsum</span>");
	CHECK((r.flags & PD_HTML_HIDDEN_TEXT) && strstr(r.text, "lorem"), "hidden text flagged and kept");
	r = parse(a, "<p style=\"color:red\">Pay now</p>");
	CHECK(!(r.flags & PD_HTML_HIDDEN_TEXT), "visible text not flagged");
	/* a preheader: a short hidden line before any visible text is the
	 * preview newsletters hide at the top, not a trick; a long one is */
	r = parse(a, "<div style=\"display:none;max-height:0\">Our November offers</div><p>Hello</p>");
	CHECK(!(r.flags & PD_HTML_HIDDEN_TEXT) && strstr(r.text, "November"), "short hidden lead (preheader) not flagged");
	{
		char big[1024];
		int n = snprintf(big, sizeof big, "<div style=\"display:none\">%0*d</div><p>Hello</p>",
		                 PD_HTML_PREHEADER_MAX + 1, 0);
		r = parse(a, (n > 0 && (size_t)n < sizeof big) ? big : "");
		CHECK(r.flags & PD_HTML_HIDDEN_TEXT, "hidden lead over %d bytes flagged", PD_HTML_PREHEADER_MAX);
	}
	r = parse(a, "<div style=\"display:none\">Offers</div><p>Hello</p><span style=\"font-size:0\">x</span>");
	CHECK(r.flags & PD_HTML_HIDDEN_TEXT, "hidden text after visible text flagged even with a preheader");

	/* bounds: deep nesting stops being nested at MAX_DEPTH, what follows is still read */
	size_t deep = 100000;
	char *d = malloc(2u << 20);
	size_t k = 0;
	for (size_t i = 0; i < deep; i++) {
		memcpy(d + k, "<div>", 5);
		k += 5;
	}
	memcpy(d + k, "<a href=\"https://deep.example/\">x</a>", 37);
	k += 37;
	pd_html_extract(a, d, k, 200000, 1 << 20, 1000, &r);
	CHECK(r.flags & PD_HTML_NODE_LIMIT, "deep nesting cut");
	CHECK(r.nanchors == 1 && strcmp(r.anchors[0].href, "https://deep.example/") == 0, "link after deep nesting");
	/* wide documents: the element budget */
	k = 0;
	for (size_t i = 0; i < deep; i++) {
		memcpy(d + k, "<br>", 4);
		k += 4;
	}
	pd_html_extract(a, d, k, 1000, 1 << 20, 1000, &r);
	CHECK(r.flags & PD_HTML_NODE_LIMIT, "element budget");
	/* anchors and text bounded */
	k = 0;
	for (size_t i = 0; i < 5000; i++)
		k += (size_t)snprintf(d + k, 64, "<a href=\"https://a%zu.example/\">link %zu</a>", i, i);
	pd_html_extract(a, d, k, 100000, 100, 50, &r);
	CHECK(r.nanchors == 50, "anchors bounded: %u", r.nanchors);
	CHECK(r.text_len <= 100 + 3 && (r.flags & PD_HTML_TEXT_TRUNCATED), "text bounded: %zu", r.text_len);
	/* random bytes: no crash, valid output */
	srand(7);
	for (size_t i = 0; i < 1u << 20; i++)
		d[i] = (char)(rand() & 0xFF);
	pd_html_extract(a, d, 1u << 20, 100000, 1 << 20, 1000, &r);
	CHECK(r.text != NULL, "random input");
	free(d);
	pd_arena_free(a);
	return CHECK_DONE();
}
