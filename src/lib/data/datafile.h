/* datafile.h - read the project's reviewed text data files.
 * Format shared by all of them: UTF-8 text, one record per line, fields
 * separated by TAB (runs of tabs count as one), '#' starts a comment line,
 * blank lines ignored.  Errors name the file and line. */
#ifndef PD_DATAFILE_H
#define PD_DATAFILE_H

#include <stddef.h>

/* Called per record with its fields (at most 8, NUL-terminated, trimmed).
 * Return 0 to go on, or -1 and set *err (malloc'd or static via the
 * err_static flag) to stop with an error. */
typedef int (*pd_datafile_fn)(void *ud, unsigned line, char **fields, unsigned nfields,
                              char *errbuf, size_t errlen);

/* Returns 0, -1 on I/O error or a callback error (*err malloc'd with
 * "file:line: reason"), or 1 if the file does not exist and optional. */
int pd_datafile_read(const char *path, int optional, pd_datafile_fn fn, void *ud, char **err);

#endif
