/* ipdb.h - offline IP intelligence: IP address -> AS number, network
 * organisation, country and (approximate) city, for IPv4 and IPv6.
 *
 * The databases live in one directory (by default DATA_DIR/fetched/ipdb,
 * installed by scripts/fetch-data; never committed):
 *   asn.bin          ranges -> AS number + organisation, built by
 *                    scripts/ipdb-compile from @ip-location-db/asn
 *   country.mmdb     MaxMind DB with "country_code" (geo-whois-asn-country)
 *   city-ipv4.mmdb   MaxMind DB with "country_code", "city" (GeoLite2 city,
 *   city-ipv6.mmdb   optional: shown as approximate)
 *   SOURCE           "name: text" lines naming each database and its date
 * Every part is optional; the lookup fills what it has.  The database is
 * loaded once (asn.bin is read whole and checked; the mmdb files are
 * mmapped) and is read-only afterwards, so lookups are thread-safe.
 */
#ifndef PD_IPDB_H
#define PD_IPDB_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"

struct pd_ipdb;

struct pd_ipinfo {
	uint32_t asn;           /* 0 = unknown */
	const char *org;        /* AS organisation, "" if unknown (borrowed from the db) */
	char country[3];        /* ISO 3166-1 alpha-2, "" if unknown */
	const char *city;       /* approximate city, "" if unknown (arena) */
};

/* Open the databases in dir.  Returns 0 (*out set), 1 if dir holds none
 * of them (*out NULL: not installed), or -1 with *err (g_malloc'd) naming
 * the broken file and why. */
int pd_ipdb_open(const char *dir, struct pd_ipdb **out, char **err);
void pd_ipdb_free(struct pd_ipdb *db);

/* Look an address up (family 4 or 6, bytes in network order, v4 in the
 * first 4).  Fills *out (fields "" / 0 when unknown; city copied into a
 * when present) and returns true if anything was found.  db may be NULL. */
bool pd_ipdb_lookup(const struct pd_ipdb *db, struct pd_arena *a, int family,
                    const unsigned char ip[16], struct pd_ipinfo *out);

/* Which databases are loaded, their source and date (borrowed). */
const char *pd_ipdb_source(const struct pd_ipdb *db);
/* Numbers of IPv4 and IPv6 ranges in the AS table. */
void pd_ipdb_counts(const struct pd_ipdb *db, unsigned *n4, unsigned *n6);

#endif
