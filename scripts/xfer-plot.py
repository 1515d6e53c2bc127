#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""PNG plots of make bench-xfer's counted figures: per transport, per mode
(overwrite, insert), wire bytes, target instructions and host instructions
per Store by value size and transfer method, from
build/bench/xfer-pair-<transport>.json (scripts/pair-xfer.sh).  Every point
is an exact count (a median over rounds), one line per method on a log
scale; the target's points carry the range of the rounds.

    xfer-plot.py <out dir> <transport>...
"""
import json
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

FIGURES = [("wire_bytes", None, "wire bytes per Store (target NIC, both ways)"),
           ("target", "total", "target instructions per Store"),
           ("host", "total", "host instructions per Store")]


def value(r, key, sub):
    return r[key][sub] if sub else r[key]


def plot(out, tr):
    with open("%s/xfer-pair-%s.json" % (out, tr)) as f:
        res = json.load(f)["results"]
    modes = sorted({r["mode"] for r in res}, reverse=True)
    methods = list(dict.fromkeys(r["method"] for r in res))
    sizes = list(dict.fromkeys(r["size"] for r in res))
    by = {(r["mode"], r["size"], r["method"]): r for r in res}
    fig, axes = plt.subplots(len(modes), len(FIGURES),
                             figsize=(7 * len(FIGURES), 4.5 * len(modes)),
                             squeeze=False)
    for row, mode in enumerate(modes):
        for col, (key, sub, title) in enumerate(FIGURES):
            ax = axes[row][col]
            for m in methods:
                xs, ys, lo, hi = [], [], [], []
                for j, s in enumerate(sizes):
                    r = by.get((mode, s, m))
                    if not r:
                        continue
                    v = value(r, key, sub)
                    xs.append(j)
                    ys.append(v)
                    if key == "target":
                        lo.append(v - r["target"]["total_min"])
                        hi.append(r["target"]["total_max"] - v)
                err = [lo, hi] if key == "target" else None
                ax.errorbar(xs, ys, yerr=err, label=m, marker="o",
                            markersize=3, linewidth=1, capsize=2)
            ax.set_xticks(range(len(sizes)))
            ax.set_xticklabels(sizes, rotation=45, fontsize=8)
            ax.set_yscale("log")
            ax.set_title("%s, %s: %s" % (tr, mode, title), fontsize=10)
        axes[row][0].legend(fontsize=7)
    fig.tight_layout()
    name = "%s/xfer-%s.png" % (out, tr)
    fig.savefig(name, dpi=80)
    plt.close(fig)
    return name


def main():
    out = sys.argv[1]
    for tr in sys.argv[2:]:
        print("wrote", plot(out, tr))


main()
