/* transfer.c - base64 body decoding with GMime's semantics (transfer.h). */
#include "mail/transfer.h"

#include <stdint.h>
#include <string.h>

#include "base/text.h"

/* digit value + 0x80; 0 outside the alphabet and for '=' (transfer.h).
 * The 0x80 makes one AND test four digits at once; the sum of the four
 * shifted entries minus K is the 24 bits they stand for. */
static const unsigned char digit[256] = {
	['A'] = 128, ['B'] = 129, ['C'] = 130, ['D'] = 131, ['E'] = 132, ['F'] = 133, ['G'] = 134, ['H'] = 135,
	['I'] = 136, ['J'] = 137, ['K'] = 138, ['L'] = 139, ['M'] = 140, ['N'] = 141, ['O'] = 142, ['P'] = 143,
	['Q'] = 144, ['R'] = 145, ['S'] = 146, ['T'] = 147, ['U'] = 148, ['V'] = 149, ['W'] = 150, ['X'] = 151,
	['Y'] = 152, ['Z'] = 153, ['a'] = 154, ['b'] = 155, ['c'] = 156, ['d'] = 157, ['e'] = 158, ['f'] = 159,
	['g'] = 160, ['h'] = 161, ['i'] = 162, ['j'] = 163, ['k'] = 164, ['l'] = 165, ['m'] = 166, ['n'] = 167,
	['o'] = 168, ['p'] = 169, ['q'] = 170, ['r'] = 171, ['s'] = 172, ['t'] = 173, ['u'] = 174, ['v'] = 175,
	['w'] = 176, ['x'] = 177, ['y'] = 178, ['z'] = 179, ['0'] = 180, ['1'] = 181, ['2'] = 182, ['3'] = 183,
	['4'] = 184, ['5'] = 185, ['6'] = 186, ['7'] = 187, ['8'] = 188, ['9'] = 189, ['+'] = 190, ['/'] = 191,
};
#define K ((0x80u << 18) + (0x80u << 12) + (0x80u << 6) + 0x80u)

size_t pd_b64_body_decode(const unsigned char *in, size_t n, unsigned char *out)
{
	size_t i = 0, k = 0;
	uint32_t saved = 0;
	unsigned nd = 0; /* digits in saved */
	while (i < n) {
		/* whole groups of four digits (a line of 76 has 19) */
		if (nd == 0) {
			while (i + 4 <= n) {
				uint32_t a = digit[in[i]], b = digit[in[i + 1]], c = digit[in[i + 2]], d = digit[in[i + 3]];
				if (!(a & b & c & d & 0x80))
					break;
				/* the three bytes with one 4-byte store (out has room
				 * for one byte more; the next group overwrites it) */
				uint32_t v = ((a << 18) + (b << 12) + (c << 6) + d - K) << 8;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
				v = __builtin_bswap32(v);
#endif
				memcpy(out + k, &v, 4);
				k += 3;
				i += 4;
			}
			if (i >= n)
				break;
		}
		/* one byte at a time: line breaks, junk, a group split by them,
		 * the end */
		unsigned char c = in[i++], r = digit[c];
		if (c == '=') {
			if (nd == 2) {
				out[k++] = (unsigned char)(saved >> 4);
			} else if (nd == 3) {
				out[k++] = (unsigned char)(saved >> 10);
				out[k++] = (unsigned char)(saved >> 2);
			}
			return k;
		}
		if (!r)
			continue;
		saved = saved << 6 | (uint32_t)(r - 0x80);
		if (++nd == 4) {
			out[k] = (unsigned char)(saved >> 16);
			out[k + 1] = (unsigned char)(saved >> 8);
			out[k + 2] = (unsigned char)saved;
			k += 3;
			nd = 0;
			saved = 0;
		}
	}
	return k;
}

size_t pd_qp_body_decode(const unsigned char *in, size_t n, unsigned char *out)
{
	size_t i = 0, k = 0;
	while (i < n) {
		const unsigned char *eq = memchr(in + i, '=', n - i);
		size_t e = eq ? (size_t)(eq - in) : n; /* in[i..e) is literal */
		memcpy(out + k, in + i, e - i);
		k += e - i;
		if (e + 1 >= n)
			break; /* no '=', or '=' last: dropped */
		unsigned char c1 = in[e + 1];
		if (c1 == '\n') { /* soft line break */
			i = e + 2;
			continue;
		}
		if (e + 2 >= n)
			break; /* "=" and one byte last: dropped */
		unsigned char c2 = in[e + 2];
		if (c1 == '\r' && c2 == '\n') {
			/* soft line break */
		} else if (pd_hexval(c1) >= 0 && pd_hexval(c2) >= 0) {
			out[k++] = (unsigned char)(pd_hexval(c1) << 4 | pd_hexval(c2));
		} else {
			out[k++] = '=';
			out[k++] = c1;
			out[k++] = c2;
		}
		i = e + 3;
	}
	return k;
}
