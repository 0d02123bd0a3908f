/* fuzz_received.c - one Received: value -> hop, the lenient date parser
 * and the IP address parser.  Every hop string must be valid UTF-8. */
#include "fuzz_common.h"
#include "base/arena.h"
#include "mail/received.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct pd_arena *a = pd_arena_new(0);
	struct pd_hop hop;
	memset(&hop, 0, sizeof hop);
	pd_received_parse(a, s, size, &hop);
	const char *f[] = { hop.raw, hop.helo, hop.rdns, hop.ip, hop.by, hop.with, hop.id,
	                    hop.for_addr, hop.date_raw };
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		fuzz_check_utf8(f[i]);
	if (hop.ip_family != 0 && hop.ip_family != 4 && hop.ip_family != 6)
		fuzz_fail("ip_family", hop.ip, 0);
	int64_t t;
	int tz;
	if (pd_date_parse(s, size, &t, &tz) == 0 && (tz < -24 * 60 || tz > 24 * 60))
		fuzz_fail("time-zone offset out of range", "", 0);
	unsigned char ip[16];
	int fam = pd_ip_parse(s, size, ip);
	if (fam) {
		fuzz_check_utf8(pd_ip_format(a, fam, ip));
		(void)pd_ip_is_private(fam, ip);
		(void)pd_ip_is_loopback(fam, ip);
	}
	pd_arena_free(a);
	return 0;
}
