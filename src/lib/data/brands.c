/* brands.c - load data/brands.txt and the optional --known-services file,
 * and compile the matchers used per message: the brand alias automaton,
 * the look-alike token automaton and the lure-lexicon automaton (all
 * Aho-Corasick over folded text, base/acmatch.h + base/fold.h).
 *
 * Everything here runs once in pd_ctx_new; the result is read-only.
 * Bounds: 4096 brands, 64 values per kind and brand, aliases and tokens
 * of at most 255 folded bytes (longer ones are a data error). */
#include "data/brands.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/acmatch.h"
#include "base/fold.h"
#include "base/text.h"
#include "ctx.h"
#include "data/datafile.h"

#define MAX_BRANDS 4096
#define MAX_VALUES 64

struct load {
	struct pd_brands *bs;
	struct pd_arena *tmp;
	unsigned capb, capa;
	GPtrArray *tokens;      /* per brand: GPtrArray of char* (folded) */
};

/* host -> GArray of guint32 (brand << 8 | kind bit) */
static void host_add(struct pd_brands *bs, const char *host, unsigned brand, unsigned kind)
{
	GArray *arr = g_hash_table_lookup(bs->hosts, host);
	if (!arr) {
		arr = g_array_new(FALSE, FALSE, sizeof(guint32));
		g_hash_table_insert(bs->hosts, g_ascii_strdown(host, -1), arr);
	}
	guint32 v = (guint32)brand << 8 | kind;
	for (guint i = 0; i < arr->len; i++)
		if (g_array_index(arr, guint32, i) == v)
			return;
	g_array_append_val(arr, v);
}

static bool valid_host(const char *s)
{
	size_t n = strlen(s);
	if (n < 3 || n > 253 || !strchr(s, '.') || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(pd_isalnum((unsigned char)s[i]) || s[i] == '.' || s[i] == '-'))
			return false;
	return true;
}

