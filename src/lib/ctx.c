/* ctx.c - build the read-only analysis context: find the data directory,
 * load weights, patterns and lists once per process.  Every error names
 * the file and line so a broken data file is easy to fix. */
#include "ctx.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/text.h"
#include "base/acmatch.h"
#include "data/brands.h"
#include "data/datafile.h"
#include "mail/received.h"
#include "net/domain.h"
#include "net/linkdata.h"
#include "pd-config.h"

static char *xstrdup(const char *s)
{
	return g_strdup(s);
}

static bool is_data_dir(const char *d)
{
	char *p = g_build_filename(d, "weights.conf", NULL);
	bool ok = access(p, R_OK) == 0;
	g_free(p);
	return ok;
}

static char *find_data_dir(const char *given, char **err)
{
	if (given) {
		if (is_data_dir(given))
			return xstrdup(given);
		*err = g_strdup_printf("data directory %s has no readable weights.conf", given);
		return NULL;
	}
	const char *env = getenv("PHISHDISSECT_DATA");
	if (env && *env) {
		if (is_data_dir(env))
			return xstrdup(env);
		*err = g_strdup_printf("PHISHDISSECT_DATA=%s has no readable weights.conf", env);
		return NULL;
	}
	const char *cands[] = { PD_DATADIR_INSTALLED, PD_DATADIR_SOURCE };
	for (size_t i = 0; i < 2; i++)
		if (is_data_dir(cands[i]))
			return xstrdup(cands[i]);
	*err = g_strdup_printf("no data directory found (tried %s and %s); use --data-dir",
	                       PD_DATADIR_INSTALLED, PD_DATADIR_SOURCE);
	return NULL;
}

/* ---- weights.conf: "NAME = number" ---- */
static int weights_line(void *ud, unsigned line, char **f, unsigned nf, char *eb, size_t el)
{
	struct pd_ctx *c = ud;
	char *eq = strchr(f[0], '=');
	if (!eq) {
		snprintf(eb, el, "expected NAME = NUMBER");
		return -1;
	}
	*eq = '\0';
	char *hash = strchr(eq + 1, '#'); /* a trailing comment */
	if (hash)
		*hash = '\0';
	char *name = g_strstrip(f[0]);
	char *val = g_strstrip(eq + 1);
	char *end;
	errno = 0;
	double v = strtod(val, &end);
	if (errno || end == val || *end) {
		snprintf(eb, el, "'%s' is not a number", val);
		return -1;
	}
	if (strcmp(name, "threshold.suspicious") == 0) {
		c->thr_suspicious = v;
		return 0;
	}
	if (strcmp(name, "threshold.phishing") == 0) {
		c->thr_phishing = v;
		return 0;
	}
	if (strncmp(name, "cap.", 4) == 0) {
		for (int g = 0; g < PD_G_COUNT; g++)
			if (pd_strieq(name + 4, pd_group_name((enum pd_group)g))) {
				c->group_cap[g] = v;
				return 0;
			}
		snprintf(eb, el, "unknown group in '%s'", name);
		return -1;
	}
	int id = pd_fid_lookup(name);
	if (id < 0) {
		snprintf(eb, el, "unknown finding '%s'", name);
		return -1;
	}
	c->weight[id] = v;
	return 0;
}

/* ---- rdns.txt: KIND <TAB> LABEL <TAB> REGEX ---- */
struct rdns_load {
	struct pd_ctx *c;
	unsigned cap;
};

static int rdns_line(void *ud, unsigned line, char **f, unsigned nf, char *eb, size_t el)
{
	struct rdns_load *l = ud;
	struct pd_ctx *c = l->c;
	if (nf != 3) {
		snprintf(eb, el, "expected KIND<TAB>LABEL<TAB>REGEX, got %u fields", nf);
		return -1;
	}
	GError *ge = NULL;
	GRegex *re = g_regex_new(f[2], G_REGEX_CASELESS | G_REGEX_OPTIMIZE | G_REGEX_RAW, 0, &ge);
	if (!re) {
		snprintf(eb, el, "bad regex: %s", ge ? ge->message : "?");
		g_clear_error(&ge);
		return -1;
	}
	if (c->nrdns == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		c->rdns = g_renew(struct pd_rdns_rule, c->rdns, l->cap);
	}
	c->rdns[c->nrdns].re = re;
	c->rdns[c->nrdns].kind = g_strdup(f[0]);
	c->rdns[c->nrdns].label = g_strdup(f[1]);
	c->nrdns++;
	return 0;
}

/* ---- lexicon: CATEGORY <TAB> LANG <TAB> PHRASE ---- */
struct lex_load {
	struct pd_ctx *c;
	unsigned cap;
};

