/* fwdinline.c - the original's header block in a mail forwarded inline
 * (see fwdinline.h).  Every loop is bounded by PD_FWD_SCAN_BYTES and
 * PD_FWD_SCAN_LINES; keys and markers are compared in small fixed
 * buffers.  The text is the parser's (NFKC: a full-width colon is ':'). */
#include <string.h>

#include "base/text.h"
#include "mail/addr.h"
#include "mail/fwdinline.h"

/* without a forward subject, the marker must be this near the top */
#define MARKER_LINES_MAX 30
/* lines of other text allowed between a marker and its header block */
#define MARKER_GAP_MAX 2
#define BLOCK_LINES_MAX 12
#define KEY_MAX 24
#define LINE_MAX_BYTES 1000
#define VALUE_MAX 512

enum key { K_NONE, K_FROM, K_DATE, K_SUBJECT, K_OTHER };

/* Keys of the quoted header lines, as mail programs write them in their
 * languages (compared ASCII-case-insensitively). */
static const char *const from_keys[] = { "from", "de", "von", "van", "da", "fr\xc3\xa5n", "fra", "od",
	"\xd0\xbe\xd1\x82", "\xd0\x9e\xd1\x82",                                  /* от От */
	"\xe5\xb7\xae\xe5\x87\xba\xe4\xba\xba", "\xe9\x80\x81\xe4\xbf\xa1\xe8\x80\x85", /* 差出人 送信者 */
	"\xe5\xaf\x84\xe4\xbb\xb6\xe8\x80\x85", "\xe5\x8f\x91\xe4\xbb\xb6\xe4\xba\xba", /* 寄件者 发件人 */
	"\xeb\xb3\xb4\xeb\x82\xb8 \xec\x82\xac\xeb\x9e\x8c", NULL };            /* 보낸 사람 */
static const char *const date_keys[] = { "date", "sent", "enviado", "enviado el", "enviada", "gesendet",
	"datum", "envoy\xc3\xa9", "date d'envoi", "verzonden", "inviato", "data", "fecha", "skickat",
	"sendt", "wys\xc5\x82\x61no", "\xd0\x9e\xd1\x82\xd0\xbf\xd1\x80\xd0\xb0\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd\xd0\xbe",
	"\xe9\x80\x81\xe4\xbf\xa1\xe6\x97\xa5\xe6\x99\x82", "\xe6\x97\xa5\xe4\xbb\x98", /* 送信日時 日付 */
	"\xe6\x97\xa5\xe6\x99\x82", "\xe5\x8f\x91\xe9\x80\x81\xe6\x97\xb6\xe9\x97\xb4", /* 日時 发送时间 */
	"\xe5\xaf\x84\xe4\xbb\xb6\xe6\x97\xa5\xe6\x9c\x9f", "\xeb\x82\xa0\xec\xa7\x9c", NULL }; /* 寄件日期 날짜 */
static const char *const subject_keys[] = { "subject", "assunto", "asunto", "betreff", "objet", "onderwerp",
	"oggetto", "\xc3\xa4mne", "emne", "temat", "\xd0\xa2\xd0\xb5\xd0\xbc\xd0\xb0",           /* Тема */
	"\xe4\xbb\xb6\xe5\x90\x8d", "\xe4\xb8\xbb\xe9\xa2\x98", "\xe4\xb8\xbb\xe6\x97\xa8",       /* 件名 主题 主旨 */
	"\xec\xa0\x9c\xeb\xaa\xa9", NULL };                                                    /* 제목 */
static const char *const other_keys[] = { "to", "cc", "bcc", "reply-to", "para", "an", "\xc3\xa0",
	"\xc3\x80", "a", "aan", "per", "till", "til", "do", "kopie", "copie", "cco", "cc\xc3\xad",
	"\xd0\x9a\xd0\xbe\xd0\xbc\xd1\x83", "\xe5\xae\x9b\xe5\x85\x88", "\xe6\x94\xb6\xe4\xbb\xb6\xe4\xba\xba", /* Кому 宛先 收件人 */
	"\xeb\xb0\x9b\xeb\x8a\x94 \xec\x82\xac\xeb\x9e\x8c", "importance", "priority", NULL };   /* 받는 사람 */

/* Marker lines: the phrase plus only dashes, underscores, spaces and
 * similar framing.  Forward markers open a block on their own; "original
 * message" markers also introduce quoted replies, so they count only
 * under a forward subject. */
