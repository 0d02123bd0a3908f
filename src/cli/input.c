/* input.c - enumerate and frame the messages named on the command line.
 *
 * Owns: the directory walk (a stack of sorted name lists, at most
 * PD_INPUT_MAX_DEPTH deep, symlinked directories never followed, dot
 * files skipped, Maildir tmp/ skipped), the one file being read, and a
 * read buffer.  A file is an mbox when its first bytes are "From "; it is
 * then streamed line by line, so only one message (at most max_bytes of
 * it) is held at a time.  The split rule is the one of score-corpus:
 * a message starts at a line beginning "From " that opens the file or
 * follows a line that is empty after stripping ASCII white space.  The
 * separator line itself is not part of the message.
 * Inputs are hostile: every read is bounded by max_bytes per message,
 * devices and FIFOs are refused without being opened for reading, and
 * every failure becomes an error item.
 */
#include "input.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RBUF_SIZE (256u * 1024u)
#define SEP "From "
#define SEP_LEN 5u

struct dirframe {
	char *path;   /* owned */
	char **names; /* owned, sorted, dot files already removed */
	size_t n, i;
};

/* The file being read and the message being assembled from it. */
struct src {
	bool open, done, detected, mbox, eof, is_stdin;
	int fd;
	char *path;          /* owned; the item source is derived from it */
	unsigned long nmsg;  /* mbox: separators seen so far */
	unsigned long want;  /* "path#N" on the command line: only message N */
	bool skipped;        /* msg_finish dropped a message that is not N */
	/* line state of the mbox splitter */
	char head[SEP_LEN];  /* first bytes of the current line, held back */
	size_t headn;
	bool collect;        /* still collecting head[] */
	bool line_blank;     /* current line is white space so far */
	bool prev_blank;     /* previous complete line was blank */
	bool skip;           /* inside a separator line: drop its bytes */
	/* message under construction */
	char *msg;
	size_t mlen, mcap;
	bool mtrunc;
};

struct pd_input {
	const char *const *paths;
	size_t npaths, argi;
	size_t max_bytes;
	struct dirframe stack[PD_INPUT_MAX_DEPTH];
	size_t depth;
	struct src f;
	char *rbuf;
	size_t rpos, rlen;
};

static void oom(void)
{
	fputs("phishdissect: out of memory\n", stderr);
	abort();
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom();
	return q;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s);
	char *d = xmalloc(n + 1);
	memcpy(d, s, n + 1);
	return d;
}

static char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char probe[1];
	int n = vsnprintf(probe, sizeof probe, fmt, ap);
	va_end(ap);
	if (n < 0)
		return xstrdup("");
	char *s = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

static bool is_ws(char c)
{
	/* Python's bytes.strip() set, as used by score-corpus. */
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static char *path_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir);
	if (dl && dir[dl - 1] == '/')
		return xprintf("%s%s", dir, name);
	return xprintf("%s/%s", dir, name);
}

