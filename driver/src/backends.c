/*
 * The backends linked into a static program beside cpu (module.c looks here first). Linked
 * as an object, not from the archive, so that the archive's sim and xrt objects are pulled
 * in only by programs that ask for them; libnasmac.so never carries this file.
 */
#include "drv.h"

const struct nasmac__backend_ops *const nasmac__static_backends[] = {
	&nasmac__sim_ops,
	&nasmac__xrt_ops,
	NULL,
};
