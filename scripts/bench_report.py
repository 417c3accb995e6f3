#!/usr/bin/env python3
"""make bench-report: the benchmarks' JSON Lines as CSV tables, gnuplot pictures and index.md.

Usage: bench_report.py DIR

DIR holds what `nasmac bench ... --json` wrote (bench/bench.h: a header record, then rows of one
schema), any of:
  driver.jsonl        bench driver over message sizes (throughput per backend, latency)
  driver_burst.jsonl  bench driver over burst sizes at one message size
  engine.jsonl        bench engine over memory latencies at one message size
  engine_size.jsonl   bench engine over message sizes at one memory latency
  e2e.jsonl           bench e2e (one row per server: store, sync, workers, requests_per_s
                      ... in its extra object)
and gets <name>.csv for each, the pictures below, and index.md that shows them with the
numbers:
  throughput_size.png  MAC/s against message size per backend and algorithm
  engine_latency.png   kernel cycles per MAC against memory latency
  engine_size.png      kernel cycles per MAC against message size
  driver_burst.png     cpu backend MAC/s against burst size, the baseline beside it
  e2e.png              Context Requests/s per MME store and worker count, the echo beside

Each picture's subtitle carries the run's conditions from its header record (commit, CPU,
cores, load average at the start): a figure without them is not a figure. Standard library
only; gnuplot (Debian gnuplot-nox) draws.
"""
import csv
import json
import os
import shutil
import subprocess
import sys

ALGS = ("eia1", "eia2", "eia3", "mixed")


def read(path):
    header, rows = {}, []
    if not os.path.exists(path):
        return header, rows
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                sys.exit("bench_report: %s:%d: not JSON (%s)" % (path, n, e))
            if obj.get("kind") == "header":
                header = obj
            else:
                rows.append(obj)
    return header, rows


def flat(r):
    """A row with its "extra" object spread into extra_* columns."""
    out = {k: v for k, v in r.items() if k != "extra"}
    for k, v in (r.get("extra") or {}).items():
        out["extra_" + k] = v
    return out


def write_csv(path, rows):
    rows = [flat(r) for r in rows]
    keys = []
    for r in rows:
        for k in r:
            if k not in keys:
                keys.append(k)
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=keys)
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in keys})


def conditions(h):
    if not h:
        return "no header record (conditions unknown)"
    load = (h.get("loadavg") or ["?"])[0]
    return "nasmac %s (git %s), %s, %s cores, load %s at the start" % (
        h.get("version"), h.get("commit"), h.get("cpu"), h.get("online_cores"), load)


def esc(s):
    return str(s).replace('"', "'").replace("_", "\\\\_")


def gnuplot(script, out_dir):
    if not shutil.which("gnuplot"):
        print("bench_report: gnuplot not found (apt-get install gnuplot-nox): CSV only")
        return False
    subprocess.run(["gnuplot"], input=script, text=True, cwd=out_dir, check=True)
    return True


# One look per backend in every picture: colour, dash type, point type.
STYLE = {"ipsec-mb": (1, 2, 6), "cpu": (2, 1, 7), "openssl": (4, 3, 9), "engine": (3, 1, 5),
         "sim": (5, 1, 11)}
ALG_STYLE = {"eia1": (1, 1, 7), "eia2": (2, 1, 5), "eia3": (3, 1, 9), "mixed": (8, 1, 13)}


def plot_cmd(series):
    """series: [(title, [(x, y), ...], (colour, dash type, point type))] -> plot command, data."""
    plots, data = [], []
    for t, pts, (lc, dt, pt) in series:
        plots.append("'-' using 1:2 with linespoints lw 2 ps 1.2 lc %d dt %d pt %d title '%s' noenhanced"
                     % (lc, dt, pt, t.replace("'", "")))
        data.append("\n".join("%s %s" % p for p in sorted(pts)) + "\ne")
    return "plot " + ", ".join(plots) + "\n" + "\n".join(data) + "\n"


def panels(d, name, title, h, xlabel, ylabel, parts, logx=False, logy=False, key="top right"):
    """parts: [(panel title, series)], drawn side by side with one title and subtitle."""
    parts = [(t, [x for x in ser if x[1]]) for t, ser in parts]
    parts = [(t, ser) for t, ser in parts if ser]
    if not parts:
        return False
    width = 560 * len(parts) if len(parts) > 1 else 1000
    script = """set terminal pngcairo size %d,620 font ',11'
set output '%s.png'
set multiplot layout 1,%d title "%s\\n{/*0.75 %s}"
set xlabel '%s' noenhanced
set ylabel '%s' noenhanced
set key %s box opaque
set grid
%s%s%s""" % (width, name, len(parts), esc(title), esc(conditions(h)), xlabel, ylabel, key,
           "set logscale x 2\n" if logx else "", "set logscale y\n" if logy else "",
           "" if logy else "set yrange [0:*]\n")
    for t, ser in parts:
        script += "set title '%s' noenhanced\n" % t + plot_cmd(ser)
    script += "unset multiplot\n"
    return gnuplot(script, d)


