/* url.c - the project's URL parser and the decoders that unwrap rewritten
 * links.  See url.h for the contract.
 *
 * Standards: WHATWG URL Standard (the "basic URL parser" as browsers run
 * it: C0/space trimming, tab/newline removal, backslashes in special
 * schemes, the IPv4 number parser), RFC 3986 (components, percent-
 * encoding), RFC 5890-5893 / UTS #46 (IDN, through domain.c and libidn2),
 * RFC 4648 (base64 and base64url).
 *
 * Limits: at most 8 KiB of a URL are read; hosts are cut at 253 bytes by
 * domain.c; nested-URL detection decodes at most three times.  No input
 * is ever resolved or fetched; everything is allocated in the arena.
 */
#include "net/url.h"

#include <arpa/inet.h>
#include <string.h>

#include "base/text.h"
#include "mail/received.h"
#include "net/domain.h"

#define URL_MAX 8192

static const char *const flag_names[PD_URLF_COUNT] = {
	"ip", "ip-encoded", "userinfo", "port", "idn", "mixed-script", "lookalike",
	"shortener", "free-hosting", "suspicious-tld", "wrapped", "open-redirect",
	"cms-path", "script", "tracker", "obfuscated", "opaque-rewriter",
};

const char *pd_url_flag_name(unsigned bit)
{
	return bit < PD_URLF_COUNT ? flag_names[bit] : "?";
}


char *pd_url_pct_decode(struct pd_arena *a, const char *s, size_t n, size_t *out_n)
{
	char *o = pd_arena_alloc(a, n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && pd_hexval((unsigned char)s[i + 1]) >= 0 &&
		    pd_hexval((unsigned char)s[i + 2]) >= 0) {
			o[k++] = (char)(pd_hexval((unsigned char)s[i + 1]) * 16 + pd_hexval((unsigned char)s[i + 2]));
			i += 2;
		} else {
			o[k++] = s[i];
		}
	}
	o[k] = '\0';
	if (out_n)
		*out_n = k;
	return o;
}

static int b64v(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

char *pd_url_b64_decode(struct pd_arena *a, const char *s, size_t n, size_t *out_n)
{
	while (n && s[n - 1] == '=')
		n--;
	if (n < 2 || n % 4 == 1)
		return NULL;
	char *o = pd_arena_alloc(a, n * 3 / 4 + 2);
	size_t k = 0;
	unsigned acc = 0, bits = 0;
	for (size_t i = 0; i < n; i++) {
		int v = b64v((unsigned char)s[i]);
		if (v < 0)
			return NULL;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[k++] = (char)((acc >> bits) & 0xFF);
		}
	}
	o[k] = '\0';
	if (out_n)
		*out_n = k;
	return o;
}

/* One IPv4 part: decimal, 0x hex, or 0-prefixed octal.  -1 if invalid,
 * else the value (capped above 2^32 so overflow is detected). */
static long long ipv4_part(const char *p, size_t n, bool *odd)
{
	unsigned radix = 10;
	if (n >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		radix = 16;
		p += 2;
		n -= 2;
		*odd = true;
	} else if (n >= 2 && p[0] == '0') {
		radix = 8;
		p++;
		n--;
		*odd = true;
	}
	long long v = 0;
	for (size_t i = 0; i < n; i++) {
		int d = pd_hexval((unsigned char)p[i]);
		if (d < 0 || (unsigned)d >= radix)
			return -1;
		v = v * radix + d;
		if (v > 0xFFFFFFFFLL)
			v = 0x100000000LL;
	}
	return v;
}

int pd_url_ipv4(const char *h, size_t n, unsigned char ip[4], bool *odd)
{
	*odd = false;
	if (n == 0 || n > 64)
		return 0;
	if (h[n - 1] == '.') {
		n--;
		*odd = true;
	}
	size_t starts[5], lens[5];
	unsigned np = 0;
	size_t s = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || h[i] == '.') {
			if (np == 4)
				return 0;
			starts[np] = s;
			lens[np] = i - s;
			np++;
			s = i + 1;
		}
	}
	unsigned long long val = 0;
	for (unsigned k = 0; k < np; k++) {
		if (lens[k] == 0)
			return 0;
		long long v = ipv4_part(h + starts[k], lens[k], odd);
		if (v < 0)
			return 0;
		if (k + 1 < np) {
			if (v > 255)
				return 0;
			val |= (unsigned long long)v << (8 * (3 - k));
		} else {
			unsigned long long lim = 1ull << (8 * (5 - np));
			if ((unsigned long long)v >= lim)
				return 0;
			val |= (unsigned long long)v;
		}
	}
	if (np != 4)
		*odd = true;
	for (int k = 0; k < 4; k++)
		ip[k] = (unsigned char)(val >> (8 * (3 - k)));
	return 1;
}

