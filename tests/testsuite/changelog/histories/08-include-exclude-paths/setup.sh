#!/usr/bin/env bash
# [git] include_paths / exclude_paths (directory pattern with trailing slash, ** globs, a merge commit judged by its diff against the first parent); every tagged commit touches included paths.
set -euo pipefail
git init -q -b main .
git config commit.gpgsign false
git config tag.gpgsign false
git config tag.forceSignAnnotated false
git config merge.log false
git config core.hooksPath .git/no-hooks
export GIT_EDITOR=true
export GIT_AUTHOR_NAME="Alice Example" GIT_AUTHOR_EMAIL="alice@example.com"
export GIT_COMMITTER_NAME="Alice Example" GIT_COMMITTER_EMAIL="alice@example.com"
n=0
# Every commit/tag advances a fake clock by one day (git-cliff sorts by commit time).
tick() { n=$((n+1)); T="$((1704067200 + n*86400)) +0000"; }
# c MESSAGE [git-commit args...]
c() { tick; GIT_AUTHOR_DATE="$T" GIT_COMMITTER_DATE="$T" git commit -q --allow-empty -m "$1" "${@:2}"; }
# m BRANCH MESSAGE: non-fast-forward merge
m() { tick; GIT_AUTHOR_DATE="$T" GIT_COMMITTER_DATE="$T" git merge -q --no-ff --no-edit -m "$2" "$1"; }
# at TAG MESSAGE [commit]: annotated tag
at() { tick; GIT_COMMITTER_DATE="$T" git tag -a "$1" -m "$2" "${@:3}"; }
# w PATH TEXT: write a file and stage it
w() { mkdir -p "$(dirname "$1")"; printf '%s\n' "$2" >> "$1"; git add "$1"; }

w README.md "# demo"
c "chore: initial commit"
w crates/core/src/lib.rs "pub fn parse() {}"
c "feat(core): add parser"
w README.md "more docs"
c "docs: update README"
w crates/core/tests/parse.rs "#[test] fn t() {}"
c "test(core): parser tests"
w crates/core/src/lib.rs "// eof"
w crates/core/tests/eof.rs "#[test] fn eof() {}"
c "fix(core): handle EOF"
git tag v0.1.0
w crates/cli/src/main.rs "fn main() {}"
c "feat(cli): add command line interface"
w crates/cli/README.md "usage"
c "docs(cli): usage in crate README"
git checkout -q -b feature
w crates/core/src/stream.rs "pub struct Stream;"
c "feat(core): streaming parser"
w .github/workflows/ci.yml "on: push"
c "ci: add workflow"
git checkout -q main
w crates/cli/src/main.rs "// exit code"
c "fix(cli): correct exit code"
m feature "feat(core): merge streaming support"
w crates/cli/Cargo.toml "version = \"0.2.0\""
c "fix(cli): bump version"
at v0.2.0 "Release 0.2.0"
w crates/core/src/lib.rs "// unicode"
c "feat(core): unicode identifiers"
w docs/guide.md "guide"
c "docs: top-level guide"
w crates/cli/src/main.rs "// colours"
c "feat(cli): colour output"
git tag v0.3.0
w crates/core/src/lib.rs "// after"
c "fix(core): crash after release"
w Cargo.toml "[workspace]"
c "build: workspace manifest"
w crates/core/tests/more.rs "// more"
w docs/more.md "more"
c "test: only excluded and outside files"
