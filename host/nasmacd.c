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
		   "                     on the command line override the file\n"
		   "  --log stderr|syslog|FILE   where log lines go (default stderr); a FILE is\n"
		   "                     appended to and reopened on SIGHUP (log rotation)\n"
		   "  --log-level error|warn|info|debug   (default info; --verbose = debug)\n");
}

/* SIGHUP must not kill a daemon: it asks for the log file to be reopened (logrotate), which
 * the next log line does. A role that handles it itself (the MME also prints its counters)
 * replaces this with uv_signal. */
static void on_hup(int sig)
{
	(void)sig;
	nasmac__log_request_reopen();
}

/* Takes --log DEST and --log-level LEVEL out of the role's options (they apply to every role)
 * and sets the logging up; 0, or 2 with a line on stderr. */
static int take_log_options(int *argc, char **argv)
{
	int n = 0;

	for (int i = 0; i < *argc; i++) {
		const char *v = NULL, *o = argv[i];
		int lvl;

		if ((!strcmp(o, "--log") || !strcmp(o, "--log-level")) && i + 1 < *argc)
			v = argv[++i];
		else if (!strncmp(o, "--log=", 6) || !strncmp(o, "--log-level=", 12))
			v = strchr(o, '=') + 1;
		if (!v) {
			argv[n++] = argv[i];
			continue;
		}
		if (!strncmp(o, "--log-level", 11)) {
			lvl = nasmac__log_level_parse(v);
			if (lvl < 0) {
				fprintf(stderr, "nasmacd: --log-level %s: error, warn, info or debug\n", v);
				return 2;
			}
			nasmac__log_force_level(lvl);
		} else {
			int rc = nasmac__log_open(v);

			if (rc) {
				fprintf(stderr, "nasmacd: cannot open log file %s: %s\n", v, strerror(-rc));
				return 2;
			}
		}
	}
	argv[n] = NULL;
	*argc = n;
	return 0;
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
		if (take_log_options(&n, args))
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
