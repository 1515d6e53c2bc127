#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# nvmet-kv-config without a kernel: save of a tree of plain files shaped
# like nvmet's configfs, and restore of hostile files, each refused with
# one line and a non-zero exit before anything is made, and clear's
# usage and refusals.  The guest's selftests save, clear and restore the
# real tree (selftests/run.sh).
#   nvmet_config_test.sh <path to nvmet-kv-config>
tool=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export NVMET_CONFIGFS=$T/cfs
mkdir -p "$T/cfs/hosts" "$T/cfs/ports" "$T/cfs/subsystems"
n=0
failed=0

result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - nvmet-kv-config: $2"
	else
		echo "not ok $n - nvmet-kv-config: $2"
		sed 's/^/# /' "$T/err"
		failed=$((failed + 1))
	fi
}

# refused <status> <name> <json>: restore of <json> exits <status> with one
# line on stderr and leaves the tree as it was
refused() {
	printf '%s\n' "$3" > "$T/in.json"
	(cd "$T/cfs" && find . | sort) > "$T/before"
	"$tool" restore "$T/in.json" > /dev/null 2> "$T/err"
	got=$?
	(cd "$T/cfs" && find . | sort) > "$T/after"
	[ "$got" = "$1" ] && [ "$(wc -l < "$T/err")" = 1 ] &&
		cmp -s "$T/before" "$T/after"
	result $? "$2"
}

ns() { echo "{\"subsystems\": [{\"nqn\": \"nqn.x\", \"namespaces\": [$1]}]}"; }
NS_OK='"nsid": 1, "device": {"path": "/dev/ram0"}'

"$tool" > /dev/null 2> "$T/err"
[ $? = 2 ] && [ "$(wc -l < "$T/err")" = 1 ]
result $? "no command is a usage error (2)"
"$tool" restore > /dev/null 2> "$T/err"
[ $? = 2 ] && [ "$(wc -l < "$T/err")" = 1 ]
result $? "restore without a file is a usage error (2)"
"$tool" restore "$T/none.json" > /dev/null 2> "$T/err"
[ $? = 1 ] && [ "$(wc -l < "$T/err")" = 1 ]
result $? "restore of a missing file fails"
refused 1 "a file that is not JSON is refused" '{"subsystems": ['
refused 1 "a JSON array is refused" '[]'
refused 1 "a subsystem named .. is refused" '{"subsystems": [{"nqn": ".."}]}'
refused 1 "a subsystem name with / is refused" '{"subsystems": [{"nqn": "../../../tmp/x"}]}'
refused 1 "a subsystem name with a blank is refused" '{"subsystems": [{"nqn": "a b"}]}'
refused 1 "a host named . is refused" '{"hosts": [{"nqn": "."}]}'
refused 1 "a subsystem attribute save does not write is refused" \
	'{"subsystems": [{"nqn": "nqn.x", "attr": {"../enable": "1"}}]}'
refused 1 "an attribute value with a newline is refused" \
	'{"subsystems": [{"nqn": "nqn.x", "attr": {"serial": "1\n2"}}]}'
refused 1 "a port id above 65535 is refused" '{"ports": [{"portid": 65536}]}'
refused 1 "a port address attribute save does not write is refused" \
	'{"ports": [{"portid": 1, "addr": {"trtype": "tcp", "x": "y"}}]}'
refused 1 "a port linked to a subsystem named ../x is refused" \
	'{"ports": [{"portid": 1, "subsystems": ["../x"]}]}'