static int brands_line(void *ud, unsigned line, char **f, unsigned nf, char *eb, size_t el)
{
	struct load *l = ud;
	struct pd_brands *bs = l->bs;
	(void)line;
	if (nf < 3) {
		snprintf(eb, el, "expected ID<TAB>KIND<TAB>VALUE...");
		return -1;
	}
	const char *id = f[0], *kind = f[1];
	if (strcmp(kind, "name") == 0) {
		if (pd_brands_find(bs, id) >= 0) {
			snprintf(eb, el, "brand '%s' defined twice", id);
			return -1;
		}
		if (bs->n >= MAX_BRANDS) {
			snprintf(eb, el, "more than %d brands", MAX_BRANDS);
			return -1;
		}
		if (bs->n == l->capb) {
			l->capb = l->capb ? l->capb * 2 : 256;
			bs->b = g_renew(struct pd_brand, bs->b, l->capb);
		}
		struct pd_brand *b = &bs->b[bs->n++];
		memset(b, 0, sizeof *b);
		b->id = g_strdup(id);
		b->name = g_strdup(f[2]);
		b->name_ja = g_strdup(nf > 3 ? f[3] : f[2]);
		b->sector = "";
		g_ptr_array_add(l->tokens, g_ptr_array_new_with_free_func(g_free));
		return 0;
	}
	int bi = pd_brands_find(bs, id);
	if (bi < 0 || (unsigned)bi != bs->n - 1) {
		snprintf(eb, el, "'%s': a brand's lines must follow its 'name' line", id);
		return -1;
	}
	struct pd_brand *b = &bs->b[bi];
	for (unsigned i = 2; i < nf; i++) {
		const char *v = f[i];
		if (!*v || !g_utf8_validate(v, -1, NULL)) {
			snprintf(eb, el, "empty or non-UTF-8 value");
			return -1;
		}
		if (strcmp(kind, "sector") == 0) {
			b->sector = g_strdup(v);
		} else if (strcmp(kind, "alias") == 0 || strcmp(kind, "short") == 0) {
			char *nf8 = g_utf8_normalize(v, -1, G_NORMALIZE_NFKC);
			size_t fl;
			char *fo = pd_fold(l->tmp, nf8, strlen(nf8), &fl, NULL);
			g_free(nf8);
			if (fl == 0 || fl > 255) {
				snprintf(eb, el, "alias '%s' is empty or too long after folding", v);
				return -1;
			}
			if (bs->nalias == l->capa) {
				l->capa = l->capa ? l->capa * 2 : 1024;
				bs->alias = g_renew(struct pd_alias, bs->alias, l->capa);
			}
			struct pd_alias *a = &bs->alias[bs->nalias];
			a->brand = (unsigned)bi;
			a->kind = kind[0] == 's' ? PD_ALIAS_SHORT : PD_ALIAS_NAME;
			a->text = g_strdup(v);
			a->flen = fl;
			a->ascii_start = pd_isalnum((unsigned char)fo[0]);
			a->ascii_end = pd_isalnum((unsigned char)fo[fl - 1]);
			pd_ac_add(bs->alias_ac, fo, fl, bs->nalias);
			bs->nalias++;
		} else if (strcmp(kind, "domain") == 0 || strcmp(kind, "mailbox") == 0 ||
		           strcmp(kind, "owned") == 0 || strcmp(kind, "sends") == 0) {
			if (!valid_host(v)) {
				snprintf(eb, el, "'%s' is not a lower-case host name", v);
				return -1;
			}
			unsigned k = kind[0] == 'd' ? PD_BH_DOMAIN : kind[0] == 'm' ? PD_BH_MAILBOX
			           : kind[0] == 'o' ? PD_BH_OWNED : PD_BH_SENDS;
			host_add(bs, v, (unsigned)bi, k);
			if (k == PD_BH_DOMAIN && b->ndomains < MAX_VALUES) {
				b->domains = g_renew(char *, b->domains, b->ndomains + 1);
				b->domains[b->ndomains++] = g_strdup(v);
			}
		} else if (strcmp(kind, "token") == 0) {
			if (strlen(v) < 3 || strlen(v) > 63) {
				snprintf(eb, el, "token '%s' must be 3 to 63 characters", v);
				return -1;
			}
			for (const char *p = v; *p; p++)
				if (!(pd_isalnum((unsigned char)*p) || *p == '-')) {
					snprintf(eb, el, "token '%s': only a-z, 0-9 and '-'", v);
					return -1;
				}
			GPtrArray *tk = g_ptr_array_index(l->tokens, (guint)bi);
			g_ptr_array_add(tk, g_ascii_strdown(v, -1));
		} else if (strcmp(kind, "asn") == 0) {
			if (b->nasns < MAX_VALUES) {
				b->asns = g_renew(char *, b->asns, b->nasns + 1);
				b->asns[b->nasns++] = g_strdup(v);
			}
		} else {
			snprintf(eb, el, "unknown kind '%s' (name sector alias short domain mailbox owned sends token asn)", kind);
			return -1;
		}
	}
	return 0;
}

/* --known-services: ID [<TAB> address ...] */
static int known_line(void *ud, unsigned line, char **f, unsigned nf, char *eb, size_t el)
{
	struct pd_brands *bs = ud;
	(void)line;
	int bi = pd_brands_find(bs, f[0]);
	if (bi < 0) {
		char *low = g_ascii_strdown(f[0], -1);
		bi = pd_brands_find(bs, low);
		g_free(low);
	}
	if (bi < 0) {
		snprintf(eb, el, "unknown brand id '%s' (see data/brands.txt)", f[0]);
		return -1;
	}
	struct pd_brand *b = &bs->b[bi];
	b->known = true;
	for (unsigned i = 1; i < nf; i++) {
		if (!strchr(f[i], '@')) {
			snprintf(eb, el, "'%s' is not an e-mail address", f[i]);
			return -1;
		}
		if (b->nknown_addrs >= MAX_VALUES)
			break;
		b->known_addrs = g_renew(char *, b->known_addrs, b->nknown_addrs + 1);
		b->known_addrs[b->nknown_addrs++] = g_ascii_strdown(f[i], -1);
	}
	return 0;
}

