#!/usr/bin/env bash
# Benchmark every area of cargo-patch against its peers and floors, in one run, on one machine.
#
# usage: bench/run.sh            full run (10k / 100k commits, 300 crates; about 3 minutes on 2 cores once
#                                the peers and fixtures are cached, git-cliff on 100k alone ~65 s)
#        bench/run.sh --smoke    small fixtures (2k / 10k commits, 30 crates), few runs (~20 s)
#
# Works from a fresh clone on Debian/Ubuntu. What is missing is installed first:
#   - hyperfine (apt-get, when run as root; otherwise the script says how);
#   - the release binary (`cargo build --release` when target/release/cargo-patch is missing or
#     older than src/, hooks/, templates/, Cargo.toml or Cargo.lock);
#   - the peers, into $PEERS: git-cliff (pip --target), commitlint + config-conventional (npm
#     --prefix), cocogitto's `cog` and cargo-edit's `cargo set-version` (cargo install --root;
#     cargo-edit compiles for several minutes, once). A peer that cannot be installed is
#     reported and its row reads `not installed`.
# Fixtures are generated deterministically by gen-history.sh / gen-workspace.sh and cached in
# $CACHE (shared with changelog.sh and hooks.sh). Every answer is checked before it is timed:
# the changelog equals git-cliff's; the commit-msg hook, cog and commitlint accept a good
# message and refuse a bad one; check and pre-push pass the clean hotfix branch; bump and
# cargo set-version really change the manifests of a fresh copy of the workspace.
#
# Prints one markdown table (area | command | median | vs floor | target), the machine and the
# tool versions, and writes the same to $OUT.
#
# Environment:
#   CACHE        fixtures and git-cliff reference outputs (default: /tmp/cargo-patch-bench)
#   PEERS        installed peers                           (default: $CACHE/peers)
#   OUT          markdown results (default: <repo>/bench/results.md; git-ignored)
#   CARGO_PATCH  binary to benchmark; when set it is used as is, never rebuilt
#   SMALL LARGE  history sizes for the changelog (default: 10000 100000; smoke: 2000 10000)
#   HOOK_COMMITS history size for the hooks     (default: 100000; smoke: 2000)
#   CRATES       workspace size for bump        (default: 300; smoke: 30)
#   COCOGITTO_VERSION, CARGO_EDIT_VERSION   peer versions cargo installs (7.0.0, 0.13.13:
#                the last cargo-edit that builds with rustc 1.95)
set -euo pipefail

die() {
    printf 'run.sh: error: %s\n' "$*" >&2
    exit 1
}
note() { printf 'run.sh: %s\n' "$*" >&2; }

mode=full
[ "$#" -le 1 ] || die "too many arguments (usage: bench/run.sh [--smoke])"
case ${1-} in
    '') ;;
    --smoke) mode=smoke ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
        exit 0
        ;;
    *) die "unknown argument '$1' (usage: bench/run.sh [--smoke])" ;;
esac

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
root=$(cd -- "$here/.." && pwd -P)
config=$here/cliff.toml
started=$(date +%s)

CACHE=${CACHE:-/tmp/cargo-patch-bench}
PEERS=${PEERS:-$CACHE/peers}
OUT=${OUT:-$here/results.md}
GIT_CLIFF_VERSION=2.14.2
COCOGITTO_VERSION=${COCOGITTO_VERSION:-7.0.0}
CARGO_EDIT_VERSION=${CARGO_EDIT_VERSION:-0.13.13}
TAG_EVERY=500

# hyperfine options per kind of area (run counts), and fixture sizes.
if [ "$mode" = smoke ]; then
    SMALL=${SMALL:-2000} LARGE=${LARGE:-10000} HOOK_COMMITS=${HOOK_COMMITS:-2000} CRATES=${CRATES:-30}
    runs_fast=(--warmup 2 --runs 10)
    runs_changelog=(--warmup 1 --runs 3)
    runs_large=(--warmup 1 --runs 3)
    runs_bump=(--warmup 1 --runs 5)
