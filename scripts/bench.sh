#!/usr/bin/env bash
# Usage: bench.sh PLAN_FILE OUTDIR PATCHED_KERNEL INITRAMFS [BASE_KERNEL]
# Run the benchmark of PLAN_FILE (bench-plan.sh) on the patched kernel,
# sharing off and on in the same boot, and, given BASE_KERNEL, its
# single-process runs on the unpatched base kernel too. Each kernel's
# result lines go to OUTDIR/<kernel>/results.txt with its console beside
# them; bench-report.py then writes the report, raw results and plots.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[[ $# -eq 4 || $# -eq 5 ]] ||
	die "usage: $0 PLAN_FILE OUTDIR PATCHED_KERNEL INITRAMFS [BASE_KERNEL]"
plan=$1 outdir=$2 patched=$3 initramfs=$4 base=${5:-}
# shellcheck source=/dev/null
. "$plan"
: "${FS:?} ${SIZES:?} ${PROCS:?} ${REPS:?} ${SINGLE:?} ${PMEM_GIB:?}"

commas() { tr ' ' , <<<"$*"; }

# run_kernel LABEL KERNEL PROCS: boot KERNEL on the plan with the process
# counts PROCS (none: single-process runs only) and check what it left.
run_kernel() {
	local label=$1 kernel=$2 procs=$3 dir=$outdir/$1 append
	append="bench.fs=$(commas "$FS") bench.sizes=$(commas "$SIZES")"
	append+=" bench.procs=$(commas "$procs") bench.reps=$REPS bench.single=$SINGLE"
	log "$label kernel: $append"
	PMEM_GIB=$PMEM_GIB GUEST_APPEND=$append GUEST_TIMEOUT=${GUEST_TIMEOUT:-14400} \
		"$TOP/scripts/boot-guest.sh" bench "$kernel" "$initramfs" "$dir"
	rm -f "$dir"/pmem*.img

	local results=$dir/results.txt console=$dir/console.log
	if grep -q 'SETUP FAILED' "$console"; then
		grep 'SETUP FAILED' "$console" >&2
		die "$label kernel: guest set-up failed (pmem, ndctl or mkfs); console: $console"
	fi
	if grep -q '^bench-failed' "$results"; then
		die "$label kernel: the benchmark failed at: $(sed -n 's/^bench-failed //p' "$results");" \
			"console: $console"
	fi
	if ! grep -q '^bench-done' "$results"; then
		tail -n 20 "$console" >&2
		die "$label kernel: the guest stopped before the benchmark finished" \
			"($(cat "$dir/guest-status")); console: $console"
	fi
	"$TOP/scripts/check-console.sh" "$console" ||
		die "$label kernel: the kernel reported a splat during the benchmark; console: $console"
}

start=$SECONDS
mkdir -p "$outdir"
rm -rf "$outdir/patched" "$outdir/base"
run_kernel patched "$patched" "$PROCS"
if [[ -n $base ]]; then
	run_kernel base "$base" ""
fi
log "benchmark took $((SECONDS - start)) s; writing the report"
python3 "$TOP/scripts/bench-report.py" "$outdir"
