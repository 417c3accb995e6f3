#!/usr/bin/env python3
"""Logic-depth timing estimate over Yosys `synth_xilinx -family xcup` netlists (write_json).

What it measures, per module: every path between path ends (flip-flops, LUT RAM / SRL / block RAM
/ DSP pins, and the module's own ports), counted in LUT levels, the longest carry chain the path
runs along (in bits), the MUXF7/F8/F9 cells on it, and an estimated delay from the model in
hw/timing/timing.cfg (UltraScale+ -2). A module may be synthesised with some children as black
boxes; the analyser then composes paths across the boundary with the children's boundary models
(input -> register, register -> output, input -> output), which it writes for each module it
analyses. hw/README.md, "Timing budget and delay model", describes the model and its sources.

Subcommands (Python 3 standard library only):
  analyse  NETLIST --top M --cfg CFG [--child NAME=RESULT ...] -o RESULT   one module
  report   --cfg CFG RESULT... [--txt F] [--json F] [--keep-going]       the table, budget check
  deps     --cfg CFG --rtl-dir hw/rtl --plan-dir D -o deps.mk               make fragment
  resources --results RESULT... --modules M... -o summary.txt             LUT/FF/RAM per module
"""
import argparse
import json
import math
import os
import re
import sys
from collections import defaultdict

NEG = float("-inf")

# --- Configuration: budgets, delay model, synthesis plan (hw/timing/timing.cfg). --------------


def load_cfg(path):
    """key = value lines; '#' comments; values are numbers or whitespace-separated words."""
    cfg = {}
    with open(path) as f:
        for raw in f:
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            key, _, val = line.partition("=")
            key, val = key.strip(), val.strip()
            try:
                cfg[key] = float(val)
            except ValueError:
                cfg[key] = val
    return cfg


def cfg_blackboxes(cfg, module):
    return cfg.get("blackbox." + module, "").split()


def cfg_keeps(cfg, module):
    return cfg.get("keep." + module, "").split()


def cfg_row_from(cfg, module):
    """The module whose run maps this one (itself unless row.<module> names another)."""
    return cfg.get("row." + module, module)


# --- Cell library: how each Xilinx primitive Yosys emits is timed. ----------------------------

FF_TYPES = {"FDRE", "FDSE", "FDCE", "FDPE", "FDRE_1", "FDSE_1", "FDCE_1", "FDPE_1",
            "LDCE", "LDPE"}
CLOCK_PINS = {"C", "CLK", "WCLK", "CLKARDCLK", "CLKBWRCLK", "G", "CLKA", "CLKB"}
WIRE_TYPES = {"INV", "BUF", "BUFG", "BUFGCE", "IBUF", "OBUF", "IBUFG"}
CONST_TYPES = {"GND", "VCC"}
MUXF_TYPES = {"MUXF7", "MUXF8", "MUXF9"}
CARRY_BITS = {"CARRY4": 4, "CARRY8": 8}
LUTRAM_RE = re.compile(r"^RAM(32|64|128|256|512)(M|M16|M8|X1S|X1D|X\d+S)?")


def is_lutram(t):
    return bool(LUTRAM_RE.match(t)) and not t.startswith("RAMB")


# --- Netlist ----------------------------------------------------------------------------------


class Netlist:
    """One module of a Yosys JSON netlist: ports, cells, a readable name per net bit."""

    def __init__(self, doc, top, path="netlist"):
        mods = doc["modules"]
        self.mod = mods[top]
        self.all_modules = mods
        self.ports = self.mod.get("ports", {})
        self.cells = self.mod.get("cells", {})
        self.names = {}
        best = {}
        for name, nn in self.mod.get("netnames", {}).items():
            hidden = nn.get("hide_name", 0) or name.startswith("$")
            bits = nn["bits"]
            for i, b in enumerate(bits):
                if not isinstance(b, int):
                    continue
                label = name if len(bits) == 1 else f"{name}[{i}]"
                rank = (hidden, label.count("$"), len(label))
                if b not in best or rank < best[b]:
                    best[b] = rank
                    self.names[b] = label

    def name(self, bit):
        return self.names.get(bit, f"net{bit}")


# --- Timing graph -----------------------------------------------------------------------------
# Nodes are net bits. An arc carries (levels, muxf, delay, carry): carry is either None (not a
# carry arc) or (kind, bits): kind "entry" (S/DI -> out, the chain starts here) or "ci" (CI ->
# out, the chain continues from the CI net's run).


class Arc:
    __slots__ = ("src", "dst", "lv", "mx", "dl", "carry", "run")

    def __init__(self, src, dst, lv, mx, dl, carry=None, run=0):
        self.src, self.dst, self.lv, self.mx, self.dl = src, dst, lv, mx, dl
        self.carry = carry  # None, "entry", "ci", "abs"
        self.run = run      # bits this arc adds to the chain run (entry/ci) or the child's max (abs)


