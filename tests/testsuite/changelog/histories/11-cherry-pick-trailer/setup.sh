#!/usr/bin/env bash
# Cherry-picks with -x: '(cherry picked from commit <sha>)' trailer (also after a Refs footer), author vs committer dates, body parser, filter_commits = true, sort newest.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$(dirname "$0")/../lib.sh"

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
