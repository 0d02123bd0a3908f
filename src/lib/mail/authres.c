/* authres.c - Authentication-Results (RFC 8601), ARC-Authentication-Results
 * (RFC 8617 section 4.1, leading "i=N;") and Received-SPF (RFC 7208
 * section 9.1) parsers; see authres.h.
 *
 * Lenient on purpose: real headers omit the authserv-id (Outlook.com),
 * drop semicolons between results, use bare "action=none" pairs, put
 * semicolons and quotes inside comments and write base64 or addr-specs
 * as property values.  A resinfo whose method or result is not a keyword
 * is skipped up to the next ";".  Comments (nested up to 16 deep) never
 * reach a value.  Keys are lower-cased, values kept as written (quotes
 * stripped, whitespace inside quoted strings collapsed), everything
 * sanitised to UTF-8.  "smtp.mail" (old Gmail) is stored as smtp.mailfrom.
 * Pairs without a ptype ("action=none", Received-SPF's "client-ip=") are
 * stored with ptype "".  When an spf result has no explicit client IP, an
 * address named in its comment ("sender IP is ...", "designates ... as")
 * is stored as ""/client-ip; Received-SPF also takes smtp.mailfrom from
 * "domain of X" in its comment when envelope-from is absent.
 *
 * Limits: the first 8 KiB of a value, 64 methods per header, 16
 * properties per method.  No recursion; every loop advances the cursor.
 */
#include "mail/authres.h"

#include <string.h>

#include "base/text.h"

#define MAX_VALUE 8192u
#define MAX_METHODS 64u
#define MAX_PROPS 16u
#define MAX_COMMENT_DEPTH 16u
#define MAX_KEYWORD 64u
#define MAX_ARC_INSTANCE 1000000

struct span {
	const char *p;
	size_t n;
};

/* ---- lexing ----------------------------------------------------------- */

/* Skip whitespace and (nested) comments.  The inner text of the first
 * comment met is stored in *c when c is not NULL.  Nesting deeper than
 * MAX_COMMENT_DEPTH turns the rest of the value into comment. */
static void skip_cfws(const char *p, size_t n, size_t *i, struct span *c)
{
	if (c) {
		c->p = NULL;
		c->n = 0;
	}
	while (*i < n) {
		unsigned char ch = (unsigned char)p[*i];
		if (pd_isspace(ch)) {
			(*i)++;
			continue;
		}
		if (ch != '(')
			return;
		size_t start = ++(*i), end = n;
		unsigned depth = 1;
		while (*i < n) {
			ch = (unsigned char)p[*i];
			if (ch == '\\' && *i + 1 < n) {
				*i += 2;
				continue;
			}
			(*i)++;
			if (ch == '(') {
				if (depth >= MAX_COMMENT_DEPTH) {
					*i = n;
					break;
				}
				depth++;
			} else if (ch == ')' && --depth == 0) {
				end = *i - 1;
				break;
			}
		}
		if (end > n)
			end = n;
		if (c && !c->p) {
			c->p = p + start;
			c->n = end - start;
		}
	}
}

/* Characters of a method, ptype.property or bare key. */
static bool is_key_char(unsigned char c)
{
	if (c <= 0x20 || c == 0x7f)
		return false;
	switch (c) {
	case ';': case '=': case '(': case ')': case '"':
		return false;
	default:
		return true;
	}
}

/* Characters of an unquoted value: lenient, so base64 ("/+="), addr-specs
 * ("@") and IPv6 (":") stay whole. */
static bool is_value_char(unsigned char c)
{
	return !pd_isspace(c) && c != ';' && c != '(';
}

static struct span read_key(const char *p, size_t n, size_t *i)
{
	struct span s = { p + *i, 0 };
	while (*i < n && is_key_char((unsigned char)p[*i]) && s.n < MAX_VALUE) {
		(*i)++;
		s.n++;
	}
	return s;
}

/* *i is at '"'; returns the inner span (escapes still in it) and leaves
 * *i after the closing quote (or at n if unterminated). */
