#!/bin/sh
# Per Store, by transfer method, value size and mode (overwrite, insert),
# over the two-guest topology (qemu/pair.sh, suite xfer): the target
# guest's instructions by component, the host guest's, and the bytes and
# packets the target's NIC carried.  Every figure is the difference of two
# counted windows of one run, (window of N2 Stores - window of N1) /
# (N2 - N1), so what a window costs once (the command channel, exec,
# set-up) cancels; the median over XFER_ROUNDS rounds, with the lowest
# and highest target total.  Writes build/bench/xfer-pair-<transport>.json
# and prints the table.  A method named with _NO_INCAPSULE is that method
# through the target's port with in-capsule data off
# (param_inline_data_size 0).
#
#   scripts/pair-xfer.sh <kernel-release>
#
# XFER_TRANSPORT (tcp, rdma), XFER_SIZES, XFER_METHODS, XFER_MODES,
# XFER_N1, XFER_N2, XFER_ROUNDS: see selftests/pair-host.sh.
set -eu

kver=$1
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/pair
bench=$top/build/bench
mkdir -p "$bench"
tr=${XFER_TRANSPORT:-tcp}
sizes=${XFER_SIZES:-8B,16B}
methods=${XFER_METHODS:-DPTR,PIGGYBACK,AUTO}
modes=${XFER_MODES:-overwrite,insert}
n1=${XFER_N1:-20}
n2=${XFER_N2:-100}
rounds=${XFER_ROUNDS:-3}
vars="XFER_TRANSPORT=$tr XFER_SIZES=$sizes XFER_METHODS=$methods XFER_MODES=$modes XFER_N1=$n1 XFER_N2=$n2 XFER_ROUNDS=$rounds"

start=$(date +%s)
PAIR_PLUGIN=1 PAIR_APPEND="$vars" PAIR_TIMEOUT=${PAIR_TIMEOUT:-3600} \
	"$top/qemu/pair.sh" "$kver" xfer
echo "# two-guest xfer run took $(( $(date +%s) - start ))s"
if tr -d '\r' < "$out/host.out" | grep -q '^not ok'; then
	tr -d '\r' < "$out/host.out" | grep '^not ok' >&2
	exit 1
fi

for role in host target; do
	awk -v byseq=1 -f "$top/scripts/cost-attrib.awk" "$out/$role.out" "$out/$role.counts" |
		awk -v role=$role -f "$top/scripts/cost-components.awk" \
			-f "$top/scripts/cost-windows.awk" | sort -n > "$out/$role.xfer-windows"
done

# one line per round: mode size method round, then per Store: target
# user kernel nvmet_kv nvmet_transport rdma block_nvme nic other total,
# host user kernel nvme_kv nvme_host rdma nic other total, nic bytes,
# nic packets
tr -d '\r' < "$out/host.out" | awk -v n1="$n1" -v n2="$n2" -v idle="$bench/xfer-pair-$tr.idle" '
FNR == 1 { f++ }
f == 1 && $1 == "window" { seq++; what[seq] = $3; ops[seq] = $4; nb[seq] = $6; np[seq] = $8; sec[seq] = $10; next }
f == 1 { next }
f == 2 { for (i = 2; i <= NF; i++) tg[$1, i] = $i; next }
{ for (i = 2; i <= NF; i++) hs[$1, i] = $i }
END {
	# the idle rate of the link (keep-alives), bytes and packets a second:
	# the long idle window less the short one, over the seconds between
	for (s = 1; s <= seq; s++) {
		if (what[s] == "idle-short") is = s
		if (what[s] == "idle-long") il = s
	}
	if (!is || !il || sec[il] <= sec[is]) { print "no idle windows" > "/dev/stderr"; exit 1 }
	rb = (nb[il] - nb[is]) / (sec[il] - sec[is])
	rp = (np[il] - np[is]) / (sec[il] - sec[is])
	printf "%.2f %.4f\n", rb, rp > idle
	for (s = 1; s < seq; s++) {
		if (ops[s] != n1 || ops[s + 1] != n2 || what[s] != what[s + 1]) continue
		u = s + 1
		split(what[s], w, ":")
		line = w[1] " " w[2] " " w[3] " " w[4]
		# target: user kernel nvmet_kv nvmet_transport rdma block_nvme nic other
		tt = 0
		split("2 3 5 6 8 9 10 11", tc, " ")
		for (k = 1; k <= 8; k++) { v = (tg[u, tc[k]] - tg[s, tc[k]]) / (n2 - n1); tt += v; line = line " " v }
		line = line " " tt
		# host: user kernel nvme_kv nvme_host rdma nic other
		ht = 0
		split("2 3 4 7 8 10 11", hc, " ")
		for (k = 1; k <= 7; k++) { v = (hs[u, hc[k]] - hs[s, hc[k]]) / (n2 - n1); ht += v; line = line " " v }
		line = line " " ht
		# the link less its idle traffic over the time the windows differ
		dt = sec[u] - sec[s]
		line = line " " (nb[u] - nb[s] - rb * dt) / (n2 - n1) " " (np[u] - np[s] - rp * dt) / (n2 - n1)
		print line
	}
}' - "$out/target.xfer-windows" "$out/host.xfer-windows" | sort > "$bench/xfer-pair-$tr.rounds"

# median of the rounds per mode, size and method; the target total range
awk -v keys=3 -v first=5 -v total=13 -f "$top/scripts/rounds-median.awk" "$bench/xfer-pair-$tr.rounds" | sort -k1,1 -k2,2V -k3,3 > "$bench/xfer-pair-$tr.table"

