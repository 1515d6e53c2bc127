#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Argument handling of the nvme-kv CLI, which needs no device: every bad
# argument gets a one-line message and exit status 2.
#   cli_test.sh <path to nvme-kv> [<path to nvmekv-ycsb>]
cli=$1
n=0
failed=0

# expect <status> <name> <args...>
expect() {
	want=$1
	name=$2
	shift 2
	"$cli" "$@" > /tmp/nvme-kv-cli.out 2> /tmp/nvme-kv-cli.err
	got=$?
	lines=$(wc -l < /tmp/nvme-kv-cli.err)
	n=$((n + 1))
	if [ "$got" = "$want" ] && { [ "$want" = 0 ] || [ "$lines" = 1 ]; }; then
		echo "ok $n - cli: $name"
	else
		echo "not ok $n - cli: $name"
		echo "# exit $got (want $want), stderr $lines lines:"
		sed 's/^/# /' /tmp/nvme-kv-cli.err
		failed=$((failed + 1))
	fi
}

expect 2 "no command is a usage error"
expect 2 "unknown command is a usage error" frobnicate
expect 0 "--help succeeds" --help
expect 0 "store --help succeeds" store --help
expect 0 "retrieve --help succeeds" retrieve --help
expect 2 "store without a key is a usage error" store /dev/null
expect 2 "a 17-byte key is a usage error" store /dev/null 12345678901234567 v
expect 2 "an empty key is a usage error" retrieve /dev/null ""
expect 2 "an odd-length hex key is a usage error" retrieve /dev/null abc --key-hex
expect 2 "a non-hex digit in a hex key is a usage error" retrieve /dev/null 0g --key-hex
expect 2 "--if-exists with --if-absent is a usage error" store /dev/null k v -e -a
expect 2 "a value and --value-file together are a usage error" store /dev/null k v -f /dev/null
expect 2 "an unknown option is a usage error" retrieve /dev/null k --bogus
expect 0 "delete --help succeeds" delete --help
expect 0 "exist --help succeeds" exist --help
expect 2 "delete with a value is a usage error" delete /dev/null k v
expect 2 "exist with a 17-byte key is a usage error" exist /dev/null 12345678901234567
expect 4 "a missing device fails with exit status 4" retrieve /nonexistent/kv0n1 k
expect 0 "list --help succeeds" list --help
expect 0 "identify --help succeeds" identify --help
expect 0 "stats --help succeeds" stats --help
expect 2 "list with a key argument is a usage error" list /dev/null k
expect 2 "list --max-keys 0 is a usage error" list /dev/null -m 0
expect 2 "list --max-keys -1 is a usage error" list /dev/null --max-keys=-1
expect 2 "list --max-keys abc is a usage error" list /dev/null -m abc
expect 2 "-n 0 is a usage error" retrieve /dev/null k -n 0
expect 2 "-n 0xffffffff is a usage error" list /dev/null --namespace-id=0xffffffff
expect 2 "-n abc is a usage error" exist /dev/null k -n abc
expect 2 "-n on a device that is neither /dev/nvme<N> nor /dev/kv* is a usage error" \
	store /dev/null k v -n 1
expect 4 "-n 3 on a controller opens /dev/kv<ctrl>n3 (missing here: exit status 4)" \
	retrieve /dev/nvme9999 k -n 3
expect 0 "-v is accepted (with --help)" list -v --help
expect 2 "-o binary is refused for store" store /dev/null k v -o binary
expect 2 "-o binary is refused for list" list /dev/null -o binary
expect 2 "-o hex is refused for identify" identify /dev/null -o hex
expect 2 "list with a 17-byte start key is a usage error" list /dev/null -s 12345678901234567
expect 2 "an unknown output format is a usage error" retrieve /dev/null k -o xml
expect 2 "-o hex is refused for store" store /dev/null k v -o hex
expect 2 "identify without a device is a usage error" identify
expect 2 "stats with two devices is a usage error" stats /dev/null /dev/null
expect 4 "stats of a device that is not /dev/kv* fails with exit status 4" stats /dev/null

# nvmekv-ycsb, when given as the second argument: the same rules
ycsb=${2:-}
if [ -n "$ycsb" ]; then
	cli=$ycsb
	expect 2 "ycsb: no arguments is a usage error"
	expect 2 "ycsb: a phase other than load or run is a usage error" /dev/null go
	expect 2 "ycsb: workload d is a usage error" /dev/null run -w d
	expect 2 "ycsb: -r 1 is a usage error" /dev/null run -r 1
	expect 2 "ycsb: -t 0 is a usage error" /dev/null run -t 0
	expect 2 "ycsb: -z 1 is a usage error" /dev/null run -z 1
	expect 2 "ycsb: -v abc is a usage error" /dev/null run -v abc
	expect 2 "ycsb: an extra argument is a usage error" /dev/null run extra
	expect 1 "ycsb: a missing device fails with exit status 1" /nonexistent run
fi
echo "1..$n"
[ $failed = 0 ]
