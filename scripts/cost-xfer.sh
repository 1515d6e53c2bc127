#!/bin/sh
# Instructions per Store over COST_TRANSPORT (loop, default, or tcp within
# the guest) by transfer method, counted by
# qemu/plugin/kvcount.c (selftests/cost.sh with nvmekv.cost=xfer): one
# thread overwriting values of COST_SIZES (comma-separated fixed workloads
# of kv_xfer_bench, default 8B,16B) by the methods of COST_METHODS
# (default DPTR,PIGGYBACK).  Per
# method, size and round, (count of the N2-Store window - count of the
# N1-Store window) / (N2 - N1), by component; the median of three rounds
# and their range.  Writes build/bench/cost-xfer-<transport>.json and
# prints a table.
#
#   scripts/cost-xfer.sh <kernel-release>
set -eu

kver=$1
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/guest
counts=$out/cost-xfer.counts
bench=$top/build/bench
mkdir -p "$bench"
rm -f "$counts"
n1=${COST_N1:-100}
n2=${COST_N2:-600}

QEMU_ACCEL=tcg QEMU_SMP=1 QEMU_PLUGIN="$top/build/plugin/libkvcount.so,out=$counts" \
	QEMU_APPEND="nvmekv.cost=xfer COST_N1=$n1 COST_N2=$n2 ${COST_INLINE:+COST_INLINE=$COST_INLINE} COST_SIZES=${COST_SIZES:-8B,16B} COST_METHODS=${COST_METHODS:-DPTR,PIGGYBACK} COST_TRANSPORT=${COST_TRANSPORT:-loop}" \
	QEMU_TIMEOUT=${COST_TIMEOUT:-1200} "$top/qemu/run.sh" "$kver" cost
cp "$out/cost.out" "$out/cost-xfer.out"
awk -f "$top/scripts/cost-attrib.awk" "$out/cost-xfer.out" "$counts" \
	> "$out/cost-xfer.attrib"

# component of a module, as issue 13 names them
awk -v n1="$n1" -v n2="$n2" '
function comp(m) {
	if (m == "nvmet_kv") return "nvmet_kv"
	if (m == "nvme_kv") return "nvme_kv"
	if (m == "nvmet" || m == "nvme_loop" || m == "nvmet_tcp") return "nvmet_transport"
	if (m == "nvme_core" || m == "nvme_fabrics" || m == "nvme_tcp") return "nvme_host"
	if (m == "brd") return "block_device"
	return "other_modules"
}
{ sub(/\r$/, "") }
FNR == NR && $1 == "xfer" { meth[$2] = $3; size[$2] = $4; ops[$2] = $5; wb[$2] = $7; wp[$2] = $9; next }
FNR == NR { next }
$1 == "w" { c[$2, "user"] = $3; c[$2, "kernel"] = $4 + $5; tags[$2] = 1 }
$1 == "m" { c[$2, comp($3)] += $4 }
END {
	split("user kernel nvme_kv nvmet_kv nvmet_transport nvme_host block_device other_modules", names, " ")
	# windows come in pairs: the N1 one, then the N2 one of the same run
	for (t in tags) {
		if (!(t in ops) || ops[t] != n1 || !((t + 1) in ops)) continue
		u = t + 1
		tot = 0
		line = meth[t] " " size[t]
		for (i = 1; i <= 8; i++) {
			d = (c[u, names[i]] - c[t, names[i]]) / (n2 - n1)
			tot += d
			line = line " " d
		}
		print line, tot, (wb[u] - wb[t]) / (n2 - n1), (wp[u] - wp[t]) / (n2 - n1)
	}
}' "$out/cost-xfer.out" "$out/cost-xfer.attrib" | sort > "$bench/cost-xfer.rounds"

# per method and size: the median of the rounds in every column, then the
# lowest and highest total
awk -v keys=2 -v first=3 -v total=11 -f "$top/scripts/rounds-median.awk" "$bench/cost-xfer.rounds" | sort > "$bench/cost-xfer.table"

{
	printf '{\n  "what": "guest instructions per Store over %s (host and target in one guest), one thread, overwrites, by component",\n' "${COST_TRANSPORT:-loop}"
	printf '  "kind": "exact counters (TCG plugin; the loopback interface, for tcp), per-Store difference of two windows",\n'
	printf '  "how": "qemu/plugin/kvcount.c; (count(%s Stores) - count(%s Stores)) / %s per round; median of the rounds",\n' "$n2" "$n1" "$((n2 - n1))"
	printf '  "command": "%sCOST_TRANSPORT=%s COST_SIZES=%s COST_METHODS=%s COST_N1=%s COST_N2=%s scripts/cost-xfer.sh %s",\n  "results": [\n' \
		"${COST_INLINE:+COST_INLINE=$COST_INLINE }" "${COST_TRANSPORT:-loop}" "${COST_SIZES:-8B,16B}" "${COST_METHODS:-DPTR,PIGGYBACK}" "$n1" "$n2" "$kver"
	awk '{ printf "%s    {\"method\": \"%s\", \"size\": \"%s\", \"user\": %s, \"kernel\": %s, \"nvme_kv\": %s, \"nvmet_kv\": %s, \"nvmet_transport\": %s, \"nvme_host\": %s, \"block_device\": %s, \"other_modules\": %s, \"total\": %s, \"wire_bytes\": %s, \"wire_packets\": %s, \"total_min\": %s, \"total_max\": %s, \"rounds\": %s}", (NR > 1 ? ",\n" : ""), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16 }' "$bench/cost-xfer.table"
	printf '\n  ]\n}\n'
} > "$bench/cost-xfer-${COST_TRANSPORT:-loop}${COST_INLINE:+-inline$COST_INLINE}.json"

echo "method size user kernel nvme_kv nvmet_kv nvmet+transport nvme_host brd other total wire_bytes wire_packets (total min max, rounds)"
cat "$bench/cost-xfer.table"
