/* ipdb.c - offline IP -> AS number / organisation / country / city.
 *
 * asn.bin is the compact range table written by scripts/ipdb-compile (its
 * header comment documents the layout): read whole once, checked
 * completely (sizes, sorted disjoint ranges, string offsets, UTF-8), then
 * searched by binary search, O(log n) per address.  Country and city come
 * from MaxMind DB files through libmaxminddb (MMDB_MODE_MMAP; lookups are
 * read-only and thread-safe).  Nothing here touches the network.
 * Limits: organisation names are bounded by the converter (160 bytes) and
 * re-checked as UTF-8 here; the city string is cut at 128 bytes.
 * Standards: IPv4/IPv6 addresses (RFC 791, RFC 4291); MaxMind DB format 2.0.
 */
#include "net/ipdb.h"

#include <arpa/inet.h>
#include <glib.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "base/text.h"

#define HDR 24
#define E4 16
#define E6 40

struct pd_ipdb {
	unsigned char *asn;     /* whole file, g_malloc'd */
	size_t asn_len;
	uint32_t n4, n6, strbytes;
	const unsigned char *t4, *t6;
	const char *strings;
	MMDB_s country, city4, city6;
	bool has_country, has_city4, has_city6;
	char *source;
};

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int load_asn(struct pd_ipdb *db, const char *path, char **err)
{
	gchar *buf = NULL;
	gsize len = 0;
	GError *ge = NULL;
	if (!g_file_get_contents(path, &buf, &len, &ge)) {
		*err = g_strdup_printf("%s: %s", path, ge->message);
		g_error_free(ge);
		return -1;
	}
	db->asn = (unsigned char *)buf;
	db->asn_len = len;
	const unsigned char *p = db->asn;
	if (len < HDR || memcmp(p, "PDIPASN1", 8) != 0) {
		*err = g_strdup_printf("%s: not an AS range file (rebuild it with scripts/fetch-data)", path);
		return -1;
	}
	db->n4 = le32(p + 8);
	db->n6 = le32(p + 12);
	db->strbytes = le32(p + 16);
	uint64_t want = (uint64_t)HDR + (uint64_t)db->n4 * E4 + (uint64_t)db->n6 * E6 + db->strbytes;
	if (want != len || db->strbytes == 0) {
		*err = g_strdup_printf("%s: size %zu does not match its header (%llu): truncated or corrupt",
		                       path, (size_t)len, (unsigned long long)want);
		return -1;
	}
	db->t4 = p + HDR;
	db->t6 = db->t4 + (size_t)db->n4 * E4;
	db->strings = (const char *)(db->t6 + (size_t)db->n6 * E6);
	if (db->strings[db->strbytes - 1] != '\0' || !pd_utf8_valid(db->strings, db->strbytes - 1)) {
		*err = g_strdup_printf("%s: organisation names are not NUL-terminated UTF-8", path);
		return -1;
	}
	for (uint32_t i = 0; i < db->n4; i++) {
		const unsigned char *e = db->t4 + (size_t)i * E4;
		uint32_t a = le32(e), b = le32(e + 4), org = le32(e + 12);
		if (a > b || org >= db->strbytes || (i && a <= le32(e - E4 + 4))) {
			*err = g_strdup_printf("%s: IPv4 range %u is unsorted, overlapping or has a bad name offset", path, i + 1);
			return -1;
		}
	}
	for (uint32_t i = 0; i < db->n6; i++) {
		const unsigned char *e = db->t6 + (size_t)i * E6;
		uint32_t org = le32(e + 36);
		if (memcmp(e, e + 16, 16) > 0 || org >= db->strbytes || (i && memcmp(e, e - E6 + 16, 16) <= 0)) {
			*err = g_strdup_printf("%s: IPv6 range %u is unsorted, overlapping or has a bad name offset", path, i + 1);
			return -1;
		}
	}
	return 0;
}

static int open_mmdb(const char *path, MMDB_s *m, bool *has, char **err)
{
	if (!g_file_test(path, G_FILE_TEST_EXISTS))
		return 0;
	int s = MMDB_open(path, MMDB_MODE_MMAP, m);
	if (s != MMDB_SUCCESS) {
		*err = g_strdup_printf("%s: %s", path, MMDB_strerror(s));
		return -1;
	}
	*has = true;
	return 0;
}

