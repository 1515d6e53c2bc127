#!/bin/sh
# The nvmet patch series (target/patches/) is the output of git format-patch
# on a branch of Debian's linux-source-6.12.  The branch is never committed
# here; this script rebuilds it from the series, writes the series back from
# it, and checks that the two agree.
#
# SERIES=nvme-cli does the same for the nvme-cli plugin's series
# (userspace/nvme-cli/patches/, branch kv-plugin), whose base is Debian's
# nvme-cli source as scripts/nvme-cli.sh fetched it (build/nvme-cli/src);
# "each" and the checkpatch files are the kernel series' only.
#
#   scripts/series.sh branch <dir>   extract the kernel's drivers/nvme,
#       include/linux/nvme.h (and checkpatch) into <dir>, commit it as
#       "base", and apply the series on branch nvmet-iocs with git am.
#       The cover letter's subject and body become the branch description.
#       scripts/ksrc.sh builds from this.
#   scripts/series.sh format <dir>   write target/patches/ from <dir>'s
#       branch: git format-patch base..nvmet-iocs with a cover letter.  Edit
#       the branch (git commit --amend, rebase -i), never a .patch file.
#   scripts/series.sh check [<dir>]  TAP: the series rebuilt into a scratch
#       branch and formatted again is byte for byte what is committed (so
#       no patch was edited by hand: hunks, diffstats and the cover letter
#       all come from git); with <dir> (build/ksrc), the tree built there is
#       exactly the branch's tip; and the size of each patch.
#   scripts/series.sh size           lines added and removed per patch.
#   scripts/series.sh each           TAP: every commit of the series, one
#       after the other, builds nvmet's modules against the installed
#       headers without a warning (make series-each; about 5 minutes here).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
tarball=/usr/src/linux-source-6.12.tar.xz
series=${SERIES:-nvmet}
case $series in
nvmet)
	patches=$top/target/patches
	branch=nvmet-iocs
	;;
nvme-cli)
	patches=$top/userspace/nvme-cli/patches
	branch=kv-plugin
	;;
*)
	echo "series: SERIES is nvmet or nvme-cli, not '$series'" >&2
	exit 2
	;;
esac
# a fixed identity and date for what the script commits, so the base and
# the scratch branch come out the same on every machine
export GIT_AUTHOR_NAME="nvme-kv developers" GIT_COMMITTER_NAME="nvme-kv developers"
export GIT_AUTHOR_EMAIL=nvme-kv@localhost GIT_COMMITTER_EMAIL=nvme-kv@localhost
export GIT_COMMITTER_DATE="2026-11-23T00:00:00Z"
export GIT_AUTHOR_DATE="2026-11-23T00:00:00Z"

g() {
	git -C "$dir" -c core.abbrev=12 -c init.defaultBranch=linux \
		-c advice.detachedHead=false "$@"
}

series_files() {
	ls "$patches"/[0-9][0-9][0-9][0-9]-*.patch | grep -v '/0000-'
}

# the tree the series applies to, in $dir, and its commit message
base_nvmet() {
	tar -xJf "$tarball" -C "$dir" --strip-components=1 \
		linux-source-6.12/drivers/nvme \
		linux-source-6.12/include/linux/nvme.h \
		linux-source-6.12/scripts/checkpatch.pl \
		linux-source-6.12/scripts/spelling.txt \
		linux-source-6.12/scripts/const_structs.checkpatch
	base_msg="base: drivers/nvme of $(basename "$tarball")"
}

base_nvme_cli() {
	src=$(ls -d "$top"/build/nvme-cli/src/nvme-cli-*/ 2> /dev/null | head -n 1)
	[ -n "$src" ] || {
		echo "series: no nvme-cli source in build/nvme-cli/src (make nvme-cli fetches it)" >&2
		exit 1
	}
	# the source as Debian ships it, without quilt's bookkeeping
	(cd "$src" && tar -cf - --exclude=./.pc .) | tar -xf - -C "$dir"
	base_msg="base: $(basename "$src") (Debian's source package)"
}

do_branch() {
	rm -rf "$dir"
	mkdir -p "$dir"
	case $series in
	nvmet) base_nvmet ;;
	nvme-cli) base_nvme_cli ;;
	esac
	g init -q
	g add -A -f .
	g commit -q -m "$base_msg"
	g tag base
	g checkout -q -b "$branch"
	for p in $(series_files); do
		g am -q --keep-cr "$p" || {
			echo "series: $(basename "$p") does not apply with git am" >&2
			g am --abort || true
			exit 1
		}
	done
	cover=$patches/0000-cover-letter.patch
	if [ -f "$cover" ]; then
		# subject (unfolded), blank line, then the body up to the shortlog
		desc=$(awk '
			/^Subject: / { sub(/^Subject: \[PATCH [0-9]+\/[0-9]+\] /, ""); s = $0; insub = 1; next }
			insub && /^ / { s = s $0; next }
			insub { insub = 0; print s; print ""; body = 1; next }
			body && /^[^ ].* \([0-9]+\):$/ { exit }
			body { print }
		' "$cover")
		g config "branch.$branch.description" "$desc"
	fi
}

