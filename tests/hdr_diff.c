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
#include <dirent.h>
#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/arena.h"
#include "mail/hdrsplit.h"

#define MAX_FILE (32u << 20)

struct stats {
	unsigned long msgs, plain, same, shown;
};

static char *read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(MAX_FILE);
	if (buf)
		*n = fread(buf, 1, MAX_FILE, f);
	fclose(f);
	return buf;
}

static void one_message(struct stats *st, const char *path)
{
	size_t len = 0;
	char *buf = read_file(path, &len);
	if (!buf)
		return;
	const char *data = buf;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		data += 3;
		len -= 3;
	}
	if (len >= 5 && memcmp(data, "From ", 5) == 0) {
		const char *nl = memchr(data, '\n', len);
		size_t skip = nl ? (size_t)(nl - data) + 1 : len;
		data += skip;
		len -= skip;
	}
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

static void walk(struct stats *st, const char *path)
{
	struct stat sb;
	if (stat(path, &sb) != 0)
		return;
	if (!S_ISDIR(sb.st_mode)) {
		one_message(st, path);
		return;
	}
	struct dirent **list;
	int n = scandir(path, &list, NULL, alphasort);
	if (n < 0)
		return;
	for (int i = 0; i < n; i++) {
		if (list[i]->d_name[0] != '.') {
			char sub[4096];
			snprintf(sub, sizeof sub, "%s/%s", path, list[i]->d_name);
			walk(st, sub);
		}
		free(list[i]);
	}
	free(list);
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
		walk(&st, argv[i]);
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