def bars(d, name, title, ylabel, data, h):
    script = """set terminal pngcairo size 1000,560 font ',11'
set output '%s.png'
set title "%s\\n{/*0.75 %s}"
set ylabel '%s'
set style fill solid 0.6
set boxwidth 0.7
set yrange [0:*]
set xtics rotate by -35
set grid ytics
plot '-' using 0:2:xtic(1) with boxes notitle
%s
e
""" % (name, title, esc(conditions(h)), ylabel, data)
    return gnuplot(script, d)


def ok(r, *keys):
    return not r.get("skipped") and all(r.get(k) is not None for k in keys)


def throughput_size(d, drv, eng):
    """MAC/s against message size, a panel per algorithm: the baseline, the cpu backend,
    OpenSSL and the engine at its clock."""
    (hd, rd), (he, re) = drv, eng
    rd = [r for r in rd if r.get("section") == "throughput" and ok(r, "mac_per_s", "msg_bytes")]
    re = [r for r in re if r.get("section") == "model" and ok(r, "mac_per_s") and r.get("msg_bytes")]
    bursts = sorted({r["burst"] for r in rd if r["backend"] == "cpu"})
    burst = 256 if 256 in bursts else (bursts[-1] if bursts else None)
    parts = []
    for a in ALGS[:3]:
        series = []
        for b, label in (("ipsec-mb", "raw libipsec-mb (baseline)"),
                         ("cpu", "cpu backend, bursts of %s" % burst),
                         ("openssl", "OpenSSL EVP_MAC CMAC")):
            pts = [(r["msg_bytes"], r["mac_per_s"] / 1e6) for r in rd
                   if r["backend"] == b and r["alg"] == a and (b != "cpu" or r["burst"] == burst)]
            series.append((label, pts, STYLE[b]))
        pts = [(r["msg_bytes"], r["mac_per_s"] / 1e6) for r in re if r["alg"] == a]
        if pts:
            series.append(("engine model at %.0f MHz, latency %s" % (re[0]["clock_mhz"], re[0]["mem_latency"]),
                           pts, STYLE["engine"]))
        parts.append(("128-" + a.upper(), series))
    return panels(d, "throughput_size", "Throughput against message size (a new key per job; CPU rows on one core)",
                  hd or he, "message size (octets)", "M MAC/s (log scale)", parts,
                  logx=True, logy=True, key="bottom left")


def engine_latency(d, eng):
    h, rows = eng
    rows = [r for r in rows if r.get("section") == "model" and ok(r, "cycles_per_mac", "mem_latency")]
    series = []
    for a in ALGS:
        pts = [(r["mem_latency"], r["cycles_per_mac"]) for r in rows if r["alg"] == a]
        size = next((r["msg_bytes"] for r in rows if r["alg"] == a), None)
        series.append(("%s" % ("mixed: all three, 16..160 octets" if a == "mixed" else "%s, %s octets" % (a, size)),
                       pts, ALG_STYLE[a]))
    jobs = next((r["burst"] for r in rows), "?")
    return panels(d, "engine_latency", "Kernel model: cycles per MAC against memory latency (%s jobs per batch)" % jobs,
                  h, "memory latency (kernel clock cycles, AXI request to first data beat)",
                  "kernel cycles per MAC (lower is better)", [("", series)], key="top left")


def engine_size(d, eng):
    h, rows = eng
    rows = [r for r in rows if r.get("section") == "model" and ok(r, "cycles_per_mac") and r.get("msg_bytes")]
    lat = next((r["mem_latency"] for r in rows), "?")
    series = [(a, [(r["msg_bytes"], r["cycles_per_mac"]) for r in rows if r["alg"] == a], ALG_STYLE[a])
              for a in ALGS]
    jobs = next((r["burst"] for r in rows), "?")
    return panels(d, "engine_size", "Kernel model: cycles per MAC against message size (memory latency %s cycles, %s jobs per batch)" % (lat, jobs),
                  h, "message size (octets)", "kernel cycles per MAC (log scale, lower is better)",
                  [("", series)], logx=True, logy=True, key="top left")


def driver_burst(d, drv):
    h, rows = drv
    rows = [r for r in rows if r.get("section") == "throughput" and ok(r, "mac_per_s")]
    series = []
    bursts = sorted({r["burst"] for r in rows if r["backend"] == "cpu"})
    for a in ALGS:
        lc, _, pt = ALG_STYLE[a]
        pts = [(r["burst"], r["mac_per_s"] / 1e6) for r in rows if r["backend"] == "cpu" and r["alg"] == a]
        series.append(("cpu backend, %s" % a, pts, (lc, 1, pt)))
        base = [r["mac_per_s"] / 1e6 for r in rows if r["backend"] == "ipsec-mb" and r["alg"] == a]
        if base and bursts:
            series.append(("raw libipsec-mb, %s (no driver)" % a,
                           [(bursts[0], base[0]), (bursts[-1], base[0])], (lc, 2, -1)))
    size = next((r["msg_bytes"] for r in rows), "?")
    return panels(d, "driver_burst", "cpu backend against enqueue burst size (%s-octet messages, one core)" % size,
                  h, "jobs per nasmac_enqueue_burst() call", "M MAC/s", [("", series)],
                  logx=True, key="below horizontal maxrows 3")


