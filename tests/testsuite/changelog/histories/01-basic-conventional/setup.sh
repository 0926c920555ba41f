#!/usr/bin/env bash
# Linear history: annotated and lightweight tags, groups, scopes, breaking changes (! and BREAKING CHANGE footer).
# shellcheck source=SCRIPTDIR/../lib.sh
source "$(dirname "$0")/../lib.sh"

c "chore: initial commit"
c "feat(core): add expression parser"
c "fix(core): handle empty input"
c "docs: write the README"
at v0.1.0 $'Release 0.1.0\n\nFirst public release.'
c "feat(cli)!: rename --out to --output"
c $'refactor: simplify config loading\n\nThe loader now reads the file once.\n\nBREAKING CHANGE: config files must be UTF-8'
c "perf(core): cache parsed tokens"
GIT_AUTHOR_NAME="Bob Builder" GIT_AUTHOR_EMAIL="bob@example.com" c "fix: typo in help text"
git tag v0.2.0
c "feat(api): add /health endpoint"
c "test(api): cover /health"
c "ci: add workflow"
c "feat(api): add /version endpoint"
at v1.0.0 "Release 1.0.0"
c "fix(api): off-by-one in pagination"
GIT_AUTHOR_NAME="Bob Builder" GIT_AUTHOR_EMAIL="bob@example.com" c "feat: add --quiet flag"
