/* parse.c - raw bytes -> struct pd_msg.
 *
 * GMime does the MIME framing, transfer decoding and parameter parsing;
 * everything an attacker can use to make filters and readers disagree is
 * decoded by our own code afterwards (RFC 2047 words, charsets, addresses,
 * Received, Authentication-Results, HTML).  GMime's parser warnings become
 * anomalies.  Limits (struct pd_limits) bound the message size, header
 * count and size, MIME depth and part count, decoded text, hops and URLs.
 */
#include "mail/parse.h"

#include <gmime/gmime.h>
#include <openssl/sha.h>
#include <string.h>

#include "base/fold.h"
#include "base/safe.h"
#include "base/text.h"
#include "base/unicode.h"
#include "mail/addr.h"
#include "mail/authres.h"
#include "mail/charset.h"
#include "mail/fwdinline.h"
#include "mail/hdrsplit.h"
#include "mail/transfer.h"
#include "mail/html.h"
#include "mail/received.h"
#include "mail/urlscan.h"
#include "net/domain.h"
#include "net/linkdata.h"

struct pstate {
	const struct pd_ctx *ctx;
	const struct pd_limits *lim;
	struct pd_arena *a;
	struct pd_msg *m;
	unsigned cap_anom, cap_parts, cap_texts, cap_anchors, cap_urls, cap_hdrs;
	size_t text_total;
	bool limit_parts, limit_depth, limit_text, limit_urls, limit_attach;
	unsigned nattach;
	unsigned gmime_warnings;
	gint64 deadline;        /* g_get_monotonic_time() bound, 0 = none (max_time_ms) */
	bool limit_time;
	/* GMime parses a copy without the top-level fields it has no use for
	 * (mail/hdrsplit.h): its offsets map back through these segments,
	 * each [gm, gm + len) of its copy being [orig, orig + len) of ours */
	struct seg { size_t gm, orig, len; } *segs;
	unsigned nsegs;
};

/* An offset in the bytes GMime parsed -> the offset in the message. */
static gint64 orig_offset(const struct pstate *st, gint64 off)
{
	if (off < 0 || !st->nsegs)
		return off;
	unsigned lo = 0, hi = st->nsegs;
	while (hi - lo > 1) {
		unsigned mid = (lo + hi) / 2;
		if (st->segs[mid].gm <= (size_t)off)
			lo = mid;
		else
			hi = mid;
	}
	const struct seg *g = &st->segs[lo];
	return (gint64)(g->orig + ((size_t)off - g->gm));
}

#define GROW(st, arr, n, cap, type)                                                           \
	do {                                                                                  \
		if ((n) == (cap)) {                                                           \
			unsigned nc_ = (cap) ? (cap) * 2 : 8;                                 \
			(arr) = pd_arena_realloc((st)->a, (arr), (cap) * sizeof(type), nc_ * sizeof(type)); \
			(cap) = nc_;                                                          \
		}                                                                             \
	} while (0)

static void anomaly(struct pstate *st, const char *code, const char *where, const char *detail)
{
	struct pd_msg *m = st->m;
	if (m->nanomalies >= 64)
		return;
	/* parser warnings (one per bad header, thousands in hostile mail)
	 * must never crowd out the finding that a limit was reached */
	if (m->nanomalies >= 48 && strcmp(code, "MIME_LIMIT_REACHED") != 0)
		return;
	GROW(st, m->anomalies, m->nanomalies, st->cap_anom, struct pd_anomaly);
	struct pd_anomaly *an = &m->anomalies[m->nanomalies++];
	an->code = code;
	an->where = pd_arena_strdup(st->a, where);
	an->detail = pd_arena_strdup(st->a, detail);
}

/* The time limit (max_time_ms), checked between MIME parts. */
static bool past_deadline(struct pstate *st, const char *where)
{
	if (!st->deadline || st->limit_time)
		return st->limit_time;
	if (g_get_monotonic_time() < st->deadline)
		return false;
	st->limit_time = true;
	anomaly(st, "MIME_LIMIT_REACHED", where,
	        pd_arena_printf(st->a, "analysis stopped after %u ms", st->lim->max_time_ms));
	return true;
}

static const char *warn_name(GMimeParserWarning w)
{
	switch (w) {
	case GMIME_WARN_DUPLICATED_HEADER: return "duplicated header";
	case GMIME_WARN_DUPLICATED_PARAMETER: return "duplicated parameter";
	case GMIME_WARN_UNENCODED_8BIT_HEADER: return "unencoded 8-bit header";
	case GMIME_WARN_INVALID_CONTENT_TYPE: return "invalid Content-Type";
	case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE: return "invalid RFC 2047 header value";
	case GMIME_WARN_MALFORMED_MULTIPART: return "multipart without child parts";
	case GMIME_WARN_TRUNCATED_MESSAGE: return "truncated message";
	case GMIME_WARN_MALFORMED_MESSAGE: return "malformed message";
	case GMIME_WARN_INVALID_PARAMETER: return "invalid header parameter";
	case GMIME_WARN_INVALID_ADDRESS_LIST: return "invalid address list";
	case GMIME_CRIT_INVALID_HEADER_NAME: return "invalid header name";
	case GMIME_CRIT_CONFLICTING_HEADER: return "conflicting header";
	case GMIME_CRIT_CONFLICTING_PARAMETER: return "conflicting parameter";
	case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY: return "multipart without boundary";
	case GMIME_CRIT_NESTING_OVERFLOW: return "MIME nesting overflow";
	case GMIME_WARN_PART_WITHOUT_CONTENT: return "part without content";
	case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT: return "part without headers or content";
	default: return "parser warning";
	}
}

static void on_gmime_warning(gint64 offset, GMimeParserWarning code, const gchar *item, gpointer ud)
{
	struct pstate *st = ud;
	st->gmime_warnings++;
	offset = orig_offset(st, offset);
	/* 8-bit headers are normal in Japanese mail; duplicated headers are
	 * normal for Received: neither is an anomaly worth a finding */
	if (code == GMIME_WARN_UNENCODED_8BIT_HEADER || code == GMIME_WARN_DUPLICATED_HEADER)
		return;
	char where[48];
	if (offset >= 0)
		g_snprintf(where, sizeof where, "byte %" G_GINT64_FORMAT, offset);
	else /* GMime gives -1 when it has no position */
		g_strlcpy(where, "message", sizeof where);
	char *detail = item ? pd_arena_printf(st->a, "%s: %.120s", warn_name(code), item)
	                    : pd_arena_strdup(st->a, warn_name(code));
	size_t dn;
	anomaly(st, "MIME_PARSE_ANOMALY", where, pd_utf8_sanitize(st->a, detail, strlen(detail), &dn));
}

