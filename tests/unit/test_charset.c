/* test_charset.c - charset conversion, Japanese detection, RFC 2047/2231.
 *
 * All Japanese test strings are composed for these tests.  ISO-2022-JP
 * bytes are written as ESC sequences plus the JIS row/cell characters;
 * e.g. "\x1b$B$\"$$" is JIS 0x2422 0x2424 = "あい".  CP932 byte strings
 * were produced from the sentences in the comments.
 */
#include <pthread.h>
#include <stdint.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gmime/gmime.h>

#include "base/arena.h"
#include "base/text.h"
#include "mail/charset.h"
#include "mail/transfer.h"
#include "check.h"

#define ESC "\x1b"
#define JIS_K ESC "$B" /* JIS X 0208 */
#define JIS_A ESC "(B" /* ASCII */

/* お支払い情報の確認をお願いします。 */
#define S1_UTF8 "お支払い情報の確認をお願いします。"
#define S1_SJIS "\x82\xa8\x8ex\x95\xa5\x82\xa2\x8f\xee\x95\xf1\x82\xcc\x8am\x94" "F\x82\xf0\x82\xa8\x8a\xe8\x82\xa2\x82\xb5\x82\xdc\x82\xb7\x81" "B"
#define S1_EUC "\xa4\xaa\xbb\xd9\xca\xa7\xa4\xa4\xbe\xf0\xca\xf3\xa4\xce\xb3\xce\xc7\xa7\xa4\xf2\xa4\xaa\xb4\xea\xa4\xa4\xa4\xb7\xa4\xde\xa4\xb9\xa1\xa3"
#define S1_JIS JIS_K "$*;YJ'$$>pJs$N3NG'$r$*4j$$$7$^$9!#" JIS_A
/* アカウントが一時停止されました。 */
#define S2_UTF8 "アカウントが一時停止されました。"
#define S2_SJIS "\x83" "A\x83J\x83" "E\x83\x93\x83g\x82\xaa\x88\xea\x8e\x9e\x92\xe2\x8e~\x82\xb3\x82\xea\x82\xdc\x82\xb5\x82\xbd\x81" "B"
#define S2_EUC "\xa5\xa2\xa5\xab\xa5\xa6\xa5\xf3\xa5\xc8\xa4\xac\xb0\xec\xbb\xfe\xc4\xe4\xbb\xdf\xa4\xb5\xa4\xec\xa4\xde\xa4\xb7\xa4\xbf\xa1\xa3"
/* 重要なお知らせ */
#define S3_SJIS "\x8f" "d\x97v\x82\xc8\x82\xa8\x92m\x82\xe7\x82\xb9"

/* NEC row 13 (JIS 0x2D..) and the NEC-selected IBM rows (0x79-0x7C):
 * ① = CP932 8740 = JIS 2D21 "-!", ② 2D22 "-\"", ㈱ 878A = 2D6A "-j",
 * ℡ 8784 = 2D64 "-d", № 8782 = 2D62 "-b".  髙 is CP932 FBFC (IBM
 * extension) and EEE0 in the NEC-selected copy; EEE0 -> JIS by the
 * algebra: row = (0xEE - 0xB0) * 2 = 0x7C, cell = 0xE0 - 0x7E = 0x62,
 * so "|b".  橋 = 3636 "66", 様 = 4D4D "MM". */
#define NEC_JIS JIS_K "-!-\"-j-d-b" JIS_A " " JIS_K "|b66MM" JIS_A
#define NEC_UTF8 "①②㈱℡№ 髙橋様"

#define F_ANY 0xFFFFu

struct conv_case {
	const char *name;
	const char *in;
	size_t len;              /* 0: strlen(in) */
	const char *declared;
	size_t max;              /* 0: 1 MiB */
	const char *want;
	const char *used;        /* NULL: not checked */
	unsigned must, mustnot;  /* flag bits that must / must not be set */
};

