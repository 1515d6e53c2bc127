#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Argument handling of the nvme-kv CLI, which needs no device: every bad
# argument gets a one-line message and exit status 2.
#   cli_test.sh <path to nvme-kv>
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
echo "1..$n"
[ $failed = 0 ]
