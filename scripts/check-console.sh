#!/usr/bin/env bash
# Usage: check-console.sh [--before-init|--before-tests] CONSOLE_LOG
# Exit 1 and print each splat when the kernel console shows a BUG, WARNING,
# Oops, KASAN report, lockdep splat, RCU stall, hung task, a bad page table
# entry (pmd_clear_bad() and friends), lost printk messages or a panic, and
# a UBSAN report should the kernel be built with UBSAN (the test kernel is
# not: config/debug.config).
# With --before-init, look only at what the kernel printed before it ran
# the guest's init: nothing the series changes runs there (no process has
# a mapping yet), so a splat there is the emulator's, not the tests'.
# With --before-tests, look at what it printed before the first test
# started: boot, and the guest's set-up (namespaces, mkfs, mount, the
# static-key holder), which maps no DAX file either.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

until_line=
case ${1:-} in
--before-init) until_line='Run /init as init process' && shift ;;
--before-tests) until_line='^harness: running ' && shift ;;
esac
log_file=${1:?usage: $0 [--before-init|--before-tests] CONSOLE_LOG}
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
	'bad p[mu]d'                        # pmd_ERROR()/pud_ERROR(), from pmd_clear_bad() and the like
	'printk messages dropped'           # a splat may be among what was lost
)
regex=$(IFS='|'; echo "${patterns[*]}")

# Line numbers where a splat starts: the first match, then any match more
# than 80 lines after the start of the previous splat.
last_line=$(wc -l <"$log_file")
if [[ -n $until_line ]]; then
	cut_line=$(grep -n -m1 -E "$until_line" "$log_file" | cut -d: -f1 || true)
	last_line=${cut_line:-$last_line}
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
