#!/bin/sh
# make bench-xfer: the transfer methods between the two guests
# (qemu/pair.sh), counted, then a paired rate:
#   1. per Store, by transfer method, value size and mode, over tcp and
#      rdma: target instructions by component, host instructions, the
#      target NIC's bytes and packets (scripts/pair-xfer.sh;
#      build/bench/xfer-pair-<transport>.json), and PNG plots of them
#      (scripts/xfer-plot.py; build/bench/xfer-<transport>.png);
#   2. tagged PIGGYBACK over PIGGYBACK_SERIAL on W(D), Stores/s as a
#      paired ratio with its interval, over each of RATE_TRANSPORTS
#      (scripts/pair-rate.sh; build/bench/xfer-rate-<transport>.json).
# Then the summary (scripts/bench-summary.py xfer).
#
#   scripts/bench-xfer.sh <kernel-release>
#
# XFER_TRANSPORTS (default "tcp rdma"), RATE_TRANSPORTS (default "tcp
# rdma"), and the variables of pair-xfer.sh and pair-rate.sh.
set -eu

kver=$1
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/bench
mkdir -p "$out"
"$top/scripts/pydeps.sh" bench-xfer
xtr=${XFER_TRANSPORTS:-tcp rdma}
rtr=${RATE_TRANSPORTS:-tcp rdma}
for tr in $xtr; do
	XFER_TRANSPORT=$tr "$top/scripts/pair-xfer.sh" "$kver"
done
# shellcheck disable=SC2086
/usr/bin/python3 "$top/scripts/xfer-plot.py" "$out" $xtr
for tr in $rtr; do
	RATE_TRANSPORT=$tr "$top/scripts/pair-rate.sh" "$kver"
done
/usr/bin/python3 "$top/scripts/bench-summary.py" "$out" xfer
