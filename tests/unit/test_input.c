/* test_input.c - table-driven tests of the input iterator: mbox split
 * (the score-corpus rule), source names, directory walk order, Maildir,
 * dot files, symlinks, FIFOs, empty files, NUL bytes and the size cap.
 * Every case builds its own files under a mkdtemp() directory, which is
 * removed at the end.
 */
#include <errno.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/cli/input.h"
#include "check.h"

/* kind: 'f' file, 'd' directory, 'l' symlink to data, 'p' FIFO */
struct file {
	char kind;
	const char *path;
	const char *data;
	size_t len; /* 0: strlen(data) */
};

struct want {
	const char *source; /* relative to the case directory; "-" kept */
	const char *data;   /* NULL: an error item */
	size_t len;         /* 0: strlen(data) */
	const char *error;  /* substring of the error */
	bool truncated;
};

#define MAXF 10
#define MAXW 8
struct tcase {
	const char *name;
	struct file files[MAXF];
	const char *args[4]; /* relative to the case directory */
	size_t max;          /* 0: 1 MiB */
	struct want want[MAXW];
};

#define F(p, d) { 'f', p, d, 0 }
#define D(p) { 'd', p, NULL, 0 }
#define OK(s, d) { s, d, 0, NULL, false }
#define ERR(s, e) { s, NULL, 0, e, false }

