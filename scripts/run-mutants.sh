#!/usr/bin/env bash
# Usage: run-mutants.sh TREE SELFTESTS OUTDIR FRAGMENT...
# Prove that the tests catch broken kernels. Each mutant (mutants/NAME.patch,
# or only those named in $MUTANTS) breaks one thing the series gets right.
# For each: apply it on top of TREE's series in a worktree, build the test
# kernel (FRAGMENT..., ccache, one build directory for all mutants), boot it
# with only the tests its "Caught-by:" line names, and judge the run:
#   caught       a test case failed, or the kernel reported a splat
#   NOT caught   the run passed: a test is missing
#   no verdict   the mutant did not apply or build, or the guest never
#                reached its tests
# Prints a table (also OUTDIR/mutants.md); exits 1 unless every mutant was
# caught. Each run's console and KTAP are in OUTDIR/NAME/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[[ $# -ge 4 ]] || die "usage: $0 TREE SELFTESTS OUTDIR FRAGMENT..."
tree=$(realpath "$1") selftests=$(realpath "$2") out=$(realpath -m "$3")
shift 3
fragments=("$@")
mutant_dir=$TOP/mutants
# A mutant that hangs the guest is caught; do not wait the full hour for it.
export GUEST_TIMEOUT=${GUEST_TIMEOUT:-1200}
# The same layout as the test kernel's (build/linux, build/kbuild-test):
# paths relative to the build directory are equal, so ccache hits for
# every file a mutant leaves alone.
wt=$BUILD/mutant/linux obj=$BUILD/mutant/kbuild-test

git -C "$tree" rev-parse -q --verify HEAD >/dev/null ||
	die "$tree is no kernel tree: run 'make tree'"
head=$(git -C "$tree" rev-parse HEAD)

if [[ -n ${MUTANTS:-} ]]; then
	read -r -a names <<<"$MUTANTS"
else
	names=()
	for p in "$mutant_dir"/*.patch; do names+=("$(basename "$p" .patch)"); done
fi
((${#names[@]})) || die "no mutants in $mutant_dir"
for name in "${names[@]}"; do
	[[ -f $mutant_dir/$name.patch ]] || die "no mutant $mutant_dir/$name.patch"
	grep -q '^Caught-by: [^ ]' "$mutant_dir/$name.patch" ||
		die "$name.patch has no 'Caught-by: TEST...' line"
done

if [[ ! -d $wt ]]; then
	git -C "$tree" worktree prune
	mkdir -p "$(dirname "$wt")"
	git -C "$tree" worktree add -q --detach "$wt" "$head"
fi
mkdir -p "$out"
binaries=$(awk '!/^[[:space:]]*(#|$)/ {print $2}' "$TOP/guest/tests.list" | sort -u)

# The first failed case of a KTAP file, or the first splat of a console.
first_failure() { grep -m1 -E '^[[:space:]]*not ok ' "$1/results.ktap" | sed 's/^[[:space:]]*//' || true; }
first_splat() {
	"$TOP/scripts/check-console.sh" "$1/console.log" 2>&1 |
		grep -m1 -E 'BUG|WARNING|Oops|KASAN|panic|INFO:|bad p[mu]d|stall|dropped|fault' |
		sed 's/^\[ *[0-9.]*\] //' || true
}

# Whether check-console.sh finds a splat in console $1 (not merely fails).
# Not a pipe into grep: with pipefail, the pipe fails whenever
# check-console.sh does, that is whenever there is a splat.
splatted() {
	local report
	report=$("$TOP/scripts/check-console.sh" "$1" 2>&1 >/dev/null) && return 1
	[[ $report == *$'\nKERNEL SPLAT'* || $report == 'KERNEL SPLAT'* ]]
}

# Boot the mutant with test-kernel.sh in run dir $1, and stop the guest as
# soon as a case has failed or the kernel splatted: the first is all the
# verdict needs. Returns test-kernel.sh's status, or 1 if stopped early.
run_until_caught() {
	local run=$1 pid
	setsid "$TOP/scripts/test-kernel.sh" "$obj/arch/x86/boot/bzImage" \
		"$run/initramfs.cpio.gz" "$run" >"$run/verdict.log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 5
		if grep -qE '^[[:space:]]*not ok ' "$run/results.ktap" 2>/dev/null ||
			{ grep -q '^harness: running ' "$run/console.log" 2>/dev/null &&
				splatted "$run/console.log"; }; then
			kill -- -"$pid" 2>/dev/null || true
			wait "$pid" || true
			echo "stopped early: the mutant was caught" >>"$run/verdict.log"
			return 1
		fi
	done
	wait "$pid"
}

table=$out/mutants.md
printf '| mutant | tests | verdict | evidence |\n|---|---|---|---|\n' >"$table"
missed=0
for name in "${names[@]}"; do
	patch=$mutant_dir/$name.patch run=$out/$name
	tests=$(sed -n 's/^Caught-by: //p' "$mutant_dir/$name.patch" | head -1)
	rm -rf "$run" && mkdir -p "$run"
	log "mutant $name: expected to be caught by $tests"
	start=$SECONDS
	verdict="no verdict" evidence=
	git -C "$wt" checkout -q --detach -f "$head"
	if ! git -C "$wt" apply "$patch" 2>"$run/apply.log"; then
		evidence="does not apply on the series: $(head -1 "$run/apply.log")"
	elif ! "$TOP/scripts/build-kernel.sh" "$wt" "$obj" "${fragments[@]}" 2>"$run/build.log"; then
		evidence="does not build: $(grep -m1 -E 'error' "$obj/build.log" || true)"
	else
		# shellcheck disable=SC2086 # a list of binary names
		TESTS=$tests "$TOP/scripts/make-initramfs.sh" "$run/initramfs.cpio.gz" \
			"$selftests" $binaries 2>>"$run/build.log"
		if run_until_caught "$run"; then
			verdict="NOT caught" evidence="$(tail -1 "$run/verdict.log")"
		elif ! grep -q '^harness: running ' "$run/console.log"; then
			evidence="the guest never reached its tests: see $run/verdict.log"
		else
			verdict=caught
			evidence=$(first_failure "$run")
			[[ -n $evidence ]] || evidence=$(first_splat "$run")
			[[ -n $evidence ]] || evidence=$(grep -m1 '^WARNING' "$run/verdict.log" || true)
		fi
	fi
	[[ $verdict == caught ]] || missed=$((missed + 1))
	log "mutant $name: $verdict in $((SECONDS - start)) s: $evidence"
	printf '| %s | %s | %s | %s |\n' "$name" "$tests" "$verdict" \
		"${evidence//|/\\|}" >>"$table"
done
git -C "$wt" checkout -q --detach -f "$head"

cat "$table"
echo "${#names[@]} mutants: $((${#names[@]} - missed)) caught, $missed not caught or no verdict"
((missed == 0))
