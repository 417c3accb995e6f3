#!/usr/bin/env python3
"""make test-timing-tool: scripts/timing.py against netlists whose depths are known.

One Yosys run maps every fixture (tests/timing/*.v, top fixtures.v) with synth_xilinx -family
xcup, without -flatten (made again only when a fixture changes); then
the analyser must find the figures the fixtures were built to have: a 7-level XOR tree fails the
LUT-level budget and a 5-level one passes, a 40-bit adder fails the carry budget and a 32-bit one
passes, a 64:1 multiplexer has MUXF cells on its path, and paths through black-box children
(in -> out, in -> register, register -> out) add up across the boundary. Usage:
  test_timing_tool.py OUTDIR [--yosys yosys] [--python python3]
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TOOL = os.path.join(ROOT, "scripts", "timing.py")
CFG = os.path.join(ROOT, "hw", "timing", "timing.cfg")

def paramod(module, param, value):
    """Yosys' name of a module derived with one integer parameter."""
    return f"$paramod\\{module}\\{param}=s32'{value:032b}"


# name, module in the netlist, submodules (black boxes, composed from their own results)
CASES = [
    ("xor7", paramod("xor_tree", "Levels", 7), []),
    ("xor5", paramod("xor_tree", "Levels", 5), []),
    ("add40", paramod("adder", "Width", 40), []),
    ("add32", paramod("adder", "Width", 32), []),
    ("mux256", "wide_mux", []),
    ("chain4", "chain4", []),
    ("lut_chain3", "lut_chain3", []),
    ("sink4", "sink4", ["chain4"]),
    ("src2", "src2", []),
    ("hier_thru", "hier_thru", ["chain4"]),
    ("hier_sink", "hier_sink", ["lut_chain3", "sink4"]),
    ("hier_src", "hier_src", ["lut_chain3", "src2"]),
    ("lutram", "lutram", []),
]


