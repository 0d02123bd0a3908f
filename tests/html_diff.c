/* html_diff.c - differential test of the HTML reader: our tokenizer
 * (html.c, pd_html_extract) against the gumbo reference (html_gumbo.c,
 * pd_html_extract_gumbo) on every text/html part of real mail.
 *
 * Usage: html_diff [--min-anchors PCT] [--min-text PCT] [--min-title PCT]
 *                  [--min-flags PCT] [--show N] [--dump] PATH...
 * PATHs are files or directories (walked recursively).  Each message is
 * parsed with GMime the way parse.c does it (transfer decoding, then our
 * charset conversion, pd_charset_to_utf8), so both readers get exactly
 * the bytes the analysis hands pd_html_extract(); the model does not keep
 * the decoded HTML, and a hook in parse.c for a test would be more
 * invasive than these few lines.  Compared per part: (a) the sequence of
 * (origin, href) of the anchors, (b) the visible text with all whitespace
 * runs collapsed to one space, (c) the title, (d) the flags except
 * PARSE_ERRORS.  Prints agreement percentages and the first differing
 * cases; fails when an agreement is below its threshold.  Exit 77 (skip)
 * when no PATH exists (the shared corpus is not checked in).
 *
 * The differences that remain and which side is right are listed in
 * docs/ARCHITECTURE.md ("HTML behind html.h").
 */
#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/arena.h"
#include "corpus_walk.h"
#include "base/text.h"
#include "mail/charset.h"
#include "mail/html.h"

#define MAX_NODES 200000
#define MAX_TEXT (4u << 20)
#define MAX_ANCHORS 2001

struct stats {
	unsigned long parts, anchors_same, text_same, title_same, flags_same, all_same;
	unsigned shown, show;
	bool dump;
};

static bool anchors_equal(const struct pd_html_result *x, const struct pd_html_result *y, unsigned *at)
{
	unsigned n = x->nanchors < y->nanchors ? x->nanchors : y->nanchors;
	for (unsigned i = 0; i < n; i++)
		if (x->anchors[i].origin != y->anchors[i].origin || strcmp(x->anchors[i].href, y->anchors[i].href)) {
			*at = i;
			return false;
		}
	*at = n;
	return x->nanchors == y->nanchors;
}

static void show_context(const char *label, const char *s, size_t at)
{
	size_t n = strlen(s);
	size_t from = at > 60 ? at - 60 : 0;
	size_t to = at + 60 < n ? at + 60 : n;
	printf("      %s: ...%.*s...\n", label, (int)(to - from), s + from);
}

static void compare(struct stats *st, struct pd_arena *a, const char *file, unsigned partno, const char *html,
                    size_t len)
{
	struct pd_html_result ours, ref;
	pd_html_extract(a, html, len, MAX_NODES, MAX_TEXT, MAX_ANCHORS, &ours);
	pd_html_extract_gumbo(a, html, len, MAX_NODES, MAX_TEXT, MAX_ANCHORS, &ref);
	st->parts++;
	unsigned at;
	bool an = anchors_equal(&ours, &ref, &at);
	const char *t1 = pd_collapse_ws(a, ours.text, strlen(ours.text)), *t2 = pd_collapse_ws(a, ref.text, strlen(ref.text));
	bool tx = strcmp(t1, t2) == 0;
	bool ti = strcmp(ours.title, ref.title) == 0;
	unsigned mask = ~(unsigned)PD_HTML_PARSE_ERRORS;
	bool fl = (ours.flags & mask) == (ref.flags & mask);
	st->anchors_same += an;
	st->text_same += tx;
	st->title_same += ti;
	st->flags_same += fl;
	st->all_same += an && tx && ti && fl;
	if (st->dump) {
		printf("=== %s part %u\n--- ours (flags %#x)\nTITLE %s\n%s\n", file, partno, ours.flags, ours.title,
		       ours.text);
		for (unsigned i = 0; i < ours.nanchors; i++)
			printf("A %d %s [%s] [%s]\n", ours.anchors[i].origin, ours.anchors[i].href, ours.anchors[i].text,
			       ours.anchors[i].title);
		printf("--- gumbo (flags %#x)\nTITLE %s\n%s\n", ref.flags, ref.title, ref.text);
		for (unsigned i = 0; i < ref.nanchors; i++)
			printf("A %d %s [%s] [%s]\n", ref.anchors[i].origin, ref.anchors[i].href, ref.anchors[i].text,
			       ref.anchors[i].title);
	}
	if ((an && tx && ti && fl) || st->shown >= st->show)
		return;
	st->shown++;
	printf("  DIFF %s part %u:\n", file, partno);
	if (!an) {
		printf("    anchors: %u vs gumbo %u, first difference at #%u\n", ours.nanchors, ref.nanchors, at);
		if (at < ours.nanchors)
			printf("      ours : %d %.120s\n", ours.anchors[at].origin, ours.anchors[at].href);
		if (at < ref.nanchors)
			printf("      gumbo: %d %.120s\n", ref.anchors[at].origin, ref.anchors[at].href);
	}
	if (!tx) {
		size_t i = 0;
		while (t1[i] && t1[i] == t2[i])
			i++;
		printf("    text differs at byte %zu (lengths %zu vs gumbo %zu)\n", i, strlen(t1), strlen(t2));
		show_context("ours ", t1, i);
		show_context("gumbo", t2, i);
	}
	if (!ti)
		printf("    title: \"%.100s\" vs gumbo \"%.100s\"\n", ours.title, ref.title);
	if (!fl)
		printf("    flags: %#x vs gumbo %#x\n", ours.flags & mask, ref.flags & mask);
}

