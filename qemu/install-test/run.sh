#!/bin/sh
# The install test in its booted Debian 12 guest (scripts/install-test.sh),
# run by nvmekv-install-test.service at each boot.  TAP lines go to the
# second serial port (build/install/install.out).  Boot 1 installs the
# packages, makes a KV target, saves and restores it, stores pairs through
# a tcp connection, then reboots; boot 2 checks what systemd restored and
# the pairs, removes nvme-kv-dkms and checks the stock nvmet, then powers
# off.
set -u

state=/var/lib/nvmekv-install-test
out=/dev/ttyS1
log=$state/log
NVMET=/sys/kernel/config/nvmet
NQN=nqn.2026-12.org.example.nvmekv:install
SUBSYS=$NVMET/subsystems/$NQN
PORT=$NVMET/ports/1
NVM_NQN=nqn.2026-12.org.example.nvmekv:stock
PAIRS=20
mkdir -p "$state"
n=$(cat "$state/n" 2> /dev/null || echo 0)
phase=$(cat "$state/phase" 2> /dev/null || echo install)

# t <name> <command...>: one TAP line; a failure's output follows as comments
t() {
	_name=$1
	shift
	n=$((n + 1))
	echo "$n" > "$state/n"
	if "$@" > "$log" 2>&1; then
		echo "ok $n - $_name" > $out
	else
		echo "not ok $n - $_name" > $out
		tail -n 40 "$log" | sed 's/^/# /' > $out
	fi
}
note() { echo "# $*" > $out; }

# wait_for <seconds> <command...>
wait_for() {
	_w=$(($1 * 10))
	shift
	while ! "$@" 2> /dev/null; do
		_w=$((_w - 1))
		[ $_w -gt 0 ] || return 1
		sleep 0.1
	done
}

kv_dev() {
	for _k in /dev/kv*n*; do
		[ -c "$_k" ] && echo "$_k" && return 0
	done
	return 1
}
kv_bound() { kv_dev > /dev/null; }

# through the packages' own files: the udev rule loads nvme-kv
connected_kv() {
	wait_for 120 kv_bound || { ls -l /dev/ng* /dev/kv* 2>&1; lsmod | grep nvme; return 1; }
	grep -q '^nvme_kv ' /proc/modules
}

make_target() {
	modprobe nvmet &&
	mkdir "$SUBSYS" &&
	echo 1 > "$SUBSYS/attr_allow_any_host" &&
	mkdir "$SUBSYS/namespaces/1" &&
	echo /dev/vdb > "$SUBSYS/namespaces/1/device_path" &&
	echo 1 > "$SUBSYS/namespaces/1/csi" &&
	mkdir "$SUBSYS/namespaces/1/kv" &&
	echo 1 > "$SUBSYS/namespaces/1/enable" &&
	mkdir "$PORT" &&
	echo tcp > "$PORT/addr_trtype" &&
	echo ipv4 > "$PORT/addr_adrfam" &&
	echo 127.0.0.1 > "$PORT/addr_traddr" &&
	echo 4420 > "$PORT/addr_trsvcid" &&
	ln -s "$SUBSYS" "$PORT/subsystems/$NQN"
}

save_clear_restore() {
	mkdir -p /etc/nvmet &&
	nvmet-kv-config save /etc/nvmet/nvmet-kv.json &&
	nvmet-kv-config clear &&
	[ ! -e "$SUBSYS" ] &&
	systemctl enable --now nvmet-kv.service &&
	[ "$(cat "$SUBSYS/namespaces/1/enable")" = 1 ] &&
	[ "$(cat "$SUBSYS/namespaces/1/csi")" = 1 ]
}

store_pairs() {
	_kv=$(kv_dev) || return 1
	_i=0
	while [ $_i -lt $PAIRS ]; do
		nvme-kv store "$_kv" "key-$_i" "value $_i of the install test" || return 1
		_i=$((_i + 1))
	done
}

