/* bench.c - pd-bench: throughput of the parser and of the whole analysis.
 *
 * Loads every message named on the command line into memory first (with
 * the CLI's input iterator, so mbox files and directories work the same
 * way), then times pd_analyze() over them: parse only, full analysis
 * with JSON rendering, or both.  Single-threaded by default because the
 * project's metric is messages per CPU second; --jobs N spreads the same
 * work over N threads (CPU time is then summed over threads).
 * Reports wall time (CLOCK_MONOTONIC) and CPU time
 * (CLOCK_PROCESS_CPUTIME_ID).
 */
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/cli/input.h"
#include "base/arena.h"
#include "phishdissect/pd.h"

#define MAX_JOBS 256
#define MAX_REPEAT 100000

struct msg {
	char *source;
	char *data;
	size_t len;
};

struct corpus {
	struct msg *m;
	size_t n, cap;
	unsigned long long bytes;
	size_t unreadable;
};

enum mode { MODE_PARSE, MODE_FULL };

struct run {
	const struct pd_ctx *ctx;
	const struct corpus *c;
	enum mode mode;
	unsigned repeat;
	atomic_size_t next;      /* next job index over n * repeat */
	atomic_ullong errors;    /* pd_analyze() said: not mail */
	atomic_ullong verdicts[3];
	atomic_ullong out_bytes; /* rendered JSON, so the work is not optimised away */
};

struct result {
	double wall, cpu;
	unsigned long long msgs, bytes, errors, verdicts[3], out_bytes;
};

static double ts_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void *worker(void *arg)
{
	struct run *r = arg;
	struct pd_arena *a = pd_arena_new(0);
	size_t total = r->c->n * r->repeat;
	unsigned long long err = 0, v[3] = { 0, 0, 0 }, out = 0;
	for (;;) {
		size_t i = atomic_fetch_add(&r->next, 1);
		if (i >= total)
			break;
		const struct msg *m = &r->c->m[i % r->c->n];
		struct pd_report *rep = NULL;
		const char *e = NULL;
		int rc = pd_analyze(r->ctx, a, m->data, m->len, m->source, r->mode == MODE_PARSE, &rep, &e);
		if (rc != 0 || !rep) {
			err++;
		} else if (r->mode == MODE_FULL) {
			enum pd_verdict vd = pd_report_verdict(rep);
			if ((unsigned)vd < 3)
				v[vd]++;
			const char *j = pd_render_json(r->ctx, a, rep, 0);
			out += j ? strlen(j) : 0;
		}
		pd_arena_reset(a);
	}
	pd_arena_free(a);
	atomic_fetch_add(&r->errors, err);
	for (int k = 0; k < 3; k++)
		atomic_fetch_add(&r->verdicts[k], v[k]);
	atomic_fetch_add(&r->out_bytes, out);
	return NULL;
}

static int run_mode(const struct pd_ctx *ctx, const struct corpus *c, enum mode mode,
                    unsigned repeat, unsigned jobs, struct result *res)
{
	struct run r;
	memset(&r, 0, sizeof r);
	r.ctx = ctx;
	r.c = c;
	r.mode = mode;
	r.repeat = repeat;
	atomic_init(&r.next, 0);
	atomic_init(&r.errors, 0);
	atomic_init(&r.out_bytes, 0);
	for (int k = 0; k < 3; k++)
		atomic_init(&r.verdicts[k], 0);

	struct timespec w0, w1, c0, c1;
	clock_gettime(CLOCK_MONOTONIC, &w0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	if (jobs <= 1) {
		worker(&r);
	} else {
		pthread_t tids[MAX_JOBS];
		unsigned started = 0;
		for (unsigned i = 0; i < jobs; i++) {
			if (pthread_create(&tids[i], NULL, worker, &r) != 0)
				break;
			started++;
		}
		if (started == 0)
			return -1;
		for (unsigned i = 0; i < started; i++)
			pthread_join(tids[i], NULL);
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	clock_gettime(CLOCK_MONOTONIC, &w1);

	res->wall = ts_diff(&w0, &w1);
	res->cpu = ts_diff(&c0, &c1);
	res->msgs = (unsigned long long)c->n * repeat;
	res->bytes = c->bytes * repeat;
	res->errors = atomic_load(&r.errors);
	for (int k = 0; k < 3; k++)
		res->verdicts[k] = atomic_load(&r.verdicts[k]);
	res->out_bytes = atomic_load(&r.out_bytes);
	return 0;
}

static void print_row(const char *name, const struct result *r)
{
	double mb = (double)r->bytes / 1e6;
	double cpu = r->cpu > 0 ? r->cpu : 1e-9;
	printf("%-6s %10llu %9.1f %9.3f %9.3f %10.1f %8.2f %9.1f\n", name, r->msgs, mb, r->wall, r->cpu,
	       (double)r->msgs / cpu, mb / cpu, r->msgs ? cpu * 1e6 / (double)r->msgs : 0.0);
}

static int parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	unsigned long v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > hi)
			return -1;
	}
	if (v < lo)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static void usage(FILE *f)
{
	fputs("Usage: pd-bench [--parse-only | --both] [--repeat N] [--jobs N] [--data-dir DIR] PATH...\n"
	      "Load every message under PATH into memory, then time the analysis.\n"
	      "\n"
	      "  (default)        full analysis, rendering each report as JSON\n"
	      "  --parse-only     only build the message model (pd_analyze parse_only)\n"
	      "  --both           parse only, then full analysis, and their difference\n"
	      "  --repeat N       go over all messages N times (default 1)\n"
	      "  --jobs N         threads (default 1: the metric is msg per CPU second)\n"
	      "  --data-dir DIR   data files (default: as phishdissect finds them)\n"
	      "\n"
	      "PATH: files, mbox files, directories, as for phishdissect.\n"
	      "msg/s, MB/s and us/msg are per CPU second (all threads); MB = 10^6 bytes.\n",
	      f);
}