static const struct tcase cases[] = {
	{ "single message",
	  { F("a.eml", "From: a@example.com\nSubject: x\n\nbody\n") },
	  { "a.eml" }, 0,
	  { OK("a.eml", "From: a@example.com\nSubject: x\n\nbody\n") } },
	{ "mbox with three messages",
	  { F("box", "From a@x Mon Jan  1 00:00:00 2024\nA: 1\n\none\n\n"
	             "From b@x Mon Jan  1 00:00:00 2024\nB: 2\n\ntwo\n\n"
	             "From c@x Mon Jan  1 00:00:00 2024\nC: 3\n\nthree\n") },
	  { "box" }, 0,
	  { OK("box#1", "A: 1\n\none\n"), OK("box#2", "B: 2\n\ntwo\n"),
	    OK("box#3", "C: 3\n\nthree\n") } },
	{ "box#N picks one message of an mbox, as reports name it; past the end is an error",
	  { F("box", "From a@x Mon Jan  1 00:00:00 2024\nA: 1\n\none\n\n"
	             "From b@x Mon Jan  1 00:00:00 2024\nB: 2\n\ntwo\n\n"
	             "From c@x Mon Jan  1 00:00:00 2024\nC: 3\n\nthree\n"),
	    F("one.eml", "A: 1\n\nbody\n") },
	  { "box#2", "box#3", "box#4", "one.eml#1" }, 0,
	  { OK("box#2", "B: 2\n\ntwo\n"), OK("box#3", "C: 3\n\nthree\n"), ERR("box#4", "no message 4: "),
	    OK("one.eml#1", "A: 1\n\nbody\n") } },
	{ "a file really named x#2 is that file; #0 and a missing file stay errors",
	  { F("x#2", "A: 1\n\nbody\n"), F("y", "A: 1\n\nbody\n") },
	  { "x#2", "y#0", "nope#1" }, 0,
	  { OK("x#2", "A: 1\n\nbody\n"), ERR("y#0", "cannot open"), ERR("nope#1", "cannot open") } },
	{ "one message after a From line keeps the plain name",
	  { F("00001.abc", "From spamassassin Thu Aug 22 12:36:23 2002\nA: 1\n\nbody\n") },
	  { "00001.abc" }, 0,
	  { OK("00001.abc", "A: 1\n\nbody\n") } },
	{ "From in a body without a blank line before it is not a separator",
	  { F("box", "From a\nA: 1\n\nline\nFrom the desk of\nmore\n") },
	  { "box" }, 0,
	  { OK("box", "A: 1\n\nline\nFrom the desk of\nmore\n") } },
	{ "a white-space-only line counts as blank",
	  { F("box", "From a\nA: 1\n\nx\n \t\nFrom b\nB: 2\n\ny\n") },
	  { "box" }, 0,
	  { OK("box#1", "A: 1\n\nx\n \t\n"), OK("box#2", "B: 2\n\ny\n") } },
	{ ">From and From without space are not separators",
	  { F("box", "From a\nA: 1\n\n>From x\n\nFromage\n\nFrom\n") },
	  { "box" }, 0,
	  { OK("box", "A: 1\n\n>From x\n\nFromage\n\nFrom\n") } },
	{ "a file not starting with From is one message whatever follows",
	  { F("m.eml", "A: 1\n\nx\n\nFrom b\nB: 2\n") },
	  { "m.eml" }, 0,
	  { OK("m.eml", "A: 1\n\nx\n\nFrom b\nB: 2\n") } },
	{ "CRLF line endings",
	  { F("box", "From a\r\nA: 1\r\n\r\none\r\n\r\nFrom b\r\nB: 2\r\n\r\ntwo\r\n") },
	  { "box" }, 0,
	  { OK("box#1", "A: 1\r\n\r\none\r\n"), OK("box#2", "B: 2\r\n\r\ntwo\r\n") } },
	{ "empty file and white-space-only file",
	  { F("empty", ""), F("blank", " \n\n") },
	  { "empty", "blank" }, 0,
	  { ERR("empty", "empty file"), ERR("blank", "white space") } },
	{ "empty message inside an mbox",
	  { F("box", "From a\n\nFrom b\nB: 2\n\ntwo\n") },
	  { "box" }, 0,
	  { ERR("box#1", "empty message"), OK("box#2", "B: 2\n\ntwo\n") } },
	{ "separator on the last line without newline",
	  { F("box", "From a\nA: 1\n\nx\n\nFrom b") },
	  { "box" }, 0,
	  { OK("box#1", "A: 1\n\nx\n"), ERR("box#2", "empty message") } },
	{ "NUL bytes are kept",
	  { { 'f', "nul.eml", "A: 1\n\nx\0y\n", 10 } },
	  { "nul.eml" }, 0,
	  { { "nul.eml", "A: 1\n\nx\0y\n", 10, NULL, false } } },
	{ "NUL bytes in an mbox",
	  { { 'f', "box", "From a\nA: \0\n\nFrom b\nB: 2\n", 25 } },
	  { "box" }, 0,
	  { { "box#1", "A: \0\n", 5, NULL, false }, OK("box#2", "B: 2\n") } },
	{ "Maildir: cur and new, not tmp; dot files skipped",
	  { D("md"), D("md/cur"), D("md/new"), D("md/tmp"), F("md/cur/1:2,S", "A: cur\n"),
	    F("md/new/2", "A: new\n"), F("md/tmp/3", "A: tmp\n"), F("md/dovecot-uidlist", "x"),
	    D("md/.Sent"), F("md/.Sent/4", "A: sent\n") },
	  { "md" }, 0,
	  { OK("md/cur/1:2,S", "A: cur\n"), OK("md/new/2", "A: new\n") } },
	{ "a tmp folder outside a Maildir is read",
	  { D("d"), D("d/tmp"), F("d/tmp/1", "A: 1\n") },
	  { "d" }, 0,
	  { OK("d/tmp/1", "A: 1\n") } },
	{ "directory walk: byte order, recursive, dot files skipped",
	  { D("d"), D("d/b"), F("d/b/x", "A: bx\n"), F("d/a", "A: a\n"), F("d/C", "A: C\n"),
	    F("d/.hidden", "A: h\n"), F("d/c", "A: c\n"), D("d/.git"), F("d/.git/y", "A: y\n") },
	  { "d/" }, 0,
	  { OK("d/C", "A: C\n"), OK("d/a", "A: a\n"), OK("d/b/x", "A: bx\n"),
	    OK("d/c", "A: c\n") } },
	{ "symlinked directories are not followed, symlinked files are",
	  { D("d"), D("real"), F("real/m", "A: r\n"), { 'l', "d/link", "../real", 0 },
	    { 'l', "d/lf", "../real/m", 0 }, { 'l', "d/zz", "../nowhere", 0 } },
	  { "d" }, 0,
	  { OK("d/lf", "A: r\n"), ERR("d/zz", "dangling") } },
	{ "a symlinked directory named on the command line is followed",
	  { D("real"), F("real/m", "A: r\n"), { 'l', "link", "real", 0 } },
	  { "link" }, 0,
	  { OK("link/m", "A: r\n") } },
	{ "FIFO and missing file are error items; arguments keep their order",
	  { { 'p', "fifo", NULL, 0 }, F("z.eml", "A: z\n") },
	  { "z.eml", "fifo", "missing", "z.eml" }, 0,
	  { OK("z.eml", "A: z\n"), ERR("fifo", "FIFO"), ERR("missing", "cannot open"),
	    OK("z.eml", "A: z\n") } },
	{ "size cap on a plain file",
	  { F("big.eml", "A: 1\n\n0123456789\n"), F("fit.eml", "A: 1\n\n012\n") },
	  { "big.eml", "fit.eml" }, 10,
	  { { "big.eml", "A: 1\n\n0123", 10, NULL, true },
	    { "fit.eml", "A: 1\n\n012\n", 10, NULL, false } } },
	{ "size cap per message in an mbox",
	  { F("box", "From a\nA: 1\n\n0123456789\n\nFrom b\nB: 2\n\nxy\n\nFrom c\nC: 3\n\n0123456789\n") },
	  { "box" }, 10,
	  { { "box#1", "A: 1\n\n0123", 10, NULL, true }, OK("box#2", "B: 2\n\nxy\n"),
	    { "box#3", "C: 3\n\n0123", 10, NULL, true } } },
};

