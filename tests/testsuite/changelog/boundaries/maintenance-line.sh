#!/usr/bin/env bash
# main carries v1.0.0, v1.1.0 and v2.0.0; release/v1.1 branches from v1.1.0 and carries v1.1.1,
# tagged after v2.0.0, and then an unreleased fix.
# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "$0")/common.sh"
git init -q -b main .
c "feat: first" src/lib.rs
at v1.0.0
c "fix: early bug" src/lib.rs
c "feat: second feature" src/lib.rs
at v1.1.0
git checkout -q -b release/v1.1
git checkout -q main
c "feat!: new api" src/lib.rs
c "fix: new api edge case" src/lib.rs
at v2.0.0
c "feat: after two" src/lib.rs
git checkout -q release/v1.1
c "fix: backported crash fix" src/lib.rs
at v1.1.1
c "fix: second backport" src/lib.rs
git checkout -q main
