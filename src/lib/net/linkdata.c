/* linkdata.c - link-forensics lists (loaded once per context) and the
 * per-URL enrichment: parse (net/url.c), classify the host, unwrap
 * rewriters into inner layers.  See linkdata.h.
 *
 * Look-alikes: ICU uspoof confusable skeletons (Unicode TS #39) of the
 * registrable domain compared with those of data/links/protected-domains.txt,
 * plus one-edit spellings (substitution, insertion, deletion, adjacent
 * transposition) of the name before the public suffix, for names of six
 * or more characters with the same suffix.  Mixed scripts: uspoof
 * restriction level "highly restrictive" per label (TS #39 section 5.2),
 * and whole-label non-Latin homographs (skeleton all ASCII).
 *
 * Limits: unwrapping stops after 4 layers; data lines are at most 4 KiB
 * (datafile.c); the USpoofChecker is configured once and only its
 * thread-safe check/skeleton functions are used afterwards.
 */
#include "net/linkdata.h"

#include <glib.h>
#include <idn2.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uspoof.h>

#include "base/text.h"
#include "ctx.h"
#include "data/datafile.h"
#include "net/domain.h"
#include "net/url.h"

#define MAX_LAYERS 4
#define SKEL_MAX 1024

struct host_entry {
	char *host;   /* lower-case host/domain */
	char *path;   /* path prefix or NULL */
	char *owner;  /* trackers: "*" or the owning registrable domain */
	int next;     /* the next entry with the same host, or -1 */
};

enum redir_kind { R_REWRITER, R_REDIRECT, R_PARAM, R_PP2, R_PP3, R_OPAQUE };
static const char *const redir_names[] = { "rewriter", "redirect", "param", "proofpoint2", "proofpoint3", "opaque" };

struct redir {
	enum redir_kind kind;
	char *host;   /* "*" = any */
	char *path;   /* "*" = any */
	char *param;  /* "-" = none */
};

struct hlist {
	struct host_entry *e;
	unsigned n, cap;
	GHashTable *idx; /* host -> index + 1 of its first entry (hlist_index) */
};

struct pd_linkdata {
	struct hlist shorteners, freehost, trackers;
	GHashTable *tlds;
	GHashTable *fext;     /* TLDs that are file extensions too */
	struct redir *redir;
	unsigned nredir, capredir;
	char **prot;          /* A-label */
	unsigned nprot, capprot;
	GHashTable *prot_set; /* A-label set */
	GHashTable *skel;     /* skeleton (UTF-8) -> protected domain */
	USpoofChecker *sc;
};

/* ---- loading ------------------------------------------------------- */

static int hlist_line(void *ud, unsigned line, char **f, unsigned nf, char *eb, size_t el)
{
	struct hlist *l = ud;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->e = g_renew(struct host_entry, l->e, l->cap);
	}
	struct host_entry *e = &l->e[l->n];
	char *low = g_ascii_strdown(f[0], -1);
	char *slash = strchr(low, '/');
	e->path = NULL;
	if (slash) {
		e->path = g_strdup(slash);
		*slash = '\0';
	}
	if (!pd_looks_like_hostname(low, strlen(low))) {
		snprintf(eb, el, "'%s' is not a host name", low);
		g_free(low);
		g_free(e->path);
		return -1;
	}
	e->host = low;
	e->owner = nf > 1 ? g_ascii_strdown(f[1], -1) : NULL;
	l->n++;
	return 0;
}

static int tracker_line(void *ud, unsigned line, char **f, unsigned nf, char *eb, size_t el)
{
	if (nf != 2) {
		snprintf(eb, el, "expected TRACKER<TAB>OWNER (OWNER is * or a domain)");
		return -1;
	}
	return hlist_line(ud, line, f, nf, eb, el);
}

