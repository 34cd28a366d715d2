#!/usr/bin/env bash
# Usage: make-initramfs.sh OUTPUT.cpio.gz TEST_BIN_DIR TEST_BINARY...
# Pack the guest's userspace from this machine's own packages: busybox
# (static), ndctl, xfsprogs, e2fsprogs and fio with the shared libraries they
# load, the guest init and test runner, the guest's helper
# hold-static-keys, and the named test binaries.
# Environment: TESTS, names of guest/tests.list (first column) separated by
# spaces: the guest runs only those (to iterate on some tests; a full run
# is what make test and CI judge).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[[ $# -ge 2 ]] || die "usage: $0 OUTPUT.cpio.gz TEST_BIN_DIR TEST_BINARY..."
out=$(realpath -m "$1") bindir=$2
shift 2

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,lib,lib64,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,mnt,harness/bin}

busybox=/bin/busybox
[[ -x $busybox && $(ldd "$busybox" 2>&1 || true) == *"not a dynamic"* ]] ||
	die "$busybox is not the static busybox: run 'make deps' (installs busybox-static)"
cp "$busybox" "$stage/bin/busybox"
for applet in $("$busybox" --list); do
	[[ -e $stage/bin/$applet ]] || ln -s busybox "$stage/bin/$applet"
done

# Copy an executable and every shared library it loads.
copy_with_libs() {
	local exe=$1 dest=$2 lib
	cp -L "$exe" "$dest/"
	while read -r lib; do
		[[ -e $stage$lib ]] && continue
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done < <(ldd "$exe" 2>/dev/null | grep -oE '/[^ ]+' | sort -u)
}

for tool in ndctl mkfs.xfs xfs_io mkfs.ext4 fio; do
	path=$(PATH=/usr/sbin:/sbin:/usr/bin:/bin command -v "$tool") ||
		die "$tool is missing on this machine: run 'make deps'"
	copy_with_libs "$path" "$stage/usr/sbin"
done
cp /etc/mke2fs.conf "$stage/etc/"

for test in "$@"; do
	# Built below, from guest/
	[[ -f $TOP/guest/$test.c ]] && continue
	[[ -x $bindir/$test ]] ||
		die "test binary $bindir/$test is missing: the selftest build did not produce it (see make kernel)"
	copy_with_libs "$bindir/$test" "$stage/harness/bin"
done

# Build guest/NAME.c, linked with LIBS..., into the guest's /harness/bin.
build_guest_program() {
	local name=$1
	shift
	cc -O2 -Wall -Werror -o "$stage/$name" "$TOP/guest/$name.c" "$@" ||
		die "cannot build guest/$name.c: run 'make deps' (installs gcc and the libraries it links: ${*:-none})"
	copy_with_libs "$stage/$name" "$stage/harness/bin"
	rm "$stage/$name"
}

# The guest's own programs, see their headers: the helper init starts,
# and the test of real clients (xfs_io, LMDB, libpmem, fio).
build_guest_program hold-static-keys
build_guest_program fsdax-clients -llmdb -lpmem

cp "$TOP/guest/init" "$stage/init"
cp "$TOP/guest/run-tests.sh" "$TOP/guest/run-bench.sh" "$stage/harness/"
list=$TOP/guest/tests.list
if [[ -n ${TESTS:-} ]]; then
	for name in $TESTS; do
		awk -v n="$name" '$1 == n { found = 1 } END { exit !found }' "$list" ||
			die "TESTS names $name, which guest/tests.list does not have"
	done
	awk -v names=" $TESTS " '/^[[:space:]]*(#|$)/ || index(names, " " $1 " ")' \
		"$list" >"$stage/harness/tests.list"
	shout "TESTS='$TESTS': the guest runs only these tests, not the whole of guest/tests.list"
else
	cp "$list" "$stage/harness/"
fi
chmod +x "$stage/init" "$stage/harness/run-tests.sh" "$stage/harness/run-bench.sh"

(cd "$stage" && find . -print0 | sort -z | cpio --null -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
log "initramfs $out: $(du -h "$out" | cut -f1)"
