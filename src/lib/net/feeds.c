/* feeds.c - threat-intelligence feeds compiled into hash indexes.
 *
 * Reads the feed files a configuration lists (format in feeds.h and
 * docs/FEEDS.md): OpenPhish (one URL per line), PhishTank (CSV or JSON),
 * URLhaus (CSV), the JPCERT/CC phishing-URL CSV (date,URL,description) and
 * plain lists (URL, host or domain, IP or CIDR per line), as block lists
 * or allow lists.  Everything is loaded once per process into GLib hash
 * tables (normalised URL, host name, network) that are never modified
 * afterwards, so lookups are lock-free and take a few hash probes:
 * the exact URL, each path prefix up to the query (at most 64), each
 * label suffix of the host down to its registrable domain, and each
 * prefix length in use for IP networks.
 * Feed text is hostile too: CSV per RFC 4180 (quoted fields on one line),
 * lines cut at 16 KiB, entries shown at most 512 bytes, a bad line is
 * skipped and reported as file:line: reason, never fatal.
 * Standards: URLs (RFC 3986, WHATWG host parsing via pd_url_split),
 * CSV (RFC 4180), IDNA (UTS #46 via libidn2).
 */
#include "net/feeds.h"

#include <errno.h>
#include <glib.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/safe.h"
#include "base/text.h"
#include "data/datafile.h"
#include "mail/received.h"
#include "net/domain.h"

#define MAX_LINE (16u << 10)
#define MAX_SHOWN 512
#define MAX_ERRORS 20
#define MAX_FIELDS 16
#define MAX_FILES 10000

enum fmt { F_OPENPHISH, F_PHISHTANK_CSV, F_PHISHTANK_JSON, F_URLHAUS, F_JPCERT, F_LIST, F_COUNT };
static const char *const fmt_names[F_COUNT] = { "openphish", "phishtank-csv", "phishtank-json",
                                                "urlhaus", "jpcert", "list" };

struct entry {
	const char *shown, *date, *note;
	unsigned feed;
	enum pd_feed_how how;
};

struct idx {
	GHashTable *urls;   /* normalised URL -> entry + 1 */
	GHashTable *names;  /* lower-case A-label host / domain -> entry + 1 */
	GHashTable *nets;   /* "4/24/c0000200" -> entry + 1 */
	bool len4[33], len6[129];
	bool any;
};

struct feed {
	char *name, *path;
	enum fmt fmt;
	bool allow;
	unsigned files, entries, skipped;
	GPtrArray *errors;
	char file_date[40];
};

struct pd_feeds {
	struct feed *feeds;
	unsigned nfeeds;
	GArray *entries;
	GStringChunk *str;
	struct idx block, allow;
	char *summary;
};

/* ---- loading state ---- */
struct ld {
	struct pd_feeds *f;
	struct feed *fd;
	unsigned feed_index;
	const char *file;
	unsigned line;
	struct pd_arena *a;
};