static struct span read_quoted(const char *p, size_t n, size_t *i)
{
	size_t j = *i + 1;
	while (j < n && p[j] != '"') {
		if (p[j] == '\\' && j + 1 < n)
			j++;
		j++;
	}
	struct span s = { p + *i + 1, (j < n ? j : n) - (*i + 1) };
	*i = j < n ? j + 1 : n;
	return s;
}

/* ---- copies into the arena ------------------------------------------- */

static char *dup_text(struct pd_arena *a, const char *p, size_t n)
{
	return pd_utf8_sanitize(a, p, n, NULL);
}

/* Sanitised copy, ASCII lower-cased (UTF-8 continuation bytes are >= 0x80
 * and so unaffected). */
static char *lower(char *s)
{
	for (char *q = s; *q; q++)
		*q = (char)pd_tolower((unsigned char)*q);
	return s;
}

static char *dup_lower(struct pd_arena *a, const char *p, size_t n)
{
	return lower(dup_text(a, p, n));
}

/* Quoted-string content: escapes resolved, runs of whitespace (folding)
 * collapsed to one space, ends trimmed. */
static char *dup_unquoted(struct pd_arena *a, struct span s)
{
	char *o = pd_arena_alloc(a, s.n + 1);
	size_t k = 0;
	bool sp = false;
	for (size_t j = 0; j < s.n; j++) {
		unsigned char c = (unsigned char)s.p[j];
		if (c == '\\' && j + 1 < s.n) {
			c = (unsigned char)s.p[++j];
		} else if (pd_isspace(c)) {
			sp = true;
			continue;
		}
		if (sp && k)
			o[k++] = ' ';
		sp = false;
		o[k++] = (char)c;
	}
	return dup_text(a, o, k);
}

static const char *dup_collapsed(struct pd_arena *a, struct span s)
{
	size_t n = 0;
	char *t = pd_utf8_sanitize(a, s.p, s.n, &n);
	return pd_collapse_ws(a, t, n);
}

/* Read a pvalue after "=" (and its CFWS).  Sets *had_eq when an unquoted
 * value contains '=' (caller uses it to spot "key= nextkey=value"). */
static const char *read_value(struct pd_arena *a, const char *p, size_t n, size_t *i,
                              bool *had_eq)
{
	*had_eq = false;
	size_t start = *i;
	if (*i < n && p[*i] == '"') {
		struct span q = read_quoted(p, n, i);
		if (*i < n && p[*i] == '@') {
			/* "quoted local"@domain: an addr-spec, keep as written */
			while (*i < n && is_value_char((unsigned char)p[*i]))
				(*i)++;
			return dup_text(a, p + start, *i - start);
		}
		return dup_unquoted(a, q);
	}
	while (*i < n && is_value_char((unsigned char)p[*i])) {
		if (p[*i] == '=')
			*had_eq = true;
		(*i)++;
	}
	return dup_text(a, p + start, *i - start);
}

/* ---- classification -------------------------------------------------- */

/* RFC 8601 Keyword (ALPHA / DIGIT / "-"), plus "_" seen in the wild. */
static bool is_keyword(struct span s)
{
	if (s.n == 0 || s.n > MAX_KEYWORD)
		return false;
	for (size_t j = 0; j < s.n; j++) {
		unsigned char c = (unsigned char)s.p[j];
		if (!pd_isalnum(c) && c != '-' && c != '_')
			return false;
	}
	return true;
}

static bool span_ieq(struct span s, const char *lit)
{
	size_t m = strlen(lit);
	return s.n == m && pd_strnieq(s.p, lit, m);
}

/* Registered methods (IANA "Email Authentication Methods") and common
 * private ones: a bare "spf=pass" inside a resinfo means a ";" is
 * missing, while "action=none" is Microsoft's ptype-less property. */
