/* lsan_canary.c - leaks on purpose.  Built and run only in sanitizer
 * builds, where it must FAIL (meson should_fail): that proves
 * LeakSanitizer is live, so the unit tests passing there means no leaks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *volatile sink;

/* In a frame of its own, so that no live stack slot or register keeps
 * the pointer (LeakSanitizer scans those conservatively). */
__attribute__((noinline)) static void leak_one(void)
{
	char *p = malloc(64);
	if (!p)
		return;
	memset(p, 'x', 64);
	sink = p;
	sink = NULL; /* the only pointer is gone: a definite leak */
}

int main(void)
{
	for (int i = 0; i < 16; i++)
		leak_one();
	puts("leaked 16 x 64 bytes on purpose");
	return 0;
}
