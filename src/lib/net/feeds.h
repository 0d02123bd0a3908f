/* feeds.h - offline threat-intelligence feeds: block lists and allow
 * lists of URLs, hosts, domains, IPs and networks, compiled once per
 * process into hash indexes, then matched against links and addresses.
 *
 * A feeds configuration file lists the feed files (docs/FEEDS.md):
 *     NAME <TAB> FORMAT <TAB> PATH [<TAB> allow]
 * FORMAT: openphish, phishtank-csv, phishtank-json, urlhaus, jpcert, list.
 * PATH may be a directory (every *.csv / *.txt / *.json file in it and in
 * its subdirectories, in name order); relative paths are taken from the
 * configuration file's folder.  A bad line in a feed never stops the load:
 * it is counted and reported as "file:line: reason"; a bad configuration
 * line is an error.
 */
#ifndef PD_FEEDS_H
#define PD_FEEDS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"

struct pd_feeds;

enum pd_feed_how { PD_FEED_URL, PD_FEED_URL_PREFIX, PD_FEED_HOST, PD_FEED_DOMAIN, PD_FEED_IP, PD_FEED_NET };

struct pd_feed_hit {
	const char *feed;       /* feed name from the configuration */
	const char *entry;      /* the entry as the feed lists it */
	const char *date;       /* the entry's date, else the feed file's date ("file date"), or "" */
	const char *note;       /* description / target / threat, or "" */
	enum pd_feed_how how;
};

/* What to look up: a URL (with its lower-case A-label host and registrable
 * domain, as the message model has them) and/or an IP address. */
struct pd_feed_query {
	const char *url;        /* NULL: no URL */
	const char *host;       /* NULL/"" if none */
	const char *domain;     /* registrable domain, NULL/"" if none */
	int family;             /* 0, 4, 6: the host or address as an IP */
	const unsigned char *ip;
};

/* Load the feeds the configuration file lists.  0 ok; -1 with *err
 * (g_malloc'd, "conf:line: reason" or "file: reason") when the
 * configuration or a feed file cannot be used at all. */
int pd_feeds_load(const char *conf, struct pd_feeds **out, char **err);
void pd_feeds_free(struct pd_feeds *f);

/* Match q.  Returns 1 and fills *hit for a block-list hit that no allow
 * list covers, 2 when an allow list covers it (*hit is the allow entry),
 * 0 when nothing matches.  Strings in *hit are borrowed from f.  The
 * arena is scratch space for normalising the URL. */
int pd_feeds_match(const struct pd_feeds *f, struct pd_arena *a, const struct pd_feed_query *q,
                   struct pd_feed_hit *hit);

const char *pd_feed_how_name(enum pd_feed_how how);

/* One-line summary ("jpcert 257935 entries, 9 lines skipped; ...") and
 * per-feed details for "phishdissect feeds". */
const char *pd_feeds_summary(const struct pd_feeds *f);
unsigned pd_feeds_count(const struct pd_feeds *f);
struct pd_feed_info {
	const char *name, *format, *path;
	bool allow;
	unsigned files, entries, skipped;
	const char *const *errors; /* the first skipped lines, "file:line: reason" */
	unsigned nerrors;
};
void pd_feeds_info(const struct pd_feeds *f, unsigned i, struct pd_feed_info *out);

/* The normalised form used for URL matching, in a (NULL if not a URL):
 * lower-case scheme and host (IDN as A-labels), no user info, no default
 * port, no fragment, path "/" when empty. */
const char *pd_feed_url_normalize(struct pd_arena *a, const char *url, size_t n);

#endif