static bool is_known_method(struct span s)
{
	static const char *const known[] = {
		"arc", "auth", "bimi", "compauth", "dkim", "dkim-adsp", "dkim-atps",
		"dmarc", "dnswl", "domainkeys", "iprev", "rrvs", "sender-id",
		"smime", "spf", "vbr",
	};
	if (s.n > 2 && pd_strnieq(s.p, "x-", 2))
		return is_keyword(s);
	for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
		if (span_ieq(s, known[k]))
			return true;
	return false;
}

/* RFC 7208 section 8 results, plus the RFC 4408 era "error", "unknown"
 * and "hardfail" still written by old filters. */
static bool is_spf_result(struct span s)
{
	static const char *const known[] = {
		"pass", "fail", "softfail", "neutral", "none", "temperror", "permerror",
		"error", "unknown", "hardfail", "policy",
	};
	for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
		if (span_ieq(s, known[k]))
			return true;
	return false;
}

/* Does s look like an IPv4/IPv6 literal?  (Shape only; no parsing.) */
static bool looks_like_ip(struct span s)
{
	bool digit = false, sep = false;
	if (s.n < 3 || s.n > 45)
		return false;
	for (size_t j = 0; j < s.n; j++) {
		unsigned char c = (unsigned char)s.p[j];
		if (pd_isdigit(c))
			digit = true;
		else if (c == '.' || c == ':')
			sep = true;
		else if (!pd_isxdigit(c))
			return false;
	}
	return digit && sep;
}

/* The word of text starting at offset off (up to space, ')' or ','). */
static struct span word_at(struct span t, size_t off)
{
	struct span w = { t.p + off, 0 };
	while (off + w.n < t.n) {
		unsigned char c = (unsigned char)t.p[off + w.n];
		if (pd_isspace(c) || c == ')' || c == ',' || c == ';')
			break;
		w.n++;
	}
	return w;
}

/* Offset just after the first case-insensitive match of lit in t. */
static bool find_after(struct span t, const char *lit, size_t *off)
{
	const char *hit = pd_memcasemem(t.p, t.n, lit);
	if (!hit)
		return false;
	*off = (size_t)(hit - t.p) + strlen(lit);
	return true;
}

/* Client IP named in an SPF comment, in the shapes of Outlook.com
 * ("sender IP is X"), Gmail/Postfix ("designates X as permitted"),
 * "discourages use of X as", "X is neither permitted nor denied". */
static struct span comment_ip(struct span t)
{
	static const char *const before[] = { "sender ip is ", "designates ", "designate ", "use of " };
	struct span none = { NULL, 0 };
	size_t off;
	for (size_t k = 0; k < sizeof before / sizeof before[0]; k++) {
		if (find_after(t, before[k], &off)) {
			struct span w = word_at(t, off);
			if (looks_like_ip(w))
				return w;
		}
	}
	const char *hit = pd_memcasemem(t.p, t.n, " is neither permitted");
	if (hit) {
		size_t end = (size_t)(hit - t.p), b = end;
		while (b > 0 && !pd_isspace((unsigned char)t.p[b - 1]) && t.p[b - 1] != ':' &&
		       t.p[b - 1] != '(')
			b--;
		struct span w = { t.p + b, end - b };
		if (looks_like_ip(w))
			return w;
	}
	return none;
}

/* Sender domain or address named in a Received-SPF comment: "domain of
 * [transitioning] X". */
static struct span comment_domain(struct span t)
{
	struct span none = { NULL, 0 };
	size_t off;
	if (!find_after(t, "domain of ", &off))
		return none;
	if (off + 14 <= t.n && pd_strnieq(t.p + off, "transitioning ", 14))
		off += 14;
	struct span w = word_at(t, off);
	if (w.n == 0 || !memchr(w.p, '.', w.n))
		return none;
	for (size_t j = 0; j < w.n; j++) {
		unsigned char c = (unsigned char)w.p[j];
		if (c == '"' || c == '(' || c == '<' || c == '>')
			return none;
	}
	return w;
}

/* ---- building the result --------------------------------------------- */

struct builder {
	struct pd_arena *a;
	struct pd_authres *out;
	unsigned mcap;
	unsigned pcap;  /* capacity of the current method's props */
};

