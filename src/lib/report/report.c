/* report.c - collecting findings and computing the verdict.
 *
 * Score = sum of finding weights, where the positive contribution of each
 * group is capped (data/weights.conf "cap.GROUP") so that many weak facts
 * of one kind cannot outvote everything else; negative weights (evidence
 * of legitimacy) are summed uncapped.  Thresholds decide the verdict.
 * Bounded: at most MAX_FINDINGS findings per message. */
#include "report/report.h"

#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "ctx.h"

#define MAX_FINDINGS 512

struct pd_finding *pd_emit(struct pd_report *r, enum pd_fid id, const char *where,
                           const char *value)
{
	if (!value)
		value = "";
	if (!where)
		where = "";
	for (unsigned i = 0; i < r->nfindings; i++)
		if (r->findings[i].id == id && strcmp(r->findings[i].value, value) == 0)
			return NULL;
	if (r->nfindings >= MAX_FINDINGS)
		return NULL;
	if (r->nfindings == r->cap) {
		unsigned ncap = r->cap ? r->cap * 2 : 16;
		r->findings = pd_arena_realloc(r->arena, r->findings,
		                               r->cap * sizeof *r->findings, ncap * sizeof *r->findings);
		r->cap = ncap;
	}
	struct pd_finding *f = &r->findings[r->nfindings++];
	memset(f, 0, sizeof *f);
	f->id = id;
	size_t vn = strlen(value);
	if (vn > 2048)
		vn = 2048;
	f->value = pd_utf8_sanitize(r->arena, value, vn, NULL);
	f->where = pd_arena_strdup(r->arena, where);
	f->detail = "";
	f->detail_ja = "";
	return f;
}

struct pd_finding *pd_emitf(struct pd_report *r, enum pd_fid id, const char *where,
                            const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *v = pd_arena_vprintf(r->arena, fmt, ap);
	va_end(ap);
	return pd_emit(r, id, where, v);
}

bool pd_report_has(const struct pd_report *r, enum pd_fid id)
{
	for (unsigned i = 0; i < r->nfindings; i++)
		if (r->findings[i].id == id)
			return true;
	return false;
}

void pd_report_status(struct pd_report *r, const char *analyzer, const char *status)
{
	for (unsigned i = 0; i < r->nstatus; i++)
		if (strcmp(r->status[i].name, analyzer) == 0) {
			r->status[i].status = pd_arena_strdup(r->arena, status);
			return;
		}
	if (r->nstatus < sizeof r->status / sizeof r->status[0]) {
		r->status[r->nstatus].name = analyzer;
		r->status[r->nstatus].status = pd_arena_strdup(r->arena, status);
		r->nstatus++;
	}
}

static int cmp_finding(const void *pa, const void *pb)
{
	const struct pd_finding *a = pa, *b = pb;
	if (a->weight != b->weight)
		return a->weight < b->weight ? 1 : -1;
	if (pd_catalog[a->id].severity != pd_catalog[b->id].severity)
		return pd_catalog[a->id].severity < pd_catalog[b->id].severity ? 1 : -1;
	return (int)a->id - (int)b->id;
}

static bool has_any(const struct pd_report *r, const enum pd_fid *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (pd_report_has(r, ids[i]))
			return true;
	return false;
}