class Graph:
    def __init__(self):
        self.arcs = []
        self.starts = {}   # bit -> (lv, mx, dl, carrymax, name, tco)
        self.ends = []     # (bit, lv, mx, dl_after_bit, carrymax, name)

    def add_start(self, bit, name, tco, lv=0, mx=0, dl=0.0, cr=0):
        old = self.starts.get(bit)
        cand = (lv, mx, dl + tco, cr, name)
        if old is None:
            self.starts[bit] = cand
        else:  # keep the per-metric maxima, the name of the slowest
            self.starts[bit] = (max(old[0], lv), max(old[1], mx), max(old[2], dl + tco),
                                max(old[3], cr), old[4] if old[2] >= dl + tco else name)


def bits_of(conn):
    return [b for b in conn]


def short(name):
    """Yosys' generated names, shortened to what tells them apart."""
    name = re.sub(r"\$techmap\d+", "", name)
    name = re.sub(r"(\.genblk1)+", ".genblk", name)
    name = re.sub(r"\$abc\$\d+\$auto\$blifparse\.cc:\d+:parse_blif\$", "abc$", name)
    return re.sub(r"\$auto\$[a-z_]+\.cc:\d+:", "", name)


def build_graph(nl, cfg, children):
    """Translate the netlist into a timing graph. children: type name -> abstract dict."""
    g = Graph()
    t_lut, t_net = cfg["t_lut"], cfg["t_net"]
    t_muxf = cfg["t_muxf"]
    t_centry, t_cci_co8, t_cci_o = cfg["t_carry_entry"], cfg["t_carry_ci_co8"], cfg["t_carry_ci_o"]
    t_cq = cfg["t_cq"]
    # Who drives each bit (for dedicated-route detection) and fanout.
    driver = {}
    fanout = defaultdict(int)
    for cname, c in nl.cells.items():
        dirs = c.get("port_directions", {})
        for pin, conn in c["connections"].items():
            for b in conn:
                if not isinstance(b, int):
                    continue
                if dirs.get(pin) == "output":
                    driver[b] = (c["type"], pin)
                else:
                    fanout[b] += 1

    def route(src, consumer_type, pin):
        """Routing delay charged to the consumer of net src."""
        d = driver.get(src)
        if d is None:
            return t_net
        dtype, dpin = d
        if consumer_type in CARRY_BITS:
            if pin in ("CI",) and dtype in CARRY_BITS:
                return 0.0
            if pin in ("S", "DI") and dtype.startswith("LUT"):
                return 0.0  # the LUT of the same bit feeds the chain directly
        if consumer_type in MUXF_TYPES and (dtype.startswith("LUT") or dtype in MUXF_TYPES):
            return 0.0
        if dtype in WIRE_TYPES:
            return t_net
        return t_net

    def sampled(ins, ctype, label):
        """Every input of a clocked cell but its clock ends a path (label.pin)."""
        for p, v in ins.items():
            if p in CLOCK_PINS:
                continue
            for b in v:
                if isinstance(b, int):
                    g.ends.append((b, 0, 0, route(b, ctype, p), 0, f"{label}.{p}", ctype))

    def launched(outs, name, t_co):
        """Every output bit of a clocked cell starts a path (its name from name(bit))."""
        for v in outs.values():
            for b in v:
                if isinstance(b, int):
                    g.add_start(b, name(b), t_co)

    unknown = set()
    for cname, c in nl.cells.items():
        ctype = c["type"]
        conns = c["connections"]
        dirs = c.get("port_directions", {})
        ins = {p: v for p, v in conns.items() if dirs.get(p) != "output"}
        outs = {p: v for p, v in conns.items() if dirs.get(p) == "output"}
        base = ctype
        if base.startswith("$paramod"):
            base = base.split("\\")[1] if "\\" in base else base
        if ctype in CONST_TYPES:
            continue
        if ctype in WIRE_TYPES:
            for iv in ins.values():
                for ov in outs.values():
                    for ib, ob in zip(iv, ov):
                        if isinstance(ib, int) and isinstance(ob, int):
                            g.arcs.append(Arc(ib, ob, 0, 0, 0.0))
            continue
        is_lut = ctype.startswith("LUT") and ctype[3:].isdigit()
        if is_lut or ctype in MUXF_TYPES:
            # Every input to the one output: a LUT counts a logic level, a MUXF a mux stage.
            (o,) = outs["O"]
            lv, mx, t_cell = (1, 0, t_lut) if is_lut else (0, 1, t_muxf)
            for p, v in ins.items():
                for b in v:
                    if isinstance(b, int) and isinstance(o, int):
                        g.arcs.append(Arc(b, o, lv, mx, t_cell + route(b, ctype, p)))
            continue
        if ctype in CARRY_BITS:
            n = CARRY_BITS[ctype]
            co, oo = outs.get("CO", []), outs.get("O", [])
            for p in ("S", "DI"):
                for i, b in enumerate(ins.get(p, [])):
                    if not isinstance(b, int):
                        continue
                    for j in range(i, n):
                        for ob in (co[j] if j < len(co) else None, oo[j] if j < len(oo) else None):
                            if isinstance(ob, int):
                                g.arcs.append(Arc(b, ob, 0, 0, t_centry + route(b, ctype, p),
                                                  "entry", j - i + 1))
            for p in ("CI", "CYINIT"):
                for b in ins.get(p, []):
                    if not isinstance(b, int):
                        continue
                    for j in range(n):
                        frac = (j + 1) / 8.0
                        if j < len(co) and isinstance(co[j], int):
                            g.arcs.append(Arc(b, co[j], 0, 0,
                                              t_cci_co8 * frac + route(b, ctype, p), "ci", j + 1))
                        if j < len(oo) and isinstance(oo[j], int):
                            g.arcs.append(Arc(b, oo[j], 0, 0,
                                              t_cci_o + route(b, ctype, p), "ci", j + 1))
            continue
        if ctype in FF_TYPES:
            q = [b for v in outs.values() for b in v if isinstance(b, int)]
            reg = nl.name(q[0]) if q else cname
            if "$" in reg:  # a register Yosys named itself: name it by its input if that has a name
                d = [b for b in ins.get("D", []) if isinstance(b, int)]
                if d and "$" not in nl.name(d[0]):
                    reg = "(reg of " + nl.name(d[0]) + ")"
                else:
                    reg = short(reg)
            sampled(ins, ctype, reg)
            launched(outs, lambda b: reg if "$" in nl.name(b) else nl.name(b), t_cq)
            continue
        if is_lutram(ctype) or ctype.startswith("SRL"):
            # Every input is sampled by the write clock (an end); reading is combinational from
            # the read address (a LUT level; 128/256-deep RAMs add their MUXF7/F8), and the
            # stored data is a start with the LUT RAM clock-to-out.
            extra_mx = {"128": 1, "256": 2, "512": 3}.get(re.sub(r"^RAM(\d+).*", r"\1", ctype), 0)
            sampled(ins, ctype, cname)
            for op, ov in outs.items():
                if op.startswith("DO") and len(op) == 3:
                    rd = ["ADDR" + op[2]]
                elif op == "DPO":
                    rd = [p for p in ins if p.startswith("DPRA")]
                else:  # SPO, O, Q, Q31
                    rd = [p for p in ins if re.match(r"^A\d*$", p)]
                for ob in ov:
                    if not isinstance(ob, int):
                        continue
                    g.add_start(ob, nl.name(ob), cfg["t_lutram_cko"])
                    for p in rd:
                        for b in ins.get(p, []):
                            if isinstance(b, int):
                                g.arcs.append(Arc(b, ob, 1, extra_mx,
                                                  t_lut + extra_mx * t_muxf + route(b, ctype, p)))
            continue
        if ctype in children or base in children:
            if ctype not in children:  # e.g. a lane given parameters at the top
                print(f"timing: {cname.lstrip(chr(92))} ({ctype}) is composed from the model of "
                      f"{base} with its default parameters", file=sys.stderr)
            add_child(g, nl, cname, c, children.get(ctype) or children[base], route, ctype)
            continue
        # Block RAM, DSP, anything else: opaque, sampled inputs and launched outputs.
        if not (ctype.startswith("RAMB") or ctype.startswith("DSP") or ctype.startswith("URAM")
                or ctype.startswith("FIFO")):
            unknown.add(ctype)
        tco = cfg["t_bram_cko"] if ctype.startswith(("RAMB", "FIFO", "URAM")) else cfg["t_dsp_cko"]
        sampled(ins, ctype, cname)
        for p, v in outs.items():
            launched({p: v}, lambda b, p=p: f"{cname}.{p}", tco)
    # Module ports: inputs are starts (as if a register drove them), outputs are ends.
    for pname, p in nl.ports.items():
        for i, b in enumerate(p["bits"]):
            if not isinstance(b, int):
                continue
            label = pname if len(p["bits"]) == 1 else f"{pname}[{i}]"
            if p["direction"] == "input":
                g.add_start(b, "in:" + label, t_cq)
            elif p["direction"] == "output":
                g.ends.append((b, 0, 0, t_net, 0, "out:" + label, "port"))
    g.unknown = unknown
    g.t_cq = t_cq
    return g


