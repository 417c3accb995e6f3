/*
 * The first line of every benchmark's output: what was measured, on what, under which load.
 * A figure without its conditions is not a figure: the commit and library versions, the CPU,
 * its online cores and the load average at the start (the benchmarks share the machine with
 * whatever else runs), and the bench's own parameters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <intel-ipsec-mb.h>
#include <openssl/crypto.h>

#include "cmd.h"
#include "nasmac.h"
#include "nasmac_build.h"
#include "nasmac_layout.h"

static void cpu_model(char *out, size_t len)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(out, len, "unknown");
	while (f && fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && v) {
			v += 1 + strspn(v + 1, " \t");
			v[strcspn(v, "\n")] = '\0';
			snprintf(out, len, "%s", v);
			break;
		}
	}
	if (f)
		fclose(f);
	/* Quotes or backslashes would break the JSON line. */
	for (char *p = out; *p; p++)
		if (*p == '"' || *p == '\\')
			*p = ' ';
}

void nasmac__bench_header(const char *bench, int json, const char *params)
{
	char cpu[160], date[32];
	double load[3] = { 0, 0, 0 };
	struct utsname u;
	time_t now = time(NULL);
	struct tm tm;

	cpu_model(cpu, sizeof(cpu));
	if (getloadavg(load, 3) < 0)
		load[0] = load[1] = load[2] = -1;
	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "unknown");
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (json) {
		printf("{\"kind\":\"header\",\"bench\":\"%s\",\"date\":\"%s\",\"version\":\"%s\","
		       "\"commit\":\"%s\",\"layout\":\"%u.%u\",\"cpu\":\"%s\",\"online_cores\":%ld,"
		       "\"kernel\":\"%s\",\"loadavg\":[%.2f,%.2f,%.2f],\"ipsec_mb\":\"%s\","
		       "\"openssl\":\"%s\"%s%s}\n",
		       bench, date, nasmac_version(), NASMAC_BUILD_GIT,
		       (unsigned)(NASMAC_DEV_VERSION >> 16), (unsigned)(NASMAC_DEV_VERSION & 0xffff),
		       cpu, sysconf(_SC_NPROCESSORS_ONLN), u.release, load[0], load[1], load[2],
		       imb_get_version_str(), OpenSSL_version(OPENSSL_VERSION_STRING),
		       params && *params ? "," : "", params ? params : "");
	} else {
		printf("# nasmac bench %s, %s, nasmac %s (git %s)\n# %s, %ld cores online, Linux %s, "
		       "load average %.2f %.2f %.2f at the start\n# libipsec-mb %s, OpenSSL %s\n",
		       bench, date, nasmac_version(), NASMAC_BUILD_GIT, cpu,
		       sysconf(_SC_NPROCESSORS_ONLN), u.release, load[0], load[1], load[2],
		       imb_get_version_str(), OpenSSL_version(OPENSSL_VERSION_STRING));
	}
	fflush(stdout);
}
