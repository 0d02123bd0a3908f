/* jsonw.h - a streaming JSON writer for the machine report.
 *
 * Writes straight into an arena buffer, in one pass, with no object tree:
 * the report's shape is fixed by the renderer's call order.  The bytes are
 * exactly what json-c prints for the same document with
 * JSON_C_TO_STRING_NOSLASHESCAPE and either JSON_C_TO_STRING_PLAIN or
 * JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED (tests/unit/test_jsonw.c
 * checks that on random documents), so reports did not change when the
 * renderer moved off json-c, which cost 12.5 % of the whole analysis.
 *
 * Keys and string values must be valid UTF-8 (the model is sanitised);
 * the writer escapes '"', '\\' and every byte below 0x20, so the output is
 * valid JSON for any such input.  Containers nest at most PD_JW_MAX_DEPTH
 * deep; deeper begins are a programming error and abort.
 *
 * In an object every value takes a key; in an array key must be NULL. */
#ifndef PD_JSONW_H
#define PD_JSONW_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"

#define PD_JW_MAX_DEPTH 16

struct pd_jw {
	struct pd_arena *a;
	char *p;                           /* output so far, n bytes of cap */
	size_t n, cap;
	int pretty;
	int depth;                         /* open containers */
	bool has[PD_JW_MAX_DEPTH + 1];     /* container at depth d has a member */
};

void pd_jw_init(struct pd_jw *w, struct pd_arena *a, int pretty);
void pd_jw_obj(struct pd_jw *w, const char *key);   /* begin an object */
void pd_jw_arr(struct pd_jw *w, const char *key);   /* begin an array */
void pd_jw_end_obj(struct pd_jw *w);
void pd_jw_end_arr(struct pd_jw *w);
void pd_jw_str(struct pd_jw *w, const char *key, const char *v); /* NULL -> "" */
void pd_jw_int(struct pd_jw *w, const char *key, int64_t v);
void pd_jw_bool(struct pd_jw *w, const char *key, bool v);
void pd_jw_null(struct pd_jw *w, const char *key);
/* A number already printed (e.g. "8.94"): written as is. */
void pd_jw_raw_num(struct pd_jw *w, const char *key, const char *text);
/* The document, NUL-terminated, in the arena. */
const char *pd_jw_done(struct pd_jw *w);

#endif
