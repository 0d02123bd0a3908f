/* fold.h - the matching form of text, for brand aliases and lure phrases.
 *
 * Input is UTF-8 that is already NFKC-normalised (full-width letters and
 * half-width katakana are then ordinary letters and katakana).  Folding:
 *   - ASCII and Latin-1 letters to lower case;
 *   - hiragana to katakana (えきねっと = エキネット);
 *   - Cyrillic and Greek letters that look like Latin ones to those
 *     letters ("Аmazon" with a Cyrillic А), each such position recorded;
 *   - Latin small capitals (ᴘᴀʏ) read as the letters, recorded the same way;
 *   - zero-width and bidi control characters removed, positions recorded;
 *   - combining marks right after a Latin letter removed ("Aܿmܿaܿzܿon" =
 *     "amazon"; NFKC input has no real accents left in that form),
 *     positions recorded as hidden characters;
 *   - middle dots (・ ･ ·) removed ("カゴヤ・ジャパン" = "カゴヤジャパン");
 *   - runs of white space to one space, or to nothing unless both sides are
 *     ASCII ("三井住友 カード" = "三井住友カード").
 * The output is never longer than the input. */
#ifndef PD_FOLD_H
#define PD_FOLD_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

#define PD_FOLD_MAX_MARKS 32

/* Output offsets where hidden characters were removed / look-alike letters
 * substituted (at most PD_FOLD_MAX_MARKS of each are recorded; the totals
 * count all). */
struct pd_fold_marks {
	uint32_t hidden[PD_FOLD_MAX_MARKS];
	unsigned nhidden, hidden_total;
	uint32_t conf[PD_FOLD_MAX_MARKS];
	unsigned nconf, conf_total;
};

/* Folded copy of s[0..n) in the arena, NUL-terminated; *out_n its length.
 * marks may be NULL. */
char *pd_fold(struct pd_arena *a, const char *s, size_t n, size_t *out_n, struct pd_fold_marks *marks);

/* The ASCII letter a Cyrillic, Greek or Armenian letter or a Latin small
 * capital looks like (the letters pd_fold reads as Latin), or 0. */
char pd_fold_lookalike(uint32_t cp);

/* Does any recorded mark lie strictly inside [start, end)? */
int pd_fold_marks_within(const uint32_t *pos, unsigned n, size_t start, size_t end);

#endif
