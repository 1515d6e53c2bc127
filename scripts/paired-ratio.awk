# The paired-ratio figure of the benchmarks (scripts/bench-store.awk,
# scripts/pair-rate.awk): the geometric mean of per-pair ratios and its
# 95 % bootstrap interval.  Call srand(1) first, so the interval is the
# same for the same rounds.
function isort(a, n,   i, j, t) {
	for (i = 2; i <= n; i++) {
		t = a[i]
		for (j = i - 1; j >= 1 && a[j] > t; j--)
			a[j + 1] = a[j]
		a[j + 1] = t
	}
}
# paired(r, n): the geometric mean of r[1..n]; sets lo and hi to its 95 %
# bootstrap interval (2000 resamples of the n ratios, 2.5th and 97.5th
# percentiles)
function paired(r, n,   b, i, s, m, g) {
	s = 0
	for (i = 1; i <= n; i++)
		s += log(r[i])
	for (b = 1; b <= 2000; b++) {
		m = 0
		for (i = 1; i <= n; i++)
			m += log(r[int(rand() * n) + 1])
		g[b] = exp(m / n)
	}
	isort(g, 2000)
	lo = g[50]
	hi = g[1951]
	return exp(s / n)
}
# jlist(r, n): r[1..n] as a JSON array
function jlist(r, n,   i, s) {
	s = "["
	for (i = 1; i <= n; i++)
		s = s (i > 1 ? ", " : "") sprintf("%.4f", r[i])
	return s "]"
}
