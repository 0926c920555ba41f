#!/usr/bin/env bash
# Benchmark the history commands on big workspaces: `bump auto --workspace --dry-run`, `status`,
# `changelog -p CRATE` and `notes -p CRATE`, against `git log --name-only` over the same history
# and git-cliff `--include-path` (warm cache).
#
# usage: bench/history.sh [flat|tagged ...]     (default: both shapes; see bench/gen-monorepo.py)
#
# On the tagged shape it also times `check` on a hotfix branch and the commit-msg hook (issue
# 14: their fixed cost must not grow with the ~3,400 tags) beside their floors, and `status`,
# `bump auto`, `release --dry-run --no-publish`, `notes -p` and `changelog -p --unreleased` in a clone with
# every tag beside one with only each crate's last two (issue 18: no cost may grow with the
# tags beyond a pass over the tag refs).
#
# Before timing, each answer is checked: the versions `bump auto` plans must equal those
# bench/expected-versions.py computes from `git log` alone, and `changelog -p` must print what
# git-cliff prints with `--include-path` and the crate's tag pattern.
#
# Environment:
#   CARGO_PATCH  binary to benchmark (default: <repo>/target/release/cargo-patch)
#   GIT_CLIFF    git-cliff binary    (default: git-cliff on PATH; its rows are skipped without it)
#   CACHE        generated fixtures  (default: /tmp/cargo-patch-bench)
#   RUNS         hyperfine runs      (default: 5)
#   OUT          markdown results    (default: <repo>/bench/results-history.md; git-ignored)
#   BASELINE     another cargo-patch binary (an older build) timed beside CARGO_PATCH, unchecked
#   COG          cocogitto's `cog`, timed beside the commit-msg hook (default: `cog` on PATH;
#                its row is skipped when missing)
set -euo pipefail

die() {
    printf 'history.sh: error: %s\n' "$*" >&2
    exit 1
}
note() { printf 'history.sh: %s\n' "$*" >&2; }

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
root=$(cd -- "$here/.." && pwd -P)
CACHE=${CACHE:-/tmp/cargo-patch-bench}
RUNS=${RUNS:-5}
OUT=${OUT:-$here/results-history.md}
CARGO_PATCH=${CARGO_PATCH:-$root/target/release/cargo-patch}
[ -x "$CARGO_PATCH" ] || die "no cargo-patch binary at '$CARGO_PATCH' (cargo build --release, or set CARGO_PATCH)"
command -v hyperfine >/dev/null 2>&1 || die "hyperfine not found (apt-get install hyperfine)"
command -v python3 >/dev/null 2>&1 || die "python3 not found"
GIT_CLIFF=${GIT_CLIFF:-$(command -v git-cliff || true)}
COG=${COG:-$(command -v cog || true)}
shapes=("$@")
[ "${#shapes[@]}" -gt 0 ] || shapes=(flat tagged)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cargo-patch-history.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT
gen_key=$(cksum <"$here/gen-monorepo.py" | cut -d' ' -f1)
: >"$OUT"