static const struct conv_case conv_cases[] = {
	{"jis nec+ibm", NEC_JIS, 0, "ISO-2022-JP", 0, NEC_UTF8, "ISO-2022-JP", 0, F_ANY},
	{"jis label case", NEC_JIS, 0, "iso-2022-jp", 0, NEC_UTF8, "ISO-2022-JP", 0, F_ANY},
	{"jis-ms label", NEC_JIS, 0, "ISO-2022-JP-MS", 0, NEC_UTF8, "ISO-2022-JP", 0, F_ANY},
	{"jis csiso2022jp", S1_JIS, 0, "csISO2022JP", 0, S1_UTF8, "ISO-2022-JP", 0, F_ANY},
	{"jis sentence", S1_JIS, 0, "ISO-2022-JP", 0, S1_UTF8, "ISO-2022-JP", 0, F_ANY},
	{"jis esc $@", ESC "$@$\"$$" JIS_A, 0, "ISO-2022-JP", 0, "あい", NULL, 0, F_ANY},
	{"jis esc &@ $B", ESC "&@" JIS_K "$\"" JIS_A, 0, "ISO-2022-JP", 0, "あ", NULL, 0, F_ANY},
	{"jis roman", ESC "(Jabc" JIS_K "$\"" ESC "(Jx", 0, "ISO-2022-JP", 0, "abcあx", NULL, 0, F_ANY},
	{"jis halfwidth kana", "a" ESC "(I6@6E" JIS_A "b", 0, "ISO-2022-JP", 0, "aｶﾀｶﾅb", NULL, 0, F_ANY},
	{"jis SO/SI kana", "a\x0e" "6@6E\x0f" "b", 0, "ISO-2022-JP", 0, "aｶﾀｶﾅb", NULL, 0, F_ANY},
	{"jis 8-bit kana", "x" JIS_K "$\"" JIS_A "\xb6\xc0", 0, "ISO-2022-JP", 0, "xあｶﾀ", "ISO-2022-JP", 0, PD_CS_INVALID},
	{"jis x 0212", ESC "$(D0!" JIS_A, 0, "ISO-2022-JP-2", 0, "丂", NULL, 0, PD_CS_INVALID},
	{"jis x 0213 plane 1", ESC "$(Q$\"" JIS_A, 0, "ISO-2022-JP-3", 0, "あ", NULL, 0, PD_CS_INVALID},
	/* au (KDDI) emoji: JIS 753A = SJIS F659 = U+E481, JIS 7834 = F7B2 = U+E595 */
	{"jis au emoji rows", JIS_K "u:x4" JIS_A, 0, "ISO-2022-JP", 0, "\xee\x92\x81\xee\x96\x95", NULL, 0, PD_CS_INVALID},
	{"jis no final esc", JIS_K "$\"$$", 0, "ISO-2022-JP", 0, "あい", NULL, 0, F_ANY},
	{"jis crlf in kanji mode", JIS_K "$\"\r\n$$" JIS_A, 0, "ISO-2022-JP", 0, "あ\r\nい", NULL, 0, F_ANY},
	{"jis half pair at end", JIS_K "$\"$", 0, "ISO-2022-JP", 0, "あ\xef\xbf\xbd", NULL, PD_CS_INVALID, 0},
	{"jis unassigned cell", JIS_K "$\"\x7e\x7e" JIS_A, 0, "ISO-2022-JP", 0, "あ\xef\xbf\xbd", NULL, PD_CS_INVALID, 0},
	{"jis unknown escape", ESC "(Zabc", 0, "ISO-2022-JP", 0, "abc", NULL, PD_CS_INVALID, 0},
	{"jis bare esc", "a" ESC, 0, "ISO-2022-JP", 0, "a\xef\xbf\xbd", NULL, PD_CS_INVALID, 0},
	{"sjis", S1_SJIS, 0, "Shift_JIS", 0, S1_UTF8, "CP932", 0, F_ANY},
	{"sjis alias sjis", S2_SJIS, 0, "x-sjis", 0, S2_UTF8, "CP932", 0, F_ANY},
	{"sjis windows-31j nec", "\x87\x40\x87\x8a\xfb\xfc\xee\xe0", 0, "Windows-31J", 0, "①㈱髙髙", "CP932", 0, F_ANY},
	{"sjis halfwidth kana", "\xb6\xc0\xb6\xc5", 0, "shift_jis", 0, "ｶﾀｶﾅ", "CP932", 0, F_ANY},
	{"euc-jp", S1_EUC, 0, "EUC-JP", 0, S1_UTF8, "EUC-JP", 0, F_ANY},
	{"euc-jp x-euc-jp", S2_EUC, 0, "x-euc-jp", 0, S2_UTF8, "EUC-JP", 0, F_ANY},
	{"sjis labelled jis", S1_SJIS, 0, "ISO-2022-JP", 0, S1_UTF8, "CP932", PD_CS_MISLABELLED, PD_CS_INVALID},
	{"euc labelled jis", S2_EUC, 0, "ISO-2022-JP", 0, S2_UTF8, "EUC-JP", PD_CS_MISLABELLED, PD_CS_INVALID},
	{"utf8 labelled jis", S1_UTF8, 0, "ISO-2022-JP", 0, S1_UTF8, "UTF-8", PD_CS_MISLABELLED, PD_CS_INVALID},
	{"utf8 labelled sjis", S2_UTF8, 0, "Shift_JIS", 0, S2_UTF8, "UTF-8", PD_CS_MISLABELLED, PD_CS_INVALID},
	{"utf8 one char labelled sjis", "あ", 0, "Shift_JIS", 0, "あ", "UTF-8", PD_CS_MISLABELLED, PD_CS_INVALID},
	{"utf8 labelled euc", S1_UTF8, 0, "EUC-JP", 0, S1_UTF8, "UTF-8", PD_CS_MISLABELLED, PD_CS_INVALID},
	{"sjis labelled utf8", S1_SJIS, 0, "UTF-8", 0, S1_UTF8, "CP932", PD_CS_MISLABELLED, PD_CS_INVALID},
	{"euc labelled utf8", S2_EUC, 0, "utf-8", 0, S2_UTF8, "EUC-JP", PD_CS_MISLABELLED, PD_CS_INVALID},
	{"euc labelled sjis", S1_EUC, 0, "Shift_JIS", 0, S1_UTF8, "EUC-JP", PD_CS_MISLABELLED, PD_CS_INVALID},
	{"sjis labelled euc", S2_SJIS, 0, "EUC-JP", 0, S2_UTF8, "CP932", PD_CS_MISLABELLED, PD_CS_INVALID},
	{"jis labelled sjis", S1_JIS, 0, "Shift_JIS", 0, S1_UTF8, "ISO-2022-JP", PD_CS_MISLABELLED, 0},
	{"jis labelled utf8", S1_JIS, 0, "UTF-8", 0, S1_UTF8, "ISO-2022-JP", PD_CS_MISLABELLED, 0},
	{"sjis labelled latin1", S1_SJIS, 0, "iso-8859-1", 0, S1_UTF8, "CP932", PD_CS_MISLABELLED, 0},
	{"utf8 labelled latin1", S2_UTF8, 0, "ISO-8859-1", 0, S2_UTF8, "UTF-8", PD_CS_MISLABELLED, 0},
	{"unlabelled sjis", S1_SJIS, 0, NULL, 0, S1_UTF8, "CP932", PD_CS_DETECTED, PD_CS_MISLABELLED | PD_CS_INVALID},
	{"unlabelled euc", S1_EUC, 0, "", 0, S1_UTF8, "EUC-JP", PD_CS_DETECTED, PD_CS_INVALID},
	{"unlabelled utf8", S2_UTF8, 0, NULL, 0, S2_UTF8, "UTF-8", PD_CS_DETECTED, PD_CS_INVALID},
	{"unlabelled jis", S1_JIS, 0, NULL, 0, S1_UTF8, "ISO-2022-JP", PD_CS_DETECTED, PD_CS_INVALID},
	{"us-ascii with sjis", S3_SJIS, 0, "us-ascii", 0, "重要なお知らせ", "CP932", PD_CS_DETECTED, PD_CS_INVALID},
	{"us-ascii clean", "hello", 0, "US-ASCII", 0, "hello", "US-ASCII", 0, F_ANY},
	{"unlabelled ascii", "hello", 0, NULL, 0, "hello", "US-ASCII", 0, F_ANY},
	{"unknown label", S2_UTF8, 0, "x-no-such-charset", 0, S2_UTF8, "UTF-8",
	 PD_CS_UNKNOWN_LABEL | PD_CS_DETECTED, PD_CS_INVALID},
	{"hostile label", "abc", 0, "UTF-8//TRANSLIT", 0, "abc", NULL, PD_CS_UNKNOWN_LABEL, 0},
	{"latin1 as cp1252", "caf\xe9 \x80", 0, "ISO-8859-1", 0, "café €", "WINDOWS-1252", 0, F_ANY},
	{"unlabelled latin1", "Gr\xfc\xdf" "e aus K\xf6ln", 0, NULL, 0, "Grüße aus Köln", "WINDOWS-1252", PD_CS_DETECTED, 0},
	{"ks_c_5601", "\xbe\xc8\xb3\xe7\xc7\xcf\xbc\xbc\xbf\xe4", 0, "ks_c_5601-1987", 0, "안녕하세요", "CP949", 0, F_ANY},
	{"gb2312", "\xc4\xe3\xba\xc3", 0, "gb2312", 0, "你好", "GB18030", 0, F_ANY},
	{"koi8-r via iconv", "\xd0\xd2\xc9\xd7\xc5\xd4", 0, "koi8-r", 0, "привет", "KOI8-R", 0, F_ANY},
	{"utf8 alias", "\xe3\x81\x82", 0, "UTF8", 0, "あ", "UTF-8", 0, F_ANY},
	{"utf8 bom dropped", "\xef\xbb\xbf" "abc", 0, "utf-8", 0, "abc", "UTF-8", 0, F_ANY},
	{"utf8 one bad byte", "あいうえお\xff", 0, "UTF-8", 0, "あいうえお\xef\xbf\xbd", "UTF-8", PD_CS_INVALID, PD_CS_MISLABELLED},
	{"utf8 truncated at end", "あい\xe3\x81", 0, "UTF-8", 0, "あい\xef\xbf\xbd", "UTF-8", PD_CS_INVALID, PD_CS_MISLABELLED},
	{"sjis truncated at end", "\x82\xa0\x82", 0, "Shift_JIS", 0, "あ\xef\xbf\xbd", "CP932", PD_CS_INVALID, 0},
	{"euc truncated at end", "\xa4\xa2\xa4", 0, "EUC-JP", 0, "あ\xef\xbf\xbd", "EUC-JP", PD_CS_INVALID, 0},
	{"sjis bad byte", "\x82\xa0\xff\x82\xa2", 0, "Shift_JIS", 0, "あ\xef\xbf\xbdい", "CP932", PD_CS_INVALID, 0},
	{"nul dropped", "a\0b", 3, "UTF-8", 0, "ab", "UTF-8", 0, F_ANY},
	{"nul dropped sjis", "\x82\xa0\0\x82\xa2", 5, "Shift_JIS", 0, "あい", "CP932", 0, F_ANY},
	{"max utf8 boundary", "あいう", 0, "UTF-8", 7, "あい", "UTF-8", PD_CS_TRUNCATED, 0},
	{"max jis boundary", JIS_K "$\"$$$&" JIS_A, 0, "ISO-2022-JP", 8, "あい", NULL, PD_CS_TRUNCATED, 0},
	{"max sjis boundary", "\x82\xa0\x82\xa2", 0, "Shift_JIS", 5, "あ", "CP932", PD_CS_TRUNCATED, 0},
	{"max ascii", "abcdef", 0, "us-ascii", 3, "abc", NULL, PD_CS_TRUNCATED, 0},
	{"max exact fit", "abc", 0, "us-ascii", 3, "abc", NULL, 0, PD_CS_TRUNCATED},
	{"empty", "", 0, "ISO-2022-JP", 0, "", NULL, 0, F_ANY},
};

