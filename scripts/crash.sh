#!/bin/sh
# Crash-consistency test: boot the guest again and again on one disk image,
# run a logged Store/Delete load (selftests/crash.sh) and kill QEMU with
# SIGKILL at a random moment.  Each boot first dumps every key; that dump
# must show every operation the previous boot acknowledged (its ACK lines),
# with exact bytes (values are self-describing, so a torn one shows), and
# nothing else but possibly the one operation in flight at the kill.
#
#   scripts/crash.sh <kernel-release> <iterations>
#
# TAP on stdout, one line per kill verified; build/crash/crash.json.
set -u

kver=$1
iters=$2
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/crash
keys=64
mkdir -p "$out"
rm -f "$out"/boot*.out "$out"/boot*.console "$out/crash.json"
img=$out/disk.img
rm -f "$img"
truncate -s 64M "$img"

# check <previous boot's log> <this boot's log>: prints the number of
# acknowledged operations verified, or "FAIL <why>"
check() {
	# a kill can cut the last line of the previous boot's log short
	# ("ACK store 11 150"); a line without its newline was never written
	# whole, so it says nothing
	prev=$1
	if [ -n "$(tail -c 1 "$1")" ]; then
		prev=$out/prev.log
		sed '$d' "$1" > "$prev"
	fi
	awk -v keys="$keys" '
	{ sub(/\r$/, "") }	# the guest tty ends lines with CR LF
	FILENAME == ARGV[1] {
		if ($1 == "STATE") st[$2] = $3
		else if ($1 == "ISSUE") { fop = $2; fk = $3; fv = $4; fly = 1 }
		else if ($1 == "ACK") {
			if ($2 == "store") st[$3] = $4
			else if ($5 == "ok") st[$3] = "-"
			acked++; fly = 0
		}
		next
	}
	$1 == "STATE" { got[$2] = $3; seen++ }
	END {
		if (seen != keys) { print "FAIL this boot dumped " seen + 0 " of " keys " keys"; exit }
		for (k = 0; k < keys; k++) {
			e = (k in st) ? st[k] : "-"
			g = got[k]
			if (g == "TORN") { print "FAIL key " k " is torn"; exit }
			if (g == e) continue
			if (fly && k == fk && ((fop == "store" && g == fv) || (fop == "delete" && g == "-")))
				continue
			print "FAIL key " k " is " g ", acknowledged state " e \
			      (fly ? " (in flight: " fop " " fk " " fv ")" : "")
			exit
		}
		print acked + 0
	}' "$prev" "$2"
}

n=0 failed=0 verified=0 seed=$$
for i in $(seq 0 "$iters"); do
	seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
	first=$(( i * 100000000 + 1 ))
	log=$top/build/guest/crash.out
	console=$top/build/guest/crash.console
	# A guest that dies before the KV target ever ran (TCG has been seen
	# to trip over its own code patching in early boot) left the disk
	# as it was, so that boot is simply run again, at most twice.
	for attempt in 1 2 3; do
		rm -f "$log"
		QEMU_DISK=$img QEMU_TIMEOUT=180 \
		QEMU_APPEND="nvmekv.first=$first nvmekv.keys=$keys nvmekv.seed=$seed" \
			"$top/qemu/run.sh" "$kver" crash > /dev/null 2>&1 &
		runner=$!
		waited=0
		until grep -q -e "LOAD START" -e "^ERROR" "$log" 2>/dev/null; do
			sleep 0.2
			waited=$((waited + 1))
			[ $waited -gt 600 ] && break
			kill -0 $runner 2> /dev/null || break
		done
		grep -q -e "LOAD START" -e "^ERROR" "$log" 2>/dev/null && break
		grep -q "nvmet_kv" "$console" 2>/dev/null && break
		pkill -9 -f "nvmekv.first=$first nvmekv.keys=" 2> /dev/null
		wait $runner 2> /dev/null
		cp "$console" "$out/boot$i.died$attempt.console" 2> /dev/null
		echo "# boot $i: the guest died before the KV target started (console: build/crash/boot$i.died$attempt.console); booting again"
	done
	# the last boot only needs its dump
	prev_delay=${delay:-0}
	if [ "$i" -lt "$iters" ]; then
		delay=$(awk -v s="$seed" 'BEGIN { srand(s); printf "%.1f", 0.3 + rand() * 2.7 }')
		sleep "$delay"
	else
		delay=0
	fi
	pkill -9 -f "nvmekv.first=$first nvmekv.keys=" ||
		echo "# boot $i: no QEMU to kill"
	wait $runner 2>/dev/null
	cp "$log" "$out/boot$i.out"
	cp "$top/build/guest/crash.console" "$out/boot$i.console" 2>/dev/null
	if ! grep -q "^ERROR" "$out/boot$i.out" &&
	   ! grep -q "LOAD START" "$out/boot$i.out"; then
		n=$((n + 1)); failed=$((failed + 1))
		echo "not ok $n - crash: boot $i never started its load (console: build/crash/boot$i.console)"
		tail -n 20 "$out/boot$i.console" 2>/dev/null | sed 's/^/# /'
		continue
	fi
	if grep -q "^ERROR" "$out/boot$i.out"; then
		n=$((n + 1)); failed=$((failed + 1))
		echo "not ok $n - crash: boot $i failed: $(grep -m1 '^ERROR' "$out/boot$i.out")"
		tail -n 20 "$out/boot$i.console" | sed 's/^/# /'
		continue
	fi
	[ "$i" = 0 ] && continue
	res=$(check "$out/boot$((i - 1)).out" "$out/boot$i.out")
	n=$((n + 1))
	case "$res" in
	FAIL*)	failed=$((failed + 1))
		echo "not ok $n - crash: after kill $i the store lost or tore data: ${res#FAIL }" ;;
	*)	verified=$((verified + res))
		echo "ok $n - crash: after kill $i (${prev_delay}s into the load) all $res acknowledged operations are intact" ;;
	esac

done
echo "1..$n"
echo "# crash test: $n kills, $verified acknowledged operations verified, $failed failed"
printf '{"iterations": %d, "failed": %d, "acknowledged_ops_verified": %d}\n' \
	"$n" "$failed" "$verified" > "$out/crash.json"
[ $failed = 0 ]
