#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The host guest of the two-guest harness (qemu/pair.sh,
# nvmekv.mode=pair-host): it runs the suite nvmekv.pair= names, setting up
# and reading the target guest through the command channel (tgt, kv_ctl),
# then ends the target's service and prints its own module sections.
#
#   smoke   the topology works: the target's drives, a KV namespace on one
#           of them exported over nvme-tcp and nvme-rdma (soft-RoCE on both
#           guests' links), bound here and used; counted windows (with
#           PAIR_PLUGIN=1) of fixed workloads and of a planted cost (TAP;
#           scripts/pair.sh checks the counts)
#   xfer    instructions and wire bytes per Store by transfer method and
#           value size (scripts/pair-xfer.sh reads the lines)
#   rate    the paired wall-clock ratio of two transfer methods
#           (scripts/pair-rate.sh reads the lines)
#   store   bench-store's rounds, the store on the target's drive
#           (scripts/bench-store.sh with BENCH_STORE_ON=pair)
#
# Counted windows, for scripts/cost-attrib.awk on each guest's counts:
#   window TAG WHAT N nic_bytes B nic_packets P secs S
# (WHAT the workload, N its Stores, B and P what the target guest's NIC sent
# and received in the window, S how long it took by this guest's clock)
#   section MODULE NAME ADDRESS
PAIR_TARGET_ADDR=10.75.0.1
PAIR_HOST_ADDR=10.75.0.2
TCP_ADDR=$PAIR_TARGET_ADDR
RDMA_ADDR=$PAIR_TARGET_ADDR
. /selftests/lib.sh
. /selftests/kv/target.sh
. /selftests/store-rounds.sh

# tgt COMMAND...: run it in the target guest (its sh, its output here)
tgt() {
	kv_ctl "$PAIR_TARGET_ADDR" 7000 "$@"
}
# tgt_sh: the target's selftests helpers, then the rest of the line
TGT_SH=". /selftests/kv/target.sh &&"

# nic: the target's link counters, bytes and packets, both directions
nic() {
	tgt "cat /sys/class/net/eth0/statistics/tx_bytes /sys/class/net/eth0/statistics/rx_bytes /sys/class/net/eth0/statistics/tx_packets /sys/class/net/eth0/statistics/rx_packets" |
		awk '{ v[NR] = $1 } END { print v[1] + v[2], v[3] + v[4] }'
}

# window TAG WHAT N COMMAND...: COMMAND between the markers of window TAG on
# both guests (target first, host inside it), with the target's NIC
# counters around it
window() {
	_tag=$1 _what=$2 _n=$3
	shift 3
	_w0="$(nic) $(cut -d' ' -f1 /proc/uptime)"
	tgt kv_mark start "$_tag" && kv_mark start "$_tag" || return 1
	"$@" > /tmp/window.out 2>&1
	_st=$?
	kv_mark stop "$_tag"
	tgt kv_mark stop "$_tag"
	_w1="$(nic) $(cut -d' ' -f1 /proc/uptime)"
	[ $_st = 0 ] || { cat /tmp/window.out; return 1; }
	echo "$_w0 $_w1" | awk -v t="$_tag" -v w="$_what" -v n="$_n" \
		'{ printf "window %s %s %s nic_bytes %d nic_packets %d secs %.2f\n", t, w, n, $4 - $1, $5 - $2, $6 - $3 }' \
		>> /tmp/windows
}

# the drive the KV namespace is on: /dev/nvme0n1 of the target
drive_writes() {
	tgt "cat /sys/block/nvme0n1/stat" | awk '{ print $5 }'
}

kv_of() {
	_c=$(ctrl_of "$1") || return 1
	echo "kv${_c#nvme}n1"
}

# bound <transport>: nvme-kv has bound the namespace of the controller
# connected over it.  The host scans a new controller's namespaces in the
# background after nvme connect returns, so the rescan is retried for up
# to 10 s until the namespace is there.
bound() {
	wait_for 10 bound_now "$1"
}
bound_now() {
	echo 1 > /sys/class/nvme-kv/rescan
	_kv=$(kv_of "$1") && [ -c "/dev/$_kv" ]
}

