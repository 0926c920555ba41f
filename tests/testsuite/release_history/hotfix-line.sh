#!/usr/bin/env bash
# A unified workspace (engine, published; app, not published) released as v1.2.3 on main.
# release/v1.2 carries a critical fix and v1.2.4; main moves on with a breaking change and
# cherry-picks the critical fix (with `-x`, so its message names the original).
# shellcheck source=SCRIPTDIR/../changelog/boundaries/common.sh
source "$(dirname "$0")/../changelog/boundaries/common.sh"
git init -q -b main .
manifest() {
  printf '[workspace]\nmembers = ["engine", "app"]\nresolver = "2"\n\n[workspace.package]\nversion = "%s"\nedition = "2021"\n' "$1" > Cargo.toml
}
manifest 1.2.3
mkdir -p engine/src app/src
printf '[package]\nname = "engine"\nversion.workspace = true\nedition.workspace = true\n' > engine/Cargo.toml
printf '[package]\nname = "app"\nversion.workspace = true\nedition.workspace = true\npublish = false\n' > app/Cargo.toml
echo "" > engine/src/lib.rs
echo "" > app/src/lib.rs
git add -A
c "feat: first release" engine/src/lib.rs
at v1.2.3
git checkout -q -b release/v1.2
c "fix(parser): reject empty input" engine/src/parser.rs
c "fix: crash on overflow

Severity: critical" engine/src/overflow.rs
crash=$(git rev-parse HEAD)
c "docs: explain limits" README.md
manifest 1.2.4
git add Cargo.toml
c "chore(release): v1.2.4"
at v1.2.4
git checkout -q main
c "feat(app): dark mode" app/src/lib.rs
c "fix: typo in help" app/src/lib.rs
c "feat(engine)!: streaming api

BREAKING CHANGE: Engine::run takes a reader" engine/src/lib.rs
tick
GIT_AUTHOR_DATE="$T" GIT_COMMITTER_DATE="$T" git cherry-pick -x "$crash" >/dev/null
git checkout -q -b hotfix/overflow v1.2.4
