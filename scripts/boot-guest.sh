#!/usr/bin/env bash
# Usage: boot-guest.sh test|bench KERNEL INITRAMFS OUTDIR
# Boot the guest with run-guest.sh and show its progress: the tests' KTAP
# as it arrives (test), or the benchmark's steps from the console (bench).
# A boot that dies, or that splats, before the guest's init runs (test
# mode: before its first test starts) is retried once: TCG occasionally
# breaks early boot, and patching kernel text when the guest's static-key
# holder starts can oops it (docs/tcg-int3-oops.md); nothing the series
# changes runs before the first process maps a DAX file, so such a boot
# proves nothing either way. Its console is kept as
# OUTDIR/console-failed-boot.log.
# The caller judges the run from OUTDIR/console.log, OUTDIR/guest-status
# and the results file.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[[ $# -eq 4 ]] || die "usage: $0 test|bench KERNEL INITRAMFS OUTDIR"
mode=$1 kernel=$2 initramfs=$3 outdir=$4
console=$outdir/console.log
case $mode in
test) results=$outdir/results.ktap ;;
bench) results=$outdir/results.txt ;;
*) die "unknown mode '$mode': test or bench" ;;
esac

show_progress() {
	local qpid=$1
	if [[ $mode == test ]]; then
		tail -n +1 -F --pid="$qpid" "$results" 2>/dev/null || true
	else
		tail -n +1 -F --pid="$qpid" "$console" 2>/dev/null |
			grep --line-buffered -E '^harness: ' || true
	fi
}

# Stop the guest as soon as its init runs (test mode: its first test
# starts, or it powers off) if the kernel splatted before.
stop_on_early_splat() {
	local qpid=$1 mark='Run /init as init process' check=--before-init
	if [[ $mode == test ]]; then
		mark='^harness: (running |powering off)' check=--before-tests
	fi
	while kill -0 "$qpid" 2>/dev/null; do
		if grep -qE "$mark" "$console" 2>/dev/null; then
			if ! "$TOP/scripts/check-console.sh" "$check" "$console"; then
				touch "$outdir/early-splat"
				pkill -TERM -P "$qpid" || true
			fi
			return 0
		fi
		sleep 2
	done
}

boot() {
	mkdir -p "$outdir"
	rm -f "$outdir/early-splat" "$console"
	: >"$results"
	log "booting $(basename "$kernel") under QEMU/TCG (console: $console)"
	"$TOP/scripts/run-guest.sh" "$mode" "$kernel" "$initramfs" "$outdir" &
	local qpid=$!
	stop_on_early_splat "$qpid" &
	show_progress "$qpid"
	wait "$qpid"
}

reached_init() { grep -q 'harness: init started' "$console" 2>/dev/null; }

# Did a test guest die with a splat before its first test started?
died_in_setup() {
	[[ $mode == test ]] && reached_init &&
		! grep -qE '^harness: running ' "$console" &&
		! "$TOP/scripts/check-console.sh" --before-tests "$console" 2>/dev/null
}

boot
if [[ -e $outdir/early-splat ]] || died_in_setup; then
	warn "the kernel splatted before the first test started (see above):" \
		"retrying the boot once. Its console: $outdir/console-failed-boot.log"
	cp "$console" "$outdir/console-failed-boot.log" || true
	boot
elif ! reached_init && ! grep -q '^timeout' "$outdir/guest-status"; then
	warn "the guest died before its init ran; retrying the boot once"
	printf -- '----- last console lines (%s) -----\n' "$console" >&2
	tail -n 25 "$console" >&2 || true
	cp "$console" "$outdir/console-failed-boot.log" || true
	boot
fi
