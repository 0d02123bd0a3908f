/* brand.c - who does this mail pretend to be, and does anything in it
 * really belong to them?  (checklist steps 2, 3, 7; data/brands.txt)
 *
 * Claims: brand aliases in the From display name, Subject, body text,
 * HTML attachments, a short HTML <title>, image alt/title texts and
 * copyright/footer lines, and
 * brand domains in From / Reply-To / Return-Path.  Text is NFKC (parser),
 * then folded (base/fold.h: case, width, kana, middle dots, zero-width and
 * bidi characters removed, Cyrillic/Greek look-alikes read as Latin) and
 * scanned once with the alias automaton compiled in the context.  The
 * brand with the strongest claim (display name and From domain first) is
 * "the claimed brand".
 * Belonging: From in the brand's official domains and authenticated by the
 * receiving side (DMARC pass or aligned DKIM, RFC 7489 relaxed alignment),
 * links on its domains, the origin hop's reverse DNS in its domains or
 * sending services, or the origin's AS in its ASNs.  Authenticated brand
 * mail gets no brand finding at all.
 * Also: look-alike sender domains (brand tokens), brand names written
 * with hidden or look-alike characters, CEO fraud (executive title +
 * transfer/gift-card request + free-mail or look-alike sender), and the
 * organisation's own list of services (--known-services).
 * A mail forwarded inline (mail/fwdinline.c): the quoted original sender
 * is the one who claims (name, address), and as the original's route and
 * authentication are gone, its own domain is backed only by its links.
 * Bounds: SCAN_MAX bytes per text part, 64 alias matches per text,
 * 16 candidate brands, 8 footer lines per part. */
#include <stdio.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "base/acmatch.h"
#include "base/fold.h"
#include "base/text.h"
#include "base/unicode.h"
#include "data/brands.h"
#include "mail/authres.h"
#include "mail/parse.h"
#include "net/domain.h"
#include "net/url.h"

#define SCAN_MAX PD_TEXT_SCAN_MAX /* the part the parser folds */
#define FOOTER_TAIL (16 * 1024)
#define MAX_MATCH 64
#define MAX_CAND 16
#define MAX_FOOTER 8

enum site { S_FROM_NAME, S_FROM_ADDR, S_REPLY_TO, S_RETURN_PATH, S_SUBJECT, S_FOOTER, S_ALT,
	S_BODY, S_ATTACH, S_TITLE, S_COUNT };
static const char *const site_name[S_COUNT] = { "from-display-name", "from-address", "reply-to",
	"return-path", "subject", "footer", "image-alt-or-title", "body", "html-attachment", "html-title" };
static const int site_score[S_COUNT] = { 4, 4, 1, 1, 3, 2, 1, 1, 2, 3 };
/* a claim needs one of these: body mentions alone are talk about a brand */
#define STRONG_SITES (1u << S_FROM_NAME | 1u << S_FROM_ADDR | 1u << S_SUBJECT | 1u << S_FOOTER | \
	1u << S_ATTACH | 1u << S_TITLE)
/* a short HTML <title> naming a brand labels the page as that brand's
 * ("PayPal", "Amazon.co.jp - Sign-in"); a long one is a headline */
#define TITLE_LABEL_MAX 40

struct cand {
	unsigned brand;
	unsigned sites;
	const char *where[S_COUNT], *value[S_COUNT];
	unsigned nbody;
};

struct obf {
	const char *where, *value, *alias;
	unsigned hidden, conf;
};

struct st {
	const struct pd_ctx *ctx;
	const struct pd_brands *bs;
	const struct pd_msg *m;
	struct pd_report *r;
	struct cand cand[MAX_CAND];
	unsigned ncand;
	unsigned footer_brand[MAX_CAND];
	const char *footer_line[MAX_CAND], *footer_where[MAX_CAND];
	unsigned nfooter;
	struct obf obf;
};

static void claim(struct st *st, unsigned brand, enum site s, const char *where, const char *value)
{
	struct cand *c = NULL;
	for (unsigned i = 0; i < st->ncand; i++)
		if (st->cand[i].brand == brand)
			c = &st->cand[i];
	if (!c) {
		if (st->ncand >= MAX_CAND)
			return;
		c = &st->cand[st->ncand++];
		memset(c, 0, sizeof *c);
		c->brand = brand;
	}
	if (s == S_BODY)
		c->nbody++;
	if (c->sites & (1u << s))
		return;
	c->sites |= 1u << s;
	c->where[s] = where;
	c->value[s] = value;
}

static int cand_score(const struct cand *c)
{
	int sc = 0;
	for (int s = 0; s < S_COUNT; s++)
		if (c->sites & (1u << s))
			sc += site_score[s];
	return sc + (c->nbody > 1 ? 1 : 0);
}

/* ---- alias matching over folded text ---- */

struct match {
	unsigned alias;
	size_t s, e;
};

struct mscan {
	const struct pd_brands *bs;
	const char *t;
	size_t n;
	bool allow_short;
	const char *orig;       /* the unfolded text (NUL-terminated) */
	struct match m[MAX_MATCH];
	unsigned nm;
};

/* Katakana (incl. the long-vowel mark) just before t[pos] / at t[pos]? */
static bool kata_at(const char *t, size_t n, size_t pos)
{
	if (pos + 3 > n)
		return false;
	const unsigned char *u = (const unsigned char *)t + pos;
	uint32_t cp;
	if (pd_utf8_decode(u, n - pos, &cp) != 3)
		return false;
	return cp >= 0x30A1 && cp <= 0x30FC;
}

static bool kata_before(const char *t, size_t n, size_t pos)
{
	return pos >= 3 && kata_at(t, n, pos - 3);
}

