/* url.h - the one URL parser of the project, and offline unwrapping of
 * link rewriters.
 *
 * pd_url_parse() reads a URL the way a browser's address bar does
 * (WHATWG URL Standard, lenient on purpose): leading/trailing C0 controls
 * and spaces dropped, tab/CR/LF removed anywhere, '\' taken as '/' in
 * http(s)/ftp/ws(s)/file URLs, any number of slashes after the scheme,
 * percent-decoding and IDN (UTS #46 via libidn2) in the host, and IPv4
 * hosts in every number form a browser accepts (3232235777, 0xC0.0xA8.1.1,
 * 0300.0250.1.1, 192.168.257).  Nothing is ever resolved or fetched.
 *
 * struct pd_url (mail/model.h) is the model's view of a link; the
 * enrichment that fills its forensic fields (flags, unwrapped layers,
 * look-alikes) lives in net/linkdata.h.
 */
#ifndef PD_URL_H
#define PD_URL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"

enum pd_url_flag {
	PD_URLF_IP = 1u << 0,            /* host is an IP literal */
	PD_URLF_IP_ENCODED = 1u << 1,    /* IPv4 written as decimal/hex/octal/short form */
	PD_URLF_USERINFO = 1u << 2,      /* name@host: the part before @ is ignored */
	PD_URLF_PORT = 1u << 3,          /* non-standard port */
	PD_URLF_IDN = 1u << 4,           /* host has non-ASCII labels (punycode) */
	PD_URLF_MIXED_SCRIPT = 1u << 5,  /* a label mixes scripts (ICU restriction level) */
	PD_URLF_LOOKALIKE = 1u << 6,     /* imitates a protected domain */
	PD_URLF_SHORTENER = 1u << 7,
	PD_URLF_FREE_HOSTING = 1u << 8,
	PD_URLF_SUSPICIOUS_TLD = 1u << 9,
	PD_URLF_WRAPPED = 1u << 10,      /* holds another URL (rewriter, redirect) */
	PD_URLF_OPEN_REDIRECT = 1u << 11,/* generic redirect parameter to another site */
	PD_URLF_CMS_PATH = 1u << 12,
	PD_URLF_SCRIPT = 1u << 13,       /* javascript:, data:, vbscript: */
	PD_URLF_TRACKER = 1u << 14,      /* known click tracker / security rewriter */
	PD_URLF_OBFUSCATED = 1u << 15,   /* control chars, backslashes or odd slashes removed */
	PD_URLF_OPAQUE_REWRITER = 1u << 16, /* rewriter whose target is not in the URL */
};
#define PD_URLF_COUNT 17
/* Short machine name of flag bit i ("ip", "userinfo", ...). */
const char *pd_url_flag_name(unsigned bit);

struct pd_url_info {
	const char *scheme;     /* lower-case; "http" for "www.x" and "//x"; "" if relative */
	const char *userinfo;   /* "" if none */
	const char *host;       /* lower-case A-label, IPv4 dotted, IPv6 without brackets; "" if none */
	const char *host_unicode; /* U-label form if it differs, else "" */
	const char *host_written; /* host as written (percent-decoded), "" if none */
	int port;               /* -1 if none or invalid */
	const char *path;       /* path (slashes normalised), "" if none */
	const char *query;      /* without '?', "" if none */
	const char *fragment;   /* without '#', "" if none */
	const char *rest;       /* path?query#fragment as it follows the authority */
	int ip_family;          /* 0, 4, 6 */
	unsigned char ip[16];
	unsigned flags;         /* PD_URLF_IP, _IP_ENCODED, _USERINFO, _PORT, _IDN, _SCRIPT, _OBFUSCATED */
	bool has_authority;
};

/* Parse s[0..n) (at most 8 KiB are read).  Everything in *out is in the
 * arena.  Never fails: unknown shapes give empty fields. */
void pd_url_parse(struct pd_arena *a, const char *s, size_t n, struct pd_url_info *out);

/* WHATWG IPv4 host parser: 1 to 4 numbers in decimal, 0x hex or 0 octal;
 * the last one fills the remaining bytes.  Returns 1 and fills ip[4] on
 * success, 0 if the host is not an IPv4 number form.  *odd is set when
 * the form is anything but plain dotted decimal. */
int pd_url_ipv4(const char *h, size_t n, unsigned char ip[4], bool *odd);

/* The percent-decoded value of query parameter name (case-insensitive)
 * in query q, or NULL.  '+' is kept.  Bounded by the query length. */
const char *pd_url_query_param(struct pd_arena *a, const char *q, const char *name);

/* Percent-decode s[0..n) once (invalid escapes kept). */
char *pd_url_pct_decode(struct pd_arena *a, const char *s, size_t n, size_t *out_n);

/* Base64 (standard or URL alphabet, padding optional) to bytes; NULL if
 * s is not base64.  Output NUL-terminated, length in *out_n. */
char *pd_url_b64_decode(struct pd_arena *a, const char *s, size_t n, size_t *out_n);

/* If v (already percent-decoded) is, or encodes, an absolute web URL
 * (http(s)://, //host, www.; also percent-encoded once more or base64),
 * return it (arena), else NULL. */
const char *pd_url_nested(struct pd_arena *a, const char *v);

/* Proofpoint URL Defense: the original URL of a v2 "u=" value or of a
 * v3 path ("/v3/__URL__;TOKEN!!..."), or NULL. */
const char *pd_url_proofpoint_v2(struct pd_arena *a, const char *u_param);
const char *pd_url_proofpoint_v3(struct pd_arena *a, const char *rest);

#endif
