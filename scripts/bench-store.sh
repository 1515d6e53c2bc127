#!/bin/sh
# make bench-store: run selftests/bench-store.sh in a guest on a fresh
# virtio disk and write build/bench/store.json and a table; with
# BENCH_STORE_ON=pair the same rounds on the two guests (qemu/pair.sh,
# suite store: the store on the target guest's emulated NVMe drive, the
# Stores from the host guest over nvme-tcp), build/bench/store-pair.json.
#
#   scripts/bench-store.sh <kernel-release> [ops per round] [pairs] [control pairs]
#
# Per Store, from the pairs' rounds: device write I/Os, bytes written and
# flushes, exact counts of the guest's block layer summed over every round
# of a mode.  Throughput only as a paired ratio: each pair's Stores/s with
# group commit over its Stores/s without, their geometric mean, and a 95 %
# bootstrap interval (2000 resamples of the pairs, fixed seed); the control
# pairs (group commit in both rounds) give the same figure for two equal
# modes.  A PNG of the pairs' ratios beside the JSON (scripts/ratio-plot.py).
set -eu

kver=$1
ops=${2:-3200}
pairs=${3:-20}
controls=${4:-10}
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/bench
mkdir -p "$out"
"$top/scripts/pydeps.sh" bench-store
if [ "${BENCH_STORE_ON:-guest}" = pair ]; then
	# the two-guest topology: the store on the target guest's emulated
	# NVMe drive, the Stores from the host guest over nvme-tcp
	PAIR_DRIVES=1 PAIR_TIMEOUT=3600 \
	PAIR_APPEND="BENCH_OPS=$ops BENCH_PAIRS=$pairs BENCH_CONTROLS=$controls" \
		"$top/qemu/pair.sh" "$kver" store > /dev/null || {
		cat "$top/build/pair/host.out"
		exit 1
	}
	res=$top/build/pair/host.out
	json=$out/store-pair.json
	where="the target guest's emulated NVMe drive (QEMU -device nvme), Stores from the host guest over nvme-tcp, one vCPU each"
	stat="the target guest's /sys/block/nvme0n1/stat"
	cmd="make bench-store BENCH_STORE_ON=pair"
else
	img=$out/store-disk.img
	rm -f "$img"
	truncate -s 256M "$img"
	QEMU_DISK=$img QEMU_TIMEOUT=3600 \
	QEMU_APPEND="nvmekv.bench_ops=$ops nvmekv.bench_pairs=$pairs nvmekv.bench_controls=$controls" \
		"$top/qemu/run.sh" "$kver" bench-store > /dev/null || {
		cat "$top/build/guest/bench-store.out"
		exit 1
	}
	res=$top/build/guest/bench-store.out
	json=$out/store.json
	where="virtio disk, TCG guest"
	stat="/sys/block/vda/stat"
	cmd="make bench-store"
fi
grep -q "BENCH DONE" "$res" || { cat "$res"; exit 1; }

cmd="$cmd BENCH_STORE_OPS=$ops BENCH_STORE_PAIRS=$pairs BENCH_STORE_CONTROLS=$controls"
tr -d '\r' < "$res" | awk -v json="$json" -v cmd="$cmd" -v where="$where" -v stat="$stat" \
	-f "$top/scripts/paired-ratio.awk" -f "$top/scripts/bench-store.awk"
echo "wrote ${json#"$top"/}"
/usr/bin/python3 "$top/scripts/ratio-plot.py" "$json" "${json%.json}.png" \
	"bench-store: group commit over one write per Store, Stores/s ($where)"