suite_smoke() {
	t "pair: the command channel reaches the target guest" tgt true
	_d=$(tgt "ls -d /sys/block/nvme*n1 | wc -l")
	ok "$([ "$_d" = "${PAIR_DRIVES:-2}" ] && echo 0 || echo 1)" \
		"pair: the target guest has its ${PAIR_DRIVES:-2} emulated NVMe drives ($_d)"
	t "pair: target: KV namespace on drive nvme0n1, nvme-tcp port on $TCP_ADDR" \
		tgt "$TGT_SH target_up 1 /dev/nvme0n1 && port_up tcp"
	t "pair: host: nvme-tcp connects across the link" connect tcp
	modprobe nvme-kv
	t "pair: host: nvme-kv binds the target's KV namespace" bound tcp
	kv=$(kv_of tcp)
	w0=$(drive_writes)
	t "pair: tcp: a value stored here reads back" roundtrip "/dev/$kv" pair-key 300
	w1=$(drive_writes)
	cp /tmp/value /tmp/pair-key.value
	ok "$([ -n "$w0" ] && [ -n "$w1" ] && [ "$w1" -gt "$w0" ] && echo 0 || echo 1)" \
		"pair: tcp: the Store reached the target's drive (write I/Os $w0 -> $w1)"

	# fixed workloads, each three times: 8-byte overwrites by PIGGYBACK,
	# then Retrieves of those keys; then an idle window and one with a
	# planted cost
	kv_xfer_bench "/dev/$kv" 200 1 1 8B PIGGYBACK > /dev/null
	: > /tmp/windows
	rc=0
	for tag in 1 2 3; do
		window $tag 8B-PIGGYBACK 200 kv_xfer_bench "/dev/$kv" 200 1 1 8B PIGGYBACK || rc=1
	done
	for tag in 4 5 6; do
		window $tag 8B-RETRIEVE 200 kv_xfer_bench "/dev/$kv" 200 1 1 8B RETRIEVE || rc=1
	done
	window 7 idle 0 sleep 1 || rc=1
	# a known cost planted in the target guest: 2N + 1 instructions of
	# nvme-kv-cost-test's loop (scripts/cost.sh), after a warm-up call
	_spin=/sys/module/nvme_kv_cost_test/parameters/spin
	tgt "modprobe nvme-kv-cost-test && echo 1000 > $_spin" || rc=1
	window 8 planted 0 tgt "echo 1000000 > $_spin" || rc=1
	cat /tmp/windows
	ok $rc "pair: counted windows of a fixed workload on both guests"

	# a port that takes no in-capsule data (target/patches 0018): the
	# host still connects (its Connect's data rides in the capsule), is
	# told there is no room (IOCCSZ 4: the command alone), and a write's
	# data follows an R2T
	_inl=$(tgt "$TGT_SH port_inline tcp")
	t "pair: tcp: a port without in-capsule data takes a host" reconnect_inline tcp 0
	t "pair: tcp: that controller reports no in-capsule data (IOCCSZ 4)" \
		sh -c "nvme id-ctrl /dev/$(ctrl_of tcp) | grep -q '^ioccsz *: 4\$'"
	t "pair: tcp: a value stored through it reads back" \
		roundtrip "/dev/$kv" pair-key-r2t 300
	t "pair: tcp: in-capsule data on again ($_inl bytes)" reconnect_inline tcp "$_inl"

	t "pair: soft-RoCE on both links" soft_roce
	t "pair: target: nvme-rdma port" tgt "$TGT_SH port_up rdma"
	t "pair: host: nvme-rdma connects across the link" connect rdma
	t "pair: host: nvme-kv binds the namespace over rdma too" bound rdma
	t "pair: rdma: a value stored here reads back" \
		roundtrip "/dev/$(kv_of rdma)" pair-key-rdma 5000
	t "pair: rdma reads the pair tcp stored" \
		sh -c "nvme-kv retrieve /dev/$(kv_of rdma) pair-key -f /tmp/back2 &&
		       cmp /tmp/pair-key.value /tmp/back2"

	nvme disconnect -n "$NQN" > /dev/null
	echo 1 > /sys/class/nvme-kv/rescan
	t "pair: target: ports and subsystem come down" \
		tgt "$TGT_SH port_down tcp && port_down rdma && target_down"
}

# soft_roce: rdma_rxe on both guests' links (the target's first)
soft_roce() {
	tgt "$TGT_SH modprobe rdma_rxe && rdma link add kvrxe0 type rxe netdev eth0" &&
	modprobe rdma_rxe && rdma link add kvrxe0 type rxe netdev eth0
}

