#!/usr/bin/env bash
# Usage: build-selftests.sh SRC KOBJ OUTDIR TEST...
# Build the named tools/testing/selftests/mm tests of SRC into OUTDIR with
# the kselftest Makefile, against the uapi headers installed in KOBJ.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[[ $# -ge 4 ]] || die "usage: $0 SRC KOBJ OUTDIR TEST..."
src=$(realpath "$1") kobj=$(realpath "$2") out=$(realpath -m "$3")
shift 3
hdr=$kobj/usr/include
[[ -d $hdr/linux ]] || die "no uapi headers in $hdr: build the kernel first (make kernel)"
mkdir -p "$out"

targets=()
for t in "$@"; do targets+=("$out/$t"); done
if ! make -C "$src/tools/testing/selftests/mm" OUTPUT="$out" \
	KHDR_INCLUDES="-isystem $hdr" -j"$(nproc)" "${targets[@]}" >"$out/build.log" 2>&1; then
	grep -E -m 20 'error' "$out/build.log" >&2 || tail -20 "$out/build.log" >&2
	die "selftest build failed: full log in $out/build.log"
fi
log "selftests built in $out: $*"
