# Median over rounds.  Input: one line per round, KEYS key fields, then
# values from column FIRST on (-v keys=K first=F total=T).  Output: per
# key, the key fields, the median of every value column (%.1f), then the
# lowest and highest value of column TOTAL over the rounds and the number
# of rounds.
function median(k, i,    a, b, m, x) {
	m = n[k]
	for (a = 1; a <= m; a++) s[a] = v[k, a, i]
	for (a = 1; a <= m; a++) for (b = a + 1; b <= m; b++)
		if (s[b] < s[a]) { x = s[a]; s[a] = s[b]; s[b] = x }
	return s[int((m + 1) / 2)]
}
{
	k = $1
	for (i = 2; i <= keys; i++) k = k " " $i
	n[k]++
	for (i = first; i <= NF; i++) v[k, n[k], i] = $i
	nf = NF
}
END {
	for (k in n) {
		line = k
		for (i = first; i <= nf; i++) line = line sprintf(" %.1f", median(k, i))
		lo = hi = v[k, 1, total]
		for (a = 2; a <= n[k]; a++) {
			if (v[k, a, total] < lo) lo = v[k, a, total]
			if (v[k, a, total] > hi) hi = v[k, a, total]
		}
		print line, sprintf("%.1f %.1f %d", lo, hi, n[k])
	}
}
