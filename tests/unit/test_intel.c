/* test_intel.c - offline IP intelligence and threat feeds.
 *
 * The IP database is the fixture built at build time from
 * tests/data/asn-fixture.csv (scripts/ipdb-compile, the converter of the
 * real data) and tests/data/geo-fixture.txt (tests/tools/mkmmdb); its
 * directory comes in $PD_TEST_IPDB.  Feed files are written here into a
 * temporary folder, in every supported format, with deliberate bad lines.
 * When ../shared/corpus/feeds/jpcert_phishurl exists ($PD_TEST_JPCERT),
 * the real JPCERT/CC list is loaded too (load time, bad lines reported).
 * Every finding has a message that fires it and a near miss. */
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "ctx.h"
#include "mail/model.h"
#include "mail/received.h"
#include "net/domain.h"
#include "net/feeds.h"
#include "net/ipdb.h"
#include "phishdissect/pd.h"
#include "report/report.h"

static char *tmpdir;

static char *write_file(const char *name, const char *text)
{
	char *p = g_build_filename(tmpdir, name, NULL);
	g_file_set_contents(p, text, -1, NULL);
	return p;
}

/* ---- IP database ---- */
struct ipcase {
	const char *ip;
	unsigned asn;
	const char *org, *country, *city;
};

static const struct ipcase ipcases[] = {
	{ "13.113.112.84", 16509, "Amazon.com, Inc.", "JP", "Tokyo" }, /* the reference case */
	{ "13.112.255.255", 0, "", "", "" },                            /* just below the range */
	{ "13.114.0.0", 0, "", "", "" },                                /* just above it */
	{ "192.0.2.1", 64500, "Example Mail Org", "", "" },             /* AS but no country */
	{ "198.51.100.127", 64501, "Sender Example Networks", "DE", "" },
	{ "198.51.100.128", 24940, "Hetzner Online GmbH", "DE", "" },
	{ "203.0.113.84", 16509, "Amazon.com, Inc.", "JP", "Tokyo" },
	{ "203.0.113.200", 64502, "Example Broadband", "", "" },
	{ "2001:db8::25", 64500, "Example Mail Org", "", "" },
	{ "2001:db8:1::5", 14061, "DigitalOcean, LLC", "US", "New York" },
	{ "2001:db8:2::1", 0, "", "", "" },
	{ "10.1.2.3", 0, "", "", "" },
};

static void test_ipdb(const char *dir)
{
	struct pd_ipdb *db = NULL;
	char *err = NULL;
	int rc = pd_ipdb_open(dir, &db, &err);
	CHECK(rc == 0 && db, "open fixture %s: %s", dir, err ? err : "");
	if (!db)
		return;
	unsigned n4, n6;
	pd_ipdb_counts(db, &n4, &n6);
	CHECK(n4 == 6 && n6 == 2, "fixture has %u IPv4 and %u IPv6 ranges", n4, n6);
	struct pd_arena *a = pd_arena_new(0);
	for (size_t i = 0; i < sizeof ipcases / sizeof *ipcases; i++) {
		const struct ipcase *c = &ipcases[i];
		unsigned char ip[16];
		int fam = pd_ip_parse(c->ip, strlen(c->ip), ip);
		struct pd_ipinfo ii;
		bool found = pd_ipdb_lookup(db, a, fam, ip, &ii);
		CHECK(found == (c->asn || *c->country), "%s: found=%d", c->ip, found);
		CHECK(ii.asn == c->asn, "%s: AS%u, want AS%u", c->ip, ii.asn, c->asn);
		CHECK_STREQ(ii.org, c->org, c->ip);
		CHECK_STREQ(ii.country, c->country, c->ip);
		CHECK_STREQ(ii.city, c->city, c->ip);
	}
	pd_arena_free(a);
	pd_ipdb_free(db);

	/* a broken table is an error that names the file, never a crash */
	char *src = g_build_filename(dir, "asn.bin", NULL);
	gchar *buf = NULL;
	gsize len = 0;
	CHECK(g_file_get_contents(src, &buf, &len, NULL) && len > 40, "read %s", src);
	static const struct { const char *what; size_t cut; int magic; } bad[] = {
		{ "truncated", 7, 0 }, { "wrong magic", 0, 1 }, { "one byte short", 1, 0 },
	};
	for (size_t i = 0; buf && i < sizeof bad / sizeof *bad; i++) {
		char *d = g_build_filename(tmpdir, "badipdb", NULL);
		g_mkdir_with_parents(d, 0700);
		char *p = g_build_filename(d, "asn.bin", NULL);
		char *copy = g_memdup2(buf, len);
		if (bad[i].magic)
			copy[3] = 'X';
		g_file_set_contents(p, copy, (gssize)(len - bad[i].cut), NULL);
		struct pd_ipdb *b = NULL;
		char *e = NULL;
		rc = pd_ipdb_open(d, &b, &e);
		CHECK(rc < 0 && !b && e && strstr(e, "asn.bin"), "%s table: rc %d, err %s", bad[i].what, rc, e ? e : "");
		g_free(e);
		g_free(copy);
		g_free(p);
		g_free(d);
	}
	g_free(buf);
	g_free(src);
	/* an empty directory is "not installed" */
	struct pd_ipdb *none = NULL;
	char *e = NULL;
	CHECK(pd_ipdb_open(tmpdir, &none, &e) == 1 && !none, "empty dir is not installed");
}

