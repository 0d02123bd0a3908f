/* fuzz_url.c - libFuzzer target for the URL parser, the nested-URL and
 * Proofpoint decoders, and plain-text URL extraction.  Build with
 * meson setup build-fuzz -Dfuzz=true (clang); run
 * build-fuzz/fuzz/fuzz_url -max_total_time=60.  Any crash, sanitizer
 * report or leak is a bug: every input is hostile. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/arena.h"
#include "mail/urlscan.h"
#include "net/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_url(void *ud, const char *p, size_t n)
{
	struct pd_url_info u;
	pd_url_parse(ud, p, n, &u);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_arena *a = pd_arena_new(0);
	char *s = pd_arena_strndup(a, (const char *)data, size);
	struct pd_url_info u;
	pd_url_parse(a, s, size, &u);
	(void)pd_url_nested(a, s);
	(void)pd_url_proofpoint_v2(a, s);
	(void)pd_url_proofpoint_v3(a, s);
	(void)pd_url_query_param(a, s, "url");
	size_t n;
	(void)pd_url_b64_decode(a, s, size, &n);
	unsigned char ip[4];
	bool odd;
	(void)pd_url_ipv4(s, size, ip, &odd);
	pd_urlscan(s, size, on_url, a);
	pd_arena_free(a);
	return 0;
}
