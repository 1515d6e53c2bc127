#!/bin/sh
# Install the Debian packages named that are not installed yet: quiet,
# non-interactive, without recommends.  <who> prefixes its messages.
#
#   scripts/need.sh <who> <package>...
set -eu

who=$1
shift
missing=""
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q " installed$" ||
		missing="$missing $p"
done
[ -n "$missing" ] || exit 0
[ "$(id -u)" = 0 ] || { echo "$who: need root to install$missing" >&2; exit 1; }
echo "$who: installing$missing"
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	$missing > /dev/null