static void one_message(void *ud, const char *path)
{
	struct stats *st = ud;
	size_t n;
	char *data = corpus_read_file(path, &n);
	if (!data)
		return;
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(data, n);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	free(data);
	if (!msg)
		return;
	struct pd_arena *a = pd_arena_new(0);
	/* explicit stack over multiparts and attached messages */
	GMimeObject *stack[256];
	unsigned top = 0, partno = 0;
	GMimeObject *root = g_mime_message_get_mime_part(msg);
	if (root)
		stack[top++] = root;
	while (top) {
		GMimeObject *obj = stack[--top];
		if (GMIME_IS_MULTIPART(obj)) {
			int cnt = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
			for (int i = cnt; i-- > 0 && top < 256;)
				stack[top++] = g_mime_multipart_get_part(GMIME_MULTIPART(obj), i);
			continue;
		}
		if (GMIME_IS_MESSAGE_PART(obj)) {
			GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
			GMimeObject *ip = inner ? g_mime_message_get_mime_part(inner) : NULL;
			if (ip && top < 256)
				stack[top++] = ip;
			continue;
		}
		if (!GMIME_IS_PART(obj))
			continue;
		GMimeContentType *ct = g_mime_object_get_content_type(obj);
		if (!ct || !g_mime_content_type_is_type(ct, "text", "html"))
			continue;
		GMimeDataWrapper *w = g_mime_part_get_content(GMIME_PART(obj));
		if (!w)
			continue;
		GMimeStream *ms = g_mime_stream_mem_new();
		g_mime_data_wrapper_write_to_stream(w, ms);
		GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(ms));
		const char *cs = g_mime_object_get_content_type_parameter(obj, "charset");
		size_t ulen;
		const char *used = "";
		unsigned csf = 0;
		char *utf8 = pd_charset_to_utf8(a, ba && ba->len ? (const char *)ba->data : "", ba ? ba->len : 0, cs,
		                                MAX_TEXT, &ulen, &used, &csf);
		g_object_unref(ms);
		compare(st, a, path, partno++, utf8, ulen);
		pd_arena_reset(a);
	}
	pd_arena_free(a);
	g_object_unref(msg);
}

static double pct(unsigned long k, unsigned long n)
{
	return n ? 100.0 * (double)k / (double)n : 100.0;
}

int main(int argc, char **argv)
{
	double min_anchors = 0, min_text = 0, min_title = 0, min_flags = 0;
	struct stats st = { 0 };
	st.show = 20;
	int first = 1;
	while (first < argc && strncmp(argv[first], "--", 2) == 0) {
		const char *o = argv[first];
		if (strcmp(o, "--dump") == 0) {
			st.dump = true;
			first++;
			continue;
		}
		if (first + 1 >= argc)
			break;
		double v = strtod(argv[first + 1], NULL);
		if (strcmp(o, "--min-anchors") == 0)
			min_anchors = v;
		else if (strcmp(o, "--min-text") == 0)
			min_text = v;
		else if (strcmp(o, "--min-title") == 0)
			min_title = v;
		else if (strcmp(o, "--min-flags") == 0)
			min_flags = v;
		else if (strcmp(o, "--show") == 0)
			st.show = (unsigned)v;
		first += 2;
	}
	bool any = false;
	for (int i = first; i < argc; i++) {
		struct stat sb;
		if (stat(argv[i], &sb) == 0)
			any = true;
	}
	if (!any) {
		printf("html_diff: no corpus found, skipped\n");
		return 77;
	}
	g_mime_init();
	for (int i = first; i < argc; i++)
		corpus_walk(argv[i], one_message, &st);
	printf("HTML parts: %lu\n", st.parts);
	printf("anchors identical: %6.2f %%\n", pct(st.anchors_same, st.parts));
	printf("text identical:    %6.2f %%\n", pct(st.text_same, st.parts));
	printf("title identical:   %6.2f %%\n", pct(st.title_same, st.parts));
	printf("flags identical:   %6.2f %%\n", pct(st.flags_same, st.parts));
	printf("all identical:     %6.2f %%\n", pct(st.all_same, st.parts));
	g_mime_shutdown();
	int fail = 0;
	if (pct(st.anchors_same, st.parts) < min_anchors || pct(st.text_same, st.parts) < min_text ||
	    pct(st.title_same, st.parts) < min_title || pct(st.flags_same, st.parts) < min_flags) {
		printf("FAIL: agreement below threshold (anchors %.2f, text %.2f, title %.2f, flags %.2f)\n",
		       min_anchors, min_text, min_title, min_flags);
		fail = 1;
	}
	return fail;
}
