/* sender.c - the From line and its neighbours: display name vs address,
 * Reply-To / Return-Path / Sender domains, free-mail senders, Message-ID
 * and Date sanity.  Domains are compared by registrable domain (PSL), so
 * mail.example.co.jp and example.co.jp are the same sender.
 * Also: disguised letters in the From line or Subject (read before NFKC,
 * which would turn mathematical letters into plain ones), and senders on
 * a subdomain of a free hosting / app platform (data/links/free-hosting.txt)
 * whose links lead elsewhere.  In a mail forwarded inline (mail/fwdinline.c)
 * the display name and platform checks also judge the quoted original
 * sender.  A subject holding the recipient's own address, or a text that
 * opens by greeting them with it ("Dear x@y,"), means the sender knows an
 * address, not a person.  A list that rewrote From to its posting address
 * (List-Post) put the author in Reply-To: that is not a free-mail reply
 * trap. */
#include <string.h>

#include <unicode/uchar.h>

#include "analyzers/analyzers.h"
#include "base/fold.h"
#include "base/text.h"
#include "mail/charset.h"
#include "mail/parse.h"
#include "net/domain.h"
#include "net/linkdata.h"
#include "net/url.h"

static const char *reg(struct pd_report *r, const char *domain)
{
	if (!domain || !*domain)
		return "";
	const char *d = pd_domain_registrable(r->arena, r->ctx->psl, domain);
	return *d ? d : domain;
}

/* Look for an address or host name inside the display name. */
static void check_display(const struct pd_ctx *ctx, const struct pd_addr *from, struct pd_report *r,
                          const char *fromreg, const char *where)
{
	const char *d = from->display;
	size_t n = strlen(d);
	size_t i = 0;
	while (i < n) {
		while (i < n && !(pd_isalnum((unsigned char)d[i])))
			i++;
		size_t s = i;
		while (i < n && (pd_isalnum((unsigned char)d[i]) || d[i] == '.' || d[i] == '-' ||
		                 d[i] == '_' || d[i] == '@' || d[i] == '+'))
			i++;
		size_t e = i;
		while (e > s && (d[e - 1] == '.' || d[e - 1] == '-'))
			e--;
		if (e <= s)
			continue;
		const char *tok = d + s;
		size_t tl = e - s;
		const char *at = memchr(tok, '@', tl);
		if (at) {
			const char *host = at + 1;
			size_t hl = tl - (size_t)(host - tok);
			if (!pd_looks_like_hostname(host, hl))
				continue;
			char *addr = pd_ascii_lower(r->arena, tok, tl);
			char *ahost = pd_ascii_lower(r->arena, host, hl);
			/* another mailbox of the same organisation is not a disguise */
			if (strcmp(reg(r, ahost), fromreg) == 0)
				continue;
			if (!pd_strieq(addr, from->addr))
				pd_emitd(r, PD_F_SENDER_DISPLAY_NAME_ADDRESS, where, addr, PD_D_REAL_ADDRESS, from->addr);
			continue;
		}
		if (!pd_looks_like_hostname(tok, tl))
			continue;
		char *host = pd_ascii_lower(r->arena, tok, tl);
		const char *hreg = reg(r, host);
		/* only names under a real public suffix count ("niels.steffen.garibaldi" does not) */
		if (!pd_domain_known_suffix(ctx->psl, host))
			continue;
		if (*fromreg && strcmp(hreg, fromreg) != 0) {
			struct pd_finding *f = pd_emit(r, PD_F_SENDER_DISPLAY_NAME_DOMAIN, where, host);
			if (f) {
				f->value_is_host = true;
				pd_detail(r, f, PD_D_REAL_DOMAIN, from->domain);
			}
		}
	}
}

/* ---- disguised letters ---------------------------------------------- */

struct disguise {
	unsigned marks;   /* non-Latin combining marks on Latin letters */
	unsigned deco;    /* mathematical / enclosed / small-capital Latin */
	unsigned mixed;   /* words mixing ASCII letters and look-alikes of another alphabet */
};

/* Mathematical Alphanumeric Symbols, enclosed and squared Latin letters
 * (not the four blood-type emoji), Latin small capitals: letters that
 * stand in for plain Latin ones. */
