/* fuzz_datafile.c - the reader of data/ files (data/datafile.h): the
 * input is written to a temporary file and read back; records must have
 * at most 8 fields, each NUL-terminated; an error names file:line. */
#include <unistd.h>

#include "fuzz_common.h"
#include "data/datafile.h"

static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *tmp = getenv("TMPDIR");
	snprintf(path, sizeof path, "%.40s/pd-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0)
		abort();
	close(fd);
	return 0;
}

static int on_record(void *ud, unsigned line, char **fields, unsigned nfields, char *errbuf,
                     size_t errlen)
{
	unsigned *count = ud;
	if (nfields > 8)
		fuzz_fail("more than 8 fields", "", nfields);
	for (unsigned i = 0; i < nfields; i++)
		(void)strlen(fields[i]);
	/* make the reader's error path run too */
	if (nfields && fields[0][0] == '!') {
		snprintf(errbuf, errlen, "bad record %u", line);
		return -1;
	}
	(*count)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	unsigned count = 0;
	char *err = NULL;
	int rc = pd_datafile_read(path, 0, on_record, &count, &err);
	if (rc < 0 && err && !strstr(err, path))
		fuzz_fail("error does not name the file", err, 0);
	free(err);
	return 0;
}