static void test_conversions(struct pd_arena *a)
{
	for (size_t i = 0; i < sizeof conv_cases / sizeof conv_cases[0]; i++) {
		const struct conv_case *c = &conv_cases[i];
		size_t len = c->len ? c->len : strlen(c->in);
		size_t out_len = 12345;
		const char *used = NULL;
		unsigned fl = 0;
		char *r = pd_charset_to_utf8(a, c->in, len, c->declared, c->max ? c->max : 1u << 20,
		                             &out_len, &used, &fl);
		CHECK_STREQ(r, c->want, c->name);
		CHECK(out_len == strlen(r), "%s: out_len %zu", c->name, out_len);
		CHECK(pd_utf8_valid(r, out_len), "%s: invalid utf-8 out", c->name);
		if (c->used)
			CHECK_STREQ(used, c->used, c->name);
		CHECK((fl & c->must) == c->must, "%s: flags 0x%x lack 0x%x", c->name, fl, c->must);
		CHECK((fl & c->mustnot) == 0, "%s: flags 0x%x have 0x%x", c->name, fl, fl & c->mustnot);
	}
}

struct detect_case {
	const char *in;
	const char *want;
};

static const struct detect_case detect_cases[] = {
	{"plain ascii", "US-ASCII"},
	{S1_JIS, "ISO-2022-JP"},
	{S1_UTF8, "UTF-8"},
	{S1_SJIS, "CP932"},
	{S2_SJIS, "CP932"},
	{S3_SJIS, "CP932"},
	{S1_EUC, "EUC-JP"},
	{S2_EUC, "EUC-JP"},
	{"na\xefve r\xe9sum\xe9", "WINDOWS-1252"},
	{"caf\xe9", "WINDOWS-1252"},
	{"Forma\xe7\xe3o e Ver\xe3o", "WINDOWS-1252"},          /* E7E3 / E36F are CP932 kanji */
	{"Gr\xfc\xdf" "e aus K\xf6ln", "WINDOWS-1252"},
	{"\x8f" "d\x97v", "CP932"},                                /* 重要: trails look like letters */
	{"Web\x94\xc5\x82\xcc\x82\xb2\x88\xc4\x93\xe0", "CP932"}, /* Web版のご案内 */
	{"\x8f" "d\x97v\x92\xca\x92" "m", "CP932"},                  /* 重要通知: no kana */
};

