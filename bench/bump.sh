#!/usr/bin/env bash
# Benchmark `cargo-patch bump` on a synthetic 300-crate workspace, against the
# `cargo metadata --no-deps` floor (bump runs it once) and, if installed, `cargo set-version`.
#
# usage: bench/bump.sh            (from anywhere)
#
# Environment:
#   CARGO_PATCH  binary to benchmark      (default: <repo>/target/release/cargo-patch)
#   OUT          markdown results file    (default: <repo>/bench/results-bump.md; git-ignored)
#   CRATES       workspace size           (default: 300)
#   WARMUP       hyperfine warmup runs    (default: 3)
#   KEEP_WS=1    keep the generated workspace and print its path
#   CARGO        cargo used for the floor (default: cargo; cargo-patch honours it too)
set -euo pipefail

die() {
    printf 'bump.sh: error: %s\n' "$*" >&2
    exit 1
}
note() { printf 'bump.sh: %s\n' "$*" >&2; }

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
root=$(cd -- "$here/.." && pwd -P)

CRATES=${CRATES:-300}
WARMUP=${WARMUP:-3}
OUT=${OUT:-$root/bench/results-bump.md}
cargo_bin=${CARGO:-cargo}

# --- tools ----------------------------------------------------------------------------------
CARGO_PATCH=${CARGO_PATCH:-$root/target/release/cargo-patch}
case $CARGO_PATCH in
    /*) ;;
    */*) CARGO_PATCH=$PWD/$CARGO_PATCH ;;                                  # relative to the caller
    *) CARGO_PATCH=$(command -v -- "$CARGO_PATCH" || printf '%s' "$CARGO_PATCH") ;; # on PATH
esac
if [ ! -f "$CARGO_PATCH" ] || [ ! -x "$CARGO_PATCH" ]; then
    die "cargo-patch binary not found (or not executable) at '$CARGO_PATCH'.
  Build it first:   (cd '$root' && cargo build --release)
  or point CARGO_PATCH at an existing binary:   CARGO_PATCH=/path/to/cargo-patch $0"
fi
command -v hyperfine >/dev/null 2>&1 ||
    die "hyperfine not found; install it (Debian/Ubuntu: apt-get install hyperfine, or: cargo install hyperfine)"
command -v git >/dev/null 2>&1 || die "git not found"
command -v "$cargo_bin" >/dev/null 2>&1 || die "cargo not found ('$cargo_bin')"
if command -v python3 >/dev/null 2>&1; then
    json_tool=python3
elif command -v jq >/dev/null 2>&1; then
    json_tool=jq
else
    json_tool=
    note "neither python3 nor jq found: the ratio summary will be skipped"
fi

# cargo-edit's `cargo set-version`, as a peer, only if already installed.
have_set_version=0
if "$cargo_bin" set-version --help >/dev/null 2>&1; then
    have_set_version=1
else
    note "cargo set-version (cargo-edit) is not installed: skipping it as a peer"
fi

# --- workspace ------------------------------------------------------------------------------
ws=$(mktemp -d "${TMPDIR:-/tmp}/cargo-patch-bench.XXXXXX")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cargo-patch-bench-out.XXXXXX")
cleanup() {
    rm -rf -- "$tmp"
    if [ "${KEEP_WS:-0}" = 1 ]; then
        note "workspace kept at $ws"
    else
        rm -rf -- "$ws"
    fi
}
trap cleanup EXIT

note "generating a $CRATES-crate workspace in $ws"
"$here/gen-workspace.sh" "$CRATES" "$ws"
manifest=$ws/Cargo.toml

q() { printf '%q' "$1"; } # quote a word for hyperfine's command-line splitting
restore="git -C $(q "$ws") checkout -q -- ."
floor="$(q "$cargo_bin") metadata --no-deps --offline --format-version 1 --manifest-path $(q "$manifest")"
bump="$(q "$CARGO_PATCH") bump patch --workspace --manifest-path $(q "$manifest")"
dry="$bump --dry-run"
peer="$(q "$cargo_bin") set-version --bump patch --workspace --offline --manifest-path $(q "$manifest")"

# --- preflight: each command must succeed (and the real ones must edit) before timing ------
# preflight NAME CMD [edits]: runs CMD once, shows its output on failure, restores the tree.
preflight() {
    local name=$1 cmd=$2 edits=${3:-}
    # CMD is the same string hyperfine gets; its words were quoted with %q above.
    if ! eval "$cmd" >"$tmp/pre.out" 2>&1; then
        cat -- "$tmp/pre.out" >&2
        die "'$name' failed on the generated workspace (command: $cmd)"
    fi
    if [ -n "$edits" ] && git -C "$ws" diff --quiet; then
        die "'$name' succeeded but changed nothing; the benchmark would measure a no-op"
    fi
    if [ -z "$edits" ] && ! git -C "$ws" diff --quiet; then
        die "'$name' modified the workspace but should not have"
    fi
    git -C "$ws" checkout -q -- .
}
note "preflight"
preflight "cargo metadata" "$floor"
preflight "cargo-patch bump --dry-run" "$dry"
preflight "cargo-patch bump" "$bump" edits
if [ "$have_set_version" = 1 ]; then
    preflight "cargo set-version" "$peer" edits
fi

# --- benchmark ------------------------------------------------------------------------------
names=("cargo metadata --no-deps (floor)" "cargo-patch bump patch --workspace" "cargo-patch bump patch --workspace --dry-run")
cmds=("$floor" "$bump" "$dry")
if [ "$have_set_version" = 1 ]; then
    names+=("cargo set-version --bump patch --workspace")
    cmds+=("$peer")
fi
args=()
for k in "${!cmds[@]}"; do
    args+=(--command-name "${names[$k]}" "${cmds[$k]}")
done

mkdir -p -- "$(dirname -- "$OUT")"
json=$tmp/results.json
# Every command is a single binary, so no shell is spawned (-N); the restore runs before every
# timed run of every command, so each one starts from the committed state.
hyperfine -N --warmup "$WARMUP" --prepare "$restore" \
    --export-markdown "$OUT" --export-json "$json" "${args[@]}"

{
    printf '\n%s crates; %s; %s; %s; %s CPUs; %s\n' "$CRATES" \
        "$("$cargo_bin" --version)" "$("$CARGO_PATCH" --version 2>/dev/null || echo 'cargo-patch ?')" \
        "$(hyperfine --version)" "$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')" \
        "$(date -u +%Y-%m-%dT%H:%MZ)"
} >>"$OUT"

# --- summary --------------------------------------------------------------------------------
printf '\nMean relative to the cargo metadata floor (%s crates):\n' "$CRATES"
case $json_tool in
    python3)
        python3 - "$json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
floor = results[0]["mean"]
for r in results:
    print(f"  {r['command']:<48} {r['mean'] * 1000:8.1f} ms  {r['mean'] / floor:5.2f}x")
PY
        ;;
    jq)
        jq -r '.results[0].mean as $f | .results[]
               | "  \(.command)  \(.mean * 1000 | . * 10 | round / 10) ms  \(.mean / $f * 100 | round / 100)x"' "$json"
        ;;
esac
note "markdown table written to $OUT"
