/* sender.c - the From line and its neighbours: display name vs address,
 * Reply-To / Return-Path / Sender domains, free-mail senders, Message-ID
 * and Date sanity.  Domains are compared by registrable domain (PSL), so
 * mail.example.co.jp and example.co.jp are the same sender. */
#include <string.h>

#include "analyzers/analyzers.h"
#include "base/text.h"
#include "mail/parse.h"
#include "net/domain.h"

static const char *reg(struct pd_report *r, const char *domain)
{
	if (!domain || !*domain)
		return "";
	const char *d = pd_domain_registrable(r->arena, r->ctx->psl, domain);
	return *d ? d : domain;
}

/* Look for an address or host name inside the display name. */
static void check_display(const struct pd_ctx *ctx, const struct pd_msg *m, struct pd_report *r,
                          const char *fromreg)
{
	const char *d = m->from.display;
	size_t n = strlen(d);
	const char *where = pd_where_header(r, m, "From");
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
			if (!pd_strieq(addr, m->from.addr))
				pd_emitd(r, PD_F_SENDER_DISPLAY_NAME_ADDRESS, where, addr, PD_D_REAL_ADDRESS, m->from.addr);
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
				pd_detail(r, f, PD_D_REAL_DOMAIN, m->from.domain);
			}
		}
	}
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

void pd_an_sender(const struct pd_ctx *ctx, const struct pd_msg *m, struct pd_report *r)
{
	const char *fwhere = pd_where_header(r, m, "From");
	if (!m->from.valid) {
		pd_emit(r, PD_F_SENDER_NO_FROM, fwhere, *m->from.addr ? m->from.addr : m->from.display);
	}
	if (m->from_count > 1 || pd_msg_header_count(m, "From") > 1)
		pd_emitd(r, PD_F_SENDER_MULTIPLE_FROM, fwhere, m->from.addr, PD_D_MAILBOXES, m->from_count);
	const char *fromreg = pd_from_domain(r, m);
	if (*m->from.display)
		check_display(ctx, m, r, fromreg);
	bool from_free = pd_is_freemail(ctx, m->from.domain);
	if (from_free)
		pd_emit(r, PD_F_SENDER_FREEMAIL, fwhere, m->from.addr);
	if (m->reply_to.valid && *fromreg) {
		const char *rr = reg(r, m->reply_to.domain);
		if (strcmp(rr, fromreg) != 0) {
			const char *w = pd_where_header(r, m, "Reply-To");
			if (pd_is_freemail(ctx, m->reply_to.domain) && !from_free)
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
}
