# shellcheck shell=bash
# Helpers shared by the harness scripts. Source it; do not run it.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
KTREE=${KTREE:-$BUILD/linux}

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() {
	printf 'ERROR: %s\n' "$*" >&2
	exit 1
}

# Loud banner for conditions that change what the results mean.
shout() {
	printf '\n%s\n' '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!' >&2
	printf '!!! %s\n' "$@" >&2
	printf '%s\n\n' '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!' >&2
}

# shellcheck source=../BASE
. "$TOP/BASE"

# Commits in the generated kernel tree carry the project's identity, the
# one configured for this repository.
IDENT_NAME=$(git -C "$TOP" config user.name || true)
IDENT_EMAIL=$(git -C "$TOP" config user.email || true)
export GIT_AUTHOR_NAME=${IDENT_NAME:-fsdax-pmd-share}
export GIT_AUTHOR_EMAIL=${IDENT_EMAIL:-fsdax-pmd-share@invalid}
export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME
export GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
