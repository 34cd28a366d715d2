#!/usr/bin/env bash
# Usage: test-harness.sh
# Test the harness's own verdict on recorded runs, as kunit tests its
# parser: no kernel, a few seconds.
#   tests/harness/ktap/NAME.ktap     count-ktap.sh must print NAME.expect
#                                    ("PASSED FAILED SKIPPED NOT_RUN"), with
#                                    NAME.allowed-skips if there is one,
#                                    else guest/allowed-skips
#   tests/harness/console/NAME.log   check-console.sh must find a splat, or
#                                    none, as NAME.expect says
# Prints "harness self-test: N passed, N failed"; exits 1 on any failure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

fixtures=$TOP/tests/harness
passed=0 failed=0

check() {
	local name=$1 want=$2 got=$3
	if [[ $got == "$want" ]]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		printf 'FAIL %s: expected "%s", got "%s"\n' "$name" "$want" "$got" >&2
	fi
}

for ktap in "$fixtures"/ktap/*.ktap; do
	base=${ktap%.ktap}
	allowed=$TOP/guest/allowed-skips
	[[ -f $base.allowed-skips ]] && allowed=$base.allowed-skips
	check "ktap/$(basename "$ktap")" "$(cat "$base.expect")" \
		"$("$TOP/scripts/count-ktap.sh" "$ktap" "$allowed" 2>/dev/null)"
done

for console in "$fixtures"/console/*.log; do
	base=${console%.log}
	if "$TOP/scripts/check-console.sh" "$console" 2>/dev/null; then
		got=clean
	else
		got=splat
	fi
	check "console/$(basename "$console")" "$(cat "$base.expect")" "$got"
done

echo "harness self-test: $passed passed, $failed failed"
((failed == 0))
