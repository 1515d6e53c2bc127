#!/bin/sh
# Build nvme-cli from Debian's nvme-cli source package with the "kv" plugin
# (userspace/nvme-cli/) added, into build/nvme-cli/nvme.  Fetches the
# source with apt-get (scripts/debsrc.sh adds a deb-src entry if needed) and
# builds with meson without downloading anything else.  Redone only when the plugin, the uapi header or this
# script changed.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/nvme-cli
src=$out/src
stamp=$out/.stamp
want=$(cat "$0" "$top"/userspace/nvme-cli/* "$top/uapi/linux/nvme_kv.h" | cksum)
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
tree=$(find "$src" -mindepth 1 -maxdepth 1 -type d -name 'nvme-cli-*' | head -n 1)
[ -n "$tree" ] || { echo "nvme-cli: no source tree under $src" >&2; exit 1; }

# the plugin, with the one header it needs, and its line in the build
mkdir -p "$tree/plugins/kv"
cp "$top"/userspace/nvme-cli/kv-nvme.c "$top"/userspace/nvme-cli/kv-nvme.h \
	"$top/uapi/linux/nvme_kv.h" "$tree/plugins/kv/"
grep -q "plugins/kv/kv-nvme.c" "$tree/plugins/meson.build" ||
	sed -i "s|^sources += \[|sources += [\n  'plugins/kv/kv-nvme.c',|" \
		"$tree/plugins/meson.build"
grep -q "plugins/kv/kv-nvme.c" "$tree/plugins/meson.build" || {
	echo "nvme-cli: could not add the plugin to plugins/meson.build" >&2
	exit 1
}

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
