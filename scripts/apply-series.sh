#!/usr/bin/env bash
# Usage: apply-series.sh [TREE]
# Make TREE (default build/linux) a git tree holding the base as its first
# commit and one commit per patch of patches/series, applied with git am.
# An existing tree with work that patches/ does not hold is never
# overwritten: export it first (make export) or remove it. TREE_AS_IS=1
# uses such a tree as it is (to test work in progress).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=${1:-$KTREE}
series=$TOP/patches/series

"$TOP/scripts/prepare-base.sh"

if [[ -d $tree/.git ]]; then
	if "$TOP/scripts/series-matches-tree.sh" "$tree"; then
		log "$tree already holds patches/"
		exit 0
	fi
	if [[ ${TREE_AS_IS:-0} == 1 ]]; then
		shout "TREE_AS_IS=1: using $tree as it is, which is NOT what patches/ holds"
		exit 0
	fi
	die "$tree differs from patches/ (see above). Keep its work with 'make export'," \
		"or discard it with 'rm -rf $tree' and run this again"
fi

log "creating $tree from the base"
rm -rf "$tree"
git clone -q --no-checkout "$BUILD/base.git" "$tree"
git -C "$tree" checkout -q -b series base
git -C "$tree" config user.name "$GIT_AUTHOR_NAME"
git -C "$tree" config user.email "$GIT_AUTHOR_EMAIL"
# Debian's top-level .gitignore ignores every top-level path ("/*"), so a
# new file anywhere would need "git add -f". Drop that block from the
# working copy only, and tell git not to see the change: the base commit
# stays the pristine package.
sed -i '/^# Debian packaging/,$d' "$tree/.gitignore"
git -C "$tree" update-index --skip-worktree .gitignore

n=0
while IFS= read -r patch; do
	[[ -z $patch || $patch == \#* ]] && continue
	n=$((n + 1))
	[[ -f $TOP/patches/$patch ]] || die "patches/series names $patch, which is not in patches/"
	if ! git -C "$tree" am -q --keep-cr "$TOP/patches/$patch" >"$BUILD/am.log" 2>&1; then
		cat "$BUILD/am.log" >&2
		failed=$(grep -E '^(error: patch failed|error: .*: does not exist|Patch failed at)' "$BUILD/am.log" | head -3 || true)
		git -C "$tree" am --abort || true
		die "patch $n, $patch, does not apply to $BASE_PACKAGE $BASE_VERSION:" \
			"${failed:-see the git am output above}." \
			"Rebase it in the tree (make tree; fix; make export)"
	fi
done < <(cat "$series" 2>/dev/null || true)
log "$tree: base + $n patches, HEAD $(git -C "$tree" log -1 --format='%h %s')"