static int read_file(const char *path, int optional, pd_datafile_fn fn, void *ud, char **err)
{
	char *e = NULL;
	int rc = pd_datafile_read(path, optional, fn, ud, &e);
	if (rc < 0) {
		*err = g_strdup(e ? e : path);
		free(e);
	}
	return rc;
}

static void compile_lexicon(struct pd_ctx *c, struct pd_arena *tmp)
{
	c->lex_ac = pd_ac_new();
	for (unsigned i = 0; i < c->nlex; i++) {
		size_t fl;
		const char *fo = pd_fold(tmp, c->lex[i].phrase, c->lex[i].len, &fl, NULL);
		if (fl)
			pd_ac_add(c->lex_ac, fo, fl, i);
	}
	pd_ac_compile(c->lex_ac);
}

int pd_brands_load(struct pd_ctx *c, char **err)
{
	struct pd_brands *bs = g_new0(struct pd_brands, 1);
	c->brands = bs;
	bs->alias_ac = pd_ac_new();
	bs->token_ac = pd_ac_new();
	bs->hosts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_array_unref);
	struct load l = { bs, pd_arena_new(0), 0, 0, g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref) };
	int rc = 0;
	char *p = g_build_filename(c->data_dir, "brands.txt", NULL);
	if (read_file(p, 0, brands_line, &l, err) < 0) {
		rc = -1;
		goto out;
	}
	for (unsigned bi = 0; bi < bs->n; bi++) {
		GPtrArray *tk = g_ptr_array_index(l.tokens, bi);
		struct pd_brand *b = &bs->b[bi];
		b->tokens = g_new0(char *, tk->len + 1);
		for (guint k = 0; k < tk->len; k++) {
			const char *t = g_ptr_array_index(tk, k);
			pd_ac_add(bs->token_ac, t, strlen(t), bi << 8 | (unsigned)strlen(t));
			b->tokens[b->ntokens++] = g_strdup(t);
		}
	}
	pd_ac_compile(bs->alias_ac);
	pd_ac_compile(bs->token_ac);
	compile_lexicon(c, l.tmp);
	if (c->opt.known_services && *c->opt.known_services) {
		if (read_file(c->opt.known_services, 0, known_line, bs, err) < 0) {
			rc = -1;
			goto out;
		}
		bs->known_loaded = true;
		bs->known_source = g_strdup(c->opt.known_services);
	}
out:
	g_free(p);
	g_ptr_array_unref(l.tokens);
	pd_arena_free(l.tmp);
	return rc;
}

void pd_brands_free(struct pd_brands *bs)
{
	if (!bs)
		return;
	for (unsigned i = 0; i < bs->n; i++) {
		struct pd_brand *b = &bs->b[i];
		g_free((char *)b->id);
		g_free((char *)b->name);
		g_free((char *)b->name_ja);
		if (*b->sector)
			g_free((char *)b->sector);
		for (unsigned k = 0; k < b->ndomains; k++)
			g_free(b->domains[k]);
		g_free(b->domains);
		for (unsigned k = 0; k < b->nasns; k++)
			g_free(b->asns[k]);
		g_free(b->asns);
		for (unsigned k = 0; k < b->ntokens; k++)
			g_free(b->tokens[k]);
		g_free(b->tokens);
		for (unsigned k = 0; k < b->nknown_addrs; k++)
			g_free(b->known_addrs[k]);
		g_free(b->known_addrs);
	}
	g_free(bs->b);
	for (unsigned i = 0; i < bs->nalias; i++)
		g_free((char *)bs->alias[i].text);
	g_free(bs->alias);
	pd_ac_free(bs->alias_ac);
	pd_ac_free(bs->token_ac);
	if (bs->hosts)
		g_hash_table_destroy(bs->hosts);
	g_free((char *)bs->known_source);
	g_free(bs);
}

