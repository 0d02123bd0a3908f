/* fwdinline.h - a mail forwarded inline: the original's From, Date and
 * Subject quoted as a header block at the top of the forwarder's text
 * ("---------- Forwarded message ---------", "-----Original Message-----",
 * "Begin forwarded message:", Outlook's "From: / Sent: / To: / Subject:"
 * block, its localised forms, Japanese "転送" blocks).  Pure text
 * scanning, no allocation: the result is offsets into the text.  Bounded:
 * only the first FWD_SCAN_BYTES / FWD_SCAN_LINES of the text are read. */
#ifndef PD_FWDINLINE_H
#define PD_FWDINLINE_H

#include <stdbool.h>
#include <stddef.h>

#define PD_FWD_SCAN_BYTES 8192
#define PD_FWD_SCAN_LINES 80

struct pd_fwdinline {
	size_t block;                 /* offset of the first quoted header line */
	size_t end;                   /* offset just after the last one: the quoted body */
	unsigned line;                /* its 1-based line number in the text */
	size_t from_off, from_len;    /* value of the From-like line (may be empty) */
	size_t subject_off, subject_len;
	size_t date_off, date_len;
	bool marker;                  /* a forward marker line was seen */
};

/* Does the subject say "forwarded" (Fw:, Fwd:, FW:, 転送:, WG:, TR:, RV:,
 * Enc:, I:, Doorst:, VS:, ... possibly after "[list]" tags)? */
bool pd_fwd_subject(const char *subject);

/* Find an inline-forwarded header block near the top of text[0..len)
 * (NUL not needed).  fwd_subject: the outer Subject is a forward subject;
 * without it, only a forward marker line that says "forwarded" opens a
 * block ("Original Message" alone is also how replies quote).  Needs a
 * From-like line and a Date- or Subject-like line (all three when no
 * marker line was seen).  Returns true and fills *out when found. */
bool pd_fwdinline_find(const char *text, size_t len, bool fwd_subject, struct pd_fwdinline *out);

/* Fill the model's fwd_* fields from the first text part that is not an
 * attachment (nothing for a mail forwarded as an attachment). */
struct pd_arena;
struct pd_msg;
void pd_fwdinline_apply(struct pd_arena *a, struct pd_msg *m);

#endif
