#!/bin/sh
# Build the Debian packages from debian/ (make deb): the tracked and the
# new, not ignored files of this tree are copied into build/deb/ and built
# there with dpkg-buildpackage (unsigned, source and binary), so the build
# never cleans or touches this tree's build/.  Then lintian checks the
# result; its errors fail the build, its warnings are printed.
#
#   scripts/deb.sh
#
# The packages and lintian's report (lintian.txt) land in build/deb/.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/deb
ver=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version 2> /dev/null ||
	sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' "$top/debian/changelog")
src=$out/nvme-kv-$ver

"$top/scripts/need.sh" deb debhelper dh-dkms dpkg-dev fakeroot lintian jq libjson-c-dev liburing-dev fio

rm -rf "$out"
mkdir -p "$src"
# a tracked file deleted in the tree is left out, as a commit would
(cd "$top" && git ls-files -z --cached --others --exclude-standard |
	tar --null --ignore-failed-read -cf - -T - 2> /dev/null) |
	tar -xf - -C "$src"
# fio-nvmekv is built against the configured fio source make fio-engine
# fetched (debian/rules, FIO_SRC)
"$top/scripts/fio-engine.sh"
fio_src=$(find "$top/build/fio/src" -mindepth 1 -maxdepth 1 -type d -name 'fio-*' | head -n 1)
[ -f "$fio_src/config-host.h" ] || { echo "deb: no configured fio source in build/fio/src" >&2; exit 1; }
(cd "$src" && FIO_SRC=$fio_src dpkg-buildpackage -us -uc > "$out/build.log" 2>&1) || {
	echo "deb: dpkg-buildpackage failed; tail of $out/build.log:" >&2
	tail -n 30 "$out/build.log" >&2
	exit 1
}
changes=$(ls "$out"/nvme-kv_"$ver"_*.changes)
lintian --info --display-info "$changes" > "$out/lintian.txt" 2>&1 || true
ls "$out"/*.deb | sed 's|.*/|deb: built |'
echo "deb: lintian: $(grep -c '^E:' "$out/lintian.txt") errors, $(grep -c '^W:' "$out/lintian.txt") warnings ($out/lintian.txt)"
grep '^[EW]:' "$out/lintian.txt" || true
! grep -q '^E:' "$out/lintian.txt"
