# blktests' nvme group, stock against patched, side by side (scripts/blktests.sh).
#
#   awk -f blktests-table.awk blktests-stock.out blktests-patched.out
#
# Each input is a guest's output: "blktests: transport <tr>, config:" opens
# a transport's pass; check prints a finished test as
# "nvme/NNN (cond) (description)   [passed|failed|not run]" (cond is
# tr=<transport>, with bd=<type> for a test run per back-end type), followed by
# indented lines (the reason of a test that did not run, the diff of one
# that failed).  A test is one case per transport, or per transport and
# back-end type.
#
# Prints a markdown table (case; stock and patched on loop and on tcp) and
# the totals per column; then, as the last line, the comparison as a test
# run: "N passed, N failed, N skipped", where a case that passed on stock
# counts as passed when it passed patched too and as failed when it did not
# (a regression, also listed above the line), and a case that did not pass
# on stock counts as skipped.  The exit status is 1 when there is a
# regression or an input has no results at all.

function status_of(line) {
	if (line ~ /\[passed\][ \t]*$/)
		return "pass"
	if (line ~ /\[failed\][ \t]*$/)
		return "FAIL"
	if (line ~ /\[not run\][ \t]*$/)
		return "not run"
	return ""
}

# check colours its statuses and moves the cursor when its output is a
# terminal (the guest's serial port is one)
{
	gsub(/\033\[[0-9;]*[A-Za-z]/, "")
	gsub(/[\001-\010\016-\037\r]/, "")
}

FNR == 1 {
	set = ++nfile == 1 ? "stock" : "patched"
	tr = ""
	last = ""
	seen[set] = 0
}

/^blktests: transport [a-z]+, config:/ {
	tr = $3
	sub(/,$/, "", tr)
	trs[tr] = 1
	next
}

/^nvme\/[0-9]+ / {
	st = status_of($0)
	last = ""
	if (st == "" || tr == "")
		next
	t = $1
	cond = ""
	if (match($0, /^nvme\/[0-9]+ \([^)]*bd=[a-z]+/)) {
		cond = substr($0, RSTART, RLENGTH)
		sub(/.*bd=/, " bd=", cond)
	}
	k = t cond
	if (!(k in order)) {
		order[k] = ++n
		keys[n] = k
	}
	res[k, tr, set] = st
	seen[set]++
	last = k SUBSEP tr SUBSEP set
	next
}

# the first indented line after a test that did not pass: its reason
# a failed test: the first line its output added to the expected output
# (check prints the diff), or what it says of dmesg or the exit status
last != "" && /^    [^ ]/ && !(last in why) {
	r = $0
	sub(/^ +/, "", r)
	if (res[last] == "not run" && r !~ /^(runtime|date)[ \t]/)
		why[last] = r
	else if (res[last] == "FAIL" && (r ~ /^\+[^+]/ || r ~ /dmesg|exit|WARNING|BUG/))
		why[last] = r
}

function cell(k, tr, set,    s) {
	s = res[k, tr, set]
	if (s == "")
		return "-"
	return s
}

END {
	ntr = 0
	if ("loop" in trs)
		tl[++ntr] = "loop"
	if ("tcp" in trs)
		tl[++ntr] = "tcp"
	printf "| case |"
	for (i = 1; i <= ntr; i++)
		printf " %s stock | %s patched |", tl[i], tl[i]
	printf "\n|---|"
	for (i = 1; i <= ntr; i++)
		printf "---|---|"
	printf "\n"
	# sort the cases by name
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (keys[j] < keys[i]) {
				x = keys[i]; keys[i] = keys[j]; keys[j] = x
			}
	passed = failed = skipped = 0
	for (i = 1; i <= n; i++) {
		k = keys[i]
		printf "| %s |", k
		for (j = 1; j <= ntr; j++) {
			printf " %s | %s |", cell(k, tl[j], "stock"), cell(k, tl[j], "patched")
			for (s = 0; s < 2; s++) {
				set = s ? "patched" : "stock"
				c = cell(k, tl[j], set)
				if (c != "-")
					total[tl[j], set, c]++
			}
			if (cell(k, tl[j], "stock") != "pass") {
				if (cell(k, tl[j], "stock") != "-")
					skipped++
				continue
			}
			if (cell(k, tl[j], "patched") == "pass") {
				passed++
			} else {
				failed++
				reg[failed] = k " on " tl[j] ": patched " cell(k, tl[j], "patched")
			}
		}
		printf "\n"
	}
	printf "| **totals** (pass / FAIL / not run) |"
	for (j = 1; j <= ntr; j++)
		for (s = 0; s < 2; s++) {
			set = s ? "patched" : "stock"
			printf " %d / %d / %d |", total[tl[j], set, "pass"], \
				total[tl[j], set, "FAIL"], total[tl[j], set, "not run"]
		}
	printf "\n\n"
	# why each case that did not pass did not, once per distinct reason
	for (k2 in why) {
		split(k2, p, SUBSEP)
		line = p[1] " (" p[2] ", " p[3] "): " why[k2]
		reasons[line] = 1
	}
	nr = 0
	for (line in reasons)
		rl[++nr] = line
	for (i = 1; i <= nr; i++)
		for (j = i + 1; j <= nr; j++)
			if (rl[j] < rl[i]) {
				x = rl[i]; rl[i] = rl[j]; rl[j] = x
			}
	if (nr)
		print "Cases that did not pass, with blktests' first line of why:\n"
	for (i = 1; i <= nr; i++)
		print "- " rl[i]
	if (nr)
		print ""
	bad = 0
	if (!seen["stock"] || !seen["patched"]) {
		print "blktests: an input has no results (stock " seen["stock"] \
			", patched " seen["patched"] ")"
		bad = 1
	}
	for (i = 1; i <= failed; i++)
		print "regression: " reg[i]
	printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped
	if (bad || failed)
		exit 1
	exit 0
}
