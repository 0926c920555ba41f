#!/usr/bin/env bash
# Linear history: annotated and lightweight tags, groups, scopes, breaking changes (! and BREAKING CHANGE footer).
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

c "chore: initial commit"
c "feat(core): add expression parser"
c "fix(core): handle empty input"
c "docs: write the README"
at v0.1.0 $'Release 0.1.0\n\nFirst public release.'
c "feat(cli)!: rename --out to --output"
c $'refactor: simplify config loading\n\nThe loader now reads the file once.\n\nBREAKING CHANGE: config files must be UTF-8'
c "perf(core): cache parsed tokens"
GIT_AUTHOR_NAME="Bob Builder" GIT_AUTHOR_EMAIL="bob@example.com" c "fix: typo in help text"
git tag v0.2.0
c "feat(api): add /health endpoint"
c "test(api): cover /health"
c "ci: add workflow"
c "feat(api): add /version endpoint"
at v1.0.0 "Release 1.0.0"
c "fix(api): off-by-one in pagination"
GIT_AUTHOR_NAME="Bob Builder" GIT_AUTHOR_EMAIL="bob@example.com" c "feat: add --quiet flag"
