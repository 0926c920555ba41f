#!/usr/bin/env bash
# Benchmark the commit-msg hook on a workspace whose root manifest is large (issue 14): the hook
# must cost the same on a 160 KB root manifest as on a small one, since it reads only the
# `[workspace.metadata.patch]` tables. Compared with `git rev-parse --abbrev-ref HEAD` (the floor)
# and `cog verify` (cocogitto, when installed), on main and on a hotfix branch.
#
# usage: bench/hooks-manifest.sh
#
# Environment:
#   CARGO_PATCH  binary to benchmark (default: <repo>/target/release/cargo-patch)
#   COG          cocogitto's `cog` (default: `cog` on PATH; skipped when missing)
#   DEPS         `[workspace.dependencies]` entries of the large manifest (default: 1200, ~155 KB)
#   RUNS         hyperfine runs per command (default: 200)
#   OUT          markdown results (default: <repo>/bench/results-hooks-manifest.md; git-ignored)
set -euo pipefail

die() {
    printf 'hooks-manifest.sh: error: %s\n' "$*" >&2
    exit 1
}

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
root=$(cd -- "$here/.." && pwd -P)
CARGO_PATCH=${CARGO_PATCH:-$root/target/release/cargo-patch}
COG=${COG:-cog}
DEPS=${DEPS:-1200}
RUNS=${RUNS:-200}
OUT=${OUT:-$root/bench/results-hooks-manifest.md}
command -v hyperfine >/dev/null 2>&1 || die "hyperfine not found (apt-get install hyperfine)"
[ -x "$CARGO_PATCH" ] || die "$CARGO_PATCH not found: run \`cargo build --release\` first"
cog_bin=$(command -v -- "$COG" 2>/dev/null || true)

work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT

# A repository holding a workspace root manifest of $DEPS dependencies, a [patch] table as long,
# and the configuration at the end, where a scan must reach it.
make_repo() { # dir deps [extra table text]
    local dir=$1 deps=$2 extra=${3:-}
    mkdir -p "$dir/crates/a/src"
    {
        printf '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n\n[workspace.package]\nversion = "1.2.3"\n\n'
        printf '[workspace.dependencies]\n'
        for i in $(seq 1 "$deps"); do
            printf 'dependency-number-%05d = { version = "1.%d.0", default-features = false, features = ["std", "derive"] }\n' "$i" "$i"
        done
        printf '\n[patch.crates-io]\n'
        for i in $(seq 1 $((deps / 4))); do
            printf 'dependency-number-%05d = { git = "https://example.invalid/dep-%d", branch = "main" }\n' "$i" "$i"
        done
        printf '\n[workspace.metadata.patch]\nremote = "origin"\n\n[workspace.metadata.patch.hotfix]\nmax-files = 10\n'
        printf '%s' "$extra"
    } >"$dir/Cargo.toml"
    printf '[package]\nname = "a"\nversion.workspace = true\nedition = "2021"\n' >"$dir/crates/a/Cargo.toml"
    : >"$dir/crates/a/src/lib.rs"
    git -C "$dir" init -q -b main
    git -C "$dir" add -A
    git -C "$dir" -c user.name=b -c user.email=b@example.com commit -q -m "chore: workspace"
    git -C "$dir" branch hotfix/x
}

make_repo "$work/small" 3
make_repo "$work/large" "$DEPS"
# The same manifest with a `[workspace.metadata]` table, which may hold the configuration as a
# `patch-release = {...}` key: the hook cuts that table out with the configuration's own (it
# parsed the whole manifest there until that table was kept, 8.7 ms on this manifest).
make_repo "$work/large-full" "$DEPS" $'\n[workspace.metadata]\nother-tool = true\n'
size=$(wc -c <"$work/large/Cargo.toml")
printf 'fix(core): handle empty input\n\nThe parser returned early.\n' >"$work/good.txt"
printf 'feat(core): a new option\n' >"$work/feat.txt"

# --- answers first ----------------------------------------------------------------------
for repo in "$work/small" "$work/large" "$work/large-full"; do
    (cd "$repo" && "$CARGO_PATCH" hook commit-msg "$work/good.txt") || die "the hook refused a good message in $repo"
    git -C "$repo" checkout -q hotfix/x
    if (cd "$repo" && "$CARGO_PATCH" hook commit-msg "$work/feat.txt" 2>/dev/null); then
        die "the hook accepted feat: on a hotfix branch in $repo"
    fi
    git -C "$repo" checkout -q main
done

# --- timings ----------------------------------------------------------------------------
results=()
for branch in main hotfix/x; do
    for repo in small large large-full; do
        git -C "$work/$repo" checkout -q "$branch"
        cmds=(-n "git rev-parse --abbrev-ref HEAD ($repo, $branch)" "sh -c 'cd $work/$repo && exec git rev-parse --abbrev-ref HEAD'"
            -n "cargo-patch hook commit-msg ($repo, $branch)" "sh -c 'cd $work/$repo && exec $CARGO_PATCH hook commit-msg $work/good.txt'")
        # Through the same `sh -c 'cd ...'` as the others, so every row pays the same shell.
        [ -n "$cog_bin" ] && cmds+=(-n "cog verify --file ($repo)" "sh -c 'cd $work/$repo && exec $cog_bin verify --file $work/good.txt'")
        hyperfine -N --warmup 20 --runs "$RUNS" --export-markdown "$work/$repo-${branch//\//-}.md" "${cmds[@]}" >&2
        results+=("$work/$repo-${branch//\//-}.md")
        git -C "$work/$repo" checkout -q main
    done
done

{
    printf '# commit-msg hook on a large root manifest (%s bytes, %s dependencies)\n\n' "$size" "$DEPS"
    printf '%s\n\n' "$(uname -sm), $(nproc) cores, $(git --version), $("$CARGO_PATCH" --version)"
    cat "${results[@]}"
} >"$OUT"
printf 'hooks-manifest.sh: results written to %s\n' "$OUT" >&2
