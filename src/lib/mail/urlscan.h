/* urlscan.h - find URLs in plain text (what a mail client would linkify). */
#ifndef PD_URLSCAN_H
#define PD_URLSCAN_H

#include <stddef.h>

#include "base/arena.h"

/* Called for each URL found: p[0..n) inside the text. Return nonzero to stop. */
typedef int (*pd_urlscan_fn)(void *ud, const char *p, size_t n);

/* Scan UTF-8 text for http://, https://, ftp:// and "www." links.  A URL
 * ends at whitespace, quotes, <>, and CJK/full-width punctuation
 * (「」、。（）【】 etc.); trailing . , ; : ! ? and unbalanced ) ] are not
 * part of it.  Returns the number of URLs reported. */
unsigned pd_urlscan(const char *text, size_t n, pd_urlscan_fn fn, void *ud);

#endif