static int tld_line(void *ud, unsigned line, char **f, unsigned nf, char *eb, size_t el)
{
	for (const char *p = f[0]; *p; p++)
		if (!(pd_isalnum((unsigned char)*p) || *p == '-')) {
			snprintf(eb, el, "'%s' is not a TLD (letters, digits, '-'; no dot)", f[0]);
			return -1;
		}
	g_hash_table_add(ud, g_ascii_strdown(f[0], -1));
	return 0;
}

static int redir_line(void *ud, unsigned line, char **f, unsigned nf, char *eb, size_t el)
{
	struct pd_linkdata *ld = ud;
	if (nf != 4) {
		snprintf(eb, el, "expected KIND<TAB>HOST<TAB>PATH-PREFIX<TAB>PARAMETER");
		return -1;
	}
	int kind = -1;
	for (int k = 0; k < (int)(sizeof redir_names / sizeof *redir_names); k++)
		if (strcmp(f[0], redir_names[k]) == 0)
			kind = k;
	if (kind < 0) {
		snprintf(eb, el, "unknown kind '%s' (rewriter, redirect, param, proofpoint2, proofpoint3, opaque)", f[0]);
		return -1;
	}
	if ((kind == R_PARAM) != (strcmp(f[1], "*") == 0)) {
		snprintf(eb, el, "HOST must be * exactly for kind param");
		return -1;
	}
	if ((kind == R_REWRITER || kind == R_REDIRECT || kind == R_PARAM) && strcmp(f[3], "-") == 0 &&
	    kind != R_REWRITER) {
		snprintf(eb, el, "kind %s needs a PARAMETER", f[0]);
		return -1;
	}
	if (ld->nredir == ld->capredir) {
		ld->capredir = ld->capredir ? ld->capredir * 2 : 64;
		ld->redir = g_renew(struct redir, ld->redir, ld->capredir);
	}
	struct redir *r = &ld->redir[ld->nredir++];
	r->kind = (enum redir_kind)kind;
	r->host = g_ascii_strdown(f[1], -1);
	r->path = g_strdup(f[2]);
	r->param = g_strdup(f[3]);
	return 0;
}

static const char *skeleton(const USpoofChecker *sc, const char *s, char *buf, size_t cap)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t n = uspoof_getSkeletonUTF8(sc, 0, s, -1, buf, (int32_t)cap, &st);
	if (U_FAILURE(st) || n < 0 || (size_t)n >= cap)
		return NULL;
	buf[n] = '\0';
	return buf;
}

static int prot_line(void *ud, unsigned line, char **f, unsigned nf, char *eb, size_t el)
{
	struct pd_linkdata *ld = ud;
	char *ascii = NULL;
	if (idn2_to_ascii_8z(f[0], &ascii, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT) != IDN2_OK || !ascii) {
		free(ascii);
		snprintf(eb, el, "'%s' is not a valid domain name", f[0]);
		return -1;
	}
	char *low = g_ascii_strdown(ascii, -1);
	free(ascii);
	if (!pd_looks_like_hostname(low, strlen(low))) {
		snprintf(eb, el, "'%s' is not a domain name", f[0]);
		g_free(low);
		return -1;
	}
	if (g_hash_table_contains(ld->prot_set, low)) {
		g_free(low);
		return 0;
	}
	if (ld->nprot == ld->capprot) {
		ld->capprot = ld->capprot ? ld->capprot * 2 : 64;
		ld->prot = g_renew(char *, ld->prot, ld->capprot);
	}
	ld->prot[ld->nprot++] = low;
	g_hash_table_add(ld->prot_set, low);
	char *uni = NULL;
	const char *form = low;
	if (idn2_to_unicode_8z8z(low, &uni, 0) == IDN2_OK && uni)
		form = uni;
	char buf[SKEL_MAX];
	const char *sk = skeleton(ld->sc, form, buf, sizeof buf);
	if (sk && !g_hash_table_contains(ld->skel, sk))
		g_hash_table_insert(ld->skel, g_strdup(sk), low);
	free(uni);
	return 0;
}