# format <dir> <output directory>
do_format() {
	outdir=$1
	mkdir -p "$outdir"
	rm -f "$outdir"/*.patch
	g format-patch -q --cover-letter --cover-from-description=subject \
		--zero-commit --no-signature -o "$outdir" "base..$branch"
	# The cover letter's Date is the time format-patch ran; give it the
	# date of the series' last patch so a rebuild is byte-identical.
	last=$(ls "$outdir"/*.patch | tail -n 1)
	date=$(sed -n 's/^Date: //p' "$last" | head -n 1)
	sed -i "s/^Date: .*/Date: $date/" "$outdir/0000-cover-letter.patch"
}

do_size() {
	total_a=0 total_d=0
	for p in $(series_files); do
		# counted in the diff only: the message may hold such lines too
		set -- $(awk '/^diff --git/ { d = 1 }
			d && /^\+/ && !/^\+\+\+ / { a++ }
			d && /^-/ && !/^--- / { r++ }
			END { print a + 0, r + 0 }' "$p")
		a=$1 r=$2
		total_a=$((total_a + a))
		total_d=$((total_d + r))
		printf '%s +%s -%s\n' "$(basename "$p")" "$a" "$r"
	done
	printf 'total +%s -%s\n' "$total_a" "$total_d"
}

# each: build every commit of a scratch branch in turn; make rebuilds only
# what a commit changed
do_each() {
	kdir=/usr/src/linux-headers-$("$top/scripts/kver.sh")
	n=0
	for c in $(g rev-list --reverse "base..$branch"); do
		n=$((n + 1))
		subject=$(g log -1 --format=%s "$c")
		g checkout -q "$c"
		if make -s -C "$kdir" M="$dir/drivers/nvme/target" -j"$(nproc)" \
			NOSTDINC_FLAGS="-nostdinc -I$dir/include" modules \
			> "$scratch/build.log" 2>&1 &&
		    ! grep -q "warning:" "$scratch/build.log"; then
			echo "ok $n - series: builds on its own: $subject"
		else
			echo "not ok $n - series: builds on its own: $subject"
			head -n 20 "$scratch/build.log" | sed 's/^/# /'
		fi
	done
	echo "1..$n"
}

cmd=${1:-}
case "$cmd" in
branch)
	dir=$2
	do_branch
	;;
format)
	dir=$2
	do_format "$patches"
	echo "series: wrote $(series_files | wc -l) patches and a cover letter to ${patches#"$top"/}/"
	;;
size)
	do_size
	;;
each)
	scratch=$(mktemp -d)
	trap 'rm -rf "$scratch"' EXIT
	dir=$scratch/tree
	(do_branch) > "$scratch/branch.log" 2>&1 ||
		{ cat "$scratch/branch.log"; echo "not ok 1 - series: applies"; echo "1..1"; exit 1; }
	do_each
	;;
check)
	built=${2:-}
	scratch=$(mktemp -d)
	trap 'rm -rf "$scratch"' EXIT
	dir=$scratch/tree
	n=1
	if (do_branch) > "$scratch/branch.log" 2>&1 &&
	    (do_format "$scratch/out") >> "$scratch/branch.log" 2>&1 &&
	    diff -ru "$patches" "$scratch/out" > "$scratch/diff" 2>&1; then
		echo "ok $n - series: ${patches#"$top"/} is git format-patch of the branch it applies as (rebuilt and formatted again, byte for byte)"
	else
		echo "not ok $n - series: ${patches#"$top"/} is git format-patch of the branch it applies as (rebuilt and formatted again, byte for byte)"
		cat "$scratch/branch.log" "$scratch/diff" | head -n 40 | sed 's/^/# /'
	fi
	if [ -n "$built" ]; then
		n=$((n + 1))
		# the built tree is a branch made by "branch"; its tip must be
		# the scratch branch's, and nothing tracked may differ from it
		want=$(g rev-parse "$branch^{tree}" 2>/dev/null || echo none)
		have=$(git -C "$built" rev-parse "HEAD^{tree}" 2>/dev/null || echo missing)
		if [ "$want" = "$have" ] && git -C "$built" diff --quiet HEAD -- 2>/dev/null; then
			echo "ok $n - series: the tree built ($built) is exactly what the series applies"
		else
			echo "not ok $n - series: the tree built ($built) is exactly what the series applies"
			echo "# series tree $want, built tree $have"
			git -C "$built" diff --stat HEAD -- 2>&1 | head -n 20 | sed 's/^/# /'
		fi
	fi
	echo "1..$n"
	do_size | sed 's/^/# size: /'
	;;
*)
	echo "usage: scripts/series.sh branch <dir> | format <dir> | check [<built dir>] | size | each" >&2
	exit 2
	;;
esac
