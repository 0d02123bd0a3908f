/* addr.c - lenient, bounded RFC 5322 mailbox-list parsing (section 3.4,
 * with the obsolete syntax of section 4.4 tolerated).
 *
 * The raw header value is split into mailboxes first (quoted strings,
 * nested comments, angle addresses and groups respected); only then are
 * display names RFC 2047-decoded, NFKC-normalised (ICU) and stripped of
 * zero-width and bidi controls, so an encoded word can never forge
 * address syntax.  Real-world breakage handled: missing ">", several
 * "<...>" (the last complete one is the address), bare addr-specs,
 * "addr (Name)" comments used as the name, "mailto:" and source routes.
 * Limits: input is cut at 8 KiB, comment nesting is counted up to 32,
 * display names are decoded to at most 4 KiB.  No recursion.
 */
#include "mail/addr.h"

#include <stdint.h>
#include <string.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "base/text.h"
#include "mail/charset.h"

#define MAX_INPUT 8192
#define MAX_COMMENT_DEPTH 32
#define MAX_DISPLAY 4096

/* Index just past the quoted string starting at s[i] == '"' (n if it is
 * never closed). */
static size_t skip_quoted(const char *s, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return n;
}

/* Length of the content of the quoted string s[i..j) (j from
 * skip_quoted): without the quotes, the closing one only if present. */
static size_t quoted_inner(const char *s, size_t i, size_t j)
{
	size_t k = i + 1;
	bool closed = false;
	while (k < j) {
		if (s[k] == '\\') {
			k += 2;
		} else if (s[k] == '"') {
			closed = true;
			break;
		} else {
			k++;
		}
	}
	return closed ? k - i - 1 : j - i - 1;
}

/* Index just past the comment starting at s[i] == '('.  Nesting deeper
 * than MAX_COMMENT_DEPTH is not counted (the scan stays linear). */
static size_t skip_comment(const char *s, size_t n, size_t i)
{
	unsigned depth = 0;
	for (; i < n; i++) {
		if (s[i] == '\\') {
			i++;
		} else if (s[i] == '(') {
			if (depth < MAX_COMMENT_DEPTH)
				depth++;
		} else if (s[i] == ')') {
			if (--depth == 0)
				return i + 1;
		}
	}
	return n;
}

/* Index of the '>' closing the angle address opened at s[i] == '<', or n.
 * A ',' outside quotes ends an unclosed angle address unless it is a
 * source route ("<@a,@b:x@y>"); *end_at_comma tells which. */
static size_t find_angle_end(const char *s, size_t n, size_t i, bool *end_at_comma)
{
	size_t j = i + 1;
	*end_at_comma = false;
	while (j < n && pd_isspace((unsigned char)s[j]))
		j++;
	bool route = j < n && s[j] == '@';
	while (j < n) {
		if (s[j] == '"') {
			j = skip_quoted(s, n, j);
		} else if (s[j] == '(') {
			j = skip_comment(s, n, j);
		} else if (s[j] == '>') {
			return j;
		} else if (s[j] == ',' && !route) {
			*end_at_comma = true;
			return j;
		} else {
			j++;
		}
	}
	return n;
}

/* A small append-only text buffer with whitespace collapsing. */
struct tbuf {
	char *p;
	size_t n;
	bool space;
};

static void tb_put(struct tbuf *b, const char *s, size_t k)
{
	if (k == 0)
		return;
	if (b->space && b->n)
		b->p[b->n++] = ' ';
	b->space = false;
	memcpy(b->p + b->n, s, k);
	b->n += k;
}

/* Quoted-string or comment content without the backslash escapes. */
static bool is_at_or_dot(char c)
{
	return c == '@' || c == '.';
}

static void tb_put_unescaped(struct tbuf *b, const char *s, size_t k)
{
	if (b->space && b->n && k)
		b->p[b->n++] = ' ';
	b->space = false;
	for (size_t i = 0; i < k; i++) {
		if (s[i] == '\\' && i + 1 < k)
			i++;
		b->p[b->n++] = s[i];
	}
}

/* ---- display names ---------------------------------------------------- */