/* Error item; takes ownership of source. */
static void item_error(struct pd_input_item *item, char *source, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void item_error(struct pd_input_item *item, char *source, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char buf[512];
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	memset(item, 0, sizeof *item);
	item->source = source;
	item->error = xstrdup(buf);
}

static const char *kind_of(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

/* ---- message assembly ---- */

static void msg_append(struct pd_input *in, const char *p, size_t n)
{
	struct src *f = &in->f;
	if (n == 0)
		return;
	if (f->mlen >= in->max_bytes) {
		f->mtrunc = true;
		return;
	}
	size_t room = in->max_bytes - f->mlen;
	if (n > room) {
		n = room;
		f->mtrunc = true;
	}
	if (f->mcap - f->mlen < n + 1) {
		size_t need = f->mlen + n + 1;
		size_t cap = f->mcap ? f->mcap : 8192;
		while (cap < need)
			cap = cap > SIZE_MAX / 2 ? need : cap * 2;
		if (cap > in->max_bytes + 1 && need <= in->max_bytes + 1)
			cap = in->max_bytes + 1;
		f->msg = xrealloc(f->msg, cap);
		f->mcap = cap;
	}
	memcpy(f->msg + f->mlen, p, n);
	f->mlen += n;
}

/* Hand the assembled message to item.  last: no separator follows, so
 * the count of messages in this file is now known. */
static void msg_finish(struct pd_input *in, struct pd_input_item *item, bool last)
{
	struct src *f = &in->f;
	char *source;
	if (f->want && f->nmsg != f->want) {
		/* not the message asked for: drop it unread */
		free(f->msg);
		f->msg = NULL;
		f->mlen = f->mcap = 0;
		f->mtrunc = false;
		f->skipped = true;
		if (last) {
			unsigned long have = f->mbox ? f->nmsg : 1;
			item_error(item, xprintf("%s#%lu", f->path, f->want), "no message %lu: %s holds %lu",
			           f->want, f->path, have);
		}
		return;
	}
	if (f->want)
		source = xprintf("%s#%lu", f->path, f->want);
	else if (!f->mbox || (last && f->nmsg <= 1))
		source = xstrdup(f->path);
	else
		source = xprintf("%s#%lu", f->path, f->nmsg);

	bool empty = true;
	for (size_t i = 0; empty && i < f->mlen; i++)
		empty = is_ws(f->msg[i]);
	if (empty) {
		/* White space alone is no message: say so here rather
		 * than have the analyser guess. */
		free(f->msg);
		item_error(item, source, f->mbox ? "empty message in mbox" : "no message: only white space");
	} else {
		/* The blank line before a separator belongs to the mbox. */
		if (!last && !f->mtrunc) {
			if (f->mlen >= 4 && memcmp(f->msg + f->mlen - 4, "\r\n\r\n", 4) == 0)
				f->mlen -= 2;
			else if (f->mlen >= 2 && memcmp(f->msg + f->mlen - 2, "\n\n", 2) == 0)
				f->mlen -= 1;
		}
		if (f->mcap - f->mlen > f->mcap / 4)
			f->msg = xrealloc(f->msg, f->mlen + 1);
		f->msg[f->mlen] = '\0';
		memset(item, 0, sizeof *item);
		item->source = source;
		item->data = f->msg;
		item->len = f->mlen;
		item->truncated = f->mtrunc;
	}
	f->msg = NULL;
	f->mlen = f->mcap = 0;
	f->mtrunc = false;
}

/* ---- the file being read ---- */

static void file_close(struct pd_input *in)
{
	struct src *f = &in->f;
	if (f->open && !f->is_stdin && f->fd >= 0)
		close(f->fd);
	free(f->path);
	free(f->msg);
	memset(f, 0, sizeof *f);
	f->fd = -1;
	in->rpos = in->rlen = 0;
}

/* Start reading path (owned).  Returns 1 with an error item if the file
 * cannot be used, 0 if it is open. */
static int file_open(struct pd_input *in, char *path, bool is_stdin, struct pd_input_item *item)
{
	int fd = 0;
	if (!is_stdin) {
		/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd < 0) {
			int e = errno;
			item_error(item, path, "cannot open: %s", strerror(e));
			return 1;
		}
		struct stat st;
		if (fstat(fd, &st) != 0) {
			int e = errno;
			close(fd);
			item_error(item, path, "cannot stat: %s", strerror(e));
			return 1;
		}
		if (!S_ISREG(st.st_mode)) {
			close(fd);
			item_error(item, path, "not a regular file (%s)", kind_of(st.st_mode));
			return 1;
		}
	}
	struct src *f = &in->f;
	memset(f, 0, sizeof *f);
	f->open = true;
	f->is_stdin = is_stdin;
	f->fd = fd;
	f->path = path;
	f->collect = true;
	f->line_blank = true;
	f->prev_blank = true; /* the first line may be a separator */
	in->rpos = in->rlen = 0;
	return 0;
}

/* Read more bytes into rbuf.  0 ok (eof set at end), -1 error (errno). */
static int fill(struct pd_input *in)
{
	struct src *f = &in->f;
	if (in->rpos == in->rlen)
		in->rpos = in->rlen = 0;
	if (in->rlen == RBUF_SIZE)
		return 0;
	for (;;) {
		ssize_t r = read(f->fd, in->rbuf + in->rlen, RBUF_SIZE - in->rlen);
		if (r > 0) {
			in->rlen += (size_t)r;
			return 0;
		}
		if (r == 0) {
			f->eof = true;
			return 0;
		}
		if (errno != EINTR)
			return -1;
	}
}

static void line_end(struct src *f)
{
	f->prev_blank = f->line_blank;
	f->headn = 0;
	f->collect = true;
	f->line_blank = true;
	f->skip = false;
}

/* Run the splitter over the buffered bytes.  Returns 1 when a message
 * was completed by the next separator (item filled), 0 when the buffer
 * is used up. */
static int mbox_feed(struct pd_input *in, struct pd_input_item *item)
{
	struct src *f = &in->f;
	while (in->rpos < in->rlen) {
		const char *p = in->rbuf + in->rpos;
		size_t n = in->rlen - in->rpos;
		if (f->collect) {
			/* Hold back the first bytes of a line until we know
			 * whether it is a separator. */
			char c = *p;
			in->rpos++;
			f->head[f->headn++] = c;
			if (!is_ws(c))
				f->line_blank = false;
			if (c == '\n') {
				msg_append(in, f->head, f->headn);
				line_end(f);
				continue;
			}
			if (f->headn < SEP_LEN)
				continue;
			f->collect = false;
			if (f->prev_blank && memcmp(f->head, SEP, SEP_LEN) == 0) {
				f->skip = true;
				if (f->nmsg > 0) {
					msg_finish(in, item, false);
					f->nmsg++;
					if (f->skipped) {
						f->skipped = false;
						continue;
					}
					if (f->want)
						f->done = true; /* the one asked for: stop reading */
					return 1;
				}
				f->nmsg = 1;
			} else {
				msg_append(in, f->head, f->headn);
			}
			continue;
		}
		const char *nl = memchr(p, '\n', n);
		size_t seg = nl ? (size_t)(nl - p) + 1 : n;
		for (size_t i = 0; f->line_blank && i < seg; i++)
			if (!is_ws(p[i]))
				f->line_blank = false;
		if (!f->skip)
			msg_append(in, p, seg);
		in->rpos += seg;
		if (nl)
			line_end(f);
	}
	return 0;
}

/* Next item from the open file: 1 item, 0 file finished. */
static int file_next(struct pd_input *in, struct pd_input_item *item)
{
	struct src *f = &in->f;
	if (f->done)
		return 0;
	if (!f->detected) {
		while (in->rlen < SEP_LEN && !f->eof) {
			if (fill(in) < 0)
				goto read_error;
		}
		if (in->rlen == 0) {
			f->done = true;
			item_error(item, xstrdup(f->path), f->is_stdin ? "empty input" : "empty file");
			return 1;
		}
		f->mbox = in->rlen >= SEP_LEN && memcmp(in->rbuf, SEP, SEP_LEN) == 0;
		f->detected = true;
	}
	if (!f->mbox) {
		for (;;) {
			msg_append(in, in->rbuf + in->rpos, in->rlen - in->rpos);
			in->rpos = in->rlen;
			if (f->mtrunc || f->eof)
				break;
			if (fill(in) < 0)
				goto read_error;
		}
		f->nmsg = 1;
		f->done = true;
		msg_finish(in, item, true);
		return 1;
	}
	for (;;) {
		if (mbox_feed(in, item))
			return 1;
		if (f->eof) {
			if (f->collect && f->headn)
				msg_append(in, f->head, f->headn);
			f->headn = 0;
			f->done = true;
			msg_finish(in, item, true);
			return 1;
		}
		if (fill(in) < 0)
			goto read_error;
	}
read_error:;
	int e = errno;
	f->done = true;
	item_error(item, xstrdup(f->path), "read error: %s", strerror(e));
	return 1;
}

/* ---- directories ---- */

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_subdir(const char *dir, const char *name)
{
	char *p = path_join(dir, name);
	struct stat st;
	bool r = lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
	free(p);
	return r;
}

static void names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Push directory path (owned).  nofollow: refuse a symlink in the last
 * component (for directories met during the walk).  Returns 1 with an
 * error item on failure, 0 if pushed. */
static int dir_push(struct pd_input *in, char *path, bool nofollow, struct pd_input_item *item)
{
	if (in->depth >= PD_INPUT_MAX_DEPTH) {
		item_error(item, path, "directories nested deeper than %d", PD_INPUT_MAX_DEPTH);
		return 1;
	}
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0));
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		item_error(item, path, "cannot open directory: %s", strerror(e));
		return 1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	bool has_cur = false, has_new = false, has_tmp = false;
	for (;;) {
		errno = 0;
		struct dirent *de = readdir(d);
		if (!de)
			break;
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = xrealloc(names, cap * sizeof *names);
		}
		names[n++] = xstrdup(de->d_name);
		if (strcmp(de->d_name, "cur") == 0)
			has_cur = true;
		else if (strcmp(de->d_name, "new") == 0)
			has_new = true;
		else if (strcmp(de->d_name, "tmp") == 0)
			has_tmp = true;
	}
	int e = errno;
	closedir(d);
	if (e) {
		names_free(names, n);
		item_error(item, path, "cannot read directory: %s", strerror(e));
		return 1;
	}
	if (n)
		qsort(names, n, sizeof *names, cmp_name);
	if (has_cur && has_new && has_tmp && is_subdir(path, "cur") && is_subdir(path, "new") &&
	    is_subdir(path, "tmp")) {
		/* A Maildir: messages live in cur/ and new/; tmp/ holds
		 * deliveries in progress. */
		size_t k = 0;
		for (size_t i = 0; i < n; i++) {
			if (strcmp(names[i], "cur") == 0 || strcmp(names[i], "new") == 0)
				names[k++] = names[i];
			else
				free(names[i]);
		}
		n = k;
	}
	struct dirframe *fr = &in->stack[in->depth++];
	fr->path = path;
	fr->names = names;
	fr->n = n;
	fr->i = 0;
	return 0;
}

