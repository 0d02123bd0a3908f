/* urlscan.c - linkify-style URL finder for plain text.  Linear in the
 * text length; each URL is cut at 8 KiB. */
#include "mail/urlscan.h"

#include <stdbool.h>
#include <string.h>

#include "base/text.h"

#define URL_MAX 8192

/* Does the UTF-8 character at p end a URL? */
static size_t stop_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	if (c <= 0x20 || c == '"' || c == '<' || c == '>' || c == '`' || c == 0x7F || c == '\'' ||
	    c == '{' || c == '}' || c == '|' || c == '^')
		return 1;
	if (c < 0x80)
		return 0;
	uint32_t cp;
	size_t l = pd_utf8_decode(p, n, &cp);
	/* CJK symbols and punctuation, full-width forms, general punctuation
	 * quotes, and any non-ASCII: browsers percent-encode those, mailers do
	 * not linkify them in Japanese text */
	(void)cp;
	return l;
}

static bool starts_ci(const char *p, size_t n, const char *lit)
{
	size_t m = strlen(lit);
	return n >= m && pd_strnieq(p, lit, m);
}

unsigned pd_urlscan(const char *text, size_t n, pd_urlscan_fn fn, void *ud)
{
	unsigned count = 0;
	const unsigned char *u = (const unsigned char *)text;
	size_t i = 0;
	while (i < n) {
		/* quick skip to a candidate start */
		unsigned char c = u[i];
		if (c != 'h' && c != 'H' && c != 'f' && c != 'F' && c != 'w' && c != 'W') {
			i++;
			continue;
		}
		size_t pre = 0;
		if (starts_ci(text + i, n - i, "http://"))
			pre = 7;
		else if (starts_ci(text + i, n - i, "https://"))
			pre = 8;
		else if (starts_ci(text + i, n - i, "ftp://"))
			pre = 6;
		else if (starts_ci(text + i, n - i, "www.") && (i == 0 || !(pd_isalnum(u[i - 1]) || u[i - 1] == '.' || u[i - 1] == '/' || u[i - 1] == '@')))
			pre = 4;
		if (!pre || (pre != 4 && i > 0 && pd_isalpha(u[i - 1]))) {
			i++;
			continue;
		}
		size_t s = i, e = i + pre;
		while (e < n && e - s < URL_MAX && stop_len(u + e, n - e) == 0)
			e++;
		/* trim trailing punctuation and unbalanced closers */
		while (e > s + pre) {
			unsigned char t = u[e - 1];
			/* an opener at the end belongs to the text: "https://x.example/(詳細)" */
			if (t == '.' || t == ',' || t == ';' || t == ':' || t == '!' || t == '?' || t == '*' ||
			    t == '(' || t == '[') {
				e--;
				continue;
			}
			if (t == ')' || t == ']') {
				char open = t == ')' ? '(' : '[';
				int bal = 0;
				for (size_t k = s; k < e; k++) {
					if (u[k] == (unsigned char)open)
						bal++;
					else if (u[k] == t)
						bal--;
				}
				if (bal < 0) {
					e--;
					continue;
				}
			}
			break;
		}
		if (e > s + pre) {
			count++;
			if (fn(ud, text + s, e - s))
				return count;
		}
		i = e > i ? e : i + 1;
	}
	return count;
}
