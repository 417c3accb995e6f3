#!/usr/bin/env python3
"""Generate the Vitis RTL kernel top nasmac_top.v from hw/alveo/ports.txt (and hw/layout.txt).

Vitis infers each bus interface of an RTL kernel from flat ports named m_axi_<port>_<SIGNAL> and
s_axi_control_<SIGNAL>, and Verilog-2001 cannot paste such names together, so written by hand
the top repeats the AXI4 port set once per master. `nasmac` itself takes each bus as the request
and response bundles of hw/rtl/nasmac_axi_pkg.sv; the instance concatenates the flat signals into
them (BUNDLES below, in the packages' field order). The sim (sim/sim.cc) runs this top too, so
the flat names a card sees are the ones every kernel test drives.
Here the AXI4 signal set is one table and ports.txt says which masters exist, how wide their
data is and which channels the kernel uses; the output is plain Verilog-2001, as in Xilinx's RTL
kernel examples: integer C_* parameters (Vivado's IP packager sees integer parameters only; no
SystemVerilog type crosses the IP boundary), ap_clk, ap_rst_n, interrupt, the AXI4-Lite slave
s_axi_control (12-bit address, range 0x1000) and full AXI4 masters with 64-bit addresses. The
signals nasmac has no use for (IDs, LOCK, QOS, REGION, the write channels of a read-only master)
are tied to the values Vitis masters use, so the packager infers full AXI4 ports.

usage: gen_kernel_top.py LAYOUT_TXT PORTS_TXT OUT_V
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_kernel_xml  # noqa: E402  (read_ports(), kernel_args(), CTRL_RANGE)

ADDR_BITS = 64
ID_BITS = 1

# The AXI4 signals of a master, in port order: (channel, signal, direction seen from the master,
# width: "1", a number, or A/D/S/I for address, data, strobe and ID width, whether nasmac has
# the signal). An output nasmac does not drive is tied to TIE's value, or to zeros.
MASTER = [
    ("AW", "AWVALID", "out", "1", True), ("AW", "AWREADY", "in", "1", True),
    ("AW", "AWADDR", "out", "A", True), ("AW", "AWID", "out", "I", False),
    ("AW", "AWLEN", "out", "8", True), ("AW", "AWSIZE", "out", "3", True),
    ("AW", "AWBURST", "out", "2", True), ("AW", "AWLOCK", "out", "2", False),
    ("AW", "AWCACHE", "out", "4", True), ("AW", "AWPROT", "out", "3", True),
    ("AW", "AWQOS", "out", "4", False), ("AW", "AWREGION", "out", "4", False),
    ("W", "WVALID", "out", "1", True), ("W", "WREADY", "in", "1", True),
    ("W", "WDATA", "out", "D", True), ("W", "WSTRB", "out", "S", True),
    ("W", "WLAST", "out", "1", True),
    ("B", "BVALID", "in", "1", True), ("B", "BREADY", "out", "1", True),
    ("B", "BRESP", "in", "2", True), ("B", "BID", "in", "I", False),
    ("AR", "ARVALID", "out", "1", True), ("AR", "ARREADY", "in", "1", True),
    ("AR", "ARADDR", "out", "A", True), ("AR", "ARID", "out", "I", False),
    ("AR", "ARLEN", "out", "8", True), ("AR", "ARSIZE", "out", "3", True),
    ("AR", "ARBURST", "out", "2", True), ("AR", "ARLOCK", "out", "2", False),
    ("AR", "ARCACHE", "out", "4", True), ("AR", "ARPROT", "out", "3", True),
    ("AR", "ARQOS", "out", "4", False), ("AR", "ARREGION", "out", "4", False),
    ("R", "RVALID", "in", "1", True), ("R", "RREADY", "out", "1", True),
    ("R", "RDATA", "in", "D", True), ("R", "RLAST", "in", "1", True),
    ("R", "RID", "in", "I", False), ("R", "RRESP", "in", "2", True),
]
# Ties other than zero: INCR bursts, normal bufferable memory (what Vitis masters use), B always
# accepted; the size of an unused write channel is the bus width.
TIE = {"AWBURST": "2'b01", "AWCACHE": "4'b0011", "BREADY": "1'b1"}

# nasmac's ports for a master: (port suffix, the signals concatenated into it, channels): the
# bundles of hw/rtl/nasmac_axi_pkg.sv (axi_rd_req_t, axi_rd_rsp_t, axi_wr_req_t, axi_wr_rsp_t)
# in their field order, and the data beats. A read-only master has only the AR/R ones.
BUNDLES = [
    ("rd_req_o", ["ARVALID", "ARADDR", "ARLEN", "ARSIZE", "ARBURST", "ARCACHE", "ARPROT", "RREADY"]),
    ("rd_rsp_i", ["ARREADY", "RVALID", "RRESP", "RLAST"]),
    ("rdata_i", ["RDATA"]),
    ("wr_req_o", ["AWVALID", "AWADDR", "AWLEN", "AWSIZE", "AWBURST", "AWCACHE", "AWPROT", "WVALID",
                  "WLAST", "BREADY"]),
    ("wr_rsp_i", ["AWREADY", "WREADY", "BVALID", "BRESP"]),
    ("wdata_o", ["WDATA"]),
    ("wstrb_o", ["WSTRB"]),
]
# The control slave's bundles (axil_req_t, axil_rsp_t); its addresses are zero-extended to 32 bits.
LITE_BUNDLES = [
    ("req_i", ["AWVALID", "AWADDR", "WVALID", "WDATA", "WSTRB", "BREADY", "ARVALID", "ARADDR",
               "RREADY"]),
    ("rsp_o", ["AWREADY", "WREADY", "BVALID", "BRESP", "ARREADY", "RVALID", "RDATA", "RRESP"]),
]

# The AXI4-Lite slave: (signal, direction seen from the slave, width).
SLAVE = [
    ("AWVALID", "in", "1"), ("AWREADY", "out", "1"), ("AWADDR", "in", "A"),
    ("WVALID", "in", "1"), ("WREADY", "out", "1"), ("WDATA", "in", "D"), ("WSTRB", "in", "S"),
    ("BVALID", "out", "1"), ("BREADY", "in", "1"), ("BRESP", "out", "2"),
    ("ARVALID", "in", "1"), ("ARREADY", "out", "1"), ("ARADDR", "in", "A"),
    ("RVALID", "out", "1"), ("RREADY", "in", "1"), ("RDATA", "out", "D"), ("RRESP", "out", "2"),
]


def prefix(port):
    return "C_" + port["name"].upper()


def width(port, w):
    """A signal's range as declared ("" for one bit) and its value when tied to zeros."""
    p = prefix(port)
    expr = {"A": p + "_ADDR_WIDTH", "D": p + "_DATA_WIDTH", "S": p + "_DATA_WIDTH/8",
            "I": p + "_ID_WIDTH"}.get(w)
    if expr:
        return "[%s-1:0]" % expr, "{%s{1'b0}}" % expr
    n = int(w)
    return ("[%d:0]" % (n - 1) if n > 1 else ""), ("%d'b0" % n if n < 4 else "%d'h0" % n)