static void test_detect(void)
{
	for (size_t i = 0; i < sizeof detect_cases / sizeof detect_cases[0]; i++) {
		const struct detect_case *c = &detect_cases[i];
		CHECK_STREQ(pd_charset_detect(c->in, strlen(c->in)), c->want, c->in);
	}
	CHECK_STREQ(pd_charset_detect(NULL, 0), "US-ASCII", "NULL");
}

struct hdr_case {
	const char *name;
	const char *in;
	size_t max;            /* 0: 64 KiB */
	const char *want;
	unsigned must, mustnot;
};

static const struct hdr_case hdr_cases[] = {
	{"plain", "Hello world", 0, "Hello world", 0, F_ANY},
	/* 【重要 注意喚起】サービス仕様の変更, three complete ISO-2022-JP words, folded */
	{"jis multi-word subject",
	 "=?ISO-2022-JP?B?GyRCIVo9RU1XGyhCIBskQkNtMFUbKEI=?=\r\n"
	 " =?ISO-2022-JP?B?GyRCNC01LyFbJTUhPCVTJTkbKEI=?=\r\n"
	 "\t=?ISO-2022-JP?B?GyRCO0VNTSROSlE5ORsoQg==?=",
	 0, "【重要 注意喚起】サービス仕様の変更", 0, F_ANY},
	/* 確認: E7 A2 BA | E8 AA 8D split inside 認 across two words */
	{"utf8 char split across words", "=?UTF-8?B?56K66A==?= =?UTF-8?B?qo0=?=", 0, "確認", 0, F_ANY},
	/* お支払い: a JIS pair split across words, second word lower-case label */
	{"jis pair split across words", "=?ISO-2022-JP?B?GyRCJCo7?= =?iso-2022-jp?B?WUonJCQbKEI=?=", 0,
	 "お支払い", 0, F_ANY},
	{"q underscores", "=?utf-8?q?Hello_World=21?=", 0, "Hello World!", 0, F_ANY},
	{"q lower-case hex", "=?UTF-8?Q?=e3=81=82?=", 0, "あ", 0, F_ANY},
	{"q bad escape kept", "=?UTF-8?Q?100=ZZ?=", 0, "100=ZZ", 0, F_ANY},
	{"b lower-case", "=?utf-8?b?44GC?=", 0, "あ", 0, F_ANY},
	{"glued to text", "abc=?UTF-8?B?44GC?=def", 0, "abcあdef", 0, F_ANY},
	{"in quoted string", "\"=?UTF-8?B?44GC?=\" <a@example.jp>", 0, "\"あ\" <a@example.jp>", 0, F_ANY},
	{"text between words kept", "=?UTF-8?Q?a?= b =?UTF-8?Q?c?=", 0, "a b c", 0, F_ANY},
	{"space before word kept", "Re: =?UTF-8?B?44GC?=", 0, "Re: あ", 0, F_ANY},
	{"bad base64 chars", "=?UTF-8?B?44GC!!44GE?=", 0, "あい", 0, F_ANY},
	{"missing padding", "=?UTF-8?B?44GC44GEYQ?=", 0, "あいa", 0, F_ANY},
	{"unknown charset", "=?x-klingon?Q?hello?=", 0, "hello", PD_CS_UNKNOWN_LABEL, 0},
	{"unknown charset with utf8", "=?x-klingon?B?44GC?=", 0, "あ", PD_CS_UNKNOWN_LABEL, PD_CS_INVALID},
	{"raw utf8", "重要なお知らせ", 0, "重要なお知らせ", PD_CS_DETECTED, PD_CS_INVALID},
	{"raw sjis", S3_SJIS, 0, "重要なお知らせ", PD_CS_DETECTED, PD_CS_INVALID},
	{"raw sjis and word", S3_SJIS " =?UTF-8?B?44GC?=", 0, "重要なお知らせ あ", PD_CS_DETECTED, PD_CS_INVALID},
	{"raw jis in header", S1_JIS, 0, S1_UTF8, PD_CS_DETECTED, PD_CS_INVALID},
	{"rfc2231 language", "=?UTF-8*ja?B?44GU5qGI5YaF?=", 0, "ご案内", 0, F_ANY},
	{"shift_jis word", "=?Shift_JIS?B?grKIxJPg?=", 0, "ご案内", 0, F_ANY},
	{"mixed charsets adjacent", "=?Shift_JIS?B?grKIxJPg?= =?UTF-8?B?44GC?=", 0, "ご案内あ", 0, F_ANY},
	{"unfold crlf", "Hello\r\n World", 0, "Hello World", 0, F_ANY},
	{"unfold lf", "Hello\n\tWorld", 0, "Hello World", 0, F_ANY},
	{"controls stripped", "a\x01" "b\tc\x7f" "d", 0, "ab cd", 0, F_ANY},
	{"encoded controls stripped", "=?UTF-8?Q?a=0D=0Ab=00c=C2=85d?=", 0, "a bcd", 0, F_ANY},
	{"unterminated word literal", "=?UTF-8?B?44GC", 0, "=?UTF-8?B?44GC", 0, F_ANY},
	{"space inside word: literal", "=?UTF-8?Q?a b?=", 0, "=?UTF-8?Q?a b?=", 0, F_ANY},
	{"bad encoding letter", "=?UTF-8?X?abc?=", 0, "=?UTF-8?X?abc?=", 0, F_ANY},
	{"empty word", "a =?UTF-8?Q?" "?= b", 0, "a  b", 0, F_ANY},
	{"sjis labelled as jis in word", "=?ISO-2022-JP?B?grKIxJPg?=", 0, "ご案内", PD_CS_MISLABELLED, 0},
	{"truncated output", "=?UTF-8?B?44GC44GE44GG?=", 7, "あい", PD_CS_TRUNCATED, 0},
	{"empty", "", 0, "", 0, F_ANY},
};