int pd_brands_find(const struct pd_brands *bs, const char *id)
{
	for (unsigned i = 0; i < bs->n; i++)
		if (strcmp(bs->b[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* Kinds listed for the host and each parent domain (at most 16 labels). */
static unsigned kinds_for(const struct pd_brands *bs, const char *host, int brand)
{
	unsigned k = 0;
	const char *h = host;
	for (unsigned depth = 0; h && *h && depth < 16; depth++) {
		if (strchr(h, '.')) {
			GArray *arr = g_hash_table_lookup(bs->hosts, h);
			for (guint i = 0; arr && i < arr->len; i++) {
				guint32 v = g_array_index(arr, guint32, i);
				/* a mailbox domain is the exact host (user@icloud.com);
				 * its sub-domains are the brand's own systems */
				if ((brand < 0 || (int)(v >> 8) == brand) && !(depth > 0 && (v & PD_BH_MAILBOX)))
					k |= v & 0xff;
			}
		}
		h = strchr(h, '.');
		if (h)
			h++;
	}
	return k;
}

unsigned pd_brands_host_kinds(const struct pd_brands *bs, const char *host, unsigned brand)
{
	if (!bs || !host || !*host)
		return 0;
	return kinds_for(bs, host, (int)brand);
}

bool pd_brands_host_listed(const struct pd_brands *bs, const char *host)
{
	if (!bs || !host || !*host)
		return false;
	return kinds_for(bs, host, -1) != 0;
}

unsigned pd_brands_of_host(const struct pd_brands *bs, const char *host, unsigned *out, unsigned max)
{
	unsigned n = 0;
	if (!bs || !host || !*host)
		return 0;
	const char *h = host;
	unsigned mailbox = kinds_for(bs, host, -1) & PD_BH_MAILBOX;
	if (mailbox)
		return 0;
	for (unsigned depth = 0; h && *h && depth < 16; depth++) {
		GArray *arr = strchr(h, '.') ? g_hash_table_lookup(bs->hosts, h) : NULL;
		for (guint i = 0; arr && i < arr->len; i++) {
			guint32 v = g_array_index(arr, guint32, i);
			if (!(v & PD_BH_DOMAIN))
				continue;
			unsigned b = v >> 8;
			bool dup = false;
			for (unsigned j = 0; j < n; j++)
				dup |= out[j] == b;
			if (!dup && n < max)
				out[n++] = b;
		}
		h = strchr(h, '.');
		if (h)
			h++;
	}
	return n;
}

struct tokscan {
	const char *host;
	size_t n;
	int brand;
	size_t s, e;
};

/* A separator next to a token: a dot, a hyphen or a digit. */
static bool is_sep(char c)
{
	return c == '.' || c == '-' || pd_isdigit((unsigned char)c);
}

bool pd_brands_token_edged(const char *h, size_t n, size_t s, size_t e, bool both)
{
	bool left = s == 0 || is_sep(h[s - 1]);
	bool right = e >= n || is_sep(h[e]);
	/* short tokens at a label edge on both sides; long ones on one side */
	return (left && right) || (!both && e - s >= 6 && (left || right));
}

static bool on_token(void *ud, unsigned id, size_t s, size_t e)
{
	struct tokscan *t = ud;
	(void)id;
	if (pd_brands_token_edged(t->host, t->n, s, e, false)) {
		t->brand = (int)(id >> 8);
		t->s = s;
		t->e = e;
		return false;
	}
	return true;
}

int pd_brands_lookalike(const struct pd_brands *bs, struct pd_arena *a, const char *host, const char **tok)
{
	if (!bs || !host || !*host || pd_brands_host_listed(bs, host))
		return -1;
	struct tokscan t = { host, strlen(host), -1, 0, 0 };
	pd_ac_scan(bs->token_ac, host, t.n, on_token, &t);
	if (t.brand >= 0 && tok)
		*tok = pd_arena_strndup(a, host + t.s, t.e - t.s);
	return t.brand;
}