static int load_one(const char *dir, const char *rel, pd_datafile_fn fn, void *ud, char **err)
{
	char *p = g_build_filename(dir, "links", rel, NULL);
	int rc = pd_datafile_read(p, 0, fn, ud, err);
	g_free(p);
	return rc < 0 ? -1 : 0;
}

/* Host -> entries, so that a lookup costs one probe per label of the host
 * instead of a pass over the list (enrich runs for every link). */
static void hlist_index(struct hlist *l)
{
	l->idx = g_hash_table_new(g_str_hash, g_str_equal);
	for (unsigned i = l->n; i-- > 0;) {
		struct host_entry *e = &l->e[i];
		gpointer first = g_hash_table_lookup(l->idx, e->host);
		e->next = first ? (int)GPOINTER_TO_UINT(first) - 1 : -1;
		g_hash_table_insert(l->idx, e->host, GUINT_TO_POINTER(i + 1));
	}
}

int pd_linkdata_load(const char *data_dir, struct pd_linkdata **out, char **err)
{
	struct pd_linkdata *ld = g_new0(struct pd_linkdata, 1);
	*out = NULL;
	UErrorCode st = U_ZERO_ERROR;
	ld->sc = uspoof_open(&st);
	if (U_SUCCESS(st))
		uspoof_setChecks(ld->sc, USPOOF_RESTRICTION_LEVEL | USPOOF_MIXED_NUMBERS | USPOOF_INVISIBLE, &st);
	if (U_SUCCESS(st))
		uspoof_setRestrictionLevel(ld->sc, USPOOF_HIGHLY_RESTRICTIVE);
	if (U_FAILURE(st)) {
		*err = strdup("ICU spoof checker could not be opened");
		pd_linkdata_free(ld);
		return -1;
	}
	ld->tlds = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	ld->fext = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	ld->prot_set = g_hash_table_new(g_str_hash, g_str_equal);
	ld->skel = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	if (load_one(data_dir, "shorteners.txt", hlist_line, &ld->shorteners, err) < 0 ||
	    load_one(data_dir, "free-hosting.txt", hlist_line, &ld->freehost, err) < 0 ||
	    load_one(data_dir, "click-trackers.txt", tracker_line, &ld->trackers, err) < 0 ||
	    load_one(data_dir, "suspicious-tlds.txt", tld_line, ld->tlds, err) < 0 ||
	    load_one(data_dir, "file-extension-tlds.txt", tld_line, ld->fext, err) < 0 ||
	    load_one(data_dir, "redirectors.txt", redir_line, ld, err) < 0 ||
	    load_one(data_dir, "protected-domains.txt", prot_line, ld, err) < 0) {
		pd_linkdata_free(ld);
		return -1;
	}
	hlist_index(&ld->shorteners);
	hlist_index(&ld->freehost);
	hlist_index(&ld->trackers);
	*out = ld;
	return 0;
}

static void hlist_free(struct hlist *l)
{
	for (unsigned i = 0; i < l->n; i++) {
		g_free(l->e[i].host);
		g_free(l->e[i].path);
		g_free(l->e[i].owner);
	}
	g_free(l->e);
	if (l->idx)
		g_hash_table_destroy(l->idx);
}

static atomic_uint la_epoch = 1; /* see pd_linkdata_lookalike's cache */

void pd_linkdata_free(struct pd_linkdata *ld)
{
	if (!ld)
		return;
	atomic_fetch_add(&la_epoch, 1);
	hlist_free(&ld->shorteners);
	hlist_free(&ld->freehost);
	hlist_free(&ld->trackers);
	if (ld->tlds)
		g_hash_table_destroy(ld->tlds);
	if (ld->fext)
		g_hash_table_destroy(ld->fext);
	for (unsigned i = 0; i < ld->nredir; i++) {
		g_free(ld->redir[i].host);
		g_free(ld->redir[i].path);
		g_free(ld->redir[i].param);
	}
	g_free(ld->redir);
	if (ld->prot_set)
		g_hash_table_destroy(ld->prot_set);
	if (ld->skel)
		g_hash_table_destroy(ld->skel);
	for (unsigned i = 0; i < ld->nprot; i++)
		g_free(ld->prot[i]);
	g_free(ld->prot);
	if (ld->sc)
		uspoof_close(ld->sc);
	g_free(ld);
}

