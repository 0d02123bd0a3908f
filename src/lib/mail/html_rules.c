/* html_rules.c - see html_rules.h. */
#include "mail/html_rules.h"

#include <stdbool.h>
#include <string.h>

#include "base/text.h"

#define URL_MAX 8192
#define SCRIPT_SCAN_MAX (64 * 1024)

char *pd_html_attr_copy(struct pd_arena *a, const char *s, size_t n)
{
	bool cut = n > 256 && pd_strnieq(s, "data:", 5);
	if (cut)
		n = 256;
	char *o = pd_arena_alloc(a, n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7F)
			continue;
		o[k++] = (char)c;
	}
	/* the cut may end inside a UTF-8 sequence: then the whole character
	 * goes (the value itself is valid UTF-8; dropping ASCII controls keeps
	 * it so).  The old check dropped one continuation byte at most and
	 * left a lone lead byte (found by fuzz_html after 640 CPU-seconds) */
	if (cut && k) {
		size_t j = k - 1;
		while (j > 0 && ((unsigned char)o[j] & 0xC0) == 0x80)
			j--;
		if (pd_utf8_seqlen((const unsigned char *)o + j, k - j) != k - j)
			k = j;
	}
	o[k] = '\0';
	return o;
}

/* A CSS length or number that is zero: "0", "0px", ".0em", "0.00%". */
static bool css_zero(const char *v, size_t n)
{
	size_t i = 0, digits = 0;
	while (i < n && (v[i] == '0' || v[i] == '.')) {
		digits += v[i] == '0';
		i++;
	}
	if (!digits)
		return false;
	for (; i < n; i++) /* a unit: letters or % only, no other digit */
		if (!((v[i] >= 'a' && v[i] <= 'z') || v[i] == '%'))
			return false;
	return true;
}

static bool decl_is(const char *d, size_t n, const char *name, size_t *vo)
{
	size_t l = strlen(name);
	if (n <= l || memcmp(d, name, l) != 0 || d[l] != ':')
		return false;
	*vo = l + 1;
	return true;
}

bool pd_html_style_hides(const char *style)
{
	if (!style)
		return false;
	/* compare without spaces and in lower case: "Display : none" */
	char buf[512];
	size_t k = 0;
	for (size_t i = 0; style[i] && k + 1 < sizeof buf; i++)
		if (!pd_isspace((unsigned char)style[i]))
			buf[k++] = (char)pd_tolower((unsigned char)style[i]);
	buf[k] = '\0';
	/* declaration by declaration: the property by its whole name, the
	 * value without "!important".  (The substring search this replaces
	 * also took "font-size:0.8em" for hidden text.) */
	for (size_t i = 0; i < k;) {
		const char *semi = memchr(buf + i, ';', k - i);
		size_t e = semi ? (size_t)(semi - buf) : k;
		const char *d = buf + i;
		size_t n = e - i, vo;
		i = e + 1;
		const char *bang = memchr(d, '!', n);
		if (bang && strncmp(bang, "!important", 10) == 0)
			n = (size_t)(bang - d);
		if (decl_is(d, n, "display", &vo)) {
			if (n - vo == 4 && memcmp(d + vo, "none", 4) == 0)
				return true;
		} else if (decl_is(d, n, "visibility", &vo)) {
			if (n - vo == 6 && memcmp(d + vo, "hidden", 6) == 0)
				return true;
		} else if (decl_is(d, n, "font-size", &vo)) {
			if (css_zero(d + vo, n - vo) || (n - vo == 3 && memcmp(d + vo, "1px", 3) == 0))
				return true;
		} else if (decl_is(d, n, "max-height", &vo) || decl_is(d, n, "opacity", &vo)) {
			if (css_zero(d + vo, n - vo))
				return true;
		}
	}
	return false;
}

const char *pd_html_refresh_url(struct pd_arena *a, const char *content)
{
	const char *p = pd_memcasemem(content, strlen(content), "url");
	if (!p)
		return NULL;
	p += 3;
	while (*p && pd_isspace((unsigned char)*p))
		p++;
	if (*p != '=')
		return NULL;
	p++;
	while (*p && pd_isspace((unsigned char)*p))
		p++;
	char q = (*p == '\'' || *p == '"') ? *p++ : 0;
	const char *e = p;
	while (*e && (q ? *e != q : !pd_isspace((unsigned char)*e) && *e != ';'))
		e++;
	return e > p ? pd_arena_strndup(a, p, (size_t)(e - p)) : NULL;
}

void pd_html_script_urls(const char *s, size_t n, void (*found)(void *ud, const char *url, size_t len),
                         void *ud)
{
	static const char *const keys[] = { "location.href", "location.replace", "location.assign",
		"window.location", "document.location", "window.open", "location=" };
	if (n > SCRIPT_SCAN_MAX)
		n = SCRIPT_SCAN_MAX;
	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
		const char *p = s;
		size_t left = n;
		const char *hit;
		unsigned nfound = 0;
		while (nfound < 8 && (hit = pd_memcasemem(p, left, keys[k])) != NULL) {
			const char *q = hit + strlen(keys[k]);
			const char *end = s + n;
			const char *lim = q + 64 < end ? q + 64 : end;
			while (q < lim && *q != '"' && *q != '\'' && *q != '`')
				q++;
			if (q < lim) {
				char quote = *q++;
				const char *e = q;
				while (e < end && e - q < URL_MAX && *e != quote && *e != '\n')
					e++;
				if (e < end && *e == quote && e > q &&
				    (pd_strnieq(q, "http", 4) || pd_strnieq(q, "//", 2) || pd_strnieq(q, "data:", 5))) {
					found(ud, q, (size_t)(e - q));
					nfound++;
				}
			}
			left -= (size_t)(hit + 1 - p);
			p = hit + 1;
		}
	}
}

void pd_html_finish_text(struct pd_arena *a, struct pd_buf *t, size_t max_text, struct pd_html_result *out)
{
	if (t->truncated)
		out->flags |= PD_HTML_TEXT_TRUNCATED;
	/* a buffer cut at its bound may end inside a UTF-8 sequence: drop
	 * that tail rather than let it become U+FFFD past max_text (found by
	 * fuzz_html, fuzz/regressions/html/text-cut-utf8) */
	if (t->truncated && t->p) {
		size_t k = t->n, back = 0;
		while (k > 0 && back < 3 && ((unsigned char)t->p[k - 1] & 0xC0) == 0x80) {
			k--;
			back++;
		}
		if (k > 0 && (unsigned char)t->p[k - 1] >= 0xC0 &&
		    pd_utf8_seqlen((const unsigned char *)t->p + k - 1, t->n - k + 1) == 0)
			t->p[t->n = k - 1] = '\0';
	}
	while (t->n && t->p[t->n - 1] == '\n')
		t->p[--t->n] = '\0';
	char *text = pd_utf8_sanitize(a, t->p ? t->p : "", t->n, &out->text_len);
	/* the promise is max_text bytes, whatever the reader collected:
	 * fuzz_html found the gumbo reader's text of a page full of U+FFFD
	 * 2 bytes over (fuzz/regressions/html/fffd-grows-text); cut back at
	 * a character boundary */
	if (out->text_len > max_text) {
		size_t k = max_text;
		while (k > 0 && ((unsigned char)text[k] & 0xC0) == 0x80)
			k--;
		while (k > 0 && text[k - 1] == '\n')
			k--;
		text[k] = '\0';
		out->text_len = k;
		out->flags |= PD_HTML_TEXT_TRUNCATED;
	}
	out->text = text;
}
