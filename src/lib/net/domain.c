/* domain.c - registrable domains (libpsl), IDN (libidn2), URL splitting.
 * Host names are bounded to 253 bytes (RFC 1035) before any library call;
 * longer ones are cut, which only affects pathological input. */
#include "net/domain.h"

#include <idn2.h>
#include <libpsl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "mail/received.h"

#define HOST_MAX 253

const struct psl_ctx_st *pd_psl_load(const char **which)
{
	psl_ctx_t *p = psl_latest(NULL);
	if (p) {
		if (which)
			*which = psl_dist_filename();
		return p;
	}
	if (which)
		*which = "libpsl built-in list";
	return psl_builtin();
}

/* Registrable domains are looked up through a small cache per thread:
 * libpsl takes about 7,500 instructions a call (callgrind, usrp_list),
 * and the same hosts come back in message after message.  An entry is
 * keyed by the list and the host and holds where the registrable domain
 * starts in the host; freeing any list moves the epoch on, which empties
 * every cache (a new list may get the old one's address). */
#define RD_SLOTS 1024
#define RD_HOST 64
struct rd_entry {
	const void *psl;
	uint32_t epoch;
	int16_t off; /* -1: no registrable domain */
	uint8_t len;
	char host[RD_HOST];
};
static _Thread_local struct rd_entry rd_cache[RD_SLOTS];
static atomic_uint rd_epoch = 1;

void pd_psl_free(const struct psl_ctx_st *psl)
{
	atomic_fetch_add(&rd_epoch, 1);
	if (psl && psl != psl_builtin())
		psl_free((psl_ctx_t *)psl);
}

const char *pd_domain_registrable(struct pd_arena *a, const struct psl_ctx_st *psl,
                                  const char *host)
{
	if (!host || !*host)
		return "";
	unsigned char ip[16];
	size_t n = strlen(host);
	if (pd_ip_parse(host, n, ip))
		return "";
	if (n > HOST_MAX)
		return "";
	struct rd_entry *e = NULL;
	uint32_t epoch = atomic_load_explicit(&rd_epoch, memory_order_relaxed);
	if (n < RD_HOST) {
		uint32_t h = 2166136261u;
		for (size_t i = 0; i < n; i++)
			h = (h ^ (unsigned char)host[i]) * 16777619u;
		h ^= (uint32_t)((uintptr_t)psl >> 4);
		e = &rd_cache[h % RD_SLOTS];
		if (e->epoch == epoch && e->psl == psl && e->len == n && memcmp(e->host, host, n) == 0)
			return e->off < 0 ? "" : pd_arena_strdup(a, host + e->off);
	}
	const char *r = psl_registrable_domain(psl, host);
	if (e && (!r || (r >= host && r <= host + n))) {
		e->psl = psl;
		e->epoch = epoch;
		e->len = (uint8_t)n;
		e->off = r ? (int16_t)(r - host) : -1;
		memcpy(e->host, host, n);
	}
	if (!r)
		return "";
	return pd_arena_strdup(a, r);
}

bool pd_domain_known_suffix(const struct psl_ctx_st *psl, const char *host)
{
	const char *dot = host ? strrchr(host, '.') : NULL;
	if (!dot || !dot[1] || strlen(host) > HOST_MAX)
		return false;
	return psl_is_public_suffix2(psl, dot + 1, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0;
}

const char *pd_host_normalize(struct pd_arena *a, const char *host, size_t n,
                              const char **unicode)
{
	if (unicode)
		*unicode = "";
	if (n > HOST_MAX) {
		n = HOST_MAX;
		/* never inside a UTF-8 sequence: model strings are valid UTF-8
		 * (found by fuzz_msg, fuzz/regressions/msg/host-cut-utf8) */
		while (n > 0 && ((unsigned char)host[n] & 0xC0) == 0x80)
			n--;
	}
	char *low = pd_ascii_lower(a, host, n);
	while (n && low[n - 1] == '.')
		low[--n] = '\0';
	bool ascii = true;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)low[i] >= 0x80)
			ascii = false;
	if (ascii && !strstr(low, "xn--"))
		return low;
	if (!pd_utf8_valid(low, n))
		return pd_utf8_sanitize(a, low, n, NULL);
	if (ascii) {
		/* A-label given: compute the U-label for display */
		char *u8 = NULL;
		if (unicode && idn2_to_unicode_8z8z(low, &u8, 0) == IDN2_OK && u8) {
			*unicode = pd_arena_strdup(a, u8);
		}
		free(u8);
		return low;
	}
	char *out = NULL;
	int rc = idn2_to_ascii_8z(low, &out, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
	if (rc != IDN2_OK)
		rc = idn2_to_ascii_8z(low, &out, IDN2_TRANSITIONAL | IDN2_NFC_INPUT);
	if (rc != IDN2_OK || !out) {
		free(out);
		return low;
	}
	const char *res = pd_ascii_lower(a, out, strlen(out));
	free(out);
	if (unicode)
		*unicode = low;
	return res;
}

