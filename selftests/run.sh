#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest selftests: run by qemu/init in check mode, TAP on stdout.
# One KV subsystem on a RAM disk, reached over nvme-loop and then over
# nvme-tcp to 127.0.0.1; the same checks run on both.
. /selftests/lib.sh
. /selftests/kv/target.sh

KVER=$(uname -r)
VALUE_SIZES="1 16 17 4095 4096 65536"

t "modules: brd backing device loads" modprobe brd rd_nr=2 rd_size=65536
t "target: KV namespace (csi 1) enables" target_up 1 /dev/ram0
t "target: nvmet loaded nvmet-kv on demand for csi 1" \
	sh -c 'lsmod | grep -q "^nvmet_kv "'
t "target: csi cannot change while the namespace is enabled" \
	sh -c "! echo 0 > $SUBSYS/namespaces/1/csi"
t "guest: nvme-cli and fio run" sh -c 'nvme version && fio --version'

# key_of <length 1|16> <index>: a distinct key of that length
key_of() {
	if [ "$1" = 1 ]; then
		echo "abcdefghijklmnop" | cut -c "$2"
	else
		printf 'key-%012d' "$2"
	fi
}

# roundtrip <kv device> <key> <size>: store random bytes, read them back
roundtrip() {
	head -c "$3" /dev/urandom > /tmp/value &&
	nvme-kv store "$1" "$2" -f /tmp/value &&
	nvme-kv retrieve "$1" "$2" -o /tmp/back &&
	cmp /tmp/value /tmp/back
}

# missing_key_message <kv device>: exit status 1 and a clear message
missing_key_message() {
	nvme-kv retrieve "$1" no-such-key > /tmp/msg 2>&1
	rc=$?
	cat /tmp/msg
	[ $rc = 1 ] && grep -q "key does not exist" /tmp/msg
}

long_key_usage() {
	nvme-kv store "$1" 12345678901234567 value
	[ $? = 2 ]
}

overwrite() {
	nvme-kv store "$1" over first && nvme-kv store "$1" over second &&
	[ "$(nvme-kv retrieve "$1" over)" = second ]
}

kv_dev_exists() {
	[ -c "/dev/$1" ]
}

kv_dev_gone() {
	[ ! -e "/dev/$1" ] && [ ! -e "/sys/class/nvme-kv/$1" ]
}

