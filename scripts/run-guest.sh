#!/usr/bin/env bash
# Usage: run-guest.sh MODE KERNEL INITRAMFS OUTDIR
# Boot KERNEL under QEMU (TCG) with two emulated NVDIMMs backed by sparse
# images in OUTDIR, made fresh for each boot and removed after it. MODE is "test" (the guest
# runs its tests and powers off; the console goes to OUTDIR/console.log and
# the tests' KTAP to OUTDIR/results.ktap), "bench" (the same with the
# benchmark, whose results go to OUTDIR/results.txt) or "shell" (console
# on this terminal).
#
# Environment: GUEST_TIMEOUT (seconds, default 2400), GUEST_MEM (default
# 4G), GUEST_CPUS (default 2), PMEM_GIB (size of each NVDIMM, default 4),
# GUEST_APPEND (more kernel command line, e.g. the benchmark's plan).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[[ $# -eq 4 ]] || die "usage: $0 test|bench|shell KERNEL INITRAMFS OUTDIR"
mode=$1 kernel=$2 initramfs=$3 outdir=$4
timeout_s=${GUEST_TIMEOUT:-2400}
mem=${GUEST_MEM:-4G}
cpus=${GUEST_CPUS:-2}
pmem_gib=${PMEM_GIB:-4}

command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is missing: run 'make deps'"
[[ -f $kernel ]] || die "no kernel at $kernel: run 'make kernel'"
[[ -f $initramfs ]] || die "no initramfs at $initramfs: run 'make initramfs'"
[[ $pmem_gib =~ ^[1-9][0-9]*$ ]] || die "PMEM_GIB must be a whole number of GiB, not '$pmem_gib'"
mkdir -p "$outdir"

# The region is the image less the 2 MiB label area; ndctl needs it to be a
# multiple of 16 MiB, which whole GiB are.
pmem_mib=$((pmem_gib * 1024 + 2))
# The images are sparse, but the guest fills them: a disk that runs out
# under QEMU kills the guest with SIGBUS, long after the boot.
need_mib=$((2 * pmem_mib + 1024))
free_mib=$(df -Pm "$outdir" | awk 'NR == 2 {print $4}')
((free_mib >= need_mib)) ||
	die "the guest's two NVDIMMs need up to $need_mib MiB on $(df -P "$outdir" | awk 'NR == 2 {print $6}'), which has $free_mib MiB free: free some (old build/*/pmem*.img?) or lower PMEM_GIB"
nvdimm_args=()
for i in 0 1; do
	img=$outdir/pmem$i.img
	rm -f "$img"
	truncate -s "${pmem_mib}M" "$img"
	nvdimm_args+=(-object "memory-backend-file,id=mem$i,share=on,mem-path=$img,size=${pmem_mib}M,align=2M"
		-device "nvdimm,id=nv$i,memdev=mem$i,label-size=2M")
done

cmdline="console=ttyS0,115200 panic=-1 harness.mode=$mode ${GUEST_APPEND:-}"
# No 5-level paging (la57=off): with it, KASAN reports a wild-memory-access
# in any interrupt that arrives while identify_cpu() has cleared the boot
# CPU's capabilities, LA57 among them (an upstream early-boot false
# positive, seen in 3 of 17 boots here and in one CI run). 4-level paging is
# also what nearly all x86 machines run.
qemu=(qemu-system-x86_64 -machine pc,nvdimm=on,accel=tcg -cpu max,la57=off -smp "$cpus"
	-m "$mem,slots=4,maxmem=$((pmem_gib * 2 + 16))G" "${nvdimm_args[@]}"
	-kernel "$kernel" -initrd "$initramfs" -append "$cmdline"
	-display none -no-reboot)

case $mode in
shell)
	exec "${qemu[@]}" -serial mon:stdio -serial file:"$outdir/results.ktap"
	;;
test | bench)
	# The guest makes its file systems afresh each boot: the images are
	# scratch, up to 2 x PMEM_GIB of disk once written; free them, also
	# when this script is interrupted.
	trap 'rm -f "$outdir"/pmem[01].img' EXIT
	results=$outdir/results.ktap
	[[ $mode == bench ]] && results=$outdir/results.txt
	rm -f "$outdir/console.log"
	rc=0
	timeout --foreground "$timeout_s" "${qemu[@]}" -monitor none \
		-serial file:"$outdir/console.log" -serial file:"$results" ||
		rc=$?
	if [[ $rc -eq 124 ]]; then
		echo "timeout" >"$outdir/guest-status"
	else
		echo "exit $rc" >"$outdir/guest-status"
	fi
	;;
*)
	die "unknown mode '$mode': test, bench or shell"
	;;
esac
