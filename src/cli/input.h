/* input.h - turn command-line PATHs into a stream of mail messages.
 *
 * A PATH is a file, "-" (standard input) or a directory walked
 * recursively in byte order of names.  A file whose content starts with
 * "From " is an mbox and yields one item per message.  "box#N", when no
 * file has that name but box does, yields only message N of box.  Unreadable inputs
 * become items carrying an error, so a batch never aborts on one bad
 * file.  Only libc is used: the unit test and pd-bench link this file
 * without the analysis library.
 */
#ifndef PD_CLI_INPUT_H
#define PD_CLI_INPUT_H

#include <stdbool.h>
#include <stddef.h>

struct pd_input;

/* One message (or one failure).  After pd_input_next() returns 1 the
 * caller owns every pointer here and releases them with
 * pd_input_item_clear(). */
struct pd_input_item {
	char *source;   /* "path", "path#N" (mbox, N from 1) or "-"; never NULL */
	char *data;     /* message bytes, data[len] == '\0'; NULL when error */
	size_t len;     /* at most the max_bytes given to pd_input_new() */
	bool truncated; /* the message was longer than max_bytes and was cut */
	char *error;    /* why the input could not be read, or NULL */
};

/* Iterator over paths[0..npaths).  paths are borrowed and must outlive
 * the iterator.  max_bytes bounds every message kept in memory (an mbox
 * file itself may be larger: it is streamed).  Never NULL. */
struct pd_input *pd_input_new(const char *const *paths, size_t npaths, size_t max_bytes);
/* Fill *item with the next message: 1 if an item was produced, 0 at the
 * end.  Errors are items (item->error set), not return values. */
int pd_input_next(struct pd_input *in, struct pd_input_item *item);
void pd_input_free(struct pd_input *in);
/* Free the item's buffers and zero it.  NULL-safe. */
void pd_input_item_clear(struct pd_input_item *item);

/* Directory nesting beyond this is reported as an error item. */
#define PD_INPUT_MAX_DEPTH 64

#endif
