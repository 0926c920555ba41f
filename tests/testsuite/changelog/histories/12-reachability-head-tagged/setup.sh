#!/usr/bin/env bash
# Release assignment by graph reachability: a maintenance tag on a branch forked before a newer main tag (merged later), a feature commit older than a main tag merged after it; HEAD itself is tagged (empty unreleased, --tag on a tagged HEAD); render_always = true; sort newest.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$(dirname "$0")/../lib.sh"

c "feat: root"
git tag v1.0.0
git checkout -q -b maint
c "fix: backport A"
git checkout -q main
c "feat: main A"
git tag v1.1.0
git checkout -q maint
c "fix: backport B"
at v1.0.1 "Maintenance release"
git checkout -q main
c "feat: main B"
m maint "Merge branch 'maint'"
c "fix: after merge"
git tag v1.2.0
git checkout -q -b feature
c "feat(ui): widget"
git checkout -q main
c "fix: typo"
at v1.3.0 $'Release 1.3.0\n\n* typo fixed\n* more to come'
git checkout -q feature
c "feat(ui): widget polish"
git checkout -q main
m feature "feat(ui): merge widget"
git tag v1.4.0