static char root[64];

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(p);
	return 0;
}

static char *join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *s = malloc(n);
	if (!s)
		abort();
	snprintf(s, n, "%s/%s", a, b);
	return s;
}

static bool make_file(const char *dir, const struct file *f)
{
	char *p = join(dir, f->path);
	bool ok = false;
	switch (f->kind) {
	case 'd':
		ok = mkdir(p, 0700) == 0;
		break;
	case 'l':
		ok = symlink(f->data, p) == 0;
		break;
	case 'p':
		ok = mkfifo(p, 0600) == 0;
		break;
	default: {
		FILE *fp = fopen(p, "wb");
		size_t n = f->len ? f->len : strlen(f->data);
		ok = fp && fwrite(f->data, 1, n, fp) == n;
		if (fp && fclose(fp) != 0)
			ok = false;
		break;
	}
	}
	if (!ok)
		fprintf(stderr, "setup %s: %s\n", p, strerror(errno));
	free(p);
	return ok;
}

static void run_case(size_t ci, const struct tcase *t)
{
	char dname[96];
	snprintf(dname, sizeof dname, "%s/case%zu", root, ci);
	CHECK(mkdir(dname, 0700) == 0, "%s: mkdir", t->name);
	for (size_t i = 0; i < MAXF && t->files[i].kind; i++)
		CHECK(make_file(dname, &t->files[i]), "%s: setup %s", t->name, t->files[i].path);

	char *args[4] = { NULL };
	size_t nargs = 0;
	for (; nargs < 4 && t->args[nargs]; nargs++)
		args[nargs] = join(dname, t->args[nargs]);
	struct pd_input *in = pd_input_new((const char *const *)args, nargs, t->max ? t->max : 1u << 20);
	size_t plen = strlen(dname) + 1;
	struct pd_input_item it;
	size_t k = 0;
	while (pd_input_next(in, &it)) {
		const struct want *w = k < MAXW ? &t->want[k] : NULL;
		CHECK(w && w->source, "%s: unexpected extra item %s", t->name, it.source);
		if (w && w->source) {
			bool under = strncmp(it.source, dname, plen - 1) == 0;
			CHECK_STREQ(under ? it.source + plen : it.source, w->source, t->name);
			if (w->data) {
				size_t n = w->len ? w->len : strlen(w->data);
				CHECK(it.error == NULL, "%s: item %zu: unexpected error %s", t->name, k, it.error);
				CHECK(it.data && it.len == n && memcmp(it.data, w->data, n) == 0,
				      "%s: item %zu: data differs (len %zu, want %zu)", t->name, k, it.len, n);
				CHECK(it.data && it.data[it.len] == '\0', "%s: item %zu: not NUL-terminated",
				      t->name, k);
				CHECK(it.truncated == w->truncated, "%s: item %zu: truncated=%d", t->name, k,
				      it.truncated);
			} else {
				CHECK(it.data == NULL && it.error && strstr(it.error, w->error),
				      "%s: item %zu: want error '%s', got '%s'", t->name, k, w->error,
				      it.error ? it.error : "(none)");
			}
		}
		pd_input_item_clear(&it);
		k++;
	}
	CHECK(k == MAXW || !t->want[k].source, "%s: only %zu items", t->name, k);
	CHECK(pd_input_next(in, &it) == 0, "%s: iterator restarted after the end", t->name);
	pd_input_free(in);
	for (size_t i = 0; i < nargs; i++)
		free(args[i]);
}