/* ---- queries ------------------------------------------------------- */

/* The first listed entry (in file order among those of the most specific
 * matching host) that host is, or is under, and whose path prefix (if
 * any) path starts with. */
static const struct host_entry *hlist_match(const struct hlist *l, const char *host, const char *path)
{
	if (!l->idx)
		return NULL;
	for (const char *h = host; h && *h; h = strchr(h, '.') ? strchr(h, '.') + 1 : NULL) {
		gpointer first = g_hash_table_lookup(l->idx, h);
		for (int i = first ? (int)GPOINTER_TO_UINT(first) - 1 : -1; i >= 0; i = l->e[i].next) {
			const struct host_entry *e = &l->e[i];
			if (e->path && !(path && pd_strnieq(path, e->path, strlen(e->path))))
				continue;
			return e;
		}
	}
	return NULL;
}

bool pd_linkdata_tracker_excuses(const struct pd_linkdata *ld, const char *host,
                                 const char *shown_dom, const char *from_dom)
{
	for (unsigned i = 0; i < ld->trackers.n; i++) {
		const struct host_entry *e = &ld->trackers.e[i];
		if (!pd_host_within(host, e->host))
			continue;
		if (strcmp(e->owner, "*") == 0)
			return true;
		if ((shown_dom && *shown_dom && pd_host_within(shown_dom, e->owner)) ||
		    (from_dom && *from_dom && pd_host_within(from_dom, e->owner)))
			return true;
	}
	return false;
}

bool pd_linkdata_is_protected(const struct pd_linkdata *ld, const char *domain)
{
	return domain && g_hash_table_contains(ld->prot_set, domain);
}

unsigned pd_linkdata_nprotected(const struct pd_linkdata *ld)
{
	return ld->nprot;
}

const char *pd_linkdata_protected(const struct pd_linkdata *ld, unsigned i)
{
	return i < ld->nprot ? ld->prot[i] : "";
}

/* At most one edit (substitution, insertion, deletion, adjacent swap)? */
static bool one_edit(const char *a, size_t an, const char *b, size_t bn)
{
	if (an == bn) {
		size_t d = 0, first = 0;
		for (size_t i = 0; i < an; i++)
			if (a[i] != b[i]) {
				if (d == 0)
					first = i;
				d++;
			}
		if (d <= 1)
			return true;
		return d == 2 && first + 1 < an && a[first] == b[first + 1] && a[first + 1] == b[first] &&
		       memcmp(a + first + 2, b + first + 2, an - first - 2) == 0;
	}
	if (an + 1 == bn || bn + 1 == an) {
		const char *l = an > bn ? a : b, *s = an > bn ? b : a;
		size_t ln = an > bn ? an : bn;
		size_t i = 0;
		while (i < ln - 1 && l[i] == s[i])
			i++;
		return memcmp(l + i + 1, s + i, ln - 1 - i) == 0;
	}
	return false;
}

/* The look-alike test costs an ICU skeleton (about 5,000 instructions)
 * and the same link domains come back in message after message, so ASCII
 * domains are answered from a small cache per thread, keyed by the data
 * and the domain; freeing any linkdata moves the epoch on, which empties
 * every cache (as the registrable-domain cache in domain.c does). */
#define LA_SLOTS 512
#define LA_DOMAIN 48
struct la_entry {
	const void *ld;
	uint32_t epoch;
	int16_t prot; /* index in ld->prot, -1: no look-alike */
	uint8_t len;
	char domain[LA_DOMAIN];
};
static _Thread_local struct la_entry la_cache[LA_SLOTS];

