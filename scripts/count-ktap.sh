#!/usr/bin/env bash
# Usage: count-ktap.sh RESULTS.ktap
# Print "PASSED FAILED SKIPPED" for the leaf results of the guest's KTAP
# (each test's own cases, nested under its top-level result), and list the
# failed cases on stderr. A test whose top-level result failed with no
# failed case of its own (crash, timeout, missing binary, cases missing
# from its plan) counts as one failure more; so does each planned case that
# never reported.
set -euo pipefail

awk '
function close_test(name, top_ok,   missing) {
	missing = plan - seen
	if (plan > 0 && missing > 0) {
		failed += missing
		printf "FAIL %s: %d planned case(s) never reported\n", name, missing > "/dev/stderr"
		test_failed += missing
	}
	if (!top_ok && test_failed == 0) {
		failed++
		printf "FAIL %s (the test itself failed; see its output)\n", name > "/dev/stderr"
	}
	plan = 0; seen = 0; test_failed = 0
}
/^  +1\.\.[0-9]+/ { sub(/^ +1\.\./, ""); plan = $0 + 0; next }
/^  +(ok|not ok) [0-9]+/ {
	seen++
	line = $0
	sub(/^ +/, "", line)
	if (line ~ /# (SKIP|skip)/) { skipped++; next }
	if (line ~ /^ok /) { passed++; next }
	failed++; test_failed++
	printf "FAIL %s\n", line > "/dev/stderr"
	next
}
/^(ok|not ok) [0-9]+ / {
	name = $0
	sub(/^(ok|not ok) [0-9]+ /, "", name)
	top_ok = ($0 ~ /^ok /)
	# A test that printed no KTAP cases of its own counts as one result.
	if (top_ok && seen == 0) {
		if (name ~ /# SKIP/) skipped++; else passed++
	}
	close_test(name, top_ok)
	next
}
/^Bail out!/ { failed++; print "FAIL " $0 > "/dev/stderr" }
END { printf "%d %d %d\n", passed, failed, skipped }
' "$1"
