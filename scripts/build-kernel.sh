#!/usr/bin/env bash
# Usage: build-kernel.sh SRC OBJ FRAGMENT...
# Configure (configure-kernel.sh) and build SRC out of tree into OBJ with
# ccache on all cores: bzImage and the uapi headers the selftests compile
# against. The build log is OBJ/build.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[[ $# -ge 3 ]] || die "usage: $0 SRC OBJ FRAGMENT..."
src=$(realpath "$1") obj=$(realpath -m "$2")
shift 2

command -v ccache >/dev/null || die "ccache is missing: run 'make deps'"
# Paths under the project are hashed relative to it, so that a clone in
# another folder (CI) hits the same cache.
export CCACHE_BASEDIR=$TOP CCACHE_NOHASHDIR=1
ccache --max-size=8G >/dev/null

"$TOP/scripts/configure-kernel.sh" "$src" "$obj" "$@"

log "building $(basename "$obj") (log: $obj/build.log; a first build takes ~30 minutes on 2 cores)"
start=$SECONDS
if ! make -C "$src" O="$obj" -j"$(nproc)" CC="ccache gcc" bzImage headers_install \
	>"$obj/build.log" 2>&1; then
	grep -E -m 20 '(error|Error [0-9]+)' "$obj/build.log" >&2 || tail -20 "$obj/build.log" >&2
	die "kernel build failed in $src: full log in $obj/build.log"
fi
log "built $obj/arch/x86/boot/bzImage in $((SECONDS - start)) s" \
	"($(ccache --print-stats 2>/dev/null | awk -F'\t' '$1=="direct_cache_hit"{print $2}') ccache hits total)"
