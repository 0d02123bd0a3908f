/* content.c - what the text says and hides: lure wording from the lexicon
 * (data/lexicon/lure.txt: urgency, credentials, payment, delivery, tax,
 * prize, mailbox, bec, and the scams advance-fee, romance, extortion,
 * crypto), and invisible or direction-changing characters.
 * Text is NFKC-normalised by the parser, then folded (base/fold.h) and
 * scanned once with the lexicon automaton compiled in the context
 * (base/acmatch.h).  Only the subject and the first SCAN_MAX bytes of each
 * text part are scanned.  Lure findings only add weight: the content group
 * is capped below the suspicious threshold (data/weights.conf).  The scam
 * categories add SENDER_SCAM_CONTACT (sender group) only together with a
 * sender fact: free-mail From, Reply-To elsewhere, or a free-mail address
 * in the text to write to. */
#include <string.h>

#include "analyzers/analyzers.h"
#include "base/acmatch.h"
#include "base/fold.h"
#include "base/safe.h"
#include "base/text.h"
#include "base/unicode.h"

#define SCAN_MAX PD_TEXT_SCAN_MAX /* the part the parser folds */
#define MAX_HITS 6

struct hits {
	const char *phrase[MAX_HITS];
	unsigned n;
	const char *where[4];
	unsigned nwhere;
};

static void add_hit(struct hits *h, const char *phrase, const char *where)
{
	for (unsigned i = 0; i < h->n; i++)
		if (strcmp(h->phrase[i], phrase) == 0)
			return;
	if (h->n >= MAX_HITS)
		return;
	h->phrase[h->n++] = phrase;
	for (unsigned i = 0; i < h->nwhere; i++)
		if (strcmp(h->where[i], where) == 0)
			return;
	if (h->nwhere < 4)
		h->where[h->nwhere++] = where;
}

/* Lure categories in lure.txt, in finding order ("executive" is brand.c's). */
static const struct {
	const char *cat;
	enum pd_fid id;
	bool scam;              /* needs no link or brand: see check_scam_contact() */
} lure_cats[] = {
	{ "urgency", PD_F_CONTENT_LURE_URGENCY, false },
	{ "credentials", PD_F_CONTENT_LURE_CREDENTIALS, false },
	{ "payment", PD_F_CONTENT_LURE_PAYMENT, false },
	{ "delivery", PD_F_CONTENT_LURE_DELIVERY, false },
	{ "tax", PD_F_CONTENT_LURE_TAX, false },
	{ "prize", PD_F_CONTENT_LURE_PRIZE, false },
	{ "mailbox", PD_F_CONTENT_LURE_MAILBOX, false },
	{ "bec", PD_F_CONTENT_LURE_BEC, false },
	{ "advancefee", PD_F_CONTENT_LURE_ADVANCE_FEE, true },
	{ "romance", PD_F_CONTENT_LURE_ROMANCE, true },
	{ "extortion", PD_F_CONTENT_LURE_EXTORTION, true },
	{ "crypto", PD_F_CONTENT_LURE_CRYPTO, true },
};
#define NCATS (sizeof lure_cats / sizeof *lure_cats)

struct scan_ud {
	const struct pd_ctx *ctx;
	const char *text;
	size_t n;
	const char *where;
	struct hits *h;         /* NCATS */
};

static bool on_lexeme(void *ud, unsigned id, size_t s, size_t e)
{
	struct scan_ud *u = ud;
	const struct pd_lexeme *lx = &u->ctx->lex[id];
	/* ASCII phrases match whole words ("urgent" is not in "insurgent") */
	if (pd_isalnum((unsigned char)u->text[s]) && s > 0 && pd_isalnum((unsigned char)u->text[s - 1]))
		return true;
	if (pd_isalnum((unsigned char)u->text[e - 1]) && e < u->n && pd_isalnum((unsigned char)u->text[e]))
		return true;
	for (size_t c = 0; c < NCATS; c++)
		if (lx->category == lure_cats[c].cat || strcmp(lx->category, lure_cats[c].cat) == 0) {
			add_hit(&u->h[c], lx->phrase, u->where);
			break;
		}
	return true;
}

/* Scan folded text with the lexicon automaton, or replay its matches
 * when the shared scan has them (pre, analyzers.h pd_text_hits). */
static void scan_folded(const struct pd_ctx *ctx, const char *f, size_t fl, const char *where,
                        struct hits *h, const struct pd_text_hits *pre)
{
	struct scan_ud u = { ctx, f, fl, where, h };
	if (!pre) {
		pd_ac_scan(ctx->lex_ac, f, fl, on_lexeme, &u);
		return;
	}
	for (size_t k = 0; k < pre->nlex; k++)
		if (!on_lexeme(&u, pre->lex[k].id, pre->lex[k].start, pre->lex[k].end))
			break;
}