bool pd_host_within(const char *host, const char *domain)
{
	if (!host || !domain || !*domain)
		return false;
	size_t h = strlen(host), d = strlen(domain);
	if (h < d)
		return false;
	if (!pd_strieq(host + h - d, domain))
		return false;
	return h == d || host[h - d - 1] == '.';
}

bool pd_looks_like_hostname(const char *s, size_t n)
{
	if (n < 4 || n > HOST_MAX)
		return false;
	size_t label = 0, dots = 0, last_dot = SIZE_MAX;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			dots++;
			last_dot = i;
			continue;
		}
		if (!(pd_isalnum(c) || c == '-'))
			return false;
		if (++label > 63)
			return false;
	}
	if (!dots || label == 0)
		return false;
	/* TLD: letters only (or xn--), at least 2 */
	const char *tld = s + last_dot + 1;
	size_t tl = n - last_dot - 1;
	if (tl >= 4 && pd_strnieq(tld, "xn--", 4))
		return true;
	if (tl < 2)
		return false;
	for (size_t i = 0; i < tl; i++)
		if (!pd_isalpha((unsigned char)tld[i]))
			return false;
	return true;
}


void pd_url_split(struct pd_arena *a, const char *url, size_t n, struct pd_url_parts *out)
{
	out->scheme = out->userinfo = out->host = out->port = out->rest = "";
	out->has_authority = false;
	size_t i = 0;
	for (size_t k = 0; k < n && k < 32; k++) {
		unsigned char c = (unsigned char)url[k];
		if (c == ':') {
			if (k > 0) {
				out->scheme = pd_ascii_lower(a, url, k);
				i = k + 1;
			}
			break;
		}
		if (!(pd_isalnum(c) || c == '+' || c == '-' || c == '.'))
			break;
	}
	size_t s = i;
	/* browsers accept any number of slashes and backslashes after http: */
	while (i < n && (url[i] == '/' || url[i] == '\\'))
		i++;
	bool authority = (i - s) >= 2 || (!*out->scheme && i == 0);
	if (*out->scheme && (i - s) < 2 &&
	    (strcmp(out->scheme, "http") == 0 || strcmp(out->scheme, "https") == 0))
		authority = true; /* "http:evil.example" is still a host for a browser */
	if (*out->scheme && strcmp(out->scheme, "mailto") == 0)
		authority = false;
	if (!authority) {
		i = s;
		out->rest = pd_arena_strndup(a, url + i, n - i);
		return;
	}
	out->has_authority = true;
	size_t as = i;
	while (i < n && url[i] != '/' && url[i] != '?' && url[i] != '#' && url[i] != '\\')
		i++;
	size_t ae = i;
	out->rest = pd_arena_strndup(a, url + i, n - i);
	/* userinfo: up to the last '@' of the authority */
	size_t hs = as;
	for (size_t k = as; k < ae; k++)
		if (url[k] == '@')
			hs = k + 1;
	if (hs > as)
		out->userinfo = pd_arena_strndup(a, url + as, hs - as - 1);
	size_t he = ae;
	if (hs < ae && url[hs] == '[') {
		const char *rb = memchr(url + hs, ']', ae - hs);
		if (rb) {
			he = (size_t)(rb - url) + 1;
			if (he < ae && url[he] == ':')
				out->port = pd_arena_strndup(a, url + he + 1, ae - he - 1);
		}
	} else {
		for (size_t k = hs; k < ae; k++)
			if (url[k] == ':') {
				he = k;
				out->port = pd_arena_strndup(a, url + k + 1, ae - k - 1);
				break;
			}
	}
	/* percent-decode the host (browsers do) */
	char *h = pd_arena_alloc(a, he - hs + 1);
	size_t hn = 0;
	for (size_t k = hs; k < he; k++) {
		if (url[k] == '%' && k + 2 < he && pd_hexval((unsigned char)url[k + 1]) >= 0 &&
		    pd_hexval((unsigned char)url[k + 2]) >= 0) {
			h[hn++] = (char)(pd_hexval((unsigned char)url[k + 1]) * 16 + pd_hexval((unsigned char)url[k + 2]));
			k += 2;
		} else {
			h[hn++] = url[k];
		}
	}
	h[hn] = '\0';
	out->host = h;
}
