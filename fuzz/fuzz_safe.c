/* fuzz_safe.c - defanging and terminal escaping (base/safe.h).  Outputs
 * must be valid UTF-8 with no raw ESC, C0/C1, bidi or zero-width
 * character; defanged URLs must not keep a live scheme. */
#include "fuzz_common.h"
#include "base/arena.h"
#include "base/safe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_arena *a = pd_arena_new(0);
	const char *s = (const char *)data;
	fuzz_check_term(pd_term_safe(a, s, size, 0), false);
	fuzz_check_term(pd_term_safe(a, s, size, PD_TERM_KEEP_NEWLINES), true);
	char *z = pd_arena_strndup(a, s, size); /* NUL-terminated view */
	char *u = pd_defang_url(a, z);
	fuzz_check_term(u, false);
	fuzz_check_term(pd_defang_host(a, z), false);
	fuzz_check_term(pd_defang_text(a, z), true);
	unsigned bidi, zw;
	pd_count_hidden(s, size, &bidi, &zw);
	pd_arena_free(a);
	return 0;
}
