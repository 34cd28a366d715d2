#!/usr/bin/env bash
# Usage: configure-kernel.sh SRC OBJ FRAGMENT...
# Write OBJ/.config from x86_64_defconfig and the fragments, with the
# kernel's own merge_config.sh, then check that every option a fragment
# asks for is in the final .config: olddefconfig silently drops options
# whose dependencies are not met, and a test run on such a kernel would
# prove nothing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[[ $# -ge 3 ]] || die "usage: $0 SRC OBJ FRAGMENT..."
src=$(realpath "$1") obj=$(realpath -m "$2")
shift 2
mkdir -p "$obj"
frags=()
for f in "$@"; do
	[[ -f $f ]] || die "config fragment $f does not exist"
	frags+=("$(realpath "$f")")
done
set -- "${frags[@]}"

make -s -C "$src" O="$obj" x86_64_defconfig >/dev/null
# -m: merge only; olddefconfig then resolves dependencies once.
(cd "$obj" && "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" \
	"$obj/.config" "$@" >/dev/null)
make -s -C "$src" O="$obj" olddefconfig >/dev/null

# Every CONFIG_X=v and "# CONFIG_X is not set" of the fragments, checked
# against the final .config.
# What the fragments ask for, the last fragment winning as in merge_config.sh.
declare -A wanted=()
order=()
while IFS= read -r line; do
	if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
		opt=${BASH_REMATCH[1]} value=${BASH_REMATCH[2]}
	elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
		opt=${BASH_REMATCH[1]} value=n
	else
		continue
	fi
	[[ -v wanted[$opt] ]] || order+=("$opt")
	wanted[$opt]=$value
done < <(cat "$@")

missing=()
for opt in "${order[@]}"; do
	if [[ ${wanted[$opt]} == n ]]; then
		grep -qE "^$opt=" "$obj/.config" && missing+=("$opt=n")
	else
		grep -qxF "$opt=${wanted[$opt]}" "$obj/.config" || missing+=("$opt=${wanted[$opt]}")
	fi
done

if ((${#missing[@]})); then
	printf 'ERROR: options requested by %s did not survive olddefconfig:\n' "$*" >&2
	for m in "${missing[@]}"; do
		opt=${m%%=*}
		got=$(grep -E "^($opt=|# $opt is not set)" "$obj/.config" || echo "absent (dependencies unmet)")
		printf '  %-40s final: %s\n' "$m" "$got" >&2
	done
	die "fix the fragment, or the option's dependencies (make -C $src O=$obj menuconfig, then search with '/')"
fi
log "config: $(wc -l <"$obj/.config") lines, all ${#order[@]} requested options present"