/* ---- feeds ---- */
static char *feeds_conf;

static void write_feeds(void)
{
	g_free(write_file("openphish.txt",
	                  "https://evil.example.net/login\n"
	                  "not a url\n"
	                  "HTTPS://Phish.Example.COM:443/a/b/#frag\n"));
	g_free(write_file("phishtank.csv",
	                  "phish_id,url,phish_detail_url,submission_time,verified,verification_time,online,target\n"
	                  "1,http://bank-verify.example/secure/,http://x/,2024-05-01T10:00:00+00:00,yes,,yes,Example Bank\n"
	                  "2,\"http://unterminated.example/\n"));
	g_free(write_file("phishtank.json",
	                  "[{\"url\":\"https://json.example.org/signin?x=1\",\"submission_time\":\"2024-06-02T00:00:00+00:00\",\"target\":\"Other\"},"
	                  "{\"nourl\":1}]"));
	g_free(write_file("urlhaus.csv",
	                  "# URLhaus export\n"
	                  "# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n"
	                  "\"7\",\"2024-07-03 12:00:00\",\"http://198.51.100.200/bins/x.sh\",\"online\",\"\",\"malware_download\",\"elf\",\"https://u/7\",\"r\"\n"));
	char *jd = g_build_filename(tmpdir, "jpcert", "2024", NULL);
	g_mkdir_with_parents(jd, 0700);
	g_free(jd);
	g_free(write_file("jpcert/2024/202409.csv",
	                  "date,URL,description\n"
	                  "2024/09/28 10:02:00,https://solarpivotpower.example/wp-includes/js/kagoya.net/,KAGOYA\n"
	                  "2024/09/28 11:00:00,htps://typo.example/,Brand\n"
	                  "2024/09/29 09:00:00,\"https://comma.example/a,b/\",\"Ministry, of Things\"\n"));
	g_free(write_file("block.list",
	                  "# my own list\n"
	                  "bad-domain.example\n"
	                  "*.wild.example\n"
	                  "host.only.example.org\n"
	                  "203.0.113.66\n"
	                  "198.51.100.0/25\n"
	                  "2001:db8:bad::/48\n"
	                  "300.1.1.1/8\n"
	                  "good.bad-domain.example\n"));
	g_free(write_file("allow.list", "good.bad-domain.example\nhttps://evil.example.net/login/ok\n"));
	char *conf = g_strdup_printf("# test feeds\n"
	                             "openphish\topenphish\topenphish.txt\n"
	                             "phishtank\tphishtank-csv\tphishtank.csv\n"
	                             "ptjson\tphishtank-json\tphishtank.json\n"
	                             "urlhaus\turlhaus\turlhaus.csv\n"
	                             "jpcert\tjpcert\tjpcert\n"
	                             "mine\tlist\tblock.list\tblock\n"
	                             "ok\tlist\tallow.list\tallow\n");
	feeds_conf = write_file("feeds.conf", conf);
	g_free(conf);
}