def add_child(g, nl, cname, cell, ab, route, ctype):
    """A black-box child: its boundary model becomes starts, ends and arcs of this graph."""
    conns = cell["connections"]
    inst = cname.lstrip("\\")

    def bit(key):
        """The net on the child's pin "PORT:INDEX" in this module, or None (unconnected)."""
        port, idx = key.rsplit(":", 1)
        bits = conns.get(port)
        if bits is None or int(idx) >= len(bits) or not isinstance(bits[int(idx)], int):
            return None
        return bits[int(idx)]

    for key, m in ab["in2reg"].items():
        b = bit(key)
        if b is None:
            continue
        # The child's figures already charge the route of its input net.
        g.ends.append((b, m[0], m[1], m[2], m[3], f"{inst}/{m[4]}", "child"))
    for key, m in ab["reg2out"].items():
        b = bit(key)
        if b is None:
            continue
        g.add_start(b, f"{inst}/{m[4]}", m[5], lv=m[0], mx=m[1], dl=m[2], cr=m[3])
    for key, outs in ab["in2out"].items():
        src = bit(key)
        if src is None:
            continue
        for okey, m in outs.items():
            dst = bit(okey)
            if dst is not None:
                g.arcs.append(Arc(src, dst, m[0], m[1], m[2], "abs", m[3]))