static bool invisible(UChar c)
{
	return (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
	       (c >= 0x2060 && c <= 0x2069) || c == 0xFEFF || c == 0x00AD || c == 0x061C;
}

/* NFKC, then zero-width and bidi controls removed; s is valid UTF-8. */
static char *nfkc_clean(struct pd_arena *a, const char *s, size_t n)
{
	UErrorCode err = U_ZERO_ERROR;
	const UNormalizer2 *nf = unorm2_getNFKCInstance(&err);
	if (U_FAILURE(err) || n > INT32_MAX / 4)
		return pd_arena_strndup(a, s, n);
	UChar *u = pd_arena_calloc(a, n + 1, sizeof *u);
	int32_t un = 0;
	u_strFromUTF8WithSub(u, (int32_t)n + 1, &un, s, (int32_t)n, 0xFFFD, NULL, &err);
	if (U_FAILURE(err))
		return pd_arena_strndup(a, s, n);
	int32_t vn = unorm2_normalize(nf, u, un, NULL, 0, &err);
	if (err != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(err))
		return pd_arena_strndup(a, s, n);
	err = U_ZERO_ERROR;
	UChar *v = pd_arena_calloc(a, (size_t)vn + 1, sizeof *v);
	vn = unorm2_normalize(nf, u, un, v, vn + 1, &err);
	if (U_FAILURE(err))
		return pd_arena_strndup(a, s, n);
	int32_t k = 0;
	for (int32_t i = 0; i < vn; i++)
		if (!invisible(v[i]))
			v[k++] = v[i];
	/* UTF-16 -> UTF-8 is at most 3 bytes per unit */
	char *out = pd_arena_alloc(a, (size_t)k * 3 + 1);
	int32_t on = 0;
	u_strToUTF8WithSub(out, k * 3 + 1, &on, v, k, 0xFFFD, NULL, &err);
	if (U_FAILURE(err))
		return pd_arena_strndup(a, s, n);
	out[on] = '\0';
	return out;
}

static const char *display_finish(struct pd_arena *a, const char *raw, size_t n)
{
	if (n == 0)
		return "";
	char *dec = pd_rfc2047_decode(a, raw, n, MAX_DISPLAY, NULL);
	char *norm = nfkc_clean(a, dec, strlen(dec));
	return pd_collapse_ws(a, norm, strlen(norm));
}

/* ---- addr-spec -------------------------------------------------------- */

/* Fill out->addr/local/domain/valid from the text of an address. */
static void addr_finish(struct pd_arena *a, const char *s, size_t n, struct pd_addr *out)
{
	/* drop comments, whitespace and controls outside quoted strings */
	char *b = pd_arena_alloc(a, n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"') {
			size_t j = skip_quoted(s, n, i);
			for (; i < j; i++)
				if ((unsigned char)s[i] >= 0x20 && s[i] != 0x7F)
					b[k++] = s[i];
		} else if (c == '(') {
			i = skip_comment(s, n, i);
		} else {
			if (c > 0x20 && c != 0x7F)
				b[k++] = (char)c;
			i++;
		}
	}
	size_t st = 0;
	if (k >= 7 && pd_strnieq(b, "mailto:", 7))
		st = 7;
	/* obsolete source route "@a,@b:user@host" */
	if (st < k && b[st] == '@') {
		size_t colon = SIZE_MAX;
		for (size_t i = st; i < k; i++) {
			if (b[i] == '"')
				break;
			if (b[i] == ':')
				colon = i;
		}
		if (colon != SIZE_MAX)
			st = colon + 1;
	}
	/* the last '@' outside quotes splits local and domain */
	size_t at = SIZE_MAX;
	for (size_t i = st; i < k;) {
		if (b[i] == '"') {
			i = skip_quoted(b, k, i);
			continue;
		}
		if (b[i] == '@')
			at = i;
		i++;
	}
	size_t ln = at == SIZE_MAX ? k - st : at - st;
	size_t ds = at == SIZE_MAX ? k : at + 1, dn = k - ds;
	while (dn && b[ds + dn - 1] == '.')
		dn--;
	char *local = pd_utf8_sanitize(a, b + st, ln, &ln);
	char *lower = pd_ascii_lower(a, b + ds, dn);
	char *domain = pd_utf8_sanitize(a, lower, dn, &dn);
	out->local = local;
	out->domain = domain;
	if (at == SIZE_MAX)
		out->addr = local;
	else
		out->addr = pd_arena_printf(a, "%s@%s", local, domain);
	out->valid = ln > 0 && dn > 0;
}

