#!/usr/bin/env bash
# Usage: checkout-base.sh TREE
# Make TREE a checkout of the pinned base alone, without the series: the
# unpatched kernel that the benchmark compares the series against.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[[ $# -eq 1 ]] || die "usage: $0 TREE"
tree=$1

"$TOP/scripts/prepare-base.sh"
want=$(git -C "$BUILD/base.git" rev-parse base)
if [[ -d $tree/.git ]] && [[ $(git -C "$tree" rev-parse HEAD) == "$want" ]] &&
	git -C "$tree" diff --quiet HEAD; then
	exit 0
fi
log "checking out the unpatched base into $tree"
rm -rf "$tree"
git clone -q --no-checkout "$BUILD/base.git" "$tree"
git -C "$tree" checkout -q --detach base
