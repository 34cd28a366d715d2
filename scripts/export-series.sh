#!/usr/bin/env bash
# Usage: export-series.sh [TREE] [OUTDIR]
# Write the commits base..HEAD of TREE as git format-patch files and a
# series file into OUTDIR (default patches/), with a cover letter
# (0000-cover-letter.patch) made from cover-letter.txt: its first paragraph
# is the subject, the rest the body; its lines starting with "#" are
# comments. The output depends only on the commits' content, message and
# author and on cover-letter.txt: running it again without changes
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
git -C "$tree" -c diff.suppressBlankEmpty=true format-patch -q --zero-commit --no-signature --no-stat \
	--no-numbered --subject-prefix=PATCH -o "$tmp" base..HEAD
# The stat block is omitted because its widths depend on the terminal;
# --no-numbered keeps a patch's subject stable when others are added.
(cd "$tmp" && ls -1 -- *.patch 2>/dev/null || true) >"$tmp/series"

cover=$TOP/cover-letter.txt
if [[ -f $cover ]] && [[ -s $tmp/series ]]; then
	grep -q '@[A-Z]*@' "$cover" && die "$cover still has a @PLACEHOLDER@: fill it in"
	branch=$(git -C "$tree" symbolic-ref --short HEAD)
	# Lines starting with "#" are comments, as in a commit message: the
	# markers of the blocks that "make numbers" rewrites.
	git -C "$tree" -c "branch.$branch.description=$(grep -v '^#' "$cover")" \
		-c diff.suppressBlankEmpty=true \
		format-patch -q --zero-commit --no-signature --stat=72 \
		--subject-prefix=PATCH --cover-letter --cover-from-description=subject \
		-o "$tmp/cover" base..HEAD
	# The cover letter's date is the time of the export: use the newest
	# commit's, so that an unchanged series exports to unchanged files.
	sed "s/^Date: .*/Date: $(git -C "$tree" log -1 --format=%aD HEAD)/" \
		"$tmp/cover/0000-cover-letter.patch" >"$tmp/0000-cover-letter.patch"
fi

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