/* ---- one mailbox -------------------------------------------------------- */

/* Parse one mailbox from s[0..n) (no top-level ',' or ';' inside).
 * Returns false if there is nothing in it. */
static bool parse_mailbox(struct pd_arena *a, const char *s, size_t n, bool store, struct pd_addr *out)
{
	struct tbuf disp = {pd_arena_alloc(a, n + 2), 0, false};
	struct tbuf bare = {pd_arena_alloc(a, n + 2), 0, false};
	size_t ang_s = 0, ang_n = 0, disp_cut_s = 0, disp_cut_e = 0;
	bool have_angle = false, angle_complete = false;
	size_t com_s = 0, com_n = 0;
	bool have_comment = false;

	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"') {
			size_t j = skip_quoted(s, n, i);
			tb_put_unescaped(&disp, s + i + 1, quoted_inner(s, i, j));
			tb_put(&bare, s + i, j - i);
			i = j;
		} else if (c == '(') {
			size_t j = skip_comment(s, n, i);
			if (!have_comment) {
				/* keep the outer comment's text, closing ')' excluded */
				have_comment = true;
				com_s = i + 1;
				com_n = j - i - 1;
				if (com_n && s[j - 1] == ')' && !(j >= 2 && s[j - 2] == '\\'))
					com_n--;
			}
			disp.space = bare.space = true;
			i = j;
		} else if (c == '<') {
			bool comma;
			size_t j = find_angle_end(s, n, i, &comma);
			bool complete = j < n && !comma;
			size_t end = complete ? j + 1 : j;
			if (complete || !angle_complete) {
				/* a later complete <...> wins over earlier ones */
				have_angle = true;
				angle_complete = complete;
				ang_s = i + 1;
				ang_n = j - i - 1;
				if (disp.space && disp.n)
					disp.p[disp.n++] = ' ';
				disp.space = false;
				disp_cut_s = disp.n;
				tb_put(&disp, s + i, end - i);
				disp_cut_e = disp.n;
			} else {
				tb_put(&disp, s + i, end - i);
			}
			tb_put(&bare, s + i, end - i);
			i = end;
		} else if (pd_isspace(c)) {
			disp.space = bare.space = true;
			i++;
		} else {
			tb_put(&disp, s + i, 1);
			tb_put(&bare, s + i, 1);
			i++;
		}
	}
	if (disp.n == 0 && !have_angle)
		return false; /* empty, or only comments */
	if (!store)
		return true;

	const char *dtext = "";
	size_t dn = 0;
	if (have_angle) {
		/* display = everything but the chosen <...> */
		char *d = pd_arena_alloc(a, disp.n + 2);
		memcpy(d, disp.p, disp_cut_s);
		size_t k = disp_cut_s;
		if (disp.n > disp_cut_e) {
			d[k++] = ' ';
			memcpy(d + k, disp.p + disp_cut_e, disp.n - disp_cut_e);
			k += disp.n - disp_cut_e;
		}
		dtext = d;
		dn = k;
		addr_finish(a, s + ang_s, ang_n, out);
	} else {
		/* bare addr-spec, perhaps after some words: the address is the
		 * last space-separated token with an '@' outside quotes, joined
		 * with neighbours over obsolete spaces ("a @ b . example") */
		size_t maxt = bare.n / 2 + 1, nt = 0;
		size_t *tok_s = pd_arena_calloc(a, maxt, sizeof *tok_s);
		size_t *tok_e = pd_arena_calloc(a, maxt, sizeof *tok_e);
		for (size_t i = 0; i < bare.n && nt < maxt;) {
			while (i < bare.n && bare.p[i] == ' ')
				i++;
			if (i >= bare.n)
				break;
			size_t st = i;
			while (i < bare.n && bare.p[i] != ' ')
				i = bare.p[i] == '"' ? skip_quoted(bare.p, bare.n, i) : i + 1;
			tok_s[nt] = st;
			tok_e[nt++] = i;
		}
		size_t t = SIZE_MAX;
		for (size_t k = 0; k < nt; k++) {
			for (size_t i = tok_s[k]; i < tok_e[k];) {
				if (bare.p[i] == '"') {
					i = skip_quoted(bare.p, tok_e[k], i);
					continue;
				}
				if (bare.p[i] == '@')
					t = k;
				i++;
			}
		}
		if (t == SIZE_MAX && nt == 1 && !memchr(bare.p, '"', bare.n))
			t = 0; /* a lone word: local part only ("MAILER-DAEMON") */
		if (t != SIZE_MAX) {
			size_t l = t, r = t;
			while (l > 0 && (is_at_or_dot(bare.p[tok_s[l]]) || is_at_or_dot(bare.p[tok_e[l - 1] - 1])))
				l--;
			while (r + 1 < nt && (is_at_or_dot(bare.p[tok_e[r] - 1]) || is_at_or_dot(bare.p[tok_s[r + 1]])))
				r++;
			addr_finish(a, bare.p + tok_s[l], tok_e[r] - tok_s[l], out);
			/* words before the address are the display name */
			if (l > 0) {
				struct tbuf d = {pd_arena_alloc(a, tok_e[l - 1] + 1), 0, false};
				for (size_t i = 0; i < tok_e[l - 1];) {
					if (bare.p[i] == '"') {
						size_t j = skip_quoted(bare.p, tok_e[l - 1], i);
						tb_put_unescaped(&d, bare.p + i + 1, quoted_inner(bare.p, i, j));
						i = j;
					} else if (bare.p[i] == ' ') {
						d.space = true;
						i++;
					} else {
						tb_put(&d, bare.p + i, 1);
						i++;
					}
				}
				dtext = d.p;
				dn = d.n;
			}
		} else {
			dtext = disp.p;
			dn = disp.n;
			addr_finish(a, "", 0, out);
		}
	}
	/* old style "addr (Real Name)": the comment is what clients show */
	if (dn == 0 && have_comment && com_n) {
		struct tbuf d = {pd_arena_alloc(a, com_n + 1), 0, false};
		tb_put_unescaped(&d, s + com_s, com_n);
		dtext = d.p;
		dn = d.n;
	}
	out->display = display_finish(a, dtext, dn);
	return true;
}

