#!/bin/sh
# Smoke test of the instruction counter (qemu/plugin/kvcount.c): boot the
# guest with one vCPU and the plugin in nvmekv.mode=cost (selftests/cost.sh),
# attribute each window's module pages to the module whose allocation holds
# them (from the guest's /sys/module/*/sections), and check that the
# planted loop of 2N + 1 instructions in nvme-kv-cost-test is found there,
# exactly, and nowhere else.  TAP on stdout.
#
#   scripts/cost.sh <kernel-release>
set -u

kver=$1
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/guest
counts=$out/cost.counts
rm -f "$counts"

start=$(date +%s)
QEMU_ACCEL=tcg QEMU_SMP=1 QEMU_PLUGIN="$top/build/plugin/libkvcount.so,out=$counts" \
	QEMU_TIMEOUT=${COST_TIMEOUT:-600} "$top/qemu/run.sh" "$kver" cost
status=$?
echo "# cost guest took $(( $(date +%s) - start ))s (console: build/guest/cost.console, counts: build/guest/cost.counts)"
[ -f "$counts" ] || : > "$counts"
touch "$out/cost.out"

# per planted window: "w TAG N user kernel other modules cost_module rest"
awk -f "$top/scripts/cost-attrib.awk" "$out/cost.out" "$counts" > "$out/cost.attrib"
awk '{ sub(/\r$/, "") } $1 == "ran" { print $2, $3 }' "$out/cost.out" |
while read -r tag iters; do
	awk -v t="$tag" -v it="$iters" '
		$1 == "w" && $2 == t { u = $3; k = $4; o = $5; m = $6; seen = 1 }
		$1 == "m" && $2 == t { if ($3 == "nvme_kv_cost_test") c += $4; else r += $4 }
		END { if (seen) print "w", t, it, u, k, o, m, c + 0, r + 0 }' "$out/cost.attrib"
done | sort -k2n > "$out/cost.windows"

n=0
tap() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - cost: $2"; else echo "not ok $n - cost: $2"; fi
}
col() { awk -v t="$1" -v c="$2" '$2 == t { print $c }' "$out/cost.windows"; }

sed 's/^w /# window /' "$out/cost.windows"
grep -q '^done' "$out/cost.out" && [ "$(grep -c '^window' "$counts")" -ge 7 ]
tap $? "the guest ran with one vCPU and kvcount, and every window was counted"

# the loop's own 2N + 1, and the module's call path around it: the same
# count every time, at most 200 more than the loop
c1=$(col 1 8)
same=0
for t in 2 3 4 5; do [ "$(col $t 8)" = "$c1" ] || same=1; done
[ $same = 0 ] && [ -n "$c1" ] && [ "$c1" -ge 2000001 ] && [ "$c1" -le 2000201 ]
tap $? "a planted loop of 2000001 instructions is counted in nvme-kv-cost-test, the same count all 5 times ($c1: $(for t in 1 2 3 4 5; do col $t 8; done | tr '\n' ' '))"

c6=$(col 6 8)
[ -n "$c6" ] && [ -n "$c1" ] && [ $((c6 - c1)) = 2000000 ]
tap $? "a million more iterations cost exactly 2000000 more instructions there ($c6 - $c1)"

bad=0
for t in 1 2 3 4 5 6; do [ "$(col $t 9)" = 0 ] || bad=1; done
[ $bad = 0 ] && [ "$(col 7 8)" = 0 ]
tap $? "no other module ran in those windows, and an empty window holds nothing of nvme-kv-cost-test"

# the whole window: user, kernel and module instructions of the 5 repeats
totals=$(for t in 1 2 3 4 5; do
	awk -v t=$t '$2 == t { print $4 + $5 + $6 + $7 }' "$out/cost.windows"; done)
spread=$(echo "$totals" | awk 'NR == 1 { lo = hi = $1 } { if ($1 < lo) lo = $1; if ($1 > hi) hi = $1 }
	END { if (lo > 0) printf "%.2f", (hi - lo) * 100 / lo; else print "inf" }')
echo "$spread" | awk '{ exit !($1 != "inf" && $1 <= 2) }'
tap $? "the 5 repeats of the whole window agree within 2% (spread ${spread}%: $(echo "$totals" | tr '\n' ' '))"

if [ $status != 0 ]; then
	n=$((n + 1))
	echo "not ok $n - cost: qemu/run.sh exited $status"
fi
echo "1..$n"
