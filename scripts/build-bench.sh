#!/usr/bin/env bash
# Usage: build-bench.sh TREE OUTDIR
# Build the benchmark driver, bench/fsdax_share_bench.c, into OUTDIR. It
# shares the fsdax selftests' helpers (1 GiB-aligned mappings, fault and
# PageTables counts) from TREE's tools/testing/selftests/mm.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[[ $# -eq 2 ]] || die "usage: $0 TREE OUTDIR"
tree=$1 outdir=$2
helpers=$tree/tools/testing/selftests/mm
[[ -f $helpers/fsdax_util.c ]] ||
	die "$helpers/fsdax_util.c is missing: the tree lacks the series' first patch (make tree)"
mkdir -p "$outdir"
gcc -O2 -Wall -Wextra -Werror -I"$helpers" -o "$outdir/fsdax_share_bench" \
	"$TOP/bench/fsdax_share_bench.c" "$helpers/fsdax_util.c"
