/* fuzz_fwdinline.c - the inline-forward block finder (mail/fwdinline.c)
 * on arbitrary text: every offset it returns lies inside the text, and
 * the forward-subject test reads only up to the NUL. */
#include "fuzz_common.h"
#include "mail/fwdinline.h"

static void check(const struct pd_fwdinline *f, size_t size)
{
	if (f->from_off + f->from_len > size || f->subject_off + f->subject_len > size ||
	    f->date_off + f->date_len > size || f->block > size || f->end > size || f->end < f->block)
		fuzz_fail("pd_fwdinline_find returned a slice outside the text", "", 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy, so that reading past the end is caught */
	char *t = malloc(size ? size : 1);
	if (!t)
		return 0;
	memcpy(t, data, size);
	struct pd_fwdinline f;
	if (pd_fwdinline_find(t, size, false, &f))
		check(&f, size);
	if (pd_fwdinline_find(t, size, true, &f))
		check(&f, size);
	free(t);
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	(void)pd_fwd_subject(s);
	free(s);
	return 0;
}