static void test_rfc2047(struct pd_arena *a)
{
	for (size_t i = 0; i < sizeof hdr_cases / sizeof hdr_cases[0]; i++) {
		const struct hdr_case *c = &hdr_cases[i];
		unsigned fl = 0xdead;
		char *r = pd_rfc2047_decode(a, c->in, strlen(c->in), c->max ? c->max : 65536, &fl);
		CHECK_STREQ(r, c->want, c->name);
		CHECK(pd_utf8_valid(r, strlen(r)), "%s: invalid utf-8", c->name);
		CHECK((fl & c->must) == c->must, "%s: flags 0x%x lack 0x%x", c->name, fl, c->must);
		CHECK((fl & c->mustnot) == 0, "%s: flags 0x%x have 0x%x", c->name, fl, fl & c->mustnot);
	}
	/* input is (pointer, length): bytes after len are never looked at */
	const char buf[] = "=?UTF-8?B?44GC?=XYZ";
	CHECK_STREQ(pd_rfc2047_decode(a, buf, 16, 100, NULL), "あ", "length respected");
	CHECK_STREQ(pd_rfc2047_decode(a, buf, 10, 100, NULL), "=?UTF-8?B?", "cut word");
}

struct p2231_case {
	const char *in;
	const char *want;
};

static const struct p2231_case p2231_cases[] = {
	{"utf-8''%E3%81%82.pdf", "あ.pdf"},
	{"UTF-8'ja'%e8%ab%8b%e6%b1%82%e6%9b%b8.xlsx", "請求書.xlsx"},
	{"iso-2022-jp'ja'%1B%24B%24%22%1B%28B.txt", "あ.txt"},
	{"shift_jis''%82%B2%88%C4%93%E0.zip", "ご案内.zip"},
	{"''%E3%81%82", "あ"},
	{"us-ascii'en'report%202024.doc", "report 2024.doc"},
	{"utf-8''100%ZZ", "100%ZZ"},
	{"utf-8''50%", "50%"},
	{"plain.txt", "plain.txt"},
	{"utf-8''a%0D%0Ab", "a b"},
	{"utf-8''", ""},
};