# link_up <transport> <name>: the KV namespace on nvme0n1 exported over
# the transport, connected and bound (kv: its /dev/kvXnY); TAP lines
# "pair: <name>: ..."
link_up() {
	if [ "$1" = rdma ]; then
		soft_roce || { ok 1 "pair: $2: soft-RoCE on both links"; return 1; }
	fi
	t "pair: $2: KV namespace on nvme0n1 exported over $1" \
		tgt "$TGT_SH target_up 1 /dev/nvme0n1 && port_up $1" || return 1
	t "pair: $2: connected over $1" connect "$1" || return 1
	modprobe nvme-kv
	t "pair: $2: bound" bound "$1" || return 1
	kv=$(kv_of "$1")
}

# reconnect_inline <transport> <bytes>: disconnect, set the target port's
# in-capsule data size, connect and bind again (kv: the new /dev/kvXnY)
reconnect_inline() {
	nvme disconnect -n "$NQN" > /dev/null
	echo 1 > /sys/class/nvme-kv/rescan
	tgt "$TGT_SH port_inline $1 $2" || { echo "# port_inline $1 $2 failed"; return 1; }
	connect "$1" || { echo "# connect $1 failed"; return 1; }
	bound "$1" || { echo "# not bound: $(ls /sys/class/nvme-kv)"; return 1; }
	kv=$(kv_of "$1")
}

# xfer: per value size (XFER_SIZES, kv_xfer_bench's workloads, default
# 8B,16B), transfer method (XFER_METHODS, default DPTR,PIGGYBACK,AUTO) and
# mode (XFER_MODES: overwrite, insert), a window of XFER_N1 and one of
# XFER_N2 Stores (defaults 20 and 100), over XFER_ROUNDS rounds (default
# 3) whose method order rotates; one thread, over XFER_TRANSPORT (tcp,
# default, or rdma).  Inserts store fresh keys; overwrites the 64 keys a
# warm-up stored.  A method named with _NO_INCAPSULE (DPTR_NO_INCAPSULE,
# AUTO_NO_INCAPSULE) is that method through a connection to the port with
# in-capsule data off (port_inline 0: DPTR's data is then fetched by an R2T
# over tcp, an RDMA READ over rdma; the baseline without ByteExpress);
# every other method runs with the port's in-capsule data on (16 KiB).
# scripts/pair-xfer.sh takes the per-Store differences.
suite_xfer() {
	_tr=${XFER_TRANSPORT:-tcp}
	link_up "$_tr" xfer || return
	_inline=$(tgt "$TGT_SH port_inline $_tr")
	_sizes=$(echo "${XFER_SIZES:-8B,16B}" | tr , " ")
	_methods=$(echo "${XFER_METHODS:-DPTR,PIGGYBACK,AUTO}" | tr , " ")
	_modes=$(echo "${XFER_MODES:-overwrite,insert}" | tr , " ")
	_n1=${XFER_N1:-20} _n2=${XFER_N2:-100}
	for _s in $_sizes; do
		kv_xfer_bench "/dev/$kv" "$_n2" 1 1 "$_s" DPTR > /dev/null
	done
	: > /tmp/windows
	_tag=0 _key=0 _rc=0
	# the link's traffic without Stores (keep-alives): two idle windows,
	# whose difference scripts/pair-xfer.sh takes per second
	window 201 idle-short 0 sleep 2 && window 202 idle-long 0 sleep 12 ||
		_rc=1
	_nm=$(echo $_methods | wc -w)
	for _r in $(seq 1 "${XFER_ROUNDS:-3}"); do
		# the methods in an order that rotates by round
		_order=$(for _m in $_methods $_methods; do echo $_m; done |
			tail -n +$(( (_r - 1) % _nm + 1 )) | head -n "$_nm")
		for _m in $_order; do
			_bm=${_m%_NO_INCAPSULE}
			if [ "$_bm" != "$_m" ]; then
				reconnect_inline "$_tr" 0 ||
					{ _rc=1; echo "# no $_tr connection without in-capsule data"; break 2; }
			fi
			for _s in $_sizes; do
				for _mode in $_modes; do
					for _n in $_n1 $_n2; do
						_tag=$(( _tag % 200 + 1 ))
						_i=""
						if [ "$_mode" = insert ]; then
							_i="-i $_key"
							_key=$((_key + _n))
						fi
						# shellcheck disable=SC2086
						window $_tag "$_mode:$_s:$_m:$_r" "$_n" \
							kv_xfer_bench $_i "/dev/$kv" "$_n" 1 1 "$_s" "$_bm" || _rc=1
						grep -q " errors 0 " /tmp/window.out || {
							_rc=1
							sed 's/^/# /' /tmp/window.out
						}
					done
				done
			done
			if [ "$_bm" != "$_m" ]; then
				reconnect_inline "$_tr" "$_inline" ||
					{ _rc=1; echo "# no $_tr connection with $_inline bytes of in-capsule data"; break 2; }
			fi
		done
	done
	cat /tmp/windows
	ok $_rc "pair: xfer: every window ran without an error"
}