static bool decorative_latin(uint32_t cp)
{
	if (cp >= 0x1D400 && cp <= 0x1D6A5)
		return true;
	if (cp >= 0x1D7CE && cp <= 0x1D7FF)
		return true;
	if (cp >= 0x24B6 && cp <= 0x24E9)
		return true;
	if (cp >= 0x1F130 && cp <= 0x1F189)
		return cp != 0x1F170 && cp != 0x1F171 && cp != 0x1F17E && cp != 0x1F17F;
	/* small capitals, also those in the IPA block (ʏ ɴ ʟ ɪ ...) */
	return ((cp >= 0x1D00 && cp <= 0x1D22) || (cp >= 0x0262 && cp <= 0x029F) || cp == 0xA731) &&
	       pd_fold_lookalike(cp);
}

/* Combining marks that belong to no particular alphabet (accents, Latin
 * and symbol marks): an NFD accent is not a disguise. */
static bool generic_mark(uint32_t cp)
{
	return (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
	       (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
	       (cp >= 0xFE00 && cp <= 0xFE2F) || cp == 0x3099 || cp == 0x309A;
}

static void count_disguise(const char *s, size_t n, struct disguise *d)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	uint32_t prev = 0;
	unsigned w_ascii = 0, w_look = 0;
	while (i <= n) {
		uint32_t cp = 0;
		size_t l = 1;
		if (i < n)
			l = pd_utf8_decode(u + i, n - i, &cp);
		int8_t t = i < n ? u_charType((UChar32)cp) : U_SPACE_SEPARATOR;
		bool mark = t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK;
		if (mark) {
			if (pd_isalpha((int)prev) && !generic_mark(cp))
				d->marks++;
			i += l;
			continue; /* a mark does not end the word */
		}
		if (i < n && decorative_latin(cp)) {
			d->deco++;
		} else if (i < n && cp < 0x80 && pd_isalpha((int)cp)) {
			w_ascii++;
		} else if (i < n && cp >= 0x370 && pd_fold_lookalike(cp)) {
			w_look++;
		} else if (i == n || !u_isalpha((UChar32)cp)) {
			if (w_ascii >= 2 && w_look)
				d->mixed++;
			w_ascii = w_look = 0;
		}
		prev = cp;
		i += l;
	}
}

static unsigned disguise_total(const struct disguise *d)
{
	return d->marks + d->deco + d->mixed;
}

static void check_disguise(const struct pd_msg *m, struct pd_report *r)
{
	struct disguise df = { 0, 0, 0 }, ds = { 0, 0, 0 };
	const char *from = "", *subj = "";
	const struct pd_header *h = pd_msg_header(m, "From", 0);
	if (h && h->raw) {
		size_t rn = strlen(h->raw);
		from = pd_rfc2047_decode(r->arena, h->raw, rn > 2048 ? 2048 : rn, 2048, NULL);
		count_disguise(from, strlen(from), &df);
	}
	if (*m->subject_raw) {
		size_t rn = strlen(m->subject_raw);
		subj = pd_rfc2047_decode(r->arena, m->subject_raw, rn > 4096 ? 4096 : rn, 4096, NULL);
		count_disguise(subj, strlen(subj), &ds);
	}
	struct disguise d = { df.marks + ds.marks, df.deco + ds.deco, df.mixed + ds.mixed };
	/* one stray letter is a typo or an emoji-like symbol, not a disguise */
	if (d.marks < 2 && d.deco < 2 && d.mixed < 1)
		return;
	/* the evidence is the header with the most of it */
	bool in_from = disguise_total(&df) >= disguise_total(&ds);
	pd_emitd(r, PD_F_SENDER_DISGUISED_LETTERS, pd_where_header(r, m, in_from ? "From" : "Subject"),
	         in_from ? from : subj, PD_D_DISGUISED, d.marks, d.deco, d.mixed);
}

/* The From domain is a name under a free hosting / app platform (a
 * subdomain of a listed entry: the platform's own mail comes from the
 * entry itself). */
static void check_platform(const struct pd_ctx *ctx, const struct pd_msg *m, struct pd_report *r,
                           const struct pd_addr *from, const char *where)
{
	if (!from->valid || !pd_looks_like_hostname(from->domain, strlen(from->domain)))
		return;
	struct pd_url u;
	memset(&u, 0, sizeof u);
	u.raw = pd_arena_printf(r->arena, "http://%s/", from->domain);
	u.shown = "";
	pd_url_enrich(ctx, r->arena, &u);
	if (!(u.flags & PD_URLF_FREE_HOSTING))
		return;
	/* x.firebaseapp.com, not firebaseapp.com itself: without its first
	 * label the name must still be on the list */
	const char *dot = strchr(from->domain, '.');
	bool sub = false;
	if (dot) {
		struct pd_url p;
		memset(&p, 0, sizeof p);
		p.raw = pd_arena_printf(r->arena, "http://%s/", dot + 1);
		p.shown = "";
		pd_url_enrich(ctx, r->arena, &p);
		sub = (p.flags & PD_URLF_FREE_HOSTING) != 0 && strchr(dot + 1, '.') != NULL;
	}
	if (!sub)
		return;
	/* an app's own mail (sign-in links, password resets) links back to
	 * the app's name on the platform; mail that only uses the name to
	 * send links elsewhere */
	const char *fromreg = pd_registrable_of(r, from->domain);
	for (unsigned i = 0; i < m->nurls; i++) {
		const struct pd_url *l = &m->urls[i];
		if ((l->origin == PD_LINK_TEXT || l->origin == PD_LINK_HTML_HREF) && *l->host &&
		    (strcmp(l->host, from->domain) == 0 || strcmp(pd_registrable_of(r, l->host), fromreg) == 0))
			return;
	}
	struct pd_finding *f = pd_emit(r, PD_F_SENDER_FREE_HOSTING, where, from->addr);
	if (f)
		pd_detail(r, f, PD_D_FROM_DOMAIN, from->domain);
}

/* A domain no mail could come from or go back to: ASCII characters that
 * no host name can hold ("x@%pagamentos.com", "x@bonus25340%"), or empty
 * labels.  Non-ASCII letters are IDN and allowed. */
static bool domain_impossible(const char *d)
{
	if (!*d || *d == '.' || d[strlen(d) - 1] == '.' || strstr(d, ".."))
		return *d != '\0';
	for (const unsigned char *p = (const unsigned char *)d; *p; p++)
		if (*p < 0x80 && !pd_isalnum(*p) && *p != '.' && *p != '-' && *p != '_')
			return true;
	return false;
}

static void check_dates(const struct pd_ctx *ctx, const struct pd_msg *m, struct pd_report *r)
{
	const char *where = pd_where_header(r, m, "Date");
	if (!*m->date_raw) {
		pd_emit(r, PD_F_SENDER_DATE_MISSING, "Date", "");
		return;
	}
	if (!m->has_date) {
		pd_emit(r, PD_F_SENDER_DATE_INVALID, where, m->date_raw);
		return;
	}
	/* arrival: the topmost Received time, or the analysis clock */
	int64_t arrival = 0;
	for (unsigned i = 0; i < m->nhops && !arrival; i++)
		if (m->hops[i].flags & PD_HOP_HAS_DATE)
			arrival = m->hops[i].time;
	if (!arrival)
		arrival = ctx->opt.now;
	if (arrival && m->date > arrival + 2 * 3600)
		pd_emitd(r, PD_F_SENDER_DATE_FUTURE, where, m->date_raw, PD_D_HOURS_AFTER_ARRIVAL, (double)(m->date - arrival) / 3600.0);
}

/* A mailing list that rewrites From to its own posting address (DMARC
 * mitigation: "Name via List" <list@...>) and moves the author to
 * Reply-To: From is the List-Post address. */
static bool from_is_list(const struct pd_msg *m)
{
	const struct pd_header *h = pd_msg_header(m, "List-Post", 0);
	if (!h || !h->raw || !m->from.valid)
		return false;
	size_t n = strlen(h->raw), an = strlen(m->from.addr);
	const char *p = h->raw;
	for (unsigned k = 0; k < 4 && p; k++) {
		p = pd_memcasemem(p, n - (size_t)(p - h->raw), m->from.addr);
		if (!p)
			break;
		char before = p > h->raw ? p[-1] : ' ', after = p[an];
		if ((before == ':' || before == '<' || before == ' ') &&
		    (after == '>' || after == '\0' || after == ' ' || after == '?' || after == ','))
			return true;
		p++;
	}
	return false;
}

/* ---- addressed by e-mail address ----------------------------------- */

#define GREET_SCAN 1200   /* the opening of each text that counts as its top */
#define GREET_PREFIX 24   /* "Dear ", "Sehr geehrte/r ", "Olá ": short, no digits */

/* Does the prefix start with a field label ("E-mail x@y", "User x@y" in
 * an account summary)?  That lists the address, it does not greet. */
static bool label_word(const char *s, size_t n)
{
	static const char *const labels[] = { "e-mail", "email", "mail", "user", "username", "account",
		                              "login", "konto", "to", "an", "para", "cc", "id" };
	size_t w = 0;
	while (w < n && s[w] != ' ' && s[w] != '\t' && s[w] != ',')
		w++;
	for (size_t i = 0; i < sizeof labels / sizeof *labels; i++)
		if (strlen(labels[i]) == w && pd_strnieq(s, labels[i], w))
			return true;
	return false;
}

/* Is the recipient's address at p in text t the greeting of its line:
 * at most two short words before it on that line ("Dear ", "Hello "),
 * nothing that makes it a quoted header, an attribution or a list
 * ("To:", "On ... <x@y> wrote:", "a, b, x@y"), and the address ends
 * there (x@y is not x@y.example)? */
static bool greeting_at(const char *t, size_t p, size_t alen, size_t n)
{
	size_t ls = p;
	while (ls > 0 && t[ls - 1] != '\n')
		ls--;
	while (ls < p && (t[ls] == ' ' || t[ls] == '\t' || t[ls] == '\r'))
		ls++;
	if (p - ls > GREET_PREFIX)
		return false;
	unsigned words = 0;
	bool inword = false;
	for (size_t i = ls; i < p; i++) {
		unsigned char c = (unsigned char)t[i];
		if (c == ' ' || c == '\t') {
			inword = false;
			continue;
		}
		if (c < 0x80 && !pd_isalpha(c) && c != ',' && c != '-' && c != '/')
			return false;  /* digits, ':', '<', '"', '(' ... */
		if (!inword)
			words++;
		inword = true;
	}
	if (words > 2 || label_word(t + ls, p - ls))
		return false;
	size_t e = p + alen;
	if (e < n) {
		unsigned char c = (unsigned char)t[e];
		if (pd_isalnum(c) || c == '-' || c == '_' || c == '>' || c == '@')
			return false;
		if (c == '.' && e + 1 < n && pd_isalnum((unsigned char)t[e + 1]))
			return false;
	}
	return true;
}

/* The line that greets the reader with their own address, cut at its end
 * (and at 80 bytes), or NULL. */
static const char *greeting_line(struct pd_arena *a, const char *t, size_t n, const char *rcpt)
{
	size_t alen = strlen(rcpt);
	size_t local = (size_t)(strchr(rcpt, '@') - rcpt); /* caller checked the '@' */
	size_t lim = n < GREET_SCAN ? n : GREET_SCAN;
	if (alen > lim)
		return NULL;
	/* anchor on the '@' (rare in text), then compare around it */
	for (const char *q = t + local; q < t + lim;) {
		q = memchr(q, '@', (size_t)(t + lim - q));
		if (!q)
			return NULL;
		size_t p = (size_t)(q - t) - local;
		q++;
		if (p + alen > lim || !pd_strnieq(t + p, rcpt, alen) || !greeting_at(t, p, alen, n))
			continue;
		size_t ls = p;
		while (ls > 0 && t[ls - 1] != '\n')
			ls--;
		while (ls < p && (t[ls] == ' ' || t[ls] == '\t'))
			ls++;
		size_t le = p + alen;
		while (le < n && t[le] != '\n' && t[le] != '\r' && le - ls < 80)
			le++;
		return pd_arena_strndup(a, t + ls, le - ls);
	}
	return NULL;
}

/* The subject or the greeting names the reader by their e-mail address:
 * the sender knows an address, not a person. */
static void check_greeting(const struct pd_msg *m, struct pd_report *r)
{
	const char *rc = m->recipient_addr;
	const char *at = strchr(rc, '@');
	if (!at || at == rc || !at[1])
		return;
	if (pd_memcasemem(m->subject, strlen(m->subject), rc)) {
		pd_emitd(r, PD_F_SENDER_GREETS_BY_ADDRESS, pd_where_header(r, m, "Subject"), m->subject,
		         PD_D_GREETS_SUBJECT, rc);
		return;
	}
	for (unsigned i = 0; i < m->ntexts; i++) {
		const struct pd_text_part *tp = &m->texts[i];
		const char *line = greeting_line(r->arena, tp->text, tp->len, rc);
		if (line) {
			pd_emitd(r, PD_F_SENDER_GREETS_BY_ADDRESS, pd_where_part(r, m, tp->part_index), line,
			         PD_D_GREETS_BODY, rc);
			return;
		}
	}
}

void pd_an_sender(const struct pd_ctx *ctx, const struct pd_msg *m, struct pd_report *r)
{
	const char *fwhere = pd_where_header(r, m, "From");
	if (!m->from.valid || domain_impossible(m->from.domain)) {
		pd_emit(r, PD_F_SENDER_NO_FROM, fwhere, *m->from.addr ? m->from.addr : m->from.display);
	}
	if (m->from_count > 1 || pd_msg_header_count(m, "From") > 1)
		pd_emitd(r, PD_F_SENDER_MULTIPLE_FROM, fwhere, m->from.addr, PD_D_MAILBOXES, m->from_count);
	const char *fromreg = pd_from_domain(r, m);
	if (*m->from.display)
		check_display(ctx, &m->from, r, fromreg, fwhere);
	bool from_free = pd_is_freemail(ctx, m->from.domain);
	if (from_free)
		pd_emit(r, PD_F_SENDER_FREEMAIL, fwhere, m->from.addr);
	if (m->reply_to.valid && *fromreg) {
		const char *rr = reg(r, m->reply_to.domain);
		if (strcmp(rr, fromreg) != 0) {
			const char *w = pd_where_header(r, m, "Reply-To");
			if (pd_is_freemail(ctx, m->reply_to.domain) && !from_free && !from_is_list(m))
				pd_emit(r, PD_F_SENDER_REPLY_TO_FREEMAIL, w, m->reply_to.addr);
			else
				pd_emitd(r, PD_F_SENDER_REPLY_TO_MISMATCH, w, m->reply_to.addr, PD_D_FROM_DOMAIN, m->from.domain);
		}
	}
	if (m->return_path.valid && *fromreg && strcmp(reg(r, m->return_path.domain), fromreg) != 0)
		pd_emit(r, PD_F_SENDER_RETURN_PATH_MISMATCH, pd_where_header(r, m, "Return-Path"),
		        m->return_path.addr);
	if (m->sender.valid && *fromreg && strcmp(reg(r, m->sender.domain), fromreg) != 0)
		pd_emit(r, PD_F_SENDER_SENDER_MISMATCH, pd_where_header(r, m, "Sender"), m->sender.addr);
	if (!*m->message_id) {
		pd_emit(r, PD_F_SENDER_MSGID_MISSING, "Message-ID", "");
	} else if (*fromreg) {
		const char *at = strrchr(m->message_id, '@');
		if (at && pd_looks_like_hostname(at + 1, strlen(at + 1))) {
			const char *mh = pd_ascii_lower(r->arena, at + 1, strlen(at + 1));
			const char *mreg = pd_domain_registrable(r->arena, ctx->psl, mh);
			if (*mreg && strcmp(mreg, fromreg) != 0) {
				struct pd_finding *f = pd_emit(r, PD_F_SENDER_MSGID_DOMAIN,
				                               pd_where_header(r, m, "Message-ID"), m->message_id);
				if (f)
					pd_detail(r, f, PD_D_FROM_DOMAIN, m->from.domain);
			}
		}
	}
	check_dates(ctx, m, r);
	check_disguise(m, r);
	check_greeting(m, r);
	check_platform(ctx, m, r, &m->from, fwhere);
	/* a mail forwarded inline: the quoted original sender is judged too */
	if (m->fwd_inline) {
		const char *qwhere = pd_where_part(r, m, m->fwd_part);
		if (*m->fwd_from.display)
			check_display(ctx, &m->fwd_from, r, pd_registrable_of(r, m->fwd_from.domain), qwhere);
		check_platform(ctx, m, r, &m->fwd_from, qwhere);
	}
}
