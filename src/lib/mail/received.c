/* received.c - Received: header parser, IP address and date helpers.
 *
 * Turns one Received: value into a struct pd_hop (see model.h).  The
 * grammar is RFC 5321 4.4 (Time-stamp-line: from/by/via/with/id/for
 * clauses, ';' date-time), but real MTAs put the interesting data in
 * comments, each in its own way: Postfix/Sendmail "helo (rdns [ip])",
 * Exim "rdns ([ip] helo=x)", qmail "rdns (HELO x) (ip)", Exchange
 * "helo (ip)", ident forms "user@rdns [ip]", "(may be forged)", ...
 * The parser is therefore a small tokenizer (words, balanced comments,
 * <angle> tokens) plus a clause state machine; comments after "from" are
 * searched for the client address, the name written next to it and
 * HELO/helo= markers.  Unknown shapes leave fields "" and never fail.
 *
 * Limits: only the first RCV_MAX_IN bytes of a value are considered,
 * at most RCV_MAX_TOK top-level tokens and RCV_MAX_CWORDS words per comment
 * are looked at, every output field is cut to RCV_FIELD_MAX bytes (on a
 * UTF-8 boundary).  No recursion: nested comments are skipped by counting.
 *
 * Dates: RFC 5322 3.3 date-time plus the obsolete forms of 4.3 (two-digit
 * years, named zones, military zones as -0000) and common deviations
 * (missing day name or seconds, full month names, fractional seconds,
 * asctime order, ISO "YYYY-MM-DD HH:MM:SS" as written by some relays).
 * The epoch is computed with days-from-civil arithmetic, not timegm().
 */
#include "mail/received.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "base/text.h"

#define RCV_MAX_IN 8192u     /* bytes of the header value considered */
#define RCV_MAX_TOK 256u     /* top-level tokens */
#define RCV_MAX_CWORDS 24u   /* words looked at inside one comment */
#define RCV_MAX_FROMC 8u     /* comments looked at in the from clause */
#define RCV_MAX_WITHW 4u     /* words joined into the "with" value */
#define RCV_FIELD_MAX 255u   /* bytes kept per output field */

/* ---------------------------------------------------------------- */
/* small string helpers                                              */

struct span {
	const char *p;
	size_t n;
};

static bool span_ieq(struct span s, const char *lit)
{
	size_t m = strlen(lit);
	return s.n == m && pd_strnieq(s.p, lit, m);
}

static bool span_iprefix(struct span s, const char *lit)
{
	size_t m = strlen(lit);
	return s.n >= m && pd_strnieq(s.p, lit, m);
}

static struct span span_trim_punct(struct span s)
{
	while (s.n && (s.p[s.n - 1] == ',' || s.p[s.n - 1] == ';'))
		s.n--;
	return s;
}

enum { F_LOWER = 1, F_HOST = 2, F_ANGLE = 4 };

/* Arena copy of s, cleaned per flags and cut to RCV_FIELD_MAX bytes. */
static const char *field(struct pd_arena *a, struct span s, unsigned how)
{
	s = span_trim_punct(s);
	if ((how & F_ANGLE) && s.n >= 1 && s.p[0] == '<') {
		s.p++, s.n--;
		if (s.n && s.p[s.n - 1] == '>')
			s.n--;
	}
	if (how & F_HOST) {
		while (s.n && s.p[s.n - 1] == '.')
			s.n--;
	}
	if (s.n > RCV_FIELD_MAX) {
		s.n = RCV_FIELD_MAX;
		/* do not split a UTF-8 sequence: back up over continuation bytes */
		while (s.n && ((unsigned char)s.p[s.n] & 0xC0u) == 0x80u)
			s.n--;
	}
	if (how & F_LOWER)
		return pd_ascii_lower(a, s.p, s.n);
	return pd_arena_strndup(a, s.p, s.n);
}

/* Offset just past the comment opened at s[i] == '(' (or n if unclosed). */
static size_t comment_end(const char *s, size_t n, size_t i)
{
	size_t depth = 0;
	for (; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			i++;
		} else if (s[i] == '(') {
			depth++;
		} else if (s[i] == ')') {
			if (--depth == 0)
				return i + 1;
		}
	}
	return n;
}

/* Could s be a host name as MTAs record them (letters, digits, - . _)? */
static bool looks_host(struct span s)
{
	bool alnum = false;
	if (s.n == 0 || s.n > 253)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (pd_isalnum(c))
			alnum = true;
		else if (c != '-' && c != '.' && c != '_')
			return false;
	}
	return alnum;
}

/* "user@host" / "IDENT:user@host" -> "host". */
static struct span after_at(struct span s)
{
	for (size_t i = s.n; i > 0; i--) {
		if (s.p[i - 1] == '@')
			return (struct span){ s.p + i, s.n - i };
	}
	return s;
}

static bool has_at(struct span s)
{
	return memchr(s.p, '@', s.n) != NULL;
}

