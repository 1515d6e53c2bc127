#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The target guest of the two-guest harness (qemu/pair.sh,
# nvmekv.mode=pair-target): bring up the link and the emulated NVMe drives,
# then serve the host guest's commands (kv_ctl) until it says "quit".
# Afterwards every module section, for the attribution of this guest's
# instruction counts (scripts/cost-attrib.awk).
#   drives N          the NVMe drives found
#   section MODULE NAME ADDRESS
. /selftests/lib.sh
PAIR_TARGET_ADDR=10.75.0.1
export TCP_ADDR=$PAIR_TARGET_ADDR RDMA_ADDR=$PAIR_TARGET_ADDR

modprobe virtio_net && ip link set eth0 up &&
	ip addr add "$PAIR_TARGET_ADDR/24" dev eth0 ||
	{ echo "error: no link"; exit 1; }
# the drives: every NVMe controller on the PCI bus (class 010802) with its
# namespace's disk
modprobe nvme
want=$(grep -l '^0x010802$' /sys/bus/pci/devices/*/class 2> /dev/null | wc -l)
n=0
while [ "$(ls -d /sys/block/nvme*n1 2> /dev/null | wc -l)" -lt "$want" ] &&
      [ $n -lt 300 ]; do
	sleep 0.1
	n=$((n + 1))
done
echo "drives $(ls -d /sys/block/nvme*n1 2> /dev/null | wc -l) of $want"
kv_ctl serve "$PAIR_TARGET_ADDR" 7000
module_sections
echo "done"
