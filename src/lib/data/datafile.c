/* datafile.c - line/field reader for data/ files; see datafile.h.
 * Lines longer than 4 KiB are an error (data files are reviewed text). */
#include "data/datafile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "file:line: reason" in malloc'd memory (NULL on OOM). */
static char *errmsg(const char *path, unsigned line, const char *reason)
{
	int n = snprintf(NULL, 0, "%s:%u: %s", path, line, reason);
	char *s = malloc((size_t)n + 1);
	if (s)
		snprintf(s, (size_t)n + 1, "%s:%u: %s", path, line, reason);
	return s;
}

int pd_datafile_read(const char *path, int optional, pd_datafile_fn fn, void *ud, char **err)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		if (optional && errno == ENOENT)
			return 1;
		if (err)
			*err = errmsg(path, 0, strerror(errno));
		return -1;
	}
	char buf[4096 + 2];
	unsigned line = 0;
	int rc = 0;
	while (fgets(buf, sizeof buf, f)) {
		line++;
		size_t n = strlen(buf);
		if (n == sizeof buf - 1 && buf[n - 1] != '\n') {
			if (err)
				*err = errmsg(path, line, "line longer than 4096 bytes");
			rc = -1;
			break;
		}
		while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
			buf[--n] = '\0';
		char *p = buf;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		char *fields[8];
		unsigned nf = 0;
		while (*p && nf < 8) {
			char *s = p;
			while (*p && *p != '\t')
				p++;
			char *e = p;
			while (e > s && e[-1] == ' ')
				e--;
			if (*p)
				*p++ = '\0';
			*e = '\0';
			while (*p == '\t')
				p++;
			while (*s == ' ')
				s++;
			fields[nf++] = s;
		}
		char ebuf[256] = "";
		if (fn(ud, line, fields, nf, ebuf, sizeof ebuf) != 0) {
			if (err)
				*err = errmsg(path, line, ebuf[0] ? ebuf : "invalid record");
			rc = -1;
			break;
		}
	}
	if (rc == 0 && ferror(f)) {
		if (err)
			*err = errmsg(path, line, strerror(errno));
		rc = -1;
	}
	fclose(f);
	return rc;
}