static struct pd_auth_method *add_method(struct builder *b, struct span method, struct span result)
{
	struct pd_authres *o = b->out;
	if (o->nmethods >= MAX_METHODS)
		return NULL;
	if (o->nmethods == b->mcap) {
		unsigned ncap = b->mcap ? b->mcap * 2 : 4;
		o->methods = pd_arena_realloc(b->a, o->methods, b->mcap * sizeof *o->methods,
		                              ncap * sizeof *o->methods);
		b->mcap = ncap;
	}
	struct pd_auth_method *m = &o->methods[o->nmethods++];
	m->method = dup_lower(b->a, method.p, method.n);
	m->result = dup_lower(b->a, result.p, result.n);
	m->reason = "";
	m->props = NULL;
	m->nprops = 0;
	b->pcap = 0;
	return m;
}

static void add_prop(struct builder *b, struct pd_auth_method *m, const char *ptype,
                     const char *property, const char *value)
{
	if (!m || m->nprops >= MAX_PROPS)
		return;
	if (m->nprops == b->pcap) {
		unsigned ncap = b->pcap ? b->pcap * 2 : 4;
		m->props = pd_arena_realloc(b->a, m->props, b->pcap * sizeof *m->props,
		                            ncap * sizeof *m->props);
		b->pcap = ncap;
	}
	struct pd_auth_prop *pr = &m->props[m->nprops++];
	pr->ptype = ptype;
	pr->property = property;
	pr->value = value;
}

/* "ptype.property": both parts keywords (the property may hold dots). */
static bool add_dotted_prop(struct builder *b, struct pd_auth_method *m, struct span key,
                            const char *value)
{
	const char *dot = memchr(key.p, '.', key.n);
	if (!dot)
		return false;
	struct span pt = { key.p, (size_t)(dot - key.p) };
	struct span pr = { dot + 1, key.n - pt.n - 1 };
	if (!is_keyword(pt) || pr.n == 0 || pr.n > MAX_KEYWORD)
		return true;  /* malformed: dropped */
	for (size_t j = 0; j < pr.n; j++) {
		unsigned char c = (unsigned char)pr.p[j];
		if (!pd_isalnum(c) && c != '-' && c != '_' && c != '.')
			return true;
	}
	const char *property = dup_lower(b->a, pr.p, pr.n);
	if (span_ieq(pt, "smtp") && strcmp(property, "mail") == 0)
		property = "mailfrom";
	add_prop(b, m, dup_lower(b->a, pt.p, pt.n), property, value);
	return true;
}

/* comment is the collapsed comment text (folding would hide the phrases). */
static void add_comment_ip(struct builder *b, struct pd_auth_method *m, const char *comment)
{
	if (!m || !comment || pd_auth_prop(m, NULL, "client-ip"))
		return;
	struct span ip = comment_ip((struct span){ comment, strlen(comment) });
	if (ip.p)
		add_prop(b, m, "", "client-ip", dup_text(b->a, ip.p, ip.n));
}

/* Reset *out; a NULL value becomes "" (no pointer arithmetic on NULL). */
static void init_out(struct pd_arena *a, const char **val, size_t *len,
                     enum pd_auth_source source, struct pd_authres *out)
{
	memset(out, 0, sizeof *out);
	out->source = source;
	out->authserv_id = "";
	if (!*val) {
		*val = "";
		*len = 0;
	}
	if (*len > MAX_VALUE)
		*len = MAX_VALUE;
	out->raw = *len ? dup_collapsed(a, (struct span){ *val, *len }) : "";
}

/* ---- Authentication-Results ----------------------------------------- */

