# Attribute the instruction counter's windows (qemu/plugin/kvcount.c) to
# modules.  Input: the guest's output with its "section MODULE NAME ADDRESS"
# lines (selftests/cost.sh), then the plugin's counts file.  Output, per
# counted window:
#   w TAG USER KERNEL OTHER MODULES     instructions by bucket
#   m TAG MODULE COUNT                  MODULES split by module
# A module page belongs to the module with the highest section address at
# or below it: module memory is allocated in whole pages, each allocation
# starting with one of its sections.  Addresses are compared as 16-digit
# hex strings (awk numbers are doubles).  With -v byseq=1 a window is named
# by its place in the counts file (1, 2, ...) instead of its tag, for runs
# that use a tag more than once.
function norm(a) {
	a = tolower(a)
	sub(/^0x/, "", a)
	while (length(a) < 16)
		a = "0" a
	return a
}
# lines from the guest serial port end in CR LF
{ sub(/\r$/, "") }
# what a module has in init memory (its .init sections, and the .symtab
# and .strtab its loader copies there) is freed once it has loaded, and
# the next module may get those pages: they name no one
FNR == NR && $1 == "section" && $3 ~ /^\.init|^\.symtab$|^\.strtab$/ { next }
FNR == NR && $1 == "section" { ns++; saddr[ns] = norm($4); smod[ns] = $2; next }
FNR == NR { next }
$1 == "window" { seq++; key[$2] = byseq ? seq : $2; print "w", key[$2], $4, $6, $8, $10 }
$1 == "page" {
	p = norm($3)
	best = ""
	who = "(none)"
	for (i = 1; i <= ns; i++)
		if (saddr[i] <= p && saddr[i] > best) {
			best = saddr[i]
			who = smod[i]
		}
	bymod[key[$2] SUBSEP who] += $4
}
END {
	for (k in bymod) {
		split(k, f, SUBSEP)
		print "m", f[1], f[2], bymod[k]
	}
}
