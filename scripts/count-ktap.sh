#!/usr/bin/env bash
# Usage: count-ktap.sh RESULTS.ktap [ALLOWED_SKIPS]
# Print "PASSED FAILED SKIPPED NOT_RUN" for the leaf results of the guest's
# KTAP (each test's own cases, nested under its top-level result), and list
# the failures on stderr. Counted as failed:
#   - a failed case;
#   - a test whose top-level result failed with no failed case of its own
#     (crash, timeout, missing binary): one failure;
#   - each case a test planned but never reported, and each test of the
#     top-level plan that never ran (the guest died): these are also
#     NOT_RUN;
#   - a skip, unless a line of ALLOWED_SKIPS (an extended regex, matched
#     against the result line; '#' starts a comment) allows it: the test
#     kernel has everything the tests need, so a skip means a test did not
#     test.
set -euo pipefail

results=${1:?usage: $0 RESULTS.ktap [ALLOWED_SKIPS]}
allowed=${2:-/dev/null}
[[ -f $results ]] || { echo "count-ktap.sh: no KTAP file $results" >&2; exit 1; }

awk -v allowed="$allowed" '
BEGIN {
	while ((getline l < allowed) > 0) {
		sub(/[[:space:]]*#.*/, "", l)
		if (l != "") allow[++nallow] = l
	}
	top_plan = -1
}
function skip_allowed(line,   i) {
	for (i = 1; i <= nallow; i++)
		if (line ~ allow[i]) return 1
	return 0
}
function count_skip(line) {
	if (skip_allowed(line)) { skipped++; return }
	failed++; test_failed++
	printf "FAIL (unexpected skip) %s\n", line > "/dev/stderr"
}
function close_test(name, top_ok, reported,   missing) {
	missing = plan - seen
	if (plan > 0 && missing > 0) {
		failed += missing; not_run += missing; test_failed += missing
		printf "FAIL %s: %d planned case(s) never reported\n", name, missing > "/dev/stderr"
	}
	if (reported && !top_ok && test_failed == 0) {
		failed++
		printf "FAIL %s (the test itself failed; see its output)\n", name > "/dev/stderr"
	}
	plan = 0; seen = 0; test_failed = 0; open = 0
}
/^1\.\.[0-9]+/ { top_plan = substr($0, 4) + 0; next }
/^  +1\.\.[0-9]+/ { sub(/^ +1\.\./, ""); plan = $0 + 0; open = 1; next }
/^  +(ok|not ok) [0-9]+/ {
	seen++; open = 1
	line = $0
	sub(/^ +/, "", line)
	if (line ~ /# (SKIP|skip)/) { count_skip(line); next }
	if (line ~ /^ok /) { passed++; next }
	failed++; test_failed++
	printf "FAIL %s\n", line > "/dev/stderr"
	next
}
/^(ok|not ok) [0-9]+ / {
	tests++
	name = $0
	sub(/^(ok|not ok) [0-9]+ /, "", name)
	top_ok = ($0 ~ /^ok /)
	# A test that printed no KTAP cases of its own counts as one result.
	if (top_ok && seen == 0) {
		if (name ~ /# SKIP/) count_skip($0); else passed++
	}
	close_test(name, top_ok, 1)
	next
}
/^Bail out!/ { failed++; print "FAIL " $0 > "/dev/stderr" }
END {
	# A test that started and never finished: the guest died in it.
	if (open) {
		tests++
		if (plan == 0) {
			failed++; not_run++
			print "FAIL the last test started and never finished" > "/dev/stderr"
		}
		close_test("the last test (it never finished)", 0, 0)
	}
	if (top_plan < 0) {
		failed++
		print "FAIL no top-level KTAP plan: the guest never started its tests" > "/dev/stderr"
	} else if (tests < top_plan) {
		failed += top_plan - tests; not_run += top_plan - tests
		printf "FAIL %d of %d test(s) never ran\n", top_plan - tests, top_plan > "/dev/stderr"
	}
	printf "%d %d %d %d\n", passed, failed, skipped, not_run
}
' "$results"
