/* hdr_diff.c - differential test of the header splitter (mail/hdrsplit.c)
 * against GMime's own header list, on every message of real mail.
 *
 * Usage: hdr_diff [--min-plain PCT] PATH...
 * PATHs are files or directories (walked recursively); an mbox file
 * counts as its first message.  For each message, framing is removed as
 * parse.c removes it (UTF-8 BOM, mbox "From " line); when pd_hdr_split
 * calls the block plain, GMime parses the same bytes and every field must
 * be the same: name, raw value (byte for byte) and offset, and the same
 * number of fields.  Fails on any difference, or when fewer than PCT %
 * of the messages are plain (the speed-up would then be lost quietly).
 * Exit 77 (skip) when no PATH exists (the shared corpus is not checked in).
 */
#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/arena.h"
#include "corpus_walk.h"
#include "mail/hdrsplit.h"
#include "mail/parse.h"


struct stats {
	unsigned long msgs, plain, same, shown;
};

static void one_message(void *ud, const char *path)
{
	struct stats *st = ud;
	size_t len = 0;
	char *buf = corpus_read_file(path, &len);
	if (!buf)
		return;
	const char *data = buf;
	pd_msg_unframe(&data, &len);
	st->msgs++;
	struct pd_arena *a = pd_arena_new(0);
	struct pd_rawfield *f;
	unsigned n;
	size_t body;
	if (pd_hdr_split(a, data, len, 100000, &f, &n, &body)) {
		st->plain++;
		GMimeStream *s = g_mime_stream_mem_new_with_buffer(data, len);
		GMimeParser *p = g_mime_parser_new_with_stream(s);
		g_object_unref(s);
		g_mime_parser_set_format(p, GMIME_FORMAT_MESSAGE);
		g_mime_parser_set_respect_content_length(p, FALSE);
		GMimeMessage *msg = g_mime_parser_construct_message(p, NULL);
		g_object_unref(p);
		GMimeHeaderList *hl = msg ? g_mime_object_get_header_list(GMIME_OBJECT(msg)) : NULL;
		int count = hl ? g_mime_header_list_get_count(hl) : -1;
		/* GMime keeps the top-level Content-* fields on the body part,
		 * not in the message's list: so does parse.c */
		unsigned nm = 0;
		for (unsigned k = 0; k < n; k++)
			if (g_ascii_strncasecmp(f[k].name, "Content-", 8) != 0)
				f[nm++] = f[k];
		const char *why = NULL;
		unsigned at = 0;
		if (count != (int)nm)
			why = "field count";
		for (int i = 0; !why && i < count; i++) {
			GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
			const char *raw = g_mime_header_get_raw_value(h);
			at = (unsigned)i;
			if (strcmp(g_mime_header_get_name(h), f[i].name) != 0)
				why = "name";
			else if (strcmp(raw ? raw : "", f[i].raw) != 0)
				why = "raw value";
			else if (g_mime_header_get_offset(h) != (gint64)f[i].off)
				why = "offset";
		}
		n = nm;
		if (!why)
			st->same++;
		else if (st->shown++ < 10)
			fprintf(stderr, "hdr_diff: %s: field %u (%s): %s differs (GMime %d fields, split %u)\n", path, at,
			        at < n ? f[at].name : "-", why, count, n);
		if (msg)
			g_object_unref(msg);
	}
	pd_arena_free(a);
	free(buf);
}

int main(int argc, char **argv)
{
	double min_plain = 0;
	int i = 1;
	if (i + 1 < argc && strcmp(argv[i], "--min-plain") == 0) {
		min_plain = atof(argv[i + 1]);
		i += 2;
	}
	g_mime_init();
	struct stats st = { 0 };
	bool any = false;
	for (; i < argc; i++) {
		struct stat sb;
		if (stat(argv[i], &sb) == 0)
			any = true;
		corpus_walk(argv[i], one_message, &st);
	}
	if (!any) {
		fprintf(stderr, "hdr_diff: no corpus here, skipped\n");
		return 77;
	}
	double plain = st.msgs ? 100.0 * (double)st.plain / (double)st.msgs : 0;
	printf("hdr_diff: %lu messages, %lu plain header blocks (%.2f %%), %lu of them split as GMime does\n",
	       st.msgs, st.plain, plain, st.same);
	g_mime_shutdown();
	return st.same == st.plain && plain >= min_plain ? 0 : 1;
}