/* ---------------------------------------------------------------- */
/* IP addresses                                                      */

/* Strict dotted quad: exactly 4 decimal parts of 1-3 digits, 0-255. */
static bool parse_v4(const char *s, size_t n, unsigned char out[4])
{
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;
		if (part > 0) {
			if (i >= n || s[i] != '.')
				return false;
			i++;
		}
		while (i < n && pd_isdigit((unsigned char)s[i]) && digits < 4) {
			v = v * 10 + (unsigned)(s[i] - '0');
			digits++, i++;
		}
		if (digits == 0 || digits > 3 || v > 255)
			return false;
		out[part] = (unsigned char)v;
	}
	return i == n;
}

static bool all_digits(const char *s, size_t n)
{
	if (n == 0 || n > 5)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!pd_isdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

static bool is_v4_mapped(const unsigned char ip[16])
{
	static const unsigned char pre[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	return memcmp(ip, pre, 12) == 0;
}

int pd_ip_parse(const char *s, size_t n, unsigned char out[16])
{
	unsigned char tmp[16];
	bool bracket = false;

	if (!s || !out)
		return 0;
	while (n && pd_isspace((unsigned char)s[0]))
		s++, n--;
	while (n && pd_isspace((unsigned char)s[n - 1]))
		n--;
	if (n && s[0] == '[') {
		const char *close = memchr(s, ']', n);
		if (!close)
			return 0;
		size_t in = (size_t)(close - s) - 1, rest = n - in - 2;
		const char *r = close + 1;
		/* "[addr]" or "[addr]:port"; the brackets make a port unambiguous */
		if (rest && !(r[0] == ':' && all_digits(r + 1, rest - 1)))
			return 0;
		s++;
		n = in;
		bracket = true;
	}
	if (n >= 5 && pd_strnieq(s, "IPv6:", 5))
		s += 5, n -= 5;
	if (n == 0 || n > 64)
		return 0;

	memset(tmp, 0, sizeof tmp);
	if (parse_v4(s, n, tmp)) {
		memcpy(out, tmp, 16);
		return 4;
	}
	/* unbracketed IPv4 with ":port" */
	if (!bracket) {
		const char *colon = memchr(s, ':', n);
		if (colon && memchr(s, '.', (size_t)(colon - s)) &&
		    parse_v4(s, (size_t)(colon - s), tmp) &&
		    all_digits(colon + 1, n - (size_t)(colon - s) - 1)) {
			memcpy(out, tmp, 16);
			return 4;
		}
	}
	/* IPv6 zone ("fe80::1%6", Exchange): not part of the address */
	const char *pct = memchr(s, '%', n);
	if (pct) {
		size_t at = (size_t)(pct - s);
		if (at + 1 >= n || n - at > 17 || !memchr(s, ':', at))
			return 0;
		for (size_t i = at + 1; i < n; i++) {
			if (!pd_isalnum((unsigned char)s[i]))
				return 0;
		}
		n = at;
	}
	/* IPv6: inet_pton wants a NUL-terminated string of sane characters */
	char buf[72];
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!pd_isxdigit(c) && c != ':' && c != '.')
			return 0;
		buf[i] = (char)c;
	}
	buf[n] = '\0';
	if (!memchr(buf, ':', n))
		return 0;
	if (inet_pton(AF_INET6, buf, tmp) != 1)
		return 0;
	memcpy(out, tmp, 16);
	return 6;
}