struct feedcase {
	const char *url;        /* NULL: IP only */
	const char *ip;         /* for IP hosts / origin addresses */
	int rc;                 /* 0 none, 1 listed, 2 allowed */
	const char *feed;
	enum pd_feed_how how;
	const char *date_has;
};

static const struct feedcase feedcases[] = {
	{ "https://evil.example.net/login", NULL, 1, "openphish", PD_FEED_URL, "file date" },
	{ "https://EVIL.example.net:443/login#x", NULL, 1, "openphish", PD_FEED_URL, "" },
	{ "https://evil.example.net/login/step2?u=1", NULL, 1, "openphish", PD_FEED_URL_PREFIX, "" },
	{ "https://evil.example.net/login?u=a@b", NULL, 1, "openphish", PD_FEED_URL_PREFIX, "" },
	{ "https://evil.example.net/login2", NULL, 0, NULL, 0, NULL },    /* not a path boundary */
	{ "https://evil.example.net/", NULL, 0, NULL, 0, NULL },          /* shorter than the entry */
	{ "http://evil.example.net/login", NULL, 0, NULL, 0, NULL },      /* other scheme */
	{ "https://evil.example.net/login/ok", NULL, 2, "ok", PD_FEED_URL, "" },
	{ "https://phish.example.com/a/b/c.html", NULL, 1, "openphish", PD_FEED_URL_PREFIX, "" },
	{ "http://bank-verify.example/secure/index.php", NULL, 1, "phishtank", PD_FEED_URL_PREFIX, "2024-05-01" },
	{ "https://json.example.org/signin?x=1", NULL, 1, "ptjson", PD_FEED_URL, "2024-06-02" },
	{ "https://json.example.org/signin?x=2", NULL, 0, NULL, 0, NULL }, /* a query is matched exactly */
	{ "http://198.51.100.200/bins/x.sh", "198.51.100.200", 1, "urlhaus", PD_FEED_URL, "2024-07-03" },
	{ "https://solarpivotpower.example/wp-includes/js/kagoya.net/?uid=info@office.example", NULL, 1, "jpcert",
	  PD_FEED_URL_PREFIX, "2024/09/28" },
	{ "https://comma.example/a,b/", NULL, 1, "jpcert", PD_FEED_URL, "2024/09/29" },
	{ "https://typo.example/", NULL, 0, NULL, 0, NULL },                /* its line was rejected */
	{ "https://login.bad-domain.example/x", NULL, 1, "mine", PD_FEED_DOMAIN, "" },
	{ "https://good.bad-domain.example/x", NULL, 2, "ok", PD_FEED_HOST, "" },
	{ "https://a.b.wild.example/", NULL, 1, "mine", PD_FEED_DOMAIN, "" },
	{ "https://host.only.example.org/", NULL, 1, "mine", PD_FEED_HOST, "" },
	{ "https://x.host.only.example.org/", NULL, 1, "mine", PD_FEED_HOST, "" },
	{ "https://only.example.org/", NULL, 0, NULL, 0, NULL },            /* the parent of a listed host */
	{ "https://notbad-domain.example/", NULL, 0, NULL, 0, NULL },
	{ NULL, "203.0.113.66", 1, "mine", PD_FEED_IP, "" },
	{ NULL, "203.0.113.67", 0, NULL, 0, NULL },
	{ NULL, "198.51.100.127", 1, "mine", PD_FEED_NET, "" },
	{ NULL, "198.51.100.128", 0, NULL, 0, NULL },
	{ NULL, "2001:db8:bad:1::1", 1, "mine", PD_FEED_NET, "" },
	{ NULL, "2001:db8:bae::1", 0, NULL, 0, NULL },
};

