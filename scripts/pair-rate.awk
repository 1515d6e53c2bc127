# The paired wall-clock figure of two transfer methods from the RATE lines
# of the two-guest suite rate (selftests/pair-host.sh; with
# scripts/paired-ratio.awk): per pair, method A's Stores/s over method B's
# (the pairs' order alternates); per control pair, the first round's over
# the second's, both of method A.
# -v a=METHOD b=METHOD json=FILE cmd=COMMAND what=TEXT
$1 == "RATE" {
	for (i = 4; i < NF; i += 2)
		f[$i] = $(i + 1)
	if (f["errors"] != 0 || f["secs"] <= 0) { print "errors in " $0; bad = 1; exit 1 }
	r = f["ops"] / f["secs"]
	if ($2 == "pair") {
		rate[$3, f["method"]] = r
		npairs = $3 > npairs ? $3 : npairs
		sum[f["method"]] += r; cnt[f["method"]]++
	} else {
		crate[$3, f["position"]] = r
		ncontrols = $3 > ncontrols ? $3 : ncontrols
	}
	ops = f["ops"]
}
END {
	if (bad || !npairs) exit 1
	srand(1)
	for (k = 1; k <= npairs; k++) {
		if (!rate[k, a] || !rate[k, b]) { print "pair " k " is missing a round"; exit 1 }
		x[k] = rate[k, a] / rate[k, b]
	}
	gm = paired(x, npairs); glo = lo; ghi = hi
	for (k = 1; k <= ncontrols; k++)
		c[k] = crate[k, 1] / crate[k, 2]
	cm = ncontrols ? paired(c, ncontrols) : 0; clo = lo; chi = hi
	printf "%s: Stores/s, %s over %s: %.3fx (95%% bootstrap interval %.3f-%.3f; geometric mean of %d alternated pairs of %d Stores)\n", what, a, b, gm, glo, ghi, npairs, ops
	printf "%s: control, %s over %s: %.3fx (95%% bootstrap interval %.3f-%.3f; %d pairs)\n", what, a, a, cm, clo, chi, ncontrols
	printf "%s: mean Stores/s of the pairs' rounds (secondary; TCG, two shared cores): %s %.1f, %s %.1f\n", what, a, sum[a] / cnt[a], b, sum[b] / cnt[b]
	printf "{\"what\": \"%s\", \"command\": \"%s\", \"stores_per_round\": %d,\n", what, cmd, ops > json
	printf " \"stores_per_s_ratio\": {\"kind\": \"paired ratio\", \"how\": \"geometric mean over %d pairs of %s Stores/s over %s Stores/s, the two rounds of a pair back to back, order alternating by pair; 95%% bootstrap interval of 2000 resamples of the pairs\", \"a\": \"%s\", \"b\": \"%s\", \"value\": %.4f, \"interval\": [%.4f, %.4f], \"pairs\": %d, \"per_pair\": %s},\n", npairs, a, b, a, b, gm, glo, ghi, npairs, jlist(x, npairs) > json
	printf " \"control_ratio\": {\"kind\": \"paired ratio\", \"how\": \"the same over control pairs of two %s rounds (first over second)\", \"value\": %.4f, \"interval\": [%.4f, %.4f], \"pairs\": %d, \"per_pair\": %s},\n", a, cm, clo, chi, ncontrols, jlist(c, ncontrols) > json
	printf " \"mean_stores_per_s\": {\"kind\": \"wall clock, secondary\", \"how\": \"mean over the pairs' rounds of Stores / seconds, kv_xfer_bench CLOCK_MONOTONIC in the host guest; varies by a third between runs under TCG\", \"%s\": %.2f, \"%s\": %.2f}}\n", a, sum[a] / cnt[a], b, sum[b] / cnt[b] > json
}
