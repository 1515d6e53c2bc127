#!/bin/sh
# Smoke test of the two-guest topology (qemu/pair.sh, suite smoke): the
# host guest's own TAP (selftests/pair-host.sh), then checks on what the
# instruction counter found on each guest in the windows of two fixed
# workloads over nvme-tcp, three times each (200 8-byte PIGGYBACK Stores,
# 200 Retrieves of them), in an idle window, and in one with a loop of a
# known cost planted in the target guest.  TAP on stdout.
#
#   scripts/pair.sh <kernel-release>
set -u

kver=$1
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/pair
mkdir -p "$out"

start=$(date +%s)
PAIR_PLUGIN=1 PAIR_DRIVES=2 PAIR_APPEND="PAIR_DRIVES=2" \
	PAIR_TIMEOUT=${PAIR_TIMEOUT:-900} "$top/qemu/pair.sh" "$kver" smoke
status=$?
echo "# two-guest smoke run took $(( $(date +%s) - start ))s (build/pair: host.console, target.console, *.counts)"
touch "$out/host.out" "$out/target.out" "$out/host.counts" "$out/target.counts"
tr -d '\r' < "$out/host.out" | grep -E '^(not )?ok |^1\.\.|^#' | sed 's/^1\.\./# host plan 1../'
guest_plan=$(tr -d '\r' < "$out/host.out" | sed -n 's/^1\.\.\([0-9]*\)$/\1/p')
guest_n=$(tr -d '\r' < "$out/host.out" | grep -cE '^(not )?ok ')
n=$guest_n

for role in host target; do
	awk -f "$top/scripts/cost-attrib.awk" "$out/$role.out" "$out/$role.counts" |
		awk -v role=$role -f "$top/scripts/cost-components.awk" \
			-f "$top/scripts/cost-windows.awk" | sort -n > "$out/$role.windows"
done
echo "# per window (tag user kernel nvme_kv nvmet_kv nvmet_transport nvme_host rdma block_nvme nic other):"
sed 's/^/# host   /' "$out/host.windows"
sed 's/^/# target /' "$out/target.windows"

tap() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - pair: $2"; else echo "not ok $n - pair: $2"; fi
}
# col ROLE TAG COLUMN (of the table above, tag = 1)
col() { awk -v t="$2" -v c="$3" '$1 == t { print $c }' "$out/$1.windows"; }
# the tags of the windows of one workload (selftests/pair-host.sh)
tags_of() {
	tr -d '\r' < "$out/host.out" | awk -v w="$1" '$1 == "window" && $3 == w { printf "%s ", $2 }'
}
stores=$(tags_of 8B-PIGGYBACK)
retrieves=$(tags_of 8B-RETRIEVE)
idle=$(tags_of idle)

[ "$(wc -l < "$out/host.windows")" -ge 8 ] && [ "$(wc -l < "$out/target.windows")" -ge 8 ] &&
	[ -n "$stores" ] && [ -n "$retrieves" ] && [ -n "$idle" ]
tap $? "both guests counted all eight windows (one vCPU each, kvcount)"

ok=0
for t in $stores; do
	[ "$(col target $t 5)" -gt 0 ] && [ "$(col target $t 6)" -gt 0 ] &&
	[ "$(col target $t 9)" -gt 0 ] && [ "$(col target $t 4)" = 0 ] || ok=1
done 2> /dev/null
tap $ok "the target's Stores ran in nvmet-kv, nvmet-tcp and the NVMe drives' driver there, and nothing of nvme-kv"

ok=0
for t in $stores; do
	[ "$(col host $t 4)" -gt 0 ] && [ "$(col host $t 7)" -gt 0 ] &&
	[ "$(col host $t 5)" = 0 ] && [ "$(col host $t 6)" = 0 ] || ok=1
done 2> /dev/null
tap $ok "the host's ran in nvme-kv and nvme-tcp there, and nothing of nvmet"

