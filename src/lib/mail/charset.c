/* charset.c - bytes in any charset seen in real mail -> valid UTF-8.
 *
 * Labels are canonicalised (Shift_JIS -> CP932, Latin-1 -> windows-1252,
 * GB2312 -> GB18030, KS C 5601 -> CP949, ...).  ISO-2022-JP (RFC 1468 with
 * the CP50220 / ISO-2022-JP-MS, -2 and -3 extensions, best effort) is
 * decoded by our own linear state machine through 94x94 tables built once
 * per process from glibc iconv (JIS X 0208 via the algebraic JIS->Shift_JIS
 * transform and CP932, so NEC row 13 and the NEC-selected IBM rows work).
 * Everything else goes through iconv, opened per call (about 0.3 us).
 * Mislabelled and unlabelled Japanese text (UTF-8, CP932, EUC-JP,
 * ISO-2022-JP) is recognised by validity checks and kana scoring.
 * RFC 2047 encoded words and RFC 2231 extended values are decoded here.
 * Output is valid UTF-8 without NUL, cut on a character boundary at
 * max_out.  Every loop is bounded by its input; there is no recursion.
 */
#include "mail/charset.h"

#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "base/text.h"

#define MAX_LABEL 64
#define REPL_LEN 3
static const char REPL[REPL_LEN] = {(char)0xEF, (char)0xBF, (char)0xBD};

/* ---- output builder -------------------------------------------------- */

struct out {
	struct pd_arena *a;
	char *p;
	size_t n, cap, max;
	unsigned flags;
	bool full;
};

static void out_init(struct out *o, struct pd_arena *a, size_t max, size_t hint)
{
	if (max > SIZE_MAX / 8)
		max = SIZE_MAX / 8;
	o->a = a;
	o->max = max;
	o->n = 0;
	o->flags = 0;
	o->full = false;
	o->cap = hint < max ? hint : max;
	if (o->cap < 64)
		o->cap = 64;
	o->p = pd_arena_alloc_raw(a, o->cap + 1);
}

/* Room for k more bytes?  Grows the buffer; past max, marks truncation. */
static bool out_room(struct out *o, size_t k)
{
	if (o->full)
		return false;
	if (k > o->max - o->n) {
		o->full = true;
		o->flags |= PD_CS_TRUNCATED;
		return false;
	}
	if (k > o->cap - o->n) {
		size_t nc = o->cap < o->max / 2 ? o->cap * 2 : o->max;
		if (nc < o->n + k)
			nc = o->n + k;
		o->p = pd_arena_realloc(o->a, o->p, o->cap + 1, nc + 1);
		o->cap = nc;
	}
	return true;
}

/* One whole character (or an ASCII run: any cut is a boundary). */
static void out_put(struct out *o, const void *p, size_t k)
{
	if (out_room(o, k)) {
		memcpy(o->p + o->n, p, k);
		o->n += k;
	}
}

static void out_bad(struct out *o)
{
	o->flags |= PD_CS_INVALID;
	out_put(o, REPL, REPL_LEN);
}

static void out_cp(struct out *o, uint32_t cp)
{
	char b[4];
	if (cp == 0)
		return;
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
		out_bad(o);
		return;
	}
	out_put(o, b, pd_utf8_encode(cp, b));
}

/* ASCII run of s[0..n): copies what fits, dropping NUL bytes. */
static void out_ascii(struct out *o, const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n && !o->full) {
		size_t j = i;
		while (j < n && s[j] != 0)
			j++;
		size_t k = j - i;
		bool cut = k > o->max - o->n;
		if (cut)
			k = o->max - o->n;
		if (k && out_room(o, k)) {
			memcpy(o->p + o->n, s + i, k);
			o->n += k;
		}
		if (cut) {
			o->full = true;
			o->flags |= PD_CS_TRUNCATED;
		}
		i = j + 1;
	}
}

/* Length of the invalid sequence at s: a lead byte and the continuation
 * bytes that fit it (a "maximal subpart", one U+FFFD for a cut char). */
static size_t utf8_bad_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t need = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 1;
	size_t k = 1;
	while (k < need && k < n && (s[k] & 0xC0) == 0x80) {
		if (k == 1 && ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0) ||
		               (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90)))
			break;
		k++;
	}
	return k;
}

/* Eight bytes at p all ASCII, none of them ESC (0x1B) nor NUL? */
static inline bool plain_ascii8(const unsigned char *p)
{
	uint64_t x;
	memcpy(&x, p, 8);
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t e = x ^ (ones * 0x1B);
	return ((x | ((x - ones) & ~x) | ((e - ones) & ~e)) & highs) == 0;
}

/* Arbitrary bytes as UTF-8: valid sequences copied, the rest U+FFFD. */
static void out_utf8(struct out *o, const unsigned char *s, size_t n)
{
	size_t i = 0;
	if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
		i = 3; /* a leading BOM says nothing to the reader */
	while (i < n && !o->full) {
		/* longest run of valid, NUL-free UTF-8 */
		size_t j = i;
		while (j < n) {
			if (j + 8 <= n && plain_ascii8(s + j)) {
				j += 8;
				continue;
			}
			if (s[j] >= 0x01 && s[j] < 0x80) {
				j++;
				continue;
			}
			size_t l = s[j] ? pd_utf8_seqlen(s + j, n - j) : 0;
			if (!l)
				break;
			j += l;
		}
		if (j > i) {
			size_t k = j - i;
			bool cut = k > o->max - o->n;
			if (cut) {
				k = o->max - o->n;
				while (k > 0 && (s[i + k] & 0xC0) == 0x80)
					k--; /* back to a character boundary */
			}
			if (k && out_room(o, k)) {
				memcpy(o->p + o->n, s + i, k);
				o->n += k;
			}
			if (cut) {
				o->full = true;
				o->flags |= PD_CS_TRUNCATED;
				return;
			}
			i = j;
			continue;
		}
		if (s[i] == 0) {
			i++;
		} else {
			out_bad(o);
			i += utf8_bad_len(s + i, n - i);
		}
	}
}

/* ---- iconv ------------------------------------------------------------ */