/* ---------------------------------------------------------------- headers */

static const char *unfold(struct pd_arena *a, const char *raw, size_t max, bool *cut)
{
	size_t n = strlen(raw);
	*cut = false;
	if (n > max) {
		n = max;
		*cut = true;
	}
	char *o = pd_arena_alloc_raw(a, n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		/* a line of the field at a time: most fields are one line */
		const char *lf = memchr(raw + i, '\n', n - i);
		size_t e = lf ? (size_t)(lf - raw) : n;
		if (memchr(raw + i, '\r', e - i)) {
			for (size_t j = i; j < e; j++)
				if (raw[j] != '\r')
					o[k++] = raw[j];
		} else {
			memcpy(o + k, raw + i, e - i);
			k += e - i;
		}
		i = e + 1;
	}
	/* trim */
	size_t s = 0;
	while (s < k && (o[s] == ' ' || o[s] == '\t'))
		s++;
	while (k > s && (o[k - 1] == ' ' || o[k - 1] == '\t'))
		k--;
	o[k] = '\0';
	return o + s;
}

static bool hname(const struct pd_header *h, const char *name)
{
	return pd_strieq(h->name, name);
}

const struct pd_header *pd_msg_header(const struct pd_msg *m, const char *name, unsigned nth)
{
	for (unsigned i = 0; i < m->nheaders; i++)
		if (hname(&m->headers[i], name) && nth-- == 0)
			return &m->headers[i];
	return NULL;
}

unsigned pd_msg_header_count(const struct pd_msg *m, const char *name)
{
	unsigned n = 0;
	for (unsigned i = 0; i < m->nheaders; i++)
		if (hname(&m->headers[i], name))
			n++;
	return n;
}

/* One header field into the model; *line and *pos carry the line count
 * from field to field (offsets only grow). */
static bool add_header(struct pstate *st, const char *name, const char *raw, gint64 off, const char *data,
                       size_t len, unsigned *line, gint64 *pos)
{
	struct pd_msg *m = st->m;
	if (m->nheaders >= st->lim->max_headers) {
		anomaly(st, "MIME_LIMIT_REACHED", "headers",
		        pd_arena_printf(st->a, "more than %u header fields", st->lim->max_headers));
		return false;
	}
	if (!name)
		return true;
	if (!raw)
		raw = "";
	if (off >= *pos && (size_t)off <= len) {
		const char *p = data + *pos, *e = data + off;
		while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
			(*line)++;
			p++;
		}
		*pos = off;
	}
	GROW(st, m->headers, m->nheaders, st->cap_hdrs, struct pd_header);
	struct pd_header *ph = &m->headers[m->nheaders++];
	size_t nl = strlen(name);
	ph->name = pd_utf8_sanitize(st->a, name, nl > 128 ? 128 : nl, NULL);
	bool cut;
	const char *u = unfold(st->a, raw, st->lim->max_header_bytes, &cut);
	if (cut)
		anomaly(st, "MIME_LIMIT_REACHED", ph->name,
		        pd_arena_printf(st->a, "header longer than %zu bytes", st->lim->max_header_bytes));
	ph->raw = u;
	ph->line = off >= 0 ? *line : 0;
	ph->decoded = NULL;
	return true;
}

/* The header fields of a GMime object (an attached message's). */
static void read_headers(struct pstate *st, GMimeObject *obj, const char *data, size_t len)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
	int count = g_mime_header_list_get_count(hl);
	unsigned line = 1;
	gint64 pos = 0;
	for (int i = 0; i < count; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		if (!add_header(st, g_mime_header_get_name(h), g_mime_header_get_raw_value(h),
		                orig_offset(st, g_mime_header_get_offset(h)), data, len, &line, &pos))
			break;
	}
}

/* The top-level fields from our split (hdrsplit.c); like GMime, the
 * Content-* fields belong to the body part, not to the message's list. */
static void read_split_headers(struct pstate *st, const struct pd_rawfield *f, unsigned n, const char *data,
                               size_t len)
{
	unsigned line = 1;
	gint64 pos = 0;
	for (unsigned i = 0; i < n; i++) {
		if (g_ascii_strncasecmp(f[i].name, "Content-", 8) == 0)
			continue;
		if (!add_header(st, f[i].name, f[i].raw, (gint64)f[i].off, data, len, &line, &pos))
			break;
	}
}

static void set_addr(struct pstate *st, const char *raw, struct pd_addr *out)
{
	pd_addr_parse_one(st->a, raw, strlen(raw), out);
}

static const char *where_hdr(struct pd_arena *a, const struct pd_header *h)
{
	return pd_arena_printf(a, "%s (line %u)", h->name, h->line);
}