def main():
    out = sys.argv[1]
    yosys = os.environ.get("YOSYS", "yosys")
    os.makedirs(out, exist_ok=True)
    srcs = " ".join(os.path.join(HERE, f)
                    for f in ("xor_tree.v", "arith_mux.v", "hier.v", "fixtures.v"))
    netlist = f"{out}/fixtures.json"
    # One run maps every fixture (no -flatten: each module keeps its own netlist).
    if not os.path.exists(netlist) or any(
            os.path.getmtime(os.path.join(HERE, f)) > os.path.getmtime(netlist)
            for f in os.listdir(HERE) if f.endswith(".v")):
        r = subprocess.run([yosys, "-q", "-l", f"{out}/yosys.log", "-p",
                            f"read_verilog {srcs}; synth_xilinx -family xcup -top fixtures "
                            f"-noiopad; write_json {netlist}"], stdout=subprocess.DEVNULL)
        if r.returncode:
            print(f"test-timing-tool: yosys failed, see {out}/yosys.log")
            return 1
    results = {}
    for name, top, bbs in CASES:
        cmd = [sys.executable, TOOL, "analyse", netlist, "--top", top, "--cfg", CFG,
               "-o", f"{out}/{name}.result.json"]
        for c in bbs:
            cmd += ["--child", f"{c}={out}/{c}.result.json"]
        subprocess.run(cmd, check=True)
        with open(f"{out}/{name}.result.json") as f:
            results[name] = json.load(f)["worst"]

    passed = failed = 0

    def check(what, ok):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"test-timing-tool: FAILED: {what}")

    def val(name, metric):
        return results[name][metric]["value"]

    check("xor7: 7 LUT levels", val("xor7", "levels") == 7)
    check("xor5: 5 LUT levels", val("xor5", "levels") == 5)
    check("xor7: no carry, no MUXF", val("xor7", "carry") == 0 and val("xor7", "muxf") == 0)
    check("xor7: worst path ends at q", results["xor7"]["levels"]["end"] == "q.D")
    check("add40: a 40-bit carry chain", val("add40", "carry") == 40)
    check("add32: a 32-bit carry chain", val("add32", "carry") == 32)
    check("add32: one LUT level before the chain", val("add32", "levels") == 1)
    check("mux256: MUXF7/F8 on the path, counted", val("mux256", "muxf") >= 1)
    check("chain4: 4 levels input to output", val("chain4", "levels") == 4)
    check("hier_thru: 4 + 4 levels through two black boxes", val("hier_thru", "levels") == 8)
    check("hier_thru: from r[0] to q", results["hier_thru"]["levels"]["start"] == "r[0]"
          and results["hier_thru"]["levels"]["end"] == "q.D")
    check("hier_sink: 3 levels + 4 inside the black box", val("hier_sink", "levels") == 7)
    check("hier_sink: ends inside the child",
          results["hier_sink"]["levels"]["end"].startswith("u_s/"))
    check("hier_src: 2 levels inside the black box + 3", val("hier_src", "levels") == 5)
    check("hier_src: starts inside the child",
          results["hier_src"]["levels"]["start"].startswith("u_s/"))
    check("delay grows with depth",
          val("xor7", "delay") > val("xor5", "delay") > 0)

    with open(f"{out}/lutram.result.json") as f:
        ram_cells = json.load(f)["cells"]
    check("lutram: mapped to LUT RAM", any(t.startswith("RAM32") for t in ram_cells))
    check("lutram: the asynchronous read is one LUT level", val("lutram", "levels") == 1)

    # make synth's sums: own cells plus each child once per instance.
    r = subprocess.run([sys.executable, TOOL, "resources", "--results"]
                       + [f"{out}/{n}.result.json" for n, _, _ in CASES]
                       + ["--modules", "hier_sink", "-o", f"{out}/resources.txt"],
                       stdout=subprocess.DEVNULL)
    with open(f"{out}/resources.txt") as f:
        row = [l.split() for l in f if l.startswith("hier_sink")][0]
    check("resources: hier_sink has 3 + 4 LUTs and 2 + 1 FFs",
          r.returncode == 0 and row[1:3] == ["7", "3"])

    # The budget check and its exit status.
    def report(names, keep=False, cfg=CFG):
        cmd = [sys.executable, TOOL, "report", "--cfg", cfg] + \
              [f"{out}/{n}.result.json" for n in names] + (["--keep-going"] if keep else [])
        return subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode

    check("report passes xor5, add32, chain4, hier_src", report(["xor5", "add32", "chain4", "hier_src"]) == 0)
    check("report fails xor7 (levels)", report(["xor7"]) == 1)
    check("report fails add40 (carry)", report(["add40"]) == 1)
    # One F7 -> F8 pair (the slice's own 8-input table) is within budget; past it, or a path
    # whose delay by the model misses the clock, fails.
    check("report passes mux256 (one MUXF pair)", report(["mux256"]) == 0)
    strict = f"{out}/strict.cfg"
    with open(CFG) as f, open(strict, "w") as g:
        for line in f:
            if line.startswith("budget_muxf"):
                line = "budget_muxf = 0\n"
            elif line.startswith("budget_fmax_mhz"):
                line = "budget_fmax_mhz = 900\n"
            g.write(line)
    check("report fails mux256 with no MUXF allowed", report(["mux256"], cfg=strict) == 1)
    with open(strict, "w") as g, open(CFG) as f:
        for line in f:
            g.write("budget_fmax_mhz = 500\n" if line.startswith("budget_fmax_mhz") else line)
    check("report fails xor5 on delay alone (fmax budget 500 MHz)", report(["xor5"], cfg=strict) == 1)
    check("report fails hier_thru (across boundaries)", report(["hier_thru"]) == 1)
    check("report --keep-going exits 0", report(["xor7", "add40"], keep=True) == 0)
    print(f"test-timing-tool: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
