#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# One boot of the crash test (scripts/crash.sh runs many and kills the guest
# at random points): the KV store lives on the virtio disk /dev/vda.  Prints
# the state of every key as this boot finds it, then "LOAD START" and a
# Store/Delete load that logs every operation until the guest is killed.
. /selftests/lib.sh
. /selftests/kv/target.sh

arg() { sed -n "s/.*nvmekv\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
keys=$(arg keys)
seed=$(arg seed)
first=$(arg first)

modprobe virtio_blk
wait_for 10 test -b /dev/vda || { echo "ERROR no /dev/vda"; exit 1; }
target_up 1 /dev/vda || { echo "ERROR target set-up"; dmesg | tail; exit 1; }
port_up loop && connect loop > /dev/null || { echo "ERROR connect"; exit 1; }
ctrl=$(ctrl_of loop)
wait_for 10 ng_of "$ctrl" > /dev/null
ng=$(ng_of "$ctrl")
dmesg | grep "nvmet_kv" | tail -n 1 | sed 's/^/# /'
kv_workload dump "/dev/$ng" 1 "$keys" || echo "ERROR dump"
echo "LOAD START"
kv_workload load "/dev/$ng" 1 "$keys" "$seed" "$first"
echo "ERROR load ended"
