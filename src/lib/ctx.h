/* ctx.h - the long-lived, read-only analysis context (internal).
 * Built once by pd_ctx_new(); shared by all threads without locking:
 * nothing in it is modified after construction. */
#ifndef PD_CTX_H
#define PD_CTX_H

#include <glib.h>

#include "phishdissect/pd.h"
#include "net/intel.h"
#include "report/report.h"

struct pd_linkdata;
struct pd_brands;
struct pd_ac;

struct pd_rdns_rule {
	GRegex *re;
	const char *kind;       /* "cloud", "dynamic", "webmail", ... */
	const char *label;      /* "Amazon EC2", ... */
};

struct pd_lexeme {
	const char *category;   /* "urgency", "credentials", ... */
	const char *phrase;     /* NFKC, lower-cased */
	size_t len;
};

struct pd_cidr {
	int family;
	unsigned char net[16];
	unsigned bits;
};

struct pd_ctx {
	struct pd_options opt;
	char *data_dir;
	const struct psl_ctx_st *psl;
	const char *psl_source;
	double weight[PD_F_COUNT];
	double group_cap[PD_G_COUNT];
	double thr_suspicious, thr_phishing;
	struct pd_rdns_rule *rdns;
	unsigned nrdns;
	GHashTable *freemail;   /* set of lower-case domains, NULL if not installed */
	const char *freemail_source;
	struct pd_lexeme *lex;
	unsigned nlex;
	char **cms_paths;       /* lower-case path fragments */
	unsigned ncms;
	char **sub_words;       /* subscription-management link words */
	unsigned nsub;
	char **fin_words;       /* financial-words.txt: words, "!" excluded words */
	unsigned nfin;
	GHashTable *attach_ext;  /* lower-case extension without dot -> kind */
	char **trusted_hosts;   /* lower-case host names / domains */
	unsigned ntrusted_hosts;
	struct pd_cidr *trusted_nets;
	unsigned ntrusted_nets;
	char *authserv_id;
	struct pd_linkdata *links; /* link-forensics lists (net/linkdata.h) */
	struct pd_intel intel;  /* IP databases, threat feeds, hosting ASNs (net/intel.h) */
	struct pd_brands *brands; /* brand table, alias/token matchers, known services (data/brands.h) */
	struct pd_ac *lex_ac;   /* lure phrases, folded (base/fold.h); id = index in lex */
};

#endif
