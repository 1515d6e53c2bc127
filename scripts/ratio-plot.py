#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A PNG of a paired-ratio figure (build/bench/store*.json,
xfer-rate-*.json): every pair's ratio in run order, its geometric mean and
95 % bootstrap interval, and the control pairs' beside it.

    ratio-plot.py <json> <png> <title>
"""
import json
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    src, png, title = sys.argv[1:4]
    with open(src) as f:
        j = json.load(f)
    fig, ax = plt.subplots(figsize=(8, 4))
    x0 = 1
    for key, label in (("stores_per_s_ratio", "pairs"), ("control_ratio", "control pairs")):
        r = j[key]
        xs = list(range(x0, x0 + len(r["per_pair"])))
        line = ax.plot(xs, r["per_pair"], "o", markersize=4,
                       label="%s: %.3fx (%.3f-%.3f)" % (label, r["value"], *r["interval"]))
        ax.hlines(r["value"], xs[0] - 0.4, xs[-1] + 0.4, colors=line[0].get_color())
        ax.fill_between([xs[0] - 0.4, xs[-1] + 0.4], *r["interval"],
                        color=line[0].get_color(), alpha=0.2)
        x0 += len(xs) + 1
    ax.axhline(1.0, color="grey", linewidth=0.5)
    ax.set_xlabel("pair, in run order")
    ax.set_ylabel("ratio of Stores/s")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(png, dpi=80)
    print("wrote", png)


main()
