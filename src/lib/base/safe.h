/* safe.h - make attacker-controlled text safe to show.
 *
 * Defanging turns URLs, host names and IPs into forms that no terminal,
 * chat tool or mail client turns back into a live link.  Terminal escaping
 * keeps control characters, ANSI escape sequences, bidirectional overrides,
 * zero-width characters and invalid UTF-8 from reaching a terminal raw:
 * each becomes a visible marker such as <U+202E>. */
#ifndef PD_SAFE_H
#define PD_SAFE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

/* "https://evil.example/x" -> "hxxps://evil[.]example/x".  Dots in the
 * host (and in an IP) become "[.]", "http" becomes "hxxp", "ftp" "fxp",
 * "@" in the authority "[@]".  Also escapes for the terminal. */
char *pd_defang_url(struct pd_arena *a, const char *url);
/* "evil.example" -> "evil[.]example"; works for IPv4 too (IPv6: ':' kept). */
char *pd_defang_host(struct pd_arena *a, const char *host);

/* Free text with hosts, IPs and URLs defanged token by token (e-mail
 * addresses and plain numbers are kept); terminal-safe. */
char *pd_defang_text(struct pd_arena *a, const char *s);

/* Is cp a character that must never reach a terminal raw (controls, C1,
 * bidi controls, zero-width and other invisible format characters)? */
bool pd_cp_is_unsafe(uint32_t cp);
/* Is cp a bidi control (U+202A-202E, U+2066-2069, U+200E/F, U+061C)? */
bool pd_cp_is_bidi(uint32_t cp);
/* Is cp an invisible zero-width character (U+200B-200D, U+2060-2064, U+FEFF, U+180E, U+00AD)? */
bool pd_cp_is_zero_width(uint32_t cp);

enum pd_term_flags {
	PD_TERM_KEEP_NEWLINES = 1, /* keep '\n' (and '\t'); otherwise shown as markers */
};
/* Terminal-safe copy of s[0..n): printable text is kept, every unsafe
 * character becomes "<U+XXXX>", invalid bytes "<XX>", ESC "<ESC>". */
char *pd_term_safe(struct pd_arena *a, const char *s, size_t n, unsigned flags);

/* Counts of hidden characters in UTF-8 text (for findings): bidi counts
 * only overrides, embeddings and isolates (U+202A-202E, U+2066-2069), which
 * reorder text; the direction marks (U+200E/200F/061C) that right-to-left
 * writers' mail programs insert are not counted. */
void pd_count_hidden(const char *s, size_t n, unsigned *bidi, unsigned *zero_width);

#endif