/* ---- lists ---------------------------------------------------------------- */

unsigned pd_addr_parse_list(struct pd_arena *a, const char *raw, size_t len,
                            struct pd_addr *out, unsigned max)
{
	if (!raw)
		return 0;
	if (len > MAX_INPUT)
		len = MAX_INPUT;
	unsigned count = 0;
	size_t seg = 0, i = 0;
	bool seg_has_addr_syntax = false; /* '@' or '<' seen in this segment */
	while (i <= len) {
		char c = i < len ? raw[i] : ',';
		if (i < len && c == '"') {
			i = skip_quoted(raw, len, i);
			continue;
		}
		if (i < len && c == '(') {
			i = skip_comment(raw, len, i);
			continue;
		}
		if (i < len && c == '<') {
			bool comma;
			size_t j = find_angle_end(raw, len, i, &comma);
			seg_has_addr_syntax = true;
			i = (j < len && !comma) ? j + 1 : j;
			continue;
		}
		if (c == '@')
			seg_has_addr_syntax = true;
		if (c == ':' && !seg_has_addr_syntax) {
			seg = i + 1; /* group "name:" - the name is not a mailbox */
		} else if (c == ',' || c == ';') {
			struct pd_addr tmp;
			bool store = count < max && out;
			if (parse_mailbox(a, raw + seg, i - seg, store, store ? &out[count] : &tmp))
				count++;
			seg = i + 1;
			seg_has_addr_syntax = false;
		}
		i++;
	}
	return count;
}

void pd_addr_parse_one(struct pd_arena *a, const char *raw, size_t len, struct pd_addr *out)
{
	memset(out, 0, sizeof *out);
	if (pd_addr_parse_list(a, raw, len, out, 1) == 0) {
		out->display = out->addr = out->local = out->domain = "";
		out->valid = false;
	}
}
