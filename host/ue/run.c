/*
 * `nasmac run`: the demo. Starts `nasmacd mme` (or a pool of them, --mmes N, each on its own port
 * and all on one shared store) and `nasmacd amf` as child processes (the nasmacd
 * binary beside this one) on loopback ports picked at random, writes the UE db for the MME, runs
 * the load generator in this process against the AMF, stops the daemons with SIGTERM and prints
 * the summary plus the daemons' counter lines. Separate processes keep the demo honest: the
 * three parties share nothing but UDP and the UE db file.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store.h"
#include "ue.h"

#define MAX_EXTRA 8 /* --mme-arg / --amf-arg each */

struct daemon {
	pid_t pid;
	char log[PATH_MAX];
	const char *ready; /* the log line that says it serves */
};

int nasmac__nasmacd_path(char *out, size_t size)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0)
		return -errno;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	if ((size_t)snprintf(out, size, "%s/nasmacd", self) >= size)
		return -ENAMETOOLONG;
	return access(out, X_OK) ? -ENOENT : 0;
}

static int spawn(struct daemon *d, char *const argv[])
{
	int fd;

	/* A log left from an earlier run in the same --keep directory would say "ready" before
	 * this daemon even bound its socket (the load then sent into a closed port). */
	if (unlink(d->log) && errno != ENOENT)
		return -errno;
	d->pid = fork();
	if (d->pid < 0)
		return -errno;
	if (d->pid == 0) {
		/* If this process dies (a crash, a sanitizer abort), the daemons go with it
		 * instead of holding their ports forever. */
		(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
		/* Both streams: whatever a daemon (or a backend library in it) prints must not
		 * mix into this tool's output, which may be JSON read by a script. */
		fd = open(d->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	return 0;
}

int nasmac__wait_log(const char *path, const char *what, unsigned times, pid_t pid,
		     int timeout_ms)
{
	char *line = NULL;
	size_t cap = 0;
	int rc = -ETIMEDOUT;

	for (int t = 0; t < timeout_ms; t += 10) {
		struct timespec ts = { 0, 10000000 };
		FILE *f = fopen(path, "r");
		unsigned seen = 0;

		if (f) {
			while (seen < times && getline(&line, &cap, f) > 0)
				seen += strstr(line, what) != NULL;
			fclose(f);
		}
		if (seen >= times) {
			rc = 0;
			break;
		}
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			rc = -ECHILD;
			break;
		}
		nanosleep(&ts, NULL);
	}
	free(line);
	return rc;
}

/* Waits until the daemon's log says it serves (the sim backend takes a while to open). */
static int wait_ready(struct daemon *d, int timeout_ms)
{
	int rc = nasmac__wait_log(d->log, d->ready, 1, d->pid, timeout_ms);

	if (rc == -ECHILD)
		d->pid = 0; /* reaped */
	return rc;
}

static int stop(struct daemon *d)
{
	int status = 0;

	if (d->pid <= 0)
		return -1;
	kill(d->pid, SIGTERM);
	if (waitpid(d->pid, &status, 0) != d->pid)
		return -1;
	d->pid = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void print_log_lines(const struct daemon *d, const char *what, FILE *out)
{
	char line[2048];
	FILE *f = fopen(d->log, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, what))
			fputs(line, out);
	fclose(f);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nasmac run [--backend cpu|sim|xrt:N] [--ues N] [--tampered F] [--replayed F]\n"
		"                  [--mode patent|3gpp] [--pcap DIR] [--json] [load options]\n"
		"Starts nasmacd mme and nasmacd amf (child processes) on loopback, runs the UE load\n"
		"against them and prints the summary. Defaults: --backend sim --ues 1000.\n"
		"The MME runs on its durable store, LMDB, in the run's directory (DIR/mme-store with\n"
		"--keep DIR, else a temporary directory removed at the end); files are 0600.\n"
		"  --mmes N        a pool of N MMEs (1..32), each on its own port, all on one store;\n"
		"                  the UEs are spread over their GUMMEIs (nasmac load --help) and\n"
		"                  the AMF gets --mme GUMMEI=ADDR:PORT for each\n"
		"  --store URI     the MMEs' store instead of lmdb:DIR/mme-store (lmdb:DIR,\n"
		"                  memory:; a pool needs one the MMEs share: not memory:)\n"
		"  --pcap DIR      write DIR/mme.pcap and DIR/amf.pcap (what each daemon sent and got)\n"
		"  --kamf-by-mme F share of FIG. 3 UEs whose MME derives K_AMF; --manner, --upgraded,\n"
		"                  --unknown, --seed, --window: see nasmac load --help\n"
		"  --keep DIR      keep the UE db, the daemon logs, plan.txt (every attempt and its\n"
		"                  expected outcome) and the MME's store in DIR; a second run with\n"
		"                  the same DIR and seed is refused as a replay, as it should be\n"
		"  --kamf-check    the AMF logs a check value of each registered UE's K_AMF; the run\n"
		"                  compares them with the UEs' (kamf_checked, kamf_mismatch)\n"
		"  --mme-arg ARG, --amf-arg ARG  one more argument for nasmacd mme / amf (repeat;\n"
		"                  e.g. --mme-arg=--max-pending=1, --mme-arg=--kamf-by-mme)\n"
		"  --echo-mismatch F  share of UEs whose FIG. 4 knowledge is stale; --allow-overload:\n"
		"                  a No resources reject is not unexpected (overload tests)\n");
}

int nasmac__cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		NASMAC__LOAD_LONGOPTS,
		{ "backend", required_argument, NULL, 'b' },
		{ "pcap", required_argument, NULL, 'p' },
		{ "keep", required_argument, NULL, 'k' },
		{ "kamf-check", no_argument, NULL, 'K' },
		{ "store", required_argument, NULL, 's' },
		{ "mme-arg", required_argument, NULL, 'M' },
		{ "amf-arg", required_argument, NULL, 'A' },
		{ 0, 0, 0, 0 },
	};
	struct nasmac__load_opts o;
	struct nasmac__load_result res;
	struct nasmac__uesim *ues = NULL;
	static struct daemon mmes[NASMAC__LOAD_MAX_MMES];
	struct daemon amf = { .ready = "UE test link on" };
	const char *backend = "sim", *pcap = NULL, *keep = NULL, *store_uri = NULL;
	char dir[PATH_MAX], db[PATH_MAX + 16] = "", bin[PATH_MAX], amf_addr[32];
	static char mme_addr[NASMAC__LOAD_MAX_MMES][32], mme_pcap[NASMAC__LOAD_MAX_MMES][PATH_MAX + 16];
	static char mme_gummei[NASMAC__LOAD_MAX_MMES][64];
	char amf_pcap[PATH_MAX + 16], plan[PATH_MAX + 16] = "";
	char store_dir[PATH_MAX + 16] = "", store[PATH_MAX + 32], slog[PATH_MAX + 32];
	int c, idx = 0, n, rc, ret = 1, mme_rc = 0, amf_rc, kamf_check = 0;
	uint32_t n_mmes = 1;
	char *mme_extra[MAX_EXTRA], *amf_extra[MAX_EXTRA];
	unsigned n_mme_extra = 0, n_amf_extra = 0;

	nasmac__load_defaults(&o);
	o.progress = isatty(2);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, &idx)) != -1) {
		switch (c) {
		case 'b': backend = optarg; break;
		case 'p': pcap = optarg; break;
		case 'k': keep = optarg; break;
		case 'K': kamf_check = 1; break;
		case 's': store_uri = optarg; break;
		case 'M':
		case 'A':
			if ((c == 'M' ? n_mme_extra : n_amf_extra) >= MAX_EXTRA) {
				fprintf(stderr, "nasmac run: at most %d --%s-arg\n", MAX_EXTRA,
					c == 'M' ? "mme" : "amf");
				return 2;
			}
			if (c == 'M')
				mme_extra[n_mme_extra++] = optarg;
			else
				amf_extra[n_amf_extra++] = optarg;
			break;
		default:
			if ((rc = nasmac__load_getopt(&o, "nasmac run", c, opts[idx].name, optarg,
						      usage)))
				return rc < 0 ? 0 : rc;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	n_mmes = o.mmes ? o.mmes : 1;
	if (n_mmes > 1 && store_uri && !strncmp(store_uri, "memory:", 7)) {
		/* Each MME would hold its own copy: a UE registered through one could be replayed
		 * through another. */
		fprintf(stderr, "nasmac run: --mmes %u needs a store the MMEs share (lmdb:DIR), not "
				"%s (each MME would have its own)\n", n_mmes, store_uri);
		return 2;
	}
	memset(mmes, 0, sizeof(mmes));
	for (uint32_t k = 0; k < n_mmes; k++)
		mmes[k].ready = "serving N26";
	nasmac__log_init("run", NASMAC__LOG_INFO);
	rc = nasmac__nasmacd_path(bin, sizeof(bin));
	if (rc) {
		fprintf(stderr, "nasmac run: nasmacd not found beside this binary (make builds "
				"build/bin/nasmacd)\n");
		return 1;
	}
	if (keep) {
		if (mkdir(keep, 0700) && errno != EEXIST) {
			fprintf(stderr, "nasmac run: cannot create %s\n", keep);
			return 1;
		}
		snprintf(dir, sizeof(dir), "%s", keep);
	} else {
		snprintf(dir, sizeof(dir), "/tmp/nasmac-run-XXXXXX");
		if (!mkdtemp(dir)) {
			fprintf(stderr, "nasmac run: cannot create a temporary directory\n");
			return 1;
		}
	}
	if (pcap && mkdir(pcap, 0700) && errno != EEXIST) {
		fprintf(stderr, "nasmac run: cannot create %s\n", pcap);
		goto out_rmdir;
	}
	snprintf(db, sizeof(db), "%s/ue.db", dir);
	/* The MME on its durable default, LMDB, in the run's directory (a fresh store each run
	 * unless --keep names one already used: then its COUNTs hold, and a second run of the
	 * same load is refused as the replay it is). */
	if (store_uri) {
		snprintf(store, sizeof(store), "%s", store_uri);
	} else {
		snprintf(store_dir, sizeof(store_dir), "%.4000s/mme-store", dir);
		snprintf(store, sizeof(store), "lmdb:%s", store_dir);
	}
	snprintf(plan, sizeof(plan), "%s/plan.txt", dir);
	for (uint32_t k = 0; k < n_mmes; k++) {
		/* One MME keeps the names it always had. */
		if (n_mmes == 1)
			snprintf(mmes[k].log, sizeof(mmes[k].log), "%.4000s/mme.log", dir);
		else
			snprintf(mmes[k].log, sizeof(mmes[k].log), "%.4000s/mme-%u.log", dir, k);
	}
	snprintf(amf.log, sizeof(amf.log), "%.4000s/amf.log", dir);
	n = nasmac__load_make(&o, &ues);
	if (n < 0)
		goto out_rmdir;
	rc = nasmac__load_write_db(ues, (uint32_t)n, db);
	if (!rc && keep)
		rc = nasmac__load_write_plan(ues, (uint32_t)n, plan);
	if (rc) {
		fprintf(stderr, "nasmac run: cannot write %s: %s\n", db, nasmac_strerror(rc));
		goto out_free;
	}
	snprintf(amf_addr, sizeof(amf_addr), "127.0.0.1:%d", nasmac__free_port(SOCK_DGRAM));
	snprintf(amf_pcap, sizeof(amf_pcap), "%s/amf.pcap", pcap ? pcap : "");
	for (uint32_t k = 0; k < n_mmes; k++) {
		/* The first MME imports the UE db into the store; the others start after it, on the
		 * store it filled (the pool's MMEs share it). */
		char *mme_argv[20 + MAX_EXTRA] = { bin, "mme", "--listen", mme_addr[k], "--backend",
						   (char *)backend, "--store", store };
		unsigned j = 8;

		snprintf(mme_addr[k], sizeof(mme_addr[k]), "127.0.0.1:%d", nasmac__free_port(SOCK_DGRAM));
		if (n_mmes == 1)
			snprintf(mme_pcap[k], sizeof(mme_pcap[k]), "%s/mme.pcap", pcap ? pcap : "");
		else
			snprintf(mme_pcap[k], sizeof(mme_pcap[k]), "%s/mme-%u.pcap", pcap ? pcap : "",
				 k);
		if (k == 0) {
			mme_argv[j++] = "--ue-db";
			mme_argv[j++] = db;
		}
		if (pcap) {
			mme_argv[j++] = "--pcap";
			mme_argv[j++] = mme_pcap[k];
		}
		for (unsigned e = 0; e < n_mme_extra; e++)
			mme_argv[j++] = mme_extra[e];
		if (spawn(&mmes[k], mme_argv)) {
			fprintf(stderr, "nasmac run: cannot start nasmacd\n");
			goto out_stop;
		}
		if (k == 0 && n_mmes > 1 && wait_ready(&mmes[0], 60000))
			goto out_not_up;
	}
	{
		char *amf_argv[16 + MAX_EXTRA + 2 * NASMAC__LOAD_MAX_MMES] = {
			bin, "amf", "--listen", amf_addr, "--backend", (char *)backend
		};
		unsigned j = 6;

		for (uint32_t k = 0; k < n_mmes; k++) {
			struct nasmac__gummei g;
			char name[NASMAC__GUMMEI_TEXT];

			amf_argv[j++] = "--mme";
			if (n_mmes == 1) {
				amf_argv[j++] = mme_addr[k];
				continue;
			}
			nasmac__load_gummei(k, &g);
			(void)nasmac__gummei_format(&g, name, sizeof(name));
			snprintf(mme_gummei[k], sizeof(mme_gummei[k]), "%.19s=%.31s", name,
				 mme_addr[k]);
			amf_argv[j++] = mme_gummei[k];
		}
		if (pcap) {
			amf_argv[j++] = "--pcap";
			amf_argv[j++] = amf_pcap;
		}
		if (kamf_check)
			amf_argv[j++] = "--kamf-check";
		for (unsigned e = 0; e < n_amf_extra; e++)
			amf_argv[j++] = amf_extra[e];
		if (spawn(&amf, amf_argv)) {
			fprintf(stderr, "nasmac run: cannot start nasmacd\n");
			goto out_stop;
		}
	}
	for (uint32_t k = 0; k < n_mmes; k++)
		if (wait_ready(&mmes[k], 60000))
			goto out_not_up;
	if (wait_ready(&amf, 60000))
		goto out_not_up;
	nasmac__db_uri_redact(store, slog, sizeof(slog)); /* a password never printed */
	if (!o.json)
		printf("nasmac run: MME%s %s%s, AMF %s, backend %s, %u UEs (logs in %s, MME store "
		       "%s%s)\n",
		       n_mmes > 1 ? " pool" : "", mme_addr[0], n_mmes > 1 ? " and up" : "",
		       amf_addr, backend, o.ues, dir, slog,
		       keep || store_uri ? "" : ", removed at the end");
	o.amf = amf_addr;
	rc = nasmac__load_run(&o, ues, &res);
	for (uint32_t k = 0; k < n_mmes; k++) {
		int r = stop(&mmes[k]);

		if (r && !mme_rc)
			mme_rc = r;
	}
	amf_rc = stop(&amf);
	if (rc < 0) {
		fprintf(stderr, "nasmac run: load failed: %s\n", nasmac_strerror(rc));
		goto out_stop;
	}
	/* After the AMF stopped, so its log is complete. */
	if (kamf_check && nasmac__load_kamf_compare(ues, (uint32_t)n, o.ues, amf.log, &res)) {
		fprintf(stderr, "nasmac run: cannot read %s\n", amf.log);
		goto out_stop;
	}
	nasmac__load_print(&o, &res, stdout);
	if (!o.json) {
		for (uint32_t k = 0; k < n_mmes; k++)
			print_log_lines(&mmes[k], "counters (exit)", stdout);
		print_log_lines(&amf, "counters (exit)", stdout);
		print_log_lines(&amf, "pool (exit)", stdout);
		if (pcap)
			printf("captures: %s%s, %s\n", mme_pcap[0], n_mmes > 1 ? " and up" : "",
			       amf_pcap);
	}
	if (mme_rc || amf_rc) {
		fprintf(stderr, "nasmac run: a daemon exited with status %d/%d\n", mme_rc, amf_rc);
		goto out_stop;
	}
	ret = rc || res.kamf_mismatch ? 1 : 0;

	goto out_stop;
out_not_up:
	fprintf(stderr, "nasmac run: the daemons did not come up; their logs:\n");
	for (uint32_t k = 0; k < n_mmes; k++)
		print_log_lines(&mmes[k], "", stderr);
	print_log_lines(&amf, "", stderr);
out_stop:
	for (uint32_t k = 0; k < n_mmes; k++)
		stop(&mmes[k]);
	stop(&amf);
out_free:
	free(ues);
out_rmdir:
	if (!keep) {
		unlink(db);
		unlink(plan);
		for (uint32_t k = 0; k < n_mmes; k++)
			if (mmes[k].log[0])
				unlink(mmes[k].log);
		unlink(amf.log);
		if (store_dir[0]) {
			char f[PATH_MAX + 48];
			snprintf(f, sizeof(f), "%s/data.mdb", store_dir);
			unlink(f);
			snprintf(f, sizeof(f), "%s/lock.mdb", store_dir);
			unlink(f);
			rmdir(store_dir);
		}
		rmdir(dir);
	}
	return ret;
}
