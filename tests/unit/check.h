/* check.h - minimal table-driven test support.  Each test program ends
 * with CHECK_DONE(), which prints "N passed, N failed" and returns the
 * exit status (nonzero when anything failed). */
#ifndef PD_CHECK_H
#define PD_CHECK_H

#include <stdio.h>
#include <string.h>

static unsigned check_pass, check_fail;

#define CHECK(cond, ...) do { \
	if (cond) { check_pass++; } else { check_fail++; \
		fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

#define CHECK_STREQ(got, want, ctx) do { \
	const char *g_ = (got), *w_ = (want); \
	if (g_ && w_ && strcmp(g_, w_) == 0) { check_pass++; } else { check_fail++; \
		fprintf(stderr, "FAIL %s:%d: [%s] got \"%s\" want \"%s\"\n", __FILE__, __LINE__, \
			(ctx), g_ ? g_ : "(null)", w_ ? w_ : "(null)"); } } while (0)

#define CHECK_DONE() (printf("%u passed, %u failed\n", check_pass, check_fail), check_fail ? 1 : 0)

#endif
