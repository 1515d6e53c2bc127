#!/bin/sh
# Extract what the build needs from Debian's linux-source-6.12 tarball into
# build/ksrc/ (drivers/nvme/ and checkpatch.pl with its data files), then apply
# target/patches/ in order with git am.  Redone only when the tarball or a
# patch changed.
# Kbuild writes objects next to the sources, so the modules of the debug
# kernel are built in a second copy: scripts/ksrc.sh <directory>.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/ksrc}
tarball=/usr/src/linux-source-6.12.tar.xz
stamp="$out/.stamp"

want=$( (ls -l --time-style=+%s "$tarball"; cat "$top"/target/patches/*.patch) | cksum)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
	exit 0
fi

# the tree is the series' branch (scripts/series.sh branch): a git
# repository whose tip is what target/patches applies, so make check can
# tell that the tree built is exactly the series (scripts/series.sh check)
"$top/scripts/series.sh" branch "$out" || {
	echo "ksrc: target/patches does not apply to $tarball" >&2
	exit 1
}
echo "$want" > "$stamp"
echo "ksrc: extracted and applied $(ls "$top"/target/patches/*.patch | grep -vc /0000-) patches"