else
    SMALL=${SMALL:-10000} LARGE=${LARGE:-100000} HOOK_COMMITS=${HOOK_COMMITS:-100000} CRATES=${CRATES:-300}
    runs_fast=(--warmup 5) # hyperfine's default: at least 10 runs and 3 seconds
    runs_changelog=(--warmup 1 --runs 10)
    runs_large=(--warmup 1 --runs 3)
    runs_bump=(--warmup 2)
fi
for v in SMALL LARGE HOOK_COMMITS CRATES; do
    case ${!v} in '' | *[!0-9]* | 0*) die "$v must be a positive integer, got '${!v}'" ;; esac
done

mkdir -p -- "$CACHE" "$PEERS/logs"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cargo-patch-run.XXXXXX")
hooks_repo=
cleanup() {
    rm -rf -- "$tmp"
    # Leave the shared hooks fixture on main, as hooks.sh does.
    if [ -n "$hooks_repo" ]; then git -C "$hooks_repo" checkout -q main 2>/dev/null || true; fi
}
trap cleanup EXIT

is_root() { [ "$(id -u)" = 0 ]; }

# apt_install PKG...: installs Debian packages when root; fails (quietly) otherwise.
apt_install() {
    if ! is_root || ! command -v apt-get >/dev/null 2>&1; then return 1; fi
    note "apt-get install $*"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "$@" >"$PEERS/logs/apt.log" 2>&1 ||
        { apt-get update -q >>"$PEERS/logs/apt.log" 2>&1 && apt-get install -y -q "$@" >>"$PEERS/logs/apt.log" 2>&1; } ||
        { tail -n 5 -- "$PEERS/logs/apt.log" >&2; return 1; }
}

# --- required tools -------------------------------------------------------------------------
command -v git >/dev/null 2>&1 || apt_install git || die "git not found (apt-get install git)"
command -v python3 >/dev/null 2>&1 || apt_install python3 || die "python3 not found (apt-get install python3)"
command -v cargo >/dev/null 2>&1 ||
    die "cargo not found: install Rust with rustup (https://rustup.rs), then run again"
if ! command -v hyperfine >/dev/null 2>&1; then
    if is_root; then
        apt_install hyperfine || die "apt-get install -y hyperfine failed (see $PEERS/logs/apt.log)"
    else
        die "hyperfine not found; install it with: sudo apt-get install -y hyperfine (or: cargo install --locked hyperfine)"
    fi
fi
# hyperfine >= 1.16 can feed stdin itself (--input), which lets pre-push run without a shell.
hf_input=0
hyperfine --help 2>/dev/null | grep -q -- '--input' && hf_input=1

# --- cargo-patch ----------------------------------------------------------------------------
if [ -n "${CARGO_PATCH:-}" ]; then
    case $CARGO_PATCH in
        /*) ;;
        */*) CARGO_PATCH=$PWD/$CARGO_PATCH ;;
        *) CARGO_PATCH=$(command -v -- "$CARGO_PATCH" || printf '%s' "$CARGO_PATCH") ;;
    esac
    [ -x "$CARGO_PATCH" ] || die "CARGO_PATCH='$CARGO_PATCH' is not an executable file"