# --- Longest paths ----------------------------------------------------------------------------


def topo(g):
    succ = defaultdict(list)
    indeg = defaultdict(int)
    nodes = set()
    for a in g.arcs:
        succ[a.src].append(a)
        indeg[a.dst] += 1
        nodes.add(a.src)
        nodes.add(a.dst)
    order = [n for n in nodes if indeg[n] == 0]
    i = 0
    while i < len(order):
        n = order[i]
        i += 1
        for a in succ[n]:
            indeg[a.dst] -= 1
            if indeg[a.dst] == 0:
                order.append(a.dst)
    loops = len(nodes) - len(order)
    return order, succ, loops


class Arrivals:
    """Forward longest paths, one independent maximum per metric, with back pointers."""

    def __init__(self, g, order, succ, starts, within=None):
        self.lv, self.mx, self.dl, self.cr, self.run = {}, {}, {}, {}, {}
        self.plv, self.pdl, self.pmx, self.pcr = {}, {}, {}, {}
        self.origin = {}
        for b, s in starts.items():
            self.lv[b], self.mx[b], self.dl[b], self.cr[b] = s[0], s[1], s[2], s[3]
            self.run[b] = 0
            self.origin[b] = s[4]
        lv, mx, dl, cr, run = self.lv, self.mx, self.dl, self.cr, self.run
        for n in order:
            if n not in lv:
                continue
            for a in succ[n]:
                d = a.dst
                if within is not None and d not in within:
                    continue
                v = lv[n] + a.lv
                if v > lv.get(d, -1):
                    lv[d] = v
                    self.plv[d] = n
                v = mx[n] + a.mx
                if v > mx.get(d, -1):
                    mx[d] = v
                    self.pmx[d] = n
                v = dl[n] + a.dl
                if v > dl.get(d, NEG):
                    dl[d] = v
                    self.pdl[d] = n
                if a.carry == "entry":
                    r = a.run
                elif a.carry == "ci":
                    r = run.get(n, 0) + a.run
                else:
                    r = 0
                if r > run.get(d, 0):
                    run[d] = r
                v = max(cr[n], r, a.run if a.carry == "abs" else 0)
                if v > cr.get(d, -1):
                    cr[d] = v
                    self.pcr[d] = n

    def trace(self, bit, pred):
        path = [bit]
        while path[-1] in pred and len(path) < 10000:
            path.append(pred[path[-1]])
        return path[::-1]


def worst_paths(g, arr, nl, cfg, ends=None):
    """Per-metric worst over the ends, plus counts of ends over each budget."""
    ends = g.ends if ends is None else ends
    tail = cfg["t_setup"] + cfg["t_unc"]
    res = {"levels": None, "carry": None, "muxf": None, "delay": None,
           "over": {"levels": 0, "carry": 0, "muxf": 0}}
    for (b, elv, emx, edl, ecr, ename, etype) in ends:
        if b not in arr.lv:
            continue
        lv = arr.lv[b] + elv
        mx = arr.mx[b] + emx
        dl = arr.dl[b] + edl + tail
        cr = max(arr.cr[b], ecr)
        rec = lambda v, pred: {"value": v, "end": ename, "bit": b, "pred": pred}
        if res["levels"] is None or lv > res["levels"]["value"]:
            res["levels"] = rec(lv, arr.plv)
        if res["muxf"] is None or mx > res["muxf"]["value"]:
            res["muxf"] = rec(mx, arr.pmx)
        if res["carry"] is None or cr > res["carry"]["value"]:
            res["carry"] = rec(cr, arr.pcr)
        if res["delay"] is None or dl > res["delay"]["value"]:
            res["delay"] = rec(dl, arr.pdl)
        res["over"]["levels"] += lv > cfg["budget_lut_levels"]
        res["over"]["carry"] += cr > cfg["budget_carry_bits"]
        res["over"]["muxf"] += mx > cfg["budget_muxf"]
    out = {"over": res["over"]}
    for k in ("levels", "carry", "muxf", "delay"):
        r = res[k]
        if r is None:
            out[k] = {"value": 0, "start": "-", "end": "-", "path": []}
            continue
        p = arr.trace(r["bit"], r["pred"])
        out[k] = {"value": round(r["value"], 3) if k == "delay" else r["value"],
                  "start": short(arr.origin.get(p[0], nl.name(p[0]))), "end": short(r["end"]),
                  "path": [short(nl.name(x)) for x in p]}
    return out


def merge(a, b):
    """Per-metric maxima of two [levels, muxf, delay, carry, name]; the name of the slower."""
    return [max(a[0], b[0]), max(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]),
            a[4] if a[2] >= b[2] else b[4]]


