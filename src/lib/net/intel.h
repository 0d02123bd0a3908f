/* intel.h - the offline intelligence part of the analysis context: the
 * IP database (net/ipdb.h), the threat feeds (net/feeds.h) and the list
 * of hosting networks (data/hosting-asns.txt).  Loaded once by
 * pd_ctx_new(), read-only afterwards. */
#ifndef PD_INTEL_H
#define PD_INTEL_H

#include <glib.h>
#include <stdint.h>

#include "mail/model.h"
#include "net/feeds.h"
#include "net/ipdb.h"
#include "phishdissect/pd.h"

struct pd_ctx;

/* One line of data/hosting-asns.txt. */
struct pd_hosting_asn {
	uint32_t asn;
	char *label;            /* "Amazon AWS" */
	char **mail_domains;    /* NULL-terminated: the provider's own mail service, whose hosts are not "rented servers" */
};

struct pd_intel {
	struct pd_ipdb *ipdb;   /* NULL if not installed */
	char *ipdb_source;      /* "not installed" or what pd_ipdb_source says */
	struct pd_feeds *feeds; /* NULL if no feeds configured */
	GHashTable *hosting;    /* GUINT_TO_POINTER(asn) -> struct pd_hosting_asn * */
};

/* Load everything: IP databases from opt->ipdb_dir (NULL: DATA_DIR/fetched/ipdb,
 * "" disables), feeds from opt->feeds_conf (NULL: none), hosting ASNs from
 * DATA_DIR/hosting-asns.txt.  0 or -1 with *err (g_malloc'd). */
int pd_intel_load(struct pd_intel *in, const char *data_dir, const struct pd_options *opt, char **err);
void pd_intel_free(struct pd_intel *in);

/* The hosting-network entry for asn, or NULL. */
const struct pd_hosting_asn *pd_intel_hosting(const struct pd_intel *in, uint32_t asn);

/* Fill the IP facts of every hop and every IP-literal link of m (strings
 * in m's arena; "" / 0 when unknown).  Called once per message before
 * the analyzers run. */
void pd_intel_annotate(const struct pd_ctx *ctx, struct pd_msg *m);

#endif