static void dir_pop(struct pd_input *in)
{
	struct dirframe *fr = &in->stack[--in->depth];
	free(fr->path);
	names_free(fr->names, fr->n);
	memset(fr, 0, sizeof *fr);
}

/* ---- public ---- */

/* "box.mbox#12" names message 12 of box.mbox, as reports name it: the
 * file part (owned) if arg has that form and the file exists, else NULL. */
static char *mbox_member(const char *arg, unsigned long *want)
{
	const char *hash = strrchr(arg, '#');
	if (!hash || hash == arg || !hash[1] || strlen(hash + 1) > 9)
		return NULL;
	unsigned long n = 0;
	for (const char *p = hash + 1; *p; p++) {
		if (*p < '0' || *p > '9')
			return NULL;
		n = n * 10 + (unsigned long)(*p - '0');
	}
	if (n == 0)
		return NULL;
	char *base = xprintf("%.*s", (int)(hash - arg), arg);
	struct stat st;
	if (stat(base, &st) != 0 || !S_ISREG(st.st_mode)) {
		free(base);
		return NULL;
	}
	*want = n;
	return base;
}

struct pd_input *pd_input_new(const char *const *paths, size_t npaths, size_t max_bytes)
{
	struct pd_input *in = xmalloc(sizeof *in);
	memset(in, 0, sizeof *in);
	in->paths = paths;
	in->npaths = npaths;
	in->max_bytes = max_bytes && max_bytes < SIZE_MAX ? max_bytes : SIZE_MAX - 1;
	in->rbuf = xmalloc(RBUF_SIZE);
	in->f.fd = -1;
	return in;
}