const char *pd_ip_format(struct pd_arena *a, int family, const unsigned char ip[16])
{
	char buf[INET6_ADDRSTRLEN + 1];
	if (family == 6 && is_v4_mapped(ip))
		return pd_arena_printf(a, "%u.%u.%u.%u", ip[12], ip[13], ip[14], ip[15]);
	if (family == 4)
		return pd_arena_printf(a, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
	if (family == 6 && inet_ntop(AF_INET6, ip, buf, sizeof buf))
		return pd_arena_strdup(a, buf);
	return "";
}

static int v4_private(const unsigned char *b)
{
	return b[0] == 10 || b[0] == 127 || b[0] == 0 ||
	       (b[0] == 172 && (b[1] & 0xF0u) == 16) ||
	       (b[0] == 192 && b[1] == 168) ||
	       (b[0] == 169 && b[1] == 254) ||
	       (b[0] == 100 && (b[1] & 0xC0u) == 64);
}

/* Documentation ranges (192.0.2/24, 2001:db8::/32, ...) are deliberately
 * NOT private: tests and golden messages use them as stand-ins for public
 * addresses. */
int pd_ip_is_private(int family, const unsigned char ip[16])
{
	static const unsigned char zero[16];
	if (family == 4)
		return v4_private(ip);
	if (family != 6)
		return 0;
	if (is_v4_mapped(ip))
		return v4_private(ip + 12);
	if (memcmp(ip, zero, 15) == 0 && (ip[15] == 1 || ip[15] == 0))
		return 1; /* ::1 and the unspecified :: */
	if ((ip[0] & 0xFEu) == 0xFC)
		return 1; /* fc00::/7 ULA */
	if (ip[0] == 0xFE && (ip[1] & 0xC0u) == 0x80)
		return 1; /* fe80::/10 link-local */
	return 0;
}

int pd_ip_is_loopback(int family, const unsigned char ip[16])
{
	static const unsigned char zero[16];
	if (family == 4)
		return ip[0] == 127;
	if (family != 6)
		return 0;
	if (is_v4_mapped(ip))
		return ip[12] == 127;
	return memcmp(ip, zero, 15) == 0 && ip[15] == 1;
}

/* ---------------------------------------------------------------- */
/* dates                                                             */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

struct dscan {
	const char *s;
	size_t n, i;
};

/* Skip white space, commas and (when comments) parenthesised comments. */
static void ds_skip(struct dscan *d)
{
	while (d->i < d->n && (pd_isspace((unsigned char)d->s[d->i]) || d->s[d->i] == ','))
		d->i++;
}

/* Read up to maxd digits; returns the count (0 if none). */
static unsigned ds_num(struct dscan *d, unsigned maxd, int *val)
{
	unsigned k = 0;
	int v = 0;
	while (d->i < d->n && k < maxd && pd_isdigit((unsigned char)d->s[d->i])) {
		v = v * 10 + (d->s[d->i] - '0');
		d->i++, k++;
	}
	if (k == maxd && d->i < d->n && pd_isdigit((unsigned char)d->s[d->i]))
		return 0; /* too many digits */
	*val = v;
	return k;
}

static struct span ds_alpha(struct dscan *d)
{
	struct span w = { d->s + d->i, 0 };
	while (d->i < d->n && pd_isalpha((unsigned char)d->s[d->i]) && w.n < 16)
		d->i++, w.n++;
	return w;
}

static int month_of(struct span w)
{
	static const char *const mon[12] = { "january", "february", "march", "april", "may", "june",
		"july", "august", "september", "october", "november", "december" };
	if (w.n < 3)
		return 0;
	for (int m = 0; m < 12; m++) {
		size_t full = strlen(mon[m]);
		if (w.n <= full && pd_strnieq(w.p, mon[m], w.n))
			return m + 1;
	}
	if (span_ieq(w, "sept"))
		return 9;
	return 0;
}

static bool is_dayname(struct span w)
{
	static const char *const day[7] = { "monday", "tuesday", "wednesday", "thursday",
		"friday", "saturday", "sunday" };
	if (w.n < 3)
		return false;
	for (int k = 0; k < 7; k++) {
		size_t full = strlen(day[k]);
		if (w.n <= full && pd_strnieq(w.p, day[k], w.n))
			return true;
	}
	return span_ieq(w, "tues") || span_ieq(w, "thur") || span_ieq(w, "thurs");
}

/* Named zones: RFC 5322 4.3 plus common ones seen in mail. */
static bool zone_name(struct span w, int *minutes)
{
	static const struct {
		const char *name;
		int min;
	} z[] = {
		{ "UT", 0 }, { "UTC", 0 }, { "GMT", 0 }, { "Z", 0 }, { "WET", 0 },
		{ "EST", -300 }, { "EDT", -240 }, { "CST", -360 }, { "CDT", -300 },
		{ "MST", -420 }, { "MDT", -360 }, { "PST", -480 }, { "PDT", -420 },
		{ "AKST", -540 }, { "AKDT", -480 }, { "HST", -600 }, { "AST", -240 }, { "ADT", -180 },
		{ "NST", -210 }, { "NDT", -150 },
		{ "BST", 60 }, { "IST", 60 }, { "WEST", 60 }, { "CET", 60 }, { "MET", 60 },
		{ "CEST", 120 }, { "MEST", 120 }, { "MESZ", 120 }, { "MEZ", 60 },
		{ "EET", 120 }, { "EEST", 180 }, { "MSK", 180 },
		{ "JST", 540 }, { "KST", 540 }, { "HKT", 480 }, { "SGT", 480 }, { "AWST", 480 },
		{ "ACST", 570 }, { "ACDT", 630 }, { "AEST", 600 }, { "AEDT", 660 },
		{ "NZST", 720 }, { "NZDT", 780 },
	};
	for (size_t k = 0; k < sizeof z / sizeof z[0]; k++) {
		if (span_ieq(w, z[k].name)) {
			*minutes = z[k].min;
			return true;
		}
	}
	/* obsolete military zones: RFC 5322 says to treat them as -0000 */
	if (w.n == 1 && pd_isalpha((unsigned char)w.p[0]) && pd_tolower((unsigned char)w.p[0]) != 'j') {
		*minutes = 0;
		return true;
	}
	return false;
}

/* HH:MM[:SS[.frac]] */
static bool ds_time(struct dscan *d, int *h, int *mi, int *sec)
{
	if (ds_num(d, 2, h) == 0 || d->i >= d->n || d->s[d->i] != ':')
		return false;
	d->i++;
	if (ds_num(d, 2, mi) != 2)
		return false;
	*sec = 0;
	if (d->i < d->n && d->s[d->i] == ':') {
		d->i++;
		if (ds_num(d, 2, sec) != 2)
			return false;
		if (d->i < d->n && (d->s[d->i] == '.' || d->s[d->i] == ',')) {
			size_t k = 0;
			d->i++;
			while (d->i < d->n && pd_isdigit((unsigned char)d->s[d->i]) && k < 12)
				d->i++, k++;
		}
	}
	return true;
}

/* Zone at the scan position: +HHMM, +HH:MM, +HH or a name.  Returns
 * false (and does not move) when there is none. */
static bool ds_zone(struct dscan *d, int *tz)
{
	size_t save = d->i;
	if (d->i < d->n && (d->s[d->i] == '+' || d->s[d->i] == '-')) {
		int sign = d->s[d->i] == '-' ? -1 : 1, hh = 0, mm = 0;
		unsigned k;
		d->i++;
		k = ds_num(d, 4, &hh);
		if (k == 4) {
			mm = hh % 100;
			hh /= 100;
		} else if (k == 2 && d->i < d->n && d->s[d->i] == ':') {
			d->i++;
			if (ds_num(d, 2, &mm) != 2)
				goto bad;
		} else if (k != 2 && k != 1) {
			goto bad;
		}
		if (hh > 23 || mm > 59)
			goto bad;
		*tz = sign * (hh * 60 + mm);
		return true;
	}
	struct span w = ds_alpha(d);
	if (w.n && (d->i >= d->n || !pd_isalnum((unsigned char)d->s[d->i])) && zone_name(w, tz))
		return true;
bad:
	d->i = save;
	return false;
}

/* Optional "AM"/"PM" after a 12-hour clock time. */
static bool ds_ampm(struct dscan *d, int *h)
{
	size_t save = d->i;
	ds_skip(d);
	struct span w = ds_alpha(d);
	bool am = span_ieq(w, "am"), pm = span_ieq(w, "pm");
	if (!am && !pm) {
		d->i = save;
		return true;
	}
	if (*h < 1 || *h > 12)
		return false;
	if (am && *h == 12)
		*h = 0;
	else if (pm && *h != 12)
		*h += 12;
	return true;
}

static bool ds_peek_digit(const struct dscan *d)
{
	return d->i < d->n && pd_isdigit((unsigned char)d->s[d->i]);
}

static int fix_year(int y, unsigned digits)
{
	if (digits == 2)
		return y < 50 ? 2000 + y : 1900 + y;
	if (digits == 3 || (digits == 4 && y < 1000))
		return 1900 + y; /* "0102": tm_year printed as a year */
	return y;
}

int pd_date_parse(const char *s, size_t n, int64_t *epoch, int *tz)
{
	struct dscan d = { s, n, 0 };
	int day = 0, mon = 0, year = 0, h = 0, mi = 0, sec = 0, zone = 0;
	bool have_zone = false, have_time = false;
	unsigned yd = 0;

	if (!s || !epoch || !tz)
		return -1;
	if (d.n > 256)
		d.n = 256; /* a date is short; the rest is comments */
	ds_skip(&d);
	/* "(version=... bits=128/128) Wed, 1 Mar 2023 ...": leading comments */
	for (int k = 0; k < 4 && d.i < d.n && d.s[d.i] == '('; k++) {
		d.i = comment_end(d.s, d.n, d.i);
		ds_skip(&d);
	}

	if (ds_peek_digit(&d)) {
		size_t save = d.i;
		int v = 0;
		unsigned k = ds_num(&d, 4, &v);
		if (k == 4 && d.i < d.n && d.s[d.i] == '-') {
			/* ISO 8601: YYYY-MM-DD[T ]HH:MM[:SS[.f]] */
			year = v, yd = 4;
			d.i++;
			if (ds_num(&d, 2, &mon) == 0 || d.i >= d.n || d.s[d.i] != '-')
				return -1;
			d.i++;
			if (ds_num(&d, 2, &day) == 0)
				return -1;
			if (d.i < d.n && (d.s[d.i] == 'T' || d.s[d.i] == 't'))
				d.i++;
			ds_skip(&d);
			if (!ds_time(&d, &h, &mi, &sec))
				return -1;
			have_time = true;
			if (d.i < d.n && (d.s[d.i] == 'Z' || d.s[d.i] == 'z')) {
				d.i++;
				have_zone = true;
			}
			goto zone;
		}
		d.i = save;
	} else {
		/* optional day name, then either "DD Mon" or asctime "Mon DD" */
		size_t save = d.i;
		struct span w = ds_alpha(&d);
		if (w.n && is_dayname(w) && (d.i >= d.n || !pd_isalpha((unsigned char)d.s[d.i]))) {
			if (d.i < d.n && d.s[d.i] == '.')
				d.i++;
			ds_skip(&d);
		} else {
			d.i = save;
		}
	}

	if (ds_peek_digit(&d)) {
		if (ds_num(&d, 2, &day) == 0)
			return -1;
		if (d.i < d.n && d.s[d.i] == '/') {
			/* qmail-scanner "DD/MM/YYYY HH:MM:SS" (day first unless
			 * that cannot be) */
			d.i++;
			if (ds_num(&d, 2, &mon) == 0 || d.i >= d.n || d.s[d.i] != '/')
				return -1;
			d.i++;
			yd = ds_num(&d, 4, &year);
			if (yd != 4)
				return -1;
			if (mon > 12 && day <= 12) {
				int t = mon;
				mon = day;
				day = t;
			}
			goto clock;
		}
		if (d.i < d.n && (d.s[d.i] == '-' || d.s[d.i] == ' '))
			d.i++;
		ds_skip(&d);
		mon = month_of(ds_alpha(&d));
		if (mon == 0)
			return -1;
		if (d.i < d.n && (d.s[d.i] == '-' || d.s[d.i] == '.'))
			d.i++;
		ds_skip(&d);
		yd = ds_num(&d, 4, &year);
		if (yd < 2)
			return -1;
	} else {
		/* month first: asctime "Mon DD HH:MM:SS [zone] YYYY", or
		 * "Mon, DD YYYY HH:MM:SS [AM]" */
		mon = month_of(ds_alpha(&d));
		if (mon == 0)
			return -1;
		ds_skip(&d);
		if (ds_num(&d, 2, &day) == 0)
			return -1;
		ds_skip(&d);
		size_t save = d.i;
		yd = ds_num(&d, 4, &year);
		if (yd == 4 && (d.i >= d.n || d.s[d.i] != ':'))
			goto have_year;
		d.i = save;
		yd = 0;
		if (!ds_time(&d, &h, &mi, &sec) || !ds_ampm(&d, &h))
			return -1;
		have_time = true;
		for (int k = 0; k < 2 && yd == 0; k++) {
			ds_skip(&d);
			if (ds_peek_digit(&d)) {
				yd = ds_num(&d, 4, &year);
				if (yd < 4)
					return -1;
			} else if (!have_zone && ds_zone(&d, &zone)) {
				have_zone = true;
			} else {
				break;
			}
		}
		if (yd == 0)
			return -1;
	}
have_year:
	year = fix_year(year, yd);
clock:
	if (!have_time) {
		ds_skip(&d);
		if (!ds_time(&d, &h, &mi, &sec) || !ds_ampm(&d, &h))
			return -1;
	}
zone:
	if (!have_zone) {
		ds_skip(&d);
		/* a missing zone is read as UTC, as RFC 5322 reads -0000 */
		if (ds_zone(&d, &zone)) {
			have_zone = true;
		} else if (d.i < d.n && d.s[d.i] == '(') {
			/* "09:14:06 (JST)": only a zone comment */
			d.i++;
			if (ds_zone(&d, &zone) && d.i < d.n && d.s[d.i] == ')')
				have_zone = true;
			else
				zone = 0;
		}
	}
	if (year < 1900 || year > 9999 || mon < 1 || mon > 12 || day < 1 ||
	    day > days_in_month(year, mon) || h > 23 || mi > 59 || sec > 60)
		return -1;

	*epoch = days_from_civil(year, (unsigned)mon, (unsigned)day) * 86400 +
	         h * 3600 + mi * 60 + sec - (int64_t)zone * 60;
	*tz = zone;
	return 0;
}

/* ---------------------------------------------------------------- */
/* tokenizer                                                         */

enum tok_kind { TK_WORD, TK_COMMENT };

struct tok {
	enum tok_kind k;
	struct span s;  /* word text, or comment text without the outer () */
};

static size_t tokenize(const char *s, size_t n, struct tok *t, size_t max)
{
	size_t i = 0, k = 0;
	while (i < n && k < max) {
		unsigned char c = (unsigned char)s[i];
		if (pd_isspace(c) || c == ')') {
			i++;
			continue;
		}
		if (c == '(') {
			size_t e = comment_end(s, n, i);
			size_t inner = e - i - 1;
			if (e <= n && e > i + 1 && s[e - 1] == ')')
				inner--;
			t[k].k = TK_COMMENT;
			t[k].s = (struct span){ s + i + 1, inner };
			k++;
			i = e;
			continue;
		}
		size_t j = i;
		if (c == '<') {
			const char *gt = memchr(s + i, '>', n - i);
			if (gt && (size_t)(gt - (s + i)) < 512)
				j = (size_t)(gt - s) + 1;
		}
		while (j < n && !pd_isspace((unsigned char)s[j]) && s[j] != '(' && s[j] != ')')
			j++;
		t[k].k = TK_WORD;
		t[k].s = (struct span){ s + i, j - i };
		k++;
		i = j;
	}
	return k;
}

/* Words of a comment, nested comments skipped, trailing commas dropped. */
static size_t comment_words(struct span c, struct span *w, size_t max)
{
	size_t i = 0, k = 0;
	while (i < c.n && k < max) {
		unsigned char ch = (unsigned char)c.p[i];
		if (pd_isspace(ch) || ch == ')') {
			i++;
			continue;
		}
		if (ch == '(') {
			i = comment_end(c.p, c.n, i);
			continue;
		}
		size_t j = i;
		while (j < c.n && !pd_isspace((unsigned char)c.p[j]) && c.p[j] != '(' && c.p[j] != ')')
			j++;
		w[k] = span_trim_punct((struct span){ c.p + i, j - i });
		if (w[k].n)
			k++;
		i = j;
	}
	return k;
}

/* ---------------------------------------------------------------- */
/* the hop                                                           */

enum kw { KW_NONE = -1, KW_FROM, KW_BY, KW_VIA, KW_WITH, KW_ID, KW_FOR, KW_N };

static enum kw keyword(struct span w)
{
	static const char *const names[KW_N] = { "from", "by", "via", "with", "id", "for" };
	for (int k = 0; k < KW_N; k++) {
		if (span_ieq(w, names[k]))
			return (enum kw)k;
	}
	return KW_NONE;
}

struct fromside {
	struct span name;        /* first word after "from" */
	struct span helo;        /* from HELO x / EHLO x / helo=x */
	struct span rdns;        /* the name written next to the address */
	unsigned char ip[16];
	int fam;
	bool pickup;             /* "mail pickup service" (Exchange) */
};

static int ip_of_word(struct span w, unsigned char ip[16])
{
	int f = pd_ip_parse(w.p, w.n, ip);
	if (!f && has_at(w)) {
		struct span h = after_at(w);
		f = pd_ip_parse(h.p, h.n, ip);
	}
	return f;
}

/* Look into one comment of the from clause. */
static void from_comment(struct span c, struct fromside *fs)
{
	struct span w[RCV_MAX_CWORDS];
	size_t k = comment_words(c, w, RCV_MAX_CWORDS);
	bool had_ip = fs->fam != 0;

	for (size_t i = 0; i < k; i++) {
		unsigned char ip[16];
		if (span_iprefix(w[i], "helo=")) {
			if (w[i].n > 5 && !fs->helo.n)
				fs->helo = (struct span){ w[i].p + 5, w[i].n - 5 };
			continue;
		}
		if (span_ieq(w[i], "helo") || span_ieq(w[i], "ehlo")) {
			if (i + 1 < k && !fs->helo.n)
				fs->helo = w[i + 1];
			i++;
			continue;
		}
		if (span_iprefix(w[i], "port=") || span_iprefix(w[i], "ident="))
			continue;
		if (had_ip)
			continue;
		int f = ip_of_word(w[i], ip);
		if (f == 0)
			continue;
		memcpy(fs->ip, ip, 16);
		fs->fam = f;
		had_ip = true;
		/* the word before the address is the receiver's name for it */
		if (i > 0 && !fs->rdns.n) {
			struct span h = after_at(w[i - 1]);
			unsigned char dummy[16];
			if (looks_host(h) && !pd_ip_parse(h.p, h.n, dummy) &&
			    !span_ieq(w[i - 1], "helo") && !span_ieq(w[i - 1], "ehlo"))
				fs->rdns = h;
		}
	}
	/* Sendmail ident form without address: "(user@host)" */
	if (k == 1 && !had_ip && !fs->rdns.n && has_at(w[0])) {
		struct span h = after_at(w[0]);
		if (looks_host(h))
			fs->rdns = h;
	}
}

static bool span_is_ip(struct span s)
{
	unsigned char ip[16];
	return s.n && pd_ip_parse(s.p, s.n, ip) != 0;
}

static bool comment_has(struct span c, const char *needle)
{
	return pd_memcasemem(c.p, c.n, needle) != NULL;
}

/* Could word a start a date (used when there is no ';')? */
static bool date_start(struct span a)
{
	size_t k = 0;
	while (k < a.n && pd_isalpha((unsigned char)a.p[k]))
		k++;
	if (k >= 3 && (k == a.n || (k + 1 == a.n && a.p[k] == ',')) && is_dayname((struct span){ a.p, k }))
		return true;
	/* YYYY-MM-DD */
	return a.n == 10 && pd_isdigit((unsigned char)a.p[0]) && pd_isdigit((unsigned char)a.p[3]) &&
	       a.p[4] == '-' && a.p[7] == '-';
}

/* Offsets of the first and last ';' outside comments (n if none). */
static void find_semis(const char *s, size_t n, size_t *first, size_t *last)
{
	size_t depth = 0;
	*first = *last = n;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && depth)
			depth--;
		else if (s[i] == ';' && depth == 0) {
			if (*first == n)
				*first = i;
			*last = i;
		}
	}
	if (*first == n) {
		/* unbalanced comment: fall back to any ';' */
		const char *p = memchr(s, ';', n);
		if (p) {
			*first = (size_t)(p - s);
			for (size_t i = n; i > *first; i--) {
				if (s[i - 1] == ';') {
					*last = i - 1;
					break;
				}
			}
		}
	}
}

