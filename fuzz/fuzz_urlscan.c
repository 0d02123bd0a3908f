/* fuzz_urlscan.c - URLs in plain text (urlscan.h), then the lenient
 * splitter, IDN normalisation and the registrable domain (net/domain.h)
 * on each one found, as parse.c does. */
#include "fuzz_common.h"
#include "base/arena.h"
#include "base/text.h"
#include "mail/urlscan.h"
#include "net/domain.h"

static const struct psl_ctx_st *psl;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	psl = pd_psl_load(NULL);
	return 0;
}

struct scan {
	struct pd_arena *a;
	const char *text;
	size_t n;
	unsigned count;
};

static int on_url(void *ud, const char *p, size_t n)
{
	struct scan *sc = ud;
	if (p < sc->text || p + n > sc->text + sc->n || n == 0)
		fuzz_fail("URL outside the text", sc->text, 0);
	sc->count++;
	struct pd_url_parts up;
	pd_url_split(sc->a, p, n, &up);
	fuzz_check_utf8(up.scheme);
	fuzz_check_utf8(up.userinfo);
	fuzz_check_utf8(up.port);
	fuzz_check_utf8(up.rest);
	const char *uni = NULL;
	const char *h = pd_host_normalize(sc->a, up.host, strlen(up.host), &uni);
	(void)pd_domain_registrable(sc->a, psl, h);
	(void)pd_domain_known_suffix(psl, h);
	(void)pd_looks_like_hostname(p, n);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_arena *a = pd_arena_new(0);
	size_t n;
	const char *text = pd_utf8_sanitize(a, (const char *)data, size, &n);
	struct scan sc = { a, text, n, 0 };
	unsigned got = pd_urlscan(text, n, on_url, &sc);
	if (got != sc.count)
		fuzz_fail("pd_urlscan count", text, got);
	/* the splitter on the raw bytes as well */
	struct pd_url_parts up;
	pd_url_split(a, (const char *)data, size, &up);
	pd_arena_free(a);
	return 0;
}