static void emit_hits(struct pd_report *r, enum pd_fid id, const struct hits *h)
{
	if (!h->n)
		return;
	struct pd_buf b;
	pd_buf_init(&b, r->arena, 512);
	for (unsigned i = 0; i < h->n; i++) {
		if (i)
			pd_buf_adds(&b, ", ");
		pd_buf_adds(&b, h->phrase[i]);
	}
	struct pd_buf w;
	pd_buf_init(&w, r->arena, 256);
	for (unsigned i = 0; i < h->nwhere; i++) {
		if (i)
			pd_buf_adds(&w, ", ");
		pd_buf_adds(&w, h->where[i]);
	}
	pd_emit(r, id, w.p, b.p);
}

/* Zero-width characters between two letters split words (to dodge
 * filters); in runs between tags they are layout padding, common in
 * legitimate newsletters. */
static unsigned word_splitting_zw(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned count = 0;
	uint32_t prev = 0;
	size_t i = 0;
	if (n > SCAN_MAX)
		n = SCAN_MAX;
	while (i < n) {
		uint32_t cp;
		size_t l = pd_utf8_decode(u + i, n - i, &cp);
		if (pd_cp_is_zero_width(cp) && cp != 0xAD && prev > 0x40 && prev != ' ') {
			size_t j = i + l;
			while (j < n) {
				uint32_t c2;
				size_t l2 = pd_utf8_decode(u + j, n - j, &c2);
				if (!pd_cp_is_zero_width(c2)) {
					if (c2 > 0x40 && !pd_isspace((int)c2) && c2 != '<')
						count++;
					break;
				}
				j += l2;
			}
		}
		prev = cp;
		i += l;
	}
	return count;
}

/* The first free-mail address written in t[0..n) other than skip and the
 * message's own From and recipients (NULL if none); bounded by SCAN_MAX
 * bytes and MAX_AT candidates. */
#define MAX_AT 64
static const char *text_freemail(const struct pd_ctx *ctx, const struct pd_msg *m, struct pd_arena *a,
                                 const char *t, size_t n, const char *skip)
{
	if (n > SCAN_MAX)
		n = SCAN_MAX;
	unsigned seen = 0;
	const char *p = t;
	while (seen < MAX_AT && (p = memchr(p, '@', n - (size_t)(p - t))) != NULL) {
		seen++;
		size_t at = (size_t)(p - t), s = at, e = at + 1;
		while (s > 0 && at - s < 64 && (pd_isalnum((unsigned char)t[s - 1]) || t[s - 1] == '.' ||
		                                 t[s - 1] == '_' || t[s - 1] == '-' || t[s - 1] == '+'))
			s--;
		while (e < n && e - at < 255 && (pd_isalnum((unsigned char)t[e]) || t[e] == '.' || t[e] == '-'))
			e++;
		while (e > at + 1 && t[e - 1] == '.')
			e--;
		p++;
		if (s == at || e <= at + 3)
			continue;
		char *dom = pd_ascii_lower(a, t + at + 1, e - at - 1);
		if (!strchr(dom, '.') || !pd_is_freemail(ctx, dom))
			continue;
		char *addr = pd_ascii_lower(a, t + s, e - s);
		/* the sender's, the forwarder's or a recipient's own address is no contact */
		bool known = pd_strieq(addr, skip) || pd_strieq(addr, m->from.addr) || pd_strieq(addr, m->recipient_addr);
		for (unsigned k = 0; k < m->nto && !known; k++)
			known = pd_strieq(addr, m->to[k].addr);
		if (!known)
			return addr;
	}
	return NULL;
}

/* Scam wording (categories that need no link or brand) from someone no
 * organisation stands behind: a free-mail sender, replies going to
 * another domain, or a free-mail address in the text to write to.  For a
 * mail forwarded inline, the quoted original sender. */
static void check_scam_contact(const struct pd_ctx *ctx, const struct pd_msg *m, struct pd_report *r,
                               const struct hits *h)
{
	const char *phrase = NULL;
	for (size_t c = 0; c < NCATS && !phrase; c++)
		if (lure_cats[c].scam && h[c].n)
			phrase = h[c].phrase[0];
	if (!phrase)
		return;
	bool fwd = m->fwd_inline && m->fwd_from.valid;
	const struct pd_addr *from = fwd ? &m->fwd_from : &m->from;
	const char *fwhere = fwd ? pd_where_part(r, m, m->fwd_part) : pd_where_header(r, m, "From");
	if (from->valid && pd_is_freemail(ctx, from->domain)) {
		pd_emitd(r, PD_F_SENDER_SCAM_CONTACT, fwhere, from->addr, PD_D_SCAM_FREEMAIL, phrase, from->addr);
		return;
	}
	if (!fwd && m->reply_to.valid && from->valid &&
	    strcmp(pd_registrable_of(r, m->reply_to.domain), pd_registrable_of(r, from->domain)) != 0) {
		pd_emitd(r, PD_F_SENDER_SCAM_CONTACT, pd_where_header(r, m, "Reply-To"), m->reply_to.addr,
		         PD_D_SCAM_REPLYTO, phrase, m->reply_to.addr);
		return;
	}
	for (unsigned i = 0; i < m->ntexts && i < 4; i++) {
		const struct pd_text_part *t = &m->texts[i];
		/* a forwarded original's quoted header block names its recipient */
		size_t skip = fwd && t->part_index == m->fwd_part && m->fwd_body <= t->len ? m->fwd_body : 0;
		const char *addr = text_freemail(ctx, m, r->arena, t->text + skip, t->len - skip, from->addr);
		if (addr) {
			pd_emitd(r, PD_F_SENDER_SCAM_CONTACT, pd_where_part(r, m, t->part_index), addr, PD_D_SCAM_TEXTADDR,
			         phrase, addr);
			return;
		}
	}
}