int main(int argc, char **argv)
{
	enum { OPT_PARSE = 256, OPT_BOTH, OPT_REPEAT, OPT_JOBS, OPT_DATA };
	static const struct option longopts[] = {
		{ "parse-only", no_argument, NULL, OPT_PARSE },
		{ "both", no_argument, NULL, OPT_BOTH },
		{ "repeat", required_argument, NULL, OPT_REPEAT },
		{ "jobs", required_argument, NULL, OPT_JOBS },
		{ "data-dir", required_argument, NULL, OPT_DATA },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool do_parse = false, do_full = true;
	unsigned repeat = 1, jobs = 1;
	struct pd_options opt = PD_OPTIONS_INIT;

	for (;;) {
		int c = getopt_long(argc, argv, "h", longopts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case OPT_PARSE:
			do_parse = true;
			do_full = false;
			break;
		case OPT_BOTH:
			do_parse = do_full = true;
			break;
		case OPT_REPEAT:
			if (parse_uint(optarg, 1, MAX_REPEAT, &repeat) != 0) {
				fprintf(stderr, "pd-bench: --repeat: want 1..%d\n", MAX_REPEAT);
				return 64;
			}
			break;
		case OPT_JOBS:
			if (parse_uint(optarg, 1, MAX_JOBS, &jobs) != 0) {
				fprintf(stderr, "pd-bench: --jobs: want 1..%d\n", MAX_JOBS);
				return 64;
			}
			break;
		case OPT_DATA:
			opt.data_dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 64;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 64;
	}

	/* Load everything first, so the timing sees no I/O. */
	struct corpus c;
	memset(&c, 0, sizeof c);
	size_t cap = opt.limits.max_message_bytes;
	cap = cap < SIZE_MAX - 1 ? cap + 1 : cap;
	struct pd_input *in = pd_input_new((const char *const *)argv + optind, (size_t)(argc - optind), cap);
	struct pd_input_item it;
	while (pd_input_next(in, &it)) {
		if (it.error) {
			fprintf(stderr, "pd-bench: skipped %s: %s\n", it.source, it.error);
			c.unreadable++;
			pd_input_item_clear(&it);
			continue;
		}
		if (c.n == c.cap) {
			c.cap = c.cap ? c.cap * 2 : 1024;
			c.m = realloc(c.m, c.cap * sizeof *c.m);
			if (!c.m) {
				fputs("pd-bench: out of memory\n", stderr);
				return 70;
			}
		}
		c.m[c.n++] = (struct msg){ it.source, it.data, it.len };
		c.bytes += it.len;
		free(it.error);
	}
	pd_input_free(in);
	if (c.n == 0) {
		fputs("pd-bench: no messages loaded\n", stderr);
		return 66;
	}

	pd_global_init();
	char *err = NULL;
	struct pd_ctx *ctx = pd_ctx_new(&opt, &err);
	if (!ctx) {
		fprintf(stderr, "pd-bench: %s\n", err ? err : "cannot load data");
		free(err);
		return 78;
	}

	printf("pd-bench: %zu messages (%zu unreadable skipped), %.1f MB, repeat %u, %u thread%s\n",
	       c.n, c.unreadable, (double)c.bytes / 1e6, repeat, jobs, jobs == 1 ? "" : "s");
	printf("%-6s %10s %9s %9s %9s %10s %8s %9s\n", "mode", "messages", "MB", "wall s", "CPU s",
	       "msg/s", "MB/s", "us/msg");
	int rc = 0;
	struct result rp, rf;
	memset(&rp, 0, sizeof rp);
	memset(&rf, 0, sizeof rf);
	if (do_parse) {
		if (run_mode(ctx, &c, MODE_PARSE, repeat, jobs, &rp) != 0)
			rc = 70;
		else
			print_row("parse", &rp);
	}
	if (do_full && rc == 0) {
		if (run_mode(ctx, &c, MODE_FULL, repeat, jobs, &rf) != 0)
			rc = 70;
		else
			print_row("full", &rf);
	}
	if (rc == 0) {
		if (do_parse && do_full && rp.msgs && rf.msgs) {
			double up = rp.cpu * 1e6 / (double)rp.msgs, uf = rf.cpu * 1e6 / (double)rf.msgs;
			printf("analysis over parse: %+.1f us/msg CPU (full = %.2f x parse)\n", uf - up,
			       up > 0 ? uf / up : 0.0);
		}
		const struct result *r = do_full ? &rf : &rp;
		printf("not mail: %llu", r->errors / repeat);
		if (do_full)
			printf("; verdicts per pass: clean %llu, suspicious %llu, phishing %llu; JSON %.1f MB",
			       rf.verdicts[0] / repeat, rf.verdicts[1] / repeat, rf.verdicts[2] / repeat,
			       (double)rf.out_bytes / 1e6 / repeat);
		putchar('\n');
	} else {
		fputs("pd-bench: cannot start threads\n", stderr);
	}

	pd_ctx_free(ctx);
	pd_global_shutdown();
	for (size_t i = 0; i < c.n; i++) {
		free(c.m[i].source);
		free(c.m[i].data);
	}
	free(c.m);
	return rc;
}