static const char *lookalike_uncached(const struct pd_linkdata *ld, const char *domain, const char *uni);

const char *pd_linkdata_lookalike(const struct pd_linkdata *ld, const char *domain, const char *uni)
{
	if (!domain || !*domain)
		return NULL;
	size_t n = strlen(domain);
	if ((uni && *uni) || n >= LA_DOMAIN || ld->nprot > INT16_MAX)
		return lookalike_uncached(ld, domain, uni);
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)domain[i]) * 16777619u;
	h ^= (uint32_t)((uintptr_t)ld >> 4);
	struct la_entry *e = &la_cache[h % LA_SLOTS];
	uint32_t epoch = atomic_load_explicit(&la_epoch, memory_order_relaxed);
	if (e->epoch == epoch && e->ld == ld && e->len == n && memcmp(e->domain, domain, n) == 0)
		return e->prot < 0 ? NULL : ld->prot[e->prot];
	const char *r = lookalike_uncached(ld, domain, uni);
	int16_t idx = -1;
	for (unsigned i = 0; r && i < ld->nprot; i++)
		if (ld->prot[i] == r)
			idx = (int16_t)i;
	if (r && idx < 0)
		return r; /* not one of ld->prot: do not cache */
	e->ld = ld;
	e->epoch = epoch;
	e->len = (uint8_t)n;
	e->prot = idx;
	memcpy(e->domain, domain, n);
	return r;
}

static const char *lookalike_uncached(const struct pd_linkdata *ld, const char *domain, const char *uni)
{
	if (!domain || !*domain || g_hash_table_contains(ld->prot_set, domain))
		return NULL;
	char buf[SKEL_MAX];
	const char *sk = skeleton(ld->sc, uni && *uni ? uni : domain, buf, sizeof buf);
	if (sk) {
		const char *p = g_hash_table_lookup(ld->skel, sk);
		if (p && strcmp(p, domain) != 0)
			return p;
	}
	const char *dot = strchr(domain, '.');
	if (!dot)
		return NULL;
	size_t ln = (size_t)(dot - domain);
	if (ln < 6 || ln > 63)
		return NULL;
	for (unsigned i = 0; i < ld->nprot; i++) {
		const char *p = ld->prot[i];
		const char *pd = strchr(p, '.');
		if (!pd || strcmp(pd, dot) != 0)
			continue;
		size_t pn = (size_t)(pd - p);
		if (pn < 6)
			continue;
		if (pn == ln && memcmp(p, domain, ln) == 0)
			continue;
		if (one_edit(domain, ln, p, pn))
			return p;
	}
	return NULL;
}

bool pd_linkdata_mixed_script(const struct pd_linkdata *ld, const char *host_unicode)
{
	if (!host_unicode || !*host_unicode)
		return false;
	const char *p = host_unicode;
	unsigned labels = 0;
	while (*p && labels++ < 127) {
		const char *e = strchr(p, '.');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		bool non_ascii = false;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)p[i] >= 0x80)
				non_ascii = true;
		if (non_ascii && n < SKEL_MAX / 4) {
			char lab[SKEL_MAX];
			memcpy(lab, p, n);
			lab[n] = '\0';
			UErrorCode st = U_ZERO_ERROR;
			int32_t r = uspoof_checkUTF8(ld->sc, lab, (int32_t)n, NULL, &st);
			if (U_SUCCESS(st) && (r & (USPOOF_RESTRICTION_LEVEL | USPOOF_MIXED_NUMBERS | USPOOF_INVISIBLE)))
				return true;
			char buf[SKEL_MAX];
			const char *sk = skeleton(ld->sc, lab, buf, sizeof buf);
			if (sk) {
				bool latin = *sk != '\0';
				for (const char *q = sk; *q; q++)
					if (!(pd_isalnum((unsigned char)*q) || *q == '-'))
						latin = false;
				if (latin)
					return true;
			}
		}
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

