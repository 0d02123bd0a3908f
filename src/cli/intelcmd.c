/* intelcmd.c - the "update-data" and "feeds" subcommands of phishdissect.
 *
 *   phishdissect update-data [--data-dir DIR] [--latest]
 *       runs scripts/fetch-data (installed copy first, else the source
 *       tree's) into the data directory: free-mail list, IP databases.
 *   phishdissect feeds [--feeds FILE] [--data-dir DIR]
 *       loads the feed configuration (docs/FEEDS.md) and prints every
 *       feed with its entries, skipped lines (file:line: reason) and the
 *       load time; exit 78 when the configuration cannot be used.
 * Arguments are few and bounded; the library does the loading.
 */
#include "intelcmd.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctx.h"
#include "net/feeds.h"
#include "phishdissect/pd.h"
#include "pd-config.h"

static bool has_weights(const char *d)
{
	char *p = g_build_filename(d, "weights.conf", NULL);
	bool ok = access(p, R_OK) == 0;
	g_free(p);
	return ok;
}

int pd_cmd_update_data(int argc, char **argv)
{
	const char *dir = NULL;
	bool latest = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--data-dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strncmp(argv[i], "--data-dir=", 11) == 0)
			dir = argv[i] + 11;
		else if (strcmp(argv[i], "--latest") == 0)
			latest = true;
		else {
			fprintf(stderr, "phishdissect update-data: unknown argument '%.64s'\n"
			                "usage: phishdissect update-data [--data-dir DIR] [--latest]\n", argv[i]);
			return 64;
		}
	}
	if (!dir) {
		const char *env = getenv("PHISHDISSECT_DATA");
		dir = env && *env ? env : has_weights(PD_DATADIR_SOURCE) ? PD_DATADIR_SOURCE : PD_DATADIR_INSTALLED;
	}
	const char *script = access(PD_FETCH_SCRIPT_INSTALLED, X_OK) == 0 ? PD_FETCH_SCRIPT_INSTALLED
	                                                                   : PD_FETCH_SCRIPT_SOURCE;
	if (access(script, X_OK) != 0) {
		fprintf(stderr, "phishdissect update-data: fetch script not found (%s)\n", script);
		return 78;
	}
	if (latest)
		setenv("PD_FETCH_LATEST", "1", 1);
	fprintf(stderr, "phishdissect update-data: %s %s\n", script, dir);
	fflush(stderr);
	execl(script, script, dir, (char *)NULL);
	perror("phishdissect update-data: cannot run the fetch script");
	return 70;
}

int pd_cmd_feeds(int argc, char **argv)
{
	const char *conf = getenv("PHISHDISSECT_FEEDS");
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--feeds") == 0 && i + 1 < argc)
			conf = argv[++i];
		else if (strncmp(argv[i], "--feeds=", 8) == 0)
			conf = argv[i] + 8;
		else if (strcmp(argv[i], "list") == 0 || strcmp(argv[i], "check") == 0)
			continue;
		else {
			fprintf(stderr, "phishdissect feeds: unknown argument '%.64s'\n"
			                "usage: phishdissect feeds [list] [--feeds FILE]\n", argv[i]);
			return 64;
		}
	}
	if (!conf || !*conf) {
		fputs("phishdissect feeds: no feed configuration: give --feeds FILE or set PHISHDISSECT_FEEDS\n"
		      "(format: docs/FEEDS.md)\n", stderr);
		return 64;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct pd_feeds *f = NULL;
	char *err = NULL;
	if (pd_feeds_load(conf, &f, &err) < 0) {
		fprintf(stderr, "phishdissect feeds: %s\n", err ? err : "cannot load");
		g_free(err);
		return 78;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	printf("%s: %u feeds loaded in %.0f ms\n", conf, pd_feeds_count(f), ms);
	for (unsigned i = 0; i < pd_feeds_count(f); i++) {
		struct pd_feed_info fi;
		pd_feeds_info(f, i, &fi);
		printf("  %-16s %-14s %s %u files, %u entries, %u lines skipped\n      %s\n", fi.name, fi.format,
		       fi.allow ? "allow" : "block", fi.files, fi.entries, fi.skipped, fi.path);
		for (unsigned k = 0; k < fi.nerrors; k++)
			printf("      skipped %s\n", fi.errors[k]);
		if (fi.skipped > fi.nerrors)
			printf("      ... and %u more\n", fi.skipped - fi.nerrors);
	}
	pd_feeds_free(f);
	return fflush(stdout) == 0 ? 0 : 74;
}
