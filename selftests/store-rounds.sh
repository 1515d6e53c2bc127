# SPDX-License-Identifier: GPL-2.0
# The rounds of make bench-store, shared by the one-guest run
# (selftests/bench-store.sh) and the two-guest one (selftests/pair-host.sh,
# suite store): small Stores (64-byte values) at queue depth 32 (32
# threads, one synchronous Store in flight each), group commit on (mode 1)
# and off (mode 0: one write and flush per Store).
#
# Rounds come in pairs, one round of each mode, the order alternating from
# pair to pair (1 0, 0 1, 1 0, ...), so that drift over the run (a store
# that grows, a host that gets busier) falls on both modes alike.  Then
# control pairs run mode 1 twice: their ratio shows what the pairing
# itself does.  Every round inserts fresh keys.  The namespace's settings
# (its configfs group kv) are set between rounds, with no host connected;
# the store device's counters are read around the Stores only.
#
# The caller defines
#   store_params <settings>    set the KV namespace's settings (kv_settings)
#   store_stat                 print the store device's write I/Os, sectors
#                              and flushes (/sys/block/*/stat fields 5, 7
#                              and 16: the block layer's exact counts)
# and calls store_rounds <transport> <ops a round> <pairs> <control pairs>.
# One line a round, then "BENCH DONE" (scripts/bench-store.awk):
#   ROUND <pair|control> K mode M position P ops N seconds S ops_per_s R
#         errors E writes W sectors S flushes F

# store_round <kind> <pair> <mode> <position in the pair>
store_round() {
	store_params "group_commit=$3" && connect "$_sr_tr" > /dev/null ||
		{ echo "ERROR group_commit=$3 set-up"; return 1; }
	_c=$(ctrl_of "$_sr_tr")
	wait_for 10 ng_of "$_c" > /dev/null
	_ng=$(ng_of "$_c")
	set -- "$@" $(store_stat)
	_res=$(kv_workload bench "/dev/$_ng" 1 32 "$_sr_ops" 64 "$_sr_first") ||
		{ echo "ERROR $_res"; return 1; }
	set -- "$@" $(store_stat)
	# BENCH ops N seconds S ops_per_s R errors E
	echo "ROUND $1 $2 mode $3 position $4 ${_res#BENCH } writes $(($8 - $5)) sectors $(($9 - $6)) flushes $((${10} - $7))"
	nvme disconnect -n "$NQN" > /dev/null
	_sr_first=$((_sr_first + _sr_ops))
}

store_rounds() {
	_sr_tr=$1 _sr_ops=$2 _sr_first=0
	for _k in $(seq 1 "$3"); do
		if [ $((_k % 2)) = 1 ]; then
			store_round pair "$_k" 1 1 && store_round pair "$_k" 0 2
		else
			store_round pair "$_k" 0 1 && store_round pair "$_k" 1 2
		fi || return 1
	done
	for _k in $(seq 1 "$4"); do
		store_round control "$_k" 1 1 && store_round control "$_k" 1 2 ||
			return 1
	done
	echo "BENCH DONE"
}
