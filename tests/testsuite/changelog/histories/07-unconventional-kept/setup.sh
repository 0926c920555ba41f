#!/usr/bin/env bash
# filter_unconventional = false with non-conventional commits; commit_parsers with group/default_scope/scope (incl. capture-group replacement); unmatched commits kept (filter_commits = false); sort newest.
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

c "Initial commit"
c "feat: command line skeleton"
c "Add logo"
git tag 0.1.0
c "WIP"
c "feat(core): plugin loader"
c "fix(legacy): keep old flag working"
c "Update README.md"
c "docs(api): describe plugin hooks"
c 'Revert "Add logo"'
git tag 0.2.0
c "fix: plugin loader ignores hidden files"
c "feat: plugin registry"
c "Remove dead code"
git tag 0.3.0
c "random unreleased work"
c "feat(cli): colours"
