/* fold.c - fold NFKC text into the form brand aliases and lure phrases are
 * matched in (see fold.h for the rules).  One pass, bounded by the input,
 * output never longer than the input.  Confusable letters follow the
 * Unicode confusables data (UTS #39) for the Cyrillic, Greek and Armenian
 * letters and the Latin small capitals that look like basic Latin ones. */
#include "base/fold.h"

#include <stdbool.h>

#include <unicode/uchar.h>

#include "base/safe.h"
#include "base/text.h"

/* Cyrillic/Greek/Armenian letter or Latin small capital that looks like an
 * ASCII one: the ASCII letter, or 0. */
static char confusable(uint32_t cp)
{
	switch (cp) {
	/* Latin small capitals (phonetic extensions, IPA): "ᴘᴀʏᴍᴇɴᴛ" */
	case 0x1D00: return 'a';
	case 0x0299: return 'b';
	case 0x1D04: return 'c';
	case 0x1D05: return 'd';
	case 0x1D07: return 'e';
	case 0x0262: return 'g';
	case 0x029C: return 'h';
	case 0x026A: return 'i';
	case 0x1D0A: return 'j';
	case 0x1D0B: return 'k';
	case 0x029F: return 'l';
	case 0x1D0D: return 'm';
	case 0x0274: return 'n';
	case 0x1D0F: return 'o';
	case 0x1D18: return 'p';
	case 0x0280: return 'r';
	case 0xA731: return 's';
	case 0x1D1B: return 't';
	case 0x1D1C: return 'u';
	case 0x1D20: return 'v';
	case 0x1D21: return 'w';
	case 0x028F: return 'y';
	case 0x1D22: return 'z';
	/* Armenian */
	case 0x0578: return 'n';
	case 0x057D: return 'u';
	case 0x0585: return 'o';
	/* Cyrillic capitals and small letters */
	case 0x0410: case 0x0430: return 'a';
	case 0x0412: case 0x0432: return 'b';
	case 0x0415: case 0x0435: return 'e';
	case 0x041A: case 0x043A: return 'k';
	case 0x041C: case 0x043C: return 'm';
	case 0x041D: case 0x043D: return 'h';
	case 0x041E: case 0x043E: return 'o';
	case 0x0420: case 0x0440: return 'p';
	case 0x0421: case 0x0441: return 'c';
	case 0x0422: case 0x0442: return 't';
	case 0x0423: case 0x0443: return 'y';
	case 0x0425: case 0x0445: return 'x';
	case 0x0405: case 0x0455: return 's';
	case 0x0406: case 0x0456: return 'i';
	case 0x0408: case 0x0458: return 'j';
	case 0x0501: return 'd';
	case 0x051B: return 'q';
	case 0x051D: return 'w';
	case 0x0461: return 'w';
	case 0x04BB: return 'h';
	case 0x04CF: return 'l';
	/* Greek */
	case 0x0391: case 0x03B1: return 'a';
	case 0x0392: case 0x03B2: return 'b';
	case 0x0395: return 'e';
	case 0x0396: return 'z';
	case 0x0397: return 'h';
	case 0x0399: case 0x03B9: return 'i';
	case 0x039A: case 0x03BA: return 'k';
	case 0x039C: return 'm';
	case 0x039D: case 0x03BD: return 'n';
	case 0x039F: case 0x03BF: return 'o';
	case 0x03A1: case 0x03C1: return 'p';
	case 0x03A4: case 0x03C4: return 't';
	case 0x03A5: case 0x03C5: return 'u';
	case 0x03A7: case 0x03C7: return 'x';
	default: return 0;
	}
}

char pd_fold_lookalike(uint32_t cp)
{
	return confusable(cp);
}

/* A combining mark (general category Mn or Me). */
static bool is_mark(uint32_t cp)
{
	if (cp < 0x300)
		return false;
	int8_t t = u_charType((UChar32)cp);
	return t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK;
}

static bool is_space_cp(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == '\v' || cp == '\f' ||
	       cp == 0xA0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F;
}

static void mark(uint32_t *pos, unsigned *n, unsigned *total, size_t at)
{
	if (*n < PD_FOLD_MAX_MARKS)
		pos[(*n)++] = (uint32_t)at;
	(*total)++;
}

char *pd_fold(struct pd_arena *a, const char *s, size_t n, size_t *out_n, struct pd_fold_marks *marks)
{
	char *o = pd_arena_alloc_raw(a, n + 1);
	const unsigned char *u = (const unsigned char *)s;
	size_t k = 0, i = 0;
	bool pending_space = false;
	if (marks) {
		marks->nhidden = marks->hidden_total = 0;
		marks->nconf = marks->conf_total = 0;
	}
	while (i < n) {
		/* a run of printable ASCII other than space (most mail text): the
		 * byte in lower case, nothing else to check */
		if (u[i] > 0x20 && u[i] < 0x80) {
			if (pending_space) {
				if (k > 0 && (unsigned char)o[k - 1] < 0x80)
					o[k++] = ' ';
				pending_space = false;
			}
			do
				o[k++] = (char)pd_tolower(u[i++]);
			while (i < n && u[i] > 0x20 && u[i] < 0x80);
			continue;
		}
		uint32_t cp;
		size_t l;
		if (u[i] < 0x80) {
			cp = u[i];
			l = 1;
		} else {
			l = pd_utf8_decode(u + i, n - i, &cp);
		}
		i += l;
		if (is_space_cp(cp)) {
			pending_space = k > 0;
			continue;
		}
		if (pd_cp_is_zero_width(cp) || pd_cp_is_bidi(cp)) {
			if (marks)
				mark(marks->hidden, &marks->nhidden, &marks->hidden_total, k);
			continue;
		}
		if (cp == 0x30FB || cp == 0xFF65 || cp == 0xB7)
			continue;
		/* combining marks on a Latin letter ("Aܿmܿaܿzܿon"): NFKC has
		 * already composed every real accented letter, what is left is
		 * decoration that splits words for filters */
		if (k > 0 && pd_isalpha((unsigned char)o[k - 1]) && !pending_space && is_mark(cp)) {
			if (marks)
				mark(marks->hidden, &marks->nhidden, &marks->hidden_total, k);
			continue;
		}
		char c = 0;
		if (cp < 0x80) {
			c = (char)pd_tolower((int)cp);
		} else if ((c = confusable(cp)) != 0) {
			if (marks)
				mark(marks->conf, &marks->nconf, &marks->conf_total, k);
		}
		if (pending_space) {
			/* keep a space only between two ASCII characters */
			if (c && k > 0 && (unsigned char)o[k - 1] < 0x80)
				o[k++] = ' ';
			pending_space = false;
		}
		if (c) {
			o[k++] = c;
			continue;
		}
		if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
			cp += 0x20;
		else if (cp >= 0x3041 && cp <= 0x3096)
			cp += 0x60;
		/* never longer than the input: each code point keeps its length
		 * (Latin-1 2 bytes, kana 3 bytes); an invalid byte decoded as
		 * U+FFFD (one byte in, three out) becomes '?' */
		char enc[4];
		size_t el = pd_utf8_encode(cp, enc);
		if (el > l) {
			o[k++] = '?';
			continue;
		}
		for (size_t j = 0; j < el; j++)
			o[k++] = enc[j];
	}
	o[k] = '\0';
	if (out_n)
		*out_n = k;
	return o;
}

int pd_fold_marks_within(const uint32_t *pos, unsigned n, size_t start, size_t end)
{
	for (unsigned i = 0; i < n; i++)
		if (pos[i] > start && pos[i] < end)
			return 1;
	return 0;
}
