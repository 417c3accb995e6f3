/*
 * Backends beyond cpu. A program linked with the static archive gets sim and xrt in the
 * archive itself (driver/src/backends.c lists them and is linked as an object). A program
 * linked with libnasmac.so gets only the cpu backend and the reference code, with no C++
 * runtime, no Verilator model and no XRT: the sim and xrt backends are modules,
 * nasmac-<name>.so, loaded the first time a spec names them, the way OpenSSL loads providers.
 *
 * Where modules are looked for, in order: $NASMAC_MODULE_DIR; the nasmac/ folder beside the
 * libnasmac.so in use (an installed tree and the build tree alike); NASMAC_MODULE_DIR_DEFAULT.
 *
 * A module whose runtime is not a distribution library in every install (XRT: Debian ships it
 * in the multiarch lib dir, Xilinx's packages in /opt/xilinx/xrt/lib, with XILINX_XRT set by
 * its setup.sh) gets that runtime loaded first, RTLD_GLOBAL, from wherever it is found; the
 * module's own DT_NEEDED entry then resolves to it by soname.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drv.h"

#ifndef NASMAC_MODULE_DIR_DEFAULT
#define NASMAC_MODULE_DIR_DEFAULT "/usr/local/lib/nasmac"
#endif

/* Defined by backends.c in static builds only. */
extern const struct nasmac__backend_ops *const nasmac__static_backends[] __attribute__((weak));

#define MAX_MODULES 8

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char name[16];
	const struct nasmac__backend_ops *ops;
} g_loaded[MAX_MODULES];
static unsigned int g_nloaded;

static const struct nasmac__backend_ops *try_dir(const char *dir, const char *name,
						 char *tried, size_t tried_len)
{
	char path[PATH_MAX], sym[64];
	const struct nasmac__backend_ops *ops;
	void *h;

	if (!dir || !*dir)
		return NULL;
	if (snprintf(path, sizeof(path), "%s/nasmac-%s.so", dir, name) >= (int)sizeof(path))
		return NULL;
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		size_t used = strlen(tried);

		snprintf(tried + used, tried_len - used, "%s%s", used ? ", " : "", dir);
		return NULL;
	}
	snprintf(sym, sizeof(sym), "nasmac__%s_ops", name);
	ops = dlsym(h, sym);
	if (!ops || strcmp(ops->name, name) != 0) {
		fprintf(stderr, "nasmac: %s: %s is not a nasmac backend module (no %s)\n", name,
			path, sym);
		dlclose(h);
		return NULL;
	}
	/* Never unloaded: devices opened from it may outlive any reference count we could keep. */
	return ops;
}

/* The runtime library a module needs, where it is looked for after the loader's path. */
static const struct runtime {
	const char *module, *soname, *root_env, *root_default, *hint;
} g_runtimes[] = {
	{ "xrt", "libxrt_coreutil.so.2", "XILINX_XRT", "/opt/xilinx/xrt",
	  "install XRT (Debian: libxrt1) or source /opt/xilinx/xrt/setup.sh" },
};

static int runtime_at(const char *root, const char *soname)
{
	char path[PATH_MAX];

	if (!root || !*root)
		return 0;
	if (snprintf(path, sizeof(path), "%s/lib/%s", root, soname) >= (int)sizeof(path))
		return 0;
	/* Kept loaded for the life of the process, like the module that needs it. */
	return dlopen(path, RTLD_NOW | RTLD_GLOBAL) != NULL;
}

/* Loads module `name`'s runtime: the loader's path (ld.so.cache, LD_LIBRARY_PATH), then
 * $root_env/lib, then root_default/lib. 0 when found or not needed, else -ENODEV and one line. */
