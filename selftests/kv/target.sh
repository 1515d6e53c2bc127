# SPDX-License-Identifier: GPL-2.0
# Target and host set-up for the in-guest selftests (busybox sh): one KV
# subsystem on a brd RAM disk, exported on a loop port and a TCP port on
# TCP_ADDR (default 127.0.0.1), and helpers to connect to it and find the
# devices.  The two-guest harness (selftests/pair-host.sh) sets TCP_ADDR and
# RDMA_ADDR to the target guest's address.

NQN=nqn.2026-11.io.nvme-kv:selftest
NVMET=/sys/kernel/config/nvmet
SUBSYS=$NVMET/subsystems/$NQN
TCP_PORT=4420
TCP_ADDR=${TCP_ADDR:-127.0.0.1}
RDMA_ADDR=${RDMA_ADDR:-10.99.0.1}

# rdma_link_up: soft-RoCE (rdma_rxe) on one end of a veth pair, with
# RDMA_ADDR; nvme-rdma to that address runs over rxe's loopback.
# iproute2-ip is iproute2's ip: busybox's applet cannot name a veth peer.
rdma_link_up() {
	modprobe rdma_rxe && modprobe veth || return 1
	iproute2-ip link add kvrdma0 type veth peer name kvrdma1 || return 1
	iproute2-ip link set kvrdma0 up && iproute2-ip link set kvrdma1 up &&
	iproute2-ip addr add "$RDMA_ADDR/24" dev kvrdma0 &&
	rdma link add kvrxe0 type rxe netdev kvrdma0
}

# ns_enable <namespace directory>: enable it and wait until it is ready.
# A KV namespace becomes ready only once its log is replayed (nvmet's
# "ready" attribute, NSTAT bit 0); the write to "enable" does not wait.
ns_enable() {
	echo 1 > "$1/enable" || return 1
	_ne=0
	while [ "$(cat "$1/ready")" != 1 ]; do
		_ne=$((_ne + 1))
		if [ $_ne -gt 1200 ]; then
			echo "ns_enable: $1 not ready after 120 s"
			return 1
		fi
		sleep 0.1
	done
}

# kv_settings <namespace directory> [settings]: give the KV namespace (csi
# 1, disabled) a new configfs group "kv" with those settings, "name=value"
# separated by blanks or commas, each name an attribute of the group; a
# setting not named has the module parameter's value.  Any group there
# before is removed first.  With no settings, the namespace keeps no group
# and is enabled with the module parameters.
kv_settings() {
	if [ -d "$1/kv" ]; then
		rmdir "$1/kv" || return 1
	fi
	[ -n "${2:-}" ] || return 0
	mkdir "$1/kv" || return 1
	for _kvs in $(echo "$2" | tr ',' ' '); do
		case "$_kvs" in
		*=*) ;;
		*) echo "kv_settings: \"$_kvs\" is not name=value"; return 1 ;;
		esac
		echo "${_kvs#*=}" > "$1/kv/${_kvs%%=*}" || {
			echo "kv_settings: kv/${_kvs%%=*} refused \"${_kvs#*=}\""
			return 1
		}
	done
}

# ns_remove <namespace directory>: disable it, remove its group "kv" if it
# has one (configfs keeps a directory with a child), then the namespace
ns_remove() {
	echo 0 > "$1/enable" || return 1
	if [ -d "$1/kv" ]; then
		rmdir "$1/kv" || return 1
	fi
	rmdir "$1"
}

# target_up <nsid> <backing device> [settings]: KV subsystem with that
# namespace, its settings as for kv_settings
target_up() {
	modprobe nvmet || return 1
	mkdir -p "$SUBSYS" || return 1
	echo 1 > "$SUBSYS/attr_allow_any_host" || return 1
	mkdir -p "$SUBSYS/namespaces/$1" || return 1
	echo "$2" > "$SUBSYS/namespaces/$1/device_path" || return 1
	echo 1 > "$SUBSYS/namespaces/$1/csi" || return 1
	kv_settings "$SUBSYS/namespaces/$1" "${3:-}" || return 1
	ns_enable "$SUBSYS/namespaces/$1"
}

# block_ns_up <nsid> <backing device>: a plain NVM namespace on the device
# a KV namespace uses, for one-sided readers of values the cache holds by
# location, read-only on the target (nvmet's read_only attribute, so no
# host can write the store's device); block_ns_down <nsid> removes it
block_ns_up() {
	mkdir -p "$SUBSYS/namespaces/$1" &&
	echo "$2" > "$SUBSYS/namespaces/$1/device_path" &&
	echo 1 > "$SUBSYS/namespaces/$1/read_only" &&
	ns_enable "$SUBSYS/namespaces/$1"
}
block_ns_down() {
	ns_remove "$SUBSYS/namespaces/$1"
}

# ns_params <nsid> <settings>: disable the KV namespace, give it those
# settings (kv_settings) and enable it again
ns_params() {
	echo 0 > "$SUBSYS/namespaces/$1/enable" &&
	kv_settings "$SUBSYS/namespaces/$1" "$2" &&
	ns_enable "$SUBSYS/namespaces/$1"
}