static void model_headers(struct pstate *st)
{
	struct pd_msg *m = st->m;
	struct pd_arena *a = st->a;
	static const struct pd_addr empty = { "", "", "", "", false };
	m->from = m->sender = m->reply_to = m->return_path = m->outer_from = empty;
	m->subject = m->subject_raw = m->message_id = m->date_raw = m->delivered_to = "";
	m->recipient_domain = m->recipient_addr = "";
	m->origin_hop = -1;
	m->origin_reason = "";
	m->outer_subject = "";
	unsigned nrecv = 0, cap_hops = 0, cap_auth = 0, cap_to = 0;
	unsigned n_ar = 0, n_arc = 0, n_spf = 0;
	for (unsigned i = 0; i < m->nheaders; i++) {
		struct pd_header *h = &m->headers[i];
		size_t rn = strlen(h->raw);
		if (hname(h, "From")) {
			struct pd_addr list[8];
			unsigned n = pd_addr_parse_list(a, h->raw, rn, list, 8);
			m->from_count += n;
			if (n && !m->from.valid && !*m->from.addr)
				m->from = list[0];
			if (!n && !*m->from.display)
				m->from.display = pd_rfc2047_decode(a, h->raw, rn, 1024, NULL);
		} else if (hname(h, "Sender") && !*m->sender.addr) {
			set_addr(st, h->raw, &m->sender);
		} else if (hname(h, "Reply-To") && !*m->reply_to.addr) {
			set_addr(st, h->raw, &m->reply_to);
		} else if (hname(h, "Return-Path") && !*m->return_path.addr) {
			set_addr(st, h->raw, &m->return_path);
		} else if (hname(h, "To") || hname(h, "Cc")) {
			struct pd_addr list[32];
			unsigned n = pd_addr_parse_list(a, h->raw, rn, list, 32);
			if (n > 32)
				n = 32;
			for (unsigned k = 0; k < n && m->nto < 256; k++) {
				GROW(st, m->to, m->nto, cap_to, struct pd_addr);
				m->to[m->nto++] = list[k];
			}
		} else if (hname(h, "Subject") && !*m->subject_raw) {
			unsigned fl = 0;
			m->subject_raw = pd_utf8_sanitize(a, h->raw, rn, NULL);
			const char *d = pd_rfc2047_decode(a, h->raw, rn, 4096, &fl);
			m->subject = pd_nfkc(a, d, strlen(d), NULL);
			h->decoded = m->subject;
		} else if (hname(h, "Date") && !*m->date_raw) {
			m->date_raw = pd_utf8_sanitize(a, h->raw, rn, NULL);
			m->has_date = pd_date_parse(h->raw, rn, &m->date, &m->date_tz_minutes) == 0;
		} else if (hname(h, "Message-ID") && !*m->message_id) {
			const char *p = h->raw, *lt = strchr(p, '<'), *gt = lt ? strchr(lt, '>') : NULL;
			if (lt && gt)
				m->message_id = pd_utf8_sanitize(a, lt + 1, (size_t)(gt - lt - 1), NULL);
			else
				m->message_id = pd_utf8_sanitize(a, p, rn, NULL);
		} else if ((hname(h, "Delivered-To") || hname(h, "X-Original-To") ||
		            hname(h, "Envelope-To") || hname(h, "X-Envelope-To")) && !*m->delivered_to) {
			struct pd_addr d;
			set_addr(st, h->raw, &d);
			if (d.valid)
				m->delivered_to = d.addr;
		} else if (hname(h, "Received")) {
			if (nrecv++ >= st->lim->max_hops) {
				if (nrecv == st->lim->max_hops + 1)
					anomaly(st, "MIME_LIMIT_REACHED", "Received",
					        pd_arena_printf(a, "more than %u Received lines", st->lim->max_hops));
				continue;
			}
			GROW(st, m->hops, m->nhops, cap_hops, struct pd_hop);
			struct pd_hop *hop = &m->hops[m->nhops++];
			pd_received_parse(a, h->raw, rn, hop);
		} else if (hname(h, "Authentication-Results") || hname(h, "ARC-Authentication-Results") ||
		           hname(h, "Received-SPF")) {
			if (m->nauth >= 64)
				continue;
			GROW(st, m->auth, m->nauth, cap_auth, struct pd_authres);
			struct pd_authres *ar = &m->auth[m->nauth];
			memset(ar, 0, sizeof *ar);
			if (hname(h, "Received-SPF")) {
				pd_received_spf_parse(a, h->raw, rn, ar);
				ar->header_index = n_spf++;
			} else if (hname(h, "Authentication-Results")) {
				pd_authres_parse(a, h->raw, rn, PD_AUTH_AR, ar);
				ar->header_index = n_ar++;
			} else {
				pd_authres_parse(a, h->raw, rn, PD_AUTH_ARC_AR, ar);
				ar->header_index = n_arc++;
			}
			ar->raw = pd_utf8_sanitize(a, h->raw, rn, NULL);
			m->nauth++;
		}
		if (!h->decoded)
			h->decoded = pd_utf8_sanitize(a, h->raw, rn, NULL);
	}
	(void)where_hdr;
}

/* ------------------------------------------------------------- MIME body */

/* The raw (still encoded) bytes of a part, when GMime keeps them as a
 * window on the message buffer (the parser's substreams of our memory
 * stream): no copy. */
static bool raw_content(GMimeDataWrapper *w, const unsigned char **p, size_t *n)
{
	GMimeStream *s = g_mime_data_wrapper_get_stream(w);
	if (!s || !GMIME_IS_STREAM_MEM(s))
		return false;
	GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
	if (!ba)
		return false;
	gint64 b = s->bound_start, e = s->bound_end < 0 ? (gint64)ba->len : s->bound_end;
	if (b < 0 || b > e || e > (gint64)ba->len)
		return false;
	*p = ba->data + b;
	*n = (size_t)(e - b);
	return true;
}

static char *decode_content(struct pstate *st, GMimePart *part, size_t *n)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	*n = 0;
	if (!w)
		return pd_arena_strdup(st->a, "");
	/* the common encodings decoded straight from the message buffer, the
	 * same bytes GMime's filter streams give (transfer.c) */
	const unsigned char *raw;
	size_t rn;
	if (raw_content(w, &raw, &rn)) {
		switch (g_mime_data_wrapper_get_encoding(w)) {
		case GMIME_CONTENT_ENCODING_DEFAULT:
		case GMIME_CONTENT_ENCODING_7BIT:
		case GMIME_CONTENT_ENCODING_8BIT:
		case GMIME_CONTENT_ENCODING_BINARY:
			*n = rn;
			return pd_arena_strndup(st->a, (const char *)raw, rn);
		case GMIME_CONTENT_ENCODING_BASE64: {
			unsigned char *o = pd_arena_alloc_raw(st->a, rn / 4 * 3 + 4);
			*n = pd_b64_body_decode(raw, rn, o);
			o[*n] = '\0';
			return (char *)o;
		}
		case GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE: {
			unsigned char *o = pd_arena_alloc_raw(st->a, rn + 1);
			*n = pd_qp_body_decode(raw, rn, o);
			o[*n] = '\0';
			return (char *)o;
		}
		default:
			break;
		}
	}
	GMimeStream *ms = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(w, ms);
	GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(ms));
	size_t len = ba ? ba->len : 0;
	char *out = pd_arena_strndup(st->a, ba && len ? (const char *)ba->data : "", len);
	g_object_unref(ms);
	*n = len;
	return out;
}

static const char *part_where(struct pd_arena *a, const struct pd_part *p)
{
	return *p->path ? pd_arena_printf(a, "part %s", p->path) : "body";
}

