#!/usr/bin/env python3
# Copyright (c) 2026 The Rill authors. BSD-3-Clause.
"""utils/bench/queue-plot.py: the plots of queue-compare.sh --plots, drawn with gnuplot.

Usage: queue-plot.py WORK OUT LOADS
  WORK   queue-compare.sh's run directory: sweep<N>-<server>-<round>.json (closed loop, N
         producers) and open<load>-<server>-<round>.json (open loop) from rill-bench --json;
  OUT    where queue-throughput.png and queue-latency-cdf.png (and their .dat) go;
  LOADS  the open-loop loads, comma-separated, as queue-compare.sh ran them.

Throughput: the median over rounds of entries produced per second, against the clients
(producers + consumers) of each run. Latency: the end-to-end distribution of all rounds
together (their rill-bench histograms summed), one panel per load.
"""
import glob
import json
import os
import re
import statistics
import subprocess
import sys

SERVERS = ("rill", "redis")


def load(path):
    with open(path) as f:
        return json.load(f)


def throughput(work, out):
    by_clients = {}
    for path in glob.glob(os.path.join(work, "sweep*-*-*.json")):
        who = re.match(r"sweep\d+-(\w+)-\d+\.json", os.path.basename(path)).group(1)
        j = load(path)
        clients = j["producers"] + j["consumers"]
        rate = j["produced"] * 1000 / j["produce_ms"]
        by_clients.setdefault(clients, {}).setdefault(who, []).append(rate)
    dat = os.path.join(out, "queue-throughput.dat")
    with open(dat, "w") as f:
        f.write("# clients rill_entries_per_s redis_entries_per_s (medians over rounds)\n")
        for clients in sorted(by_clients):
            row = by_clients[clients]
            f.write("%d %.0f %.0f\n" % (clients, statistics.median(row["rill"]),
                                        statistics.median(row["redis"])))
    return dat


def cdf(work, out, load_name):
    dats = {}
    for who in SERVERS:
        counts = {}
        for path in glob.glob(os.path.join(work, "open%s-%s-*.json" % (load_name, who))):
            for bound, count in load(path)["e2e_buckets"]:
                counts[bound] = counts.get(bound, 0) + count
        total = sum(counts.values())
        dat = os.path.join(out, "queue-cdf-%s-%s.dat" % (load_name, who))
        with open(dat, "w") as f:
            f.write("# latency_us fraction_at_or_below (all rounds, %s at load %s)\n"
                    % (who, load_name))
            seen = 0
            for bound in sorted(counts):
                seen += counts[bound]
                f.write("%.3f %.6f\n" % (bound / 1000.0, seen / total))
        dats[who] = dat
    return dats


def main():
    work, out, loads = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
    os.makedirs(out, exist_ok=True)
    tp = throughput(work, out)
    script = [
        "set terminal pngcairo size 800,500 font ',11'",
        "set output '%s'" % os.path.join(out, "queue-throughput.png"),
        "set title 'Closed loop: entries produced per second (every group reads each)'",
        "set xlabel 'clients (producers + consumers, 1:2)'",
        "set ylabel 'entries/s'",
        "set key top left",
        "set grid",
        "set yrange [0:*]",
        "set logscale x 2",
        "plot '%s' using 1:2:xtic(1) with linespoints lw 2 title 'rill-server (shards 1)', "
        "'' using 1:3 with linespoints lw 2 title 'redis-server'" % tp,
        "set terminal pngcairo size %d,500 font ',11'" % (500 * len(loads)),
        "set output '%s'" % os.path.join(out, "queue-latency-cdf.png"),
        "unset logscale",
        "set multiplot layout 1,%d" % len(loads),
        "set logscale xy",
        "set xlabel 'end-to-end latency (us)'",
        "set ylabel 'percentile'",
        # 1/(1-q) on a log scale spreads the tail: 2 is p50, 100 is p99, 1000 p99.9; the
        # maximum (q = 1) has no place on it and is left out.
        "set yrange [1:100000]",
        "set ytics ('0' 1, '50' 2, '90' 10, '99' 100, '99.9' 1000, '99.99' 10000, "
        "'99.999' 100000)",
        "set key top left",
    ]
    for load_name in loads:
        dats = cdf(work, out, load_name)
        script += [
            "set title 'Open loop at %d%% of Redis maximum'" % round(float(load_name) * 100),
            "plot '%s' using 1:(1/(1-$2)) with lines lw 2 title 'rill-server', "
            "'%s' using 1:(1/(1-$2)) with lines lw 2 title 'redis-server'"
            % (dats["rill"], dats["redis"]),
        ]
    script.append("unset multiplot")
    subprocess.run(["gnuplot"], input="\n".join(script) + "\n", text=True, check=True)
    print("plots: %s, %s" % (os.path.join(out, "queue-throughput.png"),
                             os.path.join(out, "queue-latency-cdf.png")))


if __name__ == "__main__":
    main()