# check_pairs: every pair reads back, by retrieve and exist
check_pairs() {
	_kv=$(kv_dev) || return 1
	_i=0
	while [ $_i -lt $PAIRS ]; do
		_v=$(nvme-kv retrieve "$_kv" "key-$_i") || return 1
		[ "$_v" = "value $_i of the install test" ] || {
			echo "key-$_i: '$_v'"
			# what the host and the target say about it: the
			# value's bytes, the counters, and the same a while later
			nvme-kv retrieve "$_kv" "key-$_i" -v -o json 2>&1 | head -n 12
			nvme-kv stats "$_kv" | grep -E 'bytes_read|retrieve|errors'
			grep -E 'retrieve' /sys/kernel/debug/nvmet_kv/* 2> /dev/null ||
				{ mount -t debugfs none /sys/kernel/debug &&
				  grep -E 'retrieve' /sys/kernel/debug/nvmet_kv/*; }
			sleep 5
			echo "5 s later: '$(nvme-kv retrieve "$_kv" "key-$_i")'"
			# which reads are wrong: the newest pair, a key fio
			# stored, and a pair stored now
			echo "key-19: '$(nvme-kv retrieve "$_kv" key-19)'"
			nvme-kv exist "$_kv" "key-$_i"; echo "exist: $?"
			_f=$(nvme-kv list "$_kv" -s fio | head -n 1)
			echo "$_f: $(nvme-kv retrieve "$_kv" "$_f" -o json | grep value_len)"
			nvme-kv store "$_kv" fresh "stored after the reboot"
			echo "fresh: '$(nvme-kv retrieve "$_kv" fresh)'"
			dmesg | tail -n 8
			return 1
		}
		nvme-kv exist "$_kv" "key-$_i" || return 1
		_i=$((_i + 1))
	done
	! nvme-kv exist "$_kv" "key-$PAIRS"
	# the test's pairs; fio_verify's keys are "fio..."
	[ "$(nvme-kv list "$_kv" | grep -c '^key-')" = $PAIRS ]
}

# the kv plugin of the rebuilt nvme-cli package, on the KV namespace's
# generic char device (stock nvme-core makes /dev/ngXnY for a namespace of
# a command set it does not know)
ng_dev() {
	for _g in /dev/ng*n*; do
		[ -c "$_g" ] && "$NVME" kv id-ns "$_g" > /dev/null 2>&1 &&
			echo "$_g" && return 0
	done
	return 1
}
NVME=/usr/sbin/nvme
plugin_installed() {
	_v=$(dpkg-query -W -f='${Version}' nvme-cli) || return 1
	echo "nvme-cli $_v"
	case $_v in *+nvmekv*) ;; *) return 1 ;; esac
	"$NVME" kv help 2>&1 | grep -q retrieve &&
		dpkg -L nvme-cli | grep -q '/man1/nvme-kv-store\.1'
}
# plugin_pairs [store]: the plugin reads what nvme-kv stored, lists it, and
# with "store" stores a pair of its own first; either way that pair reads
# back through the plugin and through nvme-kv
plugin_pairs() {
	_ng=$(ng_dev) || { ls -l /dev/ng* 2>&1; return 1; }
	_kv=$(kv_dev) || return 1
	echo "plugin on $_ng, nvme-kv on $_kv"
	if [ "${1:-}" = store ]; then
		"$NVME" kv store "$_ng" -k plugin-key -V "stored by nvme kv" || return 1
	fi
	"$NVME" kv retrieve "$_ng" -k key-3 -f /tmp/p3 || return 1
	[ "$(cat /tmp/p3)" = "value 3 of the install test" ] || {
		echo "key-3 through the plugin: '$(cat /tmp/p3)'"
		return 1
	}
	"$NVME" kv retrieve "$_ng" -k plugin-key -f /tmp/pk || return 1
	[ "$(cat /tmp/pk)" = "stored by nvme kv" ] &&
	[ "$(nvme-kv retrieve "$_kv" plugin-key)" = "stored by nvme kv" ] || return 1
	_n=$("$NVME" kv list "$_ng" -o json | jq '[.keys[] | select((.key // "") | startswith("key-"))] | length')
	echo "the plugin lists $_n key-* pairs"
	[ "$_n" = $PAIRS ]
}

# the engine where the package put it, on the bound namespace
fio_verify() {
	_kv=$(kv_dev) || return 1
	_so=$(dpkg -L fio-nvmekv | grep '/fio-nvmekv\.so$') || return 1
	fio --name=install --ioengine="external:$_so" --filename="$_kv" \
		--rw=randwrite --size=64k --bsrange=64-1024 --verify=crc32c \
		--do_verify=1 --kv_key_prefix=fio --output-format=terse > /tmp/fio.out || return 1
	# terse: field 5 is the job's error
	[ "$(cut -d';' -f5 /tmp/fio.out)" = 0 ]
}

dkms_installed() {
	dkms status nvme-kv | tee /dev/stderr | grep -q "$(uname -r).*: installed"
}

# modinfo resolves nvmet the way modprobe does
nvmet_from() {
	_f=$(modinfo -n "$1") || return 1
	echo "$1: $_f"
	# shellcheck disable=SC2254 # $2 is a glob pattern
	case $_f in $2) return 0 ;; esac
	return 1
}

dkms_modules() {
	for _m in nvmet nvme-loop nvmet-tcp nvmet-rdma nvmet-fc nvme-fcloop nvmet-kv nvme-kv; do
		nvmet_from $_m "/lib/modules/$(uname -r)/updates/dkms/*" || return 1
	done
}

no_dkms() {
	_s=$(dkms status nvme-kv) || return 1
	echo "$_s"
	[ -z "$_s" ]
}

target_restored() {
	systemctl is-active nvmet-kv.service &&
	[ "$(cat "$SUBSYS/namespaces/1/enable")" = 1 ] &&
	[ "$(cat "$SUBSYS/namespaces/1/csi")" = 1 ] &&
	[ -L "$PORT/subsystems/$NQN" ]
}

unload_all() {
	nvme disconnect-all
	systemctl stop nvmet-kv.service &&
	modprobe -r nvme-kv nvmet-kv nvmet-tcp nvme-loop nvmet &&
	! grep -q '^nvmet ' /proc/modules
}

stock_nvmet_works() {
	# each step in the log (a failure's comments say which one)
	set -x
	nvmet_from nvmet "/lib/modules/$(uname -r)/kernel/drivers/nvme/target/*" &&
	! modinfo nvmet-kv > /dev/null 2>&1 &&
	modprobe nvmet && modprobe nvme-loop &&
	! grep -q ' nvmet_register_iocs' /proc/kallsyms &&
	dd if=/dev/urandom of=/var/tmp/nvm.img bs=1M count=8 status=none &&
	mkdir "$NVMET/subsystems/$NVM_NQN" &&
	echo 1 > "$NVMET/subsystems/$NVM_NQN/attr_allow_any_host" &&
	mkdir "$NVMET/subsystems/$NVM_NQN/namespaces/1" &&
	echo /var/tmp/nvm.img > "$NVMET/subsystems/$NVM_NQN/namespaces/1/device_path" &&
	echo 1 > "$NVMET/subsystems/$NVM_NQN/namespaces/1/enable" &&
	mkdir "$NVMET/ports/2" && echo loop > "$NVMET/ports/2/addr_trtype" &&
	ln -s "$NVMET/subsystems/$NVM_NQN" "$NVMET/ports/2/subsystems/$NVM_NQN" &&
	nvme connect -t loop -n "$NVM_NQN" &&
	wait_for 60 nvm_dev > /dev/null &&
	_d=$(nvm_dev) && echo "stock NVM namespace: $_d" &&
	cmp -n 8388608 "$_d" /var/tmp/nvm.img
	_st=$?
	set +x
	return $_st
}
# the block device of NVM_NQN's namespace: with native multipath (Debian's
# default) it is the subsystem's head, nvme<subsys>n<nsid>, whose device
# is the subsystem, not a controller; either has subsysnqn
nvm_dev() {
	for _b in /sys/block/nvme*n*; do
		[ "$(cat "$_b/device/subsysnqn" 2> /dev/null)" = "$NVM_NQN" ] || continue
		[ -b "/dev/${_b##*/}" ] && echo "/dev/${_b##*/}" && return 0
	done
	return 1
}

case $phase in
install)
	note "boot 1: $(uname -r), $(systemctl is-system-running 2> /dev/null)"
	t "apt install libnvmekv1, nvme-kv-tools, fio-nvmekv and nvme-kv-dkms (DKMS builds the modules)" \
		env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		/root/debs/libnvmekv1_*.deb /root/debs/nvme-kv-tools_*.deb \
		/root/debs/fio-nvmekv_*.deb /root/debs/nvme-kv-dkms_*.deb
	t "apt install nvme-cli rebuilt with the kv plugin (make deb-nvme-cli), over Debian's" \
		env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		/root/debs/nvme-cli_*+nvmekv1_*.deb
	t "nvme-cli is the rebuilt package, with nvme kv and its man pages" plugin_installed
	t "dkms status: nvme-kv installed for $(uname -r)" dkms_installed
	t "modinfo: nvmet, nvme-loop, nvmet-tcp, nvmet-rdma, nvmet-fc, nvme-fcloop, nvmet-kv and nvme-kv are the DKMS builds" \
		dkms_modules
	t "a KV target over tcp made in configfs" make_target
	t "the nvmet loaded is the DKMS build (/sys/module/nvmet/version)" \
		grep -q -- '-nvmekv' /sys/module/nvmet/version
	t "nvmet-kv-config save, clear, and nvmet-kv.service restores it" save_clear_restore
	t "nvme connect over tcp" nvme connect -t tcp -a 127.0.0.1 -s 4420 -n "$NQN"
	t "the udev rule loads nvme-kv, which binds /dev/kvXnY" connected_kv
	t "nvme-kv store: $PAIRS pairs" store_pairs
	t "nvme-kv retrieve, exist and list read them back" check_pairs
	t "nvme kv (the plugin) stores a pair, reads nvme-kv's pairs and lists them" \
		plugin_pairs store
	t "fio with fio-nvmekv's engine writes and verifies values" fio_verify
	# host and target are one machine here: the host lets go before the
	# target's service stops at shutdown
	printf '%s\n' "--transport=tcp --traddr=127.0.0.1 --trsvcid=4420" \
		> /etc/nvme/discovery.conf
	t "nvme disconnect-all" nvme disconnect-all
	echo reboot > "$state/phase"
	note "rebooting"
	sync
	systemctl --no-block reboot
	;;
reboot)
	note "boot 2: $(uname -r), $(systemctl is-system-running 2> /dev/null)"
	t "after the reboot nvmet-kv.service restored the KV namespace and the port" \
		target_restored
	t "nvme connect-all (discovery.conf) connects the KV subsystem" nvme connect-all
	t "the udev rule binds the KV namespace again" connected_kv
	t "the $PAIRS pairs are still there (the store replayed)" check_pairs
	t "nvme kv reads the pairs after the reboot, its own too" plugin_pairs
	t "nvmet-kv.service stops, and every module unloads" unload_all
	t "apt remove nvme-kv-dkms" env DEBIAN_FRONTEND=noninteractive \
		apt-get remove -y nvme-kv-dkms
	t "dkms status: no nvme-kv left" no_dkms
	t "the stock nvmet is back: an NVM namespace over loop connects and reads" \
		stock_nvmet_works
	nvme disconnect-all > /dev/null 2>&1
	echo "1..$n" > $out
	echo finished > "$state/phase"
	sync
	systemctl --no-block poweroff
	;;
*)
	note "phase $phase: nothing to do"
	systemctl --no-block poweroff
	;;
esac