static void skip(struct ld *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void skip(struct ld *l, const char *fmt, ...)
{
	l->fd->skipped++;
	if (l->fd->errors->len >= MAX_ERRORS)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *raw = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	/* the reason quotes the feed line, and anyone can submit a URL to a
	 * public feed: valid UTF-8 with controls shown as markers, since
	 * "phishdissect feeds" prints it (found by fuzz_feeds,
	 * fuzz/regressions/feeds/error-invalid-utf8) */
	const char *why = pd_term_safe(l->a, raw, strlen(raw), 0);
	if (l->line)
		g_ptr_array_add(l->fd->errors, g_strdup_printf("%s:%u: %s", l->file, l->line, why));
	else
		g_ptr_array_add(l->fd->errors, g_strdup_printf("%s: %s", l->file, why));
	g_free(raw);
}

static void idx_init(struct idx *x)
{
	x->urls = g_hash_table_new(g_str_hash, g_str_equal);
	x->names = g_hash_table_new(g_str_hash, g_str_equal);
	x->nets = g_hash_table_new(g_str_hash, g_str_equal);
}

static void idx_free(struct idx *x)
{
	if (x->urls)
		g_hash_table_destroy(x->urls);
	if (x->names)
		g_hash_table_destroy(x->names);
	if (x->nets)
		g_hash_table_destroy(x->nets);
}

/* Printable, valid UTF-8, bounded copy for display; dedup: repeated
 * values (dates, brand names) are stored once. */
static const char *keep(struct ld *l, const char *s, size_t n, size_t max, bool dedup)
{
	if (n > max)
		n = max;
	bool plain = true; /* printable ASCII needs no sanitising (the common case) */
	for (size_t i = 0; i < n && plain; i++)
		plain = (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f;
	if (plain && n && s[0] != ' ' && s[n - 1] != ' ')
		return dedup ? g_string_chunk_insert_const(l->f->str, pd_arena_strndup(l->a, s, n))
		             : g_string_chunk_insert_len(l->f->str, s, (gssize)n);
	size_t on;
	char *t = pd_utf8_sanitize(l->a, s, n, &on);
	for (size_t i = 0; i < on; i++)
		if ((unsigned char)t[i] < 0x20 || t[i] == 0x7f)
			t[i] = ' ';
	return dedup ? g_string_chunk_insert_const(l->f->str, g_strstrip(t)) : g_string_chunk_insert(l->f->str, g_strstrip(t));
}

static unsigned add_entry(struct ld *l, const char *shown, size_t sn, const char *date, const char *note,
                          enum pd_feed_how how)
{
	struct entry e;
	e.shown = keep(l, shown, sn, MAX_SHOWN, false);
	e.date = date && *date ? keep(l, date, strlen(date), 40, true) : l->fd->file_date;
	e.note = note && *note ? keep(l, note, strlen(note), 120, true) : "";
	e.feed = l->feed_index;
	e.how = how;
	g_array_append_val(l->f->entries, e);
	l->fd->entries++;
	return l->f->entries->len; /* index + 1 */
}

static struct idx *idx_of(struct ld *l)
{
	struct idx *x = l->fd->allow ? &l->f->allow : &l->f->block;
	x->any = true;
	return x;
}

/* A key listed again points to its latest entry (feeds are read in name
 * order, and dated files sort oldest first). */
static void insert(struct ld *l, GHashTable *h, const char *key, unsigned id)
{
	g_hash_table_insert(h, g_string_chunk_insert(l->f->str, key), GUINT_TO_POINTER(id));
}

static bool web_scheme(const char *s)
{
	return strcmp(s, "http") == 0 || strcmp(s, "https") == 0 || strcmp(s, "ftp") == 0;
}

const char *pd_feed_url_normalize(struct pd_arena *a, const char *url, size_t n)
{
	while (n && pd_isspace((unsigned char)*url))
		url++, n--;
	while (n && pd_isspace((unsigned char)url[n - 1]))
		n--;
	if (n == 0 || n > 8192)
		return NULL;
	struct pd_url_parts up;
	pd_url_split(a, url, n, &up);
	if (!*up.scheme || !up.has_authority || !*up.host)
		return NULL;
	size_t hl = strlen(up.host);
	while (hl && up.host[hl - 1] == '.')
		hl--;
	if (!hl)
		return NULL;
	const char *host = pd_host_normalize(a, up.host, hl, NULL);
	const char *port = up.port;
	if ((strcmp(up.scheme, "http") == 0 && strcmp(port, "80") == 0) ||
	    (strcmp(up.scheme, "https") == 0 && strcmp(port, "443") == 0) ||
	    (strcmp(up.scheme, "ftp") == 0 && strcmp(port, "21") == 0))
		port = "";
	size_t rl = strcspn(up.rest, "#");
	char *rest = pd_arena_strndup(a, up.rest, rl);
	for (char *c = rest; *c && *c != '?'; c++)
		if (*c == '\\')
			*c = '/';
	size_t sl = strlen(up.scheme), hn = strlen(host), pl = strlen(port);
	char *o = pd_arena_alloc(a, sl + 3 + hn + 1 + pl + 1 + rl + 1);
	char *w = o;
	memcpy(w, up.scheme, sl), w += sl;
	memcpy(w, "://", 3), w += 3;
	memcpy(w, host, hn), w += hn;
	if (pl) {
		*w++ = ':';
		memcpy(w, port, pl), w += pl;
	}
	if (rest[0] != '/')
		*w++ = '/';
	memcpy(w, rest, rl + 1);
	return o;
}

static void add_url(struct ld *l, const char *url, size_t n, const char *date, const char *note)
{
	const char *norm = pd_feed_url_normalize(l->a, url, n);
	if (!norm) {
		size_t on;
		skip(l, "not a URL: '%s'", pd_utf8_sanitize(l->a, url, n > 60 ? 60 : n, &on));
		return;
	}
	const char *colon = strchr(norm, ':');
	char *scheme = pd_arena_strndup(l->a, norm, (size_t)(colon - norm));
	if (!web_scheme(scheme)) {
		skip(l, "unknown scheme '%.20s' (http, https, ftp)", scheme);
		return;
	}
	unsigned id = add_entry(l, url, n, date, note, PD_FEED_URL);
	insert(l, idx_of(l)->urls, norm, id);
}

/* "4/24/c0000200": the masked network as a hash key. */
static const char *net_key(char *buf, size_t bn, int fam, const unsigned char ip[16], unsigned bits)
{
	unsigned char m[16] = { 0 };
	unsigned nb = fam == 4 ? 4 : 16;
	for (unsigned i = 0; i < nb; i++) {
		unsigned keepbits = bits >= (i + 1) * 8 ? 8 : bits > i * 8 ? bits - i * 8 : 0;
		m[i] = (unsigned char)(ip[i] & (keepbits ? (0xff00u >> keepbits) & 0xff : 0));
	}
	int o = snprintf(buf, bn, "%d/%u/", fam, bits);
	for (unsigned i = 0; i < nb && o > 0 && (size_t)o + 3 < bn; i++)
		o += snprintf(buf + o, bn - (size_t)o, "%02x", m[i]);
	return buf;
}

static void add_list_item(struct ld *l, const char *s, size_t n)
{
	if (memmem(s, n, "://", 3)) {
		add_url(l, s, n, NULL, NULL);
		return;
	}
	const char *slash = memchr(s, '/', n);
	unsigned char ip[16];
	size_t alen = slash ? (size_t)(slash - s) : n;
	int fam = pd_ip_parse(s, alen, ip);
	if (fam) {
		unsigned max = fam == 4 ? 32 : 128, bits = max;
		if (slash) {
			unsigned long b = 0;
			size_t k = 1;
			for (; alen + k < n && pd_isdigit((unsigned char)slash[k]) && b <= 128; k++)
				b = b * 10 + (unsigned long)(slash[k] - '0');
			if (k == 1 || alen + k != n || b > max) {
				skip(l, "bad prefix length in '%.*s'", (int)(n > 60 ? 60 : n), s);
				return;
			}
			bits = (unsigned)b;
		}
		struct idx *x = idx_of(l);
		unsigned id = add_entry(l, s, n, NULL, NULL, bits == max ? PD_FEED_IP : PD_FEED_NET);
		char key[64];
		insert(l, x->nets, net_key(key, sizeof key, fam, ip, bits), id);
		if (fam == 4)
			x->len4[bits] = true;
		else
			x->len6[bits] = true;
		return;
	}
	const char *h = s;
	size_t hn = n;
	if (hn > 2 && h[0] == '*' && h[1] == '.')
		h += 2, hn -= 2;
	else if (hn > 1 && h[0] == '.')
		h++, hn--;
	while (hn && h[hn - 1] == '.')
		hn--;
	const char *norm = hn ? pd_host_normalize(l->a, h, hn, NULL) : "";
	if (!*norm || !pd_looks_like_hostname(norm, strlen(norm))) {
		size_t on;
		skip(l, "not a URL, host name, IP address or CIDR: '%s'", pd_utf8_sanitize(l->a, s, n > 60 ? 60 : n, &on));
		return;
	}
	unsigned id = add_entry(l, s, n, NULL, NULL, PD_FEED_HOST);
	insert(l, idx_of(l)->names, norm, id);
}

/* One CSV record from one line: fields into f (arena copies).  Returns
 * the number of fields, or -1 for an unterminated quote. */
static int csv_split(struct pd_arena *a, const char *s, size_t n, const char **f, int maxf)
{
	int nf = 0;
	size_t i = 0;
	for (;;) {
		char *o = pd_arena_alloc(a, n - i + 1);
		size_t k = 0;
		if (i < n && s[i] == '"') {
			i++;
			for (;;) {
				if (i >= n)
					return -1;
				if (s[i] == '"') {
					if (i + 1 < n && s[i + 1] == '"') {
						o[k++] = '"';
						i += 2;
						continue;
					}
					i++;
					break;
				}
				o[k++] = s[i++];
			}
			while (i < n && s[i] != ',') /* text after the closing quote: keep it */
				o[k++] = s[i++];
		} else {
			while (i < n && s[i] != ',')
				o[k++] = s[i++];
		}
		o[k] = '\0';
		if (nf < maxf)
			f[nf++] = o;
		if (i >= n)
			break;
		i++; /* ',' */
	}
	return nf;
}

static bool looks_like_header(const char *urlfield)
{
	return strstr(urlfield, "://") == NULL && pd_memcasemem(urlfield, strlen(urlfield), "url") != NULL;
}

static void csv_line(struct ld *l, const char *s, size_t n, int iurl, int idate, int inote, bool note_rest)
{
	const char *f[MAX_FIELDS];
	int nf = csv_split(l->a, s, n, f, MAX_FIELDS);
	if (nf < 0) {
		skip(l, "unterminated quoted field");
		return;
	}
	if (nf <= iurl) {
		skip(l, "expected at least %d comma-separated fields, found %d", iurl + 1, nf);
		return;
	}
	if (l->line == 1 && looks_like_header(f[iurl]))
		return;
	const char *note = inote >= 0 && inote < nf ? f[inote] : "";
	if (note_rest && nf > inote + 1) { /* an unquoted comma in the description */
		GString *g = g_string_new(note);
		for (int k = inote + 1; k < nf && g->len < 256; k++)
			g_string_append_printf(g, ",%s", f[k]);
		note = pd_arena_strdup(l->a, g->str);
		g_string_free(g, TRUE);
	}
	add_url(l, f[iurl], strlen(f[iurl]), idate >= 0 && idate < nf ? f[idate] : "", note);
}

static void text_line(struct ld *l, const char *s, size_t n)
{
	while (n && pd_isspace((unsigned char)*s))
		s++, n--;
	while (n && pd_isspace((unsigned char)s[n - 1]))
		n--;
	if (!n || *s == '#')
		return;
	switch (l->fd->fmt) {
	case F_OPENPHISH:
		add_url(l, s, n, NULL, NULL);
		break;
	case F_LIST: {
		size_t t = 0;
		while (t < n && !pd_isspace((unsigned char)s[t]))
			t++;
		add_list_item(l, s, t);
		break;
	}
	case F_PHISHTANK_CSV:
		csv_line(l, s, n, 1, 3, 7, false);
		break;
	case F_URLHAUS:
		csv_line(l, s, n, 2, 1, 5, false);
		break;
	case F_JPCERT:
		csv_line(l, s, n, 1, 0, 2, true);
		break;
	default:
		break;
	}
}

static void load_json(struct ld *l, const char *buf, size_t len)
{
	json_tokener *tok = json_tokener_new_ex(64);
	json_object *root = json_tokener_parse_ex(tok, buf, (int)(len > 0x7fffffff ? 0x7fffffff : len));
	enum json_tokener_error je = json_tokener_get_error(tok);
	json_tokener_free(tok);
	if (!root || je != json_tokener_success || !json_object_is_type(root, json_type_array)) {
		skip(l, "not a JSON array of entries (%s)", je != json_tokener_success ? json_tokener_error_desc(je) : "wrong type");
		json_object_put(root);
		return;
	}
	size_t n = json_object_array_length(root);
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(root, i), *u = NULL, *d = NULL, *t = NULL;
		l->line = 0;
		if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, "url", &u) ||
		    !json_object_is_type(u, json_type_string)) {
			skip(l, "entry %zu has no \"url\" string", i + 1);
			continue;
		}
		json_object_object_get_ex(o, "submission_time", &d);
		json_object_object_get_ex(o, "target", &t);
		const char *us = json_object_get_string(u);
		add_url(l, us, strlen(us), d && json_object_is_type(d, json_type_string) ? json_object_get_string(d) : "",
		        t && json_object_is_type(t, json_type_string) ? json_object_get_string(t) : "");
		if ((i & 1023) == 1023)
			pd_arena_reset(l->a);
	}
	json_object_put(root);
}

