/* brands.h - the brand table (data/brands.txt), the organisation's own
 * list of services it uses (--known-services), and the compiled matchers
 * for brand aliases and lure phrases.  All of it is built once by
 * pd_ctx_new and read-only afterwards (shared by threads). */
#ifndef PD_BRANDS_H
#define PD_BRANDS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"

struct pd_ctx;
struct pd_ac;

/* What a host is to a brand (bit mask). */
enum pd_brand_host {
	PD_BH_DOMAIN = 1u << 0,   /* official domain */
	PD_BH_MAILBOX = 1u << 1,  /* customer mailboxes */
	PD_BH_OWNED = 1u << 2,    /* owned, open to anyone's content */
	PD_BH_SENDS = 1u << 3,    /* mail service the brand sends through */
};

struct pd_brand {
	const char *id, *name, *name_ja, *sector;
	char **domains;         /* as listed (registrable or host names) */
	unsigned ndomains;
	char **asns;
	unsigned nasns;
	char **tokens;          /* look-alike tokens (lower case, a-z 0-9 -) */
	unsigned ntokens;
	/* --known-services: the organisation uses this brand ... */
	bool known;
	/* ... and these (lower-case) addresses of ours are what it knows */
	char **known_addrs;
	unsigned nknown_addrs;
};

enum pd_alias_kind { PD_ALIAS_NAME = 0, PD_ALIAS_SHORT };

struct pd_alias {
	unsigned brand;
	enum pd_alias_kind kind;
	const char *text;       /* as written in brands.txt */
	size_t flen;            /* length of the folded form */
	bool ascii_start, ascii_end; /* folded form starts / ends with an ASCII letter or digit */
};

struct pd_brands {
	struct pd_brand *b;
	unsigned n;
	struct pd_alias *alias;
	unsigned nalias;
	struct pd_ac *alias_ac;   /* folded aliases, id = index in alias[] */
	struct pd_ac *token_ac;   /* look-alike tokens, id = brand << 8 | token length */
	struct _GHashTable *hosts;/* host/domain -> packed (brand, kind) list */
	bool known_loaded;        /* a --known-services file was given */
	const char *known_source;
};

/* Load data/brands.txt (and opt->known_services when set) into ctx->brands
 * and compile the lure lexicon matcher (ctx->lex_ac).  Returns 0, or -1
 * with *err (g_malloc'd "file:line: reason"). */
int pd_brands_load(struct pd_ctx *ctx, char **err);
void pd_brands_free(struct pd_brands *bs);

/* Bits of enum pd_brand_host that host (lower-case) has for brand i:
 * the host or one of its parent domains is listed. */
unsigned pd_brands_host_kinds(const struct pd_brands *bs, const char *host, unsigned brand);
/* Is host (or a parent) listed for any brand, any kind? */
bool pd_brands_host_listed(const struct pd_brands *bs, const char *host);
/* Up to max brands for which host is an official domain (PD_BH_DOMAIN and
 * not a customer mailbox); returns how many. */
unsigned pd_brands_of_host(const struct pd_brands *bs, const char *host, unsigned *out, unsigned max);
/* A host that is no brand's but carries a brand's look-alike token:
 * returns the brand index (and the token in *tok, arena copy) or -1. */
int pd_brands_lookalike(const struct pd_brands *bs, struct pd_arena *a, const char *host, const char **tok);
/* Does the token at h[s..e) of host h[0..n) stand as a name: a dot,
 * hyphen or digit (or the end) on both sides; with both false, a token
 * of 6+ characters needs only one such edge.  The rule pd_brands_lookalike
 * applies, shared by the link and brand analyzers. */
bool pd_brands_token_edged(const char *h, size_t n, size_t s, size_t e, bool both);
/* Brand index by id, or -1. */
int pd_brands_find(const struct pd_brands *bs, const char *id);

#endif
