#!/usr/bin/env bash
# skip_tags drops a release's commits, ignore_tags folds a release into the next one, tag_pattern filters out non-matching tags.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$(dirname "$0")/../lib.sh"

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