/* ARC "i=N;" prefix (RFC 8617 4.1).  Leaves *i unchanged if absent. */
static int parse_arc_instance(const char *p, size_t n, size_t *i)
{
	size_t j = *i;
	skip_cfws(p, n, &j, NULL);
	struct span k = read_key(p, n, &j);
	if (!span_ieq(k, "i"))
		return 0;
	skip_cfws(p, n, &j, NULL);
	if (j >= n || p[j] != '=')
		return 0;
	j++;
	skip_cfws(p, n, &j, NULL);
	long v = 0;
	while (j < n && pd_isdigit((unsigned char)p[j])) {
		if (v < MAX_ARC_INSTANCE)
			v = v * 10 + (p[j] - '0');
		j++;
	}
	if (v > MAX_ARC_INSTANCE)
		v = MAX_ARC_INSTANCE;
	while (j < n && is_value_char((unsigned char)p[j]))
		j++;  /* junk after the number */
	skip_cfws(p, n, &j, NULL);
	if (j < n && p[j] == ';')
		j++;
	*i = j;
	return (int)v;
}

/* authserv-id [CFWS version].  Absent when the first word is followed by
 * "=" (Outlook.com writes results only). */
static void parse_authserv_id(struct pd_arena *a, const char *p, size_t n, size_t *i,
                              struct pd_authres *out)
{
	size_t j = *i;
	skip_cfws(p, n, &j, NULL);
	if (j >= n || p[j] == ';') {
		*i = j;
		return;
	}
	if (p[j] == '"') {
		struct span q = read_quoted(p, n, &j);
		out->authserv_id = lower(dup_unquoted(a, q));
	} else {
		struct span id = read_key(p, n, &j);
		size_t k = j;
		skip_cfws(p, n, &k, NULL);
		if (id.n == 0 || (k < n && p[k] == '='))
			return;  /* no authserv-id: *i stays at the method */
		out->authserv_id = dup_lower(a, id.p, id.n);
	}
	/* optional authres-version: digits followed by CFWS, ";" or end */
	size_t k = j;
	skip_cfws(p, n, &k, NULL);
	size_t d = k;
	while (d < n && pd_isdigit((unsigned char)p[d]))
		d++;
	if (d > k && (d == n || p[d] == ';' || p[d] == '(' || pd_isspace((unsigned char)p[d])))
		j = d;
	*i = j;
}

static void parse_resinfos(struct builder *b, const char *p, size_t n, size_t *i)
{
	struct pd_auth_method *cur = NULL;
	bool skipping = false;   /* inside a resinfo we could not read */
	bool fresh = false;      /* cur was just created: next comment is its own */
	size_t guard = 0;

	while (*i < n && guard++ <= n) {
		struct span comment;
		skip_cfws(p, n, i, &comment);
		if (fresh && cur && comment.p && strcmp(cur->method, "spf") == 0)
			add_comment_ip(b, cur, dup_collapsed(b->a, comment));
		fresh = false;
		if (*i >= n)
			break;
		unsigned char c = (unsigned char)p[*i];
		if (c == ';') {
			(*i)++;
			cur = NULL;
			skipping = false;
			continue;
		}
		if (c == '"') {
			(void)read_quoted(p, n, i);
			continue;
		}
		struct span key = read_key(p, n, i);
		if (key.n == 0) {
			(*i)++;  /* stray '=', ')' or control byte */
			continue;
		}
		skip_cfws(p, n, i, NULL);
		if (*i >= n || p[*i] != '=') {
			/* a bare word: "none", junk, or a version after the method;
			 * read_key consumed it, so the loop advances */
			continue;
		}
		(*i)++;
		size_t before_ws = *i;
		skip_cfws(p, n, i, NULL);
		size_t vstart = *i;
		bool had_eq;
		const char *value = read_value(b->a, p, n, i, &had_eq);
		if (had_eq && vstart > before_ws && p[vstart] != '"') {
			/* "key= next=value": the value was empty */
			*i = vstart;
			value = "";
		}

		bool new_method = !cur && !skipping;
		if (!new_method && !memchr(key.p, '.', key.n) && !span_ieq(key, "reason") &&
		    is_known_method(key))
			new_method = true;  /* a ";" is missing */
		if (new_method) {
			struct span method = key;
			const char *slash = memchr(key.p, '/', key.n);
			if (slash)
				method.n = (size_t)(slash - key.p);
			struct span result = { value, strlen(value) };
			cur = NULL;
			skipping = true;
			if (is_keyword(method) && is_keyword(result)) {
				cur = add_method(b, method, result);
				skipping = cur == NULL;
				fresh = cur != NULL;
			}
			continue;
		}
		if (skipping || !cur)
			continue;
		if (add_dotted_prop(b, cur, key, value))
			continue;
		if (span_ieq(key, "reason")) {
			if (!*cur->reason)
				cur->reason = value;
			continue;
		}
		if (is_keyword(key))
			add_prop(b, cur, "", dup_lower(b->a, key.p, key.n), value);
	}
}

