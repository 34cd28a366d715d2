#!/usr/bin/env bash
# Usage: check-series.sh
# Check patches/ as a reviewer would: in a fresh tree made from the base,
# apply each patch of patches/series in order with git am, run
# scripts/checkpatch.pl --strict on it, and build the directories it
# touches (the series must be bisectable). Reports every failing patch, then
# exits 1 if there was one.
#
# Environment: CHECK_FRAGMENTS (config fragments for the per-patch builds;
# default: the test kernel's).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=$BUILD/check-tree obj=$BUILD/kbuild-check
read -r -a fragments <<<"${CHECK_FRAGMENTS:-$TOP/config/guest.config $TOP/config/debug.config}"
[[ -f $TOP/config/feature.config && -z ${CHECK_FRAGMENTS:-} ]] && fragments+=("$TOP/config/feature.config")

"$TOP/scripts/prepare-base.sh"
rm -rf "$tree"
git clone -q --no-checkout "$BUILD/base.git" "$tree"
git -C "$tree" checkout -q -b check base
"$TOP/scripts/configure-kernel.sh" "$tree" "$obj" "${fragments[@]}"
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
	kdirs=() selftest=0
	for f in "${files[@]}"; do
		case $f in
		tools/testing/selftests/mm/*) selftest=1 ;;
		*.c) kdirs+=("$(dirname "$f")/") ;;
		*.h | Kconfig* | */Kconfig* | Makefile | */Makefile) kdirs+=(mm/ fs/) ;;
		esac
	done
	mapfile -t kdirs < <(printf '%s\n' "${kdirs[@]}" | grep . | sort -u)
	if ((${#kdirs[@]})); then
		log "[$n] building ${kdirs[*]}"
		if ! make -C "$tree" O="$obj" -j"$(nproc)" CC="ccache gcc" olddefconfig "${kdirs[@]}" \
			>"$obj/build-$n.log" 2>&1; then
			grep -E -m 10 'error' "$obj/build-$n.log" >&2 || tail -10 "$obj/build-$n.log" >&2
			failures+=("$patch: build of ${kdirs[*]} (log $obj/build-$n.log)")
		fi
	fi
	if ((selftest)); then
		make -C "$tree" O="$obj" headers_install >/dev/null 2>&1 &&
			tests=$(cd "$tree/tools/testing/selftests/mm" &&
				git diff --name-only HEAD~1 HEAD -- . | sed -n 's|.*/\([^/]*\)\.c$|\1|p' |
				grep -v '_util$' || true) &&
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