struct url_add {
	struct pstate *st;
	enum pd_link_origin origin;
	unsigned part;
	const char *shown;
};

static void add_url(struct pstate *st, const char *raw, size_t n, enum pd_link_origin origin,
                    unsigned part, const char *shown)
{
	struct pd_msg *m = st->m;
	if (m->nurls >= st->lim->max_urls) {
		if (!st->limit_urls) {
			st->limit_urls = true;
			anomaly(st, "MIME_LIMIT_REACHED", "links",
			        pd_arena_printf(st->a, "more than %u links", st->lim->max_urls));
		}
		return;
	}
	if (n > 8192)
		n = 8192;
	const char *rawz = pd_utf8_sanitize(st->a, raw, n, &n);
	/* the same URL from the same origin is kept once */
	for (unsigned i = 0; i < m->nurls && i < 256; i++)
		if (m->urls[i].origin == origin && strcmp(m->urls[i].raw, rawz) == 0)
			return;
	GROW(st, m->urls, m->nurls, st->cap_urls, struct pd_url);
	struct pd_url *u = &m->urls[m->nurls++];
	memset(u, 0, sizeof *u);
	u->raw = rawz;
	u->origin = origin;
	u->part_index = part;
	u->shown = shown ? shown : "";
	/* the one URL parser, rewriter unwrapping, host classes (net/linkdata.c) */
	pd_url_enrich(st->ctx, st->a, u);
}

static int on_text_url(void *ud, const char *p, size_t n)
{
	struct url_add *ua = ud;
	add_url(ua->st, p, n, ua->origin, ua->part, NULL);
	return 0;
}

static void add_text(struct pstate *st, unsigned part, const char *text, size_t n, unsigned flags)
{
	struct pd_msg *m = st->m;
	size_t room = st->lim->max_text_bytes > st->text_total ? st->lim->max_text_bytes - st->text_total : 0;
	if (n > room) {
		/* cut on a UTF-8 boundary */
		size_t k = room;
		while (k > 0 && ((unsigned char)text[k] & 0xC0) == 0x80)
			k--;
		n = k;
		flags |= PD_PART_TRUNCATED;
		if (!st->limit_text) {
			st->limit_text = true;
			anomaly(st, "MIME_LIMIT_REACHED", "text",
			        pd_arena_printf(st->a, "more than %zu bytes of decoded text", st->lim->max_text_bytes));
		}
	}
	if (n == 0)
		return;
	size_t nn;
	const char *norm = pd_nfkc(st->a, text, n, &nn);
	if (norm == text && text[n] != '\0')
		norm = pd_arena_strndup(st->a, text, n);
	st->text_total += n;
	GROW(st, m->texts, m->ntexts, st->cap_texts, struct pd_text_part);
	struct pd_text_part *t = &m->texts[m->ntexts++];
	t->part_index = part;
	t->title = "";
	t->text = norm;
	t->len = nn;
	t->flags = flags;
	size_t fn = nn;
	if (fn > PD_TEXT_SCAN_MAX) {
		fn = PD_TEXT_SCAN_MAX;
		while (fn > 0 && ((unsigned char)norm[fn] & 0xC0) == 0x80)
			fn--;
	}
	t->fold_marks = pd_arena_alloc(st->a, sizeof *t->fold_marks);
	t->fold = pd_fold(st->a, norm, fn, &t->fold_len, t->fold_marks);
}

static bool is_attachment(GMimeObject *obj, const char *filename)
{
	const char *disp = g_mime_object_get_disposition(obj);
	if (disp && pd_strieq(disp, "attachment"))
		return true;
	return filename && *filename;
}