static enum pd_category categorise(const struct pd_report *r)
{
	static const enum pd_fid malware[] = { PD_F_ATTACH_EXECUTABLE, PD_F_ATTACH_DOUBLE_EXTENSION,
		PD_F_ATTACH_MACRO_DOCUMENT };
	static const enum pd_fid cred[] = { PD_F_CONTENT_PASSWORD_FIELD, PD_F_CONTENT_HTML_FORM,
		PD_F_ATTACH_HTML, PD_F_LINK_RECIPIENT_IN_URL, PD_F_LINK_TEXT_HREF_MISMATCH,
		PD_F_LINK_SENDER_DOMAIN_IN_PATH, PD_F_LINK_USERINFO, PD_F_CONTENT_LURE_CREDENTIALS,
		PD_F_BRAND_LINKS_ELSEWHERE };
	static const enum pd_fid spoof[] = { PD_F_AUTH_DMARC_FAIL, PD_F_AUTH_SPF_FAIL,
		PD_F_ROUTE_ORIGIN_CLOUD, PD_F_ROUTE_HELO_LOOPBACK, PD_F_SENDER_DISPLAY_NAME_ADDRESS,
		PD_F_BRAND_SPOOFED_OWN_DOMAIN, PD_F_BRAND_FROM_NOT_BRAND, PD_F_BRAND_LOOKALIKE_SENDER };
	bool no_links = r->msg && r->msg->nurls == 0;
	if (has_any(r, malware, sizeof malware / sizeof *malware))
		return PD_CAT_MALWARE;
	/* an executive asking for money, or a transfer request without links */
	if (pd_report_has(r, PD_F_BRAND_BEC_EXECUTIVE) ||
	    (no_links && pd_report_has(r, PD_F_CONTENT_LURE_BEC)))
		return PD_CAT_BEC;
	if (has_any(r, cred, sizeof cred / sizeof *cred))
		return PD_CAT_CREDENTIAL;
	/* winnings and rewards without a credential trap: a scam */
	if (pd_report_has(r, PD_F_CONTENT_LURE_PRIZE) && !pd_report_has(r, PD_F_CONTENT_LURE_MAILBOX))
		return PD_CAT_SCAM;
	if (r->msg && r->msg->nurls > 0 && pd_report_has(r, PD_F_CONTENT_LURE_MAILBOX))
		return PD_CAT_CREDENTIAL;
	if (r->msg && r->msg->nurls > 0 && pd_report_has(r, PD_F_CONTENT_LURE_URGENCY))
		return PD_CAT_CREDENTIAL;
	if (r->msg && r->msg->nurls == 0 &&
	    (pd_report_has(r, PD_F_SENDER_REPLY_TO_FREEMAIL) || pd_report_has(r, PD_F_SENDER_REPLY_TO_MISMATCH)))
		return PD_CAT_BEC;
	if (has_any(r, spoof, sizeof spoof / sizeof *spoof))
		return PD_CAT_SPOOFING;
	return PD_CAT_SUSPICIOUS_OTHER;
}

void pd_report_finish(struct pd_report *r)
{
	const struct pd_ctx *ctx = r->ctx;
	double pos[PD_G_COUNT] = { 0 };
	double neg = 0;
	bool counted[PD_F_COUNT] = { false };
	for (unsigned i = 0; i < r->nfindings; i++) {
		struct pd_finding *f = &r->findings[i];
		double w = ctx->weight[f->id];
		/* the same finding on several links or hops is more evidence of
		 * one fact, not several facts: it counts once */
		if (counted[f->id]) {
			f->weight = 0;
			continue;
		}
		counted[f->id] = true;
		enum pd_group g = pd_catalog[f->id].group;
		if (w < 0) {
			neg += w;
			f->weight = w;
			continue;
		}
		double room = ctx->group_cap[g] - pos[g];
		if (room < 0)
			room = 0;
		f->weight = w < room ? w : room;
		pos[g] += f->weight;
	}
	double score = neg;
	for (int g = 0; g < PD_G_COUNT; g++)
		score += pos[g];
	if (score < 0)
		score = 0;
	r->score = score;
	if (score >= ctx->thr_phishing)
		r->verdict = PD_VERDICT_PHISHING;
	else if (score >= ctx->thr_suspicious)
		r->verdict = PD_VERDICT_SUSPICIOUS;
	else
		r->verdict = PD_VERDICT_CLEAN;
	r->category = r->verdict == PD_VERDICT_CLEAN ? PD_CAT_NONE : categorise(r);
	if (r->nfindings > 1)
		qsort(r->findings, r->nfindings, sizeof *r->findings, cmp_finding);
}

const char *pd_category_name(enum pd_category c)
{
	switch (c) {
	case PD_CAT_NONE: return "none";
	case PD_CAT_CREDENTIAL: return "credential-phishing";
	case PD_CAT_BEC: return "bec-payment-fraud";
	case PD_CAT_SCAM: return "scam";
	case PD_CAT_MALWARE: return "malware-delivery";
	case PD_CAT_SPOOFING: return "sender-spoofing";
	case PD_CAT_SUSPICIOUS_OTHER: return "suspicious";
	}
	return "?";
}