/* ---- enrichment ---------------------------------------------------- */

/* An inner URL carried in the path: ".../https://x/..." (plain, percent-
 * encoded) or a base64 path segment starting with "aHR0c" ("http"). */
static const char *nested_in_path(struct pd_arena *a, const char *rest)
{
	static const char *const marks[] = { "/http://", "/https://", "/http%3a", "/https%3a", "/http:/", "/https:/" };
	for (size_t k = 0; k < sizeof marks / sizeof *marks; k++) {
		const char *p = pd_memcasemem(rest, strlen(rest), marks[k]);
		if (p) {
			const char *n = pd_url_nested(a, p + 1);
			if (n)
				return n;
		}
	}
	const char *b = strstr(rest, "/aHR0c");
	if (b) {
		size_t e = 1;
		while (b[e] && b[e] != '/' && b[e] != '?' && b[e] != '&' && b[e] != '#')
			e++;
		const char *seg = pd_arena_strndup(a, b + 1, e - 1);
		return pd_url_nested(a, seg);
	}
	return NULL;
}

static const char *unwrap(const struct pd_linkdata *ld, struct pd_arena *a, struct pd_url *u,
                          const struct pd_url_info *in, const char **via, bool *redirect)
{
	*redirect = false;
	for (unsigned i = 0; i < ld->nredir; i++) {
		const struct redir *r = &ld->redir[i];
		if (strcmp(r->host, "*") != 0 && !pd_host_within(u->host, r->host))
			continue;
		if (strcmp(r->path, "*") != 0 && !pd_strnieq(in->path, r->path, strlen(r->path)))
			continue;
		const char *n = NULL;
		switch (r->kind) {
		case R_OPAQUE:
			u->flags |= PD_URLF_TRACKER | PD_URLF_OPAQUE_REWRITER;
			*via = "opaque";
			return NULL;
		case R_PP2:
			u->flags |= PD_URLF_TRACKER;
			n = pd_url_proofpoint_v2(a, in->query);
			break;
		case R_PP3:
			u->flags |= PD_URLF_TRACKER;
			n = pd_url_proofpoint_v3(a, in->rest);
			break;
		case R_REWRITER:
			u->flags |= PD_URLF_TRACKER;
			/* fall through */
		case R_REDIRECT:
		case R_PARAM:
			if (strcmp(r->param, "-") != 0)
				n = pd_url_nested(a, pd_url_query_param(a, in->query, r->param));
			break;
		}
		if (n) {
			*via = r->kind == R_PARAM ? pd_arena_printf(a, "%s=", r->param)
			                          : pd_arena_printf(a, "%s %s", redir_names[r->kind], r->host);
			*redirect = r->kind == R_PARAM || r->kind == R_REDIRECT;
			return n;
		}
	}
	const char *n = nested_in_path(a, in->rest);
	if (n) {
		*via = "path";
		*redirect = true;
	}
	return n;
}

