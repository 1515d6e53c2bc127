#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench-store, in the guest: small Stores at queue depth 32 (32 threads,
# one synchronous Store in flight each) with group commit on and off, side
# by side, on the virtio disk /dev/vda.  Device writes and flushes are read
# from the block layer's own counters (/sys/block/vda/stat).
. /selftests/lib.sh
. /selftests/kv/target.sh

ops=$(sed -n 's/.*nvmekv\.bench_ops=\([0-9]*\).*/\1/p' /proc/cmdline)
ops=${ops:-3200}
modprobe virtio_blk
wait_for 10 test -b /dev/vda || { echo "ERROR no /dev/vda"; exit 1; }
target_up 1 /dev/vda || { echo "ERROR set-up"; exit 1; }
port_up loop || { echo "ERROR port"; exit 1; }

# fields 7 (sectors written) and 16 (flush requests) of the disk's stat
disk_stat() { awk '{ print $7, $16 }' /sys/block/vda/stat; }

# the namespace's csi_params choose the mode; it is re-enabled between runs
# with no host connected, so its store is replayed from /dev/vda
for mode in 1 0; do
	ns_params 1 "group_commit=$mode" && connect loop > /dev/null ||
		{ echo "ERROR group_commit=$mode set-up"; exit 1; }
	ctrl=$(ctrl_of loop)
	wait_for 10 ng_of "$ctrl" > /dev/null
	ng=$(ng_of "$ctrl")
	set -- $(disk_stat)
	s0=$1 f0=$2
	res=$(kv_workload bench "/dev/$ng" 1 32 "$ops" 64) || { echo "ERROR $res"; exit 1; }
	set -- $(disk_stat)
	# BENCH ops N seconds S ops_per_s R errors E
	echo "RESULT group_commit=$mode $res sectors $(($1 - s0)) flushes $(($2 - f0))"
	nvme disconnect -n "$NQN" > /dev/null
done
echo "BENCH DONE"
