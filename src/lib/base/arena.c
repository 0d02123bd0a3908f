/* arena.c - bump allocator with deferred releases; see arena.h. */
#include "base/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct block {
	struct block *next;
	size_t size, used;
	max_align_t data[]; /* payload follows, aligned */
};

struct deferred {
	struct deferred *next;
	void (*fn)(void *);
	void *data;
};

struct pd_arena {
	struct block *head;  /* current block (most recent) */
	struct block *first; /* kept across resets */
	struct deferred *defer;
	size_t chunk, total;
};

#define ALIGN 16u

static void oom(void)
{
	fputs("phishdissect: out of memory\n", stderr);
	abort();
}

static struct block *block_new(size_t size)
{
	struct block *b = malloc(sizeof *b + size);
	if (!b)
		oom();
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

struct pd_arena *pd_arena_new(size_t chunk)
{
	struct pd_arena *a = calloc(1, sizeof *a);
	if (!a)
		oom();
	a->chunk = chunk ? chunk : 64 * 1024;
	a->first = a->head = block_new(a->chunk);
	return a;
}

static void run_deferred(struct pd_arena *a)
{
	while (a->defer) {
		struct deferred *d = a->defer;
		a->defer = d->next;
		d->fn(d->data);
	}
}

void pd_arena_reset(struct pd_arena *a)
{
	if (!a)
		return;
	run_deferred(a);
	struct block *b = a->head;
	while (b != a->first) {
		struct block *next = b->next;
		free(b);
		b = next;
	}
	a->first->used = 0;
	a->first->next = NULL;
	a->head = a->first;
	a->total = 0;
}

void pd_arena_free(struct pd_arena *a)
{
	if (!a)
		return;
	pd_arena_reset(a);
	free(a->first);
	free(a);
}

void *pd_arena_alloc_raw(struct pd_arena *a, size_t n)
{
	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - ALIGN)
		oom();
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	struct block *b = a->head;
	if (b->size - b->used < n) {
		size_t sz = n > a->chunk ? n : a->chunk;
		struct block *nb = block_new(sz);
		nb->next = a->head;
		a->head = b = nb;
	}
	void *p = (char *)b->data + b->used;
	b->used += n;
	a->total += n;
	return p;
}

void *pd_arena_alloc(struct pd_arena *a, size_t n)
{
	void *p = pd_arena_alloc_raw(a, n);
	memset(p, 0, n ? n : 1);
	return p;
}

void *pd_arena_calloc(struct pd_arena *a, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		oom();
	return pd_arena_alloc(a, count * size);
}

void *pd_arena_realloc(struct pd_arena *a, void *old, size_t old_n, size_t new_n)
{
	if (new_n <= old_n && old)
		return old;
	char *p = pd_arena_alloc_raw(a, new_n);
	size_t keep = old ? old_n : 0;
	if (keep)
		memcpy(p, old, keep);
	memset(p + keep, 0, new_n - keep); /* the new part is zeroed, as pd_arena_alloc's */
	return p;
}

char *pd_arena_strndup(struct pd_arena *a, const char *p, size_t n)
{
	if (n == SIZE_MAX)
		oom();
	char *s = pd_arena_alloc_raw(a, n + 1);
	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

char *pd_arena_strdup(struct pd_arena *a, const char *s)
{
	return pd_arena_strndup(a, s ? s : "", s ? strlen(s) : 0);
}

char *pd_arena_vprintf(struct pd_arena *a, const char *fmt, va_list ap)
{
	/* most results are short: format once into the stack, copy */
	va_list ap2;
	va_copy(ap2, ap);
	char small[256];
	int n = vsnprintf(small, sizeof small, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return pd_arena_strdup(a, "");
	if ((size_t)n < sizeof small)
		return pd_arena_strndup(a, small, (size_t)n);
	char *s = pd_arena_alloc_raw(a, (size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *pd_arena_printf(struct pd_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = pd_arena_vprintf(a, fmt, ap);
	va_end(ap);
	return s;
}

void pd_arena_defer(struct pd_arena *a, void (*fn)(void *), void *data)
{
	struct deferred *d = pd_arena_alloc(a, sizeof *d);
	d->fn = fn;
	d->data = data;
	d->next = a->defer;
	a->defer = d;
}

size_t pd_arena_used(const struct pd_arena *a)
{
	return a->total;
}

void pd_buf_init(struct pd_buf *b, struct pd_arena *a, size_t max)
{
	b->a = a;
	b->cap = 64;
	b->p = pd_arena_alloc(a, b->cap);
	b->n = 0;
	b->max = max;
	b->truncated = 0;
}

int pd_buf_add(struct pd_buf *b, const void *p, size_t n)
{
	int rc = 0;
	if (n > b->max - b->n) {
		n = b->max - b->n;
		b->truncated = 1;
		rc = -1;
	}
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap * 2;
		while (cap < b->n + n + 1)
			cap *= 2;
		b->p = pd_arena_realloc(b->a, b->p, b->n + 1, cap);
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
	return rc;
}

int pd_buf_addc(struct pd_buf *b, char c)
{
	return pd_buf_add(b, &c, 1);
}

int pd_buf_adds(struct pd_buf *b, const char *s)
{
	return pd_buf_add(b, s, strlen(s));
}

int pd_buf_printf(struct pd_buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof small)
		return pd_buf_add(b, small, (size_t)n);
	va_start(ap, fmt);
	char *s = pd_arena_vprintf(b->a, fmt, ap);
	va_end(ap);
	return pd_buf_add(b, s, (size_t)n);
}