/* A separator whose first bytes straddle the 256 KiB read buffer, and a
 * message far larger than one buffer. */
static void test_buffer_edges(void)
{
	static const size_t offsets[] = { 262140, 262141, 262142, 262143, 262144, 262145 };
	for (size_t oi = 0; oi < sizeof offsets / sizeof offsets[0]; oi++) {
		size_t at = offsets[oi];              /* where the 2nd "From " starts */
		size_t n = at + 64;
		char *buf = malloc(n);
		if (!buf)
			abort();
		memcpy(buf, "From a\nA: 1\n\n", 13);
		memset(buf + 13, 'x', at - 13);
		buf[at - 2] = '\n';
		buf[at - 1] = '\n';
		const char tail[] = "From b\nB: 2\n\ny\n";
		memcpy(buf + at, tail, sizeof tail - 1);
		n = at + sizeof tail - 1;
		struct file f = { 'f', "edge", buf, n };
		char dname[96];
		snprintf(dname, sizeof dname, "%s/edge%zu", root, oi);
		CHECK(mkdir(dname, 0700) == 0, "edge mkdir");
		CHECK(make_file(dname, &f), "edge setup");
		char *p = join(dname, "edge");
		const char *args[1] = { p };
		struct pd_input *in = pd_input_new(args, 1, 1u << 20);
		struct pd_input_item it;
		CHECK(pd_input_next(in, &it) == 1, "edge %zu: first", at);
		CHECK(it.data && it.len == at - 1 - 7 && it.data[it.len - 1] == '\n' &&
		      it.data[it.len - 2] == 'x', "edge %zu: len %zu", at, it.len);
		CHECK(it.source && strstr(it.source, "edge#1"), "edge %zu: name", at);
		pd_input_item_clear(&it);
		CHECK(pd_input_next(in, &it) == 1, "edge %zu: second", at);
		CHECK(it.data && it.len == 8 && memcmp(it.data, "B: 2\n\ny\n", 8) == 0,
		      "edge %zu: second len %zu", at, it.len);
		pd_input_item_clear(&it);
		CHECK(pd_input_next(in, &it) == 0, "edge %zu: end", at);
		pd_input_free(in);
		free(p);
		free(buf);
	}
}

int main(void)
{
	snprintf(root, sizeof root, "%s", "/tmp/pd-test-input-XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		run_case(i, &cases[i]);
	test_buffer_edges();
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return CHECK_DONE();
}