# spread ROLE COLUMN TAGS: (highest - lowest) / lowest of that column over
# the windows, in %; column 0: the whole window
spread() {
	for t in $3; do
		awk -v t=$t -v c="$2" '$1 == t { s = 0; for (i = 2; i <= NF; i++) s += $i; print (c ? $c : s) }' \
			"$out/$1.windows"
	done | awk '
		NR == 1 { lo = hi = $1 } { if ($1 < lo) lo = $1; if ($1 > hi) hi = $1 }
		END { if (lo > 0) printf "%.2f", (hi - lo) * 100 / lo; else print "inf" }'
}
within2() { echo "$@" | awk '{ for (i = 1; i <= NF; i++) if ($i == "inf" || $i > 2) exit 1 }'; }
# Retrieves of the same keys do the same work every time: nvme-kv's and
# nvmet's code agree within 2 %.  Reported, not held to 2 %: how many PDUs
# nvme-tcp's receive path finds per call (timing), and the whole windows,
# into which some runs see one kernel-image event of about 0.7 M
# instructions fall (a timer's work: the plugin does not split the image)
r1=$(spread target 0 "$retrieves") r2=$(spread host 0 "$retrieves")
r3=$(spread target 5 "$retrieves") r4=$(spread target 6 "$retrieves")
r5=$(spread host 4 "$retrieves") r6=$(spread host 7 "$retrieves")
within2 "$r3 $r4 $r5"
tap $? "three runs of 200 Retrieves agree within 2% in nvmet-kv (${r3}%), nvmet+tcp (${r4}%) and nvme-kv (${r5}%); nvme-tcp+core ${r6}%, whole target window ${r1}%, whole host window ${r2}%"
# Stores move the log on, so no two runs do quite the same work in the
# store; what carries them does
s1=$(spread target 6 "$stores") s2=$(spread host 4 "$stores") s3=$(spread host 7 "$stores")
within2 "$s1 $s2 $s3"
tap $? "three runs of 200 Stores agree within 2% in nvmet+tcp (${s1}%), nvme-kv (${s2}%) and nvme-tcp+core (${s3}%); nvmet-kv $(spread target 5 "$stores")%, whole target window $(spread target 0 "$stores")%, whole host window $(spread host 0 "$stores")%"

# the planted loop (a million iterations: 2000001 instructions and its
# call path) is found in nvme-kv-cost-test on the target guest, and
# nothing of it on the host
planted=$(tags_of planted)
pt=$(awk -f "$top/scripts/cost-attrib.awk" "$out/target.out" "$out/target.counts" |
	awk -v t="$planted" '$1 == "m" && $2 == t + 0 && $3 == "nvme_kv_cost_test" { print $4 }')
ph=$(awk -f "$top/scripts/cost-attrib.awk" "$out/host.out" "$out/host.counts" |
	awk -v t="$planted" '$1 == "m" && $2 == t + 0 && $3 == "nvme_kv_cost_test" { print $4 }')
[ -n "$pt" ] && [ "$pt" -ge 2000001 ] && [ "$pt" -le 2000201 ] && [ -z "$ph" ]
tap $? "a loop of 2000001 instructions planted in the target guest is counted there in nvme-kv-cost-test (${pt:-nothing}), not on the host (${ph:-nothing})"

first_store=${stores%% *}
wb=$(tr -d '\r' < "$out/host.out" | awk -v t="$first_store" '$1 == "window" && $2 == t { print $6 }')
ib=$(tr -d '\r' < "$out/host.out" | awk -v t="$idle" '$1 == "window" && $2 == t + 0 { print $6 }')
[ -n "$wb" ] && [ -n "$ib" ] && [ "$wb" -gt $((ib + 200 * 8)) ]
tap $? "the target's NIC carried the Stores: $wb bytes in a window of 200, $ib in the idle window"

if [ -z "$guest_plan" ] || [ "$guest_plan" != "$guest_n" ]; then
	n=$((n + 1))
	echo "not ok $n - pair: the host guest planned ${guest_plan:-no} tests and ran $guest_n"
fi
if [ $status != 0 ]; then
	n=$((n + 1))
	echo "not ok $n - pair: qemu/pair.sh exited $status"
fi
echo "1..$n"