static bool is_special(const char *scheme)
{
	return strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0 || strcmp(scheme, "ftp") == 0 ||
	       strcmp(scheme, "ws") == 0 || strcmp(scheme, "wss") == 0 || strcmp(scheme, "file") == 0;
}

static int default_port(const char *scheme)
{
	if (strcmp(scheme, "http") == 0 || strcmp(scheme, "ws") == 0)
		return 80;
	if (strcmp(scheme, "https") == 0 || strcmp(scheme, "wss") == 0)
		return 443;
	if (strcmp(scheme, "ftp") == 0)
		return 21;
	return -1;
}

/* Split rest (after the authority) into path, query, fragment. */
static void split_rest(struct pd_arena *a, char *b, size_t n, bool special, struct pd_url_info *out)
{
	size_t q = n, f = n;
	for (size_t i = 0; i < n; i++) {
		if (b[i] == '#') {
			f = i;
			break;
		}
		if (b[i] == '?' && q == n)
			q = i;
	}
	if (q > f)
		q = f;
	if (special)
		for (size_t i = 0; i < q; i++)
			if (b[i] == '\\') {
				b[i] = '/';
				out->flags |= PD_URLF_OBFUSCATED;
			}
	out->rest = pd_arena_strndup(a, b, n);
	out->path = pd_arena_strndup(a, b, q);
	out->query = q < f ? pd_arena_strndup(a, b + q + 1, f - q - 1) : "";
	out->fragment = f < n ? pd_arena_strndup(a, b + f + 1, n - f - 1) : "";
}

static void parse_host(struct pd_arena *a, const char *h, size_t n, struct pd_url_info *out)
{
	size_t dn;
	char *dec = pd_url_pct_decode(a, h, n, &dn);
	size_t sn;
	const char *hw = pd_utf8_sanitize(a, dec, dn, &sn);
	out->host_written = hw;
	if (sn == 0)
		return;
	if (hw[0] == '[') {
		const char *rb = memchr(hw, ']', sn);
		size_t l = rb ? (size_t)(rb - hw) - 1 : sn - 1;
		const char *pc = memchr(hw + 1, '%', l);
		if (pc)
			l = (size_t)(pc - hw) - 1;
		char tmp[64];
		if (l < sizeof tmp) {
			memcpy(tmp, hw + 1, l);
			tmp[l] = '\0';
			struct in6_addr a6;
			if (inet_pton(AF_INET6, tmp, &a6) == 1) {
				memcpy(out->ip, &a6, 16);
				out->ip_family = 6;
				out->host = pd_ip_format(a, 6, out->ip);
				out->flags |= PD_URLF_IP;
				return;
			}
		}
		out->host = pd_ascii_lower(a, hw, sn);
		return;
	}
	const char *uni = "";
	const char *host = pd_host_normalize(a, hw, sn, &uni);
	out->host = host;
	out->host_unicode = uni;
	bool odd = false;
	unsigned char v4[4];
	if (pd_url_ipv4(host, strlen(host), v4, &odd)) {
		memset(out->ip, 0, 16);
		memcpy(out->ip, v4, 4);
		out->ip_family = 4;
		out->host = pd_ip_format(a, 4, out->ip);
		out->host_unicode = "";
		out->flags |= PD_URLF_IP;
		if (odd || strcmp(out->host, hw) != 0)
			out->flags |= PD_URLF_IP_ENCODED;
		return;
	}
	if (strstr(host, "xn--"))
		out->flags |= PD_URLF_IDN;
}