static void visit_leaf(struct pstate *st, GMimePart *gp, struct pd_part *p, bool in_fwd)
{
	GMimeObject *obj = GMIME_OBJECT(gp);
	struct pd_arena *a = st->a;
	const char *fname = g_mime_part_get_filename(gp);
	if (fname) {
		size_t fl = strlen(fname);
		p->filename = pd_utf8_sanitize(a, fname, fl > 512 ? 512 : fl, NULL);
	}
	GMimeContentEncoding enc = g_mime_part_get_content_encoding(gp);
	const char *encs = g_mime_content_encoding_to_string(enc);
	p->encoding = encs ? pd_ascii_lower(a, encs, strlen(encs)) : "";
	size_t n;
	char *content = decode_content(st, gp, &n);
	p->size = n;
	bool attach = is_attachment(obj, fname);
	bool text = g_str_has_prefix(p->content_type, "text/");
	bool html = strcmp(p->content_type, "text/html") == 0;
	if (html)
		p->flags |= PD_PART_HTML;
	if (attach && !(text && !fname)) {
		p->flags |= PD_PART_ATTACHMENT;
		if (st->nattach++ >= st->lim->max_attachments) {
			if (!st->limit_attach) {
				st->limit_attach = true;
				anomaly(st, "MIME_LIMIT_REACHED", "attachments",
				        pd_arena_printf(a, "more than %u attachments", st->lim->max_attachments));
			}
			return;
		}
		unsigned char md[SHA256_DIGEST_LENGTH];
		SHA256((const unsigned char *)content, n, md);
		static const char hex[] = "0123456789abcdef";
		for (size_t k = 0; k < sizeof md; k++) {
			p->sha256[2 * k] = hex[md[k] >> 4];
			p->sha256[2 * k + 1] = hex[md[k] & 15];
		}
		p->sha256[2 * sizeof md] = '\0';
	}
	if (!text || (attach && fname && !html))
		return; /* HTML attachments are read too: credential forms hide there */
	const char *cs = g_mime_object_get_content_type_parameter(obj, "charset");
	p->charset_declared = cs ? pd_utf8_sanitize(a, cs, strlen(cs) > 64 ? 64 : strlen(cs), NULL) : "";
	size_t room = st->lim->max_text_bytes;
	size_t ulen;
	const char *used = "";
	unsigned csf = 0;
	char *utf8 = pd_charset_to_utf8(a, content, n, cs, room, &ulen, &used, &csf);
	p->charset_used = used ? used : "";
	unsigned tflags = 0;
	if (csf & PD_CS_MISLABELLED)
		p->flags |= PD_PART_CHARSET_MISLABELLED;
	if (csf & PD_CS_DETECTED)
		p->flags |= PD_PART_CHARSET_DETECTED;
	if (csf & PD_CS_INVALID)
		p->flags |= PD_PART_INVALID_BYTES;
	if ((csf & PD_CS_TRUNCATED) && !st->limit_text) {
		/* one part longer than the whole text budget: cut while decoding */
		st->limit_text = true;
		anomaly(st, "MIME_LIMIT_REACHED", "text",
		        pd_arena_printf(a, "more than %zu bytes of decoded text", st->lim->max_text_bytes));
	}
	if (in_fwd)
		p->flags |= PD_PART_IN_FORWARDED;
	tflags = p->flags;
	if (html) {
		struct pd_html_result hr;
		/* one anchor more than kept, so that crossing the limit is seen below */
		pd_html_extract(a, utf8, ulen, st->lim->max_html_nodes, st->lim->max_text_bytes,
		                st->lim->max_urls + (st->lim->max_urls < G_MAXUINT), &hr);
		if (hr.flags & PD_HTML_NODE_LIMIT)
			anomaly(st, "MIME_LIMIT_REACHED", part_where(a, p),
			        pd_arena_printf(a, "more than %u HTML elements", st->lim->max_html_nodes));
		if (hr.flags & PD_HTML_HAS_FORM)
			anomaly(st, "CONTENT_HTML_FORM", part_where(a, p), "form");
		if (hr.flags & PD_HTML_HAS_PASSWORD)
			anomaly(st, "CONTENT_PASSWORD_FIELD", part_where(a, p), "input type=password");
		if (hr.flags & PD_HTML_HIDDEN_TEXT)
			anomaly(st, "CONTENT_HIDDEN_TEXT", part_where(a, p), "hidden text");
		unsigned ntexts_before = st->m->ntexts;
		add_text(st, p->index, hr.text, hr.text_len, tflags);
		if (st->m->ntexts > ntexts_before && hr.title && *hr.title && strlen(hr.title) <= 300)
			st->m->texts[st->m->ntexts - 1].title = pd_nfkc(a, hr.title, strlen(hr.title), NULL);
		struct pd_msg *m = st->m;
		for (unsigned i = 0; i < hr.nanchors; i++) {
			if (m->nanchors >= st->lim->max_urls) {
				if (!st->limit_urls) {
					st->limit_urls = true;
					anomaly(st, "MIME_LIMIT_REACHED", "links",
					        pd_arena_printf(a, "more than %u links", st->lim->max_urls));
				}
				break;
			}
			GROW(st, m->anchors, m->nanchors, st->cap_anchors, struct pd_anchor);
			unsigned cap_before = st->cap_anchors;
			(void)cap_before;
			m->anchors[m->nanchors] = hr.anchors[i];
			m->nanchors++;
			const struct pd_anchor *an = &hr.anchors[i];
			if (an->origin == PD_LINK_HTML_IMG && g_str_has_prefix(an->href, "cid:"))
				continue;
			if (*an->href)
				add_url(st, an->href, strlen(an->href), an->origin, p->index, an->text);
		}
	} else {
		add_text(st, p->index, utf8, ulen, tflags);
		struct url_add ua = { st, PD_LINK_TEXT, p->index, NULL };
		pd_urlscan(utf8, ulen, on_text_url, &ua);
	}
}

struct walk_item {
	GMimeObject *obj;
	unsigned depth;
	const char *path;
	bool in_fwd;
};

static void walk(struct pstate *st, GMimeObject *root, bool root_in_fwd)
{
	struct pd_arena *a = st->a;
	struct pd_msg *m = st->m;
	/* explicit stack: depth is bounded by max_mime_depth, breadth by max_parts */
	unsigned cap = 64, top = 0;
	struct walk_item *stack = pd_arena_calloc(a, cap, sizeof *stack);
	stack[top++] = (struct walk_item){ root, 0, "", root_in_fwd };
	while (top) {
		struct walk_item it = stack[--top];
		if (past_deadline(st, "MIME"))
			break;
		if (m->nparts >= st->lim->max_parts) {
			if (!st->limit_parts) {
				st->limit_parts = true;
				anomaly(st, "MIME_LIMIT_REACHED", "MIME",
				        pd_arena_printf(a, "more than %u MIME parts", st->lim->max_parts));
			}
			break;
		}
		if (it.depth > st->lim->max_mime_depth) {
			if (!st->limit_depth) {
				st->limit_depth = true;
				anomaly(st, "MIME_LIMIT_REACHED", it.path,
				        pd_arena_printf(a, "MIME nesting deeper than %u", st->lim->max_mime_depth));
			}
			continue;
		}
		GROW(st, m->parts, m->nparts, st->cap_parts, struct pd_part);
		struct pd_part *p = &m->parts[m->nparts];
		memset(p, 0, sizeof *p);
		p->index = m->nparts++;
		p->depth = it.depth;
		p->path = it.path;
		p->charset_declared = p->charset_used = p->encoding = p->filename = "";
		GMimeContentType *ct = g_mime_object_get_content_type(it.obj);
		const char *mt = ct ? g_mime_content_type_get_media_type(ct) : NULL;
		const char *sub = ct ? g_mime_content_type_get_media_subtype(ct) : NULL;
		p->content_type = pd_arena_printf(a, "%.40s/%.80s", mt ? mt : "text", sub ? sub : "plain");
		p->content_type = pd_utf8_sanitize(a, pd_ascii_lower(a, p->content_type, strlen(p->content_type)),
		                                   strlen(p->content_type), NULL);
		if (GMIME_IS_MULTIPART(it.obj)) {
			GMimeMultipart *mp = GMIME_MULTIPART(it.obj);
			int n = g_mime_multipart_get_count(mp);
			/* push children in reverse so they are visited in order */
			for (int i = n - 1; i >= 0; i--) {
				if (top == cap) {
					stack = pd_arena_realloc(a, stack, cap * sizeof *stack, cap * 2 * sizeof *stack);
					cap *= 2;
				}
				if (top >= st->lim->max_parts * 2u)
					break;
				const char *cp = *it.path ? pd_arena_printf(a, "%s.%d", it.path, i + 1)
				                          : pd_arena_printf(a, "%d", i + 1);
				stack[top++] = (struct walk_item){ g_mime_multipart_get_part(mp, i), it.depth + 1,
				                                   cp, it.in_fwd };
			}
		} else if (GMIME_IS_MESSAGE_PART(it.obj)) {
			GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(it.obj));
			GMimeObject *body = inner ? g_mime_message_get_mime_part(inner) : NULL;
			if (body) {
				if (top == cap) {
					stack = pd_arena_realloc(a, stack, cap * sizeof *stack, cap * 2 * sizeof *stack);
					cap *= 2;
				}
				const char *cp = *it.path ? pd_arena_printf(a, "%s.1", it.path) : "1";
				stack[top++] = (struct walk_item){ body, it.depth + 1, cp, true };
			}
		} else if (GMIME_IS_PART(it.obj)) {
			visit_leaf(st, GMIME_PART(it.obj), p, it.in_fwd);
		}
	}
}

