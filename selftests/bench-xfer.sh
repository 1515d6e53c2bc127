#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench-xfer, in the guest: kv_xfer_bench over nvme-loop, then over
# nvme-tcp to 127.0.0.1, on a KV namespace on a RAM disk.  Lines:
#   TRANSPORT <loop|tcp> capsule <bytes>
#   XFER ... (see kv_xfer_bench.c)
. /selftests/lib.sh
. /selftests/kv/target.sh

arg() { sed -n "s/.*nvmekv\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
ops=$(arg bench_ops)
ops=${ops:-400}
threads=$(arg bench_threads)
threads=${threads:-4}
rounds=$(arg bench_rounds)
rounds=${rounds:-3}

modprobe brd rd_nr=1 rd_size=262144 || { echo "ERROR brd"; exit 1; }
target_up 1 /dev/ram0 || { echo "ERROR target set-up"; exit 1; }
modprobe nvme-kv
for tr in loop tcp; do
	port_up "$tr" && connect "$tr" > /dev/null || { echo "ERROR $tr set-up"; exit 1; }
	ctrl=$(ctrl_of "$tr")
	kv=kv${ctrl#nvme}n1
	echo 1 > /sys/class/nvme-kv/rescan
	wait_for 10 test -c "/dev/$kv" || { echo "ERROR no /dev/$kv"; exit 1; }
	echo "TRANSPORT $tr capsule $(cat /sys/class/nvme-kv/$kv/capsule_bytes)"
	kv_xfer_bench "/dev/$kv" "$ops" "$threads" "$rounds" || echo "ERROR bench $tr"
	nvme disconnect -n "$NQN" > /dev/null
	echo 1 > /sys/class/nvme-kv/rescan
	port_down "$tr"
done
echo "BENCH DONE"
