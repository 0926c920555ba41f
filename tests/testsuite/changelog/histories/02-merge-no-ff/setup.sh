#!/usr/bin/env bash
# Feature branches merged with --no-ff; tags (annotated and lightweight) on side branches that are merged into main.
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

c "feat: initial skeleton"
git tag v0.1.0
git checkout -q -b feature/login
GIT_AUTHOR_NAME="Bob Builder" GIT_AUTHOR_EMAIL="bob@example.com" c "feat(auth): add login form"
git checkout -q main
c "fix: correct typo in footer"
git checkout -q feature/login
GIT_AUTHOR_NAME="Bob Builder" GIT_AUTHOR_EMAIL="bob@example.com" c "feat(auth): validate password strength"
at v0.2.0-rc.1 "Release candidate cut from the feature branch"
git checkout -q main
c "docs: describe the login flow"
m feature/login "Merge branch 'feature/login'"
c "fix(auth): handle account lockout"
at v0.2.0 "Release 0.2.0"
git checkout -q -b hotfix
GIT_AUTHOR_NAME="Carol Fixer" GIT_AUTHOR_EMAIL="carol@example.com" c "fix: crash on empty session"
git tag v0.2.1
git checkout -q main
c "feat(ui): dark mode"
m hotfix "Merge branch 'hotfix' into main"
c "feat(ui): high-contrast theme"
git checkout -q -b feature/export
c "feat(export): csv export"
c "fix(export): escape quotes"
git checkout -q main
m feature/export "feat(export): merge export feature"
c "chore: bump dependencies"
