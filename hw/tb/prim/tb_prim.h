// Shared bits of the primitive testbenches (nasmac_fifo, nasmac_ram, nasmac_ffs): the seed and the
// case/error counters (../tb_util.h) and a clock tick. Each testbench drives its primitive with random stimulus
// and checks every cycle against a C++ model.
#ifndef NASMAC_TB_PRIM_H
#define NASMAC_TB_PRIM_H

#include <random>

#include "../tb_util.h"

namespace tb {

// Inputs are set while the clock is low; the rising edge then takes them.
template <typename T> inline void tick(T *top)
{
	top->clk_i = 1;
	top->eval();
	top->clk_i = 0;
	top->eval();
}

} // namespace tb

#endif
