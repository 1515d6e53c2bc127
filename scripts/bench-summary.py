#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""One summary table per benchmark, from the JSON files the benchmarks
wrote under build/bench/ (make bench, and make bench-xfer for its own).
A benchmark whose JSON is not there is named as missing; nothing here is
computed beyond ratios of the figures the JSON holds.

    bench-summary.py <bench dir> [xfer|cost|store|cache ...]
"""
import json
import os
import sys


def load(d, name):
    p = os.path.join(d, name)
    if not os.path.exists(p):
        return None
    with open(p) as f:
        return json.load(f)


def results(d, name):
    """The JSON of a per-Store benchmark, its results, and their methods and
    sizes in the order they came; None (and a line saying so) without it."""
    j = load(d, name)
    if not j:
        print("no build/bench/%s" % name)
        return None
    res = j["results"]
    return (j, res, list(dict.fromkeys(r["method"] for r in res)),
            list(dict.fromkeys(r["size"] for r in res)))


def xfer(d):
    for tr in ("tcp", "rdma"):
        got = results(d, "xfer-pair-%s.json" % tr)
        if not got:
            continue
        j, res, methods, sizes = got
        by = {(r["mode"], r["size"], r["method"]): r for r in res}
        print("== bench-xfer, %s, overwrites: per Store target instructions / wire bytes"
              " (exact counts, median of rounds; %s)" % (tr, j["command"]))
        print("%-6s" % "size" + "".join("%24s" % m for m in methods))
        for s in sizes:
            row = "%-6s" % s
            for m in methods:
                r = by.get(("overwrite", s, m))
                row += "%24s" % ("%.0f / %.0f" % (r["target"]["total"], r["wire_bytes"])
                                 if r else "-")
            print(row)
        for s in ("8B", "16B"):
            p = by.get(("overwrite", s, "PIGGYBACK"))
            n = by.get(("overwrite", s, "DPTR_NO_INCAPSULE"))
            if p and n:
                print("%s %s PIGGYBACK over DPTR_NO_INCAPSULE: wire bytes %.3fx, target"
                      " instructions %.3fx, host instructions %.3fx"
                      % (tr, s, p["wire_bytes"] / n["wire_bytes"],
                         p["target"]["total"] / n["target"]["total"],
                         p["host"]["total"] / n["host"]["total"]))
        for auto, dptr in (("AUTO", "DPTR"), ("AUTO_NO_INCAPSULE", "DPTR_NO_INCAPSULE")):
            fixed = [m for m in methods if m.startswith("PIGGYBACK") or m == dptr]
            worst_t = worst_b = 0
            where_t = where_b = ""
            for (mode, s, m), r in by.items():
                others = [by[(mode, s, f)] for f in fixed if (mode, s, f) in by]
                if m != auto or not others:
                    continue
                bt = min(o["target"]["total"] for o in others)
                bb = min(o["wire_bytes"] for o in others)
                if r["target"]["total"] / bt > worst_t:
                    worst_t, where_t = r["target"]["total"] / bt, "%s %s" % (mode, s)
                if r["wire_bytes"] / bb > worst_b:
                    worst_b, where_b = r["wire_bytes"] / bb, "%s %s" % (mode, s)
            if worst_t:
                print("%s %s over the best of %s, worst case: target instructions %.3fx (%s),"
                      " wire bytes %.3fx (%s)" % (tr, auto, ", ".join(fixed), worst_t, where_t,
                                                  worst_b, where_b))
        print()
    for tr in ("tcp", "rdma"):
        j = load(d, "xfer-rate-%s.json" % tr)
        if not j:
            continue
        r, c = j["stores_per_s_ratio"], j["control_ratio"]
        print("== bench-xfer rate, %s: %s over %s, Stores/s %.3fx (95%% interval %.3f-%.3f,"
              " %d pairs); control %.3fx (%.3f-%.3f, %d pairs)"
              % (j["what"], r["a"], r["b"], r["value"], r["interval"][0], r["interval"][1],
                 r["pairs"], c["value"], c["interval"][0], c["interval"][1], c["pairs"]))
    print()


def cost(d):
    for tr in ("loop", "tcp"):
        got = results(d, "cost-xfer-%s.json" % tr)
        if not got:
            continue
        j, res, methods, sizes = got
        by = {(r["size"], r["method"]): r for r in res}
        print("== bench-cost, %s (one guest): instructions per Store (exact counts; %s)"
              % (tr, j["command"]))
        print("%-6s" % "size" + "".join("%14s" % m for m in methods))
        for s in sizes:
            print("%-6s" % s + "".join("%14s" % ("%.0f" % by[(s, m)]["total"]
                                                 if (s, m) in by else "-") for m in methods))
        print()


def store(d):
    for name in ("store-pair.json", "store.json"):
        j = load(d, name)
        if not j:
            print("store: no build/bench/%s" % name)
            continue
        w, dw = j["device_write_ios_per_store"], j["device_data_writes_per_store"]
        f, r, c = j["device_flushes_per_store"], j["stores_per_s_ratio"], j["control_ratio"]
        print("== bench-store (%s; %s)" % (name, j["command"]))
        print("%-22s %16s %18s %14s" % ("mode", "write I/Os/Store", "data writes/Store",
                                         "flushes/Store"))
        for k, label in (("group_commit", "group commit"),
                         ("one_write_per_store", "one write per Store")):
            print("%-22s %16.4f %18.4f %14.4f" % (label, w[k], dw[k], f[k]))
        print("Stores/s, group commit over one write per Store: %.2fx (95%% interval %.2f-%.2f,"
              " %d pairs); control %.2fx (%.2f-%.2f, %d pairs)"
              % (r["value"], r["interval"][0], r["interval"][1], r["pairs"], c["value"],
                 c["interval"][0], c["interval"][1], c["pairs"]))
        print()


def cache(d):
    j = load(d, "cache.json")
    if not j:
        print("cache: no build/bench/cache.json")
        return
    print("== bench-cache (%s)" % j.get("command", "make bench-cache"))
    print("%-6s %-9s %12s %10s" % ("YCSB", "mode", "ops/s", "hit rate"))
    for w in ("c", "b"):
        e = j.get("ycsb_" + w, {})
        for mode in ("onesided", "hostfill", "cache", "nocache"):
            if "ops_per_s_" + mode in e:
                print("%-6s %-9s %12.1f %10.3f" % (w.upper(), mode, e["ops_per_s_" + mode],
                                                   e["cache_hit_fraction_" + mode]))
    lin = j.get("linearizability", {})
    print("linearizability: %s ops, %s violations" % (lin.get("ops"), lin.get("violations")))
    print()


def main():
    d = sys.argv[1]
    which = sys.argv[2:] or ["cost", "xfer", "store", "cache"]
    for w in which:
        {"xfer": xfer, "cost": cost, "store": store, "cache": cache}[w](d)


main()
