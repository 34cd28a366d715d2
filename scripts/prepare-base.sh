#!/usr/bin/env bash
# Unpack the pinned Debian kernel source into $BUILD/base-src, check that it
# is the version the series is made against, and record it as the first
# commit of a git repository kept at $BUILD/base.git. The commit is made with
# fixed dates so that its id depends on the source alone.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

STAMP=$BUILD/base.git/BASE_OK
if [[ -f $STAMP && $(cat "$STAMP") == "$BASE_SHA256" ]]; then
	exit 0
fi

[[ -f $BASE_TARBALL ]] ||
	die "$BASE_TARBALL is missing: run 'make deps' (installs $BASE_PACKAGE)"

installed=$(dpkg-query -W -f='${Version}' "$BASE_PACKAGE" 2>/dev/null || true)
sum=$(sha256sum "$BASE_TARBALL" | cut -d' ' -f1)
if [[ $installed != "$BASE_VERSION" || $sum != "$BASE_SHA256" ]]; then
	shout "The series is made against $BASE_PACKAGE $BASE_VERSION," \
		"but this machine has ${installed:-no package} (sha256 $sum)." \
		"Going on with it: whether the series still applies decides." \
		"Results are NOT for the pinned base."
fi

log "unpacking $BASE_TARBALL"
rm -rf "$BUILD/base-src" "$BUILD/base.git"
mkdir -p "$BUILD/base-src"
tar -xf "$BASE_TARBALL" -C "$BUILD/base-src" --strip-components=1

src=$BUILD/base-src
kv=$(make -s -C "$src" kernelversion)
if [[ $kv != "$BASE_KERNELVERSION" ]]; then
	shout "Unpacked source is Linux $kv, the series is made against $BASE_KERNELVERSION."
fi

log "recording the base as a git commit (takes a minute)"
git init -q -b upstream --bare "$BUILD/base.git"
export GIT_DIR=$BUILD/base.git GIT_WORK_TREE=$src
export GIT_AUTHOR_DATE='2000-01-01T00:00:00Z' GIT_COMMITTER_DATE='2000-01-01T00:00:00Z'
git config gc.auto 0
git add -A -f
git commit -q -m "base: $BASE_PACKAGE $installed (Linux $kv)" \
	-m "Unpacked from $BASE_TARBALL, sha256 $sum."
git tag -f base >/dev/null
rm -rf "$src"
echo "$sum" >"$STAMP"
log "base commit $(git rev-parse --short base): Linux $kv"
