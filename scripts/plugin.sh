#!/bin/sh
# Build the instruction counter, qemu/plugin/kvcount.c, into
# build/plugin/libkvcount.so against the TCG plugin API header of Debian's
# qemu source package of the installed qemu-system-x86 (the header is
# fetched once, with apt-get source, and kept under build/plugin/).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/plugin
ver=$(dpkg-query -W -f='${source:Version}' qemu-system-x86)
inc=$out/qemu-$(echo "$ver" | tr ':' '_')
mkdir -p "$out"

if [ ! -f "$inc/qemu-plugin.h" ]; then
	"$top/scripts/debsrc.sh"
	src=$out/src
	rm -rf "$src"
	mkdir -p "$src"
	(cd "$src" && apt-get source -qq --download-only "qemu=$ver") \
		> "$out/src.log" 2>&1 ||
		{ echo "plugin: apt-get source qemu=$ver failed:" >&2;
		  tail -n 5 "$out/src.log" >&2; exit 1; }
	(cd "$src" && tar -xf qemu_*.orig.tar.* --wildcards \
		'*/include/qemu/qemu-plugin.h' &&
	 tar -xf qemu_*.debian.tar.* debian/patches)
	# Debian's patches would have to be applied if one touched the header
	if grep -rlq 'include/qemu/qemu-plugin\.h' "$src/debian/patches"; then
		echo "plugin: a Debian patch of qemu $ver changes qemu-plugin.h" >&2
		exit 1
	fi
	mkdir -p "$inc"
	cp "$src"/qemu-*/include/qemu/qemu-plugin.h "$inc/"
	rm -rf "$src"
fi
gcc -O2 -g -Wall -Wextra -Werror -std=gnu11 -shared -fPIC -I"$inc" \
	-o "$out/libkvcount.so" "$top/qemu/plugin/kvcount.c"
