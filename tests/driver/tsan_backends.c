/*
 * The ThreadSanitizer build of the race test (tests/driver/build.mk, test-driver-tsan) links
 * the cpu backend only: the sim and xrt backends pull in the Verilator model and XRT, which
 * are not built with -fsanitize=thread. An empty list of static backends does that.
 */
#include "drv.h"

const struct nasmac__backend_ops *const nasmac__static_backends[] = { NULL };