static void test_rfc2231(struct pd_arena *a)
{
	for (size_t i = 0; i < sizeof p2231_cases / sizeof p2231_cases[0]; i++) {
		const struct p2231_case *c = &p2231_cases[i];
		CHECK_STREQ(pd_rfc2231_decode(a, c->in, strlen(c->in)), c->want, c->in);
	}
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Fill n bytes with copies of unit (no trailing partial copy). */
static size_t fill(char *buf, size_t n, const char *unit)
{
	size_t u = strlen(unit), k = 0;
	while (k + u <= n) {
		memcpy(buf + k, unit, u);
		k += u;
	}
	return k;
}

static void test_floods_and_speed(void)
{
	const size_t big = 1u << 20;
	char *buf = malloc(big * 4);
	struct pd_arena *a = pd_arena_new(0);
	static const struct {
		const char *name, *unit, *declared;
		unsigned must;
	} floods[] = {
		{"escape flood", ESC "$B", "ISO-2022-JP", 0},
		{"escape switch flood", ESC "$B" ESC "(B" ESC "(I" ESC "$(D", "ISO-2022-JP", 0},
		{"unknown escape flood", ESC "(Z", "ISO-2022-JP", PD_CS_INVALID},
		{"bare esc flood", ESC, "ISO-2022-JP", PD_CS_INVALID},
		{"SO/SI flood", "\x0e\x0f", "ISO-2022-JP", 0},
		{"base64-ish junk", "=?", NULL, 0},
	};
	for (size_t i = 0; i < sizeof floods / sizeof floods[0]; i++) {
		size_t n = fill(buf, big, floods[i].unit);
		unsigned fl = 0;
		size_t ol;
		double t0 = now_s();
		char *r = pd_charset_to_utf8(a, buf, n, floods[i].declared, 1u << 20, &ol, NULL, &fl);
		double dt = now_s() - t0;
		CHECK(dt < 2.0, "%s took %.3fs", floods[i].name, dt);
		CHECK(ol <= (1u << 20) && pd_utf8_valid(r, ol), "%s: output", floods[i].name);
		CHECK((fl & floods[i].must) == floods[i].must, "%s: flags 0x%x", floods[i].name, fl);
		pd_arena_reset(a);
	}
	/* an RFC 2047 flood of tiny words and of "=?" openers */
	size_t n = fill(buf, big, "=?UTF-8?Q?a?= ");
	double t0 = now_s();
	char *r = pd_rfc2047_decode(a, buf, n, 1u << 20, NULL);
	CHECK(now_s() - t0 < 2.0, "2047 word flood");
	CHECK(strlen(r) == n / 14 + 1, "2047 word flood joined: %zu", strlen(r)); /* + final space */
	pd_arena_reset(a);
	n = fill(buf, big, "=?a?B?A");
	t0 = now_s();
	r = pd_rfc2047_decode(a, buf, n, 1u << 20, NULL);
	CHECK(now_s() - t0 < 2.0, "2047 opener flood");
	CHECK(strlen(r) == n, "2047 opener flood literal");
	pd_arena_reset(a);

	/* throughput on 4 MB of Japanese text per path */
	static const struct {
		const char *name, *unit, *declared, *want;
	} speed[] = {
		{"ISO-2022-JP", S1_JIS "\r\n", "ISO-2022-JP", S1_UTF8 "\r\n"},
		{"CP932", S1_SJIS "\r\n", "Shift_JIS", S1_UTF8 "\r\n"},
		{"EUC-JP", S1_EUC "\r\n", "EUC-JP", S1_UTF8 "\r\n"},
		{"UTF-8", S1_UTF8 "\r\n", "UTF-8", S1_UTF8 "\r\n"},
		{"detect CP932", S1_SJIS "\r\n", NULL, S1_UTF8 "\r\n"},
		{"mislabelled CP932", S1_SJIS "\r\n", "ISO-2022-JP", S1_UTF8 "\r\n"},
	};
	for (size_t i = 0; i < sizeof speed / sizeof speed[0]; i++) {
		n = fill(buf, big * 4, speed[i].unit);
		size_t ol;
		unsigned fl;
		t0 = now_s();
		r = pd_charset_to_utf8(a, buf, n, speed[i].declared, 64u << 20, &ol, NULL, &fl);
		double dt = now_s() - t0;
		size_t copies = n / strlen(speed[i].unit);
		CHECK(ol == copies * strlen(speed[i].want) && memcmp(r, speed[i].want, strlen(speed[i].want)) == 0 &&
		          memcmp(r + ol - strlen(speed[i].want), speed[i].want, strlen(speed[i].want)) == 0,
		      "speed %s: output", speed[i].name);
		printf("speed %-18s %6.1f MB/s input (%zu bytes)\n", speed[i].name, (double)n / dt / 1e6, n);
		pd_arena_reset(a);
	}
	/* many small header decodes: per-call iconv_open cost */
	const char *w = "=?Shift_JIS?B?grKIxJPg?= =?UTF-8?B?44GC?=";
	t0 = now_s();
	for (int i = 0; i < 20000; i++) {
		pd_rfc2047_decode(a, w, strlen(w), 1024, NULL);
		if (i % 1000 == 0)
			pd_arena_reset(a);
	}
	printf("rfc2047 small header: %.2f us/call\n", (now_s() - t0) / 20000 * 1e6);
	pd_arena_free(a);
	free(buf);
}

static void *thread_main(void *arg)
{
	struct pd_arena *a = pd_arena_new(0);
	int *ok = arg;
	*ok = 1;
	for (int i = 0; i < 200; i++) {
		char *r = pd_charset_to_utf8(a, NEC_JIS, strlen(NEC_JIS), "ISO-2022-JP", 1024, NULL, NULL, NULL);
		char *h = pd_rfc2047_decode(a, "=?ISO-2022-JP?B?GyRCO0VNTSROSlE5ORsoQg==?=", 42, 1024, NULL);
		if (strcmp(r, NEC_UTF8) != 0 || strcmp(h, "仕様の変更") != 0)
			*ok = 0;
		pd_arena_reset(a);
	}
	pd_arena_free(a);
	return NULL;
}

static void test_threads(void)
{
	pthread_t t[4];
	int ok[4] = {0};
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, thread_main, &ok[i]);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CHECK(ok[i] == 1, "thread %d", i);
	}
}

