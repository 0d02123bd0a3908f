/* test_text.c - ASCII/UTF-8 helpers, the arena and bounded buffers. */
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "base/arena.h"
#include "base/text.h"
#include "base/unicode.h"
#include "check.h"

/* NFKC of the whole text in one ICU call: the reference pd_nfkc's
 * piecewise normalisation must equal. */
static char *nfkc_whole(const char *s, size_t n)
{
	UErrorCode ec = U_ZERO_ERROR;
	const UNormalizer2 *nf = unorm2_getNFKCInstance(&ec);
	UChar *u = malloc((n + 1) * sizeof(UChar)), *t = malloc((n * 18 + 16) * sizeof(UChar));
	int32_t ul = 0, tl, bl = 0;
	u_strFromUTF8(u, (int32_t)n + 1, &ul, s, (int32_t)n, &ec);
	tl = unorm2_normalize(nf, u, ul, t, (int32_t)n * 18 + 16, &ec);
	char *b = malloc((size_t)tl * 3 + 1);
	u_strToUTF8(b, tl * 3 + 1, &bl, t, tl, &ec);
	free(u);
	free(t);
	if (U_FAILURE(ec)) {
		free(b);
		return NULL;
	}
	return b;
}

/* pd_utf8_valid against glib on random texts: ASCII runs of every length
 * (the eight-byte fast path) with valid and broken sequences between */
static void test_utf8_valid_random(void)
{
	static const char *bits[] = {
		"\xe3\x81\x82", "\xc3\xa9", "\xf0\x9f\x98\x80", /* valid */
		"\x80", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe3\x81", "\xff", /* broken */
	};
	unsigned bad = 0, rounds = 5000;
	char buf[512];
	srand(5);
	for (unsigned r = 0; r < rounds; r++) {
		size_t n = 0;
		int pieces = rand() % 6;
		for (int p = 0; p < pieces; p++) {
			int run = rand() % 20;
			for (int k = 0; k < run; k++)
				buf[n++] = (char)('a' + rand() % 26);
			if (rand() % 3 == 0) {
				const char *b = bits[rand() % (int)(sizeof bits / sizeof *bits)];
				memcpy(buf + n, b, strlen(b));
				n += strlen(b);
			}
		}
		bool want = g_utf8_validate_len(buf, n, NULL);
		if (pd_utf8_valid(buf, n) != want)
			bad++;
	}
	CHECK(bad == 0, "%u of %u random texts judged differently from glib", bad, rounds);
}

/* random texts of pieces that compose, decompose, expand or stay */
static void test_nfkc_random(struct pd_arena *a)
{
	static const char *tok[] = {
		"a", "e", "K", " ", "\n", "1", ".",
		"\xcc\x81",         /* U+0301 combining acute: composes with e */
		"\xe3\x82\x99",     /* U+3099 combining voiced mark: か+゛ = が */
		"\xe3\x81\x8b",     /* か */
		"\xef\xbc\xa1",     /* full-width A */
		"\xef\xbd\xb6",     /* half-width katakana ka */
		"\xef\xbe\x9e",     /* half-width voiced mark */
		"\xc2\xa0",         /* NBSP */
		"\xe3\x88\xb1",     /* ㈱ -> (株) */
		"\xef\xb7\xba",     /* U+FDFA: 18 code units */
		"\xef\xac\x81",     /* ﬁ ligature */
		"\xe1\x84\x80", "\xe1\x85\xa1", /* Hangul jamo that compose */
		"\xc3\xa9",         /* é precomposed */
		"\xf0\x9f\x98\x80", /* emoji */
		"The quick brown fox jumps over the lazy dog, twice over. ",
	};
	unsigned bad = 0, rounds = 4000;
	srand(7);
	char buf[8192];
	for (unsigned r = 0; r < rounds; r++) {
		size_t n = 0, ntok = (size_t)(rand() % 120);
		for (size_t i = 0; i < ntok; i++) {
			const char *t = tok[rand() % (int)(sizeof tok / sizeof *tok)];
			size_t l = strlen(t);
			memcpy(buf + n, t, l);
			n += l;
		}
		buf[n] = '\0';
		size_t on = 0;
		const char *got = pd_nfkc(a, buf, n, &on);
		char *want = nfkc_whole(buf, n);
		if (!want || on != strlen(want) || memcmp(got, want, on) != 0) {
			if (bad++ == 0)
				fprintf(stderr, "nfkc differs on: %s\n", buf);
		}
		free(want);
		pd_arena_reset(a);
	}
	CHECK(bad == 0, "%u of %u random texts normalised differently from one ICU call", bad, rounds);
	const char *ascii = "plain ASCII stays where it is";
	CHECK(pd_nfkc(a, ascii, strlen(ascii), NULL) == ascii, "ASCII not copied");
	/* twenty U+FDFA: more than four times longer after NFKC */
	char many[64];
	for (int i = 0; i < 20; i++)
		memcpy(many + 3 * i, "\xef\xb7\xba", 3);
	many[60] = '\0';
	size_t mn = 0;
	const char *m = pd_nfkc(a, many, strlen(many), &mn);
	CHECK(m != many && mn > 20 * 18, "long expansion normalised (%zu bytes)", mn);
}

