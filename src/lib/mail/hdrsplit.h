/* hdrsplit.h - the top-level header block split into fields, as GMime
 * splits it, for the plain blocks that are nearly all real mail.
 *
 * Why: GMime builds a GObject per header field and, because we ask for
 * parser warnings, decodes every field's value (RFC 2047 and charset) as
 * it is added.  For the long Received / DKIM / ARC / X-MS-* blocks of
 * real mail that was a fifth of all instructions (callgrind, first 400
 * phishing_pot files), for fields we read raw with our own parsers
 * anyway.  parse.c now reads the top-level fields from this split and
 * hands GMime only the fields it has a use for (MIME framing, the
 * RFC 5322 single fields whose conflicts it warns about, the address
 * fields whose syntax it checks): see pd_hdr_gmime_wants().
 *
 * The split is only made when the block is plain: every line is a field
 * "name:" (name of printable ASCII without ':', spaces or tabs allowed
 * only before the colon) or a continuation line (leading space or tab,
 * not only white space), no NUL, no CR except before LF, ended by an
 * empty line.  Anything else - an invalid name, a line without a colon,
 * a block running to the end of the data, more than max_fields fields -
 * returns false and parse.c gives GMime the whole message, as before, so
 * malformed mail is judged by exactly the same parser as always.
 * tests/hdr_diff.c checks on every message of ../shared that a split,
 * when made, equals GMime's own header list field for field. */
#ifndef PD_HDRSPLIT_H
#define PD_HDRSPLIT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"

struct pd_rawfield {
	const char *name;   /* as written, trailing blanks removed (NUL-terminated copy) */
	const char *raw;    /* everything after the colon, line ends included (copy) */
	size_t off, len;    /* the field's bytes in the data: [off, off + len) */
};

/* Split data[0..len) if plain (see above).  On true: *fields (arena) and
 * *n hold the fields, *body_off is the offset of the empty line that
 * ends the block. */
bool pd_hdr_split(struct pd_arena *a, const char *data, size_t len, unsigned max_fields,
                  struct pd_rawfield **fields, unsigned *n, size_t *body_off);

/* Does GMime need this top-level field?  Content-*, MIME-Version, From,
 * To, Cc, Bcc, Reply-To, Sender, Subject, Date, Message-ID, In-Reply-To,
 * References and Resent-*. */
bool pd_hdr_gmime_wants(const char *name);

#endif
