#!/bin/sh
# Usage: run-bench.sh
# Run the benchmark plan given by the environment (set by init from the
# kernel command line, lists separated by spaces) and print one "result"
# line per measurement, for the host to turn into a report:
#   BENCH_FS       file systems, of xfs and ext4
#   BENCH_SIZES    file sizes in GiB
#   BENCH_PROCS    process counts
#   BENCH_REPS     repeats of each (size, count) with sharing off and on
#   BENCH_SINGLE   repeats of the single-process run (0: none)
# Each measurement is a control run (the processes map the file and read
# nothing) and a touch run (each reads one byte of every 2 MiB), with
# vm.fsdax_pmd_share off and on. A kernel without the switch (the base
# kernel) is measured once per repeat, as "base".
set -eu

step() { echo "harness: bench: $*" >/dev/console; }
fail() {
	step "FAILED: $*"
	echo "bench-failed $*"
	exit 1
}

switch=/proc/sys/vm/fsdax_pmd_share
if [ -e "$switch" ]; then
	modes="off on"
else
	modes="base"
fi

set_sharing() {
	case $1 in
	on) echo 1 >"$switch" ;;
	off) echo 0 >"$switch" ;;
	esac
}

# measure KIND MODE FS REP ARGS...: one control and one touch run.
measure() {
	kind=$1 mode=$2 fs=$3 rep=$4
	shift 4
	set_sharing "$mode"
	out=$(fsdax_share_bench -c "$@") || fail "control run: fsdax_share_bench -c $* ($kind, $fs, sharing $mode)"
	echo "result kind=$kind run=control fs=$fs sharing=$mode rep=$rep $out"
	out=$(fsdax_share_bench "$@") || fail "touch run: fsdax_share_bench $* ($kind, $fs, sharing $mode)"
	echo "result kind=$kind run=touch fs=$fs sharing=$mode rep=$rep $out"
}

# The same address-space layout in every run: the control run and the
# touch run then differ by the page tables of the range alone, not by
# where randomisation put the stack and the libraries.
echo 0 >/proc/sys/kernel/randomize_va_space

echo "bench-start kernel=$(uname -r) modes=$(echo "$modes" | tr " " ,)"
for fs in $BENCH_FS; do
	for size in $BENCH_SIZES; do
		file=/mnt/$fs/bench-${size}g
		step "$fs: writing a ${size} GiB file"
		start=$(date +%s)
		xfs_io -f -c "falloc 0 ${size}g" -c "pwrite -q -b 2m 0 ${size}g" \
			-c fsync "$file" >/dev/null || fail "writing $file"
		step "$fs: written in $(($(date +%s) - start)) s"
		for n in $BENCH_PROCS; do
			rep=1
			while [ "$rep" -le "$BENCH_REPS" ]; do
				for mode in $modes; do
					step "$fs: $size GiB, $n processes, sharing $mode, repeat $rep of $BENCH_REPS"
					measure sweep "$mode" "$fs" "$rep" -n "$n" "$file"
				done
				rep=$((rep + 1))
			done
		done
		rep=1
		while [ "$rep" -le "$BENCH_SINGLE" ]; do
			for mode in $modes; do
				step "$fs: $size GiB, single process, sharing $mode, repeat $rep of $BENCH_SINGLE"
				measure single "$mode" "$fs" "$rep" -n 1 "$file"
			done
			rep=$((rep + 1))
		done
		rm -f "$file"
	done
done
[ -e "$switch" ] && echo 1 >"$switch"
echo "bench-done"
