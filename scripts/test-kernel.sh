#!/usr/bin/env bash
# Usage: test-kernel.sh KERNEL INITRAMFS OUTDIR
# Boot the guest in test mode (boot-guest.sh: the tests' KTAP shows as it
# arrives; a boot that died or splatted before init is retried once), then
# judge the run: the guest must have reached its init, finished its tests,
# and left no kernel splat on the console. Prints the closing line
# "N passed, N failed, N skipped"; exits 1 on any failure. A skip the
# test kernel should not need counts as failed unless guest/allowed-skips
# allows it (count-ktap.sh).
# Environment: STRESS_SECONDS, how long fsdax_pmd_stress runs on each file
# system (default 30); GUEST_TIMEOUT grows with it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[[ $# -eq 3 ]] || die "usage: $0 KERNEL INITRAMFS OUTDIR"
stress=${STRESS_SECONDS:-30}
[[ $stress =~ ^[1-9][0-9]{0,5}$ ]] ||
	die "STRESS_SECONDS must be a whole number of seconds (1-999999), not '$stress'"
export GUEST_APPEND="${GUEST_APPEND:-} harness.stress_seconds=$stress"
export GUEST_TIMEOUT=${GUEST_TIMEOUT:-$((3600 + 2 * stress))}
kernel=$1 initramfs=$2 outdir=$3
console=$outdir/console.log results=$outdir/results.ktap

last_lines() {
	printf -- '----- last console lines (%s) -----\n' "$console" >&2
	tail -n 25 "$console" >&2 || true
	printf -- '-----\n' >&2
}

reached_init() { grep -q 'harness: init started' "$console" 2>/dev/null; }

start=$SECONDS
"$TOP/scripts/boot-guest.sh" test "$kernel" "$initramfs" "$outdir"

verdict=0
if ! reached_init; then
	last_lines
	if grep -q '^timeout' "$outdir/guest-status"; then
		warn "the guest hung in boot (no init after ${GUEST_TIMEOUT:-2400} s)"
	else
		warn "the guest never reached its init, twice: see the console above"
	fi
	verdict=1
elif grep -q 'SETUP FAILED' "$console"; then
	grep 'SETUP FAILED' "$console" >&2
	warn "guest set-up failed before the tests ran (pmem, ndctl or mkfs): see above"
	verdict=1
elif ! grep -q '^harness: done' "$results"; then
	last_lines
	if grep -q '^timeout' "$outdir/guest-status"; then
		warn "the guest hung during the tests: killed after ${GUEST_TIMEOUT:-2400} s"
	else
		warn "the guest stopped before its tests finished"
	fi
	verdict=1
fi

if ! "$TOP/scripts/check-console.sh" "$console"; then
	warn "the kernel reported a splat: the run fails even if every test passed"
	verdict=1
fi

read -r passed failed skipped not_run < <("$TOP/scripts/count-ktap.sh" "$results" \
	"$TOP/guest/allowed-skips")
if ((verdict != 0 && failed == 0)); then
	failed=1
fi
log "guest run took $((SECONDS - start)) s; KTAP: $results; console: $console"
((not_run == 0)) || warn "$not_run planned case(s) or test(s) never ran: counted as failed"
echo "$passed passed, $failed failed, $skipped skipped"
((verdict == 0 && failed == 0))
