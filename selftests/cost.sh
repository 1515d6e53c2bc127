#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest half of the instruction counter's smoke test (nvmekv.mode=cost;
# scripts/cost.sh boots it with one vCPU and qemu/plugin/kvcount.c).  It
# plants known costs between markers and prints what the host side needs
# to attribute the counted module pages: every section of every module.
#   ran TAG N             window TAG spun N times (2N + 1 instructions)
#   section MODULE NAME ADDRESS
. /selftests/lib.sh
SPIN=/sys/module/nvme_kv_cost_test/parameters/spin

modprobe nvme-kv-cost-test || { echo "error: nvme-kv-cost-test does not load"; exit 1; }
# a warm-up, uncounted: the module's first call, and what its load left
# to do later (the freeing of its init sections runs in a worker)
echo 1000 > $SPIN
sleep 1
# the same cost five times, then twice as many iterations, then a window
# with nothing planted in it
for tag in 1 2 3 4 5; do
	kv_mark write $tag $SPIN 1000000 && echo "ran $tag 1000000"
done
kv_mark write 6 $SPIN 2000000 && echo "ran 6 2000000"
kv_mark start 7 && kv_mark stop 7 && echo "ran 7 0"
# nvmekv.cost=xfer: the instructions of Stores over COST_TRANSPORT (loop
# or tcp to 127.0.0.1, default loop: host and target both in this guest,
# both counted) by transfer
# method (COST_METHODS, default DPTR and PIGGYBACK), one thread, values of
# the sizes of COST_SIZES (kv_xfer_bench's fixed workloads, default 8B and
# 16B), every key overwritten (a warm-up run stores them first).  Per method and size, a window of N1
# and one of N2 Stores, alternated over three rounds; the host side takes
# the difference, so what a run costs once (exec, set-up, sysfs reads)
# cancels.  With COST_INLINE=B the target port takes at most B bytes of
# in-capsule data (0: none, a write's data then waits for an R2T over tcp).
# Over tcp the bytes and packets the loopback interface sent during the
# window are its wire traffic, both directions (lo counts each packet once).
#   xfer TAG METHOD SIZE N bytes B packets P
lo_stat() { cat /sys/class/net/lo/statistics/tx_$1; }
if grep -q 'nvmekv\.cost=xfer' /proc/cmdline; then
	. /selftests/kv/target.sh
	TR=${COST_TRANSPORT:-loop}
	modprobe brd rd_nr=1 rd_size=65536 &&
	target_up 1 /dev/ram0 "" && port_up "$TR" ||
		{ echo "error: no $TR target"; exit 1; }
	if [ -n "${COST_INLINE:-}" ]; then
		port_inline "$TR" "$COST_INLINE" &&
		echo "inline $COST_INLINE" ||
			{ echo "error: inline data size $COST_INLINE"; exit 1; }
	fi
	connect "$TR" > /dev/null && modprobe nvme-kv ||
		{ echo "error: no $TR connection"; exit 1; }
	ctrl=$(ctrl_of "$TR")
	kv=/dev/kv${ctrl#nvme}n1
	echo 1 > /sys/class/nvme-kv/rescan
	[ -c "$kv" ] || { echo "error: $kv not bound"; exit 1; }
	N1=${COST_N1:-100}
	N2=${COST_N2:-600}
	tag=10
	SIZES=$(echo "${COST_SIZES:-8B,16B}" | tr , " ")
	METHODS=$(echo "${COST_METHODS:-DPTR,PIGGYBACK}" | tr , " ")
	for size in $SIZES; do
		for m in $METHODS; do
			kv_xfer_bench "$kv" $N2 1 1 $size $m > /dev/null
		done
	done
	for round in 1 2 3; do
		for size in $SIZES; do
			for m in $METHODS; do
				for n in $N1 $N2; do
					b0=$(lo_stat bytes)
					p0=$(lo_stat packets)
					kv_mark run $tag kv_xfer_bench "$kv" $n 1 1 $size $m \
						> /tmp/xfer.out &&
					grep -q "errors 0 " /tmp/xfer.out &&
					echo "xfer $tag $m $size $n bytes $(($(lo_stat bytes) - b0)) packets $(($(lo_stat packets) - p0))"
					tag=$((tag + 1))
				done
			done
		done
	done
fi
module_sections
echo "done"
