#!/bin/sh
# Extract what the build needs from Debian's linux-source-6.12 tarball into
# build/ksrc/ (drivers/nvme/ and checkpatch.pl with its data files), then apply
# target/patches/ in order.  Redone only when the tarball or a patch changed.
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

rm -rf "$out"
mkdir -p "$out"
tar -xJf "$tarball" -C "$out" --strip-components=1 \
	linux-source-6.12/drivers/nvme \
	linux-source-6.12/scripts/checkpatch.pl \
	linux-source-6.12/scripts/spelling.txt \
	linux-source-6.12/scripts/const_structs.checkpatch
for p in "$top"/target/patches/*.patch; do
	patch -p1 -s -d "$out" < "$p" || {
		echo "ksrc: $(basename "$p") does not apply to $tarball" >&2
		exit 1
	}
done
echo "$want" > "$stamp"
echo "ksrc: extracted and patched $(ls "$top"/target/patches/*.patch | wc -l) patches"
