/* content.c - what the text says and hides: lure wording from the lexicon
 * (data/lexicon/lure.txt; the brands issue grows it), and invisible or
 * direction-changing characters.  Text is already NFKC-normalised by the
 * parser; matching is case-insensitive on ASCII.  Only the subject and
 * the first SCAN_MAX bytes of each text part are scanned. */
#include <string.h>

#include "analyzers/analyzers.h"
#include "base/safe.h"
#include "base/text.h"

#define SCAN_MAX (32 * 1024)
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

static void scan(const struct pd_ctx *ctx, const char *text, size_t n, const char *where,
                 struct hits *urg, struct hits *cred)
{
	if (n > SCAN_MAX)
		n = SCAN_MAX;
	for (unsigned i = 0; i < ctx->nlex; i++) {
		const struct pd_lexeme *lx = &ctx->lex[i];
		if (pd_memcasemem(text, n, lx->phrase))
			add_hit(strcmp(lx->category, "urgency") == 0 ? urg : cred, lx->phrase, where);
	}
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
	struct hits urg = { { 0 }, 0, { 0 }, 0 }, cred = { { 0 }, 0, { 0 }, 0 };
	const char *swhere = pd_where_header(r, m, "Subject");
	if (*m->subject) {
		char *ls = pd_ascii_lower(r->arena, m->subject, strlen(m->subject));
		scan(ctx, ls, strlen(ls), swhere, &urg, &cred);
	}
	for (unsigned i = 0; i < m->ntexts; i++) {
		const struct pd_text_part *t = &m->texts[i];
		scan(ctx, t->text, t->len, pd_where_part(r, m, t->part_index), &urg, &cred);
	}
	emit_hits(r, PD_F_CONTENT_LURE_URGENCY, &urg);
	emit_hits(r, PD_F_CONTENT_LURE_CREDENTIALS, &cred);

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
