#!/usr/bin/env bash
# Usage: check-series.sh
# Check patches/ as a reviewer would: in a fresh tree made from the base,
# apply each patch of patches/series in order with git am, run
# scripts/checkpatch.pl --strict on it, and build what it touches in each
# configuration below (the series must be bisectable). Reports every
# failing patch, then exits 1 if there was one.
#
# Configurations (fragments under config/):
#   test         the test kernel's: guest, debug, feature.
#   off          guest and feature-off: the series without the option.
#   nohugetlbfs  guest, feature and no-hugetlbfs.
# Each builds the directories of the C files a patch touches, and mm/ when
# it changes a header or Kconfig (the test configuration also the 32-bit
# vDSO, which compiles the mm headers for i386). `make test` builds the
# whole kernel of the last patch. Environment: CHECK_CONFIGS (names to
# check; default all).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

declare -A config_fragments=(
	[test]="guest debug feature"
	[off]="guest feature-off"
	[nohugetlbfs]="guest feature no-hugetlbfs"
)
read -r -a configs <<<"${CHECK_CONFIGS:-test off nohugetlbfs}"
tree=$BUILD/check-tree

# The selftest programs (C files with a main()) that the last commit of
# tree $1 adds or changes in tools/testing/selftests/mm; helpers that
# tests link in (fsdax_util.c, fsdax_sharer.c, ...) are no programs.
selftests_changed() {
	local f
	(cd "$1/tools/testing/selftests/mm" &&
		git diff --name-only --diff-filter=AM --relative HEAD~1 HEAD -- '*.c' |
		while read -r f; do
			grep -qE '^int main\(' "$f" && echo "${f%.c}"
		done) || true
}

# Does the tree define every option that fragment $1 turns on? The
# series adds options of its own: config/feature.config applies from the
# patch that makes them selectable on; every other fragment must apply to
# the base.
fragment_applies() {
	local want have
	want=$(sed -n 's/^CONFIG_\([A-Za-z0-9_]*\)=.*/\1/p' "$1" | sort -u)
	[[ -z $want ]] && return 0
	have=$(git -C "$tree" grep -h -o -E "^(menu)?config ($(echo $want | tr ' ' '|'))\$" \
		-- '*Kconfig*' | awk '{print $2}' | sort -u)
	[[ $want == "$have" ]]
}

# Can fragment $1's options be chosen: has each a prompt? The series
# gives its own option one only in its last kernel patch, once sharing
# is safe; before, config/feature.config does not apply.
fragment_selectable() {
	local name
	for name in $(sed -n 's/^CONFIG_\([A-Za-z0-9_]*\)=.*/\1/p' "$1"); do
		git -C "$tree" grep -h -A8 -E "^config $name\$" -- '*Kconfig*' |
			awk 'NR > 1 && /^(menu)?config / { exit }
			     /^[[:space:]]+(bool|tristate|prompt)[[:space:]]+"/ { found = 1 }
			     END { exit !found }' || return 1
	done
}

# (Re)configure every configuration for the tree as it is now.
configure_all() {
	local c f fragments
	for c in "${configs[@]}"; do
		fragments=()
		for f in ${config_fragments[$c]}; do
			f=$TOP/config/$f.config
			[[ -f $f ]] || continue
			if fragment_applies "$f" &&
				{ [[ $f != */feature.config ]] || fragment_selectable "$f"; }; then
				fragments+=("$f")
			elif [[ $f != */feature.config ]]; then
				die "$f asks for options the base does not define"
			fi
		done
		"$TOP/scripts/configure-kernel.sh" "$tree" "$BUILD/kbuild-check-$c" \
			"${fragments[@]}" >/dev/null
	done
}

for c in "${configs[@]}"; do
	[[ -v config_fragments[$c] ]] || die "unknown configuration '$c' in CHECK_CONFIGS"
done
"$TOP/scripts/prepare-base.sh"
rm -rf "$tree"
git clone -q --no-checkout "$BUILD/base.git" "$tree"
git -C "$tree" checkout -q -b check base
configure_all
export CCACHE_BASEDIR=$TOP CCACHE_NOHASHDIR=1
# checkpatch runs scripts/spdxcheck.py with "env python3": make that
# Debian's python3, which has python3-ply and python3-git, rather than any
# other python3 earlier in PATH.
export PATH=/usr/bin:$PATH

failures=()
n=0
while IFS= read -r patch; do
	[[ -z $patch || $patch == \#* ]] && continue
	n=$((n + 1))
	file=$TOP/patches/$patch
	log "[$n] $patch"
	[[ -f $file ]] || die "patches/series names $patch, which is not in patches/"

	if ! git -C "$tree" am -q "$file" >"$BUILD/am.log" 2>&1; then
		cat "$BUILD/am.log" >&2
		die "[$n] $patch does not apply on the patches before it (see above)"
	fi

	if ! (cd "$tree" && ./scripts/checkpatch.pl --strict --quiet --no-summary \
		--ignore FILE_PATH_CHANGES "$file") >"$BUILD/checkpatch.log" 2>&1; then
		sed 's/^/    /' "$BUILD/checkpatch.log" >&2
		failures+=("$patch: checkpatch --strict")
	fi

	# Directories of the kernel sources the patch touches; selftests are
	# built with their own Makefile.
	mapfile -t files < <(git -C "$tree" diff --name-only HEAD~1 HEAD)
	cdirs=() wide=0 selftest=0
	for f in "${files[@]}"; do
		case $f in
		tools/*) [[ $f == tools/testing/selftests/mm/* ]] && selftest=1 ;;
		*.c) cdirs+=("$(dirname "$f")/") ;;
		*.h | Kconfig* | */Kconfig* | Makefile | */Makefile) wide=1 ;;
		esac
	done
	# A new or changed Kconfig option: configure again from the fragments.
	printf '%s\n' "${files[@]}" | grep -q 'Kconfig' && configure_all
	for c in "${configs[@]}"; do
		obj=$BUILD/kbuild-check-$c
		kdirs=("${cdirs[@]}")
		if ((wide)) && [[ $c == test ]]; then
			kdirs+=(mm/ arch/x86/entry/vdso/)
		elif ((wide)); then
			kdirs+=(mm/)
		fi
		mapfile -t kdirs < <(printf '%s\n' "${kdirs[@]}" | grep . | sort -u)
		((${#kdirs[@]})) || continue
		log "[$n] $c: building ${kdirs[*]}"
		if ! make -C "$tree" O="$obj" -j"$(nproc)" CC="ccache gcc" olddefconfig "${kdirs[@]}" \
			>"$obj/build-$n.log" 2>&1; then
			grep -E -m 10 'error' "$obj/build-$n.log" >&2 || tail -10 "$obj/build-$n.log" >&2
			failures+=("$patch: $c build of ${kdirs[*]} (log $obj/build-$n.log)")
		fi
	done
	obj=$BUILD/kbuild-check-${configs[0]}
	if ((selftest)); then
		make -C "$tree" O="$obj" headers_install >/dev/null 2>&1 &&
			tests=$(selftests_changed "$tree") &&
			{ [[ -z $tests ]] || "$TOP/scripts/build-selftests.sh" "$tree" "$obj" \
				"$obj/selftests" $tests; } ||
			failures+=("$patch: selftest build")
	fi
done <"$TOP/patches/series"

if ((${#failures[@]})); then
	printf 'FAILED: %s\n' "${failures[@]}" >&2
	die "${#failures[@]} problem(s) in the series of $n patches"
fi
log "series OK: $n patches apply, pass checkpatch --strict and build one by one"
