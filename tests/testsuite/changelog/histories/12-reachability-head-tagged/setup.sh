#!/usr/bin/env bash
# Release assignment by graph reachability: a maintenance tag on a branch forked before a newer main tag (merged later), a feature commit older than a main tag merged after it; HEAD itself is tagged (empty unreleased, --tag on a tagged HEAD); render_always = true; sort newest.
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

c "feat: root"
git tag v1.0.0
git checkout -q -b maint
c "fix: backport A"
git checkout -q main
c "feat: main A"
git tag v1.1.0
git checkout -q maint
c "fix: backport B"
at v1.0.1 "Maintenance release"
git checkout -q main
c "feat: main B"
m maint "Merge branch 'maint'"
c "fix: after merge"
git tag v1.2.0
git checkout -q -b feature
c "feat(ui): widget"
git checkout -q main
c "fix: typo"
at v1.3.0 $'Release 1.3.0\n\n* typo fixed\n* more to come'
git checkout -q feature
c "feat(ui): widget polish"
git checkout -q main
m feature "feat(ui): merge widget"
git tag v1.4.0
