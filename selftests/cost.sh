#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest half of the instruction counter's smoke test (nvmekv.mode=cost;
# scripts/cost.sh boots it with one vCPU and qemu/plugin/kvcount.c).  It
# plants known costs between markers and prints what the host side needs
# to attribute the counted module pages: every section of every module.
#   ran TAG N             window TAG spun N times (2N + 1 instructions)
#   section MODULE NAME ADDRESS
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
for m in /sys/module/*/sections; do
	mod=${m%/sections}
	mod=${mod##*/}
	for s in "$m"/.* "$m"/*; do
		[ -f "$s" ] || continue
		echo "section $mod ${s##*/} $(cat "$s")"
	done
done
echo "done"