static void load_file(struct ld *l, const char *path)
{
	gchar *buf = NULL;
	gsize len = 0;
	GError *ge = NULL;
	l->file = path;
	l->line = 0;
	if (!g_file_get_contents(path, &buf, &len, &ge)) {
		skip(l, "cannot read: %s", ge->message);
		g_error_free(ge);
		return;
	}
	l->fd->files++;
	if (l->fd->fmt == F_PHISHTANK_JSON) {
		load_json(l, buf, len);
		g_free(buf);
		return;
	}
	size_t i = 0;
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - buf) : len;
		size_t n = e - i;
		if (n && buf[i + n - 1] == '\r')
			n--;
		l->line++;
		if (n > MAX_LINE)
			skip(l, "line longer than %u bytes", MAX_LINE);
		else
			text_line(l, buf + i, n);
		if ((l->line & 1023) == 0)
			pd_arena_reset(l->a);
		i = e + 1;
	}
	g_free(buf);
}

static gint cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files of a directory (recursively, name order) that fit the format. */
static void collect(const char *dir, enum fmt fmt, GPtrArray *out, unsigned depth)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	if (!d || depth > 8)
		goto done;
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *nm;
	while ((nm = g_dir_read_name(d)) != NULL && names->len < MAX_FILES)
		if (nm[0] != '.')
			g_ptr_array_add(names, g_strdup(nm));
	g_ptr_array_sort(names, cmp_str);
	for (unsigned i = 0; i < names->len && out->len < MAX_FILES; i++) {
		char *p = g_build_filename(dir, names->pdata[i], NULL);
		if (g_file_test(p, G_FILE_TEST_IS_DIR)) {
			collect(p, fmt, out, depth + 1);
			g_free(p);
		} else if (g_str_has_suffix(p, fmt == F_PHISHTANK_JSON ? ".json" : ".csv") ||
		           (fmt != F_PHISHTANK_JSON && g_str_has_suffix(p, ".txt"))) {
			g_ptr_array_add(out, p);
		} else {
			g_free(p);
		}
	}
	g_ptr_array_free(names, TRUE);
