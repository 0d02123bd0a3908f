/* safe.c - defanging and terminal-safe escaping of attacker text.
 * See safe.h.  Output is bounded by a constant factor of the input. */
#include "base/safe.h"

#include <stdio.h>
#include <string.h>

#include "base/text.h"

bool pd_cp_is_bidi(uint32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200E || cp == 0x200F || cp == 0x061C;
}

bool pd_cp_is_zero_width(uint32_t cp)
{
	return (cp >= 0x200B && cp <= 0x200D) || (cp >= 0x2060 && cp <= 0x2064) ||
	       cp == 0xFEFF || cp == 0x180E || cp == 0x00AD || cp == 0x034F ||
	       cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0;
}

bool pd_cp_is_unsafe(uint32_t cp)
{
	if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
		return true;
	if (pd_cp_is_bidi(cp) || pd_cp_is_zero_width(cp))
		return true;
	/* line/paragraph separators, interlinear annotation, tags, specials */
	if (cp == 0x2028 || cp == 0x2029 || (cp >= 0xFFF9 && cp <= 0xFFFB) ||
	    (cp >= 0xE0000 && cp <= 0xE007F) || cp == 0xFFFE || cp == 0xFFFF)
		return true;
	return false;
}

char *pd_term_safe(struct pd_arena *a, const char *s, size_t n, unsigned flags)
{
	struct pd_buf b;
	pd_buf_init(&b, a, n * 10 + 16);
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned char c = u[i];
		if (c >= 0x20 && c < 0x7F) { /* a run of printable ASCII: one copy */
			size_t j = i + 1;
			while (j < n && u[j] >= 0x20 && u[j] < 0x7F)
				j++;
			pd_buf_add(&b, u + i, j - i);
			i = j;
			continue;
		}
		if (c == '\n' || c == '\t') {
			if (flags & PD_TERM_KEEP_NEWLINES)
				pd_buf_addc(&b, (char)c);
			else
				pd_buf_addc(&b, ' ');
			i++;
			continue;
		}
		if (c == 0x1B) {
			pd_buf_adds(&b, "<ESC>");
			i++;
			continue;
		}
		if (c == '\r') {
			i++;
			continue;
		}
		size_t l = pd_utf8_seqlen(u + i, n - i);
		if (!l) {
			pd_buf_printf(&b, "<%02X>", c);
			i++;
			continue;
		}
		uint32_t cp;
		pd_utf8_decode(u + i, n - i, &cp);
		if (pd_cp_is_unsafe(cp))
			pd_buf_printf(&b, "<U+%04X>", (unsigned)cp);
		else
			pd_buf_add(&b, u + i, l);
		i += l;
	}
	return b.p;
}

char *pd_defang_host(struct pd_arena *a, const char *host)
{
	size_t n = strlen(host);
	struct pd_buf b;
	pd_buf_init(&b, a, n * 3 + 16);
	for (size_t i = 0; i < n; i++) {
		if (host[i] == '.')
			pd_buf_adds(&b, "[.]");
		else
			pd_buf_addc(&b, host[i]);
	}
	return pd_term_safe(a, b.p, b.n, 0);
}

