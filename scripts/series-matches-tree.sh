#!/usr/bin/env bash
# Usage: series-matches-tree.sh TREE
# Exit 0 when TREE has no uncommitted changes and its commits export to
# exactly the files in patches/; otherwise say what differs and exit 1.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! git -C "$tree" diff --quiet HEAD; then
	warn "$tree has uncommitted changes:"
	git -C "$tree" status --short --untracked-files=no | head >&2
	exit 1
fi
"$TOP/scripts/export-series.sh" "$tree" "$tmp/patches" 2>/dev/null
mkdir -p "$tmp/want"
cp "$TOP"/patches/*.patch "$TOP/patches/series" "$tmp/want/" 2>/dev/null || touch "$tmp/want/series"
if ! diff -r -q "$tmp/want" "$tmp/patches" >"$tmp/diff"; then
	warn "the commits of $tree differ from patches/:"
	sed 's/^/  /' "$tmp/diff" >&2
	exit 1
fi
