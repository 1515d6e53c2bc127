#!/bin/sh
# make deb-nvme-cli: Debian's own nvme-cli package, rebuilt with the kv
# plugin, into build/deb-nvme-cli/nvme-cli_<version>+nvmekv1_<arch>.deb.
#
# What an administrator who wants "nvme kv" on Debian 12 would do until the
# plugin is upstream: take the nvme-cli source package this machine's
# archive has (scripts/nvme-cli.sh fetched it into build/nvme-cli/src), add
# the plugin's series (userspace/nvme-cli/patches/, made by git
# format-patch) to its debian/patches as quilt patches, give it a local
# version above Debian's, and build it with dpkg-buildpackage.  Nothing is
# downloaded but the build dependencies, from the archive.
#
# Redone only when the series or this script changed.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/deb-nvme-cli
stamp=$out/.stamp
want=$(cat "$0" "$top"/userspace/nvme-cli/patches/*.patch | cksum)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] &&
	ls "$out"/nvme-cli_*+nvmekv1_*.deb > /dev/null 2>&1; then
	exit 0
fi

# the source package, unpacked by apt-get source (its patches applied)
pristine=$(find "$top/build/nvme-cli/src" -mindepth 1 -maxdepth 1 -type d \
	-name 'nvme-cli-*' | head -n 1)
if [ -z "$pristine" ] || [ ! -f "$pristine/debian/changelog" ]; then
	echo "deb-nvme-cli: no nvme-cli source under build/nvme-cli/src (make nvme-cli)" >&2
	exit 1
fi

# its Build-Depends without the <!nocheck> ones (the tests need a device)
"$top/scripts/need.sh" deb-nvme-cli dpkg-dev debhelper asciidoc cmake \
	libdbus-1-dev libjson-c-dev libnvme-dev libssl-dev meson pkg-config \
	uuid-runtime xmlto zlib1g-dev

rm -rf "$out"
mkdir -p "$out"
tree=$out/$(basename "$pristine")
cp -a "$pristine" "$tree"

# the series as quilt patches after Debian's; dpkg-buildpackage applies
# them (dpkg-source --before-build) and checks they apply cleanly
for p in "$top"/userspace/nvme-cli/patches/[0-9][0-9][0-9][0-9]-*.patch; do
	case "${p##*/}" in 0000-*) continue ;; esac
	cp "$p" "$tree/debian/patches/nvme-kv-${p##*/}"
	echo "nvme-kv-${p##*/}" >> "$tree/debian/patches/series"
done

version=$(cd "$tree" && dpkg-parsechangelog -S Version)+nvmekv1
# the date of the commit the series comes from, so a rebuild is the same
when=$(date -R -u -d "@$(git -C "$top" log -1 --format=%ct -- userspace/nvme-cli/patches)")
{
	printf 'nvme-cli (%s) bookworm; urgency=medium\n\n' "$version"
	printf '  * Add the kv plugin ("nvme kv"), for NVMe Key Value namespaces, from\n'
	printf '    the nvme-kv project'"'"'s patch series (debian/patches/nvme-kv-*).\n\n'
	printf ' -- nvme-kv developers <nvme-kv@localhost>  %s\n\n' "$when"
	cat "$tree/debian/changelog"
} > "$out/changelog"
mv "$out/changelog" "$tree/debian/changelog"

echo "deb-nvme-cli: building nvme-cli $version (log: build/deb-nvme-cli/build.log)"
# with the system's PATH only, as a Debian build runs: a python3 of the
# user's in front would lack the asciidoc module the man pages need
(cd "$tree" && PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" \
	DEB_BUILD_PROFILES=nocheck dpkg-buildpackage -b -us -uc) \
	> "$out/build.log" 2>&1 || {
	tail -n 40 "$out/build.log" >&2
	exit 1
}
deb=$(ls "$out"/nvme-cli_"$version"_*.deb)
# the plugin is in the binary, and its pages in the package
dpkg-deb -c "$deb" > "$out/contents"
grep -q 'man1/nvme-kv-store\.1' "$out/contents" || {
	echo "deb-nvme-cli: $deb has no nvme-kv-store(1)" >&2
	exit 1
}
dpkg-deb -x "$deb" "$out/unpacked"
"$out/unpacked/usr/sbin/nvme" kv help 2>&1 | grep -q 'retrieve' || {
	echo "deb-nvme-cli: the nvme of $deb has no kv plugin" >&2
	exit 1
}
rm -rf "$out/unpacked"
echo "$want" > "$stamp"
echo "deb-nvme-cli: built ${deb#"$top"/}"