static bool on_alias(void *ud, unsigned id, size_t s, size_t e)
{
	struct mscan *ms = ud;
	const struct pd_alias *al = &ms->bs->alias[id];
	if (al->kind == PD_ALIAS_SHORT && !ms->allow_short)
		return true;
	if (al->ascii_start && s > 0 && pd_isalnum((unsigned char)ms->t[s - 1]))
		return true;
	if (al->ascii_end && e < ms->n && pd_isalnum((unsigned char)ms->t[e]))
		return true;
	if (al->kind == PD_ALIAS_SHORT && (kata_before(ms->t, ms->n, s) || kata_at(ms->t, ms->n, e)))
		return true;
	/* short Latin names as written ("ANA", not the first name "Ana") */
	if (al->kind == PD_ALIAS_SHORT && al->ascii_start && ms->orig && !strstr(ms->orig, al->text))
		return true;
	if (ms->nm < MAX_MATCH)
		ms->m[ms->nm++] = (struct match){ id, s, e };
	return ms->nm < MAX_MATCH;
}

/* Fold s[0..n) and report each alias match (the longest of overlapping
 * ones) through claim(); look-alike letters only count when mixed with
 * real ASCII letters in the same name. */
static void scan_folded(struct st *st, const char *f, size_t fl, const struct pd_fold_marks *mkp,
                        const char *orig, bool allow_short, enum site site, const char *where,
                        const char *value, const struct pd_text_hits *pre);

static void scan_text(struct st *st, const char *s, size_t n, bool allow_short, enum site site,
                      const char *where, const char *value)
{
	if (!n || !st->bs->alias_ac)
		return;
	struct pd_fold_marks mk;
	size_t fl;
	const char *f = pd_fold(st->r->arena, s, n, &fl, &mk);
	scan_folded(st, f, fl, &mk, value ? value : s, allow_short, site, where, value, NULL);
}

/* The same on text already folded (the parser folds every text part once);
 * pre: its matches from the shared scan (analyzers.h pd_text_hits), or NULL. */
static void scan_folded(struct st *st, const char *f, size_t fl, const struct pd_fold_marks *mkp,
                        const char *orig, bool allow_short, enum site site, const char *where,
                        const char *value, const struct pd_text_hits *pre)
{
	if (!fl || !st->bs->alias_ac)
		return;
	const struct pd_fold_marks mk = *mkp;
	struct mscan ms;
	ms.bs = st->bs;
	ms.t = f;
	ms.n = fl;
	ms.allow_short = allow_short;
	ms.orig = orig;
	ms.nm = 0;
	if (!pre) {
		pd_ac_scan(st->bs->alias_ac, f, fl, on_alias, &ms);
	} else {
		for (size_t k = 0; k < pre->nalias; k++)
			if (!on_alias(&ms, pre->alias[k].id, pre->alias[k].start, pre->alias[k].end))
				break;
	}
	for (unsigned i = 0; i < ms.nm; i++) {
		const struct match *a = &ms.m[i];
		bool covered = false;
		for (unsigned j = 0; j < ms.nm && !covered; j++) {
			const struct match *b = &ms.m[j];
			covered = j != i && b->s <= a->s && b->e >= a->e && (b->e - b->s) > (a->e - a->s);
		}
		if (covered)
			continue;
		unsigned conf = 0, ascii = 0;
		for (unsigned k = 0; k < mk.nconf; k++)
			if (mk.conf[k] >= a->s && mk.conf[k] < a->e)
				conf++;
		for (size_t k = a->s; k < a->e; k++)
			ascii += pd_isalpha((unsigned char)f[k]) ? 1u : 0u;
		if (conf && ascii <= conf)
			continue; /* a word in another alphabet, not a disguised brand */
		unsigned hidden = 0;
		for (unsigned k = 0; k < mk.nhidden; k++)
			if (mk.hidden[k] > a->s && mk.hidden[k] < a->e)
				hidden++;
		const struct pd_alias *al = &st->bs->alias[a->alias];
		if ((hidden || conf) && !st->obf.where) {
			st->obf.where = where;
			st->obf.value = value ? value : al->text;
			st->obf.alias = al->text;
			st->obf.hidden = hidden;
			st->obf.conf = conf;
		}
		claim(st, al->brand, site, where, value ? value : al->text);
		if (site == S_FOOTER) {
			bool dup = false;
			for (unsigned k = 0; k < st->nfooter; k++)
				dup |= st->footer_brand[k] == al->brand;
			if (!dup && st->nfooter < MAX_CAND) {
				st->footer_brand[st->nfooter] = al->brand;
				st->footer_line[st->nfooter] = value;
				st->footer_where[st->nfooter] = where;
				st->nfooter++;
			}
		}
	}
}

/* ---- copyright / footer lines ---- */

static bool footer_marker(const char *l, size_t n)
{
	if (pd_memcasemem(l, n, "\xc2\xa9") || pd_memcasemem(l, n, "copyright") ||
	    pd_memcasemem(l, n, "all rights reserved") || pd_memcasemem(l, n, "\xe8\x91\x97\xe4\xbd\x9c\xe6\xa8\xa9"))
		return true;
	/* "(C)1998 ..." / "(c) 2024 ...": not an enumeration "(a) (b) (c)" */
	const char *p = pd_memcasemem(l, n, "(c)");
	while (p) {
		size_t k = (size_t)(p - l) + 3;
		while (k < n && l[k] == ' ')
			k++;
		if (k < n && (pd_isdigit((unsigned char)l[k]) || (l[k] >= 'A' && l[k] <= 'Z')))
			return true;
		size_t off = (size_t)(p - l) + 1;
		p = off < n ? pd_memcasemem(l + off, n - off, "(c)") : NULL;
	}
	return false;
}

