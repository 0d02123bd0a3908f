/* content.c - what the text says and hides: lure wording from the lexicon
 * (data/lexicon/lure.txt: urgency, credentials, payment, delivery, tax,
 * prize, mailbox, bec), and invisible or direction-changing characters.
 * Text is NFKC-normalised by the parser, then folded (base/fold.h) and
 * scanned once with the lexicon automaton compiled in the context
 * (base/acmatch.h).  Only the subject and the first SCAN_MAX bytes of each
 * text part are scanned.  Lure findings only add weight: the content group
 * is capped below the suspicious threshold (data/weights.conf). */
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
} lure_cats[] = {
	{ "urgency", PD_F_CONTENT_LURE_URGENCY },
	{ "credentials", PD_F_CONTENT_LURE_CREDENTIALS },
	{ "payment", PD_F_CONTENT_LURE_PAYMENT },
	{ "delivery", PD_F_CONTENT_LURE_DELIVERY },
	{ "tax", PD_F_CONTENT_LURE_TAX },
	{ "prize", PD_F_CONTENT_LURE_PRIZE },
	{ "mailbox", PD_F_CONTENT_LURE_MAILBOX },
	{ "bec", PD_F_CONTENT_LURE_BEC },
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

/* Scan folded text with the lexicon automaton. */
static void scan_folded(const struct pd_ctx *ctx, const char *f, size_t fl, const char *where,
                        struct hits *h)
{
	struct scan_ud u = { ctx, f, fl, where, h };
	pd_ac_scan(ctx->lex_ac, f, fl, on_lexeme, &u);
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

void pd_an_content(const struct pd_ctx *ctx, const struct pd_msg *m, struct pd_report *r)
{
	struct hits h[NCATS];
	memset(h, 0, sizeof h);
	const char *swhere = pd_where_header(r, m, "Subject");
	if (*m->subject) {
		/* the parser made the subject NFKC already */
		size_t fl;
		const char *f = pd_fold(r->arena, m->subject, strlen(m->subject), &fl, NULL);
		scan_folded(ctx, f, fl, swhere, h);
	}
	for (unsigned i = 0; i < m->ntexts; i++) {
		const struct pd_text_part *t = &m->texts[i];
		scan_folded(ctx, t->fold, t->fold_len, pd_where_part(r, m, t->part_index), h);
	}
	for (size_t c = 0; c < NCATS; c++)
		emit_hits(r, lure_cats[c].id, &h[c]);

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
