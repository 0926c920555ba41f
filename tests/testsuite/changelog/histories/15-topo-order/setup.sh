#!/usr/bin/env bash
# Tags whose name order differs from their commit order (`v1.10.0` sorts before `v1.9.0`), a
# release line tagged later than a newer main-line release, for `[git] topo_order = true`.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$(dirname "$0")/../lib.sh"

c "chore: initial commit"
c "feat: first feature"
git tag v1.0.0
c "fix: first fix"
git tag v1.9.0
c "feat: second feature"
c "fix: second fix"
git tag v1.10.0
c "feat: third feature"
at v2.0.0 "Release 2.0.0"
c "fix: unreleased fix"