else
    CARGO_PATCH=${CARGO_TARGET_DIR:-$root/target}/release/cargo-patch
    case $CARGO_PATCH in /*) ;; *) CARGO_PATCH=$root/$CARGO_PATCH ;; esac
    stale=
    if [ ! -x "$CARGO_PATCH" ]; then
        stale="missing"
    else
        sources=()
        for s in src hooks templates build.rs Cargo.toml Cargo.lock; do
            [ -e "$root/$s" ] && sources+=("$root/$s")
        done
        newer=$(find "${sources[@]}" -newer "$CARGO_PATCH" -print -quit)
        [ -z "$newer" ] || stale="older than ${newer#"$root"/}"
    fi
    if [ -n "$stale" ]; then
        note "release binary $stale: cargo build --release (fat LTO: a few minutes)"
        (cd -- "$root" && cargo build --release) || die "cargo build --release failed"
        [ -x "$CARGO_PATCH" ] || die "cargo build --release did not produce $CARGO_PATCH"
    fi
fi
"$CARGO_PATCH" --version >/dev/null 2>&1 || die "'$CARGO_PATCH --version' failed"

# --- peers ----------------------------------------------------------------------------------
declare -A why=() # peer -> why it has no timing (not installed, wrong answer)

# logged NAME CMD...: runs CMD with its output in $PEERS/logs/NAME.log; shows the tail on failure.
logged() {
    local name=$1 log=$PEERS/logs/$1.log
    shift
    if "$@" >"$log" 2>&1; then return 0; fi
    note "$name: '$*' failed; last lines of $log:"
    tail -n 15 -- "$log" >&2
    return 1
}

export PATH="$PEERS/cargo/bin:$PATH" # `cargo set-version` finds cargo-set-version here

cliff=$PEERS/py/bin/git-cliff
if ! "$cliff" --version 2>/dev/null | grep -qx "git-cliff $GIT_CLIFF_VERSION"; then
    if ! python3 -m pip --version >/dev/null 2>&1; then apt_install python3-pip || true; fi
    if python3 -m pip --version >/dev/null 2>&1; then
        note "installing git-cliff $GIT_CLIFF_VERSION into $PEERS/py"
        logged git-cliff python3 -m pip install --disable-pip-version-check --upgrade \
            --target "$PEERS/py" "git-cliff==$GIT_CLIFF_VERSION" || true
    fi
    if ! "$cliff" --version 2>/dev/null | grep -qx "git-cliff $GIT_CLIFF_VERSION"; then
        why[git-cliff]="not installed"
        note "git-cliff $GIT_CLIFF_VERSION is NOT installed (needs python3 -m pip: apt-get install python3-pip)"
    fi
fi

commitlint=$PEERS/npm/node_modules/.bin/commitlint
conventional=
if ! "$commitlint" --version >/dev/null 2>&1; then
    if ! command -v npm >/dev/null 2>&1; then apt_install nodejs npm || true; fi
    if command -v npm >/dev/null 2>&1; then
        note "installing commitlint into $PEERS/npm"
        logged commitlint npm install --no-audit --no-fund --prefix "$PEERS/npm" \
            @commitlint/cli @commitlint/config-conventional || true
    fi
fi
if "$commitlint" --version >/dev/null 2>&1; then
    # The config's `extends` must name the file: commitlint resolves it as an ES module.
    conventional=$(node -e 'console.log(JSON.stringify(require.resolve("@commitlint/config-conventional", { paths: [process.argv[1]] })))' \
        "$PEERS/npm" 2>/dev/null) || conventional=
    [ -n "$conventional" ] || why[commitlint]="not installed (@commitlint/config-conventional missing)"
else
    why[commitlint]="not installed"
    note "commitlint is NOT installed (needs npm: apt-get install nodejs npm)"
fi

# cargo_peer NAME CRATE VERSION BIN: cargo install CRATE into $PEERS/cargo unless BIN is there.
cargo_peer() {
    local name=$1 crate=$2 version=$3 bin=$PEERS/cargo/bin/$4
    [ -x "$bin" ] && return 0
    note "installing $crate $version into $PEERS/cargo (cargo install: compiles for minutes, once)"
    logged "$name" cargo install --locked "$crate" --version "$version" --root "$PEERS/cargo" || true
    if [ ! -x "$bin" ]; then
        why[$name]="not installed"
        note "$name is NOT installed (see $PEERS/logs/$name.log)"
    fi
}
cargo_peer cog cocogitto "$COCOGITTO_VERSION" cog
cargo_peer set-version cargo-edit "$CARGO_EDIT_VERSION" cargo-set-version
cog=$PEERS/cargo/bin/cog
if [ -z "${why[cog]-}" ] && ! "$cog" --version >/dev/null 2>&1; then why[cog]="not installed (does not run)"; fi
if [ -z "${why[set-version]-}" ] && ! cargo set-version --version >/dev/null 2>&1; then
    why[set-version]="not installed (cargo set-version does not run)"
fi

# --- fixtures (cached; names shared with changelog.sh and hooks.sh) --------------------------
gen_key=$(cksum <"$here/gen-history.sh" | cut -d' ' -f1)
ws_key=$(cksum <"$here/gen-workspace.sh" | cut -d' ' -f1)
cfg_key=$(cksum <"$config" | cut -d' ' -f1)

# fixture DIR GENERATOR ARGS...: generates DIR (atomically, via DIR.partial) unless cached.
fixture() {
    local dir=$1
    shift
    [ -d "$dir/.git" ] && return 0
    note "generating fixture $dir"
    rm -rf -- "$dir.partial"
    "$@" "$dir.partial" >&2
    mv -- "$dir.partial" "$dir"
}
# gen_history N EVERY OUT: gen-history.sh takes OUT before TAG_EVERY.
gen_history() { bash "$here/gen-history.sh" "$1" "$3" "$2"; }
# history N: path of the cached N-commit history (HEAD = main).
history() {
    local dir=$CACHE/history-$1-$TAG_EVERY-$gen_key
    fixture "$dir" gen_history "$1" "$TAG_EVERY"
    printf '%s\n' "$dir"
}
small_repo=$(history "$SMALL")
large_repo=$(history "$LARGE")
hooks_dir=$CACHE/hooks-$HOOK_COMMITS-$gen_key
fixture "$hooks_dir" gen_history "$HOOK_COMMITS" "$TAG_EVERY"
gen_workspace() { bash "$here/gen-workspace.sh" "$1" "$2"; }
pristine=$CACHE/workspace-$CRATES-$ws_key
fixture "$pristine" gen_workspace "$CRATES"

# --- results bookkeeping --------------------------------------------------------------------
rows=$tmp/rows.tsv
: >"$rows"
# row AREA KEY LABEL JSON [TARGET]: one table row; JSON is hyperfine's export holding a command
# named LABEL, or "-" with a reason in NOTE (see skip). KEY "floor" marks the area's floor.
row() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "${5-}" >>"$rows"; }
skip() { printf '%s\t%s\t%s\t-\t\t%s\n' "$1" "$2" "$3" "$4" >>"$rows"; }
q() { printf '%q' "$1"; } # quote a word for hyperfine's command-line splitting
k() { if (($1 % 1000 == 0)); then printf '%dk' $(($1 / 1000)); else printf '%d' "$1"; fi; }

# hf DIR JSON [hyperfine args...]: runs hyperfine in DIR, exporting JSON; its report goes to stderr.
hf() {
    local dir=$1 json=$2
    shift 2
    (cd -- "$dir" && hyperfine --style basic --export-json "$json" "$@") >&2 ||
        die "hyperfine failed in $dir (a command exited non-zero: see above)"
}

# --- changelog ------------------------------------------------------------------------------
cliff_label="git-cliff --config bench/cliff.toml"
patch_label="cargo-patch changelog --config bench/cliff.toml"
floor_label="git log --format=%H%x00%B"
cliff_cmd="$(q "$cliff") --config $(q "$config")"
patch_cmd="$(q "$CARGO_PATCH") changelog --config $(q "$config")"
floor_cmd="git log --format=%H%x00%B"

# reference N REPO: path of git-cliff's output on REPO (cached), or nothing without git-cliff.
reference() {
    local ref=$CACHE/cliff-$1-$TAG_EVERY-$gen_key-$cfg_key-$GIT_CLIFF_VERSION.md
    if [ ! -f "$ref" ] && [ -z "${why[git-cliff]-}" ]; then
        note "$(k "$1") commits: git-cliff reference output"
        (cd -- "$2" && "$cliff" --config "$config" -o "$ref.partial") 2>"$tmp/cliff.err" ||
            { cat -- "$tmp/cliff.err" >&2; die "git-cliff failed on $2"; }
        mv -- "$ref.partial" "$ref"
    fi
    [ -f "$ref" ] && printf '%s\n' "$ref"
    return 0
}
# check_changelog N REPO: cargo-patch's changelog must equal git-cliff's.
check_changelog() {
    local ref
    ref=$(reference "$1" "$2")
    (cd -- "$2" && "$CARGO_PATCH" changelog --config "$config") >"$tmp/patch.md" 2>"$tmp/patch.err" ||
        { cat -- "$tmp/patch.err" >&2; die "cargo-patch changelog failed on $2"; }
    if [ -z "$ref" ]; then
        note "$(k "$1") commits: changelog NOT checked (git-cliff not installed, no cached output)"
        unchecked+=("changelog $(k "$1")")
    elif cmp -s -- "$ref" "$tmp/patch.md"; then
        note "$(k "$1") commits: changelog identical to git-cliff's ($(wc -l <"$ref") lines)"
    else
        diff -u -- "$ref" "$tmp/patch.md" | head -n 40 >&2 || true
        die "$(k "$1") commits: cargo-patch changelog differs from git-cliff's (diff above)"
    fi
}
unchecked=()

area="changelog $(k "$SMALL")"
check_changelog "$SMALL" "$small_repo"
args=(-n "$floor_label" "$floor_cmd" -n "$patch_label" "$patch_cmd")
[ -n "${why[git-cliff]-}" ] || args+=(-n "$cliff_label" "$cliff_cmd")
hf "$small_repo" "$tmp/changelog-small.json" -N "${runs_changelog[@]}" "${args[@]}"
row "$area" floor "$floor_label" "$tmp/changelog-small.json"
row "$area" patch "$patch_label" "$tmp/changelog-small.json" "git-cliff<=0.5"
if [ -n "${why[git-cliff]-}" ]; then
    skip "$area" git-cliff "$cliff_label" "${why[git-cliff]}"
else
    row "$area" git-cliff "$cliff_label" "$tmp/changelog-small.json"
fi

area="changelog $(k "$LARGE")"
if [ "$mode" = full ] && [ -z "${why[git-cliff]-}" ]; then
    # One timed run, which also writes the reference output the check below compares with.
    (cd -- "$large_repo" && git log --format=%H%x00%B >/dev/null) # warm the page cache
    ref=$CACHE/cliff-$LARGE-$TAG_EVERY-$gen_key-$cfg_key-$GIT_CLIFF_VERSION.md
    note "$(k "$LARGE") commits: git-cliff, one run (about a minute at 100k)"
    hf "$large_repo" "$tmp/changelog-large-cliff.json" -N --runs 1 \
        -n "$cliff_label (1 run)" "$cliff_cmd -o $(q "$ref.partial")"
    mv -- "$ref.partial" "$ref"
fi
check_changelog "$LARGE" "$large_repo"
hf "$large_repo" "$tmp/changelog-large.json" -N "${runs_large[@]}" \
    -n "$floor_label" "$floor_cmd" -n "$patch_label" "$patch_cmd"
row "$area" floor "$floor_label" "$tmp/changelog-large.json"
row "$area" patch "$patch_label" "$tmp/changelog-large.json" "floor<=5"
if [ -n "${why[git-cliff]-}" ]; then
    skip "$area" git-cliff "$cliff_label" "${why[git-cliff]}"
elif [ "$mode" = smoke ]; then
    skip "$area" git-cliff "$cliff_label" "skipped (--smoke)"
else
    row "$area" git-cliff "$cliff_label (1 run)" "$tmp/changelog-large-cliff.json"
fi

# --- hooks: commit-msg, check, pre-push -----------------------------------------------------
hooks_repo=$hooks_dir
last_tag=$(git -C "$hooks_repo" tag --sort=-v:refname | head -n 1)
[ -n "$last_tag" ] || die "no tag in $hooks_repo"
hotfix=hotfix/${last_tag%.0}.1
git -C "$hooks_repo" rev-parse --verify --quiet "refs/heads/$hotfix" >/dev/null || die "no branch $hotfix in $hooks_repo"
git -C "$hooks_repo" checkout -q "$hotfix"
git -C "$hooks_repo" config "branch.$hotfix.patchBase" "$last_tag"
if [ -n "$conventional" ]; then
    printf 'module.exports = { extends: [%s] };\n' "$conventional" >"$hooks_repo/commitlint.config.js"
    grep -qx '/commitlint.config.js' "$hooks_repo/.git/info/exclude" 2>/dev/null ||
        printf '/commitlint.config.js\n' >>"$hooks_repo/.git/info/exclude"
fi
printf 'fix(core): handle empty input\n\nThe parser returned early.\n' >"$tmp/good.txt"
printf 'update some stuff\n' >"$tmp/bad.txt"
printf 'feat(core): a new option\n' >"$tmp/feat.txt"
printf 'refs/heads/%s %s refs/heads/%s %s\n' "$hotfix" "$(git -C "$hooks_repo" rev-parse HEAD)" \
    "$hotfix" 0000000000000000000000000000000000000000 >"$tmp/refs.txt"

# accepts_good NAME CMD...: CMD must accept good.txt and refuse bad.txt (CMD gets the file last).
# cargo-patch failing is fatal; a peer failing loses its row.
answers() {
    local name=$1
    shift
    if ! (cd -- "$hooks_repo" && "$@" "$tmp/good.txt") >"$tmp/ans.out" 2>&1; then
        cat -- "$tmp/ans.out" >&2
        [ "$name" = cargo-patch ] && die "the commit-msg hook refused a good message"
        why[$name]="not timed: refused a good message"
        return 0
    fi
    if (cd -- "$hooks_repo" && "$@" "$tmp/bad.txt") >/dev/null 2>&1; then
        [ "$name" = cargo-patch ] && die "the commit-msg hook accepted a bad message"
        why[$name]="not timed: accepted a bad message"
    fi
}
answers cargo-patch "$CARGO_PATCH" hook commit-msg
if (cd -- "$hooks_repo" && "$CARGO_PATCH" hook commit-msg "$tmp/feat.txt") >/dev/null 2>&1; then
    die "the commit-msg hook accepted feat: on $hotfix"
fi
[ -n "${why[cog]-}" ] || answers cog "$cog" verify --file
[ -n "${why[commitlint]-}" ] || answers commitlint "$commitlint" --edit
(cd -- "$hooks_repo" && "$CARGO_PATCH" check) >"$tmp/ans.out" 2>&1 ||
    { cat -- "$tmp/ans.out" >&2; die "check refused the clean hotfix branch $hotfix"; }
(cd -- "$hooks_repo" && "$CARGO_PATCH" hook pre-push origin /dev/null <"$tmp/refs.txt") >"$tmp/ans.out" 2>&1 ||
    { cat -- "$tmp/ans.out" >&2; die "the pre-push hook refused $hotfix"; }
note "hooks: answers checked (good accepted, bad and feat-on-hotfix refused, $hotfix passes check and pre-push)"

area="commit-msg"
cm_floor="git rev-parse --abbrev-ref HEAD"
cm_patch="cargo-patch hook commit-msg FILE"
cm_cog="cog verify --file FILE"
cm_lint="commitlint --edit FILE"
args=(-n "$cm_floor" "$cm_floor" -n "$cm_patch" "$(q "$CARGO_PATCH") hook commit-msg $(q "$tmp/good.txt")")
[ -n "${why[cog]-}" ] || args+=(-n "$cm_cog" "$(q "$cog") verify --file $(q "$tmp/good.txt")")
[ -n "${why[commitlint]-}" ] || args+=(-n "$cm_lint" "$(q "$commitlint") --edit $(q "$tmp/good.txt")")
hf "$hooks_repo" "$tmp/commit-msg.json" -N "${runs_fast[@]}" "${args[@]}"
row "$area" floor "$cm_floor" "$tmp/commit-msg.json"
row "$area" patch "$cm_patch" "$tmp/commit-msg.json" "floor<=2,cog<1"
for peer in cog commitlint; do
    label=$cm_cog
    [ "$peer" = commitlint ] && label=$cm_lint
    if [ -n "${why[$peer]-}" ]; then skip "$area" "$peer" "$label" "${why[$peer]}"; else row "$area" "$peer" "$label" "$tmp/commit-msg.json"; fi
done

range_label="git diff --numstat $last_tag..HEAD"
area="check ($last_tag..$hotfix)"
hf "$hooks_repo" "$tmp/check.json" -N "${runs_fast[@]}" \
    -n "$range_label" "git diff --numstat $last_tag..HEAD" -n "cargo-patch check" "$(q "$CARGO_PATCH") check"
row "$area" floor "$range_label" "$tmp/check.json"
row "$area" patch "cargo-patch check" "$tmp/check.json" "floor<=3"

area="pre-push ($last_tag..$hotfix)"
pp_label="cargo-patch hook pre-push origin /dev/null <REFLINE"
pp_cmd="$(q "$CARGO_PATCH") hook pre-push origin /dev/null"
if [ "$hf_input" = 1 ]; then
    pp_opts=(-N --input "$tmp/refs.txt")
else
    # hyperfine < 1.16 cannot feed stdin: both commands go through its shell, whose start-up
    # time hyperfine measures and subtracts.
    pp_opts=()
    pp_cmd="$pp_cmd <$(q "$tmp/refs.txt")"
    pp_label="$pp_label (via sh)"
fi
hf "$hooks_repo" "$tmp/pre-push.json" "${pp_opts[@]}" "${runs_fast[@]}" \
    -n "$range_label" "git diff --numstat $last_tag..HEAD" -n "$pp_label" "$pp_cmd"
row "$area" floor "$range_label" "$tmp/pre-push.json"
row "$area" patch "$pp_label" "$tmp/pre-push.json" "floor<=3"

# --- bump -----------------------------------------------------------------------------------
# bump_answer NAME CMD...: CMD, run in a fresh copy of the workspace, must change the manifests.
bump_answer() {
    local name=$1 dir=$tmp/ws-$1 stat
    shift
    cp -a -- "$pristine" "$dir"
    if ! (cd -- "$dir" && "$@") >"$tmp/ans.out" 2>&1; then
        cat -- "$tmp/ans.out" >&2
        [ "$name" = cargo-patch ] && die "cargo-patch bump failed on a fresh copy of the workspace"
        why[$name]="not timed: failed on the workspace"
    else
        stat=$(git -C "$dir" diff --stat | tail -n 1)
        if [ -z "$stat" ]; then
            [ "$name" = cargo-patch ] && die "cargo-patch bump changed nothing: the benchmark would time a no-op"
            why[$name]="not timed: changed nothing"
        else
            note "$name bump on a fresh copy:$stat"
        fi
    fi
    rm -rf -- "$dir"
}
bump_answer cargo-patch "$CARGO_PATCH" bump patch --workspace --allow-dirty
[ -n "${why[set-version]-}" ] || bump_answer set-version cargo set-version --bump patch --workspace

ws=$tmp/ws
cp -a -- "$pristine" "$ws"
area="bump ($CRATES crates)"
b_floor="cargo metadata --no-deps --format-version 1"
b_patch="cargo-patch bump patch --workspace --allow-dirty"
b_peer="cargo set-version --bump patch --workspace"
args=(-n "$b_floor" "$b_floor" -n "$b_patch" "$(q "$CARGO_PATCH") bump patch --workspace --allow-dirty")
[ -n "${why[set-version]-}" ] || args+=(-n "$b_peer" "$b_peer")
# The prepare restores the committed tree before every timed run of every command.
hf "$ws" "$tmp/bump.json" -N "${runs_bump[@]}" --prepare "git -C $(q "$ws") checkout -q -- ." "${args[@]}"
row "$area" floor "$b_floor" "$tmp/bump.json"
row "$area" patch "$b_patch" "$tmp/bump.json" "floor<=2"
if [ -n "${why[set-version]-}" ]; then skip "$area" set-version "$b_peer" "${why[set-version]}"; else row "$area" set-version "$b_peer" "$tmp/bump.json"; fi

# --- process start --------------------------------------------------------------------------
area="process start"
hf "$tmp" "$tmp/start.json" -N "${runs_fast[@]}" -n "true" "true" -n "cargo-patch --version" "$(q "$CARGO_PATCH") --version"
row "$area" floor "true" "$tmp/start.json"
row "$area" patch "cargo-patch --version" "$tmp/start.json"

# --- report ---------------------------------------------------------------------------------
version() { "$@" 2>/dev/null | head -n 1 || true; }
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
[ -n "$cpu" ] || cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)
tools=("$("$CARGO_PATCH" --version)" "$(version hyperfine --version)" "$(version git --version)"
    "$(version cargo --version)")
[ -n "${why[git-cliff]-}" ] || tools+=("$(version "$cliff" --version)")
[ -n "${why[cog]-}" ] || tools+=("$(version "$cog" --version)")
[ -n "${why[commitlint]-}" ] || tools+=("commitlint $(version "$commitlint" --version) (node $(version node --version))")
[ -n "${why[set-version]-}" ] || tools+=("$(version cargo set-version --version)")
missing=()
for peer in git-cliff cog commitlint set-version; do
    case ${why[$peer]-} in "not installed"*) missing+=("$peer") ;; esac
done

{
    printf '# cargo-patch benchmarks (%s run, %s)\n\n' "$mode" "$(date -u +%Y-%m-%dT%H:%MZ)"
    printf -- '- machine: %s; %s CPUs; %s\n' "$(uname -srm)" "$(nproc)" "${cpu:-unknown CPU}"
    printf -- '- tools: %s\n' "$(IFS=';'; printf '%s' "${tools[*]}" | sed 's/;/; /g')"
    printf -- '- fixtures: %s and %s commits (a tag every %s), hooks on %s commits, %s crates\n' \
        "$SMALL" "$LARGE" "$TAG_EVERY" "$HOOK_COMMITS" "$CRATES"
    [ "${#missing[@]}" -eq 0 ] || printf -- '- **not installed:** %s (logs in %s)\n' "${missing[*]}" "$PEERS/logs"
    [ "${#unchecked[@]}" -eq 0 ] || printf -- '- **answers not checked:** %s\n' "${unchecked[*]}"
    printf '\n'
    python3 - "$rows" <<'PY'
import json, re, sys

def fmt(s):
    if s >= 1:
        return f"{s:.2f} s"
    ms = s * 1000
    return f"{ms:.0f} ms" if ms >= 100 else f"{ms:.1f} ms" if ms >= 10 else f"{ms:.2f} ms"

def ratio(x):
    return f"{x:.2f}×" if x < 10 else f"{x:.1f}×"

cache, areas = {}, {}
for line in open(sys.argv[1], encoding="utf-8"):
    area, key, label, path, target, *note = line.rstrip("\n").split("\t")
    median = None
    if path != "-":
        if path not in cache:
            cache[path] = {r["command"]: r["median"] for r in json.load(open(path))["results"]}
        median = cache[path][label]
    areas.setdefault(area, []).append(dict(key=key, label=label, median=median,
                                           target=target, note=note[0] if note else ""))

print("| area | command | median | vs floor | target |")
print("|---|---|---|---|---|")
for area, rows in areas.items():
    by_key = {r["key"]: r for r in rows}
    floor = by_key.get("floor", {}).get("median")
    for r in rows:
        m = r["median"]
        median = fmt(m) if m is not None else r["note"]
        vs = "floor" if r["key"] == "floor" else (ratio(m / floor) if m is not None and floor else "—")
        goals = []
        for ref, op, limit in re.findall(r"([\w-]+)(<=|<)([\d.]+)", r["target"]):
            other = by_key.get(ref)
            name = "floor" if ref == "floor" else other["label"].split()[0] if other else ref
            if op == "<=":
                want = f"≤ {limit}× {name}"
            else:
                want = f"faster than {name}" if float(limit) == 1 else f"< {limit}× {name}"
            if m is None or other is None or other["median"] is None:
                goals.append(f"{want}: n/a ({other['note'] if other else 'no ' + name})")
                continue
            x = m / other["median"]
            ok = x <= float(limit) if op == "<=" else x < float(limit)
            goals.append(f"{want}: {'met' if ok else '**missed**'} ({ratio(x)})")
        print(f"| {area} | `{r['label']}` | {median} | {vs} | {'; '.join(goals)} |")
PY
    printf '\n%s\n' "Medians of hyperfine runs; answers checked before timing; \`vs floor\` = median / the floor row of the same area."
} >"$tmp/results.md"

mkdir -p -- "$(dirname -- "$OUT")"
cp -- "$tmp/results.md" "$OUT"
cat -- "$tmp/results.md"
if [ "${#missing[@]}" -gt 0 ]; then
    note "NOT installed: ${missing[*]} (their rows say so; logs in $PEERS/logs)"
fi
note "$mode run took $(($(date +%s) - started)) s; results written to $OUT"
