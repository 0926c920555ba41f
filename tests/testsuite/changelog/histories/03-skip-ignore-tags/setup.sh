#!/usr/bin/env bash
# skip_tags drops a release's commits, ignore_tags folds a release into the next one, tag_pattern filters out non-matching tags.
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

c "feat: first usable version"
git tag v0.1.0
c "feat(io): streaming reader"
c "fix(io): flush on close"
at v0.2.0-beta.1 "Beta 1 (skipped in the changelog)"
c "fix(io): handle EINTR"
git tag v0.2.0
c "feat(net): tcp transport"
git tag v0.3.0-alpha.1
c "fix(net): reconnect after timeout"
c "chore(release): prepare 0.3.0"
at v0.3.0 "Release 0.3.0"
c "docs: explain transports"
git tag release-2024-01
c "feat(net): udp transport"
c "perf(net): reuse buffers"
git tag v0.4.0
c "fix(net): close sockets on drop"
c "feat: experimental tls"
