#!/bin/sh
# Build the debug guest kernel from Debian's linux-source-6.12: tinyconfig
# plus qemu/debug.config (KASAN, KFENCE, lockdep, DEBUG_ATOMIC_SLEEP,
# kmemleak), then install its modules under build/dbgk/root.  Everything is
# cached under build/dbgk/: the source is extracted again only when the
# tarball changed, and a changed fragment or script reconfigures and
# rebuilds incrementally.  Prints the kernel release on stdout; progress
# goes to stderr and the build log to build/dbgk/build.log.
#
#   scripts/debug-kernel.sh
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/dbgk
src=$out/linux
tarball=/usr/src/linux-source-6.12.tar.xz
frag=$top/qemu/debug.config
stamp=$out/.stamp
jobs=${JOBS:-$(nproc)}

want=$( (ls -l --time-style=+%s "$tarball"; cat "$frag" "$0") | cksum)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
	cat "$out/kernelrelease"
	exit 0
fi

start=$(date +%s)
srcwant=$(ls -l --time-style=+%s "$tarball" | cksum)
if [ ! -f "$out/.src-stamp" ] || [ "$(cat "$out/.src-stamp")" != "$srcwant" ]; then
	rm -rf "$out"
	mkdir -p "$out"
	echo "debug-kernel: extracting $tarball" >&2
	tar -xJf "$tarball" -C "$out"
	mv "$out/linux-source-6.12" "$src"
	echo "$srcwant" > "$out/.src-stamp"
fi
rm -f "$stamp"

log=$out/build.log
make -s -C "$src" tinyconfig > "$log" 2>&1
"$src/scripts/kconfig/merge_config.sh" -m -O "$src" "$src/.config" "$frag" \
	>> "$log" 2>&1
# a release of its own, so its modules never mix with the stock kernel's
"$src/scripts/config" --file "$src/.config" --set-str LOCALVERSION -kvdebug \
	--disable LOCALVERSION_AUTO
make -s -C "$src" olddefconfig >> "$log" 2>&1

# every option of the fragment must have survived (a missing dependency
# silently drops one)
grep -E '^(CONFIG_[A-Z0-9_]+=|# CONFIG_[A-Z0-9_]+ is not set)' "$frag" |
while read -r line; do
	grep -qxF "$line" "$src/.config" && continue
	echo "debug-kernel: $line did not survive olddefconfig" >&2
	echo bad
done > "$out/dropped"
if [ -s "$out/dropped" ]; then
	exit 1
fi

echo "debug-kernel: building (log: $log)" >&2
if ! make -C "$src" -j"$jobs" bzImage modules >> "$log" 2>&1; then
	echo "debug-kernel: build failed; log tail:" >&2
	tail -n 30 "$log" >&2
	exit 1
fi
rm -rf "$out/root"
make -s -C "$src" INSTALL_MOD_PATH="$out/root" modules_install >> "$log" 2>&1
rel=$(make -s -C "$src" kernelrelease)
echo "$rel" > "$out/kernelrelease"
echo "$want" > "$stamp"
echo "debug-kernel: $rel built in $(( $(date +%s) - start ))s" >&2
echo "$rel"
