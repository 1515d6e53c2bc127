# SPDX-License-Identifier: GPL-2.0
# Stock nvmet under the series (target/patches), sourced by selftests/run.sh
# once the KV tests are done: a subsystem with no KV namespace, on null_blk
# devices made through configfs, must behave as Debian's nvmet does.
#
#   - an NVM namespace on loop and on tcp: create, connect, fio write and
#     verify, controller reset, verify again, disconnect, delete;
#   - a ZNS namespace on a zoned null_blk: nvmet makes it ZNS (csi reads
#     2), the host sees a host-managed zoned disk that takes a write at the
#     write pointer and refuses one past it;
#   - and the series' changes to csi: a zoned device refuses any csi but
#     NVM (0009), csi goes back to NVM when the zoned device is closed
#     (0001), so the namespace moved to a file is an NVM one, and the csi
#     attribute validates what is written.

ST_NQN=nqn.2026-11.io.nvme-kv:stock
ST_SUBSYS=$NVMET/subsystems/$ST_NQN
ST_NS=$ST_SUBSYS/namespaces/1
ST_NB=/sys/kernel/config/nullb
ST_TCP_PORT=4421

# st_nullb <name> <zoned 0|1>: a 256 MiB memory-backed null_blk, /dev/<name>
# (zoned: 16 MiB zones, none conventional)
st_nullb() {
	mkdir "$ST_NB/$1" && echo 256 > "$ST_NB/$1/size" &&
	echo 4096 > "$ST_NB/$1/blocksize" &&
	echo 1 > "$ST_NB/$1/memory_backed" || return 1
	if [ "$2" = 1 ]; then
		echo 1 > "$ST_NB/$1/zoned" && echo 16 > "$ST_NB/$1/zone_size" &&
		echo 0 > "$ST_NB/$1/zone_nr_conv" || return 1
	fi
	echo 1 > "$ST_NB/$1/power"
}

# ST_ZONED: 1 when the kernel makes zoned block devices (the debug kernel's
# config has no CONFIG_BLK_DEV_ZONED: null_blk refuses zoned=1 there, and
# the ZNS tests are skipped, not passed)
ST_ZONED=0
st_setup() {
	modprobe null_blk nr_devices=0 && st_nullb stnvm 0 || return 1
	if st_nullb stzns 1 2> /dev/null; then
		ST_ZONED=1
	else
		rmdir "$ST_NB/stzns"
		echo "no zoned null_blk: this kernel has no zoned block device support"
	fi
	mkdir -p "$ST_SUBSYS" && echo 1 > "$ST_SUBSYS/attr_allow_any_host"
}
# st_zoned_t <name> <command...>: t, or a skip without zoned devices
st_zoned_t() {
	if [ "$ST_ZONED" = 1 ]; then
		t "$@"
	else
		ok 0 "$1 # SKIP no zoned block device support in this kernel"
	fi
}

# st_port <loop|tcp>: port 11 or 12 of that transport, the subsystem linked
st_port_dir() {
	case "$1" in
	loop) echo "$NVMET/ports/11" ;;
	tcp) echo "$NVMET/ports/12" ;;
	esac
}
st_port() {
	_sp=$(st_port_dir "$1")
	mkdir -p "$_sp" && echo "$1" > "$_sp/addr_trtype" || return 1
	if [ "$1" = tcp ]; then
		modprobe nvmet-tcp && echo ipv4 > "$_sp/addr_adrfam" &&
		echo 127.0.0.1 > "$_sp/addr_traddr" &&
		echo "$ST_TCP_PORT" > "$_sp/addr_trsvcid" || return 1
	fi
	ln -s "$ST_SUBSYS" "$_sp/subsystems/$ST_NQN"
}
st_port_down() {
	_sp=$(st_port_dir "$1")
	rm -f "$_sp/subsystems/$ST_NQN" && rmdir "$_sp"
}

st_connect() {
	case "$1" in
	loop) nvme connect -t loop -n "$ST_NQN" ;;
	tcp) nvme connect -t tcp -a 127.0.0.1 -s "$ST_TCP_PORT" -n "$ST_NQN" ;;
	esac
}