static int lex_line(void *ud, unsigned line, char **f, unsigned nf, char *eb, size_t el)
{
	struct lex_load *l = ud;
	struct pd_ctx *c = l->c;
	if (nf != 3) {
		snprintf(eb, el, "expected CATEGORY<TAB>LANG<TAB>PHRASE");
		return -1;
	}
	/* lure categories (content.c) and the BEC executive titles (brand.c) */
	static const char *const cats[] = { "urgency", "credentials", "payment", "delivery", "tax",
		"prize", "mailbox", "bec", "executive", "advancefee", "romance", "extortion", "crypto" };
	const char *cat = NULL;
	for (size_t k = 0; k < sizeof cats / sizeof *cats; k++)
		if (strcmp(f[0], cats[k]) == 0)
			cat = cats[k];
	if (!cat) {
		snprintf(eb, el, "unknown category '%s' (urgency credentials payment delivery tax prize mailbox bec executive advancefee romance extortion crypto)", f[0]);
		return -1;
	}
	if (!g_utf8_validate(f[2], -1, NULL) || !*f[2]) {
		snprintf(eb, el, "phrase is empty or not UTF-8");
		return -1;
	}
	if (c->nlex == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		c->lex = g_renew(struct pd_lexeme, c->lex, l->cap);
	}
	char *nf8 = g_utf8_normalize(f[2], -1, G_NORMALIZE_NFKC);
	char *low = g_utf8_strdown(nf8, -1);
	g_free(nf8);
	c->lex[c->nlex].category = cat;
	c->lex[c->nlex].phrase = low;
	c->lex[c->nlex].len = strlen(low);
	c->nlex++;
	return 0;
}

struct list_load {
	char ***items;
	unsigned *n, cap;
};

static int list_line(void *ud, unsigned line, char **f, unsigned nf, char *eb, size_t el)
{
	struct list_load *l = ud;
	if (*l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		*l->items = g_renew(char *, *l->items, l->cap);
	}
	(*l->items)[(*l->n)++] = g_ascii_strdown(f[0], -1);
	return 0;
}

static int set_line(void *ud, unsigned line, char **f, unsigned nf, char *eb, size_t el)
{
	GHashTable *h = ud;
	char *d = g_ascii_strdown(f[0], -1);
	g_hash_table_add(h, d);
	return 0;
}

static int ext_line(void *ud, unsigned line, char **f, unsigned nf, char *eb, size_t el)
{
	GHashTable *h = ud;
	static const char *const kinds[] = { "executable", "html", "macro", "archive", "document" };
	if (nf != 2) {
		snprintf(eb, el, "expected KIND<TAB>EXTENSION");
		return -1;
	}
	for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
		if (strcmp(f[0], kinds[k]) == 0) {
			const char *e = f[1][0] == '.' ? f[1] + 1 : f[1];
			g_hash_table_insert(h, g_ascii_strdown(e, -1), (gpointer)kinds[k]);
			return 0;
		}
	snprintf(eb, el, "unknown kind '%s' (executable, html, macro, archive, document)", f[0]);
	return -1;
}

static int load(struct pd_ctx *c, const char *rel, int optional, pd_datafile_fn fn, void *ud, char **err)
{
	char *p = g_build_filename(c->data_dir, rel, NULL);
	char *e = NULL;
	int rc = pd_datafile_read(p, optional, fn, ud, &e);
	g_free(p);
	if (rc < 0) {
		*err = e;
		return -1;
	}
	return rc;
}

static int parse_trusted(struct pd_ctx *c, const char *const *t, char **err)
{
	unsigned n = 0;
	while (t && t[n])
		n++;
	c->trusted_hosts = g_new0(char *, n + 1);
	c->trusted_nets = g_new0(struct pd_cidr, n + 1);
	for (unsigned i = 0; i < n; i++) {
		const char *s = t[i];
		const char *slash = strchr(s, '/');
		unsigned char ip[16];
		size_t alen = slash ? (size_t)(slash - s) : strlen(s);
		int fam = pd_ip_parse(s, alen, ip);
		if (fam) {
			unsigned max = fam == 4 ? 32 : 128, bits = max;
			if (slash) {
				char *end;
				errno = 0;
				unsigned long b = strtoul(slash + 1, &end, 10);
				if (errno || *end || end == slash + 1 || b > max) {
					*err = g_strdup_printf("trusted relay '%s': bad prefix length", s);
					return -1;
				}
				bits = (unsigned)b;
			}
			struct pd_cidr *cd = &c->trusted_nets[c->ntrusted_nets++];
			cd->family = fam;
			memcpy(cd->net, ip, 16);
			cd->bits = bits;
		} else if (!slash && pd_looks_like_hostname(s, strlen(s))) {
			c->trusted_hosts[c->ntrusted_hosts++] = g_ascii_strdown(s, -1);
		} else {
			*err = g_strdup_printf("trusted relay '%s' is neither a host name nor an IP/CIDR", s);
			return -1;
		}
	}
	return 0;
}

