#!/usr/bin/env bash
# Feature branches merged with --no-ff; tags (annotated and lightweight) on side branches that are merged into main.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$(dirname "$0")/../lib.sh"

c "feat: initial skeleton"
git tag v0.1.0
git checkout -q -b feature/login
GIT_AUTHOR_NAME="Bob Builder" GIT_AUTHOR_EMAIL="bob@example.com" c "feat(auth): add login form"
git checkout -q main
c "fix: correct typo in footer"
git checkout -q feature/login
GIT_AUTHOR_NAME="Bob Builder" GIT_AUTHOR_EMAIL="bob@example.com" c "feat(auth): validate password strength"
at v0.2.0-rc.1 "Release candidate cut from the feature branch"
git checkout -q main
c "docs: describe the login flow"
m feature/login "Merge branch 'feature/login'"
c "fix(auth): handle account lockout"
at v0.2.0 "Release 0.2.0"
git checkout -q -b hotfix
GIT_AUTHOR_NAME="Carol Fixer" GIT_AUTHOR_EMAIL="carol@example.com" c "fix: crash on empty session"
git tag v0.2.1
git checkout -q main
c "feat(ui): dark mode"
m hotfix "Merge branch 'hotfix' into main"
c "feat(ui): high-contrast theme"
git checkout -q -b feature/export
c "feat(export): csv export"
c "fix(export): escape quotes"
git checkout -q main
m feature/export "feat(export): merge export feature"
c "chore: bump dependencies"
