/*
 * The pass/fail count of the kernel tests, for C (test_kernel.c) and C++ (test_axi_mem.cc):
 * CHECK(cond, printf format, ...) counts a pass, or a failure printed with its file and line;
 * check_summary(name) prints the closing "N passed, M failed" line and returns the exit status.
 */
#ifndef NASMAC_TESTS_KERNEL_CHECK_H
#define NASMAC_TESTS_KERNEL_CHECK_H

#include <stdio.h>

static unsigned passed, failed;

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

static inline int check_summary(const char *name)
{
	printf("%s: %u passed, %u failed\n", name, passed, failed);
	return failed ? 1 : 0;
}

#endif