/* Convert with glibc iconv; false if the charset cannot be opened. */
static bool out_iconv(struct out *o, const char *from, const unsigned char *s, size_t n)
{
	iconv_t cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1)
		return false;
	char buf[8192];
	char *ip = (char *)(uintptr_t)s;
	size_t il = n;
	while (il > 0 && !o->full) {
		char *op = buf;
		size_t ol = sizeof buf;
		size_t r = iconv(cd, &ip, &il, &op, &ol);
		int e = errno;
		/* iconv's own output is UTF-8, but an input NUL gives NUL */
		out_utf8(o, (const unsigned char *)buf, (size_t)(op - buf));
		if (r != (size_t)-1 || e == E2BIG)
			continue;
		out_bad(o);
		if (e == EILSEQ) {
			ip++;
			il--;
			iconv(cd, NULL, NULL, NULL, NULL);
		} else {
			break; /* EINVAL: incomplete sequence at the end */
		}
	}
	char *op = buf;
	size_t ol = sizeof buf;
	if (iconv(cd, NULL, NULL, &op, &ol) != (size_t)-1)
		out_utf8(o, (const unsigned char *)buf, (size_t)(op - buf));
	iconv_close(cd);
	return true;
}

/* WINDOWS-1252 (and ISO-8859-1, read as browsers read it) without iconv,
 * which spent ~10 instructions a byte on it: the same characters and the
 * same U+FFFD for the five undefined bytes (0x81 0x8D 0x8F 0x90 0x9D) as
 * glibc's converter (tests/unit/test_charset.c compares all 256 bytes). */
static const uint16_t cp1252_80[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,
	0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
	0x0153, 0, 0x017E, 0x0178,
};

static void out_cp1252(struct out *o, const unsigned char *s, size_t n)
{
	char buf[4096];
	size_t k = 0, i = 0;
	while (i < n && !o->full) {
		unsigned c = s[i];
		if (c >= 0x80) {
			unsigned cp = c >= 0xA0 ? c : cp1252_80[c - 0x80];
			if (!cp) {
				out_utf8(o, (const unsigned char *)buf, k);
				k = 0;
				out_bad(o);
				i++;
				continue;
			}
			if (cp < 0x800) {
				buf[k++] = (char)(0xC0 | cp >> 6);
				buf[k++] = (char)(0x80 | (cp & 0x3F));
			} else {
				buf[k++] = (char)(0xE0 | cp >> 12);
				buf[k++] = (char)(0x80 | ((cp >> 6) & 0x3F));
				buf[k++] = (char)(0x80 | (cp & 0x3F));
			}
		} else {
			buf[k++] = (char)c;
		}
		i++;
		if (k > sizeof buf - 4) {
			out_utf8(o, (const unsigned char *)buf, k);
			k = 0;
		}
	}
	if (k && !o->full)
		out_utf8(o, (const unsigned char *)buf, k);
}

/* ---- 94x94 tables for the ISO-2022 decoder ----------------------------- */

enum tab { T_0208, T_0212, T_0213_1, T_0213_2, T_GB2312, T_KSC5601, T_COUNT };

/* Code point per cell; 0 = undefined.  Bits 24..31 index a combining
 * mark that follows (JIS X 0213 has a few two-code-point cells). */
static uint32_t tables[T_COUNT][94 * 94];
static pthread_once_t table_once[T_COUNT] = {
	PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT,
	PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT,
};
static const uint32_t combining[] = {0, 0x309A, 0x0300, 0x0301, 0x02E5, 0x02E9};
#define NCOMBINING (sizeof combining / sizeof combining[0])

/* JIS X 0208 row/cell (0x21..0x7E) to Shift_JIS, the usual algebra. */
static void jis_to_sjis(unsigned j1, unsigned j2, unsigned char out[2])
{
	out[0] = (unsigned char)(((j1 + 1) >> 1) + (j1 <= 0x5E ? 0x70 : 0xB0));
	if (j1 & 1)
		out[1] = (unsigned char)(j2 + (j2 <= 0x5F ? 0x1F : 0x20));
	else
		out[1] = (unsigned char)(j2 + 0x7E);
}

static void build_table(enum tab t)
{
	static const char *const cs[T_COUNT] = {
		"CP932", "EUC-JP-MS", "EUC-JISX0213", "EUC-JISX0213", "EUC-CN", "CP949",
	};
	iconv_t cd = iconv_open("UTF-8", cs[t]);
	if (cd == (iconv_t)-1 && t == T_0212)
		cd = iconv_open("UTF-8", "EUC-JP");
	if (cd == (iconv_t)-1)
		return; /* table stays empty: every cell decodes to U+FFFD */
	for (unsigned r = 0; r < 94; r++) {
		for (unsigned c = 0; c < 94; c++) {
			unsigned char in[3];
			size_t inl = 2;
			if (t == T_0208) {
				jis_to_sjis(r + 0x21, c + 0x21, in);
				/* Rows 0x75-0x78 are free in CP50220; au (KDDI) mail
				 * puts its emoji there.  Their Shift_JIS is the algebra
				 * plus 0x0B00 (EB->F6, EC->F7), and CP932's PUA value
				 * for that is KDDI's own code point (F659 -> U+E481). */
				if (r + 0x21 >= 0x75 && r + 0x21 <= 0x78)
					in[0] = (unsigned char)(in[0] + 0x0B);
			} else if (t == T_0212 || t == T_0213_2) {
				in[0] = 0x8F;
				in[1] = (unsigned char)(r + 0xA1);
				in[2] = (unsigned char)(c + 0xA1);
				inl = 3;
			} else {
				in[0] = (unsigned char)(r + 0xA1);
				in[1] = (unsigned char)(c + 0xA1);
			}
			char ob[16];
			char *ip = (char *)in, *op = ob;
			size_t il = inl, ol = sizeof ob;
			size_t rc = iconv(cd, &ip, &il, &op, &ol);
			if (rc != (size_t)-1)
				rc = iconv(cd, NULL, NULL, &op, &ol);
			iconv(cd, NULL, NULL, NULL, NULL);
			if (rc == (size_t)-1 || il != 0 || op == ob)
				continue;
			const unsigned char *u = (const unsigned char *)ob;
			size_t un = (size_t)(op - ob);
			uint32_t cp1, cp2 = 0;
			size_t l = pd_utf8_decode(u, un, &cp1);
			if (l < un)
				pd_utf8_decode(u + l, un - l, &cp2);
			if (cp1 == 0xFFFD || cp1 >= 0x1000000)
				continue;
			uint32_t v = cp1;
			for (unsigned k = 1; cp2 && k < NCOMBINING; k++)
				if (combining[k] == cp2)
					v |= (uint32_t)k << 24;
			tables[t][r * 94 + c] = v;
		}
	}
	iconv_close(cd);
}