int pd_authres_parse(struct pd_arena *a, const char *val, size_t len,
                     enum pd_auth_source source, struct pd_authres *out)
{
	init_out(a, &val, &len, source, out);
	struct builder b = { .a = a, .out = out };
	size_t i = 0;
	if (source == PD_AUTH_ARC_AR)
		out->arc_instance = parse_arc_instance(val, len, &i);
	parse_authserv_id(a, val, len, &i, out);
	parse_resinfos(&b, val, len, &i);
	return 0;
}

/* ---- Received-SPF ---------------------------------------------------- */

int pd_received_spf_parse(struct pd_arena *a, const char *val, size_t len,
                          struct pd_authres *out)
{
	init_out(a, &val, &len, PD_AUTH_RECEIVED_SPF, out);
	struct builder b = { .a = a, .out = out };
	const char *p = val;
	size_t n = len, i = 0;

	skip_cfws(p, n, &i, NULL);
	struct span result = read_key(p, n, &i);
	size_t k = i;
	skip_cfws(p, n, &k, NULL);
	if (!is_spf_result(result) || (k < n && p[k] == '='))
		return 0;  /* no result word: nothing to report */
	struct pd_auth_method *m = add_method(&b, (struct span){ "spf", 3 }, result);
	struct span comment;
	skip_cfws(p, n, &i, &comment);
	if (comment.p)
		m->reason = dup_collapsed(a, comment);

	size_t guard = 0;
	while (i < n && guard++ <= n) {
		skip_cfws(p, n, &i, NULL);
		if (i >= n)
			break;
		if (p[i] == ';') {
			i++;
			continue;
		}
		if (p[i] == '"') {
			(void)read_quoted(p, n, &i);
			continue;
		}
		struct span key = read_key(p, n, &i);
		if (key.n == 0) {
			i++;
			continue;
		}
		skip_cfws(p, n, &i, NULL);
		if (i >= n || p[i] != '=')
			continue;
		i++;
		skip_cfws(p, n, &i, NULL);
		bool had_eq;
		const char *value = read_value(a, p, n, &i, &had_eq);
		if (!is_keyword(key))
			continue;
		if (span_ieq(key, "envelope-from"))
			add_prop(&b, m, "smtp", "mailfrom", value);
		else if (span_ieq(key, "helo"))
			add_prop(&b, m, "smtp", "helo", value);
		else
			add_prop(&b, m, "", dup_lower(a, key.p, key.n), value);
	}

	if (comment.p) {
		add_comment_ip(&b, m, m->reason);
		const char *identity = pd_auth_prop(m, NULL, "identity");
		if (!pd_auth_prop(m, "smtp", "mailfrom") && !(identity && pd_strieq(identity, "helo"))) {
			struct span d = comment_domain((struct span){ m->reason, strlen(m->reason) });
			if (d.p)
				add_prop(&b, m, "smtp", "mailfrom", dup_text(a, d.p, d.n));
		}
	}
	return 0;
}

const char *pd_auth_prop(const struct pd_auth_method *m, const char *ptype,
                         const char *property)
{
	if (!m || !property)
		return NULL;
	for (unsigned k = 0; k < m->nprops; k++) {
		const struct pd_auth_prop *pr = &m->props[k];
		if (ptype && !pd_strieq(pr->ptype, ptype))
			continue;
		if (pd_strieq(pr->property, property))
			return pr->value;
	}
	return NULL;
}
