#!/usr/bin/env bash
# Usage: bench-plan.sh run|bench PLAN_FILE
# Check the benchmark's parameters and write them to PLAN_FILE (shell
# assignments) for bench.sh, before anything is built or booted: a plan
# that does not fit the emulated pmem, the host's disk or the guest's
# memory is refused here, with what fits.
#
#   make run    RUN_FS (xfs), RUN_SIZE_GIB (8), RUN_PROCS (64: measured
#               at 1, 2, 4, ... and 64 processes, for the plots),
#               RUN_REPS (3)
#   make bench  BENCH_FS (xfs ext4), BENCH_SIZES (2 8),
#               BENCH_PROCS (1 2 4 ... 256), BENCH_REPS (3),
#               BENCH_SINGLE (7: single-process runs per kernel and mode)
# Lists are separated by spaces. GUEST_MEM (default 4G) is the guest's RAM.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[[ $# -eq 2 ]] || die "usage: $0 run|bench PLAN_FILE"
kind=$1 plan=$2

case $kind in
run)
	fs=${RUN_FS:-xfs} sizes=${RUN_SIZE_GIB:-8} nmax=${RUN_PROCS:-64}
	[[ $nmax =~ ^[1-9][0-9]*$ ]] || die "RUN_PROCS '$nmax' is not a positive whole number"
	procs=
	for ((n = 1; n < nmax; n *= 2)); do
		procs+="$n "
	done
	procs+=$nmax
	reps=${RUN_REPS:-3} single=0
	;;
bench)
	fs=${BENCH_FS:-xfs ext4} sizes=${BENCH_SIZES:-2 8}
	procs=${BENCH_PROCS:-1 2 4 8 16 32 64 128 256}
	reps=${BENCH_REPS:-3} single=${BENCH_SINGLE:-7}
	;;
*) die "unknown benchmark '$kind': run or bench" ;;
esac

whole() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }

for f in $fs; do
	[[ $f == xfs || $f == ext4 ]] || die "file system '$f': the guest has xfs and ext4"
done
[[ -n $fs ]] || die "no file system given: xfs, ext4 or both"
# largest WHAT LIST...: the largest of a list of positive whole numbers.
largest() {
	local what=$1 max=0 v
	shift
	for v in "$@"; do
		whole "$v" || die "$what '$v' is not a positive whole number"
		((v > max)) && max=$v
	done
	((max > 0)) || die "no $what given"
	echo "$max"
}
# shellcheck disable=SC2086 # the lists are space-separated on purpose
max_size=$(largest "file size (GiB)" $sizes)
# shellcheck disable=SC2086
max_procs=$(largest "process count" $procs)
whole "$reps" || die "repeats '$reps' is not a positive whole number"
[[ $single =~ ^[0-9]+$ ]] || die "single-process repeats '$single' is not a whole number"

# Each NVDIMM holds the largest file, the file system's own metadata and
# the struct pages of the namespace (about 1.6%): 2 GiB spare is enough.
pmem_gib=$((max_size + 2))
# The host's disk: the sparse pmem images grow by what the guest writes.
nfs=$(wc -w <<<"$fs")
need_gib=$((nfs * (max_size + 1) + 1))
mkdir -p "$BUILD"
free_gib=$(($(df --output=avail -k "$BUILD" | tail -1) / 1024 / 1024))
if ((need_gib > free_gib)); then
	fits=$(((free_gib - 1) / nfs - 1))
	die "a ${max_size} GiB file on $nfs file system(s) needs about $need_gib GiB" \
		"of free disk under $BUILD for the pmem images, which has $free_gib GiB:" \
		"use sizes up to $((fits > 0 ? fits : 0)) GiB, or free some disk"
fi
# The guest's memory: each process costs about 1 MiB of kernel memory, its
# stack and own tables, plus 4 KiB of PMD table per GiB without sharing.
mem=${GUEST_MEM:-4G}
[[ $mem =~ ^([1-9][0-9]*)G$ ]] || die "GUEST_MEM '$mem' must be whole GiB, e.g. 4G"
mem_mib=$((BASH_REMATCH[1] * 1024))
per_proc_kib=$((1024 + 4 * max_size))
if ((max_procs * per_proc_kib / 1024 > mem_mib / 2)); then
	die "$max_procs processes of a ${max_size} GiB mapping need about" \
		"$((max_procs * per_proc_kib / 1024)) MiB in the guest, more than half of" \
		"its $mem: use at most $((mem_mib / 2 * 1024 / per_proc_kib)) processes," \
		"or raise GUEST_MEM"
fi

cat >"$plan" <<PLAN
KIND=$kind
FS="$fs"
SIZES="$sizes"
PROCS="$procs"
REPS=$reps
SINGLE=$single
PMEM_GIB=$pmem_gib
PLAN
log "plan ($kind): file systems $fs; sizes ${sizes// /, } GiB; processes ${procs// /, };" \
	"$reps repeat(s); $single single-process run(s); pmem ${pmem_gib} GiB per NVDIMM"
