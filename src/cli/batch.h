/* batch.h - analyse a stream of messages on a pool of worker threads.
 *
 * The calling thread reads inputs and writes results; N workers analyse.
 * Output appears in input order.  At most a fixed window of messages is
 * in flight, so memory stays flat however many messages there are.
 */
#ifndef PD_CLI_BATCH_H
#define PD_CLI_BATCH_H

#include <stdbool.h>
#include <stdio.h>

#include "phishdissect/pd.h"
#include "input.h"

enum pd_out_format { PD_OUT_TEXT = 0, PD_OUT_JSON, PD_OUT_JSONL,
	PD_OUT_IOCS /* --iocs: URLs, domains, IPs one per line (text_flags: PD_TEXT_NO_DEFANG) */ };

struct pd_batch_opts {
	const struct pd_ctx *ctx;  /* shared, read-only */
	unsigned jobs;             /* worker threads, 1..PD_BATCH_MAX_JOBS */
	enum pd_out_format format;
	enum pd_lang lang;         /* text format only */
	unsigned text_flags;       /* enum pd_text_flags; PD_TEXT_COLOR also colours separators */
	bool progress;             /* "\r N messages, R msg/s, E errors" on err */
	FILE *out;                 /* reports (stdout) */
	FILE *err;                 /* progress, and errors in text format (stderr) */
};

struct pd_batch_stats {
	unsigned long long messages;     /* items seen, errors included */
	unsigned long long errors;       /* unreadable input or not mail */
	unsigned long long verdicts[3];  /* indexed by enum pd_verdict */
	bool internal_error;             /* a renderer failed or a thread could not start */
	bool write_error;                /* writing to out failed; the run stopped early */
};

#define PD_BATCH_MAX_JOBS 256

/* Analyse every item of in, writing one result per item to o->out in
 * input order: a report, or for an item that could not be analysed an
 * error record (JSON formats) or a line on o->err (text format).  In
 * text format, several results are each headed by "==> source <==".
 * Returns 0 when the run completed (see *st for what happened), -1 if
 * no worker thread could be started. */
int pd_batch_run(const struct pd_batch_opts *o, struct pd_input *in, struct pd_batch_stats *st);

/* Copy of s safe to print on a terminal: control characters (C0, DEL,
 * C1), bidi controls and invalid UTF-8 become '?'.  malloc'd. */
char *pd_batch_printable(const char *s);

#endif