done:
	if (d)
		g_dir_close(d);
}

struct conf_ld {
	struct pd_feeds *f;
	GArray *feeds;
	char *base;
};

static int conf_line(void *ud, unsigned line, char **fl, unsigned nf, char *eb, size_t el)
{
	struct conf_ld *c = ud;
	if (nf < 3 || nf > 4) {
		snprintf(eb, el, "expected NAME<TAB>FORMAT<TAB>PATH[<TAB>allow], got %u fields", nf);
		return -1;
	}
	size_t nl = strlen(fl[0]);
	bool name_ok = nl > 0 && nl <= 32;
	for (size_t i = 0; i < nl; i++)
		if (!(pd_isalnum((unsigned char)fl[0][i]) || fl[0][i] == '-' || fl[0][i] == '_' || fl[0][i] == '.'))
			name_ok = false;
	if (!name_ok) {
		snprintf(eb, el, "feed name '%.40s' must be 1-32 letters, digits, '-', '_' or '.'", fl[0]);
		return -1;
	}
	for (unsigned i = 0; i < c->feeds->len; i++)
		if (strcmp(g_array_index(c->feeds, struct feed, i).name, fl[0]) == 0) {
			snprintf(eb, el, "feed name '%s' is used twice", fl[0]);
			return -1;
		}
	int fmt = -1;
	for (int i = 0; i < F_COUNT; i++)
		if (strcmp(fl[1], fmt_names[i]) == 0)
			fmt = i;
	if (fmt < 0) {
		snprintf(eb, el, "unknown format '%.40s' (openphish, phishtank-csv, phishtank-json, urlhaus, jpcert, list)", fl[1]);
		return -1;
	}
	bool allow = false;
	if (nf == 4) {
		if (strcmp(fl[3], "allow") == 0)
			allow = true;
		else if (strcmp(fl[3], "block") != 0) {
			snprintf(eb, el, "fourth field must be 'allow' or 'block', not '%.40s'", fl[3]);
			return -1;
		}
	}
	char *path = g_path_is_absolute(fl[2]) ? g_strdup(fl[2]) : g_build_filename(c->base, fl[2], NULL);
	if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
		snprintf(eb, el, "feed '%s': %s does not exist", fl[0], path);
		g_free(path);
		return -1;
	}
	struct feed fd;
	memset(&fd, 0, sizeof fd);
	fd.name = g_strdup(fl[0]);
	fd.path = path;
	fd.fmt = (enum fmt)fmt;
	fd.allow = allow;
	fd.errors = g_ptr_array_new_with_free_func(g_free);
	struct stat st;
	if (stat(path, &st) == 0) {
		time_t t = st.st_mtime;
		struct tm tm;
		if (gmtime_r(&t, &tm))
			strftime(fd.file_date, sizeof fd.file_date, "%Y-%m-%d (file date)", &tm);
	}
	g_array_append_val(c->feeds, fd);
	return 0;
}