static void init_0208(void) { build_table(T_0208); }
static void init_0212(void) { build_table(T_0212); }
static void init_0213_1(void) { build_table(T_0213_1); }
static void init_0213_2(void) { build_table(T_0213_2); }
static void init_gb2312(void) { build_table(T_GB2312); }
static void init_ksc5601(void) { build_table(T_KSC5601); }
static void (*const table_init[T_COUNT])(void) = {
	init_0208, init_0212, init_0213_1, init_0213_2, init_gb2312, init_ksc5601,
};

static const uint32_t *table(enum tab t)
{
	pthread_once(&table_once[t], table_init[t]);
	return tables[t];
}

/* ---- ISO-2022-JP ----------------------------------------------------- */

enum jstate { J_ASCII, J_KANA, J_2BYTE, J_UNKNOWN2 };

struct jdec {
	enum jstate st;
	enum tab set;     /* for J_2BYTE */
	bool shifted;     /* SO: half-width katakana until SI */
};

/* Recognise an escape sequence at s (s[0] == ESC).  Returns its length
 * (> 0), having updated the state; 0 if it is not ISO 2022 syntax. */
static size_t jis_escape(struct jdec *d, const unsigned char *s, size_t n, bool *unknown)
{
	size_t k = 1;
	/* ISO 2022: intermediates 0x20-0x2F, then one final 0x30-0x7E */
	while (k < n && k < 4 && s[k] >= 0x20 && s[k] <= 0x2F)
		k++;
	if (k == 1 || k >= n || s[k] < 0x30 || s[k] > 0x7E)
		return 0;
	unsigned i1 = s[1], i2 = k > 2 ? s[2] : 0, f = s[k];
	size_t len = k + 1;
	*unknown = false;
	if (k == 2 && i1 == '(') {
		if (f == 'B' || f == 'J' || f == 'H') {
			d->st = J_ASCII;
		} else if (f == 'I') {
			d->st = J_KANA;
		} else {
			d->st = J_ASCII;
			*unknown = true;
		}
	} else if (k == 2 && i1 == '$') {
		d->st = J_2BYTE;
		if (f == '@' || f == 'B')
			d->set = T_0208;
		else if (f == 'A')
			d->set = T_GB2312;
		else
			d->st = J_UNKNOWN2;
		*unknown = d->st == J_UNKNOWN2;
	} else if (k == 3 && i1 == '$' && (i2 == '(' || i2 == ')')) {
		d->st = J_2BYTE;
		if (f == '@' || f == 'B')
			d->set = T_0208;
		else if (f == 'D')
			d->set = T_0212;
		else if (f == 'O' || f == 'Q')
			d->set = T_0213_1;
		else if (f == 'P')
			d->set = T_0213_2;
		else if (f == 'C')
			d->set = T_KSC5601;
		else if (f == 'A')
			d->set = T_GB2312;
		else
			d->st = J_UNKNOWN2;
		*unknown = d->st == J_UNKNOWN2;
	} else if (k == 2 && i1 == '&' && f == '@') {
		/* JIS X 0208-1990 announcer, followed by ESC $ B */
	} else if (k == 2 && (i1 == '.' || i1 == '-')) {
		/* ISO-2022-JP-2 G2 designation (Latin-1/Greek): ignored */
	} else {
		*unknown = true;
	}
	return len;
}

/* Decode ISO-2022-JP.  Bytes >= 0x80 are taken as 8-bit half-width
 * katakana (A1-DF, old "8-bit JIS") or UTF-8 sequences, else U+FFFD. */
static void decode_2022jp(struct out *o, const unsigned char *s, size_t n)
{
	struct jdec d = {J_ASCII, T_0208, false};
	size_t i = 0;
	while (i < n && !o->full) {
		unsigned c = s[i];
		if (c == 0x1B) {
			bool unknown = false;
			size_t k = jis_escape(&d, s + i, n - i, &unknown);
			if (k == 0 || unknown)
				o->flags |= PD_CS_INVALID;
			i += k ? k : 1;
			if (k == 0)
				out_put(o, REPL, REPL_LEN);
			continue;
		}
		if (c == 0x0E) {
			d.shifted = true;
			i++;
			continue;
		}
		if (c == 0x0F) {
			d.shifted = false;
			i++;
			continue;
		}
		if (c >= 0x80) {
			size_t l = pd_utf8_seqlen(s + i, n - i);
			if (c >= 0xA1 && c <= 0xDF) {
				out_cp(o, 0xFF61 + (c - 0xA1));
				i++;
			} else if (l > 1) {
				out_put(o, s + i, l);
				i += l;
			} else {
				out_bad(o);
				i++;
			}
			continue;
		}
		if (c < 0x21 || c == 0x7F) {
			/* controls, CR/LF and space stay ASCII in every mode */
			char ch = (char)c;
			if (c)
				out_put(o, &ch, 1);
			i++;
			continue;
		}
		if (d.shifted || d.st == J_KANA) {
			if (c <= 0x5F)
				out_cp(o, 0xFF61 + (c - 0x21));
			else
				out_bad(o);
			i++;
			continue;
		}
		if (d.st == J_ASCII) {
			size_t j = i;
			while (j < n && s[j] >= 0x20 && s[j] < 0x7F)
				j++;
			out_ascii(o, s + i, j - i);
			i = j;
			continue;
		}
		if (i + 1 >= n || s[i + 1] < 0x21 || s[i + 1] > 0x7E) {
			out_bad(o); /* half a character */
			i++;
			continue;
		}
		uint32_t v = 0;
		if (d.st == J_2BYTE)
			v = table(d.set)[(c - 0x21) * 94 + (s[i + 1] - 0x21)];
		i += 2;
		if (!v) {
			out_bad(o);
			continue;
		}
		out_cp(o, v & 0xFFFFFF);
		if ((v >> 24) && (v >> 24) < NCOMBINING)
			out_cp(o, combining[v >> 24]);
	}
}

/* ---- detection --------------------------------------------------------- */

