#!/usr/bin/env python3
"""make bench-report: the benchmarks' JSON Lines as CSV tables and gnuplot pictures.

Usage: bench_report.py DIR   (DIR holds engine.jsonl, driver.jsonl, e2e.jsonl from
`nasmac bench ... --json`; writes DIR/<bench>.csv, DIR/<bench>.png and DIR/index.md)

Each picture's title carries the run's conditions from the header line every benchmark
prints first (commit, CPU, cores, load average at the start): a figure without them is not
a figure. Standard library only; gnuplot (Debian gnuplot-nox) draws.
"""
import csv
import json
import os
import shutil
import subprocess
import sys


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


def write_csv(path, rows):
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
        return "no header line (conditions unknown)"
    load = h.get("loadavg", ["?"])[0]
    return "nasmac %s (git %s), %s, %s cores, load %s" % (
        h.get("version"), h.get("commit"), h.get("cpu"), h.get("online_cores"), load)


def gnuplot(script, out_dir):
    if not shutil.which("gnuplot"):
        print("bench_report: gnuplot not found (apt-get install gnuplot-nox): CSV only")
        return False
    subprocess.run(["gnuplot"], input=script, text=True, cwd=out_dir, check=True)
    return True


def esc(s):
    return str(s).replace('"', "'").replace("_", "\\\\_")


def engine(d):
    h, rows = read(os.path.join(d, "engine.jsonl"))
    rows = [r for r in rows if "cycles_per_mac" in r]
    if not rows:
        return
    write_csv(os.path.join(d, "engine.csv"), rows)
    algs = sorted({r["alg"] for r in rows})
    blocks = []
    for a in algs:
        pts = sorted((r["mem_latency"], r["cycles_per_mac"]) for r in rows if r["alg"] == a)
        blocks.append("\n".join("%s %s" % p for p in pts))
    plots = ", ".join("'-' using 1:2 with linespoints title '%s'" % a for a in algs)
    script = """set terminal pngcairo size 900,560
set output 'engine.png'
set title "Kernel model: cycles per MAC against memory latency\\n{/*0.8 %s}"
set xlabel 'memory latency (kernel clock cycles)'
set ylabel 'cycles per MAC (lower is better)'
set key top left
set grid
plot %s
%s
""" % (esc(conditions(h)), plots, "\ne\n".join(blocks) + "\ne")
    gnuplot(script, d)


def bars(d, name, title, ylabel, data, h):
    script = """set terminal pngcairo size 1000,560
set output '%s.png'
set title "%s\\n{/*0.8 %s}"
set ylabel '%s'
set style fill solid 0.6
set boxwidth 0.7
set xtics rotate by -35
set grid ytics
plot '-' using 0:2:xtic(1) with boxes notitle
%s
e
""" % (name, title, esc(conditions(h)), ylabel, data)
    gnuplot(script, d)


def driver(d):
    h, rows = read(os.path.join(d, "driver.jsonl"))
    rows = [r for r in rows if r.get("mac_per_s") and r.get("kind") != "latency"]
    if not rows:
        return
    write_csv(os.path.join(d, "driver.csv"), rows)
    data = "\n".join('"%s %s" %s' % (esc(r["backend"]), r["alg"], r["mac_per_s"] / 1e6)
                     for r in rows)
    bars(d, "driver", "libnasmac backends and CPU peers, 64-octet messages, new key per job",
         "M MAC/s (one core)", data, h)


def e2e(d):
    h, rows = read(os.path.join(d, "e2e.jsonl"))
    rows = [r for r in rows if r.get("requests_per_s")]
    if not rows:
        return
    write_csv(os.path.join(d, "e2e.csv"), rows)
    data = "\n".join('"%s %s %s" %s' % (esc(r.get("backend")), esc(r.get("store", "")),
                                        esc(r.get("sync", "")), r["requests_per_s"] / 1e3)
                     for r in rows)
    bars(d, "e2e", "Context Requests per second through nasmacd mme (echo = UDP ceiling)",
         "k requests/s", data, h)


def index(d):
    """index.md: each picture with its conditions and the numbers behind it."""
    out = ["# nasmac benchmark report", ""]
    for name, title in (("engine", "Engine: cycles per MAC against memory latency"),
                        ("driver", "Driver: MAC/s per backend and CPU peers"),
                        ("e2e", "End to end: Context Requests/s through nasmacd mme")):
        h, _ = read(os.path.join(d, name + ".jsonl"))
        csv_path = os.path.join(d, name + ".csv")
        if not os.path.exists(csv_path):
            continue
        out += ["## " + title, "", "Conditions: " + conditions(h) + ".", ""]
        if os.path.exists(os.path.join(d, name + ".png")):
            out += ["![%s](%s.png)" % (title, name), ""]
        with open(csv_path) as f:
            rows = list(csv.reader(f))
        out.append("| " + " | ".join(rows[0]) + " |")
        out.append("|" + "---|" * len(rows[0]))
        out += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        out.append("")
    with open(os.path.join(d, "index.md"), "w") as f:
        f.write("\n".join(out))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    d = sys.argv[1]
    engine(d)
    driver(d)
    e2e(d)
    index(d)
    made = [f for f in sorted(os.listdir(d)) if f.endswith((".csv", ".png", ".md"))]
    print("bench_report: %s" % (", ".join(os.path.join(d, f) for f in made) or "nothing to draw"))


if __name__ == "__main__":
    main()
