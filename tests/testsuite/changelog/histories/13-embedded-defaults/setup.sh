#!/usr/bin/env bash
# Deliberately minimal cliff.toml: git-cliff layers it over its embedded default config, so body (commit_groups filter), commit_parsers, trim, render_always and topo_order_commits come from the defaults.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$(dirname "$0")/../lib.sh"

c "feat: initial feature"
c "chore(deps): bump tokio"
c "style: rustfmt"
c "chore(release): prepare for v1.0.0"
git tag v1.0.0
git checkout -q -b contributor/feature
GIT_AUTHOR_NAME="Dana Contributor" GIT_AUTHOR_EMAIL="dana@example.com" c "feat(parser): accept tabs"
GIT_AUTHOR_NAME="Dana Contributor" GIT_AUTHOR_EMAIL="dana@example.com" c $'fix: sanitize paths\n\nPrevents a security issue with ../ segments.'
git checkout -q main
c "ci: cache cargo registry"
m contributor/feature "Merge pull request #12 from contributor/feature"
c 'revert: "style: rustfmt"'
c "Tweak wording"
git tag v1.1.0
c "test: more coverage"
c "chore(pr): pr template"
c "refactor!: new module layout"