first=1
for tr in loop tcp; do
	t "$tr: port comes up" port_up "$tr"
	t "$tr: nvme connect" connect "$tr"
	ctrl=$(ctrl_of "$tr")
	kv=kv${ctrl#nvme}n1
	wait_for 10 ng_of "$ctrl" > /dev/null
	ng=$(ng_of "$ctrl")
	t "$tr: KV namespace appears as /dev/ngXnY ($ng)" kv_dev_exists "$ng"

	if [ $first = 1 ]; then
		t "$tr: nvme-kv binds it on load as /dev/$kv" modprobe nvme-kv
		first=0
	else
		t "$tr: rescan binds it as /dev/$kv" \
			sh -c 'echo 1 > /sys/class/nvme-kv/rescan'
	fi
	wait_for 5 kv_dev_exists "$kv"
	t "$tr: /dev/$kv is a root-only char device" \
		sh -c "[ -c /dev/$kv ] && ls -l /dev/$kv | grep -q '^crw------- '"
	t "$tr: sysfs names its nsid and value limit" \
		sh -c "[ \$(cat /sys/class/nvme-kv/$kv/nsid) = 1 ] &&
		       [ \$(cat /sys/class/nvme-kv/$kv/max_value_len) = 1048576 ]"

	i=1
	for size in $VALUE_SIZES; do
		for klen in 1 16; do
			t "$tr: store then retrieve returns the same $size bytes, key length $klen" \
				roundtrip "/dev/$kv" "$(key_of $klen $i)" "$size"
			i=$((i + 1))
		done
	done
	t "$tr: store overwrites an existing value" overwrite "/dev/$kv"
	t "$tr: CLI exist and delete of a stored key, exit status 0" \
		sh -c "nvme-kv store /dev/$kv gone v && nvme-kv exist /dev/$kv gone &&
		       nvme-kv delete /dev/$kv gone"
	t "$tr: CLI exist of a deleted key exits 1 without a message" \
		sh -c "nvme-kv exist /dev/$kv gone 2> /tmp/err; [ \$? = 1 ] && [ ! -s /tmp/err ]"
	t "$tr: CLI delete of a missing key exits 1 with a message" \
		sh -c "nvme-kv delete /dev/$kv gone 2> /tmp/err; [ \$? = 1 ] &&
		       grep -q 'key does not exist' /tmp/err"
	t "$tr: CLI reports a missing key with exit status 1 and a message" \
		missing_key_message "/dev/$kv"
	t "$tr: CLI rejects a 17-byte key with exit status 2" \
		long_key_usage "/dev/$kv"
	if [ "$tr" = tcp ]; then
		t "tcp: a value stored over loop reads back over tcp" \
			sh -c "[ \"\$(nvme-kv retrieve /dev/$kv over)\" = second ]"
	fi
	kv_ioctl_test "/dev/$kv" "/dev/$ng" 1 > /tmp/ioctl.out 2>&1
	tap_lines "$tr: " < /tmp/ioctl.out
	kv_target_test "/dev/$ng" 1 "/dev/$ctrl" > /tmp/target.out 2>&1
	tap_lines "$tr: target: " < /tmp/target.out
	kv_workload concurrent "/dev/$ng" 1 8 300 > /tmp/conc.out 2>&1
	tap_lines "$tr: concurrency: " < /tmp/conc.out
	# loop fills the device; tcp frees half of it and stores anew
	if [ "$tr" = loop ]; then
		kv_workload fill "/dev/$ng" 1 524288 > /tmp/fill.out 2>&1
	else
		kv_workload drain "/dev/$ng" 1 524288 > /tmp/fill.out 2>&1
	fi
	tap_lines "$tr: target: " < /tmp/fill.out

	t "$tr: nvme disconnect" nvme disconnect -n "$NQN"
	echo 1 > /sys/class/nvme-kv/rescan
	t "$tr: rescan after disconnect removes /dev/$kv" kv_dev_gone "$kv"
	t "$tr: port goes down" port_down "$tr"
done

# the store is on the RAM disk: a disabled and re-enabled namespace replays it
replayed() {
	echo 0 > "$SUBSYS/namespaces/1/enable" &&
	echo 1 > "$SUBSYS/namespaces/1/enable" &&
	port_up loop && connect loop || return 1
	ctrl=$(ctrl_of loop)
	echo 1 > /sys/class/nvme-kv/rescan
	wait_for 5 kv_dev_exists "kv${ctrl#nvme}n1"
	v=$(nvme-kv retrieve "/dev/kv${ctrl#nvme}n1" over)
	nvme disconnect -n "$NQN" > /dev/null
	echo 1 > /sys/class/nvme-kv/rescan
	port_down loop
	echo "over = '$v'"
	[ "$v" = second ]
}
t "target: pairs survive a namespace disable and enable (log replay)" replayed

# per-namespace settings: the configfs csi_params string (namespace 2)
NS2=$SUBSYS/namespaces/2
params_refused() {
	for _p in "bogus=1" "max_value_len=0" "max_value_len=4k" \
		  "max_value_len=33554433" "group_commit=2" \
		  "group_commit_delay_us=1000001" "max_value_len"; do
		if echo "$_p" > "$NS2/csi_params"; then
			echo "accepted: $_p"
			return 1
		fi
	done
	[ -z "$(cat "$NS2/csi_params")" ]
}
t "target: csi_params of an NVM (csi 0) namespace is refused" \
	sh -c "mkdir $NS2 && echo /dev/ram1 > $NS2/device_path &&
	       ! echo max_value_len=4096 > $NS2/csi_params"
echo 1 > "$NS2/csi"
t "target: csi_params refuses unknown names and bad values, keeps nothing" \
	params_refused
t "target: csi_params takes max_value_len and group_commit, reads back" \
	sh -c "echo 'max_value_len=4096 group_commit=0' > $NS2/csi_params &&
	       [ \"\$(cat $NS2/csi_params)\" = 'max_value_len=4096 group_commit=0' ]"
t "target: csi cannot change while csi_params are set" \
	sh -c "! echo 0 > $NS2/csi"
t "target: namespace 2 enables with its csi_params" \
	sh -c "echo 1 > $NS2/enable &&
	       dmesg | grep -q 'nsid 2: KV store on /dev/ram1: .*values up to 4096 bytes, group commit off'"
t "target: csi_params cannot change while the namespace is enabled" \
	sh -c "! echo group_commit=1 > $NS2/csi_params"

# store_status <ng> <nsid> <size>: a raw Store of <size> bytes under key "k"
store_status() {
	head -c "$3" /dev/zero > /tmp/v
	nvme io-passthru "/dev/$1" --opcode=0x01 --namespace-id="$2" \
		--cdw2=0x6b --cdw10="$3" --cdw11=1 --data-len="$3" --write \
		--input-file=/tmp/v 2>&1
}
value_limit_applied() {
	port_up loop && connect loop > /dev/null || return 1
	ctrl=$(ctrl_of loop)
	echo 1 > /sys/class/nvme-kv/rescan
	wait_for 5 kv_dev_exists "kv${ctrl#nvme}n2" || return 1
	ng2=$(ng_of "$ctrl" 2) || return 1
	lim=$(cat "/sys/class/nvme-kv/kv${ctrl#nvme}n2/max_value_len")
	ok4096=$(store_status "$ng2" 2 4096)
	rc4096=$?
	bad=$(store_status "$ng2" 2 4097)
	rc4097=$?
	nvme disconnect -n "$NQN" > /dev/null
	echo 1 > /sys/class/nvme-kv/rescan
	port_down loop
	echo "limit $lim; 4096: $rc4096 $ok4096; 4097: $rc4097 $bad"
	[ "$lim" = 4096 ] && [ $rc4096 = 0 ] && [ $rc4097 != 0 ] &&
		echo "$bad" | grep -qiE "value size|\(0x[0-9a-f]?[0-9a-f]085\)"
}
t "target: max_value_len=4096 from csi_params: Identify reports it, 4096 stores, 4097 gets Invalid Value Size" \
	value_limit_applied

t "modules: nvme-kv unloads" rmmod nvme-kv
t "target: namespace disables and the subsystem goes away" target_down
t "modules: nvmet-kv, nvme-loop, nvmet-tcp and nvmet unload" \
	rmmod nvmet-kv nvme-loop nvmet-tcp nvmet
t "dmesg has no WARNING, BUG or Oops" \
	sh -c '! dmesg | grep -E "WARNING:|BUG:|Oops|Call Trace"'
tap_plan
