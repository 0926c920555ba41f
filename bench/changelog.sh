#!/usr/bin/env bash
# Benchmark `cargo-patch changelog` against git-cliff and a `git log` floor on synthetic
# conventional-commit histories of 10k commits (20 tags) and 100k commits (200 tags).
#
# usage: bench/changelog.sh            (from anywhere)
#
# Before timing, cargo-patch's output is compared with git-cliff's (same bench/cliff.toml, same
# repository); a difference stops the benchmark unless ALLOW_DIFF=1.
#
# Environment:
#   CARGO_PATCH   binary to benchmark  (default: <repo>/target/release/cargo-patch); skipped
#                 with a message if it is missing or has no `changelog` subcommand
#   GIT_CLIFF     git-cliff binary     (default: git-cliff on PATH)
#   CACHE         where generated histories and git-cliff reference outputs are kept
#                 (default: /tmp/cargo-patch-bench; keyed by gen-history.sh / cliff.toml checksums)
#   SIZES         history sizes        (default: "10000 100000"; a tag every 500 commits)
#   LARGE         size from which a history counts as large (default: 50000)
#   RUNS_SMALL    hyperfine runs below LARGE commits (default: 5)
#   RUNS_LARGE    hyperfine runs from LARGE commits on, floor and cargo-patch (default: 3)
#   CLIFF_LARGE   git-cliff from LARGE commits on: 1 = time it with a single run (the default;
#                 git-cliff 2.14.2 needs about a minute at 100k), 0 = skip it (the diff then uses
#                 a cached reference output if there is one)
#   ALLOW_DIFF=1  time cargo-patch even if its output differs from git-cliff's
#   OUT           markdown results file (default: <repo>/bench/results-changelog.md; git-ignored)
set -euo pipefail

die() {
    printf 'changelog.sh: error: %s\n' "$*" >&2
    exit 1
}
note() { printf 'changelog.sh: %s\n' "$*" >&2; }

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
root=$(cd -- "$here/.." && pwd -P)
config=$here/cliff.toml

SIZES=${SIZES:-10000 100000}
TAG_EVERY=500
RUNS_SMALL=${RUNS_SMALL:-5}
RUNS_LARGE=${RUNS_LARGE:-3}
CLIFF_LARGE=${CLIFF_LARGE:-1}
LARGE=${LARGE:-50000}
CACHE=${CACHE:-/tmp/cargo-patch-bench}
OUT=${OUT:-$root/bench/results-changelog.md}

# --- tools ----------------------------------------------------------------------------------
command -v hyperfine >/dev/null 2>&1 ||
    die "hyperfine not found; install it (Debian/Ubuntu: apt-get install hyperfine, or: cargo install hyperfine)"
command -v git >/dev/null 2>&1 || die "git not found"
GIT_CLIFF=${GIT_CLIFF:-git-cliff}
GIT_CLIFF=$(command -v -- "$GIT_CLIFF") || die "git-cliff not found (pip install git-cliff, or cargo install git-cliff)"
git_bin=$(command -v git)

CARGO_PATCH=${CARGO_PATCH:-$root/target/release/cargo-patch}
case $CARGO_PATCH in
    /*) ;;
    */*) CARGO_PATCH=$PWD/$CARGO_PATCH ;;                                  # relative to the caller
    *) CARGO_PATCH=$(command -v -- "$CARGO_PATCH" || printf '%s' "$CARGO_PATCH") ;; # on PATH
esac
have_patch=0
if [ ! -f "$CARGO_PATCH" ] || [ ! -x "$CARGO_PATCH" ]; then
    note "cargo-patch not found at '$CARGO_PATCH' (build it with: cargo build --release): skipping it"
elif ! "$CARGO_PATCH" changelog --help >/dev/null 2>&1; then
    note "'$CARGO_PATCH' has no 'changelog' subcommand yet: skipping it"
else
    have_patch=1
fi

# --- histories (cached) ---------------------------------------------------------------------
sum8() { cksum <"$1" | cut -d' ' -f1; }
gen_key=$(sum8 "$here/gen-history.sh")
cfg_key=$(sum8 "$config")
cliff_version=$("$GIT_CLIFF" --version | awk '{ print $NF; exit }' | tr -c 'A-Za-z0-9.\n' '_')
mkdir -p -- "$CACHE"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cargo-patch-bench-out.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

# history N: prints the path of a cached N-commit history, generating it if needed.
history() {
    local n=$1 dir=$CACHE/history-$1-$TAG_EVERY-$gen_key
    if [ ! -d "$dir/.git" ]; then
        note "generating $n commits (a tag every $TAG_EVERY) in $dir"
        rm -rf -- "$dir.partial"
        "$here/gen-history.sh" "$n" "$dir.partial" "$TAG_EVERY" >&2
        mv -- "$dir.partial" "$dir"
    fi
    printf '%s\n' "$dir"
}