static const char *const fwd_markers[] = { "forwarded message", "begin forwarded message",
	"forwarded e-mail", "forwarded email", "weitergeleitete nachricht", "message transf\xc3\xa9r\xc3\xa9",
	"message transfere", "mensaje reenviado", "mensagem encaminhada", "doorgestuurd bericht",
	"messaggio inoltrato", "vidarebefordrat meddelande", "videresendt meddelelse",
	"\xe8\xbb\xa2\xe9\x80\x81\xe3\x83\xa1\xe3\x83\x83\xe3\x82\xbb\xe3\x83\xbc\xe3\x82\xb8",                       /* 転送メッセージ */
	"\xe8\xbb\xa2\xe9\x80\x81\xe3\x81\x95\xe3\x82\x8c\xe3\x81\x9f\xe3\x83\xa1\xe3\x83\x83\xe3\x82\xbb\xe3\x83\xbc\xe3\x82\xb8", /* 転送されたメッセージ */
	"\xe4\xbb\xa5\xe4\xb8\x8b\xe8\xbb\xa2\xe9\x80\x81",                                                          /* 以下転送 */
	NULL };
static const char *const orig_markers[] = { "original message", "urspr\xc3\xbcngliche nachricht",
	"message d'origine", "mensaje original", "mensagem original", "oorspronkelijk bericht",
	"messaggio originale", "ursprungligt meddelande",
	"\xe5\x85\x83\xe3\x81\xae\xe3\x83\xa1\xe3\x83\x83\xe3\x82\xbb\xe3\x83\xbc\xe3\x82\xb8", /* 元のメッセージ */
	NULL };

/* Subject prefixes that mean "forwarded", compared case-insensitively
 * and followed by ':' (or '：' before NFKC). */
static const char *const fwd_prefixes[] = { "fwd", "fw", "fwrd", "tr", "wg", "rv", "enc", "i", "doorst",
	"vs", "vb", "pd", "rif", "reenv", "\xe8\xbb\xa2\xe9\x80\x81", NULL }; /* 転送 */

static bool in_list(const char *const *list, const char *k, size_t n)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == n && pd_strnieq(list[i], k, n))
			return true;
	return false;
}

bool pd_fwd_subject(const char *s)
{
	if (!s)
		return false;
	/* bounded: up to 4 prefixes / list tags ("[list] Re: Fwd: ...") */
	for (int round = 0; round < 4; round++) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '[') {
			const char *e = strchr(s, ']');
			if (!e || e - s > 64)
				return false;
			s = e + 1;
			continue;
		}
		size_t k = 0;
		while (s[k] && s[k] != ':' && k < 16 && !(s[k] == ' ' && k > 0 && s[k + 1] == ':') &&
		       strncmp(s + k, "\xef\xbc\x9a", 3) != 0)
			k++;
		size_t kl = k;
		while (kl > 0 && s[kl - 1] == ' ')
			kl--;
		if (s[k] == ' ')
			k++;
		if (s[k] != ':' && !(strncmp(s + k, "\xef\xbc\x9a", 3) == 0))
			return false;
		/* "Fwd[2]:" */
		size_t bl = kl;
		if (bl > 2 && s[bl - 1] == ']') {
			while (bl > 0 && s[bl - 1] != '[')
				bl--;
			bl = bl ? bl - 1 : kl;
		}
		if (in_list(fwd_prefixes, s, bl))
			return true;
		/* "Re:", "AW:", "SV:", ... before a forward prefix: look further */
		if (bl > 4)
			return false;
		s += k + (s[k] == ':' ? 1 : 3);
	}
	return false;
}

/* Trim a line: quote marks, bold asterisks and blanks at the start,
 * blanks at the end. */
static void trim(const char *t, size_t *s, size_t *e)
{
	while (*s < *e && (t[*s] == ' ' || t[*s] == '\t' || t[*s] == '>' || t[*s] == '*' || t[*s] == '|'))
		(*s)++;
	while (*e > *s && (t[*e - 1] == ' ' || t[*e - 1] == '\t' || t[*e - 1] == '\r'))
		(*e)--;
}