static void scan_footers(struct st *st, const char *t, size_t n, const char *where)
{
	/* footers sit at the end: look at the head (SCAN_MAX) and the tail */
	unsigned found = 0;
	for (int pass = 0; pass < 2 && found < MAX_FOOTER; pass++) {
		size_t from = 0, to = n;
		if (pass == 0) {
			to = n < SCAN_MAX ? n : SCAN_MAX;
		} else {
			if (n <= SCAN_MAX)
				break;
			from = n - FOOTER_TAIL > SCAN_MAX ? n - FOOTER_TAIL : SCAN_MAX;
		}
		size_t i = from;
		while (i < to && found < MAX_FOOTER) {
			const char *nl = memchr(t + i, '\n', to - i);
			size_t e = nl ? (size_t)(nl - t) : to;
			size_t ls = i, le = e;
			while (ls < le && pd_isspace((unsigned char)t[ls]))
				ls++;
			while (le > ls && pd_isspace((unsigned char)t[le - 1]))
				le--;
			if (le > ls && le - ls <= 300 && footer_marker(t + ls, le - ls)) {
				found++;
				const char *line = pd_utf8_sanitize(st->r->arena, t + ls, le - ls, NULL);
				scan_text(st, t + ls, le - ls, false, S_FOOTER, where, line);
			}
			i = e + 1;
		}
	}
}

/* ---- authentication and origin ---- */


struct auth_view {
	bool aligned, dmarc_fail, spf_fail, any;
	const char *fail_text;
};

static void auth_view(const struct pd_ctx *ctx, const struct pd_msg *m, struct pd_report *r,
                      const char *fromreg, struct auth_view *av)
{
	memset(av, 0, sizeof *av);
	const char *id = ctx->authserv_id;
	for (unsigned i = 0; i < m->nauth && !id; i++)
		if (m->auth[i].source == PD_AUTH_AR && m->auth[i].header_index == 0)
			id = m->auth[i].authserv_id;
	for (unsigned i = 0; i < m->nauth && id; i++) {
		const struct pd_authres *ar = &m->auth[i];
		if (ar->source != PD_AUTH_AR || strcmp(ar->authserv_id, id) != 0)
			continue;
		for (unsigned k = 0; k < ar->nmethods; k++) {
			const struct pd_auth_method *me = &ar->methods[k];
			av->any = true;
			if (strcmp(me->method, "dmarc") == 0) {
				const char *hf = pd_auth_prop(me, "header", "from");
				bool ours = !hf || strcmp(pd_registrable_of(r, hf), fromreg) == 0;
				if (ours && strcmp(me->result, "pass") == 0)
					av->aligned = true;
				else if (ours && strcmp(me->result, "fail") == 0) {
					av->dmarc_fail = true;
					av->fail_text = "dmarc=fail";
				}
			} else if (strcmp(me->method, "dkim") == 0 && strcmp(me->result, "pass") == 0) {
				const char *d = pd_auth_prop(me, "header", "d");
				if (!d)
					d = pd_auth_prop(me, "header", "i");
				if (d && strcmp(pd_registrable_of(r, d), fromreg) == 0)
					av->aligned = true;
			} else if (strcmp(me->method, "spf") == 0 && strcmp(me->result, "fail") == 0) {
				const char *mf = pd_auth_prop(me, "smtp", "mailfrom");
				if (!mf || strcmp(pd_registrable_of(r, mf), fromreg) == 0) {
					av->spf_fail = true;
					if (!av->fail_text)
						av->fail_text = "spf=fail";
				}
			}
		}
	}
}

static bool is_clickable(enum pd_link_origin o);

/* The financial word (data/financial-words.txt) in the first label of a
 * registrable domain, or NULL; a "!word" there rules the domain out. */
static const char *financial_word(const struct pd_ctx *ctx, const char *reg)
{
	size_t ln = strcspn(reg, ".");
	const char *hit = NULL;
	for (unsigned i = 0; i < ctx->nfin; i++) {
		const char *w = ctx->fin_words[i];
		bool neg = *w == '!';
		w += neg;
		const char *p = pd_memcasemem(reg, ln, w);
		if (p && neg)
			return NULL;
		if (p && !hit)
			hit = w;
	}
	return hit;
}

/* The sender's domain is named like a bank (lasallebank.com, tinkerfcu.org)
 * but not a listed brand's: nothing authenticates it for that domain and
 * there are links, none to it.  The listed brands have their own, finer
 * findings. */
static void financial_sender(struct st *st, const struct pd_addr *from, const char *fromreg,
                             const char *fwhere, bool fwd)
{
	struct pd_report *r = st->r;
	const struct pd_ctx *ctx = r->ctx;
	const struct pd_msg *m = st->m;
	if (fwd || !from->valid || !*fromreg || pd_is_freemail(ctx, from->domain) ||
	    pd_brands_host_listed(st->bs, from->domain))
		return;
	const char *word = financial_word(ctx, fromreg);
	if (!word)
		return;
	struct auth_view av;
	auth_view(ctx, m, r, fromreg, &av);
	if (av.aligned)
		return;
	unsigned nlinks = 0;
	for (unsigned i = 0; i < m->nurls; i++) {
		const struct pd_url *u = &m->urls[i];
		if (!is_clickable(u->origin) || !*u->host)
			continue;
		if (*u->domain && strcmp(u->domain, fromreg) == 0)
			return;
		nlinks++;
	}
	if (nlinks)
		pd_emitd(r, PD_F_BRAND_FINANCIAL_UNVERIFIED, fwhere, from->addr, PD_D_FINANCIAL_NAME, word, fromreg,
		         nlinks);
}

static bool asn_of_brand(const struct pd_brand *b, uint32_t asn)
{
	if (!asn)
		return false;
	char buf[24];
	snprintf(buf, sizeof buf, "AS%u", (unsigned)asn);
	for (unsigned i = 0; i < b->nasns; i++)
		if (pd_strieq(b->asns[i], buf))
			return true;
	return false;
}

