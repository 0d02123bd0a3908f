/* render_links.h - link-forensics output helpers shared by the renderers
 * (render_links.c): JSON fields of a link, the worst-first order of the
 * links section, and the IOC list printed by --iocs. */
#ifndef PD_RENDER_LINKS_H
#define PD_RENDER_LINKS_H

#include "report/jsonw.h"
#include "report/report.h"

/* Write userinfo, port, lookalike_of, flags (names of the PD_URLF_* bits)
 * and the unwrapped layers into the open JSON object of a link. */
void pd_json_link_forensics(struct pd_arena *a, struct pd_jw *w, const struct pd_url *u);
/* Indices of r->msg->urls, the link with the heaviest findings first
 * (ties in message order).  *out in the arena; returns the count. */
unsigned pd_links_worst_first(struct pd_arena *a, const struct pd_report *r, unsigned **out);

#endif
