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

missing=""
for p in python3 python3-matplotlib; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q " installed$" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "bench-cache: installing$missing"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		$missing > /dev/null
fi

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