static const char *domain_list(struct pd_arena *a, const struct pd_brand *b)
{
	struct pd_buf buf;
	pd_buf_init(&buf, a, 256);
	for (unsigned i = 0; i < b->ndomains && i < 3; i++) {
		if (i)
			pd_buf_adds(&buf, ", ");
		pd_buf_adds(&buf, b->domains[i]);
	}
	if (b->ndomains > 3)
		pd_buf_adds(&buf, ", ...");
	return buf.p;
}

static void contra(struct pd_brand_claim *bc, enum pd_fid id, const struct pd_finding *f)
{
	if (!f || bc->ncontra >= PD_BRAND_MAX_CONTRA)
		return;
	bc->contra[bc->ncontra].finding = pd_catalog[id].id;
	bc->contra[bc->ncontra].en = f->detail;
	bc->contra[bc->ncontra].ja = f->detail_ja;
	bc->ncontra++;
}

/* ---- CEO fraud ---- */

struct lexhit {
	const struct pd_ctx *ctx;
	const char *t;
	size_t n;
	const char *want;
	const char *phrase;
};

static bool on_lex(void *ud, unsigned id, size_t s, size_t e)
{
	struct lexhit *h = ud;
	const struct pd_lexeme *lx = &h->ctx->lex[id];
	if (strcmp(lx->category, h->want) != 0)
		return true;
	if (pd_isalnum((unsigned char)h->t[s]) && s > 0 && pd_isalnum((unsigned char)h->t[s - 1]))
		return true;
	if (pd_isalnum((unsigned char)h->t[e - 1]) && e < h->n && pd_isalnum((unsigned char)h->t[e]))
		return true;
	h->phrase = lx->phrase;
	return false;
}

static const char *find_lex(const struct pd_ctx *ctx, struct pd_arena *a, const char *s, size_t n,
                            const char *cat)
{
	if (!ctx->lex_ac || !n)
		return NULL;
	if (n > SCAN_MAX) {
		n = SCAN_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	size_t fl;
	const char *f = pd_fold(a, s, n, &fl, NULL);
	struct lexhit h = { ctx, f, fl, cat, NULL };
	pd_ac_scan(ctx->lex_ac, f, fl, on_lex, &h);
	return h.phrase;
}

/* Bounded edit distance of two short ASCII labels (0..3; 3 = "far"). */
static unsigned edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 63 || lb > 63)
		return 3;
	unsigned row[64], prev[64];
	for (size_t j = 0; j <= lb; j++)
		prev[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned c = prev[j - 1] + (a[i - 1] != b[j - 1]);
			unsigned d = prev[j] + 1, ins = row[j - 1] + 1;
			row[j] = c < d ? (c < ins ? c : ins) : (d < ins ? d : ins);
		}
		memcpy(prev, row, (lb + 1) * sizeof *row);
	}
	return prev[lb] > 3 ? 3 : prev[lb];
}

/* Is fromreg a look-alike of the recipient's own registrable domain? */
static bool imitates_recipient(struct pd_report *r, const struct pd_msg *m, const char *fromreg)
{
	const char *rr = pd_registrable_of(r, m->recipient_domain);
	if (!*rr || !*fromreg || strcmp(rr, fromreg) == 0)
		return false;
	const char *rd = strchr(rr, '.'), *fd = strchr(fromreg, '.');
	char rl[64], fl[64];
	size_t rn = rd ? (size_t)(rd - rr) : strlen(rr), fn = fd ? (size_t)(fd - fromreg) : strlen(fromreg);
	if (rn < 4 || rn > 63 || fn > 63)
		return false;
	memcpy(rl, rr, rn);
	rl[rn] = '\0';
	memcpy(fl, fromreg, fn);
	fl[fn] = '\0';
	return strstr(fl, rl) != NULL || (rn >= 5 && edit_distance(fl, rl) <= 2);
}

static void check_bec(const struct pd_ctx *ctx, const struct pd_msg *m, struct pd_report *r,
                      const struct pd_addr *from, const char *fromreg, const char *fwhere)
{
	struct pd_arena *a = r->arena;
	const char *title = find_lex(ctx, a, from->display, strlen(from->display), "executive");
	if (!title && m->ntexts)
		title = find_lex(ctx, a, m->texts[0].text, m->texts[0].len > 400 ? 400 : m->texts[0].len, "executive");
	if (!title)
		return;
	const char *ask = NULL;
	if (*m->subject) {
		ask = find_lex(ctx, a, m->subject, strlen(m->subject), "bec");
	}
	for (unsigned i = 0; i < m->ntexts && !ask; i++)
		ask = find_lex(ctx, a, m->texts[i].text, m->texts[i].len, "bec");
	if (!ask)
		return;
	const char *how = NULL;
	const char *rtreg = m->reply_to.valid ? pd_registrable_of(r, m->reply_to.domain) : "";
	if (pd_is_freemail(ctx, from->domain))
		how = pd_arena_printf(a, "free-mail %s", from->domain);
	else if (*rtreg && strcmp(rtreg, fromreg) != 0 && pd_is_freemail(ctx, m->reply_to.domain))
		how = pd_arena_printf(a, "Reply-To free-mail %s", m->reply_to.addr);
	else if (imitates_recipient(r, m, fromreg))
		how = pd_arena_printf(a, "look-alike %s", from->domain);
	else if (*rtreg && imitates_recipient(r, m, rtreg))
		how = pd_arena_printf(a, "Reply-To look-alike %s", m->reply_to.domain);
	if (!how)
		return;
	pd_emitd(r, PD_F_BRAND_BEC_EXECUTIVE, fwhere,
	         *from->display ? from->display : from->addr, PD_D_BEC, title, ask, how);
}

/* A segment [s, s+n) equal (ignoring case) to the brand's id or one of
 * its look-alike tokens of 4+ characters: the name, or NULL. */
