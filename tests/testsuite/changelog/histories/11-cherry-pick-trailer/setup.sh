#!/usr/bin/env bash
# Cherry-picks with -x: '(cherry picked from commit <sha>)' trailer (also after a Refs footer), author vs committer dates, body parser, filter_commits = true, sort newest.
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

# pick SHA: cherry-pick with -x at the next tick (author date stays the original one)
pick() { tick; GIT_COMMITTER_DATE="$T" git cherry-pick -x "$1" >/dev/null; }
c "feat: base"
git tag v1.0.0
git checkout -q -b maintenance
w src/html.rs "escape"
c "fix(security): escape HTML output"
escape=$(git rev-parse HEAD)
w src/api.rs "limit"
c $'fix(api): reject oversized payloads\n\nRefs: #9'
oversized=$(git rev-parse HEAD)
c "fix: maintenance-only tweak"
git checkout -q main
c "feat: dashboard"
pick "$escape"
at v1.1.0 "Security release"
c "refactor: internal cleanup"
pick "$oversized"
c "feat(api): pagination"
git tag v1.2.0
c "feat: unreleased work"
c "chore: unmatched, dropped by filter_commits"