int pd_input_next(struct pd_input *in, struct pd_input_item *item)
{
	memset(item, 0, sizeof *item);
	for (;;) {
		if (in->f.open) {
			if (file_next(in, item))
				return 1;
			file_close(in);
			continue;
		}
		if (in->depth) {
			struct dirframe *fr = &in->stack[in->depth - 1];
			if (fr->i == fr->n) {
				dir_pop(in);
				continue;
			}
			char *full = path_join(fr->path, fr->names[fr->i++]);
			struct stat st;
			if (lstat(full, &st) != 0) {
				int e = errno;
				item_error(item, full, "cannot stat: %s", strerror(e));
				return 1;
			}
			if (S_ISLNK(st.st_mode)) {
				if (stat(full, &st) != 0) {
					item_error(item, full, "dangling symbolic link");
					return 1;
				}
				if (S_ISDIR(st.st_mode)) {
					free(full); /* symlinked directories are not followed */
					continue;
				}
			}
			if (S_ISDIR(st.st_mode)) {
				if (dir_push(in, full, true, item))
					return 1;
				continue;
			}
			if (file_open(in, full, false, item))
				return 1;
			continue;
		}
		if (in->argi < in->npaths) {
			const char *arg = in->paths[in->argi++];
			if (strcmp(arg, "-") == 0) {
				file_open(in, xstrdup("-"), true, item);
				continue;
			}
			struct stat st;
			if (stat(arg, &st) != 0) {
				int e = errno;
				unsigned long want;
				char *base = e == ENOENT ? mbox_member(arg, &want) : NULL;
				if (base) {
					if (file_open(in, base, false, item))
						return 1;
					in->f.want = want;
					continue;
				}
				item_error(item, xstrdup(arg), "cannot open: %s", strerror(e));
				return 1;
			}
			if (S_ISDIR(st.st_mode)) {
				if (dir_push(in, xstrdup(arg), false, item))
					return 1;
				continue;
			}
			if (file_open(in, xstrdup(arg), false, item))
				return 1;
			continue;
		}
		return 0;
	}
}

void pd_input_free(struct pd_input *in)
{
	if (!in)
		return;
	if (in->f.open)
		file_close(in);
	while (in->depth)
		dir_pop(in);
	free(in->rbuf);
	free(in);
}

void pd_input_item_clear(struct pd_input_item *item)
{
	if (!item)
		return;
	free(item->source);
	free(item->data);
	free(item->error);
	memset(item, 0, sizeof *item);
}