# st_ctrl: the controller connected to the stock subsystem
st_ctrl() {
	for _c in /sys/class/nvme/nvme*; do
		[ "$(cat "$_c/subsysnqn" 2> /dev/null)" = "$ST_NQN" ] &&
			basename "$_c" && return 0
	done
	return 1
}

# st_disk: the block disk of the stock subsystem's namespace 1
st_disk() {
	_c=$(st_ctrl) || return 1
	blk_of "$_c" 1
}

# st_fio <disk> [--verify_only]: 4 KiB random writes over ST_FIO_MB MiB
# with crc32c verification, or (--verify_only) the same pattern read back
# (16 MiB; 4 under the debug kernel's suite, where KASAN slows every I/O)
if [ "$SUITE" = full ]; then ST_FIO_MB=16; else ST_FIO_MB=4; fi
st_fio() {
	_d=$1
	shift
	fio --name=stock --filename="/dev/$_d" --ioengine=psync --direct=1 \
		--rw=randwrite --bs=4k --size="${ST_FIO_MB}m" --randseed=1414 \
		--verify=crc32c --do_verify=1 --output-format=json "$@" \
		> /tmp/st-fio.json 2> /tmp/st-fio.err
	_rc=$?
	cat /tmp/st-fio.err
	jq -c '.jobs[0] | {error, w: .write.total_ios, r: .read.total_ios}' /tmp/st-fio.json
	[ $_rc = 0 ] && jq -e ".jobs[0].error == 0 and .jobs[0].read.total_ios == $((ST_FIO_MB * 256))" \
		/tmp/st-fio.json > /dev/null
}

# st_nvm_cycle <loop|tcp>
st_nvm_cycle() {
	mkdir "$ST_NS" && echo /dev/stnvm > "$ST_NS/device_path" &&
	echo 1 > "$ST_NS/enable" && [ "$(cat "$ST_NS/csi")" = 0 ] &&
	st_port "$1" && st_connect "$1" > /dev/null || return 1
	wait_for 10 st_disk > /dev/null
	_d=$(st_disk) || { echo "no disk for namespace 1"; return 1; }
	st_fio "$_d" || return 1
	_c=$(st_ctrl)
	nvme reset "/dev/$_c" || return 1
	wait_for 10 sh -c "[ \"\$(cat /sys/class/nvme/$_c/state)\" = live ]"
	wait_for 10 st_disk > /dev/null
	_d=$(st_disk) || { echo "no disk after the reset"; return 1; }
	st_fio "$_d" --verify_only || return 1
	nvme disconnect -n "$ST_NQN" > /dev/null && st_port_down "$1" &&
	echo 0 > "$ST_NS/enable" && rmdir "$ST_NS"
}

st_zoned_write() {
	_d=$1
	# at the write pointer of zone 0, then 16 KiB past the new one
	dd if=/dev/urandom of=/tmp/st-zone bs=4096 count=1 2> /dev/null
	dd if=/tmp/st-zone of="/dev/$_d" bs=4096 count=1 oflag=direct 2> /dev/null ||
		{ echo "write at the write pointer failed"; return 1; }
	dd if="/dev/$_d" of=/tmp/st-zone.back bs=4096 count=1 iflag=direct 2> /dev/null &&
		cmp /tmp/st-zone /tmp/st-zone.back || return 1
	if dd if=/tmp/st-zone of="/dev/$_d" bs=4096 seek=5 count=1 oflag=direct 2> /dev/null; then
		echo "a write past the write pointer succeeded"
		return 1
	fi
}

st_zns() {
	mkdir "$ST_NS" && echo /dev/stzns > "$ST_NS/device_path" &&
	echo 1 > "$ST_NS/enable" || return 1
	[ "$(cat "$ST_NS/csi")" = 2 ] || { echo "csi $(cat "$ST_NS/csi"), not 2"; return 1; }
	st_port loop && st_connect loop > /dev/null || return 1
	wait_for 10 st_disk > /dev/null
	_d=$(st_disk) || { echo "no disk for the ZNS namespace"; return 1; }
	_z=$(cat "/sys/block/$_d/queue/zoned")
	[ "$_z" = host-managed ] || { echo "zoned: $_z"; return 1; }
	st_zoned_write "$_d" || return 1
	nvme disconnect -n "$ST_NQN" > /dev/null && st_port_down loop
}