int pd_feeds_load(const char *conf, struct pd_feeds **out, char **err)
{
	*out = NULL;
	if (!g_file_test(conf, G_FILE_TEST_IS_REGULAR)) {
		*err = g_strdup_printf("feeds configuration %s: no such file (format: docs/FEEDS.md)", conf);
		return -1;
	}
	struct pd_feeds *f = g_new0(struct pd_feeds, 1);
	f->entries = g_array_sized_new(FALSE, FALSE, sizeof(struct entry), 1024);
	f->str = g_string_chunk_new(1 << 20);
	idx_init(&f->block);
	idx_init(&f->allow);
	struct conf_ld c = { f, g_array_new(FALSE, TRUE, sizeof(struct feed)), g_path_get_dirname(conf) };
	char *e = NULL;
	int rc = pd_datafile_read(conf, 0, conf_line, &c, &e);
	g_free(c.base);
	f->nfeeds = c.feeds->len;
	f->feeds = (struct feed *)(void *)g_array_free(c.feeds, FALSE);
	if (rc != 0) {
		*err = e ? e : g_strdup_printf("%s: cannot read the feeds configuration", conf);
		pd_feeds_free(f);
		return -1;
	}
	struct pd_arena *a = pd_arena_new(0);
	GString *sum = g_string_new("");
	for (unsigned i = 0; i < f->nfeeds; i++) {
		struct feed *fd = &f->feeds[i];
		struct ld l = { f, fd, i, fd->path, 0, a };
		GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
		if (g_file_test(fd->path, G_FILE_TEST_IS_DIR))
			collect(fd->path, fd->fmt, files, 0);
		else
			g_ptr_array_add(files, g_strdup(fd->path));
		for (unsigned k = 0; k < files->len; k++) {
			load_file(&l, files->pdata[k]);
			pd_arena_reset(a);
		}
		g_ptr_array_free(files, TRUE);
		g_string_append_printf(sum, "%s%s (%s%s): %u entries", sum->len ? "; " : "", fd->name,
		                       fmt_names[fd->fmt], fd->allow ? ", allow" : "", fd->entries);
		if (fd->skipped)
			g_string_append_printf(sum, ", %u lines skipped", fd->skipped);
	}
	pd_arena_free(a);
	f->summary = g_string_free(sum, FALSE);
	*out = f;
	return 0;
}

