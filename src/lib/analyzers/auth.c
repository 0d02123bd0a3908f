/* auth.c - SPF, DKIM and DMARC as recorded by the receiving side.
 *
 * Only results the recipient's own servers wrote count: those whose
 * authserv-id is the configured one (--authserv-id), or by default the
 * authserv-id of the topmost Authentication-Results header.  Anything
 * below may have been written by the sender.  Received-SPF is used only
 * when no trusted Authentication-Results header carries SPF, and then
 * only the topmost one.  Alignment is relaxed (RFC 7489): same
 * registrable domain. */
#include <string.h>

#include "analyzers/analyzers.h"
#include "base/text.h"
#include "mail/authres.h"
#include "mail/parse.h"
#include "net/domain.h"


static const char *trusted_id(const struct pd_ctx *ctx, const struct pd_msg *m)
{
	if (ctx->authserv_id)
		return ctx->authserv_id;
	for (unsigned i = 0; i < m->nauth; i++)
		if (m->auth[i].source == PD_AUTH_AR && m->auth[i].header_index == 0)
			return m->auth[i].authserv_id;
	return NULL;
}

static const char *where_auth(struct pd_report *r, const struct pd_msg *m, const struct pd_authres *ar)
{
	const char *name = ar->source == PD_AUTH_AR ? "Authentication-Results"
	                 : ar->source == PD_AUTH_ARC_AR ? "ARC-Authentication-Results" : "Received-SPF";
	unsigned seen = 0;
	for (unsigned i = 0; i < m->nheaders; i++)
		if (pd_strieq(m->headers[i].name, name) && seen++ == ar->header_index)
			return pd_arena_printf(r->arena, "%s #%u (line %u)", name, ar->header_index + 1,
			                       m->headers[i].line);
	return name;
}

static void spf_finding(struct pd_report *r, const struct pd_msg *m, const struct pd_authres *ar,
                        const struct pd_auth_method *me, const char *fromreg)
{
	const char *mf = pd_auth_prop(me, "smtp", "mailfrom");
	if (!mf)
		mf = pd_auth_prop(me, "smtp", "helo");
	/* SPF speaks for the envelope domain: it matters for the From domain
	 * when they are the same (or the envelope is unknown) */
	if (mf && *fromreg && strcmp(pd_registrable_of(r, mf), fromreg) != 0)
		return;
	enum pd_fid id = strcmp(me->result, "fail") == 0 ? PD_F_AUTH_SPF_FAIL
	               : strcmp(me->result, "softfail") == 0 ? PD_F_AUTH_SPF_SOFTFAIL : PD_F_COUNT;
	if (id == PD_F_COUNT)
		return;
	pd_emitd(r, id, where_auth(r, m, ar), pd_arena_printf(r->arena, "spf=%s", me->result),
	         PD_D_ENVELOPE_SENDER, mf ? mf : "(not recorded)");
}

void pd_an_auth(const struct pd_ctx *ctx, const struct pd_msg *m, struct pd_report *r)
{
	const char *id = trusted_id(ctx, m);
	const char *fromreg = pd_from_domain(r, m);
	bool any = false, have_spf = false, aligned = false, dkim_pass_other = false;
	const char *dkim_other = NULL;
	const struct pd_authres *dmarc_fail = NULL, *dkim_fail = NULL;
	const char *dmarc_from = NULL, *dkim_fail_d = NULL;
	for (unsigned i = 0; i < m->nauth; i++) {
		const struct pd_authres *ar = &m->auth[i];
		if (ar->source != PD_AUTH_AR || !id || strcmp(ar->authserv_id, id) != 0)
			continue;
		for (unsigned k = 0; k < ar->nmethods; k++) {
			const struct pd_auth_method *me = &ar->methods[k];
			any = true;
			if (strcmp(me->method, "dmarc") == 0) {
				if (strcmp(me->result, "fail") == 0) {
					const char *hf = pd_auth_prop(me, "header", "from");
					dmarc_fail = ar;
					dmarc_from = hf ? hf : m->from.domain;
				} else if (strcmp(me->result, "pass") == 0) {
					const char *hf = pd_auth_prop(me, "header", "from");
					if (!hf || !*fromreg || strcmp(pd_registrable_of(r, hf), fromreg) == 0)
						aligned = true;
				}
			} else if (strcmp(me->method, "spf") == 0) {
				have_spf = true;
				spf_finding(r, m, ar, me, fromreg);
			} else if (strcmp(me->method, "dkim") == 0) {
				const char *d = pd_auth_prop(me, "header", "d");
				if (!d)
					d = pd_auth_prop(me, "header", "i");
				if (strcmp(me->result, "fail") == 0) {
					dkim_fail = ar;
					dkim_fail_d = d ? d : "?";
				} else if (strcmp(me->result, "pass") == 0 && d) {
					if (*fromreg && strcmp(pd_registrable_of(r, d), fromreg) == 0)
						aligned = true;
					else {
						dkim_pass_other = true;
						dkim_other = d;
					}
				}
			}
		}
	}
	if (!have_spf) {
		for (unsigned i = 0; i < m->nauth; i++) {
			const struct pd_authres *ar = &m->auth[i];
			if (ar->source != PD_AUTH_RECEIVED_SPF || ar->header_index != 0 || !ar->nmethods)
				continue;
			any = true;
			spf_finding(r, m, ar, &ar->methods[0], fromreg);
		}
	}
	/* A mailing list that rewrites the body breaks the author's signature
	 * and so DMARC; the list re-signs with its own domain.  With List-Id
	 * and a passing signature of another domain, the failures are the
	 * list's doing, not a forgery. */
	bool list_modified = (dmarc_fail || dkim_fail) && dkim_pass_other && pd_msg_header(m, "List-Id", 0);
	if (list_modified) {
		pd_emitd(r, PD_F_AUTH_LIST_MODIFIED, where_auth(r, m, dmarc_fail ? dmarc_fail : dkim_fail),
		         dmarc_fail ? "dmarc=fail" : "dkim=fail", PD_D_SIGNING_DOMAIN, dkim_other);
	} else {
		if (dmarc_fail)
			pd_emitd(r, PD_F_AUTH_DMARC_FAIL, where_auth(r, m, dmarc_fail), "dmarc=fail", PD_D_HEADER_FROM,
			         dmarc_from);
		if (dkim_fail)
			pd_emitd(r, PD_F_AUTH_DKIM_FAIL, where_auth(r, m, dkim_fail), "dkim=fail", PD_D_SIGNING_DOMAIN,
			         dkim_fail_d);
	}
	if (aligned)
		pd_emit(r, PD_F_AUTH_ALIGNED_PASS, "Authentication-Results", m->from.domain);
	else if (dkim_pass_other && !list_modified)
		pd_emitd(r, PD_F_AUTH_DKIM_NOT_ALIGNED, "Authentication-Results", dkim_other,
		         PD_D_FROM_DOMAIN, m->from.domain);
	if (!any)
		pd_emit(r, PD_F_AUTH_NONE, "Authentication-Results", "");
	if (!id && m->nauth)
		pd_report_status(r, "auth", "partial: no trusted Authentication-Results header");
}