def boundary_model(g, order, succ, nl, cfg):
    """Input -> register, register -> output and input -> output maxima, per port bit."""
    bitkey = {}
    for pname, p in nl.ports.items():
        for i, b in enumerate(p["bits"]):
            if isinstance(b, int):
                bitkey.setdefault((p["direction"], b), []).append(f"{pname}:{i}")
    in_bits = {b: ks for (d, b), ks in bitkey.items() if d == "input"}
    out_bits = {b: ks for (d, b), ks in bitkey.items() if d == "output"}
    reg_ends = [e for e in g.ends if e[6] != "port"]
    # register -> output: arrivals from every start that is not an input port.
    inner = {b: s for b, s in g.starts.items() if not s[4].startswith("in:") or b not in in_bits}
    inner = {b: s for b, s in inner.items() if b not in in_bits}
    arr = Arrivals(g, order, succ, inner)
    reg2out = {}
    for b, keys in out_bits.items():
        if b in arr.lv:
            p = arr.trace(b, arr.pdl)
            for k in keys:
                reg2out[k] = [arr.lv[b], arr.mx[b], round(arr.dl[b] - cfg["t_cq"], 4), arr.cr[b],
                              arr.origin.get(p[0], nl.name(p[0])), cfg["t_cq"]]
    in2reg, in2out = {}, {}
    # input -> register: one backward pass, the worst continuation from every net to a path end
    # inside (per metric). Carry runs: ind = the longest run on the rest of the path when the net
    # is not on a chain; cont = the bits a chain still adds through carry-ins after the net.
    ends_by_bit = defaultdict(list)
    for e in reg_ends:
        ends_by_bit[e[0]].append(e)
    down = {}
    cont = {}
    for n in reversed(order):
        best = None
        for e in ends_by_bit.get(n, ()):
            m = [e[1], e[2], e[3], e[4], e[5]]
            best = m if best is None else merge(best, m)
        c = 0
        for a in succ.get(n, ()):
            d = down.get(a.dst)
            if a.carry == "ci":
                c = max(c, a.run + cont.get(a.dst, 0))
            if d is None:
                continue
            if a.carry in ("entry", "ci"):
                cr = max(d[3], a.run + cont.get(a.dst, 0))
            elif a.carry == "abs":
                cr = max(d[3], a.run)
            else:
                cr = d[3]
            m = [d[0] + a.lv, d[1] + a.mx, d[2] + a.dl, cr, d[4]]
            best = m if best is None else merge(best, m)
        if best is not None:
            down[n] = best
        if c:
            cont[n] = c
    for b, keys in in_bits.items():
        best = list(down[b]) if b in down else None
        if best is None:
            for e in ends_by_bit.get(b, ()):  # a port bit with no arcs, straight into a register
                m = [e[1], e[2], e[3], e[4], e[5]]
                best = m if best is None else merge(best, m)
        if best is not None:
            best[2] = round(best[2], 4)
            for k in keys:
                in2reg[k] = best
    # input -> output: forward walks from each input bit, only over nets that reach an output.
    pred = defaultdict(list)
    for a in g.arcs:
        pred[a.dst].append(a.src)
    reach = set(out_bits)
    stack = list(out_bits)
    while stack:
        n = stack.pop()
        for p in pred.get(n, ()):
            if p not in reach:
                reach.add(p)
                stack.append(p)
    pos = {n: i for i, n in enumerate(order)}
    for b, keys in in_bits.items():
        if b not in reach:
            continue
        cone = {b}
        stack = [b]
        while stack:
            n = stack.pop()
            for a in succ.get(n, ()):
                if a.dst in reach and a.dst not in cone:
                    cone.add(a.dst)
                    stack.append(a.dst)
        sub = sorted((n for n in cone if n in pos), key=pos.get)
        if b not in pos:
            sub = [b] + sub
        a2 = Arrivals(g, sub, succ, {b: (0, 0, 0.0, 0, "in")}, cone)
        outs = {}
        for n in cone:
            if n in out_bits and n in a2.lv:
                for ok in out_bits[n]:
                    outs[ok] = [a2.lv[n], a2.mx[n], round(a2.dl[n], 4), a2.cr[n]]
        if outs:
            for k in keys:
                in2out[k] = outs
    return {"in2reg": in2reg, "reg2out": reg2out, "in2out": in2out}


def analyse_module(doc, top, cfg, children, memo):
    """Analyse one module of a netlist; submodules kept in the same netlist are analysed first
    (once each) and composed through their boundary models, like black boxes from other runs."""
    if top in memo:
        return memo[top]
    mods = doc["modules"]
    kids = dict(children)
    for c in mods[top].get("cells", {}).values():
        t = c["type"]
        if t in mods and t not in kids and not mods[t].get("attributes", {}).get("blackbox"):
            kids[t] = analyse_module(doc, t, cfg, children, memo)["boundary"]
    nl = Netlist(doc, top)
    g = build_graph(nl, cfg, kids)
    order, succ, loops = topo(g)
    arr = Arrivals(g, order, succ, g.starts)
    worst = worst_paths(g, arr, nl, cfg)
    # The same over register-to-register paths only (ports excluded), for the record.
    reg_starts = {b: s for b, s in g.starts.items() if not s[4].startswith("in:")}
    arr_r = Arrivals(g, order, succ, reg_starts)
    worst_r = worst_paths(g, arr_r, nl, cfg, [e for e in g.ends if e[6] != "port"])
    cells = defaultdict(int)
    for c in nl.cells.values():
        cells[c["type"]] += 1
    out = {
        "module": top,
        "blackboxes": sorted(set(kids)),
        "worst": worst,
        "worst_reg2reg": worst_r,
        "loops": loops,
        "unknown_cells": sorted(g.unknown),
        "cells": dict(sorted(cells.items())),
        "boundary": boundary_model(g, order, succ, nl, cfg),
    }
    if g.unknown:
        print(f"timing: {top}: cells treated as opaque path ends: {' '.join(sorted(g.unknown))}",
              file=sys.stderr)
    if loops:
        print(f"timing: {top}: {loops} nets on combinational loops were left out", file=sys.stderr)
    memo[top] = out
    return out


