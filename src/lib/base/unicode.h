/* unicode.h - Unicode normalisation (ICU) for analysis text. */
#ifndef PD_UNICODE_H
#define PD_UNICODE_H

#include <stddef.h>

#include "base/arena.h"

/* NFKC of valid UTF-8 s[0..n) (pure ASCII is returned as is, without a
 * copy).  On any ICU error the input is returned unchanged. */
const char *pd_nfkc(struct pd_arena *a, const char *s, size_t n, size_t *out_n);

#endif