void pd_url_parse(struct pd_arena *a, const char *s, size_t n, struct pd_url_info *out)
{
	memset(out, 0, sizeof *out);
	out->scheme = out->userinfo = out->host = out->host_unicode = out->host_written = "";
	out->path = out->query = out->fragment = out->rest = "";
	out->port = -1;
	if (n > URL_MAX)
		n = URL_MAX;
	while (n && (unsigned char)*s <= 0x20)
		s++, n--;
	while (n && (unsigned char)s[n - 1] <= 0x20)
		n--;
	char *b = pd_arena_alloc(a, n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			out->flags |= PD_URLF_OBFUSCATED;
			continue;
		}
		b[k++] = s[i];
	}
	b[k] = '\0';
	size_t i = 0;
	if (k && pd_isalpha((unsigned char)b[0])) {
		size_t j = 1;
		while (j < k && j < 32 && (pd_isalnum((unsigned char)b[j]) || b[j] == '+' || b[j] == '-' || b[j] == '.'))
			j++;
		if (j < k && b[j] == ':') {
			out->scheme = pd_ascii_lower(a, b, j);
			i = j + 1;
		}
	}
	bool special;
	size_t as; /* authority start */
	if (!*out->scheme) {
		if (k >= 2 && (b[0] == '/' || b[0] == '\\') && (b[1] == '/' || b[1] == '\\')) {
			as = 2;
			while (as < k && (b[as] == '/' || b[as] == '\\'))
				as++;
		} else if (k >= 4 && pd_strnieq(b, "www.", 4)) {
			as = 0;
		} else {
			split_rest(a, b, k, false, out);
			return;
		}
		out->scheme = "http";
		special = true;
	} else {
		special = is_special(out->scheme);
		if (strcmp(out->scheme, "javascript") == 0 || strcmp(out->scheme, "data") == 0 ||
		    strcmp(out->scheme, "vbscript") == 0)
			out->flags |= PD_URLF_SCRIPT;
		if (special && strcmp(out->scheme, "file") != 0) {
			size_t ns = 0;
			bool bs = false;
			while (i + ns < k && (b[i + ns] == '/' || b[i + ns] == '\\')) {
				if (b[i + ns] == '\\')
					bs = true;
				ns++;
			}
			if (ns != 2 || bs)
				out->flags |= PD_URLF_OBFUSCATED;
			as = i + ns;
		} else if (i + 1 < k && b[i] == '/' && b[i + 1] == '/') {
			as = i + 2;
		} else {
			split_rest(a, b + i, k - i, false, out);
			return;
		}
	}
	out->has_authority = true;
	size_t ae = as;
	while (ae < k && b[ae] != '/' && b[ae] != '?' && b[ae] != '#' && !(special && b[ae] == '\\'))
		ae++;
	size_t hs = as;
	for (size_t q = as; q < ae; q++)
		if (b[q] == '@')
			hs = q + 1;
	if (hs > as) {
		out->userinfo = pd_arena_strndup(a, b + as, hs - as - 1);
		out->flags |= PD_URLF_USERINFO;
	}
	size_t he = ae;
	if (hs < ae && b[hs] == '[') {
		const char *rb = memchr(b + hs, ']', ae - hs);
		he = rb ? (size_t)(rb - b) + 1 : ae;
	} else {
		const char *c = memchr(b + hs, ':', ae - hs);
		if (c)
			he = (size_t)(c - b);
	}
	if (he < ae && b[he] == ':') {
		long p = 0;
		bool ok = he + 1 < ae;
		for (size_t q = he + 1; q < ae && ok; q++) {
			if (!pd_isdigit((unsigned char)b[q]) || p > 65535)
				ok = false;
			else
				p = p * 10 + (b[q] - '0');
		}
		if (ok && p <= 65535) {
			out->port = (int)p;
			if (out->port != default_port(out->scheme))
				out->flags |= PD_URLF_PORT;
		}
	}
	parse_host(a, b + hs, he - hs, out);
	split_rest(a, b + ae, k - ae, special, out);
}

/* Raw (undecoded) value of a query parameter, or NULL. */
static const char *param_raw(struct pd_arena *a, const char *q, const char *name, size_t *vn)
{
	size_t nl = strlen(name), n = strlen(q);
	size_t i = 0;
	while (i < n) {
		size_t e = i;
		while (e < n && q[e] != '&' && q[e] != ';')
			e++;
		const char *eq = memchr(q + i, '=', e - i);
		if (eq && (size_t)(eq - (q + i)) == nl && pd_strnieq(q + i, name, nl)) {
			*vn = e - (size_t)(eq + 1 - q);
			return eq + 1;
		}
		i = e + 1;
	}
	(void)a;
	return NULL;
}

const char *pd_url_query_param(struct pd_arena *a, const char *q, const char *name)
{
	size_t vn;
	const char *v = param_raw(a, q, name, &vn);
	if (!v)
		return NULL;
	return pd_url_pct_decode(a, v, vn, NULL);
}