static void add_date(GString *s, const char *what, const MMDB_s *m)
{
	time_t t = (time_t)m->metadata.build_epoch;
	struct tm tm;
	char d[32] = "?";
	if (gmtime_r(&t, &tm))
		strftime(d, sizeof d, "%Y-%m-%d", &tm);
	g_string_append_printf(s, "%s%s built %s", s->len ? "; " : "", what, d);
}

/* SOURCE: "name: text" lines from the fetch script (package, version,
 * date, licence); shown verbatim, so keep only printable ASCII/UTF-8. */
static void read_source(GString *s, const char *dir)
{
	char *p = g_build_filename(dir, "SOURCE", NULL);
	gchar *buf = NULL;
	gsize len = 0;
	if (g_file_get_contents(p, &buf, &len, NULL) && len < 4096 && g_utf8_validate(buf, (gssize)len, NULL)) {
		gchar **lines = g_strsplit(buf, "\n", 32);
		for (unsigned i = 0; lines[i]; i++) {
			g_strstrip(lines[i]);
			if (!*lines[i] || lines[i][0] == '#')
				continue;
			for (char *c = lines[i]; *c; c++)
				if ((unsigned char)*c < 0x20)
					*c = ' ';
			g_string_append_printf(s, "%s%s", s->len ? "; " : "", lines[i]);
		}
		g_strfreev(lines);
	}
	g_free(buf);
	g_free(p);
}

int pd_ipdb_open(const char *dir, struct pd_ipdb **out, char **err)
{
	*out = NULL;
	struct pd_ipdb *db = g_new0(struct pd_ipdb, 1);
	char *p = g_build_filename(dir, "asn.bin", NULL);
	int rc = 0;
	if (g_file_test(p, G_FILE_TEST_EXISTS))
		rc = load_asn(db, p, err);
	g_free(p);
	static const char *const names[] = { "country.mmdb", "city-ipv4.mmdb", "city-ipv6.mmdb" };
	MMDB_s *dbs[] = { &db->country, &db->city4, &db->city6 };
	bool *has[] = { &db->has_country, &db->has_city4, &db->has_city6 };
	for (int i = 0; i < 3 && rc == 0; i++) {
		p = g_build_filename(dir, names[i], NULL);
		rc = open_mmdb(p, dbs[i], has[i], err);
		g_free(p);
	}
	if (rc < 0) {
		pd_ipdb_free(db);
		return -1;
	}
	if (!db->asn && !db->has_country && !db->has_city4 && !db->has_city6) {
		pd_ipdb_free(db);
		return 1;
	}
	GString *s = g_string_new("");
	read_source(s, dir);
	if (!s->len) {
		if (db->asn)
			g_string_append_printf(s, "AS table %s", dir);
		if (db->has_country)
			add_date(s, "country", &db->country);
		if (db->has_city4)
			add_date(s, "city", &db->city4);
	}
	db->source = g_string_free(s, FALSE);
	*out = db;
	return 0;
}

void pd_ipdb_free(struct pd_ipdb *db)
{
	if (!db)
		return;
	if (db->has_country)
		MMDB_close(&db->country);
	if (db->has_city4)
		MMDB_close(&db->city4);
	if (db->has_city6)
		MMDB_close(&db->city6);
	g_free(db->asn);
	g_free(db->source);
	g_free(db);
}

const char *pd_ipdb_source(const struct pd_ipdb *db)
{
	return db && db->source ? db->source : "";
}

void pd_ipdb_counts(const struct pd_ipdb *db, unsigned *n4, unsigned *n6)
{
	*n4 = db ? db->n4 : 0;
	*n6 = db ? db->n6 : 0;
}

