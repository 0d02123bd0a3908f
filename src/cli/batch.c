/* batch.c - run many messages on all cores, output in input order.
 *
 * The calling thread is both producer (reads items from the input
 * iterator) and writer (prints finished results).  Workers each own one
 * pd_arena, reset after every message; a result is copied out of the
 * arena into a malloc'd string so the arena can be reused at once.
 * Messages travel in a ring of `window` slots indexed by sequence number:
 * the producer blocks when it is a whole window ahead of the writer, so
 * at most `window` messages and results exist at a time.  One bad message
 * only ever yields an error record.
 */
#include "batch.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/text.h"

struct slot {
	struct pd_input_item item; /* owned by the slot until written */
	char *out;                 /* rendered result, malloc'd, ends in '\n' */
	size_t outlen;
	char *error;               /* text format: why it failed, malloc'd */
	int verdict;               /* enum pd_verdict, or -1 on error */
	bool internal;             /* renderer failed */
	bool done;                 /* guarded by mu */
};

struct batch {
	const struct pd_batch_opts *o;
	pthread_mutex_t mu;
	pthread_cond_t work_cv; /* workers: a slot was queued, or stop */
	pthread_cond_t done_cv; /* writer: a slot finished */
	struct slot *slots;
	size_t window;
	unsigned long long produced, dispatched, written; /* sequence numbers */
	bool stop;
	/* progress (writer thread only) */
	struct timespec t0, last;
	size_t shown; /* width of the progress line on screen, 0 = none */
	bool printed; /* something was written to out */
	bool multi;   /* text: several results, head each with its source */
	bool out_tty; /* out is a terminal: keep the progress line off it */
};

static void oom(void)
{
	fputs("phishdissect: out of memory\n", stderr);
	abort();
}

