/* structure.c - the MIME tree: parser anomalies and limits (recorded by
 * the parser under finding ids), forwarded originals (attached or
 * quoted inline), mislabelled
 * charsets, and attachments by type (data/attachments.txt). */
#include <string.h>

#include "analyzers/analyzers.h"
#include "base/text.h"

static const char *ext_kind(const struct pd_ctx *ctx, struct pd_arena *a, const char *name,
                            const char **ext_out, const char **prev_kind)
{
	*prev_kind = NULL;
	*ext_out = "";
	const char *dot = strrchr(name, '.');
	if (!dot || !dot[1] || strlen(dot + 1) > 12)
		return NULL;
	char *ext = pd_ascii_lower(a, dot + 1, strlen(dot + 1));
	/* trailing spaces or dots are stripped by Windows */
	size_t el = strlen(ext);
	while (el && (ext[el - 1] == ' ' || ext[el - 1] == '.'))
		ext[--el] = '\0';
	*ext_out = ext;
	const char *kind = g_hash_table_lookup(ctx->attach_ext, ext);
	/* the extension before it: "invoice.pdf.exe" */
	const char *p = dot;
	const char *q = p;
	while (q > name && q[-1] != '.')
		q--;
	if (q > name && (size_t)(p - q) <= 8) {
		char *pe = pd_ascii_lower(a, q, (size_t)(p - q));
		*prev_kind = g_hash_table_lookup(ctx->attach_ext, pe);
		if (!*prev_kind && (strcmp(pe, "pdf") == 0 || strcmp(pe, "jpg") == 0 || strcmp(pe, "png") == 0 ||
		                    strcmp(pe, "txt") == 0))
			*prev_kind = "document";
	}
	return kind;
}

void pd_an_structure(const struct pd_ctx *ctx, const struct pd_msg *m, struct pd_report *r)
{
	if (m->forwarded)
		pd_emitd(r, PD_F_MIME_FORWARDED, "message/rfc822", m->outer_from.addr, PD_D_REPORTED_WITH,
		         m->outer_subject);
	if (m->fwd_inline)
		pd_emitd(r, PD_F_MIME_FORWARDED_INLINE, pd_where_part(r, m, m->fwd_part),
		         *m->fwd_from.addr ? m->fwd_from.addr : m->fwd_from.display, PD_D_FORWARDED_INLINE, m->fwd_line,
		         *m->from.addr ? m->from.addr : m->from.display, m->fwd_subject);
	for (unsigned i = 0; i < m->nanomalies; i++) {
		const struct pd_anomaly *an = &m->anomalies[i];
		int id = pd_fid_lookup(an->code);
		if (id < 0)
			continue;
		pd_emit(r, (enum pd_fid)id, an->where, an->detail);
		if (id == PD_F_MIME_LIMIT_REACHED)
			r->partial = true;
	}
	for (unsigned i = 0; i < m->nparts; i++) {
		const struct pd_part *p = &m->parts[i];
		const char *where = pd_where_part(r, m, i);
		if (p->flags & PD_PART_CHARSET_MISLABELLED)
			pd_emitd(r, PD_F_MIME_CHARSET_MISLABELLED, where, p->charset_declared, PD_D_DECODED_AS,
			         p->charset_used);
		if (!(p->flags & PD_PART_ATTACHMENT) || !*p->filename)
			continue;
		const char *ext, *prev;
		const char *kind = ext_kind(ctx, r->arena, p->filename, &ext, &prev);
		if (!kind)
			continue;
		if (strcmp(kind, "executable") == 0) {
			if (prev && strcmp(prev, "executable") != 0)
				pd_emit(r, PD_F_ATTACH_DOUBLE_EXTENSION, where, p->filename);
			pd_emitd(r, PD_F_ATTACH_EXECUTABLE, where, p->filename, PD_D_TYPE_SIZE, ext, p->size);
		} else if (strcmp(kind, "html") == 0) {
			pd_emitd(r, PD_F_ATTACH_HTML, where, p->filename, PD_D_SIZE, p->size);
		} else if (strcmp(kind, "macro") == 0) {
			pd_emitd(r, PD_F_ATTACH_MACRO_DOCUMENT, where, p->filename, PD_D_TYPE, ext);
		} else if (strcmp(kind, "archive") == 0) {
			pd_emitd(r, PD_F_ATTACH_ARCHIVE, where, p->filename, PD_D_TYPE, ext);
		}
	}
	if (!ctx->freemail)
		pd_report_status(r, "sender", "partial: free-mail list not installed (run scripts/fetch-data)");
}
