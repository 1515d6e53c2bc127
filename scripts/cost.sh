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

# per window: "w TAG N user kernel other module_total cost_module other_modules unknown"
awk -v counts="$counts" '
function norm(a) {
	a = tolower(a); sub(/^0x/, "", a)
	while (length(a) < 16) a = "0" a
	return a
}
# lines from the guest serial port end in CR LF
{ sub(/\r$/, "") }
# the init sections of a module are freed once it has loaded, their pages
# reused: they name no one
FNR == NR && $1 == "section" && $3 ~ /^\.init/ { next }
FNR == NR && $1 == "section" { ns++; saddr[ns] = norm($4); smod[ns] = $2; next }
FNR == NR && $1 == "ran" { ran[$2] = $3; next }
FNR == NR { next }
$1 == "window" { user[$2] = $4; kern[$2] = $6; oth[$2] = $8; mod[$2] = $10; seen[$2] = 1 }
$1 == "page" {
	p = norm($3); best = ""; who = ""
	for (i = 1; i <= ns; i++)
		if (saddr[i] <= p && saddr[i] > best) { best = saddr[i]; who = smod[i] }
	if (who == "") who = "(no module)"
	bymod[$2, who] += $4
	if (who != "nvme_kv_cost_test") rest[$2] += $4
}
END {
	for (t in ran)
		printf "w %s %s %s %s %s %s %s %s\n", t, ran[t], seen[t] ? user[t] : -1,
			kern[t] + 0, oth[t] + 0, mod[t] + 0,
			bymod[t, "nvme_kv_cost_test"] + 0, rest[t] + 0
}' "$out/cost.out" "$counts" | sort -k2n > "$out/cost.windows"

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