# port_up <loop|tcp|rdma>: a port of that transport, with the subsystem linked
port_up() {
	case "$1" in
	loop)	_p=$NVMET/ports/1
		modprobe nvme-loop || return 1
		# in-capsule data as on tcp, so APPEND has a capsule here too
		mkdir -p "$_p" && echo loop > "$_p/addr_trtype" &&
		echo 16384 > "$_p/param_inline_data_size" ;;
	tcp)	_p=$NVMET/ports/2
		modprobe nvmet-tcp || return 1
		mkdir -p "$_p" && echo tcp > "$_p/addr_trtype" &&
		echo ipv4 > "$_p/addr_adrfam" &&
		echo "$TCP_ADDR" > "$_p/addr_traddr" &&
		echo "$TCP_PORT" > "$_p/addr_trsvcid" ;;
	rdma)	_p=$NVMET/ports/3
		modprobe nvmet-rdma || return 1
		mkdir -p "$_p" && echo rdma > "$_p/addr_trtype" &&
		echo ipv4 > "$_p/addr_adrfam" &&
		echo "$RDMA_ADDR" > "$_p/addr_traddr" &&
		echo "$TCP_PORT" > "$_p/addr_trsvcid" &&
		echo 16384 > "$_p/param_inline_data_size" ;;
	esac || return 1
	ln -s "$SUBSYS" "$_p/subsystems/$NQN"
}

# port_inline <loop|tcp|rdma> [bytes]: set (or, without bytes, print) the
# most in-capsule data that transport's port takes (param_inline_data_size;
# 0: none, so a write's data waits for an R2T over tcp or is read by an
# RDMA READ over rdma).  nvmet takes it only while no subsystem is linked,
# and unlinking drops the port's controllers: disconnect the hosts first.
# A host reads the size (IOCCSZ) when it connects.
port_inline() {
	_p=$(dirname "$(grep -l "^$1\$" $NVMET/ports/*/addr_trtype)")
	if [ $# = 1 ]; then
		cat "$_p/param_inline_data_size"
		return
	fi
	rm "$_p/subsystems/$NQN" &&
	echo "$2" > "$_p/param_inline_data_size" &&
	ln -s "$SUBSYS" "$_p/subsystems/$NQN" &&
	[ "$(cat "$_p/param_inline_data_size")" = "$2" ]
}

port_down() {
	case "$1" in
	loop) _p=$NVMET/ports/1 ;;
	tcp) _p=$NVMET/ports/2 ;;
	rdma) _p=$NVMET/ports/3 ;;
	esac
	rm -f "$_p/subsystems/$NQN" && rmdir "$_p"
}

target_down() {
	for _ns in "$SUBSYS"/namespaces/*; do
		[ -d "$_ns" ] || continue
		ns_remove "$_ns"
	done
	rmdir "$SUBSYS"
}

# connect <loop|tcp>; nvme-fabrics loads the transport's host module itself
connect() {
	modprobe nvme-fabrics || return 1
	case "$1" in
	loop) nvme connect -t loop -n "$NQN" ;;
	tcp) nvme connect -t tcp -a "$TCP_ADDR" -s "$TCP_PORT" -n "$NQN" ;;
	rdma) nvme connect -t rdma -a "$RDMA_ADDR" -s "$TCP_PORT" -n "$NQN" ;;
	esac
}

# disconnect_down <transport>: disconnect NQN's controllers, rescan (which
# returns once nvme-kv has dropped their bindings), take the port down
disconnect_down() {
	nvme disconnect -n "$NQN" > /dev/null
	echo 1 > /sys/class/nvme-kv/rescan
	port_down "$1"
}

# ctrl_of <transport>: the controller (nvmeN) connected to NQN over it
# onesided_ready <kv>: nvme-kv reads the namespace's cache one-sided
onesided_ready() {
	[ "$(cat "/sys/class/nvme-kv/$1/onesided")" = 1 ]
}

ctrl_of() {
	for _c in /sys/class/nvme/nvme*; do
		[ -e "$_c/transport" ] || continue
		[ "$(cat "$_c/transport")" = "$1" ] || continue
		[ "$(cat "$_c/subsysnqn")" = "$NQN" ] || continue
		basename "$_c"
		return 0
	done
	return 1
}

# ng_of <nvmeN> [nsid]: the generic char device ngXnY of that namespace
# (default 1) of the controller.  Found through sysfs (with native multipath
# it belongs to the namespace head, under the controller's subsystem); the
# Y of ngXnY is an instance number, not the nsid, so the nsid is asked for.
ng_of() {
	for _d in /sys/class/nvme-generic/ng*; do
		[ -e "$_d" ] || continue
		_p=$(readlink -f "$_d/device")
		case "$_p" in
		*/"$1"|*/"$1"/*) ;;
		*/nvme-subsys*) [ -e "$_p/$1" ] || continue ;;
		*) continue ;;
		esac
		nvme get-ns-id "/dev/${_d##*/}" 2> /dev/null |
			grep -q "namespace-id:${2:-1}\$" || continue
		basename "$_d"
		return 0
	done
	return 1
}

# blk_of <nvmeN> <nsid>: the block disk nvmeXnY of that namespace of the
# controller.  As with ng_of, Y is an instance number: the host scans
# namespaces in parallel, so namespace 2 may well be nvmeXn1.  The disk's
# own sysfs nsid says which it is; path disks (nvmeXcYnZ) are hidden.
blk_of() {
	for _d in /sys/block/nvme*; do
		case "${_d##*/}" in *c*) continue ;; esac
		[ "$(cat "$_d/nsid" 2> /dev/null)" = "$2" ] || continue
		_p=$(readlink -f "$_d/device")
		case "$_p" in
		*/"$1"|*/"$1"/*) ;;
		*/nvme-subsys*) [ -e "$_p/$1" ] || continue ;;
		*) continue ;;
		esac
		basename "$_d"
		return 0
	done
	return 1
}

# kv_dev_exists <kvXnY>: nvme-kv's char device is there
kv_dev_exists() {
	[ -c "/dev/$1" ]
}