struct scan {
	size_t high;          /* bytes >= 0x80 */
	bool jis_esc;         /* an ISO-2022-JP designation */
	bool kana8_only;      /* every high byte is in A1..DF */
	size_t u8_good, u8_bad;
};

static bool is_jis_escape_at(const unsigned char *s, size_t n)
{
	if (n >= 3 && s[1] == '$' && (s[2] == 'B' || s[2] == '@'))
		return true;
	if (n >= 3 && s[1] == '(' && s[2] == 'I')
		return true;
	if (n >= 4 && s[1] == '$' && s[2] == '(' &&
	    (s[3] == 'D' || s[3] == 'O' || s[3] == 'Q' || s[3] == 'P' || s[3] == 'B'))
		return true;
	return false;
}

static void scan_bytes(const unsigned char *s, size_t n, struct scan *sc)
{
	memset(sc, 0, sizeof *sc);
	sc->kana8_only = true;
	size_t i = 0;
	while (i < n) {
		if (i + 8 <= n && plain_ascii8(s + i)) {
			i += 8;
			continue;
		}
		unsigned c = s[i];
		if (c < 0x80) {
			if (c == 0x1B && !sc->jis_esc && is_jis_escape_at(s + i, n - i))
				sc->jis_esc = true;
			i++;
			continue;
		}
		sc->high++;
		if (c < 0xA1 || c > 0xDF)
			sc->kana8_only = false;
		size_t l = pd_utf8_seqlen(s + i, n - i);
		if (l) {
			sc->u8_good++;
			sc->high += l - 1;
			for (size_t k = 1; k < l; k++)
				if (s[i + k] < 0xA1 || s[i + k] > 0xDF)
					sc->kana8_only = false;
			i += l;
		} else {
			sc->u8_bad++;
			i++;
		}
	}
}

struct jscore {
	long score;
	size_t bad, kana, pairs;
	bool cut;  /* ends inside a character */
};

static bool sjis_lead(unsigned c) { return (c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC); }
static bool sjis_trail(unsigned c) { return c >= 0x40 && c <= 0xFC && c != 0x7F; }

/* Is the Shift_JIS pair assigned in CP932? */
static bool cp932_assigned(unsigned c1, unsigned c2)
{
	if (c1 >= 0xFA)
		return c1 < 0xFC || c2 <= 0x4B;
	if (c1 >= 0xF0)
		return false; /* user-defined area: legal, but not real text */
	unsigned j1, j2;
	unsigned adj = c1 <= 0x9F ? 0x70 : 0xB0;
	if (c2 < 0x9F) {
		j1 = (c1 - adj) * 2 - 1;
		j2 = c2 - (c2 >= 0x80 ? 0x20 : 0x1F);
	} else {
		j1 = (c1 - adj) * 2;
		j2 = c2 - 0x7E;
	}
	if (j1 < 0x21 || j1 > 0x7E || j2 < 0x21 || j2 > 0x7E)
		return false;
	return table(T_0208)[(j1 - 0x21) * 94 + (j2 - 0x21)] != 0;
}

/* Scores: kana pairs count most, assigned pairs some, junk is heavy. */
static void score_sjis(const unsigned char *s, size_t n, struct jscore *sc)
{
	memset(sc, 0, sizeof *sc);
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		if (c < 0x80) {
			i++;
		} else if (c >= 0xA1 && c <= 0xDF) {
			sc->score += 1;
			i++;
		} else if (sjis_lead(c) && i + 1 == n) {
			sc->cut = true; /* cut at the end: weak evidence */
			i++;
		} else if (sjis_lead(c) && sjis_trail(s[i + 1])) {
			unsigned c2 = s[i + 1];
			sc->pairs++;
			if ((c == 0x82 && c2 >= 0x9F && c2 <= 0xF1) || (c == 0x83 && c2 >= 0x40 && c2 <= 0x96)) {
				sc->kana++;
				sc->score += 3;
			} else if (cp932_assigned(c, c2)) {
				sc->score += 2;
			} else {
				sc->score -= 2;
			}
			i += 2;
		} else {
			sc->bad++;
			sc->score -= 6;
			i++;
		}
	}
}

static void score_euc(const unsigned char *s, size_t n, struct jscore *sc)
{
	memset(sc, 0, sizeof *sc);
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		if (c < 0x80) {
			i++;
		} else if (c == 0x8E && i + 1 < n && s[i + 1] >= 0xA1 && s[i + 1] <= 0xDF) {
			sc->score += 1;
			i += 2;
		} else if (c == 0x8F && i + 2 < n && s[i + 1] >= 0xA1 && s[i + 1] <= 0xFE &&
		           s[i + 2] >= 0xA1 && s[i + 2] <= 0xFE) {
			sc->score += 1;
			i += 3;
		} else if (((c >= 0xA1 && c <= 0xFE) || c == 0x8E) && i + 1 == n) {
			sc->cut = true; /* cut at the end */
			i++;
		} else if (c == 0x8F && i + 2 >= n) {
			sc->cut = true;
			i = n;
		} else if (c >= 0xA1 && c <= 0xFE && s[i + 1] >= 0xA1 && s[i + 1] <= 0xFE) {
			unsigned c2 = s[i + 1];
			sc->pairs++;
			if ((c == 0xA4 && c2 <= 0xF3) || (c == 0xA5 && c2 <= 0xF6)) {
				sc->kana++;
				sc->score += 3;
			} else if (table(T_0208)[(c - 0xA1) * 94 + (c2 - 0xA1)]) {
				sc->score += 2;
			} else {
				sc->score -= 2;
			}
			i += 2;
		} else {
			sc->bad++;
			sc->score -= 6;
			i++;
		}
	}
}

/* Latin-1 accents sit inside words: runs of one or two high bytes with
 * ASCII letters on both sides ("Formação" reads as two CP932 kanji).
 * Japanese runs are longer and rarely glued between two letters; a run
 * ending in a Shift_JIS lead byte whose trail is the next (ASCII) byte
 * does not count ("\x8f" "d" is one kanji).  True if at least half of the
 * high-byte runs look like accents. */