# rate: the wall-clock paired ratio of RATE_A over RATE_B (defaults
# PIGGYBACK, tagged Transfers, over PIGGYBACK_SERIAL) on RATE_WORKLOAD
# (default W(D)), RATE_OPS Stores a round (default 200) by RATE_THREADS
# threads (default 1), over RATE_TRANSPORT (tcp, default, or rdma):
# RATE_PAIRS pairs of rounds (default 20) whose order alternates (ABBA...),
# then RATE_CONTROLS control pairs of RATE_A against itself (default 10).
# One line a round, for scripts/pair-rate.sh:
#   RATE <pair|control> K position P method M ops N secs S errors E
suite_rate() {
	_tr=${RATE_TRANSPORT:-tcp}
	link_up "$_tr" rate || return
	_w=${RATE_WORKLOAD:-W(D)} _a=${RATE_A:-PIGGYBACK} _b=${RATE_B:-PIGGYBACK_SERIAL}
	_ops=${RATE_OPS:-200} _th=${RATE_THREADS:-1} _rc=0
	# warm-up: the keys exist, so every round overwrites
	kv_xfer_bench "/dev/$kv" "$_ops" "$_th" 1 "$_w" "$_a" > /dev/null || _rc=1
	for _k in $(seq 1 "${RATE_PAIRS:-20}"); do
		if [ $((_k % 2)) = 1 ]; then
			rate_round pair "$_k" 1 "$_a" && rate_round pair "$_k" 2 "$_b"
		else
			rate_round pair "$_k" 1 "$_b" && rate_round pair "$_k" 2 "$_a"
		fi || _rc=1
	done
	for _k in $(seq 1 "${RATE_CONTROLS:-10}"); do
		rate_round control "$_k" 1 "$_a" && rate_round control "$_k" 2 "$_a" ||
			_rc=1
	done
	ok $_rc "pair: rate: every round ran without an error"
}

# rate_round <pair|control> <k> <position> <method>
rate_round() {
	kv_xfer_bench "/dev/$kv" "$_ops" "$_th" 1 "$_w" "$4" > /tmp/rate.out 2>&1
	awk -v kind="$1" -v k="$2" -v pos="$3" '
	$1 == "XFER" {
		for (i = 4; i < NF; i += 2) f[$i] = $(i + 1)
		print "RATE", kind, k, "position", pos, "method", $3, "ops", f["ops"], "secs", f["secs"], "errors", f["errors"]
		if (f["errors"] == 0) good = 1
	}
	END { exit !good }' /tmp/rate.out || { cat /tmp/rate.out; return 1; }
}

# store: make bench-store's rounds (selftests/bench-store.sh) with the
# store on the target guest's drive nvme0n1 and its Stores from this guest
# over nvme-tcp: 64-byte values at queue depth 32 (32 threads), fresh keys
# every round, group commit on and off in alternated pairs, then control
# pairs; the drive's write I/Os, sectors and flushes read on the target
# around the Stores (selftests/store-rounds.sh and its lines).
suite_store() {
	tgt "$TGT_SH target_up 1 /dev/nvme0n1 && port_up tcp" ||
		{ echo "ERROR set-up"; return 1; }
	store_rounds tcp "${BENCH_OPS:-3200}" "${BENCH_PAIRS:-20}" "${BENCH_CONTROLS:-10}"
}
store_params() { tgt "$TGT_SH ns_params 1 $1"; }
store_stat() { tgt "cat /sys/block/nvme0n1/stat" | awk '{ print $5, $7, $16 }'; }

roundtrip() {
	head -c "$3" /dev/urandom > /tmp/value &&
	nvme-kv store "$1" "$2" -f /tmp/value &&
	nvme-kv retrieve "$1" "$2" -f /tmp/back &&
	cmp /tmp/value /tmp/back
}

modprobe virtio_net && ip link set eth0 up &&
	ip addr add "$PAIR_HOST_ADDR/24" dev eth0 ||
	echo "error: no link"
suite=$(sed -n 's/.*nvmekv\.pair=\([^ ]*\).*/\1/p' /proc/cmdline)
case "$suite" in
smoke)	suite_smoke ;;
xfer)	suite_xfer ;;
rate)	suite_rate ;;
store)	suite_store ;;
*)	ok 1 "pair: no suite '$suite'" ;;
esac
tgt quit > /dev/null
tap_plan
module_sections
echo "done"
