/* Subcommands of the nasmac tool; each lives in its own file and owns its --help. */
#ifndef NASMAC_TOOLS_CMD_H
#define NASMAC_TOOLS_CMD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Each returns the process exit status: 0 ok, 1 a check failed, 2 bad usage or input. */
int nasmac__cmd_mac(int argc, char **argv);    /* tools/cmd_mac.c */
int nasmac__cmd_kdf(int argc, char **argv);    /* tools/cmd_kdf.c */
int nasmac__cmd_verify(int argc, char **argv); /* tools/cmd_verify.c */
int nasmac__cmd_load(int argc, char **argv);   /* host/ue/load.c */
int nasmac__cmd_run(int argc, char **argv);    /* host/ue/run.c */
int nasmac__bench_engine(int argc, char **argv); /* bench/bench_engine.c */
int nasmac__bench_driver(int argc, char **argv); /* bench/bench_driver.c */
int nasmac__bench_e2e(int argc, char **argv);    /* bench/bench_e2e.c */
/* The first line of a benchmark's output (bench/bench_common.c): commit, versions, CPU, cores,
 * load average; params: more JSON members ("\"k\":v,...") or NULL. */
void nasmac__bench_header(const char *bench, int json, const char *params);

/* Field parsers (tools/parse.c): NULL when good, else why the field is bad. */
const char *nasmac__tool_hex_inplace(char *s, size_t *len);
const char *nasmac__tool_hex_exact(const char *s, uint8_t *out, size_t n);
const char *nasmac__tool_hex_u32(const char *s, unsigned max_digits, uint32_t *out);
const char *nasmac__tool_dec(const char *s, unsigned long max, unsigned long *out);
void nasmac__tool_print_hex(FILE *f, const uint8_t *p, size_t n);

/* The option loop of a subcommand whose options all take a value, --NAME VALUE (tools/parse.c):
 * names[i] (without the dashes; n <= NASMAC__TOOL_MAX_OPTS) sets vals[i], the last one given
 * wins, and bit i of *given; each(ctx, i, value), when not NULL, sees every one first, in order,
 * and may refuse it (its nonzero exit status, having said why). -h / --help prints usage on
 * stdout. Returns -1 after the help (exit 0), 0 when the options were good and nothing else is
 * on the line, else 2 having said why on stderr, prefixed with prog. */
#define NASMAC__TOOL_MAX_OPTS 16
int nasmac__tool_opts(const char *prog, int argc, char **argv, const char *const *names, size_t n,
		      char **vals, unsigned *given, void (*usage)(FILE *f),
		      int (*each)(void *ctx, size_t i, char *val), void *ctx);

#endif
