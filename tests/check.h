/*
 * The counted check of the self-checking test programs that do not use cmocka (tests/kernel):
 * CHECK(cond, printf-style message) counts a pass or a failure in the includer's `passed` and
 * `failed` and names the failing line, and the test goes on, so one run lists every failure.
 * C and C++.
 */
#ifndef NASMAC_TESTS_CHECK_H
#define NASMAC_TESTS_CHECK_H

#include <stdio.h>

#define CHECK(cond, ...)                                                         \
	do {                                                                     \
		if (cond) {                                                      \
			passed++;                                                \
		} else {                                                         \
			failed++;                                                \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);     \
			fprintf(stderr, __VA_ARGS__);                            \
			fputc('\n', stderr);                                     \
		}                                                                \
	} while (0)

#endif
