#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise make bench-async: RUN <tr> <what> <depth> <round> <rate>.

For each transport and depth D, per round: the KV speed-up
kv_c(D) / kv_c(1) and fio's fio(D) / fio(1), from the same round (the runs
alternate A B A B), and their ratio; reported as the median and the range
over the rounds.  The rates are wall-clock and swing under TCG; only the
within-round ratios are compared.
"""
import json
import statistics
import sys


def main():
    raw, out, title = sys.argv[1], sys.argv[2], sys.argv[3]
    runs = {}
    for line in open(raw):
        f = line.split()
        if len(f) != 6 or f[0] != "RUN":
            continue
        tr, what, depth, rnd, rate = f[1], f[2], int(f[3]), int(f[4]), float(f[5])
        runs[(tr, what, depth, rnd)] = rate
    trs = sorted({k[0] for k in runs})
    depths = sorted({k[2] for k in runs})
    rounds = sorted({k[3] for k in runs})
    res = {"title": title, "rounds": len(rounds), "transports": {}}
    print(title)
    for tr in trs:
        rows = []
        print(f"\n{tr}: one thread; rates are medians over {len(rounds)} rounds,"
              " ratios per round (median [min, max])")
        print(f"{'depth':>5} {'kv GET/s':>10} {'kv A op/s':>10} {'fio read/s':>11}"
              f" {'kv x QD1':>9} {'fio x QD1':>10} {'kv/fio speed-up':>22}")
        sync = [runs[(tr, "kv_c_sync", 1, r)] for r in rounds if (tr, "kv_c_sync", 1, r) in runs]
        for d in depths:
            kv = [runs[(tr, "kv_c", d, r)] for r in rounds]
            ka = [runs[(tr, "kv_a", d, r)] for r in rounds]
            fio = [runs[(tr, "fio", d, r)] for r in rounds]
            ks = [runs[(tr, "kv_c", d, r)] / runs[(tr, "kv_c", 1, r)] for r in rounds]
            fs = [runs[(tr, "fio", d, r)] / runs[(tr, "fio", 1, r)] for r in rounds]
            ratio = [k / f for k, f in zip(ks, fs)]
            row = {
                "depth": d,
                "kv_c_ops_per_s": statistics.median(kv),
                "kv_a_ops_per_s": statistics.median(ka),
                "fio_reads_per_s": statistics.median(fio),
                "kv_speedup": statistics.median(ks),
                "fio_speedup": statistics.median(fs),
                "speedup_ratio": statistics.median(ratio),
                "speedup_ratio_min": min(ratio),
                "speedup_ratio_max": max(ratio),
            }
            rows.append(row)
            print(f"{d:>5} {row['kv_c_ops_per_s']:>10.0f} {row['kv_a_ops_per_s']:>10.0f}"
                  f" {row['fio_reads_per_s']:>11.0f} {row['kv_speedup']:>9.2f}"
                  f" {row['fio_speedup']:>10.2f}"
                  f" {row['speedup_ratio']:>7.2f} [{min(ratio):.2f}, {max(ratio):.2f}]")
        sync_async = [runs[(tr, "kv_c", 1, r)] / runs[(tr, "kv_c_sync", 1, r)]
                      for r in rounds if (tr, "kv_c_sync", 1, r) in runs]
        if sync:
            print(f"  sync ioctl at QD 1: {statistics.median(sync):.0f} GET/s;"
                  f" async QD 1 over sync: {statistics.median(sync_async):.2f}"
                  f" [{min(sync_async):.2f}, {max(sync_async):.2f}]")
        res["transports"][tr] = {
            "depths": rows,
            "kv_c_sync_ops_per_s": statistics.median(sync) if sync else None,
            "async_qd1_over_sync": statistics.median(sync_async) if sync_async else None,
        }
    json.dump(res, open(out, "w"), indent=1)
    print(f"\n{out}")


main()
