#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the guest's XFER lines into build/bench/xfer.json, a table on stdout,
and PNG plots like the BandSlim/ByteExpress papers' figures.

    bench-xfer.py <xfer.raw> <out dir> <command that produced it>

Each workload and method ran in several rounds (methods in rotating order);
ops_per_s is the median of the rounds, the traffic figures are over all of
them.  Per workload and method: cmds_per_op, bytes_per_op (64 B per command plus
the data bytes a data pointer or an append moves), page_bytes_per_op (the
PRP page-unit model: 64 B per command fetch plus 4 KiB per touched page for
a data pointer, 64 B chunks for an append) and ops_per_s, all measured in
one guest run.  "workloads" is the tcp run (NVMe-oF on a real socket);
"by_transport" holds loop and tcp.

AUTO's ops/s against DPTR's is judged on the paired rounds that follow
(PAIRED lines): AUTO and DPTR alone on W(B), W(C), W(D) and W(M), longer
runs, many rounds; per round the ratio of the two rates, and the median of
those ratios with the range of its middle half.  Single short runs in a TCG
guest vary by a third, which a ratio of two medians of three does not
average out.
"""
import json
import sys

METHODS = ["DPTR", "PIGGYBACK", "PIGGYBACK_SERIAL", "APPEND", "AUTO"]
WORKLOADS = ["W(B)", "W(C)", "W(D)", "W(M)", "32B", "64B", "128B", "256B",
             "512B", "1KiB", "4KiB"]


def parse(path):
    raw, capsule, tr, paired = {}, {}, None, {}
    with open(path) as f:
        for line in f:
            w = line.split()
            if not w:
                continue
            if w[0] == "TRANSPORT":
                tr = w[1]
                capsule[tr] = int(w[3])
                raw[tr] = {}
            elif w[0] == "PAIRED":
                tr = None
                paired[w[1]] = ptr = {}
            elif w[0] == "XFER" and not tr:
                kv = dict(zip(w[3::2], w[4::2]))
                if int(kv["errors"]):
                    sys.exit("bench-xfer: paired %s %s had errors" % (w[1], w[2]))
                ptr.setdefault(w[1], {}).setdefault(w[2], {})[int(kv["round"])] = \
                    int(kv["ops"]) / float(kv["secs"])
            elif w[0] == "XFER" and tr:
                kv = dict(zip(w[3::2], w[4::2]))
                if int(kv["errors"]):
                    sys.exit("bench-xfer: %s %s %s had %s errors"
                             % (tr, w[1], w[2], kv["errors"]))
                raw[tr].setdefault(w[1], {}).setdefault(w[2], []).append(kv)
    runs = {}
    for tr, wls in raw.items():
        runs[tr] = {}
        for wl, ms in wls.items():
            runs[tr][wl] = {}
            for m, rs in ms.items():
                ops = sum(int(r["ops"]) for r in rs)
                tot = {k: sum(int(r[k]) for r in rs) for k in
                       ("commands", "command_bytes", "data_bytes",
                        "page_bytes", "payload_bytes")}
                rates = sorted(int(r["ops"]) / float(r["secs"]) for r in rs)
                runs[tr][wl][m] = {
                    "cmds_per_op": tot["commands"] / ops,
                    "bytes_per_op": (tot["command_bytes"] +
                                     tot["data_bytes"]) / ops,
                    "page_bytes_per_op": tot["page_bytes"] / ops,
                    "payload_bytes_per_op": tot["payload_bytes"] / ops,
                    "ops_per_s": rates[len(rates) // 2],
                    "ops_per_s_rounds": rates,
                    "ops": ops,
                }
    return runs, capsule, paired


def paired_ratio(p):
    """AUTO/DPTR per round: median and the middle half's range"""
    r = sorted(p["AUTO"][k] / p["DPTR"][k] for k in p["AUTO"] if k in p["DPTR"])
    n = len(r)
    return {"median": r[n // 2], "q1": r[n // 4], "q3": r[(3 * n) // 4],
            "rounds": n, "auto_ops_per_s": sorted(p["AUTO"].values())[n // 2],
            "dptr_ops_per_s": sorted(p["DPTR"].values())[n // 2]}


def checks(work, paired):
    out = {}
    for wl in ["W(B)", "W(C)", "W(D)", "W(M)"]:
        m = work[wl]
        fixed = [x for x in METHODS if x != "AUTO"]
        best = min(m[x]["bytes_per_op"] for x in fixed)
        pr = paired_ratio(paired[wl])
        out[wl] = {
            "auto_bytes_over_best": m["AUTO"]["bytes_per_op"] / best,
            "auto_bytes_ok": m["AUTO"]["bytes_per_op"] <= 1.05 * best,
            "auto_ops_over_dptr": pr["median"],
            "auto_ops_over_dptr_middle_half": [pr["q1"], pr["q3"]],
            "auto_ops_over_dptr_rounds": pr["rounds"],
            # AUTO sends every Store by DPTR on loop: the same code path,
            # so its ops/s are DPTR's and the ratio measures only noise
            "auto_is_dptr": m["AUTO"]["page_bytes_per_op"] == m["DPTR"]["page_bytes_per_op"],
            "auto_ops_ok": pr["median"] >= 1.0 or
                m["AUTO"]["page_bytes_per_op"] == m["DPTR"]["page_bytes_per_op"],
            "auto_page_bytes_over_dptr":
                m["AUTO"]["page_bytes_per_op"] / m["DPTR"]["page_bytes_per_op"],
        }
    d = work["W(D)"]
    out["W(D) tagged over serial"] = \
        d["PIGGYBACK"]["ops_per_s"] / d["PIGGYBACK_SERIAL"]["ops_per_s"]
    return out


def table(tr, work):
    lines = ["%s: per Store (cmds, bytes, page-unit bytes, ops/s)" % tr,
             "%-6s" % "" + "".join("%28s" % m for m in METHODS)]
    for wl in WORKLOADS:
        row = "%-6s" % wl
        for m in METHODS:
            r = work[wl][m]
            row += "%28s" % ("%.1f %6.0f %6.0f %6.0f" % (
                r["cmds_per_op"], r["bytes_per_op"], r["page_bytes_per_op"],
                r["ops_per_s"]))
        lines.append(row)
    return "\n".join(lines)


def plots(runs, out):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("bench-xfer: no matplotlib, no plots")
        return []
    files = []
    for tr, work in runs.items():
        fig, axes = plt.subplots(1, 3, figsize=(18, 5))
        x = range(len(WORKLOADS))
        width = 0.16
        for i, m in enumerate(METHODS):
            pos = [p + (i - 2) * width for p in x]
            for ax, key in zip(axes, ["bytes_per_op", "page_bytes_per_op",
                                      "ops_per_s"]):
                ax.bar(pos, [work[w][m][key] for w in WORKLOADS], width,
                       label=m)
        for ax, title in zip(axes, ["bytes per Store (commands + data)",
                                    "page-unit bytes per Store (PRP model)",
                                    "Stores per second (TCG guest)"]):
            ax.set_xticks(list(x))
            ax.set_xticklabels(WORKLOADS, rotation=45)
            ax.set_title("%s: %s" % (tr, title))
            ax.set_yscale("log")
        axes[0].legend(fontsize=8)
        fig.tight_layout()
        name = "%s/xfer-%s.png" % (out, tr)
        fig.savefig(name, dpi=90)
        plt.close(fig)
        files.append(name)
    return files


def main():
    raw, out, cmd = sys.argv[1], sys.argv[2], sys.argv[3]
    runs, capsule, paired = parse(raw)
    for tr in ("loop", "tcp"):
        for wl in WORKLOADS:
            for m in METHODS:
                if m not in runs.get(tr, {}).get(wl, {}):
                    sys.exit("bench-xfer: %s %s %s missing" % (tr, wl, m))
    result = {
        "command": cmd,
        "workloads": runs["tcp"],
        "by_transport": runs,
        "capsule_bytes": capsule,
        "checks": {tr: checks(runs[tr], paired[tr]) for tr in runs},
    }
    with open(out + "/xfer.json", "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
    for tr in ("loop", "tcp"):
        print(table(tr, runs[tr]))
        print()
    for tr in ("loop", "tcp"):
        for k, v in result["checks"][tr].items():
            print(tr, k, v)
    for p in plots(runs, out):
        print("wrote", p)
    print("wrote %s/xfer.json" % out)


main()