/* A message forwarded as an attachment: the outer mail is a short note
 * (or nothing) around exactly one message/rfc822 part. */
static GMimeMessage *forwarded_inner(GMimeMessage *msg)
{
	GMimeObject *body = g_mime_message_get_mime_part(msg);
	if (!body || !GMIME_IS_MULTIPART(body) || GMIME_IS_MULTIPART_ENCRYPTED(body) ||
	    GMIME_IS_MULTIPART_SIGNED(body))
		return NULL;
	GMimeContentType *ct = g_mime_object_get_content_type(body);
	const char *sub = ct ? g_mime_content_type_get_media_subtype(ct) : NULL;
	if (!sub || !pd_strieq(sub, "mixed"))
		return NULL;
	GMimeMultipart *mp = GMIME_MULTIPART(body);
	int n = g_mime_multipart_get_count(mp);
	GMimeMessage *found = NULL;
	for (int i = 0; i < n && i < 32; i++) {
		GMimeObject *c = g_mime_multipart_get_part(mp, i);
		if (GMIME_IS_MESSAGE_PART(c)) {
			if (found)
				return NULL;
			found = g_mime_message_part_get_message(GMIME_MESSAGE_PART(c));
		} else if (GMIME_IS_PART(c)) {
			GMimeContentType *cct = g_mime_object_get_content_type(c);
			const char *t = cct ? g_mime_content_type_get_media_type(cct) : NULL;
			if (!t || !pd_strieq(t, "text"))
				return NULL; /* other attachments: not a plain forward */
		} else if (!GMIME_IS_MULTIPART(c)) {
			return NULL;
		}
	}
	return found;
}

/* ------------------------------------------------------------ the route */

static bool ip_in_cidr(const struct pd_hop *h, const struct pd_cidr *c)
{
	if (h->ip_family != c->family)
		return false;
	unsigned bits = c->bits, i = 0;
	while (bits >= 8) {
		if (h->ip_bytes[i] != c->net[i])
			return false;
		i++;
		bits -= 8;
	}
	if (bits) {
		unsigned char mask = (unsigned char)(0xFF << (8 - bits));
		if ((h->ip_bytes[i] & mask) != (c->net[i] & mask))
			return false;
	}
	return true;
}

static bool host_trusted(const struct pd_ctx *ctx, const char *host)
{
	if (!host || !*host)
		return false;
	for (unsigned i = 0; i < ctx->ntrusted_hosts; i++)
		if (pd_host_within(host, ctx->trusted_hosts[i]))
			return true;
	return false;
}

static void choose_origin(struct pstate *st)
{
	struct pd_msg *m = st->m;
	const struct pd_ctx *ctx = st->ctx;
	const char *rdom = *m->recipient_domain
	                       ? pd_domain_registrable(st->a, ctx->psl, m->recipient_domain) : "";
	/* our side: the registrable domain of the topmost receiving host too */
	const char *bydom = "";
	for (unsigned i = 0; i < m->nhops && !*bydom; i++)
		if (*m->hops[i].by && !pd_ip_parse(m->hops[i].by, strlen(m->hops[i].by), (unsigned char[16]){ 0 }))
			bydom = pd_domain_registrable(st->a, ctx->psl, m->hops[i].by);
	for (unsigned i = 0; i < m->nhops; i++) {
		const struct pd_hop *h = &m->hops[i];
		if (!h->ip_family)
			continue; /* local pickup, HTTP submission without IP, unparsed */
		bool trusted = false;
		for (unsigned k = 0; k < ctx->ntrusted_nets && !trusted; k++)
			trusted = ip_in_cidr(h, &ctx->trusted_nets[k]);
		if (!trusted)
			trusted = host_trusted(ctx, h->rdns) || (!*h->rdns && host_trusted(ctx, h->helo));
		if (trusted)
			continue;
		if (h->flags & PD_HOP_IP_PRIVATE)
			continue;
		bool ours = false;
		if (*h->rdns) {
			if (*rdom && pd_host_within(h->rdns, rdom))
				ours = true;
			if (*bydom && pd_host_within(h->rdns, bydom) && ctx->ntrusted_hosts == 0 &&
			    ctx->ntrusted_nets == 0)
				ours = true;
		}
		if (ours)
			continue;
		m->origin_hop = (int)i;
		m->origin_reason = i == 0 ? "first hop from a public address"
		                          : "first hop, walking down from the top, outside the receiving side's own and private relays";
		return;
	}
	/* everything private: the deepest hop with an address is the origin */
	for (int i = (int)m->nhops - 1; i >= 0; i--)
		if (m->hops[i].ip_family) {
			m->origin_hop = i;
			m->origin_reason = "only internal relays: the deepest hop with an address";
			return;
		}
}

static void choose_recipient(struct pstate *st)
{
	struct pd_msg *m = st->m;
	const char *r = m->delivered_to;
	for (unsigned i = 0; !*r && i < m->nhops; i++)
		if (*m->hops[i].for_addr && strchr(m->hops[i].for_addr, '@'))
			r = m->hops[i].for_addr;
	if (!*r && m->nto && m->to[0].valid)
		r = m->to[0].addr;
	/* forwarded inline: the one who received the quoted mail is the
	 * forwarder, not the desk it was forwarded to */
	if (m->fwd_inline && m->from.valid && strchr(m->from.addr, '@'))
		r = m->from.addr;
	m->recipient_addr = pd_ascii_lower(st->a, r, strlen(r));
	const char *at = strrchr(m->recipient_addr, '@');
	m->recipient_domain = at ? at + 1 : "";
}

/* ------------------------------------------------------------ entry */

/* A bare MIME entity ("Content-Type: text/html" and a body) is mail too;
 * GMime files its Content-* fields under the part, not the message. */