static int load_runtime(const char *name)
{
	for (size_t i = 0; i < sizeof(g_runtimes) / sizeof(g_runtimes[0]); i++) {
		const struct runtime *r = &g_runtimes[i];
		const char *root = getenv(r->root_env);

		if (strcmp(name, r->module) != 0)
			continue;
		if (dlopen(r->soname, RTLD_NOW | RTLD_GLOBAL) || runtime_at(root, r->soname) ||
		    runtime_at(r->root_default, r->soname))
			return 0;
		if (!root || !*root)
			root = NULL;
		fprintf(stderr, "nasmac: %s: runtime %s not found (looked on the loader's path, in "
				"%s%s/lib%s, in %s/lib; %s)\n", name, r->soname, root ? "" : "$",
			root ? root : r->root_env, root ? "" : " (unset)", r->root_default, r->hint);
		return -ENODEV;
	}
	return 0;
}

static const struct nasmac__backend_ops *load(const char *name)
{
	char tried[3 * PATH_MAX] = "", self_dir[PATH_MAX] = "";
	const struct nasmac__backend_ops *ops;
	Dl_info info;

	if (load_runtime(name))
		return NULL;
	ops = try_dir(getenv("NASMAC_MODULE_DIR"), name, tried, sizeof(tried));
	if (!ops && dladdr((void *)&nasmac__find_backend, &info) && info.dli_fname) {
		const char *slash = strrchr(info.dli_fname, '/');

		if (slash && (size_t)(slash - info.dli_fname) + 8 < sizeof(self_dir)) {
			memcpy(self_dir, info.dli_fname, (size_t)(slash - info.dli_fname));
			strcpy(self_dir + (slash - info.dli_fname), "/nasmac");
			ops = try_dir(self_dir, name, tried, sizeof(tried));
		}
	}
	if (!ops)
		ops = try_dir(NASMAC_MODULE_DIR_DEFAULT, name, tried, sizeof(tried));
	if (!ops)
		fprintf(stderr, "nasmac: %s: backend module nasmac-%s.so not found (looked in %s; "
				"set NASMAC_MODULE_DIR)\n", name, name, tried[0] ? tried : "nowhere");
	return ops;
}

int nasmac__find_backend(const char *spec, const struct nasmac__backend_ops **ops,
			 const char **arg)
{
	size_t len = strcspn(spec, ":");
	char name[16];

	*ops = NULL;
	*arg = spec[len] == ':' ? spec + len + 1 : NULL;
	if (len == 0 || len >= sizeof(name))
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		if (!((spec[i] >= 'a' && spec[i] <= 'z') || (spec[i] >= '0' && spec[i] <= '9')))
			return -EINVAL;
	memcpy(name, spec, len);
	name[len] = '\0';
	if (!strcmp(name, nasmac__cpu_ops.name)) {
		*ops = &nasmac__cpu_ops;
		return 0;
	}
	if (nasmac__static_backends) {
		for (size_t i = 0; nasmac__static_backends[i]; i++)
			if (!strcmp(name, nasmac__static_backends[i]->name))
				*ops = nasmac__static_backends[i];
		return *ops ? 0 : -EINVAL;
	}
	pthread_mutex_lock(&g_lock);
	for (unsigned int i = 0; i < g_nloaded && !*ops; i++)
		if (!strcmp(g_loaded[i].name, name))
			*ops = g_loaded[i].ops;
	if (!*ops && g_nloaded < MAX_MODULES) {
		*ops = load(name);
		if (*ops) {
			memcpy(g_loaded[g_nloaded].name, name, len + 1);
			g_loaded[g_nloaded++].ops = *ops;
		}
	}
	pthread_mutex_unlock(&g_lock);
	return *ops ? 0 : -ENODEV;
}

const char *nasmac_version(void)
{
#define NASMAC__STR2(x) #x
#define NASMAC__STR(x) NASMAC__STR2(x)
	return NASMAC__STR(NASMAC_VERSION_MAJOR) "." NASMAC__STR(NASMAC_VERSION_MINOR) "." NASMAC__STR(
		NASMAC_VERSION_PATCH);
}