# st_csi_reset: the namespace of st_zns disabled, its csi is NVM again; on
# a file it enables as an NVM namespace and takes I/O
st_csi_reset() {
	echo 0 > "$ST_NS/enable" || return 1
	[ "$(cat "$ST_NS/csi")" = 0 ] || { echo "csi $(cat "$ST_NS/csi") after disable"; return 1; }
	dd if=/dev/zero of=/tmp/st-file.img bs=1M count=32 2> /dev/null &&
	echo /tmp/st-file.img > "$ST_NS/device_path" &&
	echo 1 > "$ST_NS/enable" && [ "$(cat "$ST_NS/csi")" = 0 ] &&
	st_port loop && st_connect loop > /dev/null || return 1
	wait_for 10 st_disk > /dev/null
	_d=$(st_disk) || { echo "no disk for the file namespace"; return 1; }
	[ "$(cat "/sys/block/$_d/queue/zoned")" = none ] &&
	st_fio "$_d" || return 1
	nvme disconnect -n "$ST_NQN" > /dev/null && st_port_down loop &&
	echo 0 > "$ST_NS/enable"
}

# st_zoned_refuses_csi: csi 1 on the zoned device fails to enable, says why
st_zoned_refuses_csi() {
	echo /dev/stzns > "$ST_NS/device_path" && echo 1 > "$ST_NS/csi" || return 1
	if echo 1 > "$ST_NS/enable" 2> /dev/null; then
		echo "enabled with csi 1 on a zoned device"
		return 1
	fi
	dmesg | grep -q "csi 1 is not possible on zoned device /dev/stzns" &&
	[ "$(cat "$ST_NS/enable")" = 0 ] && [ "$(cat "$ST_NS/csi")" = 1 ]
}

# st_csi_store: ZNS, values above 255 and words are refused with EINVAL;
# any change while enabled with EBUSY
st_csi_store() {
	echo 0 > "$ST_NS/csi" || return 1
	for _v in 2 256 -1 kv ""; do
		if echo "$_v" > "$ST_NS/csi" 2> /dev/null; then
			echo "csi took '$_v'"
			return 1
		fi
	done
	[ "$(cat "$ST_NS/csi")" = 0 ] || return 1
	echo /tmp/st-file.img > "$ST_NS/device_path" && echo 1 > "$ST_NS/enable" || return 1
	if echo 1 > "$ST_NS/csi" 2> /dev/null; then
		echo "csi changed while enabled"
		return 1
	fi
	echo 0 > "$ST_NS/enable"
}

st_teardown() {
	[ -d "$ST_NS" ] && { rmdir "$ST_NS" || return 1; }
	rmdir "$ST_SUBSYS" || return 1
	for _n in stnvm stzns; do
		[ -d "$ST_NB/$_n" ] || continue
		echo 0 > "$ST_NB/$_n/power" && rmdir "$ST_NB/$_n" || return 1
	done
	rm -f /tmp/st-file.img
	rmmod null_blk
}

t "stock: two null_blk devices, one zoned, and a subsystem with no KV namespace" st_setup
for _tr in loop tcp; do
	t "stock: $_tr: an NVM namespace creates, connects, takes fio write and verify, resets, verifies again, disconnects and goes away" \
		st_nvm_cycle "$_tr"
done
st_zoned_t "stock: a namespace on a zoned null_blk is ZNS (csi 2); the host sees a host-managed disk that takes a write at the write pointer and refuses one past it" \
	st_zns
st_zoned_t "stock: disabled, the zoned namespace's csi is NVM again; moved to a file it enables as NVM and takes fio write and verify" \
	st_csi_reset
st_zoned_t "stock: csi 1 on a zoned device fails to enable and says why" st_zoned_refuses_csi
# without a zoned device the namespace directory does not exist yet
[ -d "$ST_NS" ] || mkdir "$ST_NS"
[ -f /tmp/st-file.img ] || dd if=/dev/zero of=/tmp/st-file.img bs=1M count=32 2> /dev/null
t "stock: csi refuses 2 (ZNS), 256, -1, a word and nothing with EINVAL, and any change while enabled" \
	st_csi_store
t "stock: the subsystem and the null_blk devices go away" st_teardown