/* The 8-byte ASCII fast paths (scan_bytes, out_utf8) against the plain
 * rule on random UTF-8: ASCII (with ESC, DEL and NUL at any position,
 * including across 8-byte words), 2-, 3- and 4-byte characters.  Declared
 * UTF-8 and valid, the text must come out unchanged except for NULs. */
static void test_utf8_fast_paths(struct pd_arena *a)
{
	static const char *const pieces[] = { "a", "Z", " ", "\x1b", "\x7f", "\x01", "\n", "\xc3\xa9",
		"\xe3\x81\x82", "\xf0\x9f\x98\x80", "abcdefgh", "0123456789abcdef" };
	unsigned seed = 4242, bad = 0;
	for (unsigned t = 0; t < 4000; t++) {
		char in[512], want[512];
		size_t n = 0, w = 0;
		unsigned parts = (seed >> 16) % 40;
		for (unsigned k = 0; k < parts; k++) {
			seed = seed * 1103515245u + 12345u;
			unsigned r = (seed >> 16) % 13;
			const char *x = r == 12 ? "" : pieces[r];
			size_t xl = r == 12 ? 1 : strlen(x); /* r == 12: a NUL byte */
			memcpy(in + n, r == 12 ? "\0" : x, xl);
			n += xl;
			if (r != 12) {
				memcpy(want + w, x, xl);
				w += xl;
			}
		}
		want[w] = '\0';
		seed = seed * 1103515245u + 12345u;
		size_t ol = 0;
		const char *used = NULL;
		char *out = pd_charset_to_utf8(a, in, n, "utf-8", 1 << 20, &ol, &used, NULL);
		if (strcmp(out, want) != 0 || ol != w)
			bad++;
	}
	CHECK(bad == 0, "%u of 4000 random UTF-8 texts changed by the conversion", bad);
}