def generate(layout_path, ports_path):
    ports = gen_kernel_xml.read_ports(ports_path)
    gen_kernel_xml.kernel_args(layout_path, ports)  # the two tables must agree
    slave, masters = ports[0], ports[1:]
    if len({m["bits"] for m in masters}) != 1:
        gen_kernel_xml.die("every master has the same data width (nasmac's DataWidth)")
    if not masters[0]["write"] or any(m["write"] for m in masters[1:]):
        gen_kernel_xml.die("the first master carries the writes (m_axi_gmem), the others only read")
    ctrl_bits = gen_kernel_xml.CTRL_RANGE.bit_length() - 1

    params = [(prefix(slave) + "_ADDR_WIDTH", ctrl_bits), (prefix(slave) + "_DATA_WIDTH", slave["bits"])]
    for m in masters:
        params += [(prefix(m) + "_ADDR_WIDTH", ADDR_BITS), (prefix(m) + "_DATA_WIDTH", m["bits"]),
                   (prefix(m) + "_ID_WIDTH", ID_BITS)]

    decls = [("input", "", "ap_clk"), ("input", "", "ap_rst_n"), ("output", "", "interrupt")]
    decls += [(d + "put", width(slave, w)[0], slave["name"] + "_" + s) for s, d, w in SLAVE]
    # nasmac's ports (name, what connects to it): the flat signals concatenated into bundles.
    core = [(n, n) for n in ("ap_clk", "ap_rst_n", "interrupt")]
    zext = "{{(32-%s_ADDR_WIDTH){1'b0}}, %%s}" % prefix(slave)
    for suffix, sigs in LITE_BUNDLES:
        names = [(zext if s.endswith("ADDR") else "%s") % (slave["name"] + "_" + s) for s in sigs]
        core.append((slave["name"][len("s_axi_"):] + "_" + suffix, "{%s}" % ", ".join(names)))
    ties, unused = [], []
    for m in masters:
        for ch, s, d, w, has in MASTER:
            name = m["name"] + "_" + s
            rng, zero = width(m, w)
            decls.append((d + "put", rng, name))
            used = has and (m["write"] or ch in ("AR", "R"))
            if used:
                pass
            elif d == "in":
                unused.append(name)
            else:
                size = "3'd%d" % ((m["bits"] // 8).bit_length() - 1)
                val = TIE.get(s.replace("AR", "AW"), size if s.endswith("SIZE") else None)
                ties.append((name, val or zero))
        for suffix, sigs in BUNDLES[:3] + (BUNDLES[3:] if m["write"] else []):
            names = [m["name"] + "_" + s for s in sigs]
            core.append((m["name"][len("m_axi_"):] + "_" + suffix,
                         names[0] if len(names) == 1 else "{%s}" % ", ".join(names)))

    out = ["// Generated by scripts/gen_kernel_top.py from hw/alveo/ports.txt: do not edit.",
           "// The Vitis RTL kernel top (and the sim's): integer parameters and flat AXI ports"
           " around the SystemVerilog",
           "// kernel nasmac (hw/rtl/nasmac.sv), whose bus ports are the bundles of"
           " hw/rtl/nasmac_axi_pkg.sv,",
           "// concatenated here; the unused AXI4 signals tied off (see the generator).",
           "`default_nettype none", "`timescale 1 ns / 1 ps", "", "module nasmac_top #("]
    pw = max(len(n) for n, _ in params)
    out += ["  parameter integer %-*s = %d," % (pw, n, v) for n, v in params]
    out += ["  // Lanes per algorithm (see hw/rtl/nasmac.sv).",
            "  parameter integer %-*s = 1," % (pw, "NUM_EIA1"),
            "  parameter integer %-*s = 1," % (pw, "NUM_EIA2"),
            "  parameter integer %-*s = 1" % (pw, "NUM_EIA3"), ") ("]
    ww = max(len(w) for _, w, _ in decls)
    for i, (d, rng, n) in enumerate(decls):
        out.append("  %-6s wire %-*s %s%s" % (d, ww, rng, n, "," if i + 1 < len(decls) else ""))
    out += [");", ""]
    tw = max(len(n) for n, _ in ties)
    out += ["  assign %-*s = %s;" % (tw, n, v) for n, v in ties]
    out += ["", "  // IDs and the responses of the unused write channels are not looked at.",
            "  wire unused_ok = &{1'b0,"]
    out += ["    %s%s" % (n, "," if i + 1 < len(unused) else "};") for i, n in enumerate(unused)]
    out += [""]
    m0 = prefix(masters[0])
    out += ["  nasmac #(",
            "    .DataWidth     (%s_DATA_WIDTH)," % m0,
            "    .CtrlAddrWidth (%s_ADDR_WIDTH)," % prefix(slave),
            "    .NumEia1       (NUM_EIA1),", "    .NumEia2       (NUM_EIA2),",
            "    .NumEia3       (NUM_EIA3)", "  ) u_nasmac ("]
    cw = max(len(n) for n, _ in core)
    out += ["    .%-*s (%s)%s" % (cw, n, e, "," if i + 1 < len(core) else "")
            for i, (n, e) in enumerate(core)]
    out += ["  );", "endmodule", "", "`default_nettype wire", ""]
    return "\n".join(out)


def main(argv):
    if len(argv) != 4:
        gen_kernel_xml.die("usage: gen_kernel_top.py LAYOUT_TXT PORTS_TXT OUT_V")
    text = generate(argv[1], argv[2])
    # A temporary name of this process: make test's SAN=1 sub-makes may regenerate it beside us.
    tmp = "%s.%d.tmp" % (argv[3], os.getpid())
    with open(tmp, "w", encoding="ascii") as f:
        f.write(text)
    os.replace(tmp, argv[3])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