static bool starts_with_mime_field(const char *d, size_t n)
{
	static const char *const pre[] = { "content-", "mime-version:" };
	for (size_t k = 0; k < 2; k++) {
		size_t l = strlen(pre[k]);
		if (n >= l && pd_strnieq(d, pre[k], l))
			return true;
	}
	return false;
}

static bool looks_like_mail(const struct pd_msg *m)
{
	static const char *const known[] = { "from", "to", "subject", "date", "received",
		"message-id", "return-path", "mime-version", "delivered-to", "content-type",
		"reply-to", "sender", "x-mailer", "cc" };
	for (unsigned i = 0; i < m->nheaders; i++)
		for (size_t k = 0; k < sizeof known / sizeof *known; k++)
			if (pd_strieq(m->headers[i].name, known[k]))
				return true;
	return false;
}

/* ---------------------------------------------- before GMime sees it */

/* Does the line s[0..n) name a declared boundary ("--B" or "--B--")? */
static bool boundary_line(GHashTable *bset, const char *s, size_t n)
{
	if (n < 3 || s[0] != '-' || s[1] != '-' || g_hash_table_size(bset) == 0)
		return false;
	size_t k = 2;
	while (k < n && k < 202 && s[k] != ' ' && s[k] != '\t' && s[k] != '\r' && s[k] != '\n')
		k++;
	char tok[208];
	size_t tl = k - 2;
	memcpy(tok, s + 2, tl);
	tok[tl] = '\0';
	if (g_hash_table_contains(bset, tok))
		return true;
	if (tl > 2 && tok[tl - 1] == '-' && tok[tl - 2] == '-') {
		tok[tl - 2] = '\0';
		return g_hash_table_contains(bset, tok);
	}
	return false;
}

/* Does the header line s[0..n) start a Content-Type field ("Content-Type:",
 * also with white space before the colon)? */
static bool is_content_type(const char *s, size_t n)
{
	if (n < 13 || !pd_strnieq(s, "content-type", 12))
		return false;
	size_t k = 12;
	while (k < n && (s[k] == ' ' || s[k] == '\t'))
		k++;
	return k < n && s[k] == ':';
}

/* Remember the boundary= value on a header line s[0..n). */
static void boundary_note(struct pstate *st, GHashTable *bset, const char *s, size_t n)
{
	const char *b = pd_memcasemem(s, n, "boundary=");
	if (!b || g_hash_table_size(bset) > 4u * st->lim->max_parts + 16)
		return;
	const char *p = b + 9, *e = s + n;
	bool q = p < e && *p == '"';
	if (q)
		p++;
	const char *v = p;
	while (p < e && p - v < 200 && *p != '\r' && *p != '\n' &&
	       (q ? *p != '"' : (*p != ';' && *p != ' ' && *p != '\t')))
		p++;
	if (p > v)
		g_hash_table_add(bset, pd_arena_strndup(st->a, v, (size_t)(p - v)));
}

/* GMime builds every header field and MIME part before any limit of ours
 * can apply, and its cost grows faster than the input with a field folded
 * over millions of lines (measured: a 50 MB folded header took 19 s and
 * 2.7 GB) or with 100,000 parts.  So before it sees the bytes: a header
 * field (of the message or of a part) is cut at max_header_bytes + 1 KiB,
 * its further continuation lines dropped, and the message is cut before
 * the boundary line that makes more than 4 * max_parts + 16 of them (lines
 * naming a declared boundary= value).  Each is a MIME_LIMIT_REACHED
 * anomaly.  Returns data itself when nothing is cut, else an arena copy;
 * *lenp is updated. */
static const char *preclip(struct pstate *st, const char *data, size_t *lenp)
{
	size_t len = *lenp;
	size_t cap = st->lim->max_header_bytes + 1024;
	size_t max_bounds = 4u * (size_t)st->lim->max_parts + 16;
	GHashTable *bset = g_hash_table_new(g_str_hash, g_str_equal);
	char *out = NULL; /* allocated at the first byte dropped */
	size_t on = 0, field = 0, nb = 0;
	bool in_hdr = true, dropping = false, clipped = false, ctype = false;
	for (size_t i = 0; i < len;) {
		if (!in_hdr && !(len - i >= 2 && data[i] == '-' && data[i + 1] == '-')) {
			/* in a body only lines starting "--" can matter (boundaries):
			 * go straight to the next one, the lines between kept whole */
			size_t to = len;
			for (size_t p = i; p + 1 < len;) { /* '-' is rare: base64 has none */
				const char *d = memchr(data + p, '-', len - p - 1);
				if (!d)
					break;
				p = (size_t)(d - data);
				if (p > i && data[p - 1] == '\n' && data[p + 1] == '-') {
					to = p;
					break;
				}
				p++;
			}
			if (out) {
				memcpy(out + on, data + i, to - i);
				on += to - i;
			}
			i = to;
			continue;
		}
		const char *ls = data + i;
		const char *nl = memchr(ls, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - ls) + 1 : len - i;
		size_t keep = ll;
		bool blank = ll == 1 || (ll == 2 && ls[0] == '\r') || (!nl && ll == 0);
		if (boundary_line(bset, ls, ll)) {
			if (++nb > max_bounds) {
				anomaly(st, "MIME_LIMIT_REACHED", "MIME",
				        pd_arena_printf(st->a, "more than %zu boundary lines: message cut at byte %zu",
				                        max_bounds, i));
				len = i;
				break;
			}
			in_hdr = true;
			field = 0;
			dropping = false;
		} else if (in_hdr) {
			if (blank) {
				in_hdr = false;
			} else if (ls[0] == ' ' || ls[0] == '\t') {
				if (dropping || field + ll > cap)
					keep = 0;
				field += ll;
			} else {
				/* any other line starts a field: GMime reads malformed
				 * lines in a header block as (invalid) fields too */
				field = ll;
				dropping = false;
				if (ll > cap)
					keep = cap;
				ctype = is_content_type(ls, ll);
			}
			if (keep < ll) {
				dropping = true;
				clipped = true;
			} else if (ctype) { /* GMime takes boundary= from Content-Type only */
				boundary_note(st, bset, ls, ll);
			}
		}
		if (keep < ll && !out) {
			out = pd_arena_alloc(st->a, len + 1);
			memcpy(out, data, i);
			on = i;
		}
		if (out) {
			memcpy(out + on, ls, keep);
			on += keep;
			if (keep && keep < ll && keep == cap)
				out[on++] = '\n'; /* an over-long line cut: end it */
		}
		i += ll;
	}
	g_hash_table_destroy(bset);
	if (clipped)
		anomaly(st, "MIME_LIMIT_REACHED", "headers",
		        pd_arena_printf(st->a, "header field longer than %zu bytes cut before MIME parsing",
		                        st->lim->max_header_bytes));
	if (!out) {
		*lenp = len;
		return data;
	}
	if (on > len)
		on = len;
	out[on] = '\0';
	*lenp = on;
	return out;
}

