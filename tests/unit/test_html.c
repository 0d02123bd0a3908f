/* test_html.c - the HTML reader: text a reader sees, every link-bearing
 * element, and bounds on hostile documents. */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "check.h"
#include "mail/html.h"

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

int main(void)
{
	struct pd_arena *a = pd_arena_new(0);
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

	struct pd_html_result r;
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

	/* bounds: deep nesting is cut before gumbo, fast and without stack overflow */
	size_t deep = 100000;
	char *d = malloc(2u << 20);
	size_t k = 0;
	for (size_t i = 0; i < deep; i++) {
		memcpy(d + k, "<div>", 5);
		k += 5;
	}
	memcpy(d + k, "<a href=\"https://deep.example/\">x</a>", 37);
	k += 37;
	pd_html_extract(a, d, k, 100000, 1 << 20, 1000, &r);
	CHECK(r.flags & PD_HTML_NODE_LIMIT, "deep nesting cut");
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
