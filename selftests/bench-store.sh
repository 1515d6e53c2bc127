#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench-store, in the guest: small Stores at queue depth 32 (32 threads,
# one synchronous Store in flight each) with group commit on (mode 1) and
# off (mode 0: one write and flush per Store), on the virtio disk /dev/vda.
#
# Rounds come in pairs, one round of each mode, the order alternating from
# pair to pair (1 0, 0 1, 1 0, ...), so that drift over the run (a store
# that grows, a host that gets busier) falls on both modes alike.  Then
# control pairs run mode 1 twice: their ratio shows what the pairing
# itself does.  Every round inserts fresh keys.  The namespace is disabled
# and enabled with its csi_params between rounds, with no host connected;
# the counters are read around the Stores only.  Device write I/Os,
# sectors written and flushes come from the block layer's own counters
# (/sys/block/vda/stat fields 5, 7 and 16): exact counts of what reached
# the disk.
. /selftests/lib.sh
. /selftests/kv/target.sh

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

disk_stat() { awk '{ print $5, $7, $16 }' /sys/block/vda/stat; }

first=0
# round <kind> <pair> <mode> <position in the pair>
round() {
	ns_params 1 "group_commit=$3" && connect loop > /dev/null ||
		{ echo "ERROR group_commit=$3 set-up"; exit 1; }
	ctrl=$(ctrl_of loop)
	wait_for 10 ng_of "$ctrl" > /dev/null
	ng=$(ng_of "$ctrl")
	set -- "$@" $(disk_stat)
	res=$(kv_workload bench "/dev/$ng" 1 32 "$ops" 64 "$first") ||
		{ echo "ERROR $res"; exit 1; }
	set -- "$@" $(disk_stat)
	# BENCH ops N seconds S ops_per_s R errors E
	echo "ROUND $1 $2 mode $3 position $4 ${res#BENCH } writes $(($8 - $5)) sectors $(($9 - $6)) flushes $((${10} - $7))"
	nvme disconnect -n "$NQN" > /dev/null
	first=$((first + ops))
}

for k in $(seq 1 "$pairs"); do
	if [ $((k % 2)) = 1 ]; then
		round pair "$k" 1 1
		round pair "$k" 0 2
	else
		round pair "$k" 0 1
		round pair "$k" 1 2
	fi
done
for k in $(seq 1 "$controls"); do
	round control "$k" 1 1
	round control "$k" 1 2
done
echo "BENCH DONE"