void pd_feeds_free(struct pd_feeds *f)
{
	if (!f)
		return;
	for (unsigned i = 0; i < f->nfeeds; i++) {
		g_free(f->feeds[i].name);
		g_free(f->feeds[i].path);
		if (f->feeds[i].errors)
			g_ptr_array_free(f->feeds[i].errors, TRUE);
	}
	g_free(f->feeds);
	idx_free(&f->block);
	idx_free(&f->allow);
	if (f->entries)
		g_array_free(f->entries, TRUE);
	if (f->str)
		g_string_chunk_free(f->str);
	g_free(f->summary);
	g_free(f);
}

/* ---- matching ---- */
static unsigned find_url(const struct idx *x, struct pd_arena *a, const char *norm, enum pd_feed_how *how)
{
	unsigned id = GPOINTER_TO_UINT(g_hash_table_lookup(x->urls, norm));
	if (id) {
		*how = PD_FEED_URL;
		return id;
	}
	const char *p = strstr(norm, "://");
	if (!p)
		return 0;
	const char *path = strchr(p + 3, '/');
	if (!path)
		return 0;
	/* path prefixes, longest first: "a/b/" and "a/b" (followed by '/' or '?') */
	size_t ps = (size_t)(path - norm), n = strcspn(norm, "?");
	size_t cuts[130];
	unsigned nc = 0;
	for (size_t i = ps; i < n && nc < 64; i++)
		if (norm[i] == '/') {
			cuts[nc++] = i + 1;
			if (i > ps)
				cuts[nc++] = i;
		}
	if (n < strlen(norm) && nc < 128)
		cuts[nc++] = n;
	char *buf = pd_arena_alloc(a, n + 2);
	for (unsigned k = nc; k-- > 0;) {
		if (cuts[k] >= strlen(norm))
			continue;
		memcpy(buf, norm, cuts[k]);
		buf[cuts[k]] = '\0';
		id = GPOINTER_TO_UINT(g_hash_table_lookup(x->urls, buf));
		if (id) {
			*how = PD_FEED_URL_PREFIX;
			return id;
		}
	}
	return 0;
}