static bool latin_like(const unsigned char *s, size_t n)
{
	size_t runs = 0, inword = 0;
	for (size_t i = 0; i < n;) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		size_t j = i, k = i;
		while (j < n && s[j] >= 0x80)
			j++;
		while (k < j)
			k += sjis_lead(s[k]) ? 2 : 1;
		bool sjis_tail = k > j && j < n && sjis_trail(s[j]);
		runs++;
		if (!sjis_tail && j - i <= 2 && i > 0 && pd_isalpha(s[i - 1]) && j < n && pd_isalpha(s[j]))
			inword++;
		i = j;
	}
	return runs > 0 && inword * 2 >= runs;
}

/* Japanese multibyte guess for 8-bit text that is not UTF-8: "CP932",
 * "EUC-JP", or NULL if neither is convincing. */
static const char *guess_jp(const unsigned char *s, size_t n, bool strict)
{
	struct jscore sj, eu;
	score_sjis(s, n, &sj);
	score_euc(s, n, &eu);
	const struct jscore *b = sj.score >= eu.score ? &sj : &eu;
	const char *name = b == &sj ? "CP932" : "EUC-JP";
	if (strict)
		return b->bad == 0 && b->kana >= 2 ? name : NULL;
	if (b->kana < 2 && latin_like(s, n))
		return NULL;
	if (b->score >= 4 && (size_t)b->score > 4 * b->bad)
		return name;
	return NULL;
}

static bool utf8_plausible(const struct scan *sc)
{
	return sc->u8_good > 0 && sc->u8_bad * 4 <= sc->u8_good;
}

static bool utf8_strong(const struct scan *sc)
{
	return sc->u8_good >= 2 && sc->u8_bad * 8 <= sc->u8_good && !sc->kana8_only;
}

const char *pd_charset_detect(const char *in, size_t len)
{
	const unsigned char *s = (const unsigned char *)in;
	struct scan sc;
	if (!in)
		return "US-ASCII";
	scan_bytes(s, len, &sc);
	if (sc.high == 0)
		return sc.jis_esc ? "ISO-2022-JP" : "US-ASCII";
	if (sc.u8_bad == 0 || utf8_plausible(&sc))
		return "UTF-8";
	if (sc.jis_esc && sc.kana8_only)
		return "ISO-2022-JP";
	const char *jp = guess_jp(s, len, false);
	return jp ? jp : "WINDOWS-1252";
}

/* ---- labels ------------------------------------------------------------ */

enum kind { K_ASCII, K_UTF8, K_2022JP, K_CP932, K_EUCJP, K_LATIN1, K_ICONV, K_UNKNOWN };

struct alias {
	const char *key; /* lower-case, without '-', '_', ' ' */
	enum kind k;
	const char *name;
};

static const struct alias aliases[] = {
	{"utf8", K_UTF8, "UTF-8"},
	{"unicode11utf8", K_UTF8, "UTF-8"},
	{"xunicode20utf8", K_UTF8, "UTF-8"},
	{"usascii", K_ASCII, "US-ASCII"},
	{"ascii", K_ASCII, "US-ASCII"},
	{"ansix3.41968", K_ASCII, "US-ASCII"},
	{"ansix3.41986", K_ASCII, "US-ASCII"},
	{"iso646us", K_ASCII, "US-ASCII"},
	{"csascii", K_ASCII, "US-ASCII"},
	{"us", K_ASCII, "US-ASCII"},
	{"xunknown", K_ASCII, "US-ASCII"},
	{"unknown", K_ASCII, "US-ASCII"},
	{"unknown8bit", K_ASCII, "US-ASCII"},
	{"default", K_ASCII, "US-ASCII"},
	{"7bit", K_ASCII, "US-ASCII"},
	{"8bit", K_ASCII, "US-ASCII"},
	{"shiftjis", K_CP932, "CP932"},
	{"sjis", K_CP932, "CP932"},
	{"xsjis", K_CP932, "CP932"},
	{"windows31j", K_CP932, "CP932"},
	{"cswindows31j", K_CP932, "CP932"},
	{"cp932", K_CP932, "CP932"},
	{"ms932", K_CP932, "CP932"},
	{"xmscp932", K_CP932, "CP932"},
	{"mskanji", K_CP932, "CP932"},
	{"csshiftjis", K_CP932, "CP932"},
	{"sjisopen", K_CP932, "CP932"},
	{"sjiswin", K_CP932, "CP932"},
	{"eucjp", K_EUCJP, "EUC-JP"},
	{"xeucjp", K_EUCJP, "EUC-JP"},
	{"eucjpms", K_EUCJP, "EUC-JP"},
	{"eucjpwin", K_EUCJP, "EUC-JP"},
	{"cseucpkdfmtjapanese", K_EUCJP, "EUC-JP"},
	{"ujis", K_EUCJP, "EUC-JP"},
	{"jis", K_2022JP, "ISO-2022-JP"},
	{"iso88591", K_LATIN1, "WINDOWS-1252"},
	{"iso885911987", K_LATIN1, "WINDOWS-1252"},
	{"latin1", K_LATIN1, "WINDOWS-1252"},
	{"l1", K_LATIN1, "WINDOWS-1252"},
	{"cp819", K_LATIN1, "WINDOWS-1252"},
	{"ibm819", K_LATIN1, "WINDOWS-1252"},
	{"csisolatin1", K_LATIN1, "WINDOWS-1252"},
	{"windows1252", K_LATIN1, "WINDOWS-1252"},
	{"cp1252", K_LATIN1, "WINDOWS-1252"},
	{"xcp1252", K_LATIN1, "WINDOWS-1252"},
	{"ksc56011987", K_ICONV, "CP949"},
	{"ksc56011989", K_ICONV, "CP949"},
	{"ksc5601", K_ICONV, "CP949"},
	{"csksc56011987", K_ICONV, "CP949"},
	{"euckr", K_ICONV, "CP949"},
	{"cseuckr", K_ICONV, "CP949"},
	{"cp949", K_ICONV, "CP949"},
	{"windows949", K_ICONV, "CP949"},
	{"uhc", K_ICONV, "CP949"},
	{"korean", K_ICONV, "CP949"},
	{"gb2312", K_ICONV, "GB18030"},
	{"gb231280", K_ICONV, "GB18030"},
	{"csgb2312", K_ICONV, "GB18030"},
	{"gbk", K_ICONV, "GB18030"},
	{"xgbk", K_ICONV, "GB18030"},
	{"cp936", K_ICONV, "GB18030"},
	{"ms936", K_ICONV, "GB18030"},
	{"windows936", K_ICONV, "GB18030"},
	{"euccn", K_ICONV, "GB18030"},
	{"gb18030", K_ICONV, "GB18030"},
	{"chinese", K_ICONV, "GB18030"},
	{"big5", K_ICONV, "BIG5-HKSCS"},
	{"csbig5", K_ICONV, "BIG5-HKSCS"},
	{"xxbig5", K_ICONV, "BIG5-HKSCS"},
	{"cnbig5", K_ICONV, "BIG5-HKSCS"},
	{"big5hkscs", K_ICONV, "BIG5-HKSCS"},
	{"cp950", K_ICONV, "BIG5-HKSCS"},
	{"iso88599", K_ICONV, "WINDOWS-1254"},
	{"latin5", K_ICONV, "WINDOWS-1254"},
	{"tis620", K_ICONV, "WINDOWS-874"},
	{"iso885911", K_ICONV, "WINDOWS-874"},
	{"windows874", K_ICONV, "WINDOWS-874"},
	{"iso88598i", K_ICONV, "ISO-8859-8"},
	{"xmaccyrillic", K_ICONV, "MAC-CYRILLIC"},
};

