/* Development scaffold: weak fallbacks for subcommands whose file has not landed yet.
 * A subcommand's real (strong) definition replaces its entry here; remove this file once
 * every subcommand exists. */
#include <stdio.h>

#include "cmd.h"

#define PENDING(fn, what)                                                              \
	__attribute__((weak)) int fn(int argc, char **argv)                            \
	{                                                                              \
		(void)argc;                                                            \
		(void)argv;                                                            \
		fprintf(stderr, "nasmac: '%s' is not part of this build yet\n", what); \
		return 2;                                                              \
	}

PENDING(nasmac__cmd_mac, "mac")
PENDING(nasmac__cmd_kdf, "kdf")
PENDING(nasmac__cmd_verify, "verify")
PENDING(nasmac__cmd_load, "load")
PENDING(nasmac__cmd_run, "run")
PENDING(nasmac__bench_engine, "bench engine")
PENDING(nasmac__bench_driver, "bench driver")
PENDING(nasmac__bench_e2e, "bench e2e")
