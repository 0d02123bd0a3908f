/* fuzz_charset.c - pd_charset_to_utf8 (every charset label the decoder
 * treats specially, plus unknown ones), pd_charset_detect, RFC 2047 and
 * RFC 2231 decoding.  Input: byte 0 picks the label, byte 1 the output
 * bound, the rest is the text.  Outputs must be valid UTF-8 without NUL
 * and within the bound. */
#include "fuzz_common.h"
#include "base/arena.h"
#include "mail/charset.h"

static const char *const labels[] = {
	NULL, "", "utf-8", "UTF8", "us-ascii", "iso-2022-jp", "ISO-2022-JP-2", "iso-2022-jp-ms",
	"cp50220", "shift_jis", "Shift-JIS", "sjis", "cp932", "windows-31j", "euc-jp", "x-euc-jp",
	"iso-8859-1", "latin1", "windows-1252", "utf-16", "utf-16le", "utf-7", "gb2312",
	"gb18030", "big5", "koi8-r", "iso-8859-8-i", "x-unknown", "\"utf-8\"", "utf-8'en'",
	"unicode-1-1-utf-7", "ks_c_5601-1987",
};
#define NLABELS (sizeof labels / sizeof labels[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	const char *label = labels[data[0] % NLABELS];
	size_t max_out = 16 + (size_t)data[1] * 64;
	const char *in = (const char *)data + 2;
	size_t n = size - 2;
	struct pd_arena *a = pd_arena_new(0);
	size_t out_len = 0;
	const char *used = NULL;
	unsigned flags = 0;
	char *u = pd_charset_to_utf8(a, in, n, label, max_out, &out_len, &used, &flags);
	fuzz_check_utf8(u);
	if (strlen(u) != out_len || out_len > max_out)
		fuzz_fail("pd_charset_to_utf8 length", u, out_len);
	if (!used)
		fuzz_fail("pd_charset_to_utf8 used NULL", u, 0);
	(void)pd_charset_detect(in, n);
	char *d = pd_rfc2047_decode(a, in, n, max_out, &flags);
	fuzz_check_utf8(d);
	if (strlen(d) > max_out)
		fuzz_fail("pd_rfc2047_decode over its bound", d, strlen(d));
	char *p = pd_rfc2231_decode(a, in, n);
	fuzz_check_utf8(p);
	pd_arena_free(a);
	return 0;
}
