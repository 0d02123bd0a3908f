/* corpus_walk.h - the differential tests' way over real mail (html_diff,
 * hdr_diff): read a whole file (at most CORPUS_MAX_FILE bytes), and walk
 * files and directories (recursively, in sorted order), calling back for
 * each file. */
#ifndef PD_CORPUS_WALK_H
#define PD_CORPUS_WALK_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#define CORPUS_MAX_FILE (32u << 20)

static char *corpus_read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(CORPUS_MAX_FILE);
	if (buf)
		*n = fread(buf, 1, CORPUS_MAX_FILE, f);
	fclose(f);
	return buf;
}

static void corpus_walk(const char *path, void (*one)(void *ud, const char *file), void *ud)
{
	struct stat sb;
	if (stat(path, &sb) != 0)
		return;
	if (!S_ISDIR(sb.st_mode)) {
		one(ud, path);
		return;
	}
	struct dirent **list;
	int n = scandir(path, &list, NULL, alphasort);
	if (n < 0)
		return;
	for (int i = 0; i < n; i++) {
		if (list[i]->d_name[0] != '.') {
			char sub[4096];
			snprintf(sub, sizeof sub, "%s/%s", path, list[i]->d_name);
			corpus_walk(sub, one, ud);
		}
		free(list[i]);
	}
	free(list);
}

#endif
