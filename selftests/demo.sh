#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make demo: a KV target and host in one guest, connected over NVMe/TCP to
# 127.0.0.1; stores a few pairs and reads them back, lists them, and does
# the same with the nvme-cli plugin.
. /selftests/lib.sh
. /selftests/kv/target.sh

step() { echo "demo: $*"; }
fail() { echo "demo: FAILED: $*"; exit 1; }

step "target: KV namespace (csi 1) on a 64 MiB RAM disk, NVMe/TCP port 127.0.0.1:$TCP_PORT"
modprobe brd rd_nr=1 rd_size=65536 || fail "brd"
# its settings: the configfs group kv, one attribute each (a setting not
# written keeps its module parameter's value)
target_up 1 /dev/ram0 "max_value_len=65536 group_commit=1" || fail "target set-up"
step "target: settings in $SUBSYS/namespaces/1/kv: $(cd "$SUBSYS/namespaces/1/kv" &&
	for a in max_value_len group_commit cache_slots; do printf '%s %s, ' $a "$(cat $a)"; done)..."
port_up tcp || fail "tcp port"
step "host: nvme connect -t tcp -a 127.0.0.1 -s $TCP_PORT -n $NQN"
connect tcp > /dev/null || fail "connect"
ctrl=$(ctrl_of tcp)
wait_for 10 ng_of "$ctrl" > /dev/null || fail "no generic namespace device"
modprobe nvme-kv || fail "nvme-kv"
kv=/dev/kv${ctrl#nvme}n1
wait_for 5 test -c "$kv" || fail "$kv did not appear"
step "host: $ctrl bound as $kv (max value $(cat /sys/class/nvme-kv/${kv#/dev/}/max_value_len) bytes)"
echo

echo "Store:"
for pair in "greeting=hello, key-value world" "answer=42" \
	    "sixteen-byte-key=the longest key the KV command set allows"; do
	k=${pair%%=*}
	v=${pair#*=}
	nvme-kv store "$kv" "$k" "$v" || fail "store $k"
	printf '  %-18s <- "%s"\n' "$k" "$v"
done
head -c 65536 /dev/urandom > /tmp/blob
nvme-kv store "$kv" blob -f /tmp/blob || fail "store blob"
printf '  %-18s <- %s random bytes (sha256 %s)\n' blob 65536 \
	"$(sha256sum < /tmp/blob | cut -c1-16)"
echo
echo "Retrieve:"
for k in greeting answer sixteen-byte-key; do
	printf '  %-18s -> "%s"\n' "$k" "$(nvme-kv retrieve "$kv" "$k")" ||
		fail "retrieve $k"
done
nvme-kv retrieve "$kv" blob -f /tmp/blob.back || fail "retrieve blob"
printf '  %-18s -> %s bytes (sha256 %s), %s\n' blob \
	"$(wc -c < /tmp/blob.back)" "$(sha256sum < /tmp/blob.back | cut -c1-16)" \
	"$(cmp -s /tmp/blob /tmp/blob.back && echo identical || echo DIFFERENT)"
printf '  %-18s -> ' missing
nvme-kv retrieve "$kv" missing 2>&1
echo "  (exit status $?)"
echo
ng=/dev/$(ng_of "$ctrl")
echo "List, identify and stats through the nvme-kv CLI:"
show() { echo "  \$ $*"; "$@" 2>&1 | sed 's/^/  /'; }
show nvme-kv list "$kv" -o json
show nvme-kv identify "$kv"
show nvme-kv stats "$kv" -o json
echo
echo "The nvme-cli plugin on the generic char device $ng (passthrough, no nvme-kv.ko needed):"
show nvme kv store "$ng" --key=plugin --value="stored by nvme kv"
show nvme kv retrieve "$ng" --key=plugin
echo
show nvme kv retrieve "$ng" --key=greeting -o json
show nvme kv exist "$ng" --key=missing
show nvme kv id-ns "$ng"
echo
nvme disconnect -n "$NQN" > /dev/null
echo "demo: done"