def analyse(args):
    cfg = load_cfg(args.cfg)
    with open(args.netlist) as f:
        doc = json.load(f)
    top = args.top
    if top not in doc["modules"]:
        # A module mapped inside another module's run: its variant with that run's parameters.
        variants = sorted(m for m in doc["modules"]
                          if m.startswith("$paramod\\" + top + "\\"))
        if not variants:
            cands = [m for m in doc["modules"]
                     if not doc["modules"][m].get("attributes", {}).get("blackbox")]
            raise SystemExit(f"timing: module {top} not in {args.netlist} (has: {' '.join(cands)})")
        top = variants[0]
    children = {}
    for spec in args.child or []:
        name, _, path = spec.partition("=")
        with open(path) as f:
            children[name] = json.load(f)["boundary"]
    memo = {}
    out = analyse_module(doc, top, cfg, children, memo)
    out["variant"] = top
    out["netlist"] = args.netlist
    # Resources of the kept submodules travel with the result (make synth sums them).
    out["submodules"] = {m: {"cells": r["cells"], "blackboxes": r["blackboxes"]}
                         for m, r in memo.items() if m != top}
    out["module"] = args.top
    tmp = args.output + ".tmp"
    with open(tmp, "w") as f:
        json.dump(out, f, indent=1)
    os.replace(tmp, args.output)


# --- Report -----------------------------------------------------------------------------------


def fmax_mhz(delay_ns):
    return 1000.0 / delay_ns if delay_ns > 0 else float("inf")


def report(args):
    cfg = load_cfg(args.cfg)
    rows = []
    for path in args.results:
        with open(path) as f:
            r = json.load(f)
        w = r["worst"]
        fails = []
        if w["levels"]["value"] > cfg["budget_lut_levels"]:
            fails.append("levels")
        if w["carry"]["value"] > cfg["budget_carry_bits"]:
            fails.append("carry")
        if w["muxf"]["value"] > cfg["budget_muxf"]:
            fails.append("muxf")
        # MUXFs within the LUT budget are fine, not on top of it: the slowest path by the
        # delay model (LUTs, routes, MUXFs and carries together) must still make the clock.
        if fmax_mhz(w["delay"]["value"]) < cfg.get("budget_fmax_mhz", 0):
            fails.append("delay")
        rows.append((r, fails))
    b_lv, b_cr, b_mx = (int(cfg["budget_lut_levels"]), int(cfg["budget_carry_bits"]),
                        int(cfg["budget_muxf"]))
    lines = []
    lines.append(f"Logic depth per module (Yosys synth_xilinx -family xcup; budget: <= {b_lv} LUT "
                 f"levels, carry <= {b_cr} bits, MUXF <= {b_mx} on any path;")
    lines.append(f"fmax from the delay model in {args.cfg}, UltraScale+ -2; a path end is a register, "
                 "RAM/DSP pin or module port; '+bb' = black-box children composed in)")
    hdr = f"{'module':<26} {'levels':>6} {'carry':>5} {'muxf':>4} {'fmax MHz':>8}  {'ok':<4} worst path (slowest by the model)"
    lines.append(hdr)
    lines.append("-" * len(hdr))
    failed = 0
    for r, fails in rows:
        w = r["worst"]
        name = r["module"] + (" +bb" if r["blackboxes"] else "")
        ok = "FAIL" if fails else "ok"
        failed += bool(fails)
        d = w["delay"]
        fm = fmax_mhz(d["value"])
        mark = lambda k, v: f"{v}*" if k in fails else f"{v}"
        fm_s = f"{fm:.0f}*" if "delay" in fails else f"{fm:.0f}"
        lines.append(f"{name:<26} {mark('levels', w['levels']['value']):>6} "
                     f"{mark('carry', w['carry']['value']):>5} {mark('muxf', w['muxf']['value']):>4} "
                     f"{fm_s:>8}  {ok:<4} {d['start']} -> {d['end']}")
        for k in fails:
            if k == "delay":
                lines.append(f"{'':<26} delay worst: {d['start']} -> {d['end']} "
                             f"({d['value']:.2f} ns, {fm:.0f} MHz < {cfg['budget_fmax_mhz']:.0f})")
                continue
            lines.append(f"{'':<26} {k} worst: {w[k]['start']} -> {w[k]['end']} "
                         f"({w[k]['value']}; {w['over'][k]} path ends over budget)")
    lines.append("")
    lines.append(f"{len(rows) - failed} of {len(rows)} modules within the budget"
                 + (f"; {failed} over it (* marks the figure over budget)" if failed else ""))
    text = "\n".join(lines)
    print(text)
    if args.txt:
        with open(args.txt, "w") as f:
            f.write(text + "\n")
    if args.json:
        doc = {"budget": {"lut_levels": b_lv, "carry_bits": b_cr, "muxf": b_mx},
               "model": {k: v for k, v in cfg.items() if k.startswith("t_")},
               "modules": []}
        for r, fails in rows:
            w = r["worst"]
            doc["modules"].append({
                "module": r["module"], "blackboxes": r["blackboxes"],
                "lut_levels": w["levels"]["value"], "carry_bits": w["carry"]["value"],
                "muxf": w["muxf"]["value"], "delay_ns": w["delay"]["value"],
                "fmax_mhz": round(fmax_mhz(w["delay"]["value"]), 1),
                "within_budget": not fails, "over": fails,
                "worst": {k: {"start": w[k]["start"], "end": w[k]["end"], "value": w[k]["value"],
                              "path": w[k]["path"]} for k in ("levels", "carry", "muxf", "delay")},
                "over_budget_ends": w["over"],
                "reg2reg": {k: r["worst_reg2reg"][k]["value"] for k in ("levels", "carry", "muxf", "delay")},
            })
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=1)
    if failed and not args.keep_going:
        print(f"make timing: {failed} module(s) over the timing budget "
              "(TIMING_KEEP_GOING=1 prints the table without failing)", file=sys.stderr)
        return 1
    return 0


