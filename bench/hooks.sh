#!/usr/bin/env bash
# Benchmark the hooks: `cargo-patch hook commit-msg` against `git rev-parse --abbrev-ref HEAD`
# (the floor: starting a small process) and `cog verify` (cocogitto, when installed), and
# `cargo-patch check` / `hook pre-push` on a 5-commit hotfix branch against
# `git diff --numstat BASE..HEAD` on the same range, in a generated 100k-commit repository.
#
# usage: bench/hooks.sh
#
# Each command's answer is checked before it is timed: the hook accepts a good message and
# refuses a bad one (and a `feat:` on the hotfix branch), and check passes the clean hotfix.
#
# Environment:
#   CARGO_PATCH  binary to benchmark (default: <repo>/target/release/cargo-patch)
#   COG          cocogitto's `cog` (default: `cog` on PATH; skipped when missing)
#   COMMITS      history size (default: 100000; a tag every 500 commits)
#   CACHE        where the generated repository is kept (default: /tmp/cargo-patch-bench)
#   RUNS         hyperfine runs per command (default: 100)
#   OUT          markdown results (default: <repo>/bench/results-hooks.md; git-ignored)
set -euo pipefail

die() {
    printf 'hooks.sh: error: %s\n' "$*" >&2
    exit 1
}
note() { printf 'hooks.sh: %s\n' "$*" >&2; }

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
root=$(cd -- "$here/.." && pwd -P)
COMMITS=${COMMITS:-100000}
CACHE=${CACHE:-/tmp/cargo-patch-bench}
RUNS=${RUNS:-100}
OUT=${OUT:-$root/bench/results-hooks.md}
CARGO_PATCH=${CARGO_PATCH:-$root/target/release/cargo-patch}
COG=${COG:-cog}

command -v hyperfine >/dev/null 2>&1 || die "hyperfine not found (apt-get install hyperfine)"
[ -x "$CARGO_PATCH" ] || die "$CARGO_PATCH not found: run \`cargo build --release\` first"
cog_bin=$(command -v -- "$COG" 2>/dev/null || true)

key=$(cksum <"$here/gen-history.sh" | cut -d' ' -f1)
repo=$CACHE/hooks-$COMMITS-$key
if [ ! -d "$repo" ]; then
    note "generating $COMMITS commits into $repo"
    mkdir -p -- "$CACHE"
    bash "$here/gen-history.sh" "$COMMITS" "$repo" 500
fi
last_tag=$(git -C "$repo" tag --sort=-v:refname | head -n 1)
hotfix=${last_tag%.0}.1
hotfix=hotfix/$hotfix
git -C "$repo" rev-parse --verify --quiet "refs/heads/$hotfix" >/dev/null || die "no branch $hotfix in $repo"
git -C "$repo" checkout -q "$hotfix"
git -C "$repo" config "branch.$hotfix.patchBase" "$last_tag"

work=$(mktemp -d)
trap 'rm -rf -- "$work"; git -C "$repo" checkout -q main' EXIT
printf 'fix(core): handle empty input\n\nThe parser returned early.\n' >"$work/good.txt"
printf 'update some stuff\n' >"$work/bad.txt"
printf 'feat(core): a new option\n' >"$work/feat.txt"
head_sha=$(git -C "$repo" rev-parse HEAD)
printf 'refs/heads/%s %s refs/heads/%s %s\n' "$hotfix" "$head_sha" "$hotfix" 0000000000000000000000000000000000000000 >"$work/refs.txt"

# --- answers first ----------------------------------------------------------------------
cd -- "$repo"
"$CARGO_PATCH" hook commit-msg "$work/good.txt" || die "the commit-msg hook refused a good message"
if "$CARGO_PATCH" hook commit-msg "$work/bad.txt" 2>/dev/null; then die "the commit-msg hook accepted a bad message"; fi
if "$CARGO_PATCH" hook commit-msg "$work/feat.txt" 2>/dev/null; then die "the commit-msg hook accepted feat: on $hotfix"; fi
"$CARGO_PATCH" check >/dev/null 2>&1 || die "check refused the clean hotfix branch $hotfix"
"$CARGO_PATCH" hook pre-push origin /dev/null <"$work/refs.txt" || die "the pre-push hook refused $hotfix"
if [ -n "$cog_bin" ]; then
    "$cog_bin" verify --file "$work/good.txt" >/dev/null 2>&1 || die "cog refused the good message"
    if "$cog_bin" verify --file "$work/bad.txt" >/dev/null 2>&1; then die "cog accepted the bad message"; fi
else
    note "cog not found: install cocogitto (cargo install cocogitto --locked) to compare with it"
fi
note "answers checked: good accepted, bad and feat-on-hotfix refused, $hotfix passes check"

# --- timings ----------------------------------------------------------------------------
commit_msg=(-n "git rev-parse --abbrev-ref HEAD (floor)" "git rev-parse --abbrev-ref HEAD"
    -n "cargo-patch hook commit-msg" "$CARGO_PATCH hook commit-msg $work/good.txt")
if [ -n "$cog_bin" ]; then
    commit_msg+=(-n "cog verify --file" "$cog_bin verify --file $work/good.txt")
fi
hyperfine -N --warmup 10 --runs "$RUNS" --export-markdown "$work/commit-msg.md" "${commit_msg[@]}"
hyperfine -N --warmup 3 --runs "$RUNS" --export-markdown "$work/check.md" \
    -n "git diff --numstat BASE..HEAD (floor)" "git diff --numstat $last_tag..$hotfix" \
    -n "cargo-patch check" "$CARGO_PATCH check"
hyperfine --warmup 3 --runs "$RUNS" --export-markdown "$work/pre-push.md" \
    -n "sh: git diff --numstat (floor)" "git diff --numstat $last_tag..$hotfix >/dev/null" \
    -n "sh: cargo-patch hook pre-push" "$CARGO_PATCH hook pre-push origin /dev/null <$work/refs.txt"

{
    printf '# Hooks benchmark (%s commits, hotfix range %s..%s)\n\n' "$COMMITS" "$last_tag" "$hotfix"
    printf '%s\n\n' "$(uname -sm), $(nproc) cores, $(git --version), $("$CARGO_PATCH" --version)"
    cat "$work/commit-msg.md" "$work/check.md" "$work/pre-push.md"
} >"$OUT"
note "results written to $OUT"