static void set_date(struct pd_arena *a, struct pd_hop *hop, struct span d)
{
	int64_t t;
	int tz;
	while (d.n && pd_isspace((unsigned char)d.p[0]))
		d.p++, d.n--;
	hop->date_raw = field(a, d, 0);
	if (pd_date_parse(d.p, d.n, &t, &tz) == 0) {
		hop->time = t;
		hop->tz_minutes = tz;
		hop->flags |= PD_HOP_HAS_DATE;
	}
}

int pd_received_parse(struct pd_arena *a, const char *val, size_t len, struct pd_hop *hop)
{
	struct tok toks[RCV_MAX_TOK];
	struct fromside fs;
	struct span by = { "", 0 }, with = { "", 0 }, id = { "", 0 }, forv = { "", 0 };
	struct span bycmt[RCV_MAX_FROMC];
	size_t nbycmt = 0, nfromc = 0, nwithw = 0;
	struct span fromc[RCV_MAX_FROMC], fromw[RCV_MAX_FROMC];
	size_t nfromw = 0;
	bool seen[KW_N] = { false };
	bool with_done = false;
	bool exim = false; /* an "(Exim x.y)" comment: the from name is the rDNS */
	bool local_note = false;
	enum kw cur = KW_NONE;
	size_t n, first, last, ntok;
	char *s;

	if (!hop)
		return 0;
	memset(hop, 0, sizeof *hop);
	memset(&fs, 0, sizeof fs);
	hop->raw = hop->helo = hop->rdns = hop->ip = hop->by = hop->with = "";
	hop->id = hop->for_addr = hop->date_raw = "";
	if (!a)
		return 0;
	if (!val)
		len = 0;
	if (len > RCV_MAX_IN)
		len = RCV_MAX_IN;

	{
		size_t sn = 0;
		char *clean = pd_utf8_sanitize(a, val ? val : "", len, &sn);
		s = pd_collapse_ws(a, clean, sn);
	}
	n = strlen(s);
	hop->raw = s;

	/* date: after the last top-level ';'; the clauses: before the first */
	find_semis(s, n, &first, &last);
	if (last < n) {
		set_date(a, hop, (struct span){ s + last + 1, n - last - 1 });
		if (!(hop->flags & PD_HOP_HAS_DATE) && first < last) {
			/* "...; date; junk": try a few earlier segments */
			unsigned tries = 0;
			for (size_t i = last; i > first && tries < 8; i--) {
				if (s[i - 1] != ';')
					continue;
				tries++;
				struct pd_hop tmp = *hop;
				set_date(a, &tmp, (struct span){ s + i, last - i });
				if (tmp.flags & PD_HOP_HAS_DATE) {
					*hop = tmp;
					break;
				}
			}
		}
	}
	ntok = tokenize(s, first, toks, RCV_MAX_TOK);

	for (size_t i = 0; i < ntok; i++) {
		struct tok *t = &toks[i];
		if (t->k == TK_WORD) {
			enum kw k = keyword(t->s);
			if (k != KW_NONE && !seen[k]) {
				seen[k] = true;
				cur = k;
				continue;
			}
			/* no ';': some relays (SendGrid) write the date after the id */
			if (first == n && (seen[KW_BY] || seen[KW_FROM]) && i > 1 && date_start(t->s)) {
				int64_t et;
				int tz;
				size_t off = (size_t)(t->s.p - s);
				if (pd_date_parse(s + off, n - off, &et, &tz) == 0) {
					set_date(a, hop, (struct span){ s + off, n - off });
					break;
				}
			}
		}
		if (t->k == TK_COMMENT && cur != KW_FROM && comment_has(t->s, "exim"))
			exim = true;
		switch (cur) {
		case KW_FROM:
			if (t->k == TK_COMMENT) {
				if (nfromc < RCV_MAX_FROMC)
					fromc[nfromc++] = t->s;
			} else if (!fs.name.n) {
				fs.name = t->s;
			} else if (nfromw < RCV_MAX_FROMC) {
				fromw[nfromw++] = t->s;
			}
			break;
		case KW_BY:
			if (t->k == TK_COMMENT) {
				if (nbycmt < RCV_MAX_FROMC)
					bycmt[nbycmt++] = t->s;
			} else if (!by.n) {
				by = t->s;
			}
			break;
		case KW_WITH:
			if (t->k == TK_COMMENT) {
				with_done = with.n > 0;
			} else if (!with_done && nwithw < RCV_MAX_WITHW) {
				if (!with.n)
					with = t->s;
				else
					with.n = (size_t)(t->s.p + t->s.n - with.p);
				nwithw++;
			}
			break;
		case KW_ID:
			if (t->k == TK_WORD && !id.n)
				id = t->s;
			break;
		case KW_FOR:
			if (t->k == TK_WORD && !forv.n)
				forv = t->s;
			break;
		case KW_VIA:
		case KW_NONE:
		default:
			/* leading comments: "(qmail 1 invoked by uid 0)", "(from user@localhost)" */
			if (t->k == TK_COMMENT &&
			    (comment_has(t->s, "invoked by uid") || comment_has(t->s, "invoked by alias") ||
			     (t->s.n >= 5 && pd_strnieq(t->s.p, "from ", 5))))
				local_note = true;
			break;
		}
	}

	if (seen[KW_FROM] || seen[KW_BY])
		hop->flags |= PD_HOP_PARSED;

	/* ---- the client side ---- */
	for (size_t i = 0; i < nfromc; i++)
		from_comment(fromc[i], &fs);
	for (size_t i = 0; i < nfromw && !fs.fam; i++) {
		unsigned char ip[16];
		int f = ip_of_word(fromw[i], ip);
		if (f) {
			memcpy(fs.ip, ip, 16);
			fs.fam = f;
		}
	}
	for (size_t i = 0; i < nfromw; i++) {
		if (span_ieq(fromw[i], "pickup"))
			fs.pickup = true;
	}
	for (size_t i = 0; i < nbycmt; i++) {
		if (comment_has(bycmt[i], "from userid") || comment_has(bycmt[i], "from uid"))
			local_note = true;
	}
	bool name_is_ip = span_is_ip(fs.name);
	if (!fs.fam && name_is_ip)
		fs.fam = pd_ip_parse(fs.name.p, fs.name.n, fs.ip);

	struct span helo = fs.helo, rdns = fs.rdns;
	if (!helo.n) {
		/* one name outside the parentheses: it is the HELO name; for
		 * Exim it is the rDNS name and the HELO was the same */
		helo = fs.name;
		if (exim && !rdns.n && !name_is_ip)
			rdns = fs.name;
	} else if (!rdns.n && !name_is_ip) {
		/* qmail "(HELO x)", Exim "helo=x": the name outside is the rDNS */
		rdns = fs.name;
	}
	if (span_ieq(helo, "unknown"))
		helo.n = 0;
	if (span_ieq(rdns, "unknown") || span_is_ip(rdns) || !looks_host(rdns))
		rdns.n = 0;

	/* Exim "with local" / "local-esmtp": a local user submitted it (a
	 * claimed address next to it means a forged line, not a local one) */
	bool with_local = with.n >= 5 && pd_strnieq(with.p, "local", 5) && !fs.fam;
	if (with_local || fs.pickup)
		helo.n = rdns.n = 0; /* "from user by host with local", "from mail pickup service" */

	/* IP literals keep their spelling ("[IPv6:...]"); names are lower-cased */
	hop->helo = field(a, helo, (helo.n && helo.p[0] == '[') ? F_HOST : F_LOWER | F_HOST);
	hop->rdns = field(a, rdns, F_LOWER | F_HOST);
	if (hop->helo[0]) {
		size_t hl = strlen(hop->helo);
		if (span_is_ip((struct span){ hop->helo, hl }))
			hop->flags |= PD_HOP_HELO_IPLIT;
	}
	if (fs.fam) {
		if (fs.fam == 6 && is_v4_mapped(fs.ip)) {
			memmove(fs.ip, fs.ip + 12, 4);
			memset(fs.ip + 4, 0, 12);
			fs.fam = 4;
		}
		hop->ip_family = fs.fam;
		memcpy(hop->ip_bytes, fs.ip, 16);
		hop->ip = pd_ip_format(a, fs.fam, fs.ip);
		if (pd_ip_is_private(fs.fam, fs.ip))
			hop->flags |= PD_HOP_IP_PRIVATE;
		if (pd_ip_is_loopback(fs.fam, fs.ip))
			hop->flags |= PD_HOP_IP_LOOPBACK;
	}

	/* ---- the receiving side ---- */
	hop->by = field(a, by, F_LOWER | F_HOST);
	hop->with = field(a, with, 0);
	hop->id = field(a, id, F_ANGLE);
	hop->for_addr = field(a, forv, F_ANGLE);

	if (local_note || with_local || fs.pickup || (seen[KW_BY] && !seen[KW_FROM]) ||
	    (!fs.fam && span_ieq(with, "lmtp")))
		hop->flags |= PD_HOP_LOCAL;
	return 0;
}
