/* fuzz_feeds.c - the threat-feed loaders (net/feeds.h): byte 0 picks the
 * feed format (and allow/block), the rest is written to a feed file that a
 * one-line configuration names; the loaded feeds are then matched.  A bad
 * feed line must be skipped and reported, never fatal or a crash. */
#include <glib.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "base/arena.h"
#include "net/feeds.h"

static char dir[64], conf[96], feed[96];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%.40s/pd-fuzz-feeds-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		abort();
	snprintf(conf, sizeof conf, "%s/feeds.conf", dir);
	snprintf(feed, sizeof feed, "%s/feed.txt", dir);
	return 0;
}

static const char *const formats[] = { "openphish", "phishtank-csv", "phishtank-json",
	"urlhaus", "jpcert", "list" };

static void write_file(const char *p, const void *d, size_t n)
{
	FILE *f = fopen(p, "wb");
	if (!f)
		abort();
	if (n && fwrite(d, 1, n, f) != n)
		abort();
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char line[160];
	int ln = snprintf(line, sizeof line, "f\t%s\tfeed.txt%s\n", formats[data[0] % 6],
	                  (data[0] & 0x80) ? "\tallow" : "");
	write_file(conf, line, (size_t)ln);
	write_file(feed, data + 1, size - 1);
	struct pd_feeds *f = NULL;
	char *err = NULL;
	if (pd_feeds_load(conf, &f, &err) == 0 && f) {
		fuzz_check_utf8(pd_feeds_summary(f));
		for (unsigned i = 0; i < pd_feeds_count(f); i++) {
			struct pd_feed_info fi;
			pd_feeds_info(f, i, &fi);
			for (unsigned k = 0; k < fi.nerrors; k++)
				fuzz_check_term(fi.errors[k], false); /* printed by "phishdissect feeds" */
		}
		struct pd_arena *a = pd_arena_new(0);
		static const unsigned char ip[16] = { 192, 0, 2, 1 };
		struct pd_feed_query q = { "http://evil.example/login", "evil.example", "evil.example",
		                           0, NULL };
		struct pd_feed_hit hit;
		(void)pd_feeds_match(f, a, &q, &hit);
		struct pd_feed_query q2 = { NULL, "192.0.2.1", "", 4, ip };
		(void)pd_feeds_match(f, a, &q2, &hit);
		/* a URL out of the feed itself, when the input starts with one */
		size_t n = size - 1 < 200 ? size - 1 : 200;
		const char *u = pd_feed_url_normalize(a, (const char *)data + 1, n);
		if (u) {
			struct pd_feed_query q3 = { u, "", "", 0, NULL };
			(void)pd_feeds_match(f, a, &q3, &hit);
		}
		pd_arena_free(a);
		pd_feeds_free(f);
	}
	g_free(err);
	return 0;
}
