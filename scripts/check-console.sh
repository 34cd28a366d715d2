#!/usr/bin/env bash
# Usage: check-console.sh [--before-init] CONSOLE_LOG
# Exit 1 and print each splat when the kernel console shows a BUG, WARNING,
# Oops, KASAN or UBSAN report, lockdep splat, RCU stall, hung task or panic.
# With --before-init, look only at what the kernel printed before it ran
# the guest's init: nothing the series changes runs there (no process has
# a mapping yet), so a splat there is the emulator's, not the tests'.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

before_init=0
if [[ ${1:-} == --before-init ]]; then
	before_init=1
	shift
fi
log_file=${1:?usage: $0 [--before-init] CONSOLE_LOG}
[[ -f $log_file ]] || die "no console log at $log_file"

# One extended regex per kind of splat the kernel prints.
patterns=(
	'BUG:'                              # BUG: KASAN, sleeping in atomic, bad page, pgtables_bytes ...
	'kernel BUG at'
	'WARNING:'                          # WARN_ON*, lockdep "WARNING: possible ..."
	'Oops'
	'general protection fault'
	'UBSAN:'
	'KASAN'
	'INFO: (possible|trying to register|lockdep)'
	'rcu: INFO:|detected stalls?|self-detected stall'
	'INFO: task .* blocked for more than'
	'Kernel panic'
	'Call Trace:'
)
regex=$(IFS='|'; echo "${patterns[*]}")

# Line numbers where a splat starts: the first match, then any match more
# than 80 lines after the start of the previous splat.
last_line=$(wc -l <"$log_file")
if ((before_init)); then
	init_line=$(grep -n -m1 'Run /init as init process' "$log_file" | cut -d: -f1 || true)
	last_line=${init_line:-$last_line}
fi
mapfile -t hits < <(head -n "$last_line" "$log_file" | grep -nE "$regex" | cut -d: -f1)
((${#hits[@]})) || exit 0

printf '\nKERNEL SPLAT in %s:\n' "$log_file" >&2
last=-1000
for n in "${hits[@]}"; do
	((n > last + 80)) || continue
	last=$n
	printf -- '----- console line %d -----\n' "$n" >&2
	# Print until the end-of-trace marker, at most 80 lines.
	sed -n "$((n > 2 ? n - 2 : 1)),$((n + 80))p" "$log_file" |
		sed '/---\[ end trace/q' >&2
done
printf -- '-----\n%d splat line(s); full console: %s\n' "${#hits[@]}" "$log_file" >&2
exit 1
