/*
 * The XRT calls the xrt backend makes, behind C functions that never throw.
 *
 * xrt_shim.cc uses XRT's native C++ API (xrt::device, xrt::kernel, xrt::bo, xrt::run), the one
 * Xilinx maintains (its C API is frozen). XRT reports errors as C++ exceptions (xrt::device
 * throws when there is no device, bo::sync throws std::system_error on a driver failure), and
 * an exception unwinding into C code aborts the process, so every function catches them and
 * returns a negative errno plus one line on stderr. Handles are the shim's own objects (void
 * pointers for C), each owning one XRT object.
 */
#ifndef NASMAC_XRT_SHIM_H
#define NASMAC_XRT_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Kernel argument numbers, in the order of the kernel's register map (hw/layout.txt). */
enum { NASMAC__ARG_DESC = 0, NASMAC__ARG_ARENA, NASMAC__ARG_RESULT, NASMAC__ARG_NUM_JOBS,
       NASMAC__ARG_ARENA_BYTES, NASMAC__ARG_MAX_JOBS };

/* Opens device index, loads the xclbin, opens kernel `name` and reports the memory group of
 * each buffer argument. The kernel is opened for exclusive access: XRT reads a compute unit's
 * registers (RUN_STATUS) only for its exclusive owner. */
int nasmac__xrt_open(unsigned int index, const char *xclbin, const char *name, void **dev,
		     void **kernel, int groups[3]);
void nasmac__xrt_close(void *dev, void *kernel);
int nasmac__xrt_bo_alloc(void *dev, size_t size, int group, void **bo, void **map);
void nasmac__xrt_bo_free(void *bo);
/* to_device 1: host -> card; 0: card -> host. */
int nasmac__xrt_bo_sync(void *bo, int to_device, size_t size);
int nasmac__xrt_run_open(void *kernel, void **run);
int nasmac__xrt_run_start(void *run, void *desc, void *arena, void *result, uint32_t num_jobs,
			  uint32_t arena_bytes, uint32_t max_jobs);
/* Reads a 32-bit kernel register at offset (s_axi_control) into *value. */
int nasmac__xrt_read_reg(void *kernel, uint32_t offset, uint32_t *value);
/* 0 when the run completed, -ETIMEDOUT when it is still running after timeout_ms (at least
 * 1 ms: xrt::run::wait takes 0 as "no timeout"), -EIO when it ended in another state. */
int nasmac__xrt_run_wait(void *run, unsigned int timeout_ms);
void nasmac__xrt_run_close(void *run);

#ifdef __cplusplus
}
#endif
#endif /* NASMAC_XRT_SHIM_H */
