/* hdrsplit.c - the top-level header block split into fields (hdrsplit.h). */
#include "mail/hdrsplit.h"

#include <string.h>

#include "base/text.h"

/* One line [s, e) without its terminator: true if it is a plain field
 * start; *colon gets the colon, *name_end the end of the name. */
static bool field_start(const char *s, const char *e, const char **colon, const char **name_end)
{
	const char *p = s;
	while (p < e && (unsigned char)*p >= 33 && (unsigned char)*p <= 126 && *p != ':')
		p++;
	if (p == s)
		return false;
	const char *ne = p;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	if (p == e || *p != ':')
		return false;
	*colon = p;
	*name_end = ne;
	return true;
}

bool pd_hdr_split(struct pd_arena *a, const char *data, size_t len, unsigned max_fields,
                  struct pd_rawfield **fields, unsigned *n, size_t *body_off)
{
	/* first pass: check and count, so that the array is sized once */
	unsigned count = 0;
	size_t i = 0;
	bool ended = false;
	while (i < len) {
		const char *ls = data + i;
		const char *nl = memchr(ls, '\n', len - i);
		if (!nl)
			return false; /* the block runs to the end of the data */
		const char *le = nl > ls && nl[-1] == '\r' ? nl - 1 : nl;
		if (le == ls) {
			ended = true;
			break;
		}
		if (memchr(ls, '\0', (size_t)(le - ls)) || memchr(ls, '\r', (size_t)(le - ls)))
			return false;
		if (*ls == ' ' || *ls == '\t') {
			if (count == 0)
				return false;
			const char *p = ls;
			while (p < le && (*p == ' ' || *p == '\t'))
				p++;
			if (p == le)
				return false; /* a line of blanks only: readers differ on it */
		} else {
			const char *colon, *ne;
			if (!field_start(ls, le, &colon, &ne))
				return false;
			if (++count > max_fields)
				return false;
		}
		i = (size_t)(nl - data) + 1;
	}
	if (!ended || count == 0)
		return false;

	struct pd_rawfield *f = pd_arena_alloc_raw(a, count * sizeof *f);
	unsigned k = 0;
	i = 0;
	while (k < count) {
		const char *ls = data + i;
		const char *nl = memchr(ls, '\n', len - i);
		const char *le = nl > ls && nl[-1] == '\r' ? nl - 1 : nl;
		const char *colon, *ne;
		field_start(ls, le, &colon, &ne);
		/* the field's continuation lines */
		size_t end = (size_t)(nl - data) + 1;
		while (end < len && (data[end] == ' ' || data[end] == '\t')) {
			const char *nn = memchr(data + end, '\n', len - end);
			end = (size_t)(nn - data) + 1;
		}
		f[k].name = pd_arena_strndup(a, ls, (size_t)(ne - ls));
		f[k].raw = pd_arena_strndup(a, colon + 1, end - (size_t)(colon + 1 - data));
		f[k].off = i;
		f[k].len = end - i;
		k++;
		i = end;
	}
	*fields = f;
	*n = count;
	*body_off = i;
	return true;
}

bool pd_hdr_gmime_wants(const char *name)
{
	static const char *const exact[] = { "mime-version", "from", "to", "cc", "bcc", "reply-to", "sender",
		"subject", "date", "message-id", "in-reply-to", "references" };
	if (pd_strnieq(name, "content-", 8) || pd_strnieq(name, "resent-", 7))
		return true;
	for (size_t i = 0; i < sizeof exact / sizeof *exact; i++)
		if (pd_strieq(name, exact[i]))
			return true;
	return false;
}
