#!/usr/bin/env bash
# Non-semver tags (nightly-*, nightly, stable) next to semver ones, and two tags (lightweight+lightweight, annotated+annotated) on one commit; no tag_pattern.
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

c "feat: first feature"
git tag v1.0.0
c "fix: first fix"
git tag nightly-2024-01-04
c "feat: second feature"
git tag v1.1.0
git tag stable
c "fix: second fix"
at v1.2.0-rc.1 "Release candidate 1 for 1.2.0"
at v1.2.0 "Release 1.2.0 (same commit as rc.1)"
c "feat: third feature"
c "perf: faster"
git tag nightly
c "fix: unreleased fix"