struct label {
	enum kind k;
	const char *name;  /* canonical name reported as "used" */
};

/* Canonicalise a declared label.  Unknown-but-iconv-able labels get an
 * upper-cased arena copy; anything odd is K_UNKNOWN. */
static struct label label_parse(struct pd_arena *a, const char *declared)
{
	struct label lb = {K_ASCII, "US-ASCII"};
	if (!declared)
		return lb;
	size_t n = strnlen(declared, MAX_LABEL + 1);
	const char *p = declared;
	while (n && (pd_isspace((unsigned char)*p) || *p == '"' || *p == '\'')) {
		p++;
		n--;
	}
	while (n && (pd_isspace((unsigned char)p[n - 1]) || p[n - 1] == '"' || p[n - 1] == '\''))
		n--;
	if (n == 0)
		return lb;
	if (n > MAX_LABEL) {
		lb.k = K_UNKNOWN;
		return lb;
	}
	char key[MAX_LABEL + 1], up[MAX_LABEL + 1];
	size_t kn = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (!(pd_isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':' || c == '+' || c == ' ')) {
			lb.k = K_UNKNOWN;
			return lb;
		}
		up[i] = (char)pd_toupper(c);
		if (c != '-' && c != '_' && c != ' ')
			key[kn++] = (char)pd_tolower(c);
	}
	up[n] = '\0';
	key[kn] = '\0';
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
		if (strcmp(key, aliases[i].key) == 0) {
			lb.k = aliases[i].k;
			lb.name = aliases[i].name;
			return lb;
		}
	}
	if (strncmp(key, "iso2022jp", 9) == 0 || strncmp(key, "csiso2022jp", 11) == 0) {
		lb.k = K_2022JP;
		lb.name = "ISO-2022-JP";
		return lb;
	}
	if (strncmp(key, "shiftjis", 8) == 0 || strncmp(key, "xsjis", 5) == 0) {
		lb.k = K_CP932; /* shift_jisx0213, x-sjis-docomo, ...: best effort */
		lb.name = "CP932";
		return lb;
	}
	if (strchr(up, ' ')) {
		lb.k = K_UNKNOWN;
		return lb;
	}
	iconv_t cd = iconv_open("UTF-8", up);
	if (cd == (iconv_t)-1) {
		lb.k = K_UNKNOWN;
		return lb;
	}
	iconv_close(cd);
	lb.k = K_ICONV;
	lb.name = pd_arena_strndup(a, up, n);
	return lb;
}

/* ---- conversion ---------------------------------------------------------- */

/* Convert with a canonical charset name, no second-guessing. */
static void convert_as(struct out *o, const unsigned char *s, size_t n, const char *name)
{
	if (strcmp(name, "UTF-8") == 0 || strcmp(name, "US-ASCII") == 0) {
		out_utf8(o, s, n);
	} else if (strcmp(name, "ISO-2022-JP") == 0) {
		decode_2022jp(o, s, n);
	} else if (strcmp(name, "EUC-JP") == 0) {
		if (!out_iconv(o, "EUC-JP-MS", s, n) && !out_iconv(o, "EUC-JP", s, n))
			out_utf8(o, s, n);
	} else if (strcmp(name, "WINDOWS-1252") == 0) {
		out_cp1252(o, s, n);
	} else if (!out_iconv(o, name, s, n)) {
		out_utf8(o, s, n);
	}
}

/* Convert as declared, detecting mislabelled and unlabelled text.
 * Returns the canonical name of what was used. */