static void release_gobject(void *p)
{
	g_object_unref(p);
}

void pd_msg_unframe(const char **data, size_t *len)
{
	const char *d = *data;
	size_t n = *len;
	if (n >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0) {
		d += 3;
		n -= 3;
	}
	if (n >= 5 && memcmp(d, "From ", 5) == 0) {
		const char *nl = memchr(d, '\n', n);
		size_t skip = nl ? (size_t)(nl - d) + 1 : n;
		d += skip;
		n -= skip;
	}
	*data = d;
	*len = n;
}

int pd_msg_parse(const struct pd_ctx *ctx, struct pd_arena *a, const char *data, size_t len,
                 const char *source, struct pd_msg **out, const char **err)
{
	struct pd_msg *m = pd_arena_alloc(a, sizeof *m);
	struct pstate st = { 0 };
	st.ctx = ctx;
	st.lim = &ctx->opt.limits;
	st.a = a;
	st.m = m;
	m->arena = a;
	/* a file name is attacker-chosen too (reported mail saved as is) */
	m->source = source ? pd_utf8_sanitize(a, source, strlen(source), NULL) : "";
	*out = m;
	if (len > st.lim->max_message_bytes) {
		anomaly(&st, "MIME_LIMIT_REACHED", "message",
		        pd_arena_printf(a, "message of %zu bytes cut at %zu", len, st.lim->max_message_bytes));
		len = st.lim->max_message_bytes;
	}
	pd_msg_unframe(&data, &len);
	m->size = len;
	if (st.lim->max_time_ms)
		st.deadline = g_get_monotonic_time() + (gint64)st.lim->max_time_ms * 1000;
	data = preclip(&st, data, &len);
	/* GMime gets the fields it uses and the body; we read all of them */
	struct pd_rawfield *fields = NULL;
	unsigned nfields = 0;
	size_t body_off = 0;
	bool split = pd_hdr_split(a, data, len, st.lim->max_headers, &fields, &nfields, &body_off);
	bool wanted = false;
	for (unsigned i = 0; split && i < nfields && !wanted; i++)
		wanted = pd_hdr_gmime_wants(fields[i].name);
	if (!wanted)
		fields = NULL; /* nothing GMime needs: let it see the message as is */
	GByteArray *gba = NULL; /* GMime's copy, when we build it ourselves */
	if (fields) {
		/* built in GLib memory that GMime's stream then owns: no second copy */
		char *g = g_malloc(len ? len : 1);
		st.segs = pd_arena_alloc(a, (nfields + 1) * sizeof *st.segs);
		size_t gn = 0;
		for (unsigned i = 0; i < nfields; i++) {
			if (!pd_hdr_gmime_wants(fields[i].name))
				continue;
			if (st.nsegs && st.segs[st.nsegs - 1].orig + st.segs[st.nsegs - 1].len == fields[i].off)
				st.segs[st.nsegs - 1].len += fields[i].len; /* adjacent: one segment */
			else
				st.segs[st.nsegs++] = (struct seg){ gn, fields[i].off, fields[i].len };
			memcpy(g + gn, data + fields[i].off, fields[i].len);
			gn += fields[i].len;
		}
		st.segs[st.nsegs++] = (struct seg){ gn, body_off, len - body_off };
		memcpy(g + gn, data + body_off, len - body_off);
		gba = g_byte_array_new_take((guint8 *)g, gn + len - body_off);
	}
	GMimeStream *stream = gba ? g_mime_stream_mem_new_with_byte_array(gba) : g_mime_stream_mem_new_with_buffer(data, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	g_mime_parser_set_respect_content_length(parser, FALSE);
	GMimeParserOptions *po = g_mime_parser_options_new();
	g_mime_parser_options_set_rfc2047_compliance_mode(po, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_address_compliance_mode(po, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(po, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_warning_callback(po, on_gmime_warning, &st);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, po);
	g_object_unref(parser);
	if (!msg) {
		g_mime_parser_options_free(po);
		*err = "not an e-mail message (no header block could be read)";
		return -1;
	}
	pd_arena_defer(a, release_gobject, msg);
	if (fields)
		read_split_headers(&st, fields, nfields, data, len);
	else
		read_headers(&st, GMIME_OBJECT(msg), data, len);
	if (!looks_like_mail(m) && !starts_with_mime_field(data, len)) {
		g_mime_parser_options_free(po);
		*err = "not an e-mail message (no mail header fields)";
		return -1;
	}
	GMimeMessage *use = msg;
	if (ctx->opt.unwrap_forwarded) {
		GMimeMessage *inner = forwarded_inner(msg);
		if (inner && g_mime_header_list_get_count(g_mime_object_get_header_list(GMIME_OBJECT(inner))) > 0) {
			/* keep the reporter's identity, then analyse the original */
			model_headers(&st);
			struct pd_addr of = m->from;
			const char *os = m->subject;
			m->nheaders = 0;
			m->nhops = 0;
			m->nauth = 0;
			m->nto = 0;
			m->from_count = 0;
			st.cap_hdrs = 0;
			m->headers = NULL;
			m->hops = NULL;
			m->auth = NULL;
			m->to = NULL;
			read_headers(&st, GMIME_OBJECT(inner), data, len);
			use = inner;
			m->forwarded = true;
			model_headers(&st);
			m->outer_from = of;
			m->outer_subject = os;
		}
	}
	if (!m->forwarded)
		model_headers(&st);
	GMimeObject *body = g_mime_message_get_mime_part(use);
	if (body)
		walk(&st, body, false);
	pd_fwdinline_apply(a, m);
	g_mime_parser_options_free(po);
	choose_recipient(&st);
	choose_origin(&st);
	return 0;
}
