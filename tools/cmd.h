/* Subcommands of the nasmac tool; each lives in its own file and owns its --help. */
#ifndef NASMAC_TOOLS_CMD_H
#define NASMAC_TOOLS_CMD_H

/* Each returns the process exit status: 0 ok, 1 a check failed, 2 bad usage or input. */
int nasmac__cmd_mac(int argc, char **argv);    /* tools/cmd_mac.c */
int nasmac__cmd_kdf(int argc, char **argv);    /* tools/cmd_kdf.c */
int nasmac__cmd_verify(int argc, char **argv); /* tools/cmd_verify.c */
int nasmac__cmd_load(int argc, char **argv);   /* host/load/... */
int nasmac__cmd_run(int argc, char **argv);    /* host/load/... */
int nasmac__bench_engine(int argc, char **argv); /* bench/bench_engine.c */
int nasmac__bench_driver(int argc, char **argv); /* bench/bench_driver.c */
int nasmac__bench_e2e(int argc, char **argv);    /* bench/bench_e2e.c */

#endif
