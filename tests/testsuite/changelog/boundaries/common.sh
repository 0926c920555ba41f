#!/usr/bin/env bash
# Shared helpers for the boundary histories: a fake clock (one hour per commit or tag) and
# commits that write files.
set -euo pipefail
export GIT_AUTHOR_NAME="Dana Dev" GIT_AUTHOR_EMAIL="dana@example.com"
export GIT_COMMITTER_NAME="Dana Dev" GIT_COMMITTER_EMAIL="dana@example.com"
n=0
tick() { n=$((n+1)); T="$((1704067200 + n*3600)) +0000"; }
# c MESSAGE [FILE...]: commit, writing a line to each FILE
c() {
  local msg=$1; shift
  for f in "$@"; do mkdir -p "$(dirname "$f")"; echo "$n $msg" >> "$f"; git add "$f"; done
  tick; GIT_AUTHOR_DATE="$T" GIT_COMMITTER_DATE="$T" git commit -q --allow-empty -m "$msg"
}
# at TAG: annotated tag on HEAD
at() { tick; GIT_COMMITTER_DATE="$T" git tag -a "$1" -m "Release $1"; }
