# SPDX-License-Identifier: GPL-2.0
# TAP helpers for the in-guest selftests (busybox sh).
#
#   t "<name>" <command...>    run a command; passes when it exits 0, its
#                              output becomes TAP diagnostics when it fails;
#                              returns 0 when it passed, 1 when not;
#                              one taking 20 s or more adds "# took Ns"
#   ok <0|1> "<name>"          record a result computed by the caller
#   tap_lines "<prefix>"       turn "PASS name" / "FAIL name: why" lines on
#                              stdin into results
#   tap_plan                   print the plan; call last

TAP_N=0

ok() {
	TAP_N=$((TAP_N + 1))
	if [ "$1" = 0 ]; then
		echo "ok $TAP_N - $2"
	else
		echo "not ok $TAP_N - $2"
	fi
}

t() {
	_name=$1
	shift
	_tap_start=$(date +%s)
	if "$@" > /tmp/tap.out 2>&1; then
		_tap_rc=0
		ok 0 "$_name"
	else
		_tap_rc=1
		ok 1 "$_name"
		sed 's/^/# /' /tmp/tap.out | tail -n 20
	fi
	# a slow test says so, so that a run that nears its timeout on a
	# slower machine shows where the time went
	_tap_secs=$(($(date +%s) - _tap_start))
	if [ "$_tap_secs" -ge 20 ]; then
		echo "# took ${_tap_secs}s"
	fi
	return $_tap_rc
}

tap_lines() {
	while IFS= read -r _line; do
		case "$_line" in
		"PASS "*) ok 0 "$1${_line#PASS }" ;;
		"FAIL "*) ok 1 "$1${_line#FAIL }" ;;
		*) echo "# $_line" ;;
		esac
	done
}

tap_plan() {
	echo "1..$TAP_N"
}

# wait_for <seconds> <command...>: poll until the command succeeds
wait_for() {
	_i=$(($1 * 10))
	shift
	while [ $_i -gt 0 ]; do
		"$@" > /dev/null 2>&1 && return 0
		sleep 0.1
		_i=$((_i - 1))
	done
	"$@"
}

# module_sections: "section MODULE NAME ADDRESS" for every section of every
# module, for the attribution of the instruction counter's module pages
# (scripts/cost-attrib.awk)
module_sections() {
	for _m in /sys/module/*/sections; do
		_mod=${_m%/sections}
		_mod=${_mod##*/}
		for _s in "$_m"/.* "$_m"/*; do
			[ -f "$_s" ] || continue
			echo "section $_mod ${_s##*/} $(cat "$_s")"
		done
	done
}

# cmdline_num <name> <default>: the number nvmekv.<name>= gives on the
# kernel command line, else <default> (the benchmarks' parameters)
cmdline_num() {
	_v=$(sed -n "s/.*nvmekv\.$1=\([0-9]*\).*/\1/p" /proc/cmdline)
	echo "${_v:-$2}"
}
