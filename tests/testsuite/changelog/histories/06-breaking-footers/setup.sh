#!/usr/bin/env bash
# protect_breaking_commits with skip parsers; breaking via ! and BREAKING CHANGE footer; commit.footers, breaking_description, footer/body parsers (Severity: critical).
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

c "feat: base functionality"
git tag v1.0.0
c "chore!: drop Node 16 support"
c "chore(deps): bump serde to 1.0.200"
c $'ci: rework pipeline\n\nBREAKING CHANGE: release artifacts are now signed'
c $'fix(auth): reject expired tokens\n\nTokens older than the configured TTL were accepted.\n\nSeverity: critical\nRefs: #42'
c $'feat(api)!: remove v1 endpoints\n\nBREAKING CHANGE: clients must migrate to /v2'
GIT_AUTHOR_NAME="Bob Builder" GIT_AUTHOR_EMAIL="bob@example.com" c $'fix: typo in error message\n\nSigned-off-by: Bob Builder <bob@example.com>\nReviewed-by: Alice Example <alice@example.com>'
at v2.0.0 $'Version 2.0.0\n\nBig breaking release.'
c $'docs: write threat model\n\nThis documents the security assumptions.'
c $'fix(db): retry on deadlock\n\nSeverity: low'
c "test!: remove the flaky integration suite"
c "style: reformat"
git tag v2.1.0
c "chore: tidy up"
c $'perf(db)!: new index layout\n\nBREAKING-CHANGE: a reindex is required\nCloses #77'
