#!/usr/bin/env bash
# Install what the harness needs from Debian's archive with apt-get: the
# pinned kernel source, the toolchain, QEMU and the guest's userspace.
# Does nothing when everything is already installed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

packages=(
	# kernel build
	build-essential bc bison flex libelf-dev libssl-dev ccache cpio xz-utils
	rsync python3 perl git python3-ply python3-git
	# guest: QEMU and the userspace packed into the initramfs
	qemu-system-x86 busybox-static ndctl xfsprogs e2fsprogs
	# selftests
	libcap-dev libnuma-dev
	# the guest's real clients of fsdax mappings (guest/fsdax-clients.c)
	liblmdb-dev libpmem-dev fio
	# benchmark report plots
	gnuplot-nox
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
have_base=$(dpkg-query -W -f='${Version}' "$BASE_PACKAGE" 2>/dev/null || true)
((${#missing[@]} == 0)) && [[ $have_base == "$BASE_VERSION" ]] && exit 0

[[ $(id -u) -eq 0 ]] || die "installing ${missing[*]} $BASE_PACKAGE needs root: run 'sudo make deps'"
export DEBIAN_FRONTEND=noninteractive
log "apt-get update"
apt-get update -qq || die "apt-get update failed: is the Debian archive reachable?"

base_pkg="$BASE_PACKAGE=$BASE_VERSION"
if ! apt-cache madison "$BASE_PACKAGE" | awk '{print $3}' | grep -qxF "$BASE_VERSION"; then
	avail=$(apt-cache madison "$BASE_PACKAGE" | awk 'NR==1 {print $3}')
	[[ -n $avail ]] || die "the archive has no $BASE_PACKAGE at all: add Debian bookworm-security to the apt sources"
	shout "The archive no longer has $BASE_PACKAGE $BASE_VERSION, which the series is" \
		"made against; installing $avail instead. The series may not apply to it:" \
		"applying it will say. Numbers measured on it are not for the pinned base."
	base_pkg="$BASE_PACKAGE=$avail"
fi
log "apt-get install ${missing[*]} $base_pkg"
apt-get install -y -qq --no-install-recommends --allow-downgrades "${missing[@]}" "$base_pkg" >/dev/null ||
	die "apt-get install failed (see above)"
