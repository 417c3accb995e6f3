/* nasmac: the one command-line entry point; it only dispatches to the subcommands. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "nasmac.h"
#include "nasmac_build.h"
#include "nasmac_layout.h"

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static int cmd_bench(int argc, char **argv);

static const struct cmd cmds[] = {
	{ "mac", nasmac__cmd_mac, "compute 128-EIA1/2/3 MACs (one, or a batch file)" },
	{ "verify", nasmac__cmd_verify, "verify a batch file of MACs through a backend" },
	{ "kdf", nasmac__cmd_kdf, "3GPP key derivations (K_NASint, K_AMF', ...)" },
	{ "run", nasmac__cmd_run, "the demo: MME + AMF + UE load on loopback" },
	{ "load", nasmac__cmd_load, "UE simulator and load generator against an AMF" },
	{ "bench", cmd_bench, "benchmarks: engine | driver | e2e" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: nasmac <command> [options]   (nasmac <command> --help for its options)\n"
		   "       nasmac --version\n\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].help);
}

static int cmd_bench(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fprintf(argc < 2 ? stderr : stdout,
			"usage: nasmac bench engine|driver|e2e [--json | --csv] [options]\n"
			"  engine  cycles per MAC of the kernel model, beside libipsec-mb on one core\n"
			"  driver  MAC/s per libnasmac backend, beside raw libipsec-mb and OpenSSL\n"
			"  e2e     Context Requests/s through nasmacd mme per store and worker count,\n"
			"          beside a UDP echo ceiling\n"
			"Every one writes a header record and rows of one schema (bench/bench.h);\n"
			"nasmac bench NAME --help for its options.\n");
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "engine"))
		return nasmac__bench_engine(argc - 1, argv + 1);
	if (!strcmp(argv[1], "driver"))
		return nasmac__bench_driver(argc - 1, argv + 1);
	if (!strcmp(argv[1], "e2e"))
		return nasmac__bench_e2e(argc - 1, argv + 1);
	fprintf(stderr, "nasmac bench: unknown benchmark '%s' (engine, driver, e2e)\n", argv[1]);
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("nasmac %s (git %s), device layout %u.%u\n", nasmac_version(),
		       NASMAC_BUILD_GIT, (unsigned)(NASMAC_DEV_VERSION >> 16),
		       (unsigned)(NASMAC_DEV_VERSION & 0xffff));
		return 0;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "nasmac: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