int main(void)
{
	struct pd_arena *a = pd_arena_new(256);

	/* UTF-8 validity: overlongs, surrogates, truncation, out of range */
	static const struct { const char *s; size_t n; bool valid; } v[] = {
		{ "abc", 3, true },
		{ "\xe3\x81\x82", 3, true },          /* あ */
		{ "\xe3\x81", 2, false },             /* truncated */
		{ "\xc0\xaf", 2, false },             /* overlong '/' */
		{ "\xed\xa0\x80", 3, false },         /* surrogate */
		{ "\xf4\x90\x80\x80", 4, false },     /* > U+10FFFF */
		{ "\xf0\x9f\x98\x80", 4, true },      /* emoji */
		{ "\x80", 1, false },
	};
	for (size_t i = 0; i < sizeof v / sizeof *v; i++)
		CHECK(pd_utf8_valid(v[i].s, v[i].n) == v[i].valid, "case %zu", i);

	size_t n;
	char *s = pd_utf8_sanitize(a, "a\x80" "b\0c", 5, &n);
	CHECK_STREQ(s, "a\xef\xbf\xbd" "bc", "sanitize replaces invalid, drops NUL");
	CHECK(n == strlen(s), "length %zu", n);
	/* the eight-bytes-at-a-time fast path against a byte-wise reference,
	 * on random mixes of ASCII, NUL, stray and valid multi-byte bytes */
	{
		unsigned seed = 12345;
		unsigned bad = 0;
		for (int round = 0; round < 20000; round++) {
			static const char *const tok[] = { "a", "b", "c", "d", "e", "~", "", "\x80", "\xe3\x81\x82",
				"\xc3\xa9", "\xff", "\xe3\x81" };
			char in[48];
			size_t want = (size_t)(round % 40), len = 0;
			while (len < want) {
				seed = seed * 1103515245u + 12345u;
				unsigned r = (seed >> 16) % 12;
				size_t tl = r == 6 ? 1 : strlen(tok[r]); /* tok[6]: one NUL byte */
				memcpy(in + len, tok[r], tl);
				len += tl;
			}
			/* reference: NUL dropped, an invalid lead byte -> U+FFFD */
			char ref[48 * 3 + 1];
			size_t k = 0;
			for (size_t i = 0; i < len;) {
				const unsigned char *u = (const unsigned char *)in + i;
				if (*u == 0) {
					i++;
					continue;
				}
				size_t l = *u < 0x80 ? 1 : pd_utf8_seqlen(u, len - i);
				if (!l) {
					memcpy(ref + k, "\xef\xbf\xbd", 3);
					k += 3;
					i++;
					continue;
				}
				memcpy(ref + k, in + i, l);
				k += l;
				i += l;
			}
			ref[k] = '\0';
			size_t on;
			char *out = pd_utf8_sanitize(a, in, len, &on);
			if (on != k || memcmp(out, ref, k + 1) != 0)
				bad++;
		}
		CHECK(bad == 0, "sanitize fast path differs from the reference in %u of 20000 inputs", bad);
	}

	CHECK(pd_strieq("From", "fROM"), "strieq");
	CHECK(!pd_strieq("From", "Fro"), "strieq length");
	CHECK(pd_memcasemem("xxHeLLo", 7, "hello") != NULL, "memcasemem");
	CHECK(pd_memcasemem("xxHeLL", 6, "hello") == NULL, "memcasemem short");
	/* the memchr-driven search against a naive one on random text over a
	 * small alphabet (many near misses, both cases, needle at the end) */
	{
		unsigned seed = 777, bad = 0;
		for (int round = 0; round < 20000; round++) {
			char hay[40], nd[6];
			size_t hn = (size_t)(round % 40), nn = 1 + (size_t)(round % 5);
			for (size_t i = 0; i < hn; i++) {
				seed = seed * 1103515245u + 12345u;
				hay[i] = "aAbB.-"[(seed >> 16) % 6];
			}
			for (size_t i = 0; i < nn; i++) {
				seed = seed * 1103515245u + 12345u;
				nd[i] = "aAbB.-"[(seed >> 16) % 6];
			}
			nd[nn] = '\0';
			const char *want = NULL;
			for (size_t i = 0; !want && i + nn <= hn; i++)
				if (pd_strnieq(hay + i, nd, nn))
					want = hay + i;
			if (pd_memcasemem(hay, hn, nd) != want)
				bad++;
		}
		CHECK(bad == 0, "memcasemem differs from the naive search in %u of 20000 cases", bad);
	}
	CHECK(pd_str_endswith_ci("mail.Example.COM", ".example.com"), "endswith");
	CHECK_STREQ(pd_collapse_ws(a, "  a \r\n\t b  ", 11), "a b", "collapse");

	char e[4];
	CHECK(pd_utf8_encode(0x3042, e) == 3 && memcmp(e, "\xe3\x81\x82", 3) == 0, "encode");
	CHECK(pd_utf8_encode(0xD800, e) == 3 && memcmp(e, "\xef\xbf\xbd", 3) == 0, "encode surrogate -> FFFD");

	/* bounded buffer: cut at max, flagged, always terminated */
	struct pd_buf b;
	pd_buf_init(&b, a, 10);
	CHECK(pd_buf_adds(&b, "12345") == 0, "fits");
	CHECK(pd_buf_adds(&b, "678901") == -1, "over max");
	CHECK(b.n == 10 && b.truncated && strcmp(b.p, "1234567890") == 0, "cut at max: %s", b.p);

	/* arena: large allocations, realloc keeps content, reset reuses */
	char *big = pd_arena_alloc(a, 100000);
	memset(big, 'x', 100000);
	char *p = pd_arena_strdup(a, "keep");
	p = pd_arena_realloc(a, p, 5, 64);
	CHECK_STREQ(p, "keep", "realloc keeps");
	CHECK(pd_arena_used(a) >= 100000, "used %zu", pd_arena_used(a));
	pd_arena_reset(a);
	CHECK(pd_arena_used(a) == 0, "reset");
	CHECK_STREQ(pd_arena_printf(a, "%d-%s", 7, "x"), "7-x", "printf");
	test_nfkc_random(a);
	test_utf8_valid_random();
	pd_arena_free(a);
	return CHECK_DONE();
}
