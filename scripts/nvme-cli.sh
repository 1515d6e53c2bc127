#!/bin/sh
# Build nvme-cli from Debian's nvme-cli source package with the "kv" plugin,
# into build/nvme-cli/nvme.  The plugin is a patch series against nvme-cli
# (userspace/nvme-cli/patches/, made by git format-patch): the source is
# fetched with apt-get (scripts/debsrc.sh adds a deb-src entry if needed)
# into build/nvme-cli/src and left as it is; "SERIES=nvme-cli
# scripts/series.sh branch" applies the series with git am on a branch in
# build/nvme-cli/tree, and meson builds that tree without downloading
# anything.  Redone only when the series or this script changed.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/nvme-cli
src=$out/src
stamp=$out/.stamp
want=$(cat "$0" "$top"/userspace/nvme-cli/patches/*.patch | cksum)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$out/nvme" ]; then
	exit 0
fi

need_root() {
	[ "$(id -u)" = 0 ] || { echo "nvme-cli: need root to $1" >&2; exit 1; }
}

"$top/scripts/debsrc.sh"

# build tools and nvme-cli's build dependencies
"$top/scripts/need.sh" nvme-cli meson ninja-build pkgconf libnvme-dev \
	libdbus-1-dev libssl-dev libjson-c-dev zlib1g-dev

# the source of the nvme-cli version this machine packages
rm -rf "$src"
mkdir -p "$src"
(cd "$src" && apt-get source -qq nvme-cli > /dev/null 2>&1) || {
	echo "nvme-cli: apt-get source nvme-cli failed" >&2
	exit 1
}
find "$src" -mindepth 1 -maxdepth 1 -type d -name 'nvme-cli-*' | grep -q . || {
	echo "nvme-cli: no source tree under $src" >&2
	exit 1
}

# the series on a branch of that source
SERIES=nvme-cli "$top/scripts/series.sh" branch "$out/tree" > "$out/series.log" 2>&1 || {
	cat "$out/series.log" >&2
	exit 1
}
tree=$out/tree

rm -rf "$out/meson"
meson setup --wrap-mode=nodownload -Ddocs=false -Dbuildtype=release \
	"$out/meson" "$tree" > "$out/meson.log" 2>&1 || {
	tail -n 30 "$out/meson.log" >&2
	exit 1
}
ninja -C "$out/meson" > "$out/ninja.log" 2>&1 || {
	grep -E "error|kv-nvme" "$out/ninja.log" | head -n 40 >&2
	exit 1
}
cp "$out/meson/nvme" "$out/nvme"
echo "$want" > "$stamp"
echo "nvme-cli: built $("$out/nvme" version | head -n 1) with the kv plugin"
