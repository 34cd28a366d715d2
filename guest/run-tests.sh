#!/bin/sh
# Usage: run-tests.sh TESTS_LIST
# Run each test of TESTS_LIST ("name command args..." per line, $VARS
# expanded) and print KTAP: one top-level result per test, with the test's
# own KTAP output nested under it (indented by two spaces).
list=$1
timeout_s=${HARNESS_TEST_TIMEOUT:-$((1800 + 2 * ${STRESS_SECONDS:-0}))}
n=$(grep -cv '^[[:space:]]*\(#\|$\)' "$list")

echo "KTAP version 1"
echo "1..$n"
i=0
grep -v '^[[:space:]]*\(#\|$\)' "$list" | while read -r name cmd; do
	i=$((i + 1))
	cmd=$(eval echo "$cmd")
	echo "harness: running $name: $cmd" >/dev/console
	set -- $cmd
	if ! command -v "$1" >/dev/null; then
		echo "# $name: test binary $1 is missing from the initramfs"
		echo "not ok $i $name"
		continue
	fi
	# Keep the test's exit code through the pipe.
	{ timeout "$timeout_s" "$@" 2>&1; echo "$?" >/tmp/rc; } </dev/null | sed 's/^/  /'
	rc=$(cat /tmp/rc)
	case $rc in
	0) echo "ok $i $name" ;;
	4) echo "ok $i $name # SKIP" ;;
	124 | 143) echo "# $name: timed out after $timeout_s s"; echo "not ok $i $name" ;;
	*) echo "# $name: exit code $rc"; echo "not ok $i $name" ;;
	esac
done
echo "harness: done"
