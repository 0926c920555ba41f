#!/usr/bin/env bash
# Non-semver tags (nightly-*, nightly, stable) next to semver ones, and two tags (lightweight+lightweight, annotated+annotated) on one commit; no tag_pattern.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$(dirname "$0")/../lib.sh"

c "feat: first feature"
git tag v1.0.0
c "fix: first fix"
git tag nightly-2024-01-04
c "feat: second feature"
git tag v1.1.0
git tag stable
c "fix: second fix"
at v1.2.0-rc.1 "Release candidate 1 for 1.2.0"
at v1.2.0 "Release 1.2.0 (same commit as rc.1)"
c "feat: third feature"
c "perf: faster"
git tag nightly
c "fix: unreleased fix"
