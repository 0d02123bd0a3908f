/* arena.h - per-message bump allocator.
 *
 * Every object built while analysing one message (the model, findings,
 * rendered output) lives in one arena and is released by one call.
 * Allocation failure aborts (as GLib does); real bounds on hostile input
 * come from struct pd_limits, not from running out of memory.
 * Foreign objects (GMime, ICU) are released through pd_arena_defer().
 */
#ifndef PD_ARENA_H
#define PD_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct pd_arena;

/* New arena; chunk is the default block size (0 = 64 KiB). Never NULL. */
struct pd_arena *pd_arena_new(size_t chunk);
/* Run deferred releases, free every block. NULL is a no-op. */
void pd_arena_free(struct pd_arena *a);
/* Run deferred releases and forget all allocations but keep the first
 * block, so the next message reuses it. */
void pd_arena_reset(struct pd_arena *a);

/* Zeroed, 16-byte aligned memory owned by the arena. */
void *pd_arena_alloc(struct pd_arena *a, size_t n);
/* The same, not zeroed: for buffers the caller fills (and NUL-terminates)
 * itself; zeroing them first was 4 % of the analysis. */
void *pd_arena_alloc_raw(struct pd_arena *a, size_t n);
/* Same for an array; aborts on multiplication overflow. */
void *pd_arena_calloc(struct pd_arena *a, size_t count, size_t size);
/* Grow an array obtained from this arena (copying); old contents kept. */
void *pd_arena_realloc(struct pd_arena *a, void *old, size_t old_n, size_t new_n);
/* Copy of p[0..n) with a terminating NUL (embedded NULs are kept). */
char *pd_arena_strndup(struct pd_arena *a, const char *p, size_t n);
char *pd_arena_strdup(struct pd_arena *a, const char *s);
char *pd_arena_printf(struct pd_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *pd_arena_vprintf(struct pd_arena *a, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Call fn(data) when the arena is reset or freed (LIFO order). */
void pd_arena_defer(struct pd_arena *a, void (*fn)(void *), void *data);

/* Bytes handed out since creation or the last reset (for limits, stats). */
size_t pd_arena_used(const struct pd_arena *a);

/* A growable byte buffer in an arena with a hard maximum.  Appends past
 * max are cut and set .truncated; the content is always NUL-terminated. */
struct pd_buf {
	struct pd_arena *a;
	char *p;
	size_t n, cap, max;
	int truncated;
};
void pd_buf_init(struct pd_buf *b, struct pd_arena *a, size_t max);
/* 0 on success, -1 if (part of) the data did not fit under max. */
int pd_buf_add(struct pd_buf *b, const void *p, size_t n);
int pd_buf_addc(struct pd_buf *b, char c);
int pd_buf_adds(struct pd_buf *b, const char *s);
int pd_buf_printf(struct pd_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
