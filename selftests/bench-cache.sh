#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench-cache, in the guest: YCSB C and B (Zipf 0.99, 16-byte keys,
# 64-byte values) on a KV namespace over nvme-rdma on soft-RoCE, in four
# modes: the DRAM cache holding the working set read one-sided by the host
# (onesided), the same with the host filling it (hostfill,
# kv/cache_host_fills 1), the cache behind Retrieve commands (cache), and no
# cache (nocache); the target's time per GET from nvmet-kv's retrieve_ns
# counter, the GETs served one-sided from nvme-kv's counters, and the CPU
# busy time of the whole guest from /proc/stat; then the linearizability
# run.
. /selftests/lib.sh
. /selftests/kv/target.sh
. /selftests/lin/lin.sh

records=$(cmdline_num bench_records 1000)
ops=$(cmdline_num bench_ops 10000)
threads=$(cmdline_num bench_threads 1)
CACHE="cache_slots=$((records * 4)) cache_block_slots=8"
DBG=/sys/kernel/debug/nvmet_kv/1@$NQN

modprobe brd rd_nr=1 rd_size=65536
mount -t debugfs none /sys/kernel/debug
modprobe nvme-kv
ONESIDED_PORT=4430
target_up 1 /dev/ram0 "$CACHE" && rdma_link_up && port_up rdma &&
	echo $ONESIDED_PORT > /sys/module/nvmet_kv/parameters/cache_rdma_port ||
	{ echo "ERROR target set-up"; exit 1; }

stat_of() { sed -n "s/^$1 //p" "$DBG"; }
# the guest's busy CPU time in ns (all CPUs; USER_HZ ticks)
cpu_busy() { awk '/^cpu / { print ($2 + $3 + $4 + $6 + $7 + $8) * 10000000 }' /proc/stat; }

bind() {
	connect rdma > /dev/null || return 1
	ctrl=$(ctrl_of rdma) || return 1
	echo 1 > /sys/class/nvme-kv/rescan
	wait_for 10 kv_dev_exists "kv${ctrl#nvme}n1" || return 1
	kv=/dev/kv${ctrl#nvme}n1
	sys=/sys/class/nvme-kv/kv${ctrl#nvme}n1
	[ "$(cat /sys/module/nvme_kv/parameters/onesided_reads)" = N ] ||
		wait_for 10 onesided_ready "kv${ctrl#nvme}n1"
}
unbind() {
	nvme disconnect -n "$NQN" > /dev/null
	echo 1 > /sys/class/nvme-kv/rescan
}

bind || { echo "ERROR connect"; exit 1; }
nvmekv-ycsb "$kv" load -r "$records" -t "$threads" -o json ||
	{ echo "ERROR load"; exit 1; }
unbind

for mode in onesided hostfill cache nocache; do
	p=$CACHE
	[ $mode = nocache ] && p="cache_slots=0"
	[ $mode = hostfill ] && p="$CACHE cache_host_fills=1"
	reads=N
	[ $mode = onesided ] || [ $mode = hostfill ] && reads=Y
	echo $reads > /sys/module/nvme_kv/parameters/onesided_reads
	ns_params 1 "$p" && bind || { echo "ERROR $mode set-up"; exit 1; }
	# one pass to warm the cache (and the page cache) up
	nvmekv-ycsb "$kv" run -w c -r "$records" -n "$ops" -t "$threads" \
		> /dev/null || { echo "ERROR warm-up"; exit 1; }
	for w in c b; do
		r0=$(stat_of retrieves) n0=$(stat_of retrieve_ns)
		h0=$(stat_of cache_hits) c0=$(cpu_busy)
		o0=$(cat $sys/stats/onesided_hits)
		res=$(nvmekv-ycsb "$kv" run -w $w -r "$records" -n "$ops" \
			-t "$threads" -o json) || { echo "ERROR run $w"; exit 1; }
		r1=$(stat_of retrieves) n1=$(stat_of retrieve_ns)
		h1=$(stat_of cache_hits) c1=$(cpu_busy)
		o1=$(cat $sys/stats/onesided_hits)
		echo "YCSB $mode $w $res"
		echo "TARGET $mode $w retrieves $((r1 - r0)) retrieve_ns $((n1 - n0)) cache_hits $((${h1:-0} - ${h0:-0})) onesided_hits $((o1 - o0)) cpu_busy_ns $((c1 - c0))"
	done
	unbind
done

port_down rdma
echo Y > /sys/module/nvme_kv/parameters/onesided_reads
ns_params 1 "cache_slots=64 cache_block_slots=4 cache_lease_ms=100" ||
	{ echo "ERROR lin set-up"; exit 1; }
linearizable > /tmp/lin.out 2>&1
echo "LINSTATUS $?"
grep '^LIN ' /tmp/lin.out
echo "BENCH DONE"