static const char *brand_word(const struct pd_brand *b, const char *s, size_t n)
{
	if (n < 4)
		return NULL;
	if (strlen(b->id) == n && pd_strnieq(s, b->id, n))
		return b->id;
	for (unsigned k = 0; k < b->ntokens; k++)
		if (strlen(b->tokens[k]) == n && pd_strnieq(s, b->tokens[k], n))
			return b->tokens[k];
	return NULL;
}

/* The brand's id or one of its look-alike tokens of 4+ characters inside
 * h[0..n) (host names: lower case), read as pd_brands_lookalike() reads a
 * sender's domain (pd_brands_token_edged): "info-monex.", "jp-sbisec.",
 * "saisoncard-x.", "vpass3.".  The name found, or NULL. */
static const char *brand_in_host(const struct pd_brand *b, const char *h, size_t n)
{
	for (unsigned k = 0; k <= b->ntokens; k++) {
		const char *t = k < b->ntokens ? b->tokens[k] : b->id;
		size_t tl = strlen(t);
		if (tl < 4 || tl > n)
			continue;
		for (const char *q = h; (q = pd_memcasemem(q, n - (size_t)(q - h), t)) != NULL; q++) {
			size_t s = (size_t)(q - h);
			if (pd_brands_token_edged(h, n, s, s + tl, false))
				return t;
			if (s + tl >= n)
				break;
		}
	}
	return NULL;
}

/* The claimed brand's name as a whole folder or file name (split at '/'
 * and '.') in a link's path, or in its host name up to the registrable
 * domain's own label (not the public suffix: ".jcb" is a TLD):
 * "example.net/paypal/login.html", "paypal.com-cgi-bin.biz",
 * "info-monex.example.com", "saison-statement.example".  The name found,
 * or NULL. */
static const char *brand_name_in_link(const struct pd_brand *b, const struct pd_url *u)
{
	const char *p = u->path;
	size_t pl = strcspn(p, "?#");
	for (size_t i = 0; i < pl;) {
		size_t k = i;
		while (k < pl && p[k] != '/' && p[k] != '.')
			k++;
		const char *w = brand_word(b, p + i, k - i);
		if (w)
			return w;
		i = k + 1;
	}
	size_t hl = strlen(u->host), dl = strlen(u->domain);
	if (u->host_is_ip || !dl || hl < dl || strcmp(u->host + hl - dl, u->domain) != 0)
		return NULL;
	const char *suffix = strchr(u->domain, '.');
	if (!suffix)
		return NULL;
	hl -= strlen(suffix); /* the host without its public suffix */
	return brand_in_host(b, u->host, hl);
}

/* Does the (percent-decoded) URL hold another URL on one of the brand's
 * domains, as a click tracker's or redirect's target does
 * ("ebay.doubleclick.net/clk;...;?http://search.ebay.com/")?  Then it
 * leads to the brand, and the name in it is no disguise. */
static bool holds_brand_url(struct pd_arena *a, const struct pd_brand *b, const char *raw)
{
	const char *dec = strchr(raw, '%') ? pd_url_pct_decode(a, raw, strlen(raw), NULL) : raw;
	const char *p = strstr(dec, "://");
	if (!p)
		return false;
	while ((p = strstr(p + 3, "://")) != NULL) {
		const char *h = p + 3;
		size_t hl = strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");
		for (unsigned k = 0; k < b->ndomains; k++) {
			size_t dl = strlen(b->domains[k]);
			if (hl >= dl && pd_strnieq(h + hl - dl, b->domains[k], dl) && (hl == dl || h[hl - dl - 1] == '.'))
				return true;
		}
	}
	return false;
}

/* The lower-case domain of the first address of a mailto: URL, or "". */
static const char *mailto_domain(struct pd_arena *a, const char *raw)
{
	const char *p = raw + strcspn(raw, ":");
	if (!*p)
		return "";
	p++;
	size_t n = strcspn(p, "?#,;");
	const char *at = memchr(p, '@', n);
	if (!at)
		return "";
	at++;
	size_t dl = n - (size_t)(at - p);
	if (!dl || dl > 253)
		return "";
	char *d = pd_arena_strndup(a, at, dl);
	for (char *q = d; *q; q++) {
		if (!(pd_isalnum((unsigned char)*q) || *q == '.' || *q == '-'))
			return "";
		*q = (char)pd_tolower((unsigned char)*q);
	}
	return d;
}

static bool is_clickable(enum pd_link_origin o)
{
	return o == PD_LINK_TEXT || o == PD_LINK_HTML_HREF || o == PD_LINK_HTML_FORM ||
	       o == PD_LINK_HTML_META || o == PD_LINK_HTML_SCRIPT;
}

