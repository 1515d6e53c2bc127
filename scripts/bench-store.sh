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
# modes.
set -eu

kver=$1
ops=${2:-3200}
pairs=${3:-20}
controls=${4:-10}
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/bench
mkdir -p "$out"
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
tr -d '\r' < "$res" | awk -v json="$json" -v cmd="$cmd" -v where="$where" -v stat="$stat" '
function sort(a, n,   i, j, t) {
	for (i = 2; i <= n; i++) {
		t = a[i]
		for (j = i - 1; j >= 1 && a[j] > t; j--)
			a[j + 1] = a[j]
		a[j + 1] = t
	}
}
# geometric mean of r[1..n], and its 95 % bootstrap interval in lo, hi
function paired(r, n,   b, i, s, m, g) {
	s = 0
	for (i = 1; i <= n; i++)
		s += log(r[i])
	for (b = 1; b <= 2000; b++) {
		m = 0
		for (i = 1; i <= n; i++)
			m += log(r[int(rand() * n) + 1])
		g[b] = exp(m / n)
	}
	sort(g, 2000)
	lo = g[50]
	hi = g[1951]
	return exp(s / n)
}
/^ROUND/ {
	for (i = 4; i < NF; i += 2)
		f[$i] = $(i + 1)
	if (f["errors"] != 0) { print "errors in " $0; bad = 1; exit 1 }
	if ($2 == "pair") {
		m = f["mode"]
		n_ops[m] += f["ops"]; n_wr[m] += f["writes"]
		n_sec[m] += f["sectors"]; n_fl[m] += f["flushes"]
		rate[$3, m] = f["ops_per_s"]; npairs = $3 > npairs ? $3 : npairs
	} else {
		crate[$3, f["position"]] = f["ops_per_s"]
		ncontrols = $3 > ncontrols ? $3 : ncontrols
	}
}
END {
	if (bad || !npairs) exit 1
	srand(1)
	for (k = 1; k <= npairs; k++)
		r[k] = rate[k, 1] / rate[k, 0]
	gm = paired(r, npairs); glo = lo; ghi = hi
	for (k = 1; k <= ncontrols; k++)
		c[k] = crate[k, 1] / crate[k, 2]
	cm = ncontrols ? paired(c, ncontrols) : 0; clo = lo; chi = hi
	for (m = 1; m >= 0; m--) {
		wps[m] = n_wr[m] / n_ops[m]
		bps[m] = n_sec[m] * 512 / n_ops[m]
		fps[m] = n_fl[m] / n_ops[m]
		# every flush (blkdev_issue_flush: an empty REQ_PREFLUSH
		# write) is also one write I/O of no sectors in field 5
		dps[m] = (n_wr[m] - n_fl[m]) / n_ops[m]
		dsz[m] = n_wr[m] > n_fl[m] ? n_sec[m] / (n_wr[m] - n_fl[m]) : 0
	}
	printf "Small Stores (64-byte values, 12-byte keys, fresh keys each round), queue depth 32, %s: %d pairs of %d Stores a round\n", where, npairs, n_ops[1] / npairs
	printf "%-22s %16s %16s %16s %18s\n", "mode", "write I/Os/Store", "bytes/Store", "flushes/Store", "data writes/Store"
	printf "%-22s %16.4f %16.1f %16.4f %18.4f\n", "group commit", wps[1], bps[1], fps[1], dps[1]
	printf "%-22s %16.4f %16.1f %16.4f %18.4f\n", "one write per Store", wps[0], bps[0], fps[0], dps[0]
	printf "(the first three exact: block-layer counters summed over %d rounds a mode; data writes derived: write I/Os less flushes, each flush being an empty write of its own; sectors per data write %.1f and %.1f)\n", npairs, dsz[1], dsz[0]
	printf "Stores/s, group commit over one write per Store: %.2fx (95%% bootstrap interval %.2f-%.2f; geometric mean of %d alternated pairs)\n", gm, glo, ghi, npairs
	if (ncontrols)
		printf "control, group commit over group commit:          %.2fx (95%% bootstrap interval %.2f-%.2f; %d pairs)\n", cm, clo, chi, ncontrols
	printf "{\"command\": \"%s\", \"stores_per_round\": %d, \"queue_depth\": 32, \"value_bytes\": 64, \"key_bytes\": 12,\n", cmd, n_ops[1] / npairs > json
	printf " \"device_write_ios_per_store\": {\"kind\": \"exact counter\", \"how\": \"%s field 5 around the Stores, summed over %d rounds, over the Stores\", \"group_commit\": %.5f, \"one_write_per_store\": %.5f},\n", stat, npairs, wps[1], wps[0] > json
	printf " \"device_bytes_written_per_store\": {\"kind\": \"exact counter\", \"how\": \"field 7 (512-byte sectors) likewise\", \"group_commit\": %.1f, \"one_write_per_store\": %.1f},\n", bps[1], bps[0] > json
	printf " \"device_flushes_per_store\": {\"kind\": \"exact counter\", \"how\": \"field 16 likewise\", \"group_commit\": %.5f, \"one_write_per_store\": %.5f},\n", fps[1], fps[0] > json
	printf " \"device_data_writes_per_store\": {\"kind\": \"derived\", \"how\": \"(field 5 - field 16) over the Stores: blkdev_issue_flush() submits each flush as an empty REQ_PREFLUSH write, counted in field 5 with no sectors; sectors per data write %.2f and %.2f\", \"group_commit\": %.5f, \"one_write_per_store\": %.5f},\n", dsz[1], dsz[0], dps[1], dps[0] > json
	printf " \"stores_per_s_ratio\": {\"kind\": \"paired ratio\", \"how\": \"geometric mean over %d pairs of group-commit Stores/s over one-write Stores/s, order alternating by pair; 95%% bootstrap interval of 2000 resamples\", \"value\": %.3f, \"interval\": [%.3f, %.3f], \"pairs\": %d},\n", npairs, gm, glo, ghi, npairs > json
	printf " \"control_ratio\": {\"kind\": \"paired ratio\", \"how\": \"the same over control pairs of two group-commit rounds (first over second)\", \"value\": %.3f, \"interval\": [%.3f, %.3f], \"pairs\": %d}}\n", cm, clo, chi, ncontrols > json
}'
echo "wrote ${json#"$top"/}"