static bool looks_hostish(const char *p)
{
	size_t n = 0;
	while (p[n] && (pd_isalnum((unsigned char)p[n]) || p[n] == '-' || p[n] == '.'))
		n++;
	return n >= 4 && memchr(p, '.', n) != NULL;
}

const char *pd_url_nested(struct pd_arena *a, const char *v)
{
	if (!v)
		return NULL;
	for (int round = 0; round < 3; round++) {
		while (*v == ' ' || *v == '"' || *v == '\'')
			v++;
		size_t n = strlen(v);
		if (n < 8 || n > URL_MAX)
			return NULL;
		if (pd_strnieq(v, "http://", 7) || pd_strnieq(v, "https://", 8))
			return looks_hostish(v + (v[4] == ':' ? 7 : 8)) ? v : NULL;
		if (pd_strnieq(v, "http:\\\\", 7) || pd_strnieq(v, "https:\\\\", 8))
			return v;
		if (v[0] == '/' && v[1] == '/' && looks_hostish(v + 2))
			return pd_arena_printf(a, "https:%s", v);
		if (pd_strnieq(v, "www.", 4) && looks_hostish(v))
			return pd_arena_printf(a, "http://%s", v);
		if (pd_strnieq(v, "http%3a", 7) || pd_strnieq(v, "https%3a", 8) || pd_strnieq(v, "%2f%2f", 6)) {
			v = pd_url_pct_decode(a, v, n, NULL);
			continue;
		}
		if (n >= 16 && (strncmp(v, "aHR0cDovL", 9) == 0 || strncmp(v, "aHR0cHM6Ly", 10) == 0)) {
			size_t e = 0;
			while (e < n && b64v((unsigned char)v[e]) >= 0)
				e++;
			size_t dn;
			char *d = pd_url_b64_decode(a, v, e, &dn);
			if (!d)
				return NULL;
			v = pd_utf8_sanitize(a, d, dn, NULL);
			continue;
		}
		return NULL;
	}
	return NULL;
}

const char *pd_url_proofpoint_v2(struct pd_arena *a, const char *query)
{
	size_t vn;
	const char *v = param_raw(a, query, "u", &vn);
	if (!v || vn == 0)
		return NULL;
	char *t = pd_arena_strndup(a, v, vn);
	for (size_t i = 0; i < vn; i++) {
		if (t[i] == '-')
			t[i] = '%';
		else if (t[i] == '_')
			t[i] = '/';
	}
	size_t dn;
	char *d = pd_url_pct_decode(a, t, vn, &dn);
	return pd_url_nested(a, pd_utf8_sanitize(a, d, dn, NULL));
}

const char *pd_url_proofpoint_v3(struct pd_arena *a, const char *rest)
{
	const char *p = strstr(rest, "/v3/__");
	if (!p)
		return NULL;
	p += 6;
	const char *e = strstr(p, "__;");
	if (!e)
		e = p + strlen(p);
	size_t un = (size_t)(e - p);
	/* replacement characters: base64url bytes after "__;" up to "!!" */
	const char *tok = *e ? e + 3 : e;
	const char *te = strstr(tok, "!!");
	size_t tn = te ? (size_t)(te - tok) : strlen(tok);
	size_t rn = 0;
	char *rep = tn ? pd_url_b64_decode(a, tok, tn, &rn) : NULL;
	char *o = pd_arena_alloc(a, un + rn + 1);
	size_t k = 0, ri = 0;
	for (size_t i = 0; i < un; i++) {
		if (p[i] != '*') {
			o[k++] = p[i];
			continue;
		}
		size_t run = 1;
		if (i + 2 < un && p[i + 1] == '*') {
			int v = b64v((unsigned char)p[i + 2]);
			run = v >= 0 ? (size_t)v + 2 : 1;
			i += 2;
		}
		for (size_t r = 0; r < run && rep && ri < rn; r++) {
			size_t l = pd_utf8_seqlen((const unsigned char *)rep + ri, rn - ri);
			if (l == 0)
				l = 1;
			if (k + l > un + rn)
				break;
			memcpy(o + k, rep + ri, l);
			k += l;
			ri += l;
		}
	}
	o[k] = '\0';
	return pd_url_nested(a, pd_utf8_sanitize(a, o, k, NULL));
}