void pd_an_brand(const struct pd_ctx *ctx, const struct pd_msg *m, struct pd_report *r)
{
	const struct pd_brands *bs = ctx->brands;
	if (!bs || !bs->n) {
		pd_report_status(r, "brand", "skipped: no brand data");
		return;
	}
	struct st *st = pd_arena_alloc(r->arena, sizeof *st);
	st->ctx = ctx;
	st->bs = bs;
	st->m = m;
	st->r = r;
	/* a mail forwarded inline: the quoted original sender is the one who
	 * claims; the From, Reply-To and Return-Path headers are the
	 * forwarder's, and so are route and authentication */
	bool fwd = m->fwd_inline && (m->fwd_from.valid || *m->fwd_from.display);
	const struct pd_addr *from = fwd ? &m->fwd_from : &m->from;
	const char *fromreg = fwd ? pd_registrable_of(r, from->domain) : pd_from_domain(r, m);
	const char *fwhere = fwd ? pd_where_part(r, m, m->fwd_part) : pd_where_header(r, m, "From");

	/* where is a brand claimed? */
	if (*from->display)
		scan_text(st, from->display, strlen(from->display), true, S_FROM_NAME, fwhere, from->display);
	unsigned bl[8];
	unsigned nb = from->valid ? pd_brands_of_host(bs, from->domain, bl, 8) : 0;
	for (unsigned i = 0; i < nb; i++)
		claim(st, bl[i], S_FROM_ADDR, fwhere, from->addr);
	if (m->reply_to.valid && !fwd) {
		nb = pd_brands_of_host(bs, m->reply_to.domain, bl, 8);
		for (unsigned i = 0; i < nb; i++)
			claim(st, bl[i], S_REPLY_TO, pd_where_header(r, m, "Reply-To"), m->reply_to.addr);
	}
	if (m->return_path.valid && !fwd) {
		nb = pd_brands_of_host(bs, m->return_path.domain, bl, 8);
		for (unsigned i = 0; i < nb; i++)
			claim(st, bl[i], S_RETURN_PATH, pd_where_header(r, m, "Return-Path"), m->return_path.addr);
	}
	if (*m->subject) {
		/* the parser made the subject NFKC already */
		scan_text(st, m->subject, strlen(m->subject), false, S_SUBJECT, pd_where_header(r, m, "Subject"),
		          m->subject);
	}
	for (unsigned i = 0; i < m->ntexts; i++) {
		const struct pd_text_part *t = &m->texts[i];
		const char *w = pd_where_part(r, m, t->part_index);
		bool att = (t->flags & PD_PART_ATTACHMENT) != 0;
		scan_folded(st, t->fold, t->fold_len, t->fold_marks, t->text, false, att ? S_ATTACH : S_BODY, w,
		            NULL, pd_text_hits(r, m, i));
		scan_footers(st, t->text, t->len, w);
		size_t tl = t->title ? strlen(t->title) : 0;
		if (tl && tl <= TITLE_LABEL_MAX)
			scan_text(st, t->title, tl, false, S_TITLE, w, t->title);
	}
	for (unsigned i = 0; i < m->nanchors && i < 200; i++) {
		const char *ti = m->anchors[i].title;
		if (ti && *ti) {
			size_t tn;
			const char *nt = pd_nfkc(r->arena, ti, strlen(ti) > 300 ? 300 : strlen(ti), &tn);
			unsigned part = m->anchor_part ? m->anchor_part[i] : 0;
			scan_text(st, nt, tn, false, S_ALT, pd_where_part(r, m, part), ti);
		}
	}

	/* independent of the claim */
	financial_sender(st, from, fromreg, fwhere, fwd);
	if (from->valid && !pd_is_freemail(ctx, from->domain)) {
		const char *tok = NULL;
		int lb = pd_brands_lookalike(bs, r->arena, from->domain, &tok);
		if (lb >= 0) {
			struct pd_finding *f = pd_emitd(r, PD_F_BRAND_LOOKALIKE_SENDER, fwhere, from->domain,
			                                PD_D_BRAND_LOOKALIKE, tok, pd_bilingual(r->arena, bs->b[lb].name, bs->b[lb].name_ja));
			if (f)
				f->value_is_host = true;
		}
	}
	if (m->reply_to.valid && !pd_is_freemail(ctx, m->reply_to.domain)) {
		const char *tok = NULL;
		int lb = pd_brands_lookalike(bs, r->arena, m->reply_to.domain, &tok);
		if (lb >= 0) {
			struct pd_finding *f = pd_emitd(r, PD_F_BRAND_LOOKALIKE_SENDER, pd_where_header(r, m, "Reply-To"),
			                                m->reply_to.domain, PD_D_BRAND_LOOKALIKE, tok, pd_bilingual(r->arena, bs->b[lb].name, bs->b[lb].name_ja));
			if (f)
				f->value_is_host = true;
		}
	}
	if (st->obf.where)
		pd_emitd(r, PD_F_BRAND_NAME_OBFUSCATED, st->obf.where, st->obf.value, PD_D_BRAND_OBFUSCATED,
		         st->obf.alias, st->obf.hidden, st->obf.conf);
	check_bec(ctx, m, r, from, fromreg, fwhere);

	/* the claimed brand: strongest claim with at least one strong site */
	int best = -1, bestsc = 0;
	for (unsigned i = 0; i < st->ncand; i++) {
		const struct cand *c = &st->cand[i];
		int sc = cand_score(c);
		if (!(c->sites & STRONG_SITES) || sc < 3)
			continue;
		if (sc > bestsc) {
			best = (int)i;
			bestsc = sc;
		}
	}
	if (best < 0)
		return;
	const struct cand *c = &st->cand[best];
	const struct pd_brand *b = &bs->b[c->brand];
	struct pd_brand_claim *bc = pd_arena_alloc(r->arena, sizeof *bc);
	bc->id = b->id;
	bc->name = b->name;
	bc->name_ja = b->name_ja;
	const char *bn = pd_bilingual(r->arena, b->name, b->name_ja); /* for details */
	bc->domains = b->domains;
	bc->ndomains = b->ndomains;
	for (int s = 0; s < S_COUNT && bc->nsites < PD_BRAND_MAX_SITES; s++)
		if (c->sites & (1u << s)) {
			bc->sites[bc->nsites].site = site_name[s];
			bc->sites[bc->nsites].where = c->where[s];
			bc->sites[bc->nsites].value = c->value[s];
			bc->nsites++;
		}
	r->brand = bc;
	const char *first_where = NULL;
	for (int s = 0; s < S_COUNT && !first_where; s++)
		if ((c->sites & (1u << s)) && s != S_FROM_ADDR)
			first_where = c->where[s];

	/* does anything belong to it? */
	unsigned fk = from->valid ? pd_brands_host_kinds(bs, from->domain, c->brand) : 0;
	bool from_official = (fk & PD_BH_DOMAIN) && !(fk & PD_BH_MAILBOX);
	bool from_sends = (fk & PD_BH_SENDS) != 0;
	struct auth_view av;
	if (fwd)
		memset(&av, 0, sizeof av); /* the quoted original's results are not known */
	else
		auth_view(ctx, m, r, fromreg, &av);
	bc->verified = from_official && av.aligned;
	if (bc->verified) {
		pd_emitd(r, PD_F_BRAND_VERIFIED, fwhere, from->domain, PD_D_BRAND_VERIFIED, bn, from->domain);
		goto known;
	}

	/* the sender itself says it is the brand (name, address, signature
	 * footer, attached page, page title) - a subject mention alone may be
	 * news about it */
	bool self = (c->sites & (1u << S_FROM_NAME | 1u << S_FROM_ADDR | 1u << S_FOOTER | 1u << S_ATTACH |
	                         1u << S_TITLE)) != 0;
	bool named = (c->sites & (1u << S_FROM_NAME | 1u << S_FOOTER | 1u << S_ATTACH | 1u << S_TITLE)) != 0;
	bool bulk = pd_msg_header(m, "List-Id", 0) || pd_msg_header(m, "List-Unsubscribe", 0) ||
	            pd_msg_header(m, "List-Post", 0);
	if (bulk && (fwd || !(c->sites & (1u << S_FROM_NAME | 1u << S_FROM_ADDR))))
		goto known; /* list and newsletter mail mentioning a brand, or passing one on */
	if (named && !from_official && !from_sends && from->valid) {
		struct pd_finding *f = pd_emitd(r, PD_F_BRAND_FROM_NOT_BRAND, first_where ? first_where : fwhere,
		                                b->name, PD_D_BRAND_FROM, bn, from->domain,
		                                domain_list(r->arena, b));
		contra(bc, PD_F_BRAND_FROM_NOT_BRAND, f);
		/* the company's name over a free-mail account; a mailbox the
		 * brand itself hands out (i.softbank.jp for SoftBank) is left to
		 * BRAND_FROM_NOT_BRAND: its customers may carry its name */
		if ((c->sites & (1u << S_FROM_NAME)) && pd_is_freemail(ctx, from->domain) && !(fk & PD_BH_MAILBOX)) {
			f = pd_emitd(r, PD_F_BRAND_FROM_FREEMAIL, fwhere, from->addr, PD_D_BRAND_FREEMAIL, bn,
			             from->addr);
			contra(bc, PD_F_BRAND_FROM_FREEMAIL, f);
		}
	}
	bool from_settled = false; /* spoofing shown, or the route touched the brand */
	if (from_official && !fwd) {
		const struct pd_hop *h = m->origin_hop >= 0 ? &m->hops[m->origin_hop] : NULL;
		bool origin_ok = false, origin_bad = false;
		if (h) {
			unsigned hk = *h->rdns ? pd_brands_host_kinds(bs, h->rdns, c->brand) : 0;
			origin_ok = (hk & (PD_BH_DOMAIN | PD_BH_SENDS)) || asn_of_brand(b, h->asn);
			/* forwarded or list mail: a hop below the origin on the brand's
			 * servers means the route did touch them - when the origin
			 * is a relay that could have forwarded it (a named server);
			 * below a nameless origin those lines are the sender's own
			 * fiction */
			const struct pd_rdns_rule *orule = pd_rdns_classify(ctx, h->rdns);
			bool relay = *h->rdns && !(h->flags & PD_HOP_HELO_IPLIT) &&
			             !(orule && strcmp(orule->kind, "dynamic") == 0);
			for (unsigned i = (unsigned)m->origin_hop + 1; relay && i < m->nhops && !origin_ok; i++) {
				const struct pd_hop *lh = &m->hops[i];
				unsigned lk = pd_brands_host_kinds(bs, lh->rdns, c->brand) |
				              pd_brands_host_kinds(bs, lh->helo, c->brand);
				origin_ok = (lk & (PD_BH_DOMAIN | PD_BH_SENDS)) != 0;
			}
			/* only a positive sign counts: a rented cloud server or a home line */
			const struct pd_rdns_rule *rule = pd_rdns_classify(ctx, h->rdns);
			origin_bad = !origin_ok && rule && (strcmp(rule->kind, "cloud") == 0 ||
			                                    strcmp(rule->kind, "dynamic") == 0);
		}
		struct pd_finding *f = NULL;
		if (av.dmarc_fail || av.spf_fail)
			f = pd_emitd(r, PD_F_BRAND_SPOOFED_OWN_DOMAIN, fwhere, m->from.addr, PD_D_SPOOF_AUTH,
			             bn, m->from.domain, av.fail_text);
		else if (origin_bad)
			f = pd_emitd(r, PD_F_BRAND_SPOOFED_OWN_DOMAIN, fwhere, m->from.addr, PD_D_SPOOF_ORIGIN,
			             bn, m->from.domain, *h->rdns ? h->rdns : "(no reverse DNS)", h->ip);
		contra(bc, PD_F_BRAND_SPOOFED_OWN_DOMAIN, f);
		from_settled = f != NULL || origin_ok;
	}
	unsigned nlinks = 0, nown = 0;
	const char *elsewhere = NULL;
	struct pd_finding *disguised = NULL;
	for (unsigned i = 0; i < m->nurls; i++) {
		const struct pd_url *u = &m->urls[i];
		if (!is_clickable(u->origin))
			continue;
		/* a mailto: link is where the mail asks to be written to: its
		 * address's domain counts like a web link's host */
		const char *host = u->host;
		if (!*host && strcmp(u->scheme, "mailto") == 0)
			host = mailto_domain(r->arena, u->raw);
		if (!*host)
			continue;
		nlinks++;
		unsigned k = pd_brands_host_kinds(bs, host, c->brand);
		if (((k & PD_BH_DOMAIN) && !(k & PD_BH_OWNED)) || (k & PD_BH_SENDS)) {
			nown++;
			continue;
		}
		if (!elsewhere)
			elsewhere = u->raw;
		/* the brand's name dressing up someone else's site; click
		 * trackers and any listed brand's hosts (social networks'
		 * pages of the company) excepted */
		const char *bw;
		if (!disguised && *u->host && !(u->flags & PD_URLF_TRACKER) && !pd_brands_host_listed(bs, u->host) &&
		    (bw = brand_name_in_link(b, u)) != NULL && !holds_brand_url(r->arena, b, u->raw)) {
			disguised = pd_emitd(r, PD_F_BRAND_NAME_IN_LINK, pd_arena_printf(r->arena, "link %u, %s", i + 1, pd_where_part(r, m, u->part_index)),
			                     u->raw, PD_D_BRAND_NAME_IN_LINK, bw, *u->domain ? u->domain : u->host,
			                     bn);
			if (disguised)
				disguised->value_is_url = true;
			contra(bc, PD_F_BRAND_NAME_IN_LINK, disguised);
		}
	}
	if (self && nlinks && !nown && elsewhere) {
		struct pd_finding *f = pd_emitd(r, PD_F_BRAND_LINKS_ELSEWHERE, "links", elsewhere, PD_D_BRAND_LINKS,
		                                bn, nlinks, domain_list(r->arena, b));
		if (f)
			f->value_is_url = true;
		contra(bc, PD_F_BRAND_LINKS_ELSEWHERE, f);
		/* the brand's own domain in From, and nothing at all backs it:
		 * not authenticated, not sent from its servers, no link to it */
		if (from_official && fwd) {
			f = pd_emitd(r, PD_F_BRAND_OWN_DOMAIN_UNVERIFIED, fwhere, from->addr, PD_D_BRAND_UNVERIFIED_FWD,
			             bn, from->domain, nlinks);
			contra(bc, PD_F_BRAND_OWN_DOMAIN_UNVERIFIED, f);
		} else if (from_official && !av.aligned && !from_settled && m->origin_hop >= 0) {
			const struct pd_hop *h = &m->hops[m->origin_hop];
			f = pd_emitd(r, PD_F_BRAND_OWN_DOMAIN_UNVERIFIED, fwhere, m->from.addr, PD_D_BRAND_UNVERIFIED,
			             bn, m->from.domain, *h->rdns ? h->rdns : (*h->ip ? h->ip : "(unknown)"), nlinks);
			contra(bc, PD_F_BRAND_OWN_DOMAIN_UNVERIFIED, f);
		}
	} else if (self && from_official && !fwd && !av.any && !from_settled && m->origin_hop >= 0 && nown &&
	           elsewhere) {
		/* no authentication results at all (older mail, or a receiver
		 * that writes none), the brand's own domain in From, not sent
		 * from its servers, and its links mixed with others: a copied
		 * notice with the link that matters pointing elsewhere */
		const struct pd_hop *h = &m->hops[m->origin_hop];
		struct pd_finding *f = pd_emitd(r, PD_F_BRAND_OWN_DOMAIN_UNVERIFIED, fwhere, m->from.addr,
		                                PD_D_BRAND_UNVERIFIED_MIXED, bn, m->from.domain,
		                                *h->rdns ? h->rdns : (*h->ip ? h->ip : "(unknown)"), nlinks - nown, nlinks,
		                                elsewhere);
		contra(bc, PD_F_BRAND_OWN_DOMAIN_UNVERIFIED, f);
	}
	if (c->sites & (1u << S_FROM_NAME | 1u << S_FROM_ADDR)) {
		bool own_footer = false;
		for (unsigned i = 0; i < st->nfooter; i++)
			own_footer |= st->footer_brand[i] == c->brand;
		for (unsigned i = 0; i < st->nfooter && !own_footer; i++) {
			struct pd_finding *f = pd_emitd(r, PD_F_BRAND_FOOTER_OTHER_COMPANY, st->footer_where[i],
			                                st->footer_line[i], PD_D_BRAND_FOOTER,
			                                pd_bilingual(r->arena, bs->b[st->footer_brand[i]].name, bs->b[st->footer_brand[i]].name_ja), bn);
			contra(bc, PD_F_BRAND_FOOTER_OTHER_COMPANY, f);
			break;
		}
	}
known:
	if (bs->known_loaded) {
		const char *rcpt = m->recipient_addr;
		if (!b->known) {
			const char *src = strrchr(bs->known_source, '/');
			struct pd_finding *f = pd_emitd(r, PD_F_BRAND_NOT_USED, first_where ? first_where : fwhere, b->name,
			                                PD_D_NOT_USED, bn, src ? src + 1 : bs->known_source);
			contra(bc, PD_F_BRAND_NOT_USED, f);
		} else if (b->nknown_addrs && *rcpt) {
			bool ok = false;
			for (unsigned i = 0; i < b->nknown_addrs; i++)
				ok |= pd_strieq(b->known_addrs[i], rcpt);
			if (!ok) {
				struct pd_buf kb;
				pd_buf_init(&kb, r->arena, 256);
				for (unsigned i = 0; i < b->nknown_addrs && i < 4; i++) {
					if (i)
						pd_buf_adds(&kb, ", ");
					pd_buf_adds(&kb, b->known_addrs[i]);
				}
				struct pd_finding *f = pd_emitd(r, PD_F_BRAND_KNOWN_WRONG_ADDRESS, "recipient", rcpt,
				                                PD_D_KNOWN_ADDR, bn, kb.p, rcpt);
				contra(bc, PD_F_BRAND_KNOWN_WRONG_ADDRESS, f);
			}
		}
	}
}