json=$bench/xfer-pair-$tr.json
{
	printf '{\n  "what": "per Store over %s between two guests (target: nvmet-kv on an emulated NVMe drive; host: nvme-kv), one thread, by mode, value size and transfer method",\n' "$tr"
	printf '  "kind": "exact counters: instructions (TCG plugin qemu/plugin/kvcount.c, one vCPU per guest), the target NIC bytes and packets (both directions, its /sys/class/net/eth0/statistics) less the link idle traffic",\n'
	read -r idle_b idle_p < "$bench/xfer-pair-$tr.idle"
	printf '  "idle": {"kind": "exact counters over the host guest clock", "how": "(NIC count of a 12 s idle window - that of a 2 s one) / their difference in seconds; wire_bytes and wire_packets have this rate times the time the two windows of a round differ subtracted", "bytes_per_s": %s, "packets_per_s": %s},\n' "$idle_b" "$idle_p"
	printf '  "how": "(count of a %s-Store window - count of a %s-Store window) / %s, both windows in the same round; median of %s rounds whose method order rotates; total_min and total_max: the range of the target total",\n' "$n2" "$n1" "$((n2 - n1))" "$rounds"
	printf '  "command": "%s scripts/pair-xfer.sh %s",\n  "results": [\n' "$vars" "$kver"
	awk '{
		printf "%s    {\"mode\": \"%s\", \"size\": \"%s\", \"method\": \"%s\", \"target\": {\"user\": %s, \"kernel\": %s, \"nvmet_kv\": %s, \"nvmet_transport\": %s, \"rdma\": %s, \"block_nvme\": %s, \"nic\": %s, \"other_modules\": %s, \"total\": %s, \"total_min\": %s, \"total_max\": %s}, \"host\": {\"user\": %s, \"kernel\": %s, \"nvme_kv\": %s, \"nvme_host\": %s, \"rdma\": %s, \"nic\": %s, \"other_modules\": %s, \"total\": %s}, \"wire_bytes\": %s, \"wire_packets\": %s, \"rounds\": %s}",
			(NR > 1 ? ",\n" : ""), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $23, $24, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $25
	}' "$bench/xfer-pair-$tr.table"
	printf '\n  ]\n}\n'
} > "$json"

echo "# per Store over $tr ($json); target: instructions by component; host: instructions; NIC: bytes, packets (less the link's idle $(cut -d' ' -f1 "$bench/xfer-pair-$tr.idle") bytes/s)"
printf '%-9s %-5s %-17s %9s %8s %8s %13s %9s %8s %7s\n' mode size method target nvmet_kv nvmet+tr tgt_min-max host nic_bytes packets
awk '{ printf "%-9s %-5s %-17s %9.0f %8.0f %8.0f %13s %9.0f %8.1f %7.2f\n", $1, $2, $3, $12, $6, $7, sprintf("%.0f-%.0f", $23, $24), $20, $21, $22 }' "$bench/xfer-pair-$tr.table"

# PIGGYBACK against DPTR through the port with in-capsule data off (the
# baseline without ByteExpress), where both ran
echo "# PIGGYBACK over DPTR_NO_INCAPSULE: wire bytes, target instructions, host instructions"
awk '
$3 == "PIGGYBACK" { p[$1 " " $2] = $0; next }
$3 == "DPTR_NO_INCAPSULE" { d[$1 " " $2] = $0 }
END {
	for (k in p) {
		if (!(k in d)) continue
		split(p[k], x, " "); split(d[k], y, " ")
		printf "%-16s bytes %6.3f  target %6.3f  host %6.3f\n", k, x[21] / y[21], x[12] / y[12], x[20] / y[20]
	}
}' "$bench/xfer-pair-$tr.table" | sort -k1,1 -k2,2V

# AUTO against the best fixed method of each mode and size, in target
# instructions and in wire bytes per Store (ratios of the medians above):
# AUTO against DPTR and the PIGGYBACKs with in-capsule data on, and
# AUTO_NO_INCAPSULE against DPTR_NO_INCAPSULE and the PIGGYBACKs (which
# move no data, so the port's in-capsule size does not touch them)
echo "# AUTO over the best fixed method on the same port: target instructions, wire bytes"
awk '
function fixed(m, auto) {
	if (m ~ /^PIGGYBACK/) return 1
	if (auto == "AUTO") return m == "DPTR"
	return m == "DPTR_NO_INCAPSULE"
}
$3 ~ /^AUTO/ { at[$3 " " $1 " " $2] = $12; ab[$3 " " $1 " " $2] = $21; next }
{ t[$3, $1 " " $2] = $12; b[$3, $1 " " $2] = $21; m[$3] = 1 }
END {
	for (k in at) {
		split(k, w, " "); a = w[1]; ms = w[2] " " w[3]
		bt = bb = 0
		for (f in m) {
			if (!fixed(f, a) || !((f, ms) in t)) continue
			if (!bt || t[f, ms] < bt) { bt = t[f, ms]; btm = f }
			if (!bb || b[f, ms] < bb) { bb = b[f, ms]; bbm = f }
		}
		if (!bt) continue
		rt = at[k] / bt; rb = ab[k] / bb
		printf "%-17s %-16s %6.3f (best %s)  %6.3f (best %s)\n", a, ms, rt, btm, rb, bbm
		if (rt > wt[a]) wt[a] = rt
		if (rb > wb[a]) wb[a] = rb
	}
	for (a in wt)
		printf "%s worst: target instructions %.3fx, wire bytes %.3fx\n", a, wt[a], wb[a]
}' "$bench/xfer-pair-$tr.table" | sort
