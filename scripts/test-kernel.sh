#!/usr/bin/env bash
# Usage: test-kernel.sh KERNEL INITRAMFS OUTDIR
# Boot the guest in test mode, show the tests' KTAP as it arrives, then
# judge the run: the guest must have reached its init (a boot that died
# or splatted before is retried once: TCG occasionally breaks early boot),
# finished its tests, and left no kernel splat on the console. Prints the
# closing line "N passed, N failed, N skipped"; exits 1 on any failure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[[ $# -eq 3 ]] || die "usage: $0 KERNEL INITRAMFS OUTDIR"
kernel=$1 initramfs=$2 outdir=$3
console=$outdir/console.log results=$outdir/results.ktap

boot() {
	mkdir -p "$outdir"
	: >"$results"
	rm -f "$outdir/early-splat" "$console"
	log "booting $(basename "$kernel") under QEMU/TCG (console: $console)"
	"$TOP/scripts/run-guest.sh" test "$kernel" "$initramfs" "$outdir" &
	local qpid=$!
	stop_on_early_splat "$qpid" &
	tail -n +1 -F --pid="$qpid" "$results" 2>/dev/null || true
	wait "$qpid"
}

# A splat before init ran comes from early boot under TCG (nothing the
# series changes runs before the first process maps a file): such a boot
# proves nothing either way. Stop it as soon as init runs, so that it can
# be retried at once, like a boot that died.
stop_on_early_splat() {
	local qpid=$1
	while kill -0 "$qpid" 2>/dev/null; do
		if grep -q 'Run /init as init process' "$console" 2>/dev/null; then
			if ! "$TOP/scripts/check-console.sh" --before-init "$console"; then
				touch "$outdir/early-splat"
				pkill -TERM -P "$qpid" || true
			fi
			return 0
		fi
		sleep 2
	done
}

last_lines() {
	printf -- '----- last console lines (%s) -----\n' "$console" >&2
	tail -n 25 "$console" >&2 || true
	printf -- '-----\n' >&2
}

reached_init() { grep -q 'harness: init started' "$console" 2>/dev/null; }

start=$SECONDS
boot
if [[ -e $outdir/early-splat ]]; then
	warn "the kernel splatted in early boot, before init ran (see above):" \
		"retrying the boot once. Its console: $outdir/console-failed-boot.log"
	cp "$console" "$outdir/console-failed-boot.log" || true
	boot
elif ! reached_init && ! grep -q '^timeout' "$outdir/guest-status"; then
	warn "the guest died before its init ran; retrying the boot once"
	last_lines
	cp "$console" "$outdir/console-failed-boot.log" || true
	boot
fi

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

read -r passed failed skipped < <("$TOP/scripts/count-ktap.sh" "$results")
if ((verdict != 0 && failed == 0)); then
	failed=1
fi
log "guest run took $((SECONDS - start)) s; KTAP: $results; console: $console"
echo "$passed passed, $failed failed, $skipped skipped"
((verdict == 0 && failed == 0))