refused 1 "nsid 0 is refused" "$(ns '"nsid": 0, "device": {"path": "/dev/ram0"}')"
refused 1 "nsid FFFFFFFFh is refused" "$(ns '"nsid": 4294967295, "device": {"path": "/dev/ram0"}')"
refused 1 "an nsid given as a string is refused" "$(ns '"nsid": "1", "device": {"path": "/dev/ram0"}')"
refused 1 "a namespace without a device path is refused" "$(ns '"nsid": 1, "device": {}')"
refused 1 "enable 2 is refused" "$(ns "$NS_OK, \"enable\": 2")"
refused 1 "csi 256 is refused" "$(ns "$NS_OK, \"csi\": 256")"
refused 1 "a kv setting named ../enable is refused" "$(ns "$NS_OK, \"kv\": {\"../enable\": 1}")"
refused 1 "a kv setting of -1 is refused" "$(ns "$NS_OK, \"kv\": {\"max_value_len\": -1}")"
refused 1 "a kv setting of 1.5 is refused" "$(ns "$NS_OK, \"kv\": {\"max_value_len\": 1.5}")"
refused 1 "a kv setting given as a string is refused" "$(ns "$NS_OK, \"kv\": {\"max_value_len\": \"4096\"}")"
refused 1 "a kv setting above 2^32-1 is refused" "$(ns "$NS_OK, \"kv\": {\"cache_slots\": 4294967296}")"
mkdir "$T/cfs/subsystems/nqn.x"
refused 1 "a subsystem that exists is refused" "$(ns "$NS_OK")"

# save: a tree of plain files with one KV namespace and its group kv
S=$T/cfs/subsystems/nqn.x
mkdir -p "$S/namespaces/7/kv" "$S/allowed_hosts"
echo 1 > "$S/attr_allow_any_host"
echo 0123 > "$S/attr_serial"
echo /dev/ram1 > "$S/namespaces/7/device_path"
echo 00000000-0000-0000-0000-000000000001 > "$S/namespaces/7/device_uuid"
echo 00000000-0000-0000-0000-000000000002 > "$S/namespaces/7/device_nguid"
echo 1 > "$S/namespaces/7/ana_grpid"
echo 1 > "$S/namespaces/7/enable"
echo 1 > "$S/namespaces/7/csi"
echo 4096 > "$S/namespaces/7/kv/max_value_len"
echo 0 > "$S/namespaces/7/kv/group_commit"
mkdir -p "$T/cfs/ports/2/subsystems"
echo tcp > "$T/cfs/ports/2/addr_trtype"
echo 127.0.0.1 > "$T/cfs/ports/2/addr_traddr"
ln -s "$S" "$T/cfs/ports/2/subsystems/nqn.x"
"$tool" save "$T/out.json" 2> "$T/err" &&
jq -e '.subsystems[0].nqn == "nqn.x" and
	.subsystems[0].attr == {allow_any_host: "1", serial: "0123"} and
	.subsystems[0].namespaces[0] == {nsid: 7, enable: 1, ana_grpid: 1,
		device: {path: "/dev/ram1",
			 uuid: "00000000-0000-0000-0000-000000000001",
			 nguid: "00000000-0000-0000-0000-000000000002"},
		csi: 1, kv: {max_value_len: 4096, group_commit: 0}} and
	.ports == [{portid: 2, addr: {traddr: "127.0.0.1", trtype: "tcp"},
		    param: {}, subsystems: ["nqn.x"], referrals: []}] and
	.hosts == []' "$T/out.json" > /dev/null 2>> "$T/err"
result $? "save writes nvmetcli's keys, with csi and the group kv as numbers"
"$tool" save "$T/out2.json" extra > /dev/null 2> "$T/err"
[ $? = 2 ]
result $? "save with two files is a usage error (2)"

# clear: usage, nothing to clear, and a removal refused (a directory of
# plain files is not empty where configfs's would be), reported by name
"$tool" clear extra > /dev/null 2> "$T/err"
[ $? = 2 ] && [ "$(wc -l < "$T/err")" = 1 ]
result $? "clear with an argument is a usage error (2)"
NVMET_CONFIGFS=$T/none "$tool" clear > "$T/out" 2> "$T/err" &&
	[ ! -s "$T/out" ] && [ ! -s "$T/err" ]
result $? "clear with no nvmet tree does nothing and succeeds"
"$tool" clear > /dev/null 2> "$T/err"
[ $? = 1 ] && [ "$(wc -l < "$T/err")" = 1 ] && grep -q 'ports/2' "$T/err" &&
	[ ! -L "$T/cfs/ports/2/subsystems/nqn.x" ] && [ -d "$S" ]
result $? "clear unlinks a port first, and stops with one line naming what it cannot remove"

echo "1..$n"
[ $failed = 0 ]
