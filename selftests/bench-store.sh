#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench-store, in the guest: small Stores at queue depth 32 (32 threads,
# one synchronous Store in flight each) with group commit on (mode 1) and
# off (mode 0: one write and flush per Store), on the virtio disk /dev/vda.
#
# The rounds are selftests/store-rounds.sh's, over nvme-loop.
. /selftests/lib.sh
. /selftests/kv/target.sh
. /selftests/store-rounds.sh

arg() { sed -n "s/.*nvmekv\.$1=\([0-9]*\).*/\1/p" /proc/cmdline; }
ops=$(arg bench_ops)
ops=${ops:-3200}
pairs=$(arg bench_pairs)
pairs=${pairs:-20}
controls=$(arg bench_controls)
controls=${controls:-10}
modprobe virtio_blk
wait_for 10 test -b /dev/vda || { echo "ERROR no /dev/vda"; exit 1; }
target_up 1 /dev/vda || { echo "ERROR set-up"; exit 1; }
port_up loop || { echo "ERROR port"; exit 1; }

store_params() { ns_params 1 "$1"; }
store_stat() { awk '{ print $5, $7, $16 }' /sys/block/vda/stat; }
store_rounds loop "$ops" "$pairs" "$controls" || exit 1