const char *pd_category_label(enum pd_category c, enum pd_lang lang)
{
	bool ja = lang == PD_LANG_JA;
	switch (c) {
	case PD_CAT_NONE: return ja ? "なし" : "none";
	case PD_CAT_CREDENTIAL: return ja ? "認証情報の詐取（フィッシング）" : "credential phishing";
	case PD_CAT_BEC: return ja ? "ビジネスメール詐欺・送金詐欺" : "business e-mail compromise / payment fraud";
	case PD_CAT_SCAM: return ja ? "詐欺" : "scam";
	case PD_CAT_MALWARE: return ja ? "マルウェア配布" : "malware delivery";
	case PD_CAT_SPOOFING: return ja ? "差出人のなりすまし" : "sender spoofing";
	case PD_CAT_SUSPICIOUS_OTHER: return ja ? "不審なメール" : "suspicious mail";
	}
	return "?";
}

enum pd_verdict pd_report_verdict(const struct pd_report *r)
{
	return r->verdict;
}

double pd_report_score(const struct pd_report *r)
{
	return r->score;
}

const char *pd_verdict_name(enum pd_verdict v)
{
	switch (v) {
	case PD_VERDICT_CLEAN: return "clean";
	case PD_VERDICT_SUSPICIOUS: return "suspicious";
	case PD_VERDICT_PHISHING: return "phishing";
	}
	return "?";
}

static const struct { const char *en, *ja; } details[PD_D_COUNT] = {
#define X(id, en, ja) { en, ja },
#include "report/details.def"
#undef X
};

/* A name given in both languages (pd_bilingual) keeps the one of the
 * detail being written: "\x1eEN\x1fJA\x1e" becomes EN or JA, in place. */
static char *pick_lang(char *s, bool ja)
{
	if (!strchr(s, '\x1e'))
		return s; /* most details name no brand */
	char *o = s;
	for (const char *p = s; *p;) {
		const char *sep, *end;
		if (*p == '\x1e' && (sep = strchr(p + 1, '\x1f')) != NULL && (end = strchr(sep + 1, '\x1e')) != NULL &&
		    !memchr(p + 1, '\x1e', (size_t)(sep - p - 1))) {
			const char *from = ja ? sep + 1 : p + 1, *to = ja ? end : sep;
			memmove(o, from, (size_t)(to - from));
			o += to - from;
			p = end + 1;
			continue;
		}
		*o++ = *p++;
	}
	*o = '\0';
	return s;
}

const char *pd_bilingual(struct pd_arena *a, const char *en, const char *ja)
{
	if (!ja || !*ja || strcmp(en, ja) == 0 || strchr(en, '\x1e') || strchr(en, '\x1f') || strchr(ja, '\x1e') ||
	    strchr(ja, '\x1f'))
		return en;
	return pd_arena_printf(a, "\x1e%s\x1f%s\x1e", en, ja);
}

/* The formats come from the table above, which the compiler cannot check
 * against the call site: details.def documents the arguments. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void vdetail(struct pd_report *r, struct pd_finding *f, enum pd_detail d, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	char *en = pick_lang(pd_arena_vprintf(r->arena, details[d].en, ap), false);
	char *ja = pick_lang(pd_arena_vprintf(r->arena, details[d].ja, ap2), true);
	va_end(ap2);
	f->detail = pd_utf8_sanitize(r->arena, en, strlen(en), NULL);
	f->detail_ja = pd_utf8_sanitize(r->arena, ja, strlen(ja), NULL);
}
#pragma GCC diagnostic pop

void pd_detail(struct pd_report *r, struct pd_finding *f, enum pd_detail d, ...)
{
	if (!f)
		return;
	va_list ap;
	va_start(ap, d);
	vdetail(r, f, d, ap);
	va_end(ap);
}

struct pd_finding *pd_emitd(struct pd_report *r, enum pd_fid id, const char *where,
                            const char *value, enum pd_detail d, ...)
{
	struct pd_finding *f = pd_emit(r, id, where, value);
	if (!f)
		return NULL;
	va_list ap;
	va_start(ap, d);
	vdetail(r, f, d, ap);
	va_end(ap);
	return f;
}
