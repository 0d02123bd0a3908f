/* fuzz_authres.c - Authentication-Results, ARC-Authentication-Results and
 * Received-SPF parsers.  Every string of the result must be valid UTF-8. */
#include "fuzz_common.h"
#include "base/arena.h"
#include "mail/authres.h"

static void check(const struct pd_authres *ar)
{
	fuzz_check_utf8(ar->authserv_id);
	for (unsigned i = 0; i < ar->nmethods; i++) {
		const struct pd_auth_method *m = &ar->methods[i];
		fuzz_check_utf8(m->method);
		fuzz_check_utf8(m->result);
		fuzz_check_utf8(m->reason);
		for (unsigned k = 0; k < m->nprops; k++) {
			fuzz_check_utf8(m->props[k].ptype);
			fuzz_check_utf8(m->props[k].property);
			fuzz_check_utf8(m->props[k].value);
		}
		(void)pd_auth_prop(m, "smtp", "mailfrom");
		(void)pd_auth_prop(m, NULL, "d");
		(void)pd_auth_prop(m, "", "x");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct pd_arena *a = pd_arena_new(0);
	struct pd_authres ar;
	memset(&ar, 0, sizeof ar);
	pd_authres_parse(a, s, size, PD_AUTH_AR, &ar);
	check(&ar);
	memset(&ar, 0, sizeof ar);
	pd_authres_parse(a, s, size, PD_AUTH_ARC_AR, &ar);
	check(&ar);
	memset(&ar, 0, sizeof ar);
	pd_received_spf_parse(a, s, size, &ar);
	check(&ar);
	pd_arena_free(a);
	return 0;
}
