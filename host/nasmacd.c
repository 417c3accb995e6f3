/* nasmacd: the N26 front-end daemon. One role per process: `mme` (the old MME: GTPv2-C server
 * that verifies the forwarded NAS message before it hands out a security context), `amf` (the new
 * AMF: NAS towards the UE simulator, GTPv2-C client towards the MME) or `echo` (a do-nothing UDP
 * echo with the same batching, the ceiling of `nasmac bench e2e`). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "host.h"
#include "nasmac.h"
#include "nasmac_build.h"

int nasmac__echo_main(int argc, char **argv);

static void usage(FILE *f)
{
	fprintf(f, "usage: nasmacd mme|amf|echo [-c FILE.yaml] [options]   (nasmacd <role> --help)\n"
		   "       nasmacd --version\n"
		   "  mme   the old MME: N26 GTPv2-C server, verifies NAS MACs through libnasmac\n"
		   "  amf   the new AMF: NAS test link towards UEs, N26 client towards the MME\n"
		   "  echo  UDP echo with the same recvmmsg/sendmmsg batching (benchmark ceiling)\n"
		   "  -c, --config FILE  YAML file, one key per long option (etc/*.yaml); options\n"
		   "                     on the command line override the file\n");
}

/* SIGHUP must not kill a daemon: every role logs to stderr, so there is no file to reopen. A
 * role that handles it itself (the MME prints its counters) replaces this with uv_signal. */
static void on_hup(int sig)
{
	static const char msg[] = "nasmacd: SIGHUP: logging to stderr, no log file to reopen; "
				  "still running\n";

	(void)sig;
	(void)!write(2, msg, sizeof(msg) - 1);
}

int main(int argc, char **argv)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_hup;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGHUP, &sa, NULL);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("nasmacd %s (git %s)\n", nasmac_version(), NASMAC_BUILD_GIT);
		return 0;
	}
	if (!strcmp(argv[1], "mme") || !strcmp(argv[1], "amf") || !strcmp(argv[1], "echo")) {
		int n;
		char **args;

		if (nasmac__config_argv(argc - 1, argv + 1, &n, &args))
			return 2;
		if (!strcmp(argv[1], "mme"))
			return nasmac__mme_main(n, args);
		if (!strcmp(argv[1], "amf"))
			return nasmac__amf_main(n, args);
		return nasmac__echo_main(n, args);
	}
	fprintf(stderr, "nasmacd: unknown role '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