/* "Key: value": which key, and where the value starts. */
static enum key header_key(const char *t, size_t s, size_t e, size_t *vs)
{
	size_t c = s;
	while (c < e && c - s <= KEY_MAX && t[c] != ':')
		c++;
	if (c >= e || t[c] != ':' || c == s || c - s > KEY_MAX)
		return K_NONE;
	size_t ke = c;
	while (ke > s && (t[ke - 1] == ' ' || t[ke - 1] == '*'))
		ke--;
	/* a URL is not a header line ("http://...") */
	if (c + 2 < e && t[c + 1] == '/' && t[c + 2] == '/')
		return K_NONE;
	size_t v = c + 1;
	while (v < e && (t[v] == ' ' || t[v] == '*' || t[v] == '\t'))
		v++;
	*vs = v;
	const char *k = t + s;
	size_t kn = ke - s;
	if (in_list(from_keys, k, kn))
		return K_FROM;
	if (in_list(date_keys, k, kn))
		return K_DATE;
	if (in_list(subject_keys, k, kn))
		return K_SUBJECT;
	if (in_list(other_keys, k, kn))
		return K_OTHER;
	return K_NONE;
}

static bool framing(unsigned char c)
{
	return c == ' ' || c == '-' || c == '_' || c == '=' || c == ':' || c == '*' || c == '<' ||
	       c == '>' || c == '(' || c == ')' || c == '[' || c == ']' || c == '\t';
}

/* 2: a forward marker, 1: an "original message" marker, 0: none */
static int marker_line(const char *t, size_t s, size_t e)
{
	if (e - s > 120 || e == s)
		return 0;
	char buf[128];
	size_t n = e - s;
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)pd_tolower((unsigned char)t[s + i]);
	buf[n] = '\0';
	for (int kind = 2; kind >= 1; kind--) {
		const char *const *list = kind == 2 ? fwd_markers : orig_markers;
		for (size_t i = 0; list[i]; i++) {
			const char *p = pd_memcasemem(buf, n, list[i]);
			if (!p)
				continue;
			size_t ps = (size_t)(p - buf), pe = ps + strlen(list[i]);
			bool ok = true;
			for (size_t k = 0; k < n && ok; k++)
				if (k < ps || k >= pe)
					ok = framing((unsigned char)buf[k]);
			if (ok)
				return kind;
		}
	}
	return 0;
}

struct block {
	bool open;
	unsigned lines, blanks;
	bool from, date, subject;
	struct pd_fwdinline r;
};

static bool block_ok(const struct block *b, bool marker)
{
	if (!b->from || !(b->date || b->subject))
		return false;
	return marker || (b->date && b->subject);
}

/* Record one quoted header line of the block (the first of each kind). */
static void take(struct block *b, enum key k, const char *text, size_t n, size_t vs, size_t le, size_t *i,
                 unsigned *line)
{
	if (k == K_FROM && !b->from) {
		b->from = true;
		b->r.from_off = vs;
		b->r.from_len = le - vs;
		/* "Name <addr" wrapped before its '>': take the next line too */
		const char *lt = memchr(text + vs, '<', le - vs);
		if (lt && !memchr(lt, '>', le - (size_t)(lt - text)) && *i < n) {
			const char *nl2 = memchr(text + *i, '\n', n - *i);
			size_t e2 = nl2 ? (size_t)(nl2 - text) : n;
			if (e2 - *i <= 200 && memchr(text + *i, '>', e2 - *i)) {
				b->r.from_len = e2 - vs;
				*i = nl2 ? e2 + 1 : n;
				(*line)++;
			}
		}
	} else if (k == K_DATE && !b->date) {
		b->date = true;
		b->r.date_off = vs;
		b->r.date_len = le - vs;
	} else if (k == K_SUBJECT && !b->subject) {
		b->subject = true;
		b->r.subject_off = vs;
		b->r.subject_len = le - vs;
	}
}

