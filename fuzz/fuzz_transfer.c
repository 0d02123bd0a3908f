/* fuzz_transfer.c - part body decoding (parse.c decode_content) against
 * GMime's own path on arbitrary bytes.  The first byte picks base64 or
 * quoted-printable, the rest is the body.  GMime's answer is what its
 * data wrapper writes through its filter stream, chunk by chunk, as
 * parse.c did before; ours is pd_b64_body_decode or pd_qp_body_decode
 * (mail/transfer.c).  They must give the same bytes. */
#include <gmime/gmime.h>

#include "fuzz_common.h"
#include "mail/transfer.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	g_mime_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	bool b64 = (data[0] & 1) == 0;
	const unsigned char *in = data + 1;
	size_t n = size - 1;

	/* GMime: a data wrapper over a memory stream, written out */
	GMimeStream *src = g_mime_stream_mem_new_with_buffer((const char *)in, n);
	GMimeDataWrapper *w = g_mime_data_wrapper_new_with_stream(
	    src, b64 ? GMIME_CONTENT_ENCODING_BASE64 : GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	g_object_unref(src);
	GMimeStream *dst = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(w, dst);
	GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(dst));

	/* ours, into a buffer of exactly the promised size */
	size_t cap = b64 ? n / 4 * 3 + 3 : n;
	unsigned char *o = malloc(cap ? cap : 1);
	if (!o)
		abort();
	size_t k;
	k = b64 ? pd_b64_body_decode(in, n, o) : pd_qp_body_decode(in, n, o);
	if (k > cap)
		fuzz_fail("decoded past the buffer", "", 0);
	if (k != ba->len || (k && memcmp(o, ba->data, k) != 0))
		fuzz_fail(b64 ? "base64 differs from GMime's filter" : "quoted-printable differs from GMime's filter", "",
		          0);
	free(o);
	g_object_unref(dst);
	g_object_unref(w);
	return 0;
}
