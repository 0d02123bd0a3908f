/* intel.c - load the offline intelligence data into the context and put
 * the IP facts (AS number, organisation, country, approximate city) on
 * every Received hop and every IP-literal link of a message.
 *
 * Data: DATA_DIR/fetched/ipdb (scripts/fetch-data; net/ipdb.h),
 * DATA_DIR/hosting-asns.txt (reviewed: ASN <TAB> LABEL [<TAB> mail
 * domains]), and the feeds configuration the user names (net/feeds.h).
 * Limits: hops and links are already bounded by struct pd_limits; one
 * binary search and up to three MaxMind DB lookups per address.
 */
#include "net/intel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "data/datafile.h"
#include "mail/received.h"

static void hosting_free(gpointer p)
{
	struct pd_hosting_asn *h = p;
	g_free(h->label);
	g_strfreev(h->mail_domains);
	g_free(h);
}

static int hosting_line(void *ud, unsigned line, char **f, unsigned nf, char *eb, size_t el)
{
	GHashTable *t = ud;
	if (nf < 2 || nf > 3) {
		snprintf(eb, el, "expected ASN<TAB>LABEL[<TAB>MAIL-DOMAINS], got %u fields", nf);
		return -1;
	}
	const char *s = f[0];
	if ((s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's'))
		s += 2;
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v == 0 || v > 0xFFFFFFFFul) {
		snprintf(eb, el, "'%s' is not an AS number", f[0]);
		return -1;
	}
	if (g_hash_table_contains(t, GUINT_TO_POINTER((unsigned)v))) {
		snprintf(eb, el, "AS%lu is listed twice", v);
		return -1;
	}
	struct pd_hosting_asn *h = g_new0(struct pd_hosting_asn, 1);
	h->asn = (uint32_t)v;
	h->label = g_strdup(f[1]);
	h->mail_domains = nf == 3 ? g_strsplit(f[2], ",", 32) : g_new0(char *, 1);
	for (unsigned i = 0; h->mail_domains[i]; i++) {
		g_strstrip(h->mail_domains[i]);
		char *low = g_ascii_strdown(h->mail_domains[i], -1);
		g_free(h->mail_domains[i]);
		h->mail_domains[i] = low;
	}
	g_hash_table_insert(t, GUINT_TO_POINTER(h->asn), h);
	return 0;
}

int pd_intel_load(struct pd_intel *in, const char *data_dir, const struct pd_options *opt, char **err)
{
	memset(in, 0, sizeof *in);
	in->hosting = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, hosting_free);
	char *p = g_build_filename(data_dir, "hosting-asns.txt", NULL);
	int rc = pd_datafile_read(p, 0, hosting_line, in->hosting, err);
	g_free(p);
	if (rc < 0)
		return -1;
	const char *dir = opt ? opt->ipdb_dir : NULL;
	char *own = NULL;
	if (!dir)
		dir = own = g_build_filename(data_dir, "fetched", "ipdb", NULL);
	rc = *dir ? pd_ipdb_open(dir, &in->ipdb, err) : 1;
	g_free(own);
	if (rc < 0)
		return -1;
	in->ipdb_source = g_strdup(in->ipdb ? pd_ipdb_source(in->ipdb) : "not installed");
	if (opt && opt->feeds_conf && pd_feeds_load(opt->feeds_conf, &in->feeds, err) < 0)
		return -1;
	return 0;
}

void pd_intel_free(struct pd_intel *in)
{
	if (in->hosting)
		g_hash_table_destroy(in->hosting);
	pd_ipdb_free(in->ipdb);
	pd_feeds_free(in->feeds);
	g_free(in->ipdb_source);
	memset(in, 0, sizeof *in);
}

const struct pd_hosting_asn *pd_intel_hosting(const struct pd_intel *in, uint32_t asn)
{
	return in->hosting && asn ? g_hash_table_lookup(in->hosting, GUINT_TO_POINTER(asn)) : NULL;
}

void pd_intel_annotate(const struct pd_ctx *ctx, struct pd_msg *m)
{
	const struct pd_ipdb *db = ctx->intel.ipdb;
	for (unsigned i = 0; i < m->nhops; i++) {
		struct pd_hop *h = &m->hops[i];
		h->asn = 0;
		h->as_org = h->country = h->city = "";
		struct pd_ipinfo ii;
		if (!db || !h->ip_family || (h->flags & PD_HOP_IP_PRIVATE) ||
		    !pd_ipdb_lookup(db, m->arena, h->ip_family, h->ip_bytes, &ii))
			continue;
		h->asn = ii.asn;
		h->as_org = ii.org;
		h->country = pd_arena_strdup(m->arena, ii.country);
		h->city = ii.city;
	}
	for (unsigned i = 0; i < m->nurls; i++) {
		struct pd_url *u = &m->urls[i];
		u->ip_asn = 0;
		u->ip_org = u->ip_country = u->ip_city = "";
		unsigned char ip[16];
		struct pd_ipinfo ii;
		if (!db || !u->host_is_ip)
			continue;
		int fam = pd_ip_parse(u->host, strlen(u->host), ip);
		if (!fam || pd_ip_is_private(fam, ip) || !pd_ipdb_lookup(db, m->arena, fam, ip, &ii))
			continue;
		u->ip_asn = ii.asn;
		u->ip_org = ii.org;
		u->ip_country = pd_arena_strdup(m->arena, ii.country);
		u->ip_city = ii.city;
	}
}
