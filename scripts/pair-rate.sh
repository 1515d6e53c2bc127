#!/bin/sh
# The wall-clock paired ratio of two transfer methods between the two
# guests (qemu/pair.sh, suite rate): RATE_A over RATE_B (default
# PIGGYBACK, tagged Transfers in flight together, over PIGGYBACK_SERIAL,
# one Transfer at a time) on RATE_WORKLOAD (default W(D)), RATE_PAIRS
# alternated pairs of rounds and RATE_CONTROLS A/A control pairs, without
# the instruction counter (it slows the guests unevenly).  Writes
# build/bench/xfer-rate-<transport>.json (and a PNG of the pairs' ratios,
# scripts/ratio-plot.py) and prints the figures.
#
#   scripts/pair-rate.sh <kernel-release>
#
# RATE_TRANSPORT (tcp, rdma), RATE_OPS, RATE_THREADS: see
# selftests/pair-host.sh.
set -eu

kver=$1
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/pair
bench=$top/build/bench
mkdir -p "$bench"
"$top/scripts/pydeps.sh" bench-xfer
tr=${RATE_TRANSPORT:-tcp}
a=${RATE_A:-PIGGYBACK}
b=${RATE_B:-PIGGYBACK_SERIAL}
w=${RATE_WORKLOAD:-W(D)}
vars="RATE_TRANSPORT=$tr RATE_A=$a RATE_B=$b RATE_WORKLOAD=$w RATE_OPS=${RATE_OPS:-200} RATE_THREADS=${RATE_THREADS:-1} RATE_PAIRS=${RATE_PAIRS:-20} RATE_CONTROLS=${RATE_CONTROLS:-10}"

start=$(date +%s)
PAIR_APPEND="$vars" PAIR_TIMEOUT=${PAIR_TIMEOUT:-3600} "$top/qemu/pair.sh" "$kver" rate
echo "# two-guest rate run took $(( $(date +%s) - start ))s"
if tr -d '\r' < "$out/host.out" | grep -q '^not ok'; then
	tr -d '\r' < "$out/host.out" | grep '^not ok' >&2
	exit 1
fi
json=$bench/xfer-rate-$tr.json
tr -d '\r' < "$out/host.out" | awk -v a="$a" -v b="$b" -v json="$json" \
	-v cmd="$vars scripts/pair-rate.sh $kver" \
	-v what="$w over $tr between two guests, ${RATE_THREADS:-1} thread(s)" \
	-f "$top/scripts/paired-ratio.awk" -f "$top/scripts/pair-rate.awk"
echo "wrote ${json#"$top"/}"
/usr/bin/python3 "$top/scripts/ratio-plot.py" "$json" "${json%.json}.png" \
	"$a over $b on $w over $tr between two guests: Stores/s"
