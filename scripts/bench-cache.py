#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the lines of selftests/bench-cache.sh into build/bench/cache.json,
a table on stdout and cache.png.

    bench-cache.py <cache.raw> <out dir> <how it was run>
"""
import json
import sys

raw, out, how = sys.argv[1], sys.argv[2], sys.argv[3]
ycsb, target, lin, lin_status = {}, {}, {}, None
for line in open(raw):
    f = line.split()
    if not f:
        continue
    if f[0] == "YCSB":
        ycsb[(f[1], f[2])] = json.loads(line.split(None, 3)[3])
    elif f[0] == "TARGET":
        target[(f[1], f[2])] = {f[i]: int(f[i + 1]) for i in range(3, len(f), 2)}
    elif f[0] == "LIN":
        lin = dict(kv.split("=") for kv in f[1:])
    elif f[0] == "LINSTATUS":
        lin_status = int(f[1])

result = {
    "how": how,
    "linearizability": {
        "ops": int(lin.get("ops", 0) or 0),
        "violations": int(lin.get("violations", -1) or 0) if lin else None,
        "killed_fillers": int(lin.get("abandoned_fills", 0) or 0),
        "killed_clients": int(lin.get("killed_clients", 0) or 0),
        "passed": lin_status == 0,
    },
}
rows = []
for w in ("c", "b"):
    y, t = ycsb[("onesided", w)], target[("onesided", w)]
    yh, th = ycsb[("hostfill", w)], target[("hostfill", w)]
    entry = {
        # GETs served by an RDMA READ of the cache alone, of all GETs
        "onesided_fraction": round(t["onesided_hits"] / y["reads"], 4) if y["reads"] else 0.0,
        # the same when the host also fills the cache (cache_host_fills=1)
        "onesided_fraction_hostfill": round(th["onesided_hits"] / yh["reads"], 4) if yh["reads"] else 0.0,
    }
    for mode in ("onesided", "hostfill", "cache", "nocache"):
        y, t = ycsb[(mode, w)], target[(mode, w)]
        # the target's Retrieve handler time over every GET, one-sided
        # ones included (they cost the target's CPU nothing)
        gets = y["reads"]
        entry["target_cpu_ns_per_get_" + mode] = round(t["retrieve_ns"] / gets, 1) if gets else None
        entry["guest_cpu_ns_per_op_" + mode] = round(t["cpu_busy_ns"] / (y["reads"] + y["updates"]), 1)
        entry["ops_per_s_" + mode] = y["ops_per_s"]
        entry["cache_hit_fraction_" + mode] = round((t["cache_hits"] + t["onesided_hits"]) / gets, 4) if gets else 0.0
        rows.append((w, mode, y["ops_per_s"], entry["target_cpu_ns_per_get_" + mode],
                     entry["guest_cpu_ns_per_op_" + mode], entry["cache_hit_fraction_" + mode]))
    result["ycsb_" + w] = entry

json.dump(result, open(out + "/cache.json", "w"), indent=1)
print(how)
print("%-8s %-8s %12s %22s %22s %10s" % ("YCSB", "mode", "ops/s", "target ns per GET",
                                         "guest CPU ns per op", "hit rate"))
for w, mode, ops, tns, gns, hit in rows:
    print("%-8s %-8s %12.1f %22.1f %22.1f %10.3f" % (w.upper(), mode, ops, tns, gns, hit))
l = result["linearizability"]
print("linearizability: %d ops, %s violations, %d fills abandoned, %d clients killed"
      % (l["ops"], l["violations"], l["killed_fillers"], l["killed_clients"]))
for w in "cb":
    print("YCSB %s: one-sided fraction %.3f (host fills %.3f); target ns per GET %.1f one-sided, %.1f host fills, %.1f cache by Retrieve, %.1f no cache"
          % (w.upper(), result["ycsb_" + w]["onesided_fraction"],
             result["ycsb_" + w]["onesided_fraction_hostfill"],
             result["ycsb_" + w]["target_cpu_ns_per_get_onesided"],
             result["ycsb_" + w]["target_cpu_ns_per_get_hostfill"],
             result["ycsb_" + w]["target_cpu_ns_per_get_cache"],
             result["ycsb_" + w]["target_cpu_ns_per_get_nocache"]))

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

fig, ax = plt.subplots(1, 2, figsize=(10, 4))
labels = ["YCSB C", "YCSB B"]
x = range(2)
for i, mode in enumerate(("onesided", "hostfill", "cache", "nocache")):
    ax[0].bar([v + i * 0.2 for v in x], [result["ycsb_" + w]["ops_per_s_" + mode] for w in "cb"],
              0.2, label=mode)
    ax[1].bar([v + i * 0.2 for v in x],
              [result["ycsb_" + w]["target_cpu_ns_per_get_" + mode] for w in "cb"], 0.2, label=mode)
for a, title in zip(ax, ("throughput (ops/s)", "target time per GET (ns)")):
    a.set_xticks([v + 0.3 for v in x])
    a.set_xticklabels(labels)
    a.set_title(title)
    a.legend()
fig.suptitle(how, fontsize=8)
fig.tight_layout()
fig.savefig(out + "/cache.png")
print("wrote build/bench/cache.json and cache.png")