/* Is t[0..n) a random-looking tag (hash-busting): ASCII letters and
 * digits, 8 to 64 of them, both cases, and broken into many short
 * segments where words are few long ones.  Segments: a capital with the
 * small letters after it, a run of small letters, a run of capitals, a
 * run of digits ("tJjwN679hRkyKg": t Jjw N 679 h Rky Kg = 7 segments of
 * 2 on average; "Mark2CurSeen": 4 of 3; "B205Mini", "50MSps": too few). */
static bool random_tag(const char *t, size_t n)
{
	if (n < 8 || n > 64)
		return false;
	bool up = false, lo = false;
	size_t nseg = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)t[i];
		size_t j = i + 1;
		if (pd_isdigit(c)) {
			while (j < n && pd_isdigit((unsigned char)t[j]))
				j++;
		} else if (c >= 'a' && c <= 'z') {
			lo = true;
			while (j < n && t[j] >= 'a' && t[j] <= 'z')
				j++;
		} else {
			up = true;
			if (j < n && t[j] >= 'a' && t[j] <= 'z') {
				lo = true;
				while (j < n && t[j] >= 'a' && t[j] <= 'z')
					j++;
			} else {
				while (j < n && t[j] >= 'A' && t[j] <= 'Z')
					j++;
			}
		}
		nseg++;
		i = j;
	}
	return up && lo && nseg >= 5 && n <= 3 * nseg;
}

/* The first random-looking tag in the subject, or NULL. */
static const char *subject_random_tag(struct pd_arena *a, const char *s)
{
	for (size_t i = 0; s[i];) {
		if (!pd_isalnum((unsigned char)s[i])) {
			i++;
			continue;
		}
		size_t j = i;
		while (s[j] && pd_isalnum((unsigned char)s[j]))
			j++;
		if (random_tag(s + i, j - i))
			return pd_arena_strndup(a, s + i, j - i);
		i = j;
	}
	return NULL;
}

void pd_an_content(const struct pd_ctx *ctx, const struct pd_msg *m, struct pd_report *r)
{
	struct hits h[NCATS];
	memset(h, 0, sizeof h);
	const char *swhere = pd_where_header(r, m, "Subject");
	if (*m->subject) {
		/* the parser made the subject NFKC already */
		size_t fl;
		const char *f = pd_fold(r->arena, m->subject, strlen(m->subject), &fl, NULL);
		scan_folded(ctx, f, fl, swhere, h, NULL);
	}
	for (unsigned i = 0; i < m->ntexts; i++) {
		const struct pd_text_part *t = &m->texts[i];
		scan_folded(ctx, t->fold, t->fold_len, pd_where_part(r, m, t->part_index), h, pd_text_hits(r, m, i));
	}
	for (size_t c = 0; c < NCATS; c++)
		emit_hits(r, lure_cats[c].id, &h[c]);
	check_scam_contact(ctx, m, r, h);

	const char *tag = subject_random_tag(r->arena, m->subject);
	if (tag)
		pd_emitd(r, PD_F_CONTENT_SUBJECT_RANDOM_TAG, swhere, tag, PD_D_RANDOM_TAG, tag);

	unsigned bidi, zw;
	pd_count_hidden(m->subject, strlen(m->subject), &bidi, &zw);
	if (bidi || zw)
		pd_emitd(r, PD_F_CONTENT_INVISIBLE_CHARS, swhere, m->subject, PD_D_INVISIBLE, bidi, zw);
	pd_count_hidden(m->from.display, strlen(m->from.display), &bidi, &zw);
	if (bidi)
		pd_emitd(r, PD_F_CONTENT_INVISIBLE_CHARS, pd_where_header(r, m, "From"), m->from.display,
		         PD_D_INVISIBLE_NAME, bidi);
	for (unsigned i = 0; i < m->nparts; i++) {
		const char *fn = m->parts[i].filename;
		pd_count_hidden(fn, strlen(fn), &bidi, &zw);
		if (bidi)
			pd_emitd(r, PD_F_CONTENT_INVISIBLE_CHARS, pd_where_part(r, m, i), fn,
			         PD_D_INVISIBLE_FILE, bidi);
	}
	for (unsigned i = 0; i < m->ntexts; i++) {
		const struct pd_text_part *t = &m->texts[i];
		pd_count_hidden(t->text, t->len > SCAN_MAX ? SCAN_MAX : t->len, &bidi, &zw);
		unsigned split = zw ? word_splitting_zw(t->text, t->len) : 0;
		if (bidi || split >= 3)
			pd_emitd(r, PD_F_CONTENT_INVISIBLE_CHARS, pd_where_part(r, m, t->part_index), "",
			         PD_D_INVISIBLE_TEXT, bidi, split);
	}
}
