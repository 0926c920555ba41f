#!/usr/bin/env bash
# Generate a synthetic conventional-commit history for benchmarking `cargo patch changelog`.
#
# usage: bench/gen-history.sh COMMITS OUT_DIR [TAG_EVERY]
#
# Writes a fresh git repository at OUT_DIR (which must not exist or be empty) whose `main`
# branch holds COMMITS linear commits, built with one `git fast-import` stream produced by a
# single awk process (100000 commits take about 4 seconds). The output is deterministic: the
# same arguments always give the same commit ids.
#
# Shape:
#   - messages cycle through feat/fix/perf/docs/refactor/chore with scopes; every third commit
#     has a body; every 97th is breaking (`type(scope)!:`, plus a `BREAKING CHANGE:` footer on
#     every other one); every 7th `fix` carries a `Severity: critical` footer;
#   - every commit rewrites one file under crates/<a|b|c>/src/ (so path filters select about
#     a third of the history per crate);
#   - author and committer timestamps strictly increase (one minute apart, UTC);
#   - every TAG_EVERY-th commit (default 500) is a `chore(release): prepare for v0.N.0` commit
#     carrying the annotated tag v0.N.0 (N = 1, 2, ...);
#   - a branch `hotfix/v0.N.1` of 5 `fix` commits forks from the last tag (from the first
#     commit if there is no tag); it is not merged into main. HEAD is main, checked out.
set -euo pipefail

die() {
    printf 'gen-history: error: %s\n' "$*" >&2
    exit 1
}

{ [ "$#" -eq 2 ] || [ "$#" -eq 3 ]; } || die "usage: $0 COMMITS OUT_DIR [TAG_EVERY]"
commits=$1
out=$2
tag_every=${3:-500}
case $commits in '' | *[!0-9]* | 0*) die "COMMITS must be a positive integer, got '$commits'" ;; esac
case $tag_every in '' | *[!0-9]* | 0*) die "TAG_EVERY must be a positive integer, got '$tag_every'" ;; esac
if [ -e "$out" ] && [ -n "$(ls -A -- "$out")" ]; then
    die "'$out' exists and is not empty"
fi

mkdir -p -- "$out"
git init -q -b main -- "$out"
git -C "$out" config user.name "Bench"
git -C "$out" config user.email "bench@example.com"

# The stream is plain ASCII, so awk's length() is the byte count `data` needs.
LC_ALL=C awk -v n="$commits" -v every="$tag_every" '
function data(s) { printf "data %d\n%s\n", length(s), s }
function who(ts) {
    printf "author Bench Author <author@example.com> %d +0000\n", ts
    printf "committer Bench Committer <committer@example.com> %d +0000\n", ts
}
# commit(ref, mark, parent, ts, msg, path, content): parent 0 = continue the branch tip.
function commit(ref, mark, parent, ts, msg, path, content) {
    printf "commit %s\nmark :%d\n", ref, mark
    who(ts)
    data(msg)
    if (parent > 0) printf "from :%d\n", parent
    printf "M 100644 inline %s\n", path
    data(content)
    if (mark == 1) workspace()
}
# The first commit makes the tree a cargo workspace of crates a, b, c sharing one version, so
# the check and the hooks of cargo-patch have manifests to read.
function workspace(   k) {
    printf "M 100644 inline Cargo.toml\n"
    data("[workspace]\nmembers = [\"crates/a\", \"crates/b\", \"crates/c\"]\nresolver = \"2\"\n\n[workspace.package]\nversion = \"0.1.0\"\nedition = \"2021\"\n")
    for (k = 1; k <= 3; k++) {
        printf "M 100644 inline crates/%s/Cargo.toml\n", crates[k]
        data(sprintf("[package]\nname = \"%s\"\nversion.workspace = true\nedition.workspace = true\n", crates[k]))
        printf "M 100644 inline crates/%s/src/lib.rs\n", crates[k]
        data("pub fn f() {}\n")
    }
}
BEGIN {
    split("feat fix perf docs refactor chore", types, " ")
    split("parser cli core config api render", scopes, " ")
    split("a b c", crates, " ")
    split("lib parser render config util", mods, " ")
    split("handle empty input gracefully|support nested sections|avoid a copy per entry|" \
          "document the public api|split the parser into stages|bump dependencies|" \
          "add an option to skip merges|reject invalid versions early|cache compiled patterns|" \
          "clarify the migration guide|rename internal helpers", subj, "|")
    nsubj = 11 # prime to the 6 types, so every type meets every subject
    base = 1600000000
    ts = base
    last_tag = 0
    for (i = 1; i <= n; i++) {
        ts += 60
        crate = crates[(i % 3) + 1]
        mod = mods[(int(i / 3) % 5) + 1]
        path = sprintf("crates/%s/src/%s.rs", crate, mod)
        if (i % every == 0) {
            v = i / every
            msg = sprintf("chore(release): prepare for v0.%d.0\n", v)
            path = sprintf("crates/%s/src/lib.rs", crate) # the version bump
        } else {
            t = types[(i % 6) + 1]
            s = scopes[(int(i / 6) % 6) + 1]
            bang = (i % 97 == 0) ? "!" : ""
            msg = sprintf("%s(%s)%s: %s (#%d)\n", t, s, bang, subj[(i % nsubj) + 1], i)
            if (i % 3 == 0)
                msg = msg sprintf("\nThis change touches %s in crate %s.\nIt is commit number %d of the synthetic history.\n", mod, crate, i)
            foot = ""
            if (bang != "" && i % 2 == 0) foot = foot sprintf("BREAKING CHANGE: the %s %s api changed\n", crate, mod)
            if (t == "fix" && i % 7 == 0) foot = foot "Severity: critical\n"
            if (foot != "") msg = msg "\n" foot
        }
        commit("refs/heads/main", i, 0, ts, msg, path, sprintf("// %s revision %d\npub fn f%d() {}\n", mod, i, i))
        if (i % every == 0) {
            printf "tag v0.%d.0\nfrom :%d\n", v, i
            printf "tagger Bench Tagger <tagger@example.com> %d +0000\n", ts
            data(sprintf("Release v0.%d.0\n", v))
            last_tag = i
            last_v = v
        }
    }
    fork = last_tag > 0 ? last_tag : 1
    branch = last_tag > 0 ? sprintf("refs/heads/hotfix/v0.%d.1", last_v) : "refs/heads/hotfix/initial"
    for (k = 1; k <= 5; k++) {
        ts += 60
        msg = sprintf("fix(core): hotfix step %d (#%d)\n", k, n + k)
        # Each step changes code and its regression test, so the branch keeps the hotfix policy.
        commit(branch, n + k, k == 1 ? fork : 0, ts, msg, "crates/a/src/lib.rs",
               sprintf("pub fn f() -> u32 {\n    %d\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn step_%d() {\n        assert_eq!(super::f(), %d);\n    }\n}\n", k, k, k))
    }
    print "done"
}' |
    # zlib level 0 halves fast-import's time (about 3.5 s instead of 7 s for 100000 commits);
    # the objects are still ordinary zlib streams and the repository config is unchanged.
    git -C "$out" -c core.compression=0 fast-import --quiet --done

# Check out main so the repository looks like a normal clone (HEAD -> refs/heads/main).
git -C "$out" read-tree -u --reset HEAD