/* The own WINDOWS-1252 table against glibc's converter, every byte. */
static void test_cp1252_table(struct pd_arena *a)
{
	iconv_t cd = iconv_open("UTF-8", "WINDOWS-1252");
	CHECK(cd != (iconv_t)-1, "glibc has WINDOWS-1252");
	if (cd == (iconv_t)-1)
		return;
	unsigned same = 0, checked = 0;
	for (unsigned b = 1; b < 256; b++) {
		char in[8] = { 'a', 'b', (char)b, 'c', 'd' };
		char want[16], *ip = in, *op = want;
		size_t il = 5, ol = sizeof want;
		iconv(cd, NULL, NULL, NULL, NULL);
		/* glibc refuses the undefined bytes: the converter shows U+FFFD */
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
			op = want;
			memcpy(op, "ab\xef\xbf\xbd" "cd", 7);
			op += 7;
		}
		*op = '\0';
		const char *used = NULL;
		char *out = pd_charset_to_utf8(a, in, 5, "windows-1252", 1 << 10, NULL, &used, NULL);
		if (strcmp(used, "WINDOWS-1252") != 0)
			continue; /* detection read the bytes as another charset */
		checked++;
		if (strcmp(out, want) == 0)
			same++;
		else
			fprintf(stderr, "byte %02x: got %s want %s\n", b, out, want);
	}
	iconv_close(cd);
	CHECK(checked >= 250 && same == checked, "%u of %u bytes as glibc converts them", same, checked);
}

/* Our base64 body decoder against GMime's, called once over the whole
 * body, on random bodies: wrapped lines, CRLF, padding in and out of
 * place, junk, groups split by line breaks, truncation, data after '='. */
static void test_b64_body(void)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned bad = 0, rounds = 20000;
	unsigned char in[2048], ours[2048], theirs[2048 + 16];
	srand(11);
	for (unsigned r = 0; r < rounds; r++) {
		size_t n = (size_t)(rand() % 600);
		int mode = rand() % 4;
		for (size_t i = 0; i < n; i++) {
			int x = rand() % 100;
			unsigned char c = (unsigned char)alpha[rand() % 64];
			if (mode == 0) /* clean lines */
				c = (i % 78 == 76) ? '\r' : (i % 78 == 77) ? '\n' : c;
			else if (x < 4)
				c = '=';
			else if (x < 8)
				c = (unsigned char)"\r\n \t-*.:"[rand() % 9];
			else if (x < 10 && mode == 3)
				c = (unsigned char)(rand() % 256);
			in[i] = c;
		}
		if (mode == 0 && n >= 2 && rand() % 2) { /* padded ending */
			in[n - 1] = '=';
			if (rand() % 2)
				in[n - 2] = '=';
		}
		size_t k = pd_b64_body_decode(in, n, ours);
		int state = 0;
		guint32 save = 0;
		size_t g = g_mime_encoding_base64_decode_step(in, n, theirs, &state, &save);
		if (k != g || memcmp(ours, theirs, k) != 0) {
			if (bad++ < 3)
				fprintf(stderr, "b64 body: %zu bytes in, ours %zu, GMime %zu\n", n, k, g);
		}
	}
	CHECK(bad == 0, "%u of %u base64 bodies decode differently from GMime", bad, rounds);
	unsigned char o[16];
	size_t k = pd_b64_body_decode((const unsigned char *)"aGk=\r\n", 6, o);
	CHECK(k == 2 && memcmp(o, "hi", 2) == 0, "padded 'hi': %zu bytes", k);
}

/* Our quoted-printable body decoder against GMime's, called once, on
 * random bodies dense in '=', hex digits, CR and LF. */
static void test_qp_body(void)
{
	static const char alpha[] = "=====0123456789abcdefABCDEFgG \t\r\n\r\nxyz.";
	unsigned bad = 0, rounds = 20000;
	unsigned char in[512], ours[512], theirs[512 + 16];
	srand(13);
	for (unsigned r = 0; r < rounds; r++) {
		size_t n = (size_t)(rand() % 200);
		for (size_t i = 0; i < n; i++)
			in[i] = rand() % 50 ? (unsigned char)alpha[rand() % (int)(sizeof alpha - 1)]
			                    : (unsigned char)(rand() % 256);
		size_t k = pd_qp_body_decode(in, n, ours);
		int state = 0;
		guint32 save = 0;
		size_t g = g_mime_encoding_quoted_decode_step(in, n, theirs, &state, &save);
		if (k != g || memcmp(ours, theirs, k) != 0) {
			if (bad++ < 3)
				fprintf(stderr, "qp body: %zu bytes in, ours %zu, GMime %zu\n", n, k, g);
		}
	}
	CHECK(bad == 0, "%u of %u quoted-printable bodies decode differently from GMime", bad, rounds);
	unsigned char o[32];
	static const char qs[] = "caf=C3=A9 =\r\nbar=3d=G=41";
	size_t k = pd_qp_body_decode((const unsigned char *)qs, sizeof qs - 1, o);
	CHECK(k == 15 && memcmp(o, "caf\xc3\xa9 bar==G=41", 15) == 0, "qp sample: %zu bytes", k);
}

int main(void)
{
	test_b64_body();
	test_qp_body();
	/* threads first: they race on the lazily built tables */
	test_threads();
	struct pd_arena *a = pd_arena_new(0);
	test_conversions(a);
	test_utf8_fast_paths(a);
	test_cp1252_table(a);
	test_detect();
	test_rfc2047(a);
	test_rfc2231(a);
	pd_arena_free(a);
	test_floods_and_speed();
	return CHECK_DONE();
}
