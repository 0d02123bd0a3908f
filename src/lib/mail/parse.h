/* parse.h - build the message model from raw bytes (the only module that
 * talks to GMime). */
#ifndef PD_PARSE_H
#define PD_PARSE_H

#include "ctx.h"
#include "mail/model.h"

/* Parse data[0..len) into *out (arena-owned).  Anomalies and limits hit
 * are recorded in msg->anomalies.  Returns 0, or -1 if the bytes are not
 * a mail message at all (*err says why). */
/* Skip the framing before a message's header: a UTF-8 byte-order mark and
 * an mbox "From " separator line (pd_msg_parse does this itself). */
void pd_msg_unframe(const char **data, size_t *len);

int pd_msg_parse(const struct pd_ctx *ctx, struct pd_arena *a, const char *data, size_t len,
                 const char *source, struct pd_msg **out, const char **err);

/* Header lookup helpers on the model. */
const struct pd_header *pd_msg_header(const struct pd_msg *m, const char *name, unsigned nth);
unsigned pd_msg_header_count(const struct pd_msg *m, const char *name);

#endif
