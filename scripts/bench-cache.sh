#!/bin/sh
# make bench-cache: run selftests/bench-cache.sh in a guest and turn its
# lines into build/bench/cache.json, a table and PNG plots
# (scripts/bench-cache.py).
#
#   scripts/bench-cache.sh <kernel-release> [records] [ops per thread] [threads]
set -eu

kver=$1
records=${2:-1000}
ops=${3:-10000}
threads=${4:-1}
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/bench
mkdir -p "$out"

"$top/scripts/pydeps.sh" bench-cache

QEMU_TIMEOUT=1800 QEMU_APPEND="nvmekv.bench_records=$records nvmekv.bench_ops=$ops nvmekv.bench_threads=$threads" \
	"$top/qemu/run.sh" "$kver" bench-cache > /dev/null || {
	cat "$top/build/guest/bench-cache.out"
	exit 1
}
tr -d '\r' < "$top/build/guest/bench-cache.out" > "$out/cache.raw"
grep -q "BENCH DONE" "$out/cache.raw" && ! grep -q "^ERROR" "$out/cache.raw" || {
	cat "$out/cache.raw"
	exit 1
}
/usr/bin/python3 "$top/scripts/bench-cache.py" "$out/cache.raw" "$out" \
	"make bench-cache (records=$records, $ops ops per thread, $threads threads)"