static unsigned find_name(const struct idx *x, const char *host, const char *domain, enum pd_feed_how *how)
{
	const char *h = host;
	for (unsigned guard = 0; h && *h && guard < 128; guard++) {
		unsigned id = GPOINTER_TO_UINT(g_hash_table_lookup(x->names, h));
		if (id) {
			*how = domain && strcmp(h, domain) == 0 ? PD_FEED_DOMAIN : PD_FEED_HOST;
			return id;
		}
		if (!domain || !*domain || strcmp(h, domain) == 0)
			break;
		h = strchr(h, '.');
		if (h)
			h++;
	}
	return 0;
}

static unsigned find_ip(const struct idx *x, int fam, const unsigned char *ip, enum pd_feed_how *how)
{
	unsigned max = fam == 4 ? 32 : 128;
	const bool *lens = fam == 4 ? x->len4 : x->len6;
	char key[64];
	for (unsigned b = max + 1; b-- > 0;) {
		if (!lens[b])
			continue;
		unsigned id = GPOINTER_TO_UINT(g_hash_table_lookup(x->nets, net_key(key, sizeof key, fam, ip, b)));
		if (id) {
			*how = b == max ? PD_FEED_IP : PD_FEED_NET;
			return id;
		}
	}
	return 0;
}

static unsigned find(const struct idx *x, struct pd_arena *a, const char *norm, const struct pd_feed_query *q,
                     enum pd_feed_how *how)
{
	if (!x->any)
		return 0;
	unsigned id = 0;
	if (norm)
		id = find_url(x, a, norm, how);
	if (!id && q->host && *q->host && !q->family)
		id = find_name(x, q->host, q->domain, how);
	if (!id && (q->family == 4 || q->family == 6) && q->ip)
		id = find_ip(x, q->family, q->ip, how);
	return id;
}

int pd_feeds_match(const struct pd_feeds *f, struct pd_arena *a, const struct pd_feed_query *q,
                   struct pd_feed_hit *hit)
{
	if (!f || !f->block.any)
		return 0;
	const char *norm = q->url ? pd_feed_url_normalize(a, q->url, strlen(q->url)) : NULL;
	enum pd_feed_how how = PD_FEED_URL;
	unsigned id = find(&f->block, a, norm, q, &how);
	if (!id)
		return 0;
	int rc = 1;
	enum pd_feed_how ahow = PD_FEED_URL;
	unsigned aid = find(&f->allow, a, norm, q, &ahow);
	if (aid) {
		id = aid;
		how = ahow;
		rc = 2;
	}
	const struct entry *e = &g_array_index(f->entries, struct entry, id - 1);
	hit->feed = f->feeds[e->feed].name;
	hit->entry = e->shown;
	hit->date = e->date;
	hit->note = e->note;
	hit->how = how;
	return rc;
}

const char *pd_feed_how_name(enum pd_feed_how how)
{
	switch (how) {
	case PD_FEED_URL: return "url";
	case PD_FEED_URL_PREFIX: return "url-prefix";
	case PD_FEED_HOST: return "host";
	case PD_FEED_DOMAIN: return "domain";
	case PD_FEED_IP: return "ip";
	case PD_FEED_NET: return "network";
	}
	return "?";
}

const char *pd_feeds_summary(const struct pd_feeds *f)
{
	return f && f->summary ? f->summary : "";
}

unsigned pd_feeds_count(const struct pd_feeds *f)
{
	return f ? f->nfeeds : 0;
}

void pd_feeds_info(const struct pd_feeds *f, unsigned i, struct pd_feed_info *out)
{
	memset(out, 0, sizeof *out);
	if (!f || i >= f->nfeeds)
		return;
	const struct feed *fd = &f->feeds[i];
	out->name = fd->name;
	out->format = fmt_names[fd->fmt];
	out->path = fd->path;
	out->allow = fd->allow;
	out->files = fd->files;
	out->entries = fd->entries;
	out->skipped = fd->skipped;
	out->errors = (const char *const *)fd->errors->pdata;
	out->nerrors = fd->errors->len;
}