static void test_feeds(void)
{
	write_feeds();
	struct pd_feeds *f = NULL;
	char *err = NULL;
	int rc = pd_feeds_load(feeds_conf, &f, &err);
	CHECK(rc == 0 && f, "load %s: %s", feeds_conf, err ? err : "");
	if (!f)
		return;
	/* per feed: entries and skipped lines, each reason with its line */
	static const struct { const char *name; unsigned entries, skipped; const char *error; } want[] = {
		{ "openphish", 2, 1, "openphish.txt:2: not a URL" },
		{ "phishtank", 1, 1, "phishtank.csv:3: unterminated quoted field" },
		{ "ptjson", 1, 1, "entry 2 has no \"url\"" },
		{ "urlhaus", 1, 0, NULL },
		{ "jpcert", 2, 1, "202409.csv:3: unknown scheme 'htps'" },
		{ "mine", 7, 1, "block.list:8: " },
		{ "ok", 2, 0, NULL },
	};
	CHECK(pd_feeds_count(f) == 7, "%u feeds", pd_feeds_count(f));
	for (unsigned i = 0; i < 7 && i < pd_feeds_count(f); i++) {
		struct pd_feed_info fi;
		pd_feeds_info(f, i, &fi);
		CHECK_STREQ(fi.name, want[i].name, "feed order");
		CHECK(fi.entries == want[i].entries, "%s: %u entries, want %u", fi.name, fi.entries, want[i].entries);
		CHECK(fi.skipped == want[i].skipped, "%s: %u skipped, want %u", fi.name, fi.skipped, want[i].skipped);
		if (want[i].error)
			CHECK(fi.nerrors >= 1 && strstr(fi.errors[0], want[i].error), "%s: error '%s'", fi.name,
			      fi.nerrors ? fi.errors[0] : "(none)");
	}
	struct pd_arena *a = pd_arena_new(0);
	const char *which = NULL;
	const struct psl_ctx_st *psl = pd_psl_load(&which);
	for (size_t i = 0; i < sizeof feedcases / sizeof *feedcases; i++) {
		const struct feedcase *c = &feedcases[i];
		const char *label = c->url ? c->url : c->ip;
		struct pd_feed_query q = { c->url, NULL, NULL, 0, NULL };
		unsigned char ip[16];
		const char *host = "", *domain = "";
		if (c->url) { /* host and registrable domain the way the model has them */
			struct pd_url_parts up;
			pd_url_split(a, c->url, strlen(c->url), &up);
			host = pd_host_normalize(a, up.host, strlen(up.host), NULL);
			domain = c->ip ? "" : pd_domain_registrable(a, psl, host);
		}
		q.host = host;
		q.domain = domain;
		if (c->ip) {
			q.family = pd_ip_parse(c->ip, strlen(c->ip), ip);
			q.ip = ip;
		}
		struct pd_feed_hit hit;
		memset(&hit, 0, sizeof hit);
		int got = pd_feeds_match(f, a, &q, &hit);
		CHECK(got == c->rc, "%s: match %d, want %d (feed %s, entry %s)", label, got, c->rc,
		      got ? hit.feed : "-", got ? hit.entry : "-");
		if (got && c->rc && got == c->rc) {
			CHECK_STREQ(hit.feed, c->feed, label);
			CHECK(hit.how == c->how, "%s: how %s, want %s", label, pd_feed_how_name(hit.how),
			      pd_feed_how_name(c->how));
			CHECK(strstr(hit.date, c->date_has) != NULL, "%s: date '%s' lacks '%s'", label, hit.date, c->date_has);
		}
	}
	pd_arena_free(a);
	pd_psl_free(psl);
	pd_feeds_free(f);

	/* configuration errors name the line and stop the load */
	static const struct { const char *conf; const char *want; } badconf[] = {
		{ "x\tnosuchformat\topenphish.txt\n", "feeds-bad.conf:1: unknown format" },
		{ "# c\nx\topenphish\tmissing.txt\n", "feeds-bad.conf:2: feed 'x'" },
		{ "x\topenphish\topenphish.txt\nx\tlist\tblock.list\n", "feeds-bad.conf:2: feed name 'x' is used twice" },
		{ "x\topenphish\topenphish.txt\tmaybe\n", "feeds-bad.conf:1: fourth field" },
		{ "bad name\topenphish\topenphish.txt\n", "feeds-bad.conf:1: feed name" },
	};
	for (size_t i = 0; i < sizeof badconf / sizeof *badconf; i++) {
		char *p = write_file("feeds-bad.conf", badconf[i].conf);
		struct pd_feeds *b = NULL;
		char *e = NULL;
		rc = pd_feeds_load(p, &b, &e);
		CHECK(rc < 0 && !b && e && strstr(e, badconf[i].want), "bad conf %zu: %s", i, e ? e : "(no error)");
		g_free(e);
		g_free(p);
	}
}