# --- run ------------------------------------------------------------------------------------
q() { printf '%q' "$1"; } # quote a word for hyperfine's command-line splitting
cliff_cmd="$(q "$GIT_CLIFF") --config $(q "$config")"
floor_cmd="$(q "$git_bin") log --format=%H%x00%B"
patch_cmd="$(q "$CARGO_PATCH") changelog --config $(q "$config")"

: >"$OUT"
for n in $SIZES; do
    case $n in '' | *[!0-9]*) die "SIZES must hold positive integers, got '$n'" ;; esac
    repo=$(history "$n")
    large=0
    [ "$n" -ge "$LARGE" ] && large=1
    printf '\n## %s commits, %s tags\n\n' "$n" "$(git -C "$repo" tag | wc -l)" >>"$OUT"

    # Reference output: git-cliff's, cached per history + config + git-cliff version.
    ref=$CACHE/cliff-$n-$TAG_EVERY-$gen_key-$cfg_key-$cliff_version.md
    run_cliff=1
    [ "$large" = 1 ] && [ "$CLIFF_LARGE" = 0 ] && run_cliff=0
    if [ "$run_cliff" = 1 ]; then
        note "$n commits: git-cliff reference output (also the warm-up)"
        start=$(date +%s%N)
        (cd -- "$repo" && "$GIT_CLIFF" --config "$config") >"$ref.partial" 2>"$tmp/cliff.err" ||
            { cat -- "$tmp/cliff.err" >&2; die "git-cliff failed on $repo"; }
        mv -- "$ref.partial" "$ref"
        note "$n commits: git-cliff took $((($(date +%s%N) - start) / 1000000)) ms"
    fi

    if [ "$have_patch" = 1 ]; then
        (cd -- "$repo" && "$CARGO_PATCH" changelog --config "$config") >"$tmp/patch.md" 2>"$tmp/patch.err" ||
            { cat -- "$tmp/patch.err" >&2; die "cargo-patch changelog failed on $repo"; }
        if [ ! -f "$ref" ]; then
            note "$n commits: no cached git-cliff output and CLIFF_LARGE=0: output NOT checked"
            printf 'cargo-patch output not checked (no git-cliff reference).\n\n' >>"$OUT"
        elif cmp -s -- "$ref" "$tmp/patch.md"; then
            note "$n commits: cargo-patch output is identical to git-cliff's ($(wc -l <"$ref") lines)"
            printf 'cargo-patch output identical to git-cliff %s output.\n\n' "$cliff_version" >>"$OUT"
        else
            note "$n commits: cargo-patch output DIFFERS from git-cliff's (start of the diff):"
            diff -u -- "$ref" "$tmp/patch.md" | head -n 40 >&2 || true
            [ "${ALLOW_DIFF:-0}" = 1 ] || die "outputs differ (set ALLOW_DIFF=1 to time anyway)"
            printf '**cargo-patch output differs from git-cliff %s.**\n\n' "$cliff_version" >>"$OUT"
        fi
    fi

    names=("git log --format=%H%x00%B (floor)")
    cmds=("$floor_cmd")
    if [ "$have_patch" = 1 ]; then
        names+=("cargo-patch changelog")
        cmds+=("$patch_cmd")
    fi
    if [ "$large" = 0 ]; then
        names+=("git-cliff $cliff_version")
        cmds+=("$cliff_cmd")
        runs=$RUNS_SMALL
    else
        runs=$RUNS_LARGE
    fi
    args=()
    for k in "${!cmds[@]}"; do
        args+=(--command-name "${names[$k]} ($n)" "${cmds[$k]}")
    done
    # Every command is a single binary run in the repository (-N: no shell); stdout is discarded.
    (cd -- "$repo" && hyperfine -N --warmup 1 --runs "$runs" \
        --export-markdown "$tmp/table.md" "${args[@]}")
    cat -- "$tmp/table.md" >>"$OUT"
    if [ "$large" = 1 ]; then
        if [ "$CLIFF_LARGE" = 1 ]; then
            # One run only; the reference run above was the warm-up.
            (cd -- "$repo" && hyperfine -N --runs 1 \
                --export-markdown "$tmp/table.md" \
                --command-name "git-cliff $cliff_version ($n)" "$cliff_cmd")
            printf '\n' >>"$OUT"
            cat -- "$tmp/table.md" >>"$OUT"
        else
            note "$n commits: git-cliff timing skipped (CLIFF_LARGE=0)"
        fi
    fi
done

{
    printf '\n%s; %s; %s; %s CPUs; %s\n' "$cliff_version" \
        "$("$CARGO_PATCH" --version 2>/dev/null || echo 'cargo-patch ?')" \
        "$(hyperfine --version)" "$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')" \
        "$(date -u +%Y-%m-%dT%H:%MZ)"
} >>"$OUT"
note "results written to $OUT"
