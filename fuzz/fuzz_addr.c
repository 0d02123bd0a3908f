/* fuzz_addr.c - RFC 5322 mailbox lists (raw header values, encoded words
 * still encoded).  Every string must be valid UTF-8; at most max entries
 * are written. */
#include "fuzz_common.h"
#include "base/arena.h"
#include "mail/addr.h"

static void check(const struct pd_addr *ad)
{
	fuzz_check_utf8(ad->display);
	fuzz_check_utf8(ad->addr);
	fuzz_check_utf8(ad->local);
	fuzz_check_utf8(ad->domain);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct pd_arena *a = pd_arena_new(0);
	struct pd_addr list[9];
	memset(list, 0, sizeof list);
	list[8].display = "sentinel";
	unsigned n = pd_addr_parse_list(a, s, size, list, 8);
	if (strcmp(list[8].display, "sentinel") != 0)
		fuzz_fail("pd_addr_parse_list wrote past max", "", 8);
	for (unsigned i = 0; i < n && i < 8; i++)
		check(&list[i]);
	struct pd_addr one;
	pd_addr_parse_one(a, s, size, &one);
	check(&one);
	pd_arena_free(a);
	return 0;
}
