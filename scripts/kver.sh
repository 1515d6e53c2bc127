#!/bin/sh
# Print the Debian 6.12 kernel release this project builds and tests against,
# derived from the installed packages (never hard-coded: the archive keeps only
# the newest patch level).  Fails with a message naming the versions found when
# the kernel image, its headers and linux-source-6.12 disagree.
set -eu

kver=$(ls -d /usr/src/linux-headers-6.12.*-amd64 2>/dev/null |
	sed 's#^/usr/src/linux-headers-##' | grep -v -e cloud -e rt -e common |
	sort -V | tail -n 1)
if [ -z "$kver" ]; then
	echo "kver: no linux-headers-6.12*-amd64 installed; run 'make deps'" >&2
	exit 1
fi

pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo none; }
img=$(pkgver "linux-image-$kver")
[ "$img" = none ] && img=$(pkgver "linux-image-$kver-unsigned")
hdr=$(pkgver "linux-headers-$kver")
src=$(pkgver linux-source-6.12)

if [ "$img" != "$hdr" ] || [ "$hdr" != "$src" ] ||
   [ ! -e "/boot/vmlinuz-$kver" ] || [ ! -d "/usr/lib/modules/$kver/kernel" ] ||
   [ ! -e /usr/src/linux-source-6.12.tar.xz ]; then
	echo "kver: kernel packages disagree for $kver: image $img, headers $hdr," \
	     "source $src (vmlinuz: $(ls /boot/vmlinuz-$kver 2>/dev/null || echo missing));" \
	     "install matching versions with 'make deps'" >&2
	exit 1
fi
echo "$kver"