static const char *convert_declared(struct out *o, const unsigned char *s, size_t n, const char *declared)
{
	struct label lb = label_parse(o->a, declared);
	struct scan sc;
	const char *use = lb.name;
	unsigned fl = 0;
	scan_bytes(s, n, &sc);

	switch (lb.k) {
	case K_UNKNOWN:
	case K_ASCII:
		if (lb.k == K_UNKNOWN)
			fl |= PD_CS_UNKNOWN_LABEL | PD_CS_DETECTED;
		use = pd_charset_detect((const char *)s, n);
		if (strcmp(use, "US-ASCII") != 0)
			fl |= PD_CS_DETECTED;
		break;
	case K_UTF8:
		if (sc.high == 0 && sc.jis_esc) {
			use = "ISO-2022-JP";
			fl |= PD_CS_MISLABELLED;
		} else if (sc.u8_bad > 0 && sc.u8_good == 0) {
			use = pd_charset_detect((const char *)s, n);
			fl |= PD_CS_MISLABELLED;
		} else if (sc.u8_bad > sc.u8_good) {
			const char *jp = guess_jp(s, n, false);
			if (jp) {
				use = jp;
				fl |= PD_CS_MISLABELLED;
			}
		}
		break;
	case K_2022JP:
		if (sc.high == 0 || (sc.jis_esc && sc.kana8_only))
			break;
		if (sc.jis_esc) {
			fl |= PD_CS_MISLABELLED; /* mixed: decoder takes UTF-8 runs */
			break;
		}
		fl |= PD_CS_MISLABELLED;
		if (sc.u8_bad == 0 || utf8_plausible(&sc)) {
			use = "UTF-8";
		} else {
			const char *jp = guess_jp(s, n, false);
			use = jp ? jp : pd_charset_detect((const char *)s, n);
		}
		break;
	case K_CP932:
	case K_EUCJP: {
		if (sc.high == 0) {
			if (sc.jis_esc) {
				use = "ISO-2022-JP";
				fl |= PD_CS_MISLABELLED;
			}
			break;
		}
		struct jscore mine, other;
		const char *oname = lb.k == K_CP932 ? "EUC-JP" : "CP932";
		if (lb.k == K_CP932) {
			score_sjis(s, n, &mine);
			score_euc(s, n, &other);
		} else {
			score_euc(s, n, &mine);
			score_sjis(s, n, &other);
		}
		if (mine.bad == 0) {
			/* fits the label; only strong evidence overrides: real
			 * Shift_JIS is valid UTF-8 at most in short kana runs, and
			 * EUC-JP bytes always parse as Shift_JIS, but as
			 * half-width katakana and odd kanji, never as kana pairs */
			if (lb.k == K_CP932 && (utf8_strong(&sc) || (mine.cut && sc.u8_bad == 0))) {
				use = "UTF-8";
				fl |= PD_CS_MISLABELLED;
			} else if (lb.k == K_CP932 && other.bad == 0 && other.kana >= 2 && mine.kana == 0 &&
			           other.score > mine.score) {
				use = oname;
				fl |= PD_CS_MISLABELLED;
			}
			break;
		}
		if (sc.u8_bad == 0 || utf8_plausible(&sc)) {
			use = "UTF-8";
			fl |= PD_CS_MISLABELLED;
		} else if (other.bad == 0 && other.score > mine.score) {
			use = oname;
			fl |= PD_CS_MISLABELLED;
		} else if (sc.jis_esc && sc.kana8_only) {
			use = "ISO-2022-JP";
			fl |= PD_CS_MISLABELLED;
		}
		break;
	}
	case K_LATIN1:
		if (sc.high == 0) {
			if (sc.jis_esc) {
				use = "ISO-2022-JP";
				fl |= PD_CS_MISLABELLED;
			}
		} else if (sc.u8_bad == 0) {
			use = "UTF-8";
			fl |= PD_CS_MISLABELLED;
		} else {
			const char *jp = guess_jp(s, n, true);
			if (jp) {
				use = jp;
				fl |= PD_CS_MISLABELLED;
			}
		}
		break;
	case K_ICONV:
		break;
	}
	o->flags |= fl;
	convert_as(o, s, n, use);
	return use;
}

static char *out_finish(struct out *o, size_t *out_len, unsigned *flags)
{
	o->p[o->n] = '\0';
	if (out_len)
		*out_len = o->n;
	if (flags)
		*flags = o->flags;
	return o->p;
}

char *pd_charset_to_utf8(struct pd_arena *a, const char *in, size_t len,
                         const char *declared, size_t max_out, size_t *out_len,
                         const char **used, unsigned *flags)
{
	struct out o;
	if (!in)
		len = 0;
	out_init(&o, a, max_out, len + len / 2 + 16);
	const char *u = convert_declared(&o, (const unsigned char *)in, len, declared);
	if (used)
		*used = u;
	return out_finish(&o, out_len, flags);
}

/* ---- header text: controls, RFC 2047 ----------------------------------- */

/* In place: drop C0/C1 controls and DEL; tab, CR, LF become spaces. */
static void strip_controls(struct out *o)
{
	unsigned char *s = (unsigned char *)o->p;
	size_t k = 0;
	for (size_t i = 0; i < o->n; i++) {
		unsigned c = s[i];
		if (c == '\r' && i + 1 < o->n && s[i + 1] == '\n') {
			continue; /* CRLF: one space, from the LF */
		} else if (c == '\t' || c == '\r' || c == '\n') {
			s[k++] = ' ';
		} else if (c < 0x20 || c == 0x7F) {
			continue;
		} else if (c == 0xC2 && i + 1 < o->n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F) {
			i++; /* U+0080..U+009F */
		} else {
			s[k++] = (unsigned char)c;
		}
	}
	o->n = k;
}

static int b64val(unsigned c)
{
	if (c >= 'A' && c <= 'Z')
		return (int)(c - 'A');
	if (c >= 'a' && c <= 'z')
		return (int)(c - 'a' + 26);
	if (c >= '0' && c <= '9')
		return (int)(c - '0' + 52);
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}


/* Lenient base64: skips junk, '=' ends a quantum (concatenated blobs),
 * missing padding is fine.  Returns bytes written to d (<= n). */
static size_t b64_decode(unsigned char *d, const unsigned char *s, size_t n)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '=') {
			acc = 0;
			bits = 0;
			continue;
		}
		int v = b64val(s[i]);
		if (v < 0)
			continue;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			d[k++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return k;
}

/* "%XX" (RFC 2231) or "=XX" (Q) escape at s[i]?  Then the byte in *v. */
static bool hex_escape(const unsigned char *s, size_t n, size_t i, unsigned char *v)
{
	if (i + 2 >= n)
		return false;
	int h = pd_hexval(s[i + 1]), l = pd_hexval(s[i + 2]);
	if (h < 0 || l < 0)
		return false;
	*v = (unsigned char)(h * 16 + l);
	return true;
}

static size_t q_decode(unsigned char *d, const unsigned char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char v;
		if (s[i] == '_') {
			d[k++] = ' ';
		} else if (s[i] == '=' && hex_escape(s, n, i, &v)) {
			d[k++] = v;
			i += 2;
		} else {
			d[k++] = s[i];
		}
	}
	return k;
}

struct ew {
	const unsigned char *cs;   /* charset label, without "*lang" */
	size_t csn;
	char enc;                  /* 'B' or 'Q' */
	const unsigned char *text;
	size_t textn;
	size_t len;                /* whole word, "=?" to "?=" */
};

/* Where the next "?=" and the next whitespace are, at or after some
 * position.  Positions only grow, so a flood of "=?" openers without a
 * terminator costs linear time, not quadratic. */
struct ew_ahead {
	size_t qe, ws;
};

static size_t next_qe(const unsigned char *s, size_t n, size_t from, size_t *cache)
{
	if (*cache >= from && *cache != SIZE_MAX - 1)
		return *cache;
	size_t j = from;
	while (j + 1 < n && !(s[j] == '?' && s[j + 1] == '='))
		j++;
	*cache = j + 1 < n ? j : n;
	return *cache;
}