bool pd_fwdinline_find(const char *text, size_t len, bool fwd_subject, struct pd_fwdinline *out)
{
	if (!text || !out)
		return false;
	memset(out, 0, sizeof *out);
	size_t n = len < PD_FWD_SCAN_BYTES ? len : PD_FWD_SCAN_BYTES;
	unsigned max_lines = fwd_subject ? PD_FWD_SCAN_LINES : MARKER_LINES_MAX;
	bool armed = false, marker = false;
	unsigned gap = 0, line = 0;
	struct block b;
	memset(&b, 0, sizeof b);
	size_t i = 0;
	while (i < n && line < max_lines + (b.open ? BLOCK_LINES_MAX : 0)) {
		const char *nl = memchr(text + i, '\n', n - i);
		size_t ls = i, le = nl ? (size_t)(nl - text) : n;
		size_t next = nl ? le + 1 : n;
		line++;
		i = next;
		if (le - ls > LINE_MAX_BYTES) {
			if (b.open && block_ok(&b, marker))
				break;
			b.open = false;
			armed = false;
			continue;
		}
		trim(text, &ls, &le);
		if (b.open) {
			if (ls == le) {
				if (++b.blanks > 1) {
					if (block_ok(&b, marker))
						break;
					b.open = false;
				}
				continue;
			}
			b.blanks = 0;
			size_t vs = 0;
			enum key k = header_key(text, ls, le, &vs);
			if (k != K_NONE && b.lines < BLOCK_LINES_MAX) {
				b.lines++;
				take(&b, k, text, n, vs, le, &i, &line);
				b.r.end = i;
				continue;
			}
			if (block_ok(&b, marker))
				break;
			b.open = false;
			armed = false;
		}
		if (ls == le)
			continue;
		if (line > max_lines)
			break;
		int mk = marker_line(text, ls, le);
		if (mk == 2 || (mk == 1 && fwd_subject)) {
			armed = true;
			marker = true;
			gap = 0;
			continue;
		}
		size_t vs = 0;
		enum key k = (armed || fwd_subject) ? header_key(text, ls, le, &vs) : K_NONE;
		if (k != K_NONE) {
			memset(&b, 0, sizeof b);
			b.open = true;
			b.lines = 1;
			b.r.block = ls;
			b.r.line = line;
			take(&b, k, text, n, vs, le, &i, &line);
			b.r.end = i;
			continue;
		}
		if (armed && ++gap > MARKER_GAP_MAX)
			armed = false;
	}
	if (!b.open || !block_ok(&b, marker))
		return false;
	*out = b.r;
	out->marker = marker;
	if (out->from_len > VALUE_MAX)
		out->from_len = VALUE_MAX;
	if (out->subject_len > VALUE_MAX)
		out->subject_len = VALUE_MAX;
	if (out->date_len > VALUE_MAX)
		out->date_len = VALUE_MAX;
	return true;
}

void pd_fwdinline_apply(struct pd_arena *a, struct pd_msg *m)
{
	static const struct pd_addr empty = { "", "", "", "", false };
	m->fwd_inline = false;
	m->fwd_from = empty;
	m->fwd_subject = m->fwd_date = "";
	m->fwd_part = 0;
	m->fwd_line = 0;
	m->fwd_body = 0;
	if (m->forwarded)
		return; /* the attached original is analysed itself */
	const struct pd_text_part *t = NULL;
	for (unsigned i = 0; i < m->ntexts && !t; i++)
		if (!(m->texts[i].flags & (PD_PART_ATTACHMENT | PD_PART_IN_FORWARDED)))
			t = &m->texts[i];
	struct pd_fwdinline f;
	if (!t || !pd_fwdinline_find(t->text, t->len, pd_fwd_subject(m->subject), &f))
		return;
	m->fwd_inline = true;
	m->fwd_part = t->part_index;
	m->fwd_line = f.line;
	m->fwd_body = f.end;
	if (f.from_len) {
		/* Outlook's "Name [mailto:addr]" is "Name <addr>" */
		size_t vn;
		const char *raw = pd_utf8_sanitize(a, t->text + f.from_off, f.from_len, &vn);
		const char *mt = pd_memcasemem(raw, vn, "[mailto:");
		if (mt) {
			size_t pre = (size_t)(mt - raw);
			const char *end = memchr(mt, ']', vn - pre);
			size_t an = end ? (size_t)(end - mt) - 8 : vn - pre - 8;
			raw = pd_arena_printf(a, "%.*s <%.*s>", (int)pre, raw, (int)an, mt + 8);
			vn = strlen(raw);
		}
		pd_addr_parse_one(a, raw, vn, &m->fwd_from);
	}
	if (f.subject_len)
		m->fwd_subject = pd_utf8_sanitize(a, t->text + f.subject_off, f.subject_len, NULL);
	if (f.date_len)
		m->fwd_date = pd_utf8_sanitize(a, t->text + f.date_off, f.date_len, NULL);
}
