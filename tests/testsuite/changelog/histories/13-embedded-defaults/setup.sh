#!/usr/bin/env bash
# Deliberately minimal cliff.toml: git-cliff layers it over its embedded default config, so body (commit_groups filter), commit_parsers, trim, render_always and topo_order_commits come from the defaults.
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

c "feat: initial feature"
c "chore(deps): bump tokio"
c "style: rustfmt"
c "chore(release): prepare for v1.0.0"
git tag v1.0.0
git checkout -q -b contributor/feature
GIT_AUTHOR_NAME="Dana Contributor" GIT_AUTHOR_EMAIL="dana@example.com" c "feat(parser): accept tabs"
GIT_AUTHOR_NAME="Dana Contributor" GIT_AUTHOR_EMAIL="dana@example.com" c $'fix: sanitize paths\n\nPrevents a security issue with ../ segments.'
git checkout -q main
c "ci: cache cargo registry"
m contributor/feature "Merge pull request #12 from contributor/feature"
c 'revert: "style: rustfmt"'
c "Tweak wording"
git tag v1.1.0
c "test: more coverage"
c "chore(pr): pr template"
c "refactor!: new module layout"