struct pd_ctx *pd_ctx_new(const struct pd_options *opt, char **errp)
{
	struct pd_options defaults = PD_OPTIONS_INIT;
	struct pd_ctx *c = g_new0(struct pd_ctx, 1);
	char *err = NULL;
	c->opt = opt ? *opt : defaults;
	c->opt.trusted_relays = NULL;
	c->data_dir = find_data_dir(opt ? opt->data_dir : NULL, &err);
	if (!c->data_dir)
		goto fail;
	for (int i = 0; i < PD_F_COUNT; i++)
		c->weight[i] = pd_catalog[i].weight;
	for (int g = 0; g < PD_G_COUNT; g++)
		c->group_cap[g] = 1e9;
	c->thr_suspicious = 4;
	c->thr_phishing = 8;
	if (load(c, "weights.conf", 0, weights_line, c, &err) < 0)
		goto fail;
	struct rdns_load rl = { c, 0 };
	if (load(c, "rdns.txt", 0, rdns_line, &rl, &err) < 0)
		goto fail;
	struct lex_load ll = { c, 0 };
	if (load(c, "lexicon/lure.txt", 0, lex_line, &ll, &err) < 0)
		goto fail;
	struct list_load cl = { &c->cms_paths, &c->ncms, 0 };
	if (load(c, "cms-paths.txt", 0, list_line, &cl, &err) < 0)
		goto fail;
	struct list_load sl = { &c->sub_words, &c->nsub, 0 };
	if (load(c, "lexicon/subscription-links.txt", 0, list_line, &sl, &err) < 0)
		goto fail;
	struct list_load fl = { &c->fin_words, &c->nfin, 0 };
	if (load(c, "financial-words.txt", 0, list_line, &fl, &err) < 0)
		goto fail;
	c->attach_ext = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	if (load(c, "attachments.txt", 0, ext_line, c->attach_ext, &err) < 0)
		goto fail;
	/* free-mail: the maintained list fetched by scripts/fetch-data, plus a
	 * short reviewed supplement of Japanese carrier and free-mail domains */
	GHashTable *fm = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	int rc = load(c, "fetched/freemail/free.txt", 1, set_line, fm, &err);
	if (rc < 0) {
		g_hash_table_destroy(fm);
		goto fail;
	}
	if (rc == 0) {
		c->freemail_source = "npm freemail (fetched/freemail/free.txt) + freemail-extra.txt";
		if (load(c, "freemail-extra.txt", 0, set_line, fm, &err) < 0) {
			g_hash_table_destroy(fm);
			goto fail;
		}
		c->freemail = fm;
	} else {
		g_hash_table_destroy(fm);
	}
	if (opt && parse_trusted(c, opt->trusted_relays, &err) < 0)
		goto fail;
	if (!c->trusted_hosts) {
		c->trusted_hosts = g_new0(char *, 1);
		c->trusted_nets = g_new0(struct pd_cidr, 1);
	}
	c->authserv_id = opt && opt->authserv_id ? g_ascii_strdown(opt->authserv_id, -1) : NULL;
	if (pd_intel_load(&c->intel, c->data_dir, opt, &err) < 0)
		goto fail;
	c->psl = pd_psl_load(&c->psl_source);
	if (pd_linkdata_load(c->data_dir, &c->links, &err) < 0)
		goto fail;
	if (pd_brands_load(c, &err) < 0) /* data/brands.txt, --known-services, lexicon matcher */
		goto fail;
	return c;
fail:
	if (errp)
		*errp = err ? strdup(err) : strdup("cannot build context");
	g_free(err);
	pd_ctx_free(c);
	return NULL;
}

void pd_ctx_free(struct pd_ctx *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < c->nrdns; i++) {
		g_regex_unref(c->rdns[i].re);
		g_free((char *)c->rdns[i].kind);
		g_free((char *)c->rdns[i].label);
	}
	g_free(c->rdns);
	for (unsigned i = 0; i < c->nlex; i++)
		g_free((char *)c->lex[i].phrase);
	g_free(c->lex);
	for (unsigned i = 0; i < c->ncms; i++)
		g_free(c->cms_paths[i]);
	g_free(c->cms_paths);
	for (unsigned i = 0; i < c->nsub; i++)
		g_free(c->sub_words[i]);
	g_free(c->sub_words);
	for (unsigned i = 0; i < c->nfin; i++)
		g_free(c->fin_words[i]);
	g_free(c->fin_words);
	if (c->freemail)
		g_hash_table_destroy(c->freemail);
	if (c->attach_ext)
		g_hash_table_destroy(c->attach_ext);
	if (c->trusted_hosts)
		for (unsigned i = 0; i < c->ntrusted_hosts; i++)
			g_free(c->trusted_hosts[i]);
	g_free(c->trusted_hosts);
	g_free(c->trusted_nets);
	g_free(c->authserv_id);
	pd_intel_free(&c->intel);
	pd_linkdata_free(c->links);
	pd_brands_free(c->brands);
	pd_ac_free(c->lex_ac);
	if (c->psl)
		pd_psl_free(c->psl);
	g_free(c->data_dir);
	g_free(c);
}

const char *pd_ctx_data_dir(const struct pd_ctx *ctx)
{
	return ctx->data_dir;
}

void pd_global_init(void)
{
	g_mime_init();
}

void pd_global_shutdown(void)
{
	g_mime_shutdown();
}
