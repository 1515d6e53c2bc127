#!/bin/sh
# make bench-async: run selftests/bench-async.sh in a guest (tcp and rdma,
# one thread, depths 1..64, KV GETs against fio's 4 KiB io_uring reads on a
# block namespace, rounds alternated) and summarise it with
# scripts/bench-async.py into build/bench/async.json and a table.
#
#   scripts/bench-async.sh <kernel-release> [rounds] [seconds per run]
set -eu

kver=$1
rounds=${2:-3}
secs=${3:-3}
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/bench
mkdir -p "$out"

QEMU_TIMEOUT=3600 QEMU_APPEND="nvmekv.bench_rounds=$rounds nvmekv.bench_secs=$secs" \
	"$top/qemu/run.sh" "$kver" bench-async > /dev/null || {
	cat "$top/build/guest/bench-async.out"
	exit 1
}
tr -d '\r' < "$top/build/guest/bench-async.out" > "$out/async.raw"
if ! grep -q "BENCH DONE" "$out/async.raw" || grep -q "^ERROR" "$out/async.raw"; then
	cat "$out/async.raw"
	exit 1
fi
/usr/bin/python3 "$top/scripts/bench-async.py" "$out/async.raw" "$out/async.json" \
	"make bench-async (rounds=$rounds, $secs s per run)"