char *pd_defang_url(struct pd_arena *a, const char *url)
{
	size_t n = strlen(url);
	struct pd_buf b;
	pd_buf_init(&b, a, n * 3 + 16);
	size_t i = 0;
	/* scheme */
	const char *colon = memchr(url, ':', n < 32 ? n : 32);
	if (colon) {
		size_t sl = (size_t)(colon - url);
		bool ok = sl > 0;
		for (size_t k = 0; k < sl && ok; k++)
			ok = pd_isalnum((unsigned char)url[k]) || url[k] == '+' || url[k] == '-' || url[k] == '.';
		if (ok) {
			if (sl >= 4 && pd_strnieq(url, "http", 4)) {
				pd_buf_adds(&b, "hxxp");
				for (size_t k = 4; k < sl; k++)
					pd_buf_addc(&b, (char)pd_tolower((unsigned char)url[k]));
			} else if (sl == 3 && pd_strnieq(url, "ftp", 3)) {
				pd_buf_adds(&b, "fxp");
			} else {
				pd_buf_add(&b, url, sl);
			}
			i = sl;
		}
	}
	/* authority: from after "://" (or "//") up to / ? # */
	size_t auth_start = SIZE_MAX;
	if (i < n && url[i] == ':')
		pd_buf_addc(&b, url[i++]);
	if (i + 1 < n && (url[i] == '/' || url[i] == '\\') && (url[i + 1] == '/' || url[i + 1] == '\\')) {
		pd_buf_add(&b, url + i, 2);
		i += 2;
		auth_start = i;
	} else if (i == 0) {
		auth_start = 0; /* bare host/path like "www.example.com/x" */
	}
	if (auth_start != SIZE_MAX) {
		while (i < n && url[i] != '/' && url[i] != '?' && url[i] != '#' && url[i] != '\\') {
			if (url[i] == '.')
				pd_buf_adds(&b, "[.]");
			else if (url[i] == '@')
				pd_buf_adds(&b, "[@]");
			else
				pd_buf_addc(&b, url[i]);
			i++;
		}
	}
	pd_buf_add(&b, url + i, n - i);
	return pd_term_safe(a, b.p, b.n, 0);
}

void pd_count_hidden(const char *s, size_t n, unsigned *bidi, unsigned *zero_width)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned nb = 0, nz = 0;
	for (size_t i = 0; i < n;) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		i += pd_utf8_decode(u + i, n - i, &cp);
		if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
			nb++;
		else if (pd_cp_is_bidi(cp))
			continue;
		else if (pd_cp_is_zero_width(cp))
			nz++;
	}
	if (bidi)
		*bidi = nb;
	if (zero_width)
		*zero_width = nz;
}

static bool tok_is_hostish(const char *s, size_t n)
{
	/* a.b with letters/digits/hyphens, no '@' (addresses stay readable) */
	bool dot = false;
	if (n < 3)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.')
			dot = true;
		else if (!(pd_isalnum(c) || c == '-' || c == '_'))
			return false;
	}
	return dot && s[0] != '.' && s[n - 1] != '.' && pd_isalnum((unsigned char)s[n - 1]);
}

char *pd_defang_text(struct pd_arena *a, const char *s)
{
	size_t n = strlen(s);
	struct pd_buf b;
	pd_buf_init(&b, a, n * 3 + 16);
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		/* non-ASCII ends a token too: Japanese text runs straight into
		 * a host name ("smbc-card.com（認証済み）") */
		while (j < n && s[j] != ' ' && s[j] != ',' && s[j] != '(' && s[j] != ')' && s[j] != '"' &&
		       s[j] != '[' && s[j] != ']' && s[j] != ';' && (unsigned char)s[j] < 0x80)
			j++;
		if (j > i) {
			const char *t = s + i;
			size_t tl = j - i;
			const char *css = memchr(t, ':', tl);
			if (css && tl - (size_t)(css - t) >= 3 && css[1] == '/' && css[2] == '/') {
				char *tok = pd_arena_strndup(a, t, tl);
				pd_buf_adds(&b, pd_defang_url(a, tok));
			} else if (!memchr(t, '@', tl) && tok_is_hostish(t, tl) &&
			           !(tl <= 6 && pd_isdigit((unsigned char)t[0]))) {
				/* host names and IPs; short numbers like "1.5" stay */
				for (size_t k = 0; k < tl; k++) {
					if (t[k] == '.')
						pd_buf_adds(&b, "[.]");
					else
						pd_buf_addc(&b, t[k]);
				}
			} else {
				pd_buf_add(&b, t, tl);
			}
		}
		if (j < n)
			pd_buf_addc(&b, s[j]);
		i = j + 1;
	}
	return pd_term_safe(a, b.p, b.n, 0);
}