def e2e(d, data):
    h, rows = data
    rows = [r for r in rows if r.get("kind") == "row" and (r.get("extra") or {}).get("requests_per_s")]
    if not rows:
        return False
    lines = []
    for r in rows:
        x = r["extra"]
        label = r.get("backend") or "?"
        if r.get("section") == "echo":
            label += " w%s" % x.get("window", "?")  # one row per echo window
        else:
            label += " " + x.get("store", "?")
            if x.get("sync") not in (None, "-"):
                label += " " + x["sync"]
            label += " x%s" % x.get("workers", 1)
        lines.append('"%s" %s' % (esc(label), x["requests_per_s"] / 1e3))
    return bars(d, "e2e", "Context Requests per second through nasmacd mme (xN: N workers; "
                "echo = UDP ceiling, one core)", "k requests/s", "\n".join(lines), h)


# The columns index.md shows per table (all of them are in the CSV).
SHOW = ("section", "backend", "alg", "msg_bytes", "burst", "mem_latency", "mac_per_s",
        "ns_per_mac", "cycles_per_mac", "clock_mhz", "vs_ipsec_mb", "p50_us", "p99_us", "skipped")


# bench e2e's own members (its rows' extra), shown after SHOW's.
SHOW_E2E = ("extra_store", "extra_sync", "extra_workers", "extra_window", "extra_requests_per_s",
            "extra_median_requests_per_s", "extra_requests_per_cpu_s", "extra_share_of_echo",
            "extra_p999_us", "extra_lost", "extra_redis_round_trips_per_request")


def table(rows):
    rows = [flat(r) for r in rows]
    show = SHOW + (SHOW_E2E if any(r.get("bench") == "e2e" for r in rows) else ())
    cols = [c for c in show if any(r.get(c) not in (None, "") for r in rows)]
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        cells = []
        for c in cols:
            v = r.get(c)
            if isinstance(v, float):
                v = "%.3f" % v if abs(v) < 100 else "%.0f" % v
            cells.append("" if v is None else str(v))
        out.append("| " + " | ".join(cells) + " |")
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    d = sys.argv[1]
    data = {n: read(os.path.join(d, n + ".jsonl"))
            for n in ("driver", "driver_burst", "engine", "engine_size", "e2e")}
    for n, (h, rows) in data.items():
        if rows:
            write_csv(os.path.join(d, n + ".csv"), rows)
    drawn = {
        "throughput_size": throughput_size(d, data["driver"], data["engine_size"]),
        "engine_latency": engine_latency(d, data["engine"]),
        "engine_size": engine_size(d, data["engine_size"]),
        "driver_burst": driver_burst(d, data["driver_burst"]),
        "e2e": e2e(d, data["e2e"]),
    }
    out = ["# nasmac benchmark report", "",
           "Made by `make bench-report` (scripts/bench_report.py) from the JSON Lines beside this "
           "file; the CSV files hold every column. The CPU baseline everywhere is raw libipsec-mb "
           "(multi-buffer job API, one core, a new key per job); `vs_ipsec_mb` is a row's MAC/s "
           "over the baseline's at the same message size in the same run.", ""]
    sections = (
        ("throughput_size", "Throughput against message size", ("driver", "engine_size"),
         "Raw libipsec-mb (dashed), the cpu backend through the driver, OpenSSL CMAC, and the "
         "engine model projected to its clock (when the clock is known)."),
        ("driver_burst", "cpu backend against burst size", ("driver_burst",),
         "Jobs per enqueue call; the dashed lines are raw libipsec-mb, which has no burst."),
        ("engine_latency", "Engine: cycles per MAC against memory latency", ("engine",), ""),
        ("engine_size", "Engine: cycles per MAC against message size", ("engine_size",), ""),
        ("e2e", "End to end: Context Requests/s through nasmacd mme", ("e2e",), ""),
    )
    for pic, title, sources, text in sections:
        if not any(data[s][1] for s in sources):
            continue
        out += ["## " + title, ""]
        if text:
            out += [text, ""]
        if drawn.get(pic):
            out += ["![%s](%s.png)" % (title, pic), ""]
        for s in sources:
            h, rows = data[s]
            if not rows:
                continue
            out += ["`%s.jsonl` conditions: %s." % (s, conditions(h)), ""]
            if pic == "throughput_size" and s == "engine_size":
                continue  # its table is under the engine's own picture
            keep = rows if pic != "throughput_size" else [r for r in rows if r.get("section") != "latency"]
            out += table(keep) + [""]
        if pic == "throughput_size":
            lat = [r for r in data["driver"][1] if r.get("section") == "latency"]
            if lat:
                out += ["Latency through the driver (enqueue to dequeue):", ""] + table(lat) + [""]
    with open(os.path.join(d, "index.md"), "w") as f:
        f.write("\n".join(out))
    made = [f for f in sorted(os.listdir(d)) if f.endswith((".csv", ".png", ".md"))]
    print("bench_report: %s" % (", ".join(os.path.join(d, f) for f in made) or "nothing to draw"))


if __name__ == "__main__":
    main()