static size_t next_ws(const unsigned char *s, size_t n, size_t from, size_t *cache)
{
	if (*cache >= from && *cache != SIZE_MAX - 1)
		return *cache;
	size_t j = from;
	while (j < n && !pd_isspace(s[j]))
		j++;
	*cache = j;
	return j;
}

/* Parse "=?charset?X?text?=" at s + at.  No whitespace anywhere inside. */
static bool ew_parse(const unsigned char *base, size_t total, size_t at, struct ew_ahead *ah, struct ew *w)
{
	const unsigned char *s = base + at;
	size_t n = total - at;
	if (n < 8 || s[0] != '=' || s[1] != '?')
		return false;
	size_t i = 2;
	while (i < n && i < 2 + MAX_LABEL && s[i] != '?' && !pd_isspace(s[i]))
		i++;
	if (i >= n || s[i] != '?' || i == 2)
		return false;
	w->cs = s + 2;
	w->csn = i - 2;
	for (size_t k = 0; k < w->csn; k++)
		if (w->cs[k] == '*') {
			w->csn = k;
			break;
		}
	if (i + 2 >= n || s[i + 2] != '?')
		return false;
	unsigned e = (unsigned)pd_toupper(s[i + 1]);
	if (e != 'B' && e != 'Q')
		return false;
	w->enc = (char)e;
	size_t t = i + 3;
	size_t qe = next_qe(base, total, at + t, &ah->qe);
	if (qe >= total || next_ws(base, total, at + t, &ah->ws) < qe)
		return false;
	size_t j = qe - at;
	w->text = s + t;
	w->textn = j - t;
	w->len = j + 2;
	return true;
}

/* Unfold: CRLF / LF / CR followed by space or tab is removed. */
static size_t unfold(unsigned char *d, const unsigned char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n' && i + 2 < n && (s[i + 2] == ' ' || s[i + 2] == '\t')) {
			i++;
			continue;
		}
		if ((s[i] == '\r' || s[i] == '\n') && i + 1 < n && (s[i + 1] == ' ' || s[i + 1] == '\t'))
			continue;
		d[k++] = s[i];
	}
	return k;
}

static bool all_wsp(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!pd_isspace(s[i]))
			return false;
	return true;
}

struct pending {
	unsigned char *buf;         /* raw decoded bytes of adjacent words */
	size_t n;
	char label[MAX_LABEL + 1];  /* their charset */
	bool active;
};

static void pending_flush(struct out *o, struct pending *pw)
{
	if (!pw->active)
		return;
	convert_declared(o, pw->buf, pw->n, pw->label);
	pw->n = 0;
	pw->active = false;
}

static void literal(struct out *o, const unsigned char *s, size_t n, const char *cs)
{
	if (n)
		convert_as(o, s, n, cs);
}

char *pd_rfc2047_decode(struct pd_arena *a, const char *raw, size_t len,
                        size_t max_out, unsigned *flags)
{
	struct out o;
	if (!raw)
		len = 0;
	out_init(&o, a, max_out, len + len / 2 + 16);
	unsigned char *s = pd_arena_alloc(a, len + 1);
	size_t n = unfold(s, (const unsigned char *)raw, len);

	/* Raw 8-bit (or raw JIS) text outside encoded words: one guess for
	 * the whole header gives better statistics than one per piece. */
	const char *lit_cs = pd_charset_detect((const char *)s, n);
	if (strcmp(lit_cs, "US-ASCII") != 0)
		o.flags |= PD_CS_DETECTED;

	struct pending pw = {pd_arena_alloc(a, n + 1), 0, "", false};
	struct ew_ahead ah = {SIZE_MAX - 1, SIZE_MAX - 1};
	size_t i = 0, lit = 0;
	while (i < n && !o.full) {
		struct ew w;
		if (s[i] != '=' || !ew_parse(s, n, i, &ah, &w)) {
			i++;
			continue;
		}
		const unsigned char *gap = s + lit;
		size_t gapn = i - lit;
		char label[MAX_LABEL + 1];
		memcpy(label, w.cs, w.csn);
		label[w.csn] = '\0';
		bool same = pw.active && pd_strieq(label, pw.label);
		if (pw.active && all_wsp(gap, gapn)) {
			if (!same)
				pending_flush(&o, &pw);
		} else {
			pending_flush(&o, &pw);
			literal(&o, gap, gapn, lit_cs);
		}
		if (!pw.active) {
			memcpy(pw.label, label, w.csn + 1);
			pw.active = true;
			pw.n = 0;
		}
		/* decoded size <= encoded size, and the words fit in n */
		if (w.enc == 'B')
			pw.n += b64_decode(pw.buf + pw.n, w.text, w.textn);
		else
			pw.n += q_decode(pw.buf + pw.n, w.text, w.textn);
		i += w.len;
		lit = i;
	}
	pending_flush(&o, &pw);
	if (lit < n)
		literal(&o, s + lit, n - lit, lit_cs);
	strip_controls(&o);
	return out_finish(&o, NULL, flags);
}

char *pd_rfc2231_decode(struct pd_arena *a, const char *val, size_t len)
{
	const unsigned char *s = (const unsigned char *)val;
	if (!val)
		len = 0;
	char label[MAX_LABEL + 1] = "";
	size_t start = 0;
	const unsigned char *q1 = memchr(s, '\'', len < MAX_LABEL + 1 ? len : MAX_LABEL + 1);
	if (q1) {
		size_t ln = (size_t)(q1 - s);
		const unsigned char *q2 = memchr(q1 + 1, '\'', len - ln - 1);
		if (q2) {
			memcpy(label, s, ln);
			label[ln] = '\0';
			start = (size_t)(q2 - s) + 1;
		}
	}
	unsigned char *d = pd_arena_alloc(a, len - start + 1);
	size_t k = 0;
	for (size_t i = start; i < len; i++) {
		unsigned char v;
		if (s[i] == '%' && hex_escape(s, len, i, &v)) {
			d[k++] = v;
			i += 2;
		} else {
			d[k++] = s[i];
		}
	}
	struct out o;
	out_init(&o, a, k * 3 + 16, k + k / 2 + 16);
	convert_declared(&o, d, k, label[0] ? label : NULL);
	strip_controls(&o);
	return out_finish(&o, NULL, NULL);
}