/* ---- the real JPCERT/CC list (evaluation data, read in place) ---- */
static void test_jpcert(void)
{
	const char *dir = getenv("PD_TEST_JPCERT");
	if (!dir || !g_file_test(dir, G_FILE_TEST_IS_DIR)) {
		printf("jpcert: %s not present, load test skipped\n", dir ? dir : "(unset)");
		return;
	}
	char *conf = g_strdup_printf("jpcert\tjpcert\t%s\n", dir);
	char *p = write_file("jpcert.conf", conf);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct pd_feeds *f = NULL;
	char *err = NULL;
	int rc = pd_feeds_load(p, &f, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	CHECK(rc == 0 && f, "jpcert load: %s", err ? err : "");
	if (f) {
		struct pd_feed_info fi;
		pd_feeds_info(f, 0, &fi);
		printf("jpcert: %u files, %u entries, %u skipped, loaded in %.3f s\n", fi.files, fi.entries, fi.skipped, s);
		CHECK(fi.files >= 80 && fi.entries > 250000, "jpcert: %u files, %u entries", fi.files, fi.entries);
		CHECK(fi.skipped > 0 && fi.nerrors > 0 && strstr(fi.errors[0], ".csv:"), "jpcert: bad lines are reported by line");
		/* generous for sanitizer builds; the bench shows the real figure */
		CHECK(s < 10.0, "jpcert load took %.2f s", s);
	}
	pd_feeds_free(f);
	g_free(p);
	g_free(conf);
}

/* ---- end to end: findings with a fixture database and feeds ---- */
static struct pd_ctx *ctx, *ctx_nofeeds;

#define BASE_HDRS "To: info@office.example\nSubject: hello\nDate: Thu, 28 Sep 2023 09:14:00 +0900\n" \
	"Message-ID: <1@sender.example>\nMIME-Version: 1.0\n"
#define RCV(from) "Received: " from "\n\tby mx.office.example (Postfix) with ESMTP id X1; Thu, 28 Sep 2023 09:14:06 +0900\n"
#define RCV_OK RCV("from mail.sender.example (mail.sender.example [198.51.100.20])")

static bool has(const struct pd_ctx *c, const char *msg, enum pd_fid id, const char *detail_has)
{
	struct pd_arena *a = pd_arena_new(0);
	struct pd_report *r = NULL;
	const char *err = NULL;
	bool found = false;
	if (pd_analyze(c, a, msg, strlen(msg), "test", false, &r, &err) == 0)
		for (unsigned i = 0; i < r->nfindings; i++)
			if (r->findings[i].id == id && (!detail_has || strstr(r->findings[i].detail, detail_has)))
				found = true;
	pd_arena_free(a);
	return found;
}

struct tcase {
	const char *name;
	enum pd_fid id;
	const char *detail_has;
	const char *fires, *near_miss;
};

static const struct tcase cases[] = {
	{ "origin without a name in a hosting network", PD_F_ROUTE_ORIGIN_HOSTING_NETWORK, "AS16509 Amazon.com, Inc., country JP",
	  RCV("from [203.0.113.84] (unknown [203.0.113.84])") "From: a@sender.example\n" BASE_HDRS "\nbody\n",
	  /* a named server in the same network is a normal mail server */
	  RCV("from mail.sender.example (mail.sender.example [203.0.113.84])") "From: a@sender.example\n" BASE_HDRS "\nbody\n" },
	{ "hosting network, IPv6", PD_F_ROUTE_ORIGIN_HOSTING_NETWORK, "AS14061",
	  RCV("from localhost (unknown [IPv6:2001:db8:1::5])") "From: a@sender.example\n" BASE_HDRS "\nbody\n",
	  RCV("from localhost (unknown [IPv6:2001:db8::25])") "From: a@sender.example\n" BASE_HDRS "\nbody\n" },
	{ "cloud by rDNS counts once", PD_F_ROUTE_ORIGIN_CLOUD, NULL,
	  RCV("from [127.0.0.1] (ec2-13-113-112-84.ap-northeast-1.compute.amazonaws.com [13.113.112.84])")
	  "From: chijyo@kagoya.net\n" BASE_HDRS "\nbody\n",
	  RCV("from [198.51.100.9] (unknown [198.51.100.9])") "From: a@sender.example\n" BASE_HDRS "\nbody\n" },
	{ "origin network unrelated to the From domain", PD_F_ROUTE_ORIGIN_NETWORK_UNRELATED, "AS16509 Amazon.com, Inc., From domain kagoya.net",
	  RCV("from [127.0.0.1] (ec2-13-113-112-84.ap-northeast-1.compute.amazonaws.com [13.113.112.84])")
	  "From: chijyo@kagoya.net\n" BASE_HDRS "\nbody\n",
	  RCV("from [127.0.0.1] (ec2-13-113-112-84.ap-northeast-1.compute.amazonaws.com [13.113.112.84])")
	  "From: shipping@amazon.co.jp\n" BASE_HDRS "\nbody\n" },
	{ "origin address on a feed", PD_F_ROUTE_ORIGIN_LISTED_IN_FEED, "feed mine, entry 198.51.100.0/25",
	  RCV("from mail.sender.example (mail.sender.example [198.51.100.20])") "From: a@sender.example\n" BASE_HDRS "\nbody\n",
	  RCV("from mail.sender.example (mail.sender.example [198.51.100.130])") "From: a@sender.example\n" BASE_HDRS "\nbody\n" },
	{ "link on the JPCERT-format feed", PD_F_LINK_LISTED_IN_FEED, "feed jpcert, entry https://solarpivotpower.example/wp-includes/js/kagoya.net/ [KAGOYA], dated 2024/09/28 10:02:00, url-prefix match",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS
	  "\nhttps://solarpivotpower.example/wp-includes/js/kagoya.net/?uid=info@office.example\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nhttps://solarpivotpower.example/wp-includes/js/other/\n" },
	{ "link host on a domain list", PD_F_LINK_LISTED_IN_FEED, "domain match",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nhttps://login.bad-domain.example/x\n",
	  /* the allow list covers this host */
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nhttps://good.bad-domain.example/x\n" },
	{ "IP link on a feed", PD_F_LINK_LISTED_IN_FEED, "ip match",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nhttp://203.0.113.66/login\n",
	  RCV_OK "From: a@sender.example\n" BASE_HDRS "\nhttp://203.0.113.67/login\n" },
};

static void test_analyze(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct tcase *c = &cases[i];
		CHECK(has(ctx, c->fires, c->id, c->detail_has), "%s: %s should fire (detail '%s')", c->name,
		      pd_catalog[c->id].id, c->detail_has ? c->detail_has : "");
		CHECK(!has(ctx, c->near_miss, c->id, NULL), "%s: %s must not fire on the near miss", c->name,
		      pd_catalog[c->id].id);
	}
	/* one finding per fact: the rDNS already says cloud, the AS adds none */
	CHECK(!has(ctx, cases[2].fires, PD_F_ROUTE_ORIGIN_HOSTING_NETWORK, NULL), "no second cloud finding");
	/* without feeds nothing is claimed about the link */
	CHECK(!has(ctx_nofeeds, cases[5].fires, PD_F_LINK_LISTED_IN_FEED, NULL), "no feed, no claim");

	/* the reference case: the route shows AS16509 / Amazon / JP, in JSON and text */
	const char *msg = RCV("from [127.0.0.1] (ec2-13-113-112-84.ap-northeast-1.compute.amazonaws.com [13.113.112.84])")
	                  "From: chijyo@kagoya.net\n" BASE_HDRS
	                  "\nhttps://solarpivotpower.example/wp-includes/js/kagoya.net/?uid=info@office.example\n"
	                  "http://203.0.113.84/x\n";
	struct pd_arena *a = pd_arena_new(0);
	struct pd_report *r = NULL;
	const char *err = NULL;
	CHECK(pd_analyze(ctx, a, msg, strlen(msg), "ref", false, &r, &err) == 0, "reference: %s", err ? err : "");
	if (r) {
		const struct pd_hop *h = &r->msg->hops[r->msg->origin_hop >= 0 ? r->msg->origin_hop : 0];
		CHECK(h->asn == 16509, "origin AS%u", h->asn);
		CHECK_STREQ(h->as_org, "Amazon.com, Inc.", "origin org");
		CHECK_STREQ(h->country, "JP", "origin country");
		CHECK_STREQ(h->city, "Tokyo", "origin city");
		const char *json = pd_render_json(ctx, a, r, 0);
		CHECK(strstr(json, "\"network\":{\"asn\":16509,\"org\":\"Amazon.com, Inc.\",\"country\":\"JP\",\"city_approximate\":\"Tokyo\"}") != NULL,
		      "JSON route network");
		CHECK(strstr(json, "\"ip_data\":\"") != NULL && strstr(json, "\"feeds\":\"openphish (openphish)") != NULL,
		      "JSON tool names the data");
		const char *en = pd_render_text(ctx, a, r, PD_LANG_EN, 0);
		CHECK(strstr(en, "AS16509 Amazon.com, Inc., JP, Tokyo (approximate)") != NULL, "text route network");
		CHECK(strstr(en, "feed jpcert, entry hxxps://") != NULL || strstr(en, "feed jpcert, entry https://") != NULL ||
		      strstr(en, "feed jpcert") != NULL, "text cites the feed entry");
		const char *ja = pd_render_text(ctx, a, r, PD_LANG_JA, 0);
		CHECK(strstr(ja, "Tokyo（おおよその位置）") != NULL, "Japanese text marks the city approximate");
		/* the IP link gets its network too */
		bool ipnet = false;
		for (unsigned i = 0; i < r->msg->nurls; i++)
			if (r->msg->urls[i].host_is_ip && r->msg->urls[i].ip_asn == 16509 &&
			    strcmp(r->msg->urls[i].ip_country, "JP") == 0)
				ipnet = true;
		CHECK(ipnet, "IP-literal link carries AS16509 / JP");
	}
	pd_arena_free(a);
}

int main(void)
{
	pd_global_init();
	tmpdir = g_dir_make_tmp("pd-intel-XXXXXX", NULL);
	CHECK(tmpdir != NULL, "temporary folder");
	const char *ipdb = getenv("PD_TEST_IPDB");
	CHECK(ipdb && *ipdb, "PD_TEST_IPDB is set by meson");
	if (!tmpdir || !ipdb)
		return CHECK_DONE();
	test_ipdb(ipdb);
	test_feeds();
	test_jpcert();

	char *err = NULL;
	struct pd_options opt = PD_OPTIONS_INIT;
	opt.ipdb_dir = ipdb;
	opt.feeds_conf = feeds_conf;
	ctx = pd_ctx_new(&opt, &err);
	CHECK(ctx != NULL, "context: %s", err ? err : "");
	free(err);
	err = NULL;
	opt.feeds_conf = NULL;
	ctx_nofeeds = pd_ctx_new(&opt, &err);
	CHECK(ctx_nofeeds != NULL, "context without feeds: %s", err ? err : "");
	free(err);
	if (ctx && ctx_nofeeds)
		test_analyze();
	pd_ctx_free(ctx);
	pd_ctx_free(ctx_nofeeds);
	g_free(feeds_conf);
	/* leave no files behind */
	char *rm = g_strdup_printf("rm -rf '%s'", tmpdir);
	if (system(rm) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	g_free(rm);
	g_free(tmpdir);
	pd_global_shutdown();
	return CHECK_DONE();
}