# --- Dependencies (make fragment) -------------------------------------------------------------

MOD_RE = re.compile(r"^\s*module\s+(\w+)", re.M)
INST_RE = re.compile(r"^\s*(nasmac_\w+)\s*(?:#\s*\(|\w+\s*\()", re.M)


def scan_rtl(rtl_dir):
    files, children = {}, {}
    for fn in sorted(os.listdir(rtl_dir)):
        if not fn.endswith(".sv"):
            continue
        path = os.path.join(rtl_dir, fn)
        with open(path) as f:
            text = re.sub(r"//[^\n]*", "", f.read())
        for m in MOD_RE.findall(text):
            files[m] = path
            children[m] = sorted(set(INST_RE.findall(text)) - {m})
    return files, children


def deps(args):
    cfg = load_cfg(args.cfg)
    files, children = scan_rtl(args.rtl_dir)
    mods = sorted(m for m in files if not m.endswith("_pkg"))
    pkgs = sorted(files[m] for m in files if m.endswith("_pkg"))
    out = [f"# Generated by scripts/timing.py deps from {args.rtl_dir} and {args.cfg}; do not edit."]
    out.append(f"TIMING_MODULES := {' '.join(mods)}")
    for m in mods:
        bbs = [c for c in cfg_blackboxes(cfg, m) if c in files]
        keeps = [c for c in cfg_keeps(cfg, m) if c in files]
        for c in keeps:  # the select pattern *name* must not catch another module
            other = [x for x in files if c in x and x != c]
            if other:
                raise SystemExit(f"timing: keep.{m}: '{c}' is part of other module names ({other})")
        need, stack = set(), [m]
        while stack:
            x = stack.pop()
            if x in need or x not in files:
                continue
            need.add(x)
            # A black-boxed child is still read (for its ports), not its own children.
            if x != m and x in bbs:
                continue
            stack.extend(children.get(x, []))
        srcs = sorted(set(files[x] for x in need))
        src = cfg_row_from(cfg, m)
        if src != m:  # mapped in its parent's run: no netlist of its own
            if m not in cfg_keeps(cfg, src):
                raise SystemExit(f"timing: row.{m} = {src}, but {src} does not keep {m}")
            out.append(f"TIMING_FROM_{m} := {src}")
            out.append(f"$(TIMING_DIR)/{m}.result.json: $(TIMING_DIR)/{src}.netlist.json "
                       + " ".join(f"$(TIMING_DIR)/{c}.result.json" for c in bbs))
            continue
        out.append(f"TIMING_SRC_{m} := {' '.join(srcs)}")
        out.append(f"TIMING_BB_{m} := {' '.join(bbs)}")
        out.append(f"TIMING_KEEP_{m} := {' '.join(keeps)}")
        out.append(f"$(TIMING_DIR)/{m}.netlist.json: $(TIMING_PKGS) {' '.join(srcs)}")
        # The synthesis plan of a module, rewritten only when it changes (a netlist dependency).
        plan = os.path.join(args.plan_dir, m + ".plan")
        want = f"blackbox: {' '.join(bbs)}\nkeep: {' '.join(keeps)}\n"
        if not os.path.exists(plan) or open(plan).read() != want:
            with open(plan, "w") as f:
                f.write(want)
        out.append(f"TIMING_FROM_{m} := {m}")
        out.append(f"$(TIMING_DIR)/{m}.result.json: $(TIMING_DIR)/{src}.netlist.json "
                   + " ".join(f"$(TIMING_DIR)/{c}.result.json" for c in bbs))
    runs = sorted(set(cfg_row_from(cfg, m) for m in mods))
    out.append(f"TIMING_RUNS := {' '.join(runs)}")
    text = "\n".join(out) + "\n"
    if not os.path.exists(args.output) or open(args.output).read() != text:
        with open(args.output, "w") as f:
            f.write(text)
    return 0


