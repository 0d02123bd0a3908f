/* acmatch.h - multi-pattern byte matcher (Aho-Corasick).
 *
 * Built once (pd_ctx_new) from a set of byte strings, then read-only and
 * safe to share between threads.  Scanning is one pass over the text,
 * O(text + matches); each match is reported with its pattern id and its
 * byte span.  Patterns are plain bytes: callers fold case, width and kana
 * before adding them and before scanning (base/fold.h). */
#ifndef PD_ACMATCH_H
#define PD_ACMATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pd_ac;

/* Empty matcher; never NULL (allocation failure aborts, as GLib does). */
struct pd_ac *pd_ac_new(void);
/* Add pattern p[0..n) with a caller id (n >= 1, at most 255 bytes; longer
 * or empty patterns are refused with -1).  Only before pd_ac_compile. */
int pd_ac_add(struct pd_ac *ac, const char *p, size_t n, unsigned id);
/* Compute failure links and freeze the automaton. */
void pd_ac_compile(struct pd_ac *ac);
unsigned pd_ac_npatterns(const struct pd_ac *ac);

/* Called for each match: pattern id and span text[start..end).  Return
 * false to stop the scan. */
typedef bool (*pd_ac_fn)(void *ud, unsigned id, size_t start, size_t end);
/* Scan text[0..n) (any bytes, NUL included). */
void pd_ac_scan(const struct pd_ac *ac, const char *text, size_t n, pd_ac_fn fn, void *ud);

/* One match as recorded by pd_ac_scan_pair. */
struct pd_ac_hit {
	uint32_t id, start, end;
};

/* Scan text[0..n) with two matchers at once (either may be NULL) and
 * record their matches, each list in the order pd_ac_scan would report
 * them.  The two state machines advance side by side, so each waits less
 * on its table loads.  hits[k] has room for cap entries; returns false
 * (lists incomplete) when a matcher has more matches than that, or for a
 * text of 4 GB or more. */
bool pd_ac_scan_pair(const struct pd_ac *const ac[2], const char *text, size_t n, struct pd_ac_hit *const hits[2],
                     size_t nhits[2], size_t cap);

void pd_ac_free(struct pd_ac *ac);

#endif