static void enrich(const struct pd_ctx *ctx, struct pd_arena *a, struct pd_url *u, unsigned depth)
{
	const struct pd_linkdata *ld = ctx->links;
	struct pd_url_info in;
	pd_url_parse(a, u->raw, strlen(u->raw), &in);
	if (!*in.scheme && !in.has_authority) {
		/* "mail.example.co.cr/x": relative for a browser, but mail
		 * clients (and readers) take a leading host name as a host */
		size_t sl = strcspn(u->raw, "/?#\\");
		char *seg = pd_ascii_lower(a, u->raw, sl);
		if (sl < 254 && pd_looks_like_hostname(seg, sl) && pd_domain_known_suffix(ctx->psl, seg))
			pd_url_parse(a, pd_arena_printf(a, "http://%s", u->raw), strlen(u->raw) + 7, &in);
	}
	u->scheme = in.scheme;
	u->host = in.has_authority ? in.host : "";
	u->host_unicode = in.host_unicode;
	u->host_is_ip = in.ip_family != 0;
	u->domain = (*u->host && !u->host_is_ip) ? pd_domain_registrable(a, ctx->psl, u->host) : "";
	u->path = in.rest;
	u->userinfo = in.userinfo;
	u->port = in.port;
	u->flags = in.flags;
	u->lookalike_of = "";
	if (!u->via)
		u->via = "";
	u->inner = NULL;
	if (!*u->host || !ld)
		return;
	for (unsigned k = 0; k < ctx->ncms; k++)
		if (pd_memcasemem(in.path, strlen(in.path), ctx->cms_paths[k])) {
			u->flags |= PD_URLF_CMS_PATH;
			break;
		}
	if (!u->host_is_ip) {
		const char *dot = strrchr(u->host, '.');
		if (dot && g_hash_table_contains(ld->tlds, dot + 1))
			u->flags |= PD_URLF_SUSPICIOUS_TLD;
		if (hlist_match(&ld->shorteners, u->host, in.path) && strlen(in.path) > 1)
			u->flags |= PD_URLF_SHORTENER;
		if (hlist_match(&ld->freehost, u->host, in.path))
			u->flags |= PD_URLF_FREE_HOSTING;
		if (hlist_match(&ld->trackers, u->host, NULL))
			u->flags |= PD_URLF_TRACKER;
		const char *uni = "";
		char *u8 = NULL;
		if (*u->domain && strstr(u->domain, "xn--") && idn2_to_unicode_8z8z(u->domain, &u8, 0) == IDN2_OK && u8)
			uni = pd_arena_strdup(a, u8);
		free(u8);
		const char *la = pd_linkdata_lookalike(ld, u->domain, uni);
		if (la) {
			u->lookalike_of = pd_arena_strdup(a, la);
			u->flags |= PD_URLF_LOOKALIKE;
		}
		if ((u->flags & PD_URLF_IDN) && pd_linkdata_mixed_script(ld, u->host_unicode))
			u->flags |= PD_URLF_MIXED_SCRIPT;
	}
	if (depth >= MAX_LAYERS - 1)
		return;
	const char *via = "";
	bool redirect = false;
	const char *n = unwrap(ld, a, u, &in, &via, &redirect);
	if (!n)
		return;
	struct pd_url *inner = pd_arena_calloc(a, 1, sizeof *inner);
	size_t nl = strlen(n);
	inner->raw = pd_utf8_sanitize(a, n, nl > 8192 ? 8192 : nl, NULL);
	inner->origin = u->origin;
	inner->part_index = u->part_index;
	inner->shown = "";
	inner->via = via;
	enrich(ctx, a, inner, depth + 1);
	if (!*inner->host)
		return;
	u->inner = inner;
	u->flags |= PD_URLF_WRAPPED;
	if (redirect && !(u->flags & PD_URLF_TRACKER) && strcmp(inner->domain, u->domain) != 0 &&
	    strcmp(inner->host, u->host) != 0)
		u->flags |= PD_URLF_OPEN_REDIRECT;
}

void pd_url_enrich(const struct pd_ctx *ctx, struct pd_arena *a, struct pd_url *u)
{
	enrich(ctx, a, u, 0);
}

bool pd_linkdata_file_name(const struct pd_linkdata *ld, const char *text, size_t n)
{
	if (!ld || n < 3 || n > 255)
		return false;
	const char *dot = memchr(text, '.', n);
	if (!dot || dot == text || memchr(dot + 1, '.', n - (size_t)(dot + 1 - text)))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '/' || c == ':' || c == '@' || c == '\\' || c <= ' ')
			return false;
	}
	char ext[8];
	size_t el = n - (size_t)(dot + 1 - text);
	if (el == 0 || el >= sizeof ext)
		return false;
	for (size_t i = 0; i < el; i++)
		ext[i] = (char)pd_tolower((unsigned char)dot[1 + i]);
	ext[el] = '\0';
	return g_hash_table_contains(ld->fext, ext);
}