# --- Resources (make synth) -------------------------------------------------------------------

LUTRAM_LUTS = {"RAM32M": 4, "RAM32M16": 8, "RAM64M": 4, "RAM64M8": 8, "RAM32X1D": 2,
               "RAM64X1D": 2, "RAM128X1D": 4, "RAM32X1S": 1, "RAM64X1S": 1, "RAM128X1S": 2,
               "RAM256X1S": 4, "SRL16E": 1, "SRLC32E": 1, "SRLC16E": 1}


def resources_of(result, by_module, memo, subs=None):
    """Own cells plus children (each counted once per instance): submodules kept in the same
    netlist (result["submodules"]) and black boxes analysed in their own runs."""
    subs = result.get("submodules", {}) if subs is None else subs
    m = result["module"]
    key = (m, id(subs))
    if key in memo:
        return memo[key]
    tot = defaultdict(float)
    for t, n in result["cells"].items():
        base = t.split("\\")[1] if t.startswith("$paramod") and "\\" in t else t
        sub = None
        if t in subs:
            sub = resources_of(dict(subs[t], module=t), by_module, memo, subs)
        elif base in result["blackboxes"] and base in by_module:
            sub = resources_of(by_module[base], by_module, memo)
        if sub is not None:
            for k, v in sub.items():
                tot[k] += v * n
            continue
        if t.startswith("LUT") and t[3:].isdigit():
            tot["LUT"] += n
        elif t in FF_TYPES:
            tot["FF"] += n
        elif t in LUTRAM_LUTS:
            tot["LUTRAM"] += n * LUTRAM_LUTS[t]
        elif is_lutram(t):
            tot["LUTRAM"] += n
        elif t == "RAMB36E2":
            tot["BRAM36"] += n
        elif t == "RAMB18E2":
            tot["BRAM36"] += n / 2
        elif t.startswith("URAM"):
            tot["URAM"] += n
        elif t in CARRY_BITS:
            tot["CARRY8"] += n * CARRY_BITS[t] / 8
        elif t in MUXF_TYPES:
            tot[t] += n
        elif t.startswith("DSP"):
            tot["DSP"] += n
    memo[key] = dict(tot)
    return memo[key]


def resources(args):
    by_module = {}
    for path in args.results:
        with open(path) as f:
            r = json.load(f)
        by_module[r["module"]] = r
    memo = {}
    lines = ["Resources, Yosys synth_xilinx -family xcup (LUT = LUT1..6 as logic; LUTRAM in LUTs; "
             "BRAM in RAMB36 units; CARRY8 = CARRY4 bits / 8;",
             "black-box children counted once per instance; Yosys LUT counts run above Vivado's, "
             "compare them with each other)",
             f"{'module':<26} {'LUT':>8} {'FF':>8} {'LUTRAM':>7} {'BRAM36':>6} {'CARRY8':>7} {'MUXF7/8':>8} {'DSP':>4}"]
    for m in args.modules:
        if m not in by_module:
            continue
        t = resources_of(by_module[m], by_module, memo)
        mux = int(t.get("MUXF7", 0) + t.get("MUXF8", 0) + t.get("MUXF9", 0))
        lines.append(f"{m:<26} {int(t.get('LUT', 0)):>8} {int(t.get('FF', 0)):>8} "
                     f"{int(t.get('LUTRAM', 0)):>7} {t.get('BRAM36', 0):>6g} "
                     f"{t.get('CARRY8', 0):>7g} {mux:>8} {int(t.get('DSP', 0)):>4}")
    text = "\n".join(lines) + "\n"
    print(text, end="")
    with open(args.output, "w") as f:
        f.write(text)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("analyse")
    a.add_argument("netlist")
    a.add_argument("--top", required=True)
    a.add_argument("--cfg", required=True)
    a.add_argument("--child", action="append")
    a.add_argument("-o", "--output", required=True)
    r = sub.add_parser("report")
    r.add_argument("--cfg", required=True)
    r.add_argument("results", nargs="+")
    r.add_argument("--txt")
    r.add_argument("--json")
    r.add_argument("--keep-going", action="store_true")
    d = sub.add_parser("deps")
    d.add_argument("--cfg", required=True)
    d.add_argument("--rtl-dir", required=True)
    d.add_argument("--plan-dir", required=True)
    d.add_argument("-o", "--output", required=True)
    s = sub.add_parser("resources")
    s.add_argument("--results", nargs="+", required=True)
    s.add_argument("--modules", nargs="+", required=True)
    s.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    if args.cmd == "analyse":
        analyse(args)
        return 0
    return {"report": report, "deps": deps, "resources": resources}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