for shape in "${shapes[@]}"; do
    repo=$CACHE/monorepo-$shape-$gen_key
    if [ ! -d "$repo/.git" ]; then
        rm -rf -- "$repo.partial"
        "$here/gen-monorepo.py" "$shape" "$repo.partial"
        mv -- "$repo.partial" "$repo"
    fi
    commits=$(git -C "$repo" rev-list --count HEAD)
    tags=$(git -C "$repo" tag | wc -l)
    printf '\n## %s: %s crates, %s commits, %s tags\n\n' "$shape" \
        "$(git -C "$repo" ls-files '*/Cargo.toml' | wc -l)" "$commits" "$tags" >>"$OUT"

    # STEP 1: the planned versions equal the independent script's.
    python3 "$here/expected-versions.py" "$repo" >"$tmp/expected"
    (cd -- "$repo" && "$CARGO_PATCH" patch bump auto --workspace --dry-run) >"$tmp/bump.out" 2>&1 ||
        { cat -- "$tmp/bump.out" >&2; die "bump auto failed on $shape"; }
    awk '$3 == "->" { print $1, $2, $4 }' "$tmp/bump.out" >"$tmp/planned"
    if ! cmp -s -- "$tmp/expected" "$tmp/planned"; then
        diff -u -- "$tmp/expected" "$tmp/planned" | head -n 40 >&2 || true
        die "$shape: bump auto plans other versions than bench/expected-versions.py"
    fi
    note "$shape: bump auto plans the expected versions ($(wc -l <"$tmp/expected") crates)"
    printf 'bump auto plans the versions bench/expected-versions.py computes (%s crates).\n\n' \
        "$(wc -l <"$tmp/expected")" >>"$OUT"

    # STEP 2: changelog -p equals git-cliff --include-path, with the crate's tags.
    crate=c01
    dir=$(git -C "$repo" ls-files "*/$crate/Cargo.toml" | head -n 1)
    dir=${dir%/Cargo.toml}
    sed "s/^tag_pattern = .*/tag_pattern = \"^$crate-v[0-9]\"/" "$here/cliff.toml" >"$tmp/cliff.toml"
    patch_changelog=("$CARGO_PATCH" patch changelog --config "$tmp/cliff.toml" -p "$crate")
    cliff_changelog=("$GIT_CLIFF" --config "$tmp/cliff.toml" --include-path "$dir/**")
    have_cliff=0
    # bench/cliff.toml's footer names the previous release: only a history with releases has one.
    with_tags=0
    [ -n "$(git -C "$repo" tag -l "$crate-v*" | head -n 1)" ] && with_tags=1
    if [ -n "$GIT_CLIFF" ] && [ "$with_tags" = 1 ]; then
        (cd -- "$repo" && "${cliff_changelog[@]}") >"$tmp/cliff.md" 2>/dev/null || die "git-cliff failed on $shape"
        (cd -- "$repo" && "${patch_changelog[@]}") >"$tmp/patch.md" 2>"$tmp/patch.err" ||
            { cat -- "$tmp/patch.err" >&2; die "changelog -p failed on $shape"; }
        if cmp -s -- "$tmp/cliff.md" "$tmp/patch.md"; then
            have_cliff=1
            note "$shape: changelog -p $crate is identical to git-cliff --include-path ($(wc -l <"$tmp/cliff.md") lines)"
            printf 'changelog -p %s identical to git-cliff --include-path (%s lines).\n\n' \
                "$crate" "$(wc -l <"$tmp/cliff.md")" >>"$OUT"
        else
            diff -u -- "$tmp/cliff.md" "$tmp/patch.md" | head -n 40 >&2 || true
            die "$shape: changelog -p $crate differs from git-cliff --include-path"
        fi
    fi

    # STEP 3: time everything side by side.
    names=("git log --name-only --format=%H (floor)" "cargo-patch bump auto --workspace --dry-run"
        "cargo-patch status")
    cmds=("git log --name-only --format=%H" "$CARGO_PATCH patch bump auto --workspace --dry-run"
        "$CARGO_PATCH patch status")
    if [ "$with_tags" = 1 ]; then
        names+=("cargo-patch notes -p $crate" "cargo-patch changelog -p $crate")
        cmds+=("$CARGO_PATCH patch notes -p $crate" "${patch_changelog[*]}")
    fi
    if [ -n "${BASELINE:-}" ]; then
        names+=("baseline bump auto --workspace --dry-run" "baseline status")
        cmds+=("$BASELINE patch bump auto --workspace --dry-run" "$BASELINE patch status")
        if [ "$with_tags" = 1 ]; then
            names+=("baseline changelog -p $crate")
            cmds+=("$BASELINE patch changelog --config $tmp/cliff.toml -p $crate")
        fi
    fi
    if [ "$have_cliff" = 1 ]; then
        names+=("git-cliff --include-path (warm cache)")
        cmds+=("${cliff_changelog[*]}")
    fi
    args=()
    for k in "${!cmds[@]}"; do
        args+=(--command-name "${names[$k]}" "${cmds[$k]}")
    done
    (cd -- "$repo" && hyperfine -N --warmup 1 --runs "$RUNS" --export-markdown "$tmp/table.md" "${args[@]}")
    cat -- "$tmp/table.md" >>"$OUT"

    # STEP 4: with thousands of tags, `check` on a hotfix branch and the commit-msg hook, each
    # beside its floor (a shared clone, so the cached history stays as generated).
    [ "$with_tags" = 1 ] || continue
    hot=$tmp/hotfix
    rm -rf -- "$hot"
    git clone -q --shared -- "$repo" "$hot"
    git -C "$hot" fetch -q origin 'refs/tags/*:refs/tags/*'
    base=$(git -C "$hot" tag -l "$crate-v*" --sort=-v:refname | head -n 1)
    git -C "$hot" switch -q -c hotfix/bench "$base"
    git -C "$hot" config branch.hotfix/bench.patchBase "$base"
    printf '// fixed\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn fixed() {}\n}\n' >>"$hot/$dir/src/lib.rs"
    git -C "$hot" -c user.name=bench -c user.email=bench@example.invalid commit -q -am "fix($crate): bench"
    printf 'fix(%s): handle empty input\n' "$crate" >"$tmp/good.txt"
    printf 'update some stuff\n' >"$tmp/bad.txt"
    printf 'feat(%s): a new option\n' "$crate" >"$tmp/feat.txt"
    (
        cd -- "$hot"
        "$CARGO_PATCH" check >/dev/null 2>&1 || die "$shape: check refused the clean hotfix branch"
        "$CARGO_PATCH" hook commit-msg "$tmp/good.txt" || die "$shape: the commit-msg hook refused a good message"
        if "$CARGO_PATCH" hook commit-msg "$tmp/bad.txt" 2>/dev/null; then die "$shape: the hook accepted a bad message"; fi
        if "$CARGO_PATCH" hook commit-msg "$tmp/feat.txt" 2>/dev/null; then die "$shape: the hook accepted feat: on a hotfix"; fi
        note "$shape: check passes the hotfix from $base; the hook accepts a good message, refuses a bad one and a feat"
        cog=()
        if [ -n "$COG" ]; then
            "$COG" verify --file "$tmp/good.txt" >/dev/null 2>&1 || die "cog refused the good message"
            if "$COG" verify --file "$tmp/bad.txt" >/dev/null 2>&1; then die "cog accepted the bad message"; fi
            cog=(-n "cog verify --file" "$COG verify --file $tmp/good.txt")
        else
            note "cog not found: install cocogitto (cargo install cocogitto --locked) to compare with it"
        fi
        hyperfine -N --warmup 5 --runs "$((RUNS * 10))" --export-markdown "$tmp/hooks.md" \
            -n "git diff --numstat BASE..HEAD (floor)" "git diff --numstat $base..HEAD" \
            -n "cargo-patch check" "$CARGO_PATCH check" \
            -n "git rev-parse --abbrev-ref HEAD (floor)" "git rev-parse --abbrev-ref HEAD" \
            -n "cargo-patch hook commit-msg" "$CARGO_PATCH hook commit-msg $tmp/good.txt" "${cog[@]}"
    )
    printf '\ncheck and the commit-msg hook on a hotfix branch from %s (%s tags):\n\n' "$base" "$tags" >>"$OUT"
    cat -- "$tmp/hooks.md" >>"$OUT"

    # STEP 5: no command's cost may grow with the number of tags beyond a pass over the tag
    # refs: the same commands in two clones of the same history, one with every tag, one with
    # only each crate's last two releases (so `notes` describes the same release; the answers of
    # `bump auto` must not change).
    all=$tmp/all-tags few=$tmp/few-tags
    rm -rf -- "$all" "$few"
    git clone -q --shared -- "$repo" "$all"
    git clone -q --shared -- "$repo" "$few"
    git -C "$few" tag -l | python3 -c '
