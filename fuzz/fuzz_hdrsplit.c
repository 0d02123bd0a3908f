/* fuzz_hdrsplit.c - the header splitter (mail/hdrsplit.c) against GMime
 * on arbitrary bytes: whenever pd_hdr_split calls a block plain, GMime's
 * header list for the same bytes must hold the very same fields (name,
 * raw value, offset; GMime keeps the top-level Content-* fields on the
 * body part), and every field must lie inside the data.  parse.c relies
 * on this to hand GMime only some of the fields (hdrsplit.h). */
#include <gmime/gmime.h>

#include "fuzz_common.h"
#include "base/arena.h"
#include "mail/hdrsplit.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	g_mime_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *t = malloc(size ? size : 1); /* exact size: overreads are caught */
	if (!t)
		return 0;
	memcpy(t, data, size);
	struct pd_arena *a = pd_arena_new(0);
	struct pd_rawfield *f;
	unsigned n;
	size_t body;
	if (pd_hdr_split(a, t, size, 1000, &f, &n, &body)) {
		if (body > size || n == 0 || n > 1000)
			fuzz_fail("split outside the data", "", 0);
		unsigned nm = 0;
		for (unsigned i = 0; i < n; i++) {
			if (f[i].off + f[i].len > body || (i && f[i].off != f[i - 1].off + f[i - 1].len))
				fuzz_fail("field outside the header block", "", 0);
			if (g_ascii_strncasecmp(f[i].name, "Content-", 8) != 0)
				f[nm++] = f[i];
		}
		GMimeStream *s = g_mime_stream_mem_new_with_buffer(t, size);
		GMimeParser *p = g_mime_parser_new_with_stream(s);
		g_object_unref(s);
		g_mime_parser_set_format(p, GMIME_FORMAT_MESSAGE);
		g_mime_parser_set_respect_content_length(p, FALSE);
		GMimeMessage *msg = g_mime_parser_construct_message(p, NULL);
		g_object_unref(p);
		if (!msg)
			fuzz_fail("GMime read no message from a plain header block", "", 0);
		GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
		if (g_mime_header_list_get_count(hl) != (int)nm)
			fuzz_fail("field count differs from GMime's", "", 0);
		for (unsigned i = 0; i < nm; i++) {
			GMimeHeader *h = g_mime_header_list_get_header_at(hl, (int)i);
			const char *raw = g_mime_header_get_raw_value(h);
			if (strcmp(g_mime_header_get_name(h), f[i].name) != 0 || strcmp(raw ? raw : "", f[i].raw) != 0 ||
			    g_mime_header_get_offset(h) != (gint64)f[i].off)
				fuzz_fail("a field differs from GMime's", f[i].name, 0);
		}
		g_object_unref(msg);
	}
	pd_arena_free(a);
	free(t);
	return 0;
}
