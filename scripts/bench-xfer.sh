#!/bin/sh
# make bench-xfer: run selftests/bench-xfer.sh in a guest and turn its
# lines into build/bench/xfer.json, a table, and PNG plots of traffic and
# throughput per method and size (scripts/bench-xfer.py).
#
#   scripts/bench-xfer.sh <kernel-release> [ops per run] [threads] [rounds]
#                         [paired ops per run] [paired rounds]
set -eu

kver=$1
ops=${2:-1500}
threads=${3:-4}
rounds=${4:-3}
pops=${5:-3000}
prounds=${6:-15}
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/bench
mkdir -p "$out"

"$top/scripts/pydeps.sh" bench-xfer

QEMU_TIMEOUT=3000 QEMU_APPEND="nvmekv.bench_ops=$ops nvmekv.bench_threads=$threads nvmekv.bench_rounds=$rounds nvmekv.bench_paired_ops=$pops nvmekv.bench_paired_rounds=$prounds" \
	"$top/qemu/run.sh" "$kver" bench-xfer > /dev/null || {
	cat "$top/build/guest/bench-xfer.out"
	exit 1
}
res=$top/build/guest/bench-xfer.out
tr -d '\r' < "$res" > "$out/xfer.raw"
grep -q "BENCH DONE" "$out/xfer.raw" && ! grep -q "^ERROR" "$out/xfer.raw" || {
	cat "$out/xfer.raw"
	exit 1
}
/usr/bin/python3 "$top/scripts/bench-xfer.py" "$out/xfer.raw" "$out" \
	"make bench-xfer (ops=$ops threads=$threads rounds=$rounds paired_ops=$pops paired_rounds=$prounds)"