import re, sys
releases = {}
for tag in sys.stdin.read().split():
    m = re.fullmatch(r"(.+)-v(\d+)\.(\d+)\.(\d+)", tag)
    if m:
        releases.setdefault(m[1], []).append((tuple(map(int, m.groups()[1:])), tag))
print("\n".join(tag for tags in releases.values() for _, tag in sorted(tags)[-2:]))' >"$tmp/keep"
    git -C "$few" tag -l | grep -vxF -f "$tmp/keep" | xargs git -C "$few" tag -d >/dev/null
    (cd -- "$few" && "$CARGO_PATCH" patch bump auto --workspace --dry-run) >"$tmp/bump-few.out" 2>&1 ||
        { cat -- "$tmp/bump-few.out" >&2; die "bump auto failed with few tags"; }
    awk '$3 == "->" { print $1, $2, $4 }' "$tmp/bump-few.out" | cmp -s -- "$tmp/expected" - ||
        die "$shape: with only the latest tags, bump auto plans other versions"
    few_tags=$(git -C "$few" tag | wc -l)
    note "$shape: $few_tags tags kept (each crate's last two); bump auto plans the same versions"
    by_tags=(-n "status" "$CARGO_PATCH patch status"
        -n "bump auto --workspace --dry-run" "$CARGO_PATCH patch bump auto --workspace --dry-run"
        -n "release --dry-run --no-publish" "$CARGO_PATCH patch release --dry-run --no-publish"
        -n "notes -p $crate" "$CARGO_PATCH patch notes -p $crate"
        -n "changelog -p $crate --unreleased" "${patch_changelog[*]} --unreleased")
    for clone in "$all" "$few"; do
        (cd -- "$clone" && "$CARGO_PATCH" patch release --dry-run --no-publish >/dev/null 2>&1) ||
            die "$shape: release --dry-run failed in $clone"
        (cd -- "$clone" && hyperfine -N --warmup 1 --runs "$RUNS" \
            --export-markdown "$tmp/tags-$(basename -- "$clone").md" "${by_tags[@]}")
    done
    printf '\nThe same commands with all %s tags:\n\n' "$tags" >>"$OUT"
    cat -- "$tmp/tags-all-tags.md" >>"$OUT"
    printf '\nand with only each crate'"'"'s last two release tags (%s tags):\n\n' "$few_tags" >>"$OUT"
    cat -- "$tmp/tags-few-tags.md" >>"$OUT"
done
printf '\n%s; %s; %s; %s CPUs; %s\n' "$("$CARGO_PATCH" --version)" "$(git --version)" "$(hyperfine --version)" \
    "$(getconf _NPROCESSORS_ONLN)" "$(date -u +%Y-%m-%dT%H:%MZ)" >>"$OUT"
note "results written to $OUT"
