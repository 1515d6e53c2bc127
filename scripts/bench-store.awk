# make bench-store's figures from the ROUND lines of its rounds
# (scripts/bench-store.sh; with scripts/paired-ratio.awk): per Store the
# device's write I/Os, bytes and flushes, and Stores/s as a paired ratio.
# -v json=FILE cmd=COMMAND where=TEXT stat=TEXT
/^ROUND/ {
	for (i = 4; i < NF; i += 2)
		f[$i] = $(i + 1)
	if (f["errors"] != 0) { print "errors in " $0; bad = 1; exit 1 }
	if ($2 == "pair") {
		m = f["mode"]
		n_ops[m] += f["ops"]; n_wr[m] += f["writes"]
		n_sec[m] += f["sectors"]; n_fl[m] += f["flushes"]
		rate[$3, m] = f["ops_per_s"]; npairs = $3 > npairs ? $3 : npairs
	} else {
		crate[$3, f["position"]] = f["ops_per_s"]
		ncontrols = $3 > ncontrols ? $3 : ncontrols
	}
}
END {
	if (bad || !npairs) exit 1
	srand(1)
	for (k = 1; k <= npairs; k++)
		r[k] = rate[k, 1] / rate[k, 0]
	gm = paired(r, npairs); glo = lo; ghi = hi
	for (k = 1; k <= ncontrols; k++)
		c[k] = crate[k, 1] / crate[k, 2]
	cm = ncontrols ? paired(c, ncontrols) : 0; clo = lo; chi = hi
	for (m = 1; m >= 0; m--) {
		wps[m] = n_wr[m] / n_ops[m]
		bps[m] = n_sec[m] * 512 / n_ops[m]
		fps[m] = n_fl[m] / n_ops[m]
		# every flush (blkdev_issue_flush: an empty REQ_PREFLUSH
		# write) is also one write I/O of no sectors in field 5
		dps[m] = (n_wr[m] - n_fl[m]) / n_ops[m]
		dsz[m] = n_wr[m] > n_fl[m] ? n_sec[m] / (n_wr[m] - n_fl[m]) : 0
	}
	printf "Small Stores (64-byte values, 12-byte keys, fresh keys each round), queue depth 32, %s: %d pairs of %d Stores a round\n", where, npairs, n_ops[1] / npairs
	printf "%-22s %16s %16s %16s %18s\n", "mode", "write I/Os/Store", "bytes/Store", "flushes/Store", "data writes/Store"
	printf "%-22s %16.4f %16.1f %16.4f %18.4f\n", "group commit", wps[1], bps[1], fps[1], dps[1]
	printf "%-22s %16.4f %16.1f %16.4f %18.4f\n", "one write per Store", wps[0], bps[0], fps[0], dps[0]
	printf "(the first three exact: block-layer counters summed over %d rounds a mode; data writes derived: write I/Os less flushes, each flush being an empty write of its own; sectors per data write %.1f and %.1f)\n", npairs, dsz[1], dsz[0]
	printf "Stores/s, group commit over one write per Store: %.2fx (95%% bootstrap interval %.2f-%.2f; geometric mean of %d alternated pairs)\n", gm, glo, ghi, npairs
	if (ncontrols)
		printf "control, group commit over group commit:          %.2fx (95%% bootstrap interval %.2f-%.2f; %d pairs)\n", cm, clo, chi, ncontrols
	printf "{\"command\": \"%s\", \"stores_per_round\": %d, \"queue_depth\": 32, \"value_bytes\": 64, \"key_bytes\": 12,\n", cmd, n_ops[1] / npairs > json
	printf " \"device_write_ios_per_store\": {\"kind\": \"exact counter\", \"how\": \"%s field 5 around the Stores, summed over %d rounds, over the Stores\", \"group_commit\": %.5f, \"one_write_per_store\": %.5f},\n", stat, npairs, wps[1], wps[0] > json
	printf " \"device_bytes_written_per_store\": {\"kind\": \"exact counter\", \"how\": \"field 7 (512-byte sectors) likewise\", \"group_commit\": %.1f, \"one_write_per_store\": %.1f},\n", bps[1], bps[0] > json
	printf " \"device_flushes_per_store\": {\"kind\": \"exact counter\", \"how\": \"field 16 likewise\", \"group_commit\": %.5f, \"one_write_per_store\": %.5f},\n", fps[1], fps[0] > json
	printf " \"device_data_writes_per_store\": {\"kind\": \"derived\", \"how\": \"(field 5 - field 16) over the Stores: blkdev_issue_flush() submits each flush as an empty REQ_PREFLUSH write, counted in field 5 with no sectors; sectors per data write %.2f and %.2f\", \"group_commit\": %.5f, \"one_write_per_store\": %.5f},\n", dsz[1], dsz[0], dps[1], dps[0] > json
	printf " \"stores_per_s_ratio\": {\"kind\": \"paired ratio\", \"how\": \"geometric mean over %d pairs of group-commit Stores/s over one-write Stores/s, order alternating by pair; 95%% bootstrap interval of 2000 resamples\", \"value\": %.3f, \"interval\": [%.3f, %.3f], \"pairs\": %d, \"per_pair\": %s},\n", npairs, gm, glo, ghi, npairs, jlist(r, npairs) > json
	printf " \"control_ratio\": {\"kind\": \"paired ratio\", \"how\": \"the same over control pairs of two group-commit rounds (first over second)\", \"value\": %.3f, \"interval\": [%.3f, %.3f], \"pairs\": %d, \"per_pair\": %s}}\n", cm, clo, chi, ncontrols, jlist(c, ncontrols) > json
}