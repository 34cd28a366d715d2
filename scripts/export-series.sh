#!/usr/bin/env bash
# Usage: export-series.sh [TREE] [OUTDIR]
# Write the commits base..HEAD of TREE as git format-patch files and a
# series file into OUTDIR (default patches/). The output depends only on the
# commits' content, message and author: running it again without changes
# changes no file.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=${1:-$KTREE}
out=${2:-$TOP/patches}
[[ -d $tree/.git ]] || die "no kernel tree at $tree: run 'make tree' first"
git -C "$tree" rev-parse -q --verify base >/dev/null ||
	die "$tree has no 'base' tag: it was not made by 'make tree'"
if ! git -C "$tree" diff --quiet HEAD; then
	git -C "$tree" status --short | head >&2
	die "$tree has uncommitted changes: commit them (git commit --fixup, then" \
		"git rebase -i --autosquash base) before exporting"
fi

mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$tree" format-patch -q --zero-commit --no-signature --no-stat \
	--no-numbered --subject-prefix=PATCH -o "$tmp" base..HEAD
# The stat block is omitted because its widths depend on the terminal;
# --no-numbered keeps a patch's subject stable when others are added.
(cd "$tmp" && ls -1 -- *.patch 2>/dev/null || true) >"$tmp/series"

# Replace only what changed, so that unchanged files keep their mtime.
for f in "$out"/*.patch; do
	[[ -e $f ]] || continue
	[[ -e $tmp/$(basename "$f") ]] || rm -f "$f"
done
for f in "$tmp"/*.patch "$tmp/series"; do
	[[ -e $f ]] || continue
	cmp -s "$f" "$out/$(basename "$f")" || cp "$f" "$out/"
done
log "exported $(grep -c . "$out/series" || true) patches to $out"
