#!/usr/bin/env bash
# commit_preprocessors (regex replace, incl. turning non-conventional subjects into conventional ones), unicode messages and author names, sort_commits = newest.
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

c "feat: initial import (#1)"
c "Feature: add teh config loader (#2)"
git tag v1.0.0
GIT_AUTHOR_NAME="Zoë Ünïcødé" GIT_AUTHOR_EMAIL="zoe@example.com" c "feat(i18n): add 日本語 translations (#3)"
c "fix: handle emoji 🎉 in user names [skip ci]"
c "Bugfix: teh parser drops trailing ✓ marks (#4)"
c "docs: café menu — naïve façade"
at v1.1.0 $'Version 1.1.0 — «Ünïcode»\n\nThanks to Zoë.'
c "feat(ui): 🚀 faster startup (#5)"
c "random commit that is not conventional"
c "fix(i18n): Ελληνικά plural forms (#6)"
git tag v1.2.0
c "feat: ✨ sparkles (#7) [skip ci]"
