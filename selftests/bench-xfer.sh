#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench-xfer, in the guest: kv_xfer_bench over nvme-loop, then over
# nvme-tcp to 127.0.0.1, on a KV namespace on a RAM disk: every workload by
# every method, then AUTO and DPTR alone on the four paper workloads in
# longer paired rounds, which is what AUTO's ops/s are judged by.  Lines:
#   TRANSPORT <loop|tcp> capsule <bytes>
#   XFER ... (see kv_xfer_bench.c)
#   PAIRED <loop|tcp>, then the XFER lines of the paired rounds
. /selftests/lib.sh
. /selftests/kv/target.sh

arg() { sed -n "s/.*nvmekv\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
ops=$(arg bench_ops)
ops=${ops:-400}
threads=$(arg bench_threads)
threads=${threads:-4}
rounds=$(arg bench_rounds)
rounds=${rounds:-3}
pops=$(arg bench_paired_ops)
pops=${pops:-3000}
prounds=$(arg bench_paired_rounds)
prounds=${prounds:-15}

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
	# the workloads scripts/bench-xfer.py reports (kv_xfer_bench has more
	# sizes, for make bench-xfer-pair)
	kv_xfer_bench "/dev/$kv" "$ops" "$threads" "$rounds" \
		"W(B),W(C),W(D),W(M),32B,64B,128B,256B,512B,1KiB,4KiB" ||
		echo "ERROR bench $tr"
	echo "PAIRED $tr"
	kv_xfer_bench "/dev/$kv" "$pops" "$threads" "$prounds" \
		"W(B),W(C),W(D),W(M)" "AUTO,DPTR" || echo "ERROR paired bench $tr"
	nvme disconnect -n "$NQN" > /dev/null
	echo 1 > /sys/class/nvme-kv/rescan
	port_down "$tr"
done
echo "BENCH DONE"