static char *xstrndup(const char *s, size_t n)
{
	char *d = malloc(n + 2);
	if (!d)
		oom();
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static double now_s(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

char *pd_batch_printable(const char *s)
{
	size_t n = strlen(s);
	if (n > SIZE_MAX / 4 - 1)
		oom();
	char *out = malloc(n + 1);
	if (!out)
		oom();
	size_t o = 0;
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		size_t l = pd_utf8_seqlen(p + i, n - i);
		uint32_t cp = 0;
		if (l)
			pd_utf8_decode(p + i, n - i, &cp);
		bool bad = l == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
		           (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
		           cp == 0x200e || cp == 0x200f || cp == 0x061c;
		if (bad) {
			out[o++] = '?';
			i += l ? l : 1;
		} else {
			memcpy(out + o, p + i, l);
			o += l;
			i += l;
		}
	}
	out[o] = '\0';
	return out;
}

/* ---- worker ---- */

/* Copy a rendered string out of the arena, ending in exactly one '\n'. */
static void take_output(struct slot *s, const char *r)
{
	size_t n = strlen(r);
	while (n && r[n - 1] == '\n')
		n--;
	s->out = xstrndup(r, n);
	s->out[n] = '\n';
	s->out[n + 1] = '\0';
	s->outlen = n + 1;
}

static void fail(struct batch *b, struct pd_arena *a, struct slot *s, const char *why)
{
	s->verdict = -1;
	if (b->o->format == PD_OUT_TEXT) {
		s->error = xstrndup(why, strlen(why));
		return;
	}
	const char *r = pd_render_json_error(a, s->item.source, why);
	if (!r) {
		s->internal = true;
		return;
	}
	take_output(s, r);
}

static void run_one(struct batch *b, struct pd_arena *a, struct slot *s)
{
	const struct pd_batch_opts *o = b->o;
	struct pd_input_item *it = &s->item;
	if (it->error) {
		fail(b, a, s, it->error);
		return;
	}
	struct pd_report *rep = NULL;
	const char *err = NULL;
	int rc = pd_analyze(o->ctx, a, it->data, it->len, it->source, false, &rep, &err);
	/* The bytes are no longer needed; free them before rendering so a
	 * full window holds results, not messages. */
	free(it->data);
	it->data = NULL;
	if (rc != 0 || !rep) {
		fail(b, a, s, err && *err ? err : "not a mail message");
		return;
	}
	s->verdict = (int)pd_report_verdict(rep);
	const char *r = NULL;
	switch (o->format) {
	case PD_OUT_TEXT:
		r = pd_render_text(o->ctx, a, rep, o->lang, o->text_flags);
		break;
	case PD_OUT_JSON:
		r = pd_render_json(o->ctx, a, rep, 1);
		break;
	case PD_OUT_JSONL:
		r = pd_render_json(o->ctx, a, rep, 0);
		break;
	case PD_OUT_IOCS:
		r = pd_render_iocs(o->ctx, a, rep, o->text_flags);
		break;
	}
	if (!r) {
		s->internal = true;
		fail(b, a, s, "internal error: the report could not be rendered");
		return;
	}
	take_output(s, r);
}

static void *worker(void *arg)
{
	struct batch *b = arg;
	struct pd_arena *a = pd_arena_new(0);
	for (;;) {
		pthread_mutex_lock(&b->mu);
		while (!b->stop && b->dispatched == b->produced)
			pthread_cond_wait(&b->work_cv, &b->mu);
		if (b->dispatched == b->produced) {
			pthread_mutex_unlock(&b->mu);
			break;
		}
		struct slot *s = &b->slots[b->dispatched++ % b->window];
		pthread_mutex_unlock(&b->mu);

		run_one(b, a, s);
		pd_arena_reset(a);

		pthread_mutex_lock(&b->mu);
		s->done = true;
		pthread_cond_signal(&b->done_cv);
		pthread_mutex_unlock(&b->mu);
	}
	pd_arena_free(a);
	return NULL;
}

/* ---- writer ---- */

static void progress_clear(struct batch *b)
{
	if (!b->shown)
		return;
	char pad[128];
	size_t n = b->shown < sizeof pad - 1 ? b->shown : sizeof pad - 1;
	memset(pad, ' ', n);
	pad[n] = '\0';
	fprintf(b->o->err, "\r%s\r", pad);
	fflush(b->o->err);
	b->shown = 0;
}

static void progress_tick(struct batch *b, const struct pd_batch_stats *st, bool force)
{
	if (!b->o->progress)
		return;
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	double since = now_s(&b->last);
	if (!force && since < 0.2)
		return;
	b->last = t;
	double el = now_s(&b->t0);
	double rate = el > 0 ? (double)st->messages / el : 0;
	char line[128];
	int n = snprintf(line, sizeof line, "  %llu messages, %.0f msg/s, %llu error%s",
	                 st->messages, rate, st->errors, st->errors == 1 ? "" : "s");
	if (n < 0)
		return;
	size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
	/* Pad over a longer previous line. */
	size_t pad = b->shown > len ? b->shown - len : 0;
	fprintf(b->o->err, "\r%s%*s", line, (int)pad, "");
	fflush(b->o->err);
	b->shown = len + pad;
}

static void put(struct batch *b, struct pd_batch_stats *st, const char *p, size_t n)
{
	if (st->write_error || n == 0)
		return;
	if (b->out_tty)
		progress_clear(b);
	if (fwrite(p, 1, n, b->o->out) != n)
		st->write_error = true;
	if (b->out_tty && fflush(b->o->out) != 0)
		st->write_error = true;
}

static void emit(struct batch *b, struct slot *s, struct pd_batch_stats *st)
{
	const struct pd_batch_opts *o = b->o;
	st->messages++;
	if (s->internal)
		st->internal_error = true;
	if (s->verdict < 0)
		st->errors++;
	else if (s->verdict <= PD_VERDICT_PHISHING)
		st->verdicts[s->verdict]++;

	if (o->format != PD_OUT_TEXT) {
		if (s->out)
			put(b, st, s->out, s->outlen);
		return;
	}
	char *src = pd_batch_printable(s->item.source ? s->item.source : "-");
	if (s->error) {
		char *why = pd_batch_printable(s->error);
		progress_clear(b);
		fprintf(o->err, "phishdissect: %s: %s\n", src, why);
		free(why);
	} else if (s->out) {
		if (b->multi) {
			bool color = (o->text_flags & PD_TEXT_COLOR) != 0;
			char *head = NULL;
			size_t len = strlen(src) + 32;
			head = malloc(len);
			if (!head)
				oom();
			int n = snprintf(head, len, "%s%s==> %s <==%s\n", b->printed ? "\n" : "",
			                 color ? "\033[1m" : "", src, color ? "\033[0m" : "");
			if (n > 0)
				put(b, st, head, (size_t)n < len ? (size_t)n : len - 1);
			free(head);
		}
		put(b, st, s->out, s->outlen);
		b->printed = true;
	}
	free(src);
}

static void slot_clear(struct slot *s)
{
	pd_input_item_clear(&s->item);
	free(s->out);
	free(s->error);
	memset(s, 0, sizeof *s);
}

int pd_batch_run(const struct pd_batch_opts *o, struct pd_input *in, struct pd_batch_stats *st)
{
	memset(st, 0, sizeof *st);
	struct batch b;
	memset(&b, 0, sizeof b);
	b.o = o;
	unsigned jobs = o->jobs < 1 ? 1 : o->jobs > PD_BATCH_MAX_JOBS ? PD_BATCH_MAX_JOBS : o->jobs;
	b.window = (size_t)jobs * 4 < 16 ? 16 : (size_t)jobs * 4;
	b.slots = calloc(b.window, sizeof *b.slots);
	pthread_t *tids = calloc(jobs, sizeof *tids);
	if (!b.slots || !tids)
		oom();
	pthread_mutex_init(&b.mu, NULL);
	pthread_cond_init(&b.work_cv, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&b.done_cv, &ca);
	pthread_condattr_destroy(&ca);
	b.out_tty = o->progress && isatty(fileno(o->out));
	clock_gettime(CLOCK_MONOTONIC, &b.t0);
	b.last = b.t0;

	int ret = 0;
	unsigned started = 0;
	for (unsigned i = 0; i < jobs; i++) {
		if (pthread_create(&tids[i], NULL, worker, &b) != 0)
			break;
		started++;
	}
	if (started == 0) {
		st->internal_error = true;
		ret = -1;
		goto out;
	}

	bool input_done = false;
	for (;;) {
		/* Write every finished result at the head, in order.  In text
		 * format the first one waits until we know whether more
		 * follow, which decides whether results carry a heading. */
		for (;;) {
			if (b.written == b.produced)
				break;
			if (o->format == PD_OUT_TEXT && b.written == 0 && !input_done && b.produced < 2)
				break;
			struct slot *s = &b.slots[b.written % b.window];
			pthread_mutex_lock(&b.mu);
			bool ready = s->done;
			pthread_mutex_unlock(&b.mu);
			if (!ready)
				break;
			if (b.written == 0)
				b.multi = b.produced >= 2;
			emit(&b, s, st);
			slot_clear(s);
			b.written++;
		}
		progress_tick(&b, st, false);
		if (st->write_error)
			input_done = true; /* stop reading; let workers drain */

		if (!input_done && b.produced - b.written < b.window) {
			struct slot *s = &b.slots[b.produced % b.window];
			if (pd_input_next(in, &s->item)) {
				pthread_mutex_lock(&b.mu);
				b.produced++;
				pthread_cond_signal(&b.work_cv);
				pthread_mutex_unlock(&b.mu);
			} else {
				input_done = true;
			}
			continue;
		}
		if (b.written == b.produced)
			break;

		/* Wait for the head slot; wake up now and then for progress. */
		struct slot *head = &b.slots[b.written % b.window];
		pthread_mutex_lock(&b.mu);
		if (!head->done) {
			struct timespec t;
			clock_gettime(CLOCK_MONOTONIC, &t);
			t.tv_nsec += 200 * 1000 * 1000;
			if (t.tv_nsec >= 1000 * 1000 * 1000) {
				t.tv_sec++;
				t.tv_nsec -= 1000 * 1000 * 1000;
			}
			pthread_cond_timedwait(&b.done_cv, &b.mu, &t);
		}
		pthread_mutex_unlock(&b.mu);
	}

out:
	pthread_mutex_lock(&b.mu);
	b.stop = true;
	pthread_cond_broadcast(&b.work_cv);
	pthread_mutex_unlock(&b.mu);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	for (size_t i = 0; i < b.window; i++)
		slot_clear(&b.slots[i]);
	if (fflush(o->out) != 0 || ferror(o->out))
		st->write_error = true;
	progress_clear(&b);
	pthread_cond_destroy(&b.done_cv);
	pthread_cond_destroy(&b.work_cv);
	pthread_mutex_destroy(&b.mu);
	free(b.slots);
	free(tids);
	return ret;
}
