/* intel-bench.c - load time and lookup rate of the threat feeds and the
 * IP database (the numbers in docs/FEEDS.md).
 *
 *   build/bench/pd-intel-bench [--feeds CONF | --jpcert DIR] [--ip-data DIR] [N]
 *
 * Feeds: loads the configuration (or the JPCERT/CC CSV folder as one
 * feed), then matches N URLs: every tenth one listed (taken from the
 * feed's own files is not possible through the API, so listed URLs are
 * read back from the first CSV file), the rest made-up example.net URLs.
 * IP database: N lookups of pseudo-random IPv4 and IPv6 addresses.
 * Single-threaded; wall-clock time; prints loads in ms and lookups/s.
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "net/domain.h"
#include "net/feeds.h"
#include "net/ipdb.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A few listed URLs to look up: the second field of lines of the first
 * .csv file under dir (JPCERT layout), at most max. */
static GPtrArray *sample_urls(const char *dir, unsigned max)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	if (!dir)
		return out;
	char *first = NULL;
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *y;
	while (d && (y = g_dir_read_name(d)) != NULL && !first) {
		char *sub = g_build_filename(dir, y, NULL);
		GDir *d2 = g_dir_open(sub, 0, NULL);
		const char *f;
		while (d2 && (f = g_dir_read_name(d2)) != NULL && !first)
			if (g_str_has_suffix(f, ".csv"))
				first = g_build_filename(sub, f, NULL);
		if (d2)
			g_dir_close(d2);
		g_free(sub);
	}
	if (d)
		g_dir_close(d);
	gchar *buf = NULL;
	if (first && g_file_get_contents(first, &buf, NULL, NULL)) {
		gchar **lines = g_strsplit(buf, "\n", -1);
		for (unsigned i = 1; lines[i] && out->len < max; i++) {
			gchar **f = g_strsplit(lines[i], ",", 3);
			if (f[0] && f[1] && g_str_has_prefix(f[1], "http"))
				g_ptr_array_add(out, g_strdup(f[1]));
			g_strfreev(f);
		}
		g_strfreev(lines);
	}
	g_free(buf);
	g_free(first);
	return out;
}

int main(int argc, char **argv)
{
	const char *conf = NULL, *jpcert = NULL, *ipdir = NULL;
	unsigned n = 200000;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--feeds") == 0 && i + 1 < argc)
			conf = argv[++i];
		else if (strcmp(argv[i], "--jpcert") == 0 && i + 1 < argc)
			jpcert = argv[++i];
		else if (strcmp(argv[i], "--ip-data") == 0 && i + 1 < argc)
			ipdir = argv[++i];
		else if (argv[i][0] >= '1' && argv[i][0] <= '9')
			n = (unsigned)strtoul(argv[i], NULL, 10);
		else {
			fprintf(stderr, "usage: %s [--feeds CONF | --jpcert DIR] [--ip-data DIR] [N]\n", argv[0]);
			return 64;
		}
	}
	char *tmpconf = NULL;
	if (jpcert && !conf) {
		tmpconf = g_build_filename(g_get_tmp_dir(), "pd-intel-bench.conf", NULL);
		char *text = g_strdup_printf("jpcert\tjpcert\t%s\n", jpcert);
		g_file_set_contents(tmpconf, text, -1, NULL);
		g_free(text);
		conf = tmpconf;
	}
	struct pd_arena *a = pd_arena_new(0);
	if (conf) {
		double t0 = now();
		struct pd_feeds *f = NULL;
		char *err = NULL;
		if (pd_feeds_load(conf, &f, &err) < 0) {
			fprintf(stderr, "feeds: %s\n", err);
			return 78;
		}
		double t1 = now();
		printf("feeds: %s\n  loaded in %.0f ms\n", pd_feeds_summary(f), (t1 - t0) * 1e3);
		GPtrArray *listed = sample_urls(jpcert, 1000);
		const struct psl_ctx_st *psl = pd_psl_load(NULL);
		unsigned hits = 0;
		double t2 = now();
		for (unsigned i = 0; i < n; i++) {
			const char *url = listed->len && i % 10 == 0
			                      ? listed->pdata[(i / 10) % listed->len]
			                      : pd_arena_printf(a, "https://www%u.example.net/path/%u/login.php?id=%u", i % 5000, i, i);
			struct pd_url_parts up;
			pd_url_split(a, url, strlen(url), &up);
			const char *host = pd_host_normalize(a, up.host, strlen(up.host), NULL);
			struct pd_feed_query q = { url, host, pd_domain_registrable(a, psl, host), 0, NULL };
			struct pd_feed_hit hit;
			if (pd_feeds_match(f, a, &q, &hit) == 1)
				hits++;
			if ((i & 1023) == 1023)
				pd_arena_reset(a);
		}
		double t3 = now();
		printf("  %u URL lookups (URL split, IDN, PSL and match), %u listed: %.2f us each, %.0f lookups/s\n", n,
		       hits, (t3 - t2) * 1e6 / n, n / (t3 - t2));
		pd_psl_free(psl);
		g_ptr_array_free(listed, TRUE);
		pd_feeds_free(f);
	}
	if (ipdir) {
		double t0 = now();
		struct pd_ipdb *db = NULL;
		char *err = NULL;
		if (pd_ipdb_open(ipdir, &db, &err) != 0) {
			fprintf(stderr, "ipdb: %s\n", err ? err : "not installed");
			return 78;
		}
		double t1 = now();
		unsigned n4, n6;
		pd_ipdb_counts(db, &n4, &n6);
		printf("ip data: %s\n  %u IPv4 + %u IPv6 AS ranges, opened in %.1f ms\n", pd_ipdb_source(db), n4, n6,
		       (t1 - t0) * 1e3);
		uint64_t x = 88172645463325252ull;
		unsigned found = 0;
		double t2 = now();
		for (unsigned i = 0; i < n; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			unsigned char ip[16] = { 0 };
			int fam = (i & 3) == 3 ? 6 : 4;
			if (fam == 4) {
				memcpy(ip, &x, 4);
			} else {
				ip[0] = 0x20;
				ip[1] = 0x01 + (unsigned char)(x & 3);
				memcpy(ip + 2, &x, 8);
			}
			struct pd_ipinfo ii;
			if (pd_ipdb_lookup(db, a, fam, ip, &ii))
				found++;
			if ((i & 1023) == 1023)
				pd_arena_reset(a);
		}
		double t3 = now();
		printf("  %u lookups (AS + country + city), %u found: %.2f us each, %.0f lookups/s\n", n, found,
		       (t3 - t2) * 1e6 / n, n / (t3 - t2));
		pd_ipdb_free(db);
	}
	pd_arena_free(a);
	if (tmpconf) {
		remove(tmpconf);
		g_free(tmpconf);
	}
	return 0;
}
