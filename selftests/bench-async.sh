#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench-async, in the guest: how nvme-kv's GET rate scales with the
# depth one thread keeps in flight on the io_uring queue, against the
# block yardstick, fio's io_uring engine doing 4 KiB random reads on a
# block namespace of the same target over the same transport.
#
# Over tcp and then rdma (soft-RoCE): KV namespace 1 (no cache, so every
# GET is a Retrieve command) and block namespace 2, both on RAM disks.
# For each depth D in 1 4 16 64 and each of ROUNDS rounds, alternated
# A B A B: YCSB C (64-byte values, Zipf 0.99) on one thread at depth D,
# then fio randread at iodepth D.  Also YCSB A at each depth and the
# synchronous ioctl path at QD 1.  Each run is time-bounded (-d/runtime)
# after a warm-up that is not counted.  Lines: "RUN <tr> <what> <depth>
# <round> <ops per second>"; scripts/bench-async.py makes the ratios.
. /selftests/lib.sh
. /selftests/kv/target.sh

ROUNDS=$(cmdline_num bench_rounds 3)
SECS=$(cmdline_num bench_secs 3)
RECORDS=10000
DEPTHS="1 4 16 64"

modprobe brd rd_nr=2 rd_size=65536
modprobe nvme-kv
target_up 1 /dev/ram0 "cache_slots=0" || { echo "ERROR target set-up"; exit 1; }
block_ns_up 2 /dev/ram1 || { echo "ERROR block namespace"; exit 1; }
# the yardstick reads, so namespace 2 may stay read-only; fill it once
dd if=/dev/urandom of=/dev/ram1 bs=1M count=64 status=none
rdma_link_up || { echo "ERROR rdma link"; exit 1; }

# blk_of: the block device of namespace 2 (only one subsystem is
# connected at a time): the multipath head's /dev/nvmeXnY, never a hidden
# per-controller path (nvmeXcYnZ), which has no device node
blk_of() {
	for _b in /sys/block/nvme*n*; do
		[ -e "$_b/nsid" ] || continue
		[ "$(cat "$_b/nsid")" = 2 ] || continue
		case "${_b##*/}" in *c*n*) continue ;; esac
		[ -b "/dev/${_b##*/}" ] || continue
		basename "$_b"
		return 0
	done
	return 1
}

kv_run() {	# kv_run <workload> <depth or sync>: ops per second
	if [ "$2" = sync ]; then
		_q=""
	else
		_q="-q $2"
	fi
	# shellcheck disable=SC2086 # _q is empty or two words
	nvmekv-ycsb "$kv" run -w "$1" -r $RECORDS -t 1 $_q -d "$SECS" -W 1 \
		-o json > /tmp/ycsb.json || { echo "ERROR ycsb $1 $2: $(cat /tmp/ycsb.json)"; return 1; }
	jq -r '.ops_per_s' /tmp/ycsb.json
}

fio_run() {	# fio_run <depth>: reads per second
	fio --name=yardstick --ioengine=io_uring --filename="/dev/$blk" \
		--readonly --rw=randread --bs=4k --direct=1 --iodepth="$1" --numjobs=1 \
		--time_based --runtime="$SECS" --ramp_time=1 --size=64m \
		--output-format=json > /tmp/fio.json 2> /tmp/fio.err ||
		{ echo "ERROR fio $1: $(cat /tmp/fio.err)"; return 1; }
	jq -r '.jobs[0].read.iops' /tmp/fio.json
}

for tr in tcp rdma; do
	port_up "$tr" && connect "$tr" > /dev/null || { echo "ERROR $tr connect"; exit 1; }
	ctrl=$(ctrl_of "$tr") || { echo "ERROR $tr ctrl"; exit 1; }
	echo 1 > /sys/class/nvme-kv/rescan
	wait_for 10 kv_dev_exists "kv${ctrl#nvme}n1" || { echo "ERROR $tr bind"; exit 1; }
	kv=/dev/kv${ctrl#nvme}n1
	wait_for 10 blk_of > /dev/null
	blk=$(blk_of) || { echo "ERROR $tr block device"; exit 1; }
	echo "SETUP $tr $kv /dev/$blk"
	nvmekv-ycsb "$kv" load -r $RECORDS -t 1 -q 16 -o json > /dev/null ||
		{ echo "ERROR $tr load"; exit 1; }
	r=1
	while [ $r -le "$ROUNDS" ]; do
		echo "RUN $tr kv_c_sync 1 $r $(kv_run c sync)"
		for d in $DEPTHS; do
			echo "RUN $tr kv_c $d $r $(kv_run c "$d")"
			echo "RUN $tr fio $d $r $(fio_run "$d")"
			echo "RUN $tr kv_a $d $r $(kv_run a "$d")"
		done
		r=$((r + 1))
	done
	nvme disconnect -n "$NQN" > /dev/null
	echo 1 > /sys/class/nvme-kv/rescan
	port_down "$tr"
done
echo "BENCH DONE"