static bool asn_lookup(const struct pd_ipdb *db, int family, const unsigned char ip[16], struct pd_ipinfo *out)
{
	if (!db->asn)
		return false;
	const unsigned char *hit = NULL;
	if (family == 4) {
		uint32_t x = be32(ip);
		uint32_t lo = 0, hi = db->n4; /* first entry with first > x */
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (le32(db->t4 + (size_t)mid * E4) <= x)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == 0)
			return false;
		const unsigned char *e = db->t4 + (size_t)(lo - 1) * E4;
		if (x > le32(e + 4))
			return false;
		out->asn = le32(e + 8);
		hit = e + 12;
	} else {
		uint32_t lo = 0, hi = db->n6;
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (memcmp(db->t6 + (size_t)mid * E6, ip, 16) <= 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == 0)
			return false;
		const unsigned char *e = db->t6 + (size_t)(lo - 1) * E6;
		if (memcmp(ip, e + 16, 16) > 0)
			return false;
		out->asn = le32(e + 32);
		hit = e + 36;
	}
	out->org = db->strings + le32(hit);
	return true;
}

/* A string field of an MMDB record, copied (bounded) into buf. */
static bool mmdb_str(MMDB_entry_s *ent, const char *key, char *buf, size_t n)
{
	MMDB_entry_data_s d;
	if (MMDB_get_value(ent, &d, key, NULL) != MMDB_SUCCESS || !d.has_data || d.type != MMDB_DATA_TYPE_UTF8_STRING)
		return false;
	size_t l = d.data_size < n - 1 ? d.data_size : n - 1;
	memcpy(buf, d.utf8_string, l);
	buf[l] = '\0';
	return l > 0;
}

static bool mmdb_lookup(const MMDB_s *m, int family, const unsigned char ip[16], MMDB_entry_s *ent)
{
	struct sockaddr_in s4;
	struct sockaddr_in6 s6;
	const struct sockaddr *sa;
	if (family == 4) {
		memset(&s4, 0, sizeof s4);
		s4.sin_family = AF_INET;
		memcpy(&s4.sin_addr, ip, 4);
		sa = (const struct sockaddr *)&s4;
	} else {
		memset(&s6, 0, sizeof s6);
		s6.sin6_family = AF_INET6;
		memcpy(&s6.sin6_addr, ip, 16);
		sa = (const struct sockaddr *)&s6;
	}
	int me = 0;
	/* libmaxminddb takes a non-const MMDB_s but only reads it */
	MMDB_lookup_result_s r = MMDB_lookup_sockaddr((MMDB_s *)m, sa, &me);
	if (me != MMDB_SUCCESS || !r.found_entry)
		return false;
	*ent = r.entry;
	return true;
}

bool pd_ipdb_lookup(const struct pd_ipdb *db, struct pd_arena *a, int family, const unsigned char ip[16],
                    struct pd_ipinfo *out)
{
	out->asn = 0;
	out->org = "";
	out->country[0] = '\0';
	out->city = "";
	if (!db || (family != 4 && family != 6))
		return false;
	bool found = asn_lookup(db, family, ip, out);
	MMDB_entry_s ent;
	char buf[129];
	if (db->has_country && mmdb_lookup(&db->country, family, ip, &ent) &&
	    mmdb_str(&ent, "country_code", buf, sizeof buf) && strlen(buf) == 2 &&
	    pd_isalpha((unsigned char)buf[0]) && pd_isalpha((unsigned char)buf[1])) {
		out->country[0] = (char)pd_toupper((unsigned char)buf[0]);
		out->country[1] = (char)pd_toupper((unsigned char)buf[1]);
		out->country[2] = '\0';
		found = true;
	}
	const MMDB_s *city = family == 4 ? (db->has_city4 ? &db->city4 : NULL) : (db->has_city6 ? &db->city6 : NULL);
	if (city && mmdb_lookup(city, family, ip, &ent)) {
		if (!out->country[0] && mmdb_str(&ent, "country_code", buf, sizeof buf) && strlen(buf) == 2 &&
		    pd_isalpha((unsigned char)buf[0]) && pd_isalpha((unsigned char)buf[1])) {
			out->country[0] = (char)pd_toupper((unsigned char)buf[0]);
			out->country[1] = (char)pd_toupper((unsigned char)buf[1]);
			out->country[2] = '\0';
			found = true;
		}
		if (mmdb_str(&ent, "city", buf, sizeof buf)) {
			size_t n;
			out->city = pd_utf8_sanitize(a, buf, strlen(buf), &n);
			found = true;
		}
	}
	return found;
}
