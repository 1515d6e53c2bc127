# SPDX-License-Identifier: GPL-2.0
# The linearizability run of the DRAM cache (busybox sh), used by
# selftests/run.sh and selftests/bench-cache.sh; needs lib.sh and
# kv/target.sh, and namespace 1 with a cache and debugfs mounted.

# lin_progress <history> <lines>: the history has at least that many lines
lin_progress() {
	[ -e "$1" ] && [ "$(wc -l < "$1")" -ge "$2" ]
}
# linearizable: 6 clients on a loop and a tcp controller of the same
# namespace (and an rdma one, whose clients read the cache one-sided,
# when soft-RoCE is up) run random GET/PUT/DELETE on 8 keys through the
# 16 x 4 cache; 40 target fills are abandoned in state B (a filler that
# dies mid-fill, freed by its lease) and two clients are killed with
# SIGKILL in the middle of their run.  lincheck must find every history
# linearizable, over at least 10000 operations.
LIN_OPS=2600
# With LIN_HOST_FILLS=1 namespace 1 is set up with cache_host_fills=1:
# the rdma clients fill the cache themselves over RDMA, and the fills left
# locked are those of nvme-kv's fault injection (a host that died
# mid-fill), which the lease frees.
lin_abandon() {
	if [ "${LIN_HOST_FILLS:-0}" = 1 ]; then
		echo "$1" > /sys/module/nvme_kv/parameters/onesided_abandon_fills
	else
		echo "$1" > "/sys/kernel/debug/nvmet_kv/1@$NQN.abandon_fills"
	fi
}
lin_abandoned() {
	if [ "${LIN_HOST_FILLS:-0}" = 1 ]; then
		cat "/sys/class/nvme-kv/$od/stats/onesided_fills_abandoned"
	else
		sed -n 's/^cache_fills_abandoned //p' "/sys/kernel/debug/nvmet_kv/1@$NQN"
	fi
}
linearizable() {
	# keys of their own: lincheck starts every key absent
	LIN_RUN=$((${LIN_RUN:-0} + 1))
	trs="loop tcp"
	[ -d /sys/class/infiniband/kvrxe0 ] && trs="loop tcp rdma"
	devs=""
	od=""
	for tr in $trs; do
		port_up $tr && connect $tr > /dev/null || return 1
		c=$(ctrl_of $tr) || return 1
		devs="$devs kv${c#nvme}n1"
	done
	echo 1 > /sys/class/nvme-kv/rescan
	for d in $devs; do
		wait_for 10 kv_dev_exists "$d" || return 1
	done
	case "$trs" in
	*rdma*)	od=$(echo $devs | cut -d' ' -f3)
		wait_for 10 onesided_ready "$od" || return 1
		h0=$(cat "/sys/class/nvme-kv/$od/stats/onesided_hits") ;;
	esac
	lin_abandon 40
	a0=$(lin_abandoned)
	rm -rf /tmp/lin && mkdir /tmp/lin
	pids=""
	ntr=$(echo $trs | wc -w)
	for i in 1 2 3 4 5 6; do
		d=$(echo $devs | cut -d' ' -f$(((i - 1) % ntr + 1)))
		lin_client "/dev/$d" $i $LIN_OPS 8 "lin$$-$LIN_RUN-" /tmp/lin/h$i \
			2> /tmp/lin/err$i &
		pids="$pids $!"
		[ $i = 5 ] && victim5=$!
		[ $i = 6 ] && victim6=$!
	done
	# kill 5 and 6 once they are well into their runs
	wait_for 300 lin_progress /tmp/lin/h5 600 && kill -9 $victim5
	wait_for 300 lin_progress /tmp/lin/h6 1200 && kill -9 $victim6
	bad=0
	for p in $pids; do
		wait $p
		st=$?
		[ $p = $victim5 ] || [ $p = $victim6 ] || [ $st = 0 ] || bad=1
	done
	cat /tmp/lin/err*
	# the killed clients are not waited for, but a torn value they saw
	# before their end still fails the run
	! grep -q "torn value" /tmp/lin/err* || bad=1
	a1=$(lin_abandoned)
	f1=0
	[ -n "$od" ] && f1=$(cat "/sys/class/nvme-kv/$od/stats/onesided_fills")
	onesided=0
	case "$trs" in
	*rdma*)	h1=$(cat "/sys/class/nvme-kv/$od/stats/onesided_hits")
		onesided=$((h1 - h0)) ;;
	esac
	for tr in $trs; do
		nvme disconnect -n "$NQN" > /dev/null 2>&1
	done
	echo 1 > /sys/class/nvme-kv/rescan
	for tr in $trs; do
		port_down $tr
	done
	lincheck /tmp/lin/h* > /tmp/lin/result
	st=$?
	cat /tmp/lin/result
	ops=$(sed -n 's/^ops \([0-9]*\) .*/\1/p' /tmp/lin/result)
	killed=0
	for i in 5 6; do
		tail -n 1 /tmp/lin/h$i | grep -q '^I ' && killed=$((killed + 1))
	done
	echo "LIN ops=$ops violations=$(sed -n 's/.* violations \([0-9]*\) .*/\1/p' /tmp/lin/result) abandoned_fills=$((a1 - a0)) killed_clients=$killed onesided_hits=$onesided host_fills=$f1"
	[ $bad = 0 ] && [ $st = 0 ] && [ "$ops" -ge 10000 ] &&
		[ $((a1 - a0)) -ge 1 ] && [ $killed -ge 1 ] &&
		case "$trs" in *rdma*) [ $onesided -ge 1 ] ;; esac &&
		{ [ "${LIN_HOST_FILLS:-0}" = 0 ] || [ "$f1" -ge 1 ]; }
}
