#!/bin/sh
# make bench-store: run selftests/bench-store.sh in a guest on a fresh
# virtio disk and write build/bench/store.json and a table.
#
#   scripts/bench-store.sh <kernel-release> [ops]
set -eu

kver=$1
ops=${2:-3200}
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/bench
mkdir -p "$out"
img=$out/store-disk.img
rm -f "$img"
truncate -s 256M "$img"

QEMU_DISK=$img QEMU_APPEND="nvmekv.bench_ops=$ops" \
	"$top/qemu/run.sh" "$kver" bench-store > /dev/null || {
	cat "$top/build/guest/bench-store.out"
	exit 1
}
res=$top/build/guest/bench-store.out
grep -q "BENCH DONE" "$res" || { cat "$res"; exit 1; }

crash=null
[ -f "$top/build/crash/crash.json" ] &&
	crash=$(sed -n 's/.*"iterations": \([0-9]*\).*/\1/p' "$top/build/crash/crash.json")

tr -d '\r' < "$res" | awk -v crash="$crash" -v json="$out/store.json" -v ops="$ops" '
/^RESULT/ {
	split($2, m, "=")
	for (i = 4; i < NF; i += 2) v[m[2], $i] = $(i + 1)
}
END {
	for (g = 1; g >= 0; g--) {
		n = v[g, "ops"]
		rate[g] = v[g, "ops_per_s"]
		bps[g] = v[g, "sectors"] * 512 / n
		fps[g] = v[g, "flushes"] / n
		if (v[g, "errors"] != 0) { print "errors in run " g; exit 1 }
	}
	printf "Small Stores (64-byte values, 12-byte keys), queue depth 32, %d Stores each, virtio disk, TCG guest\n", v[1, "ops"]
	printf "%-26s %12s %18s %16s\n", "mode", "Stores/s", "device B/Store", "flushes/Store"
	printf "%-26s %12.1f %18.1f %16.3f\n", "group commit", rate[1], bps[1], fps[1]
	printf "%-26s %12.1f %18.1f %16.3f\n", "one write per Store", rate[0], bps[0], fps[0]
	printf "group commit speedup: %.2fx\n", rate[1] / rate[0]
	printf "{\"group_commit_speedup\": %.3f, \"stores_per_s\": {\"group_commit\": %.1f, \"per_store\": %.1f}, \"bytes_written_per_store\": {\"group_commit\": %.1f, \"per_store\": %.1f}, \"flushes_per_store\": {\"group_commit\": %.4f, \"per_store\": %.4f}, \"ops\": %d, \"queue_depth\": 32, \"value_bytes\": 64, \"crash_iterations\": %s}\n", \
		rate[1] / rate[0], rate[1], rate[0], bps[1], bps[0], fps[1], fps[0], v[1, "ops"], crash > json
}'
echo "wrote build/bench/store.json"
