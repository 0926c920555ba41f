#!/usr/bin/env bash
# split_commits = true: every line of a multi-line message becomes its own commit; lines are processed after the whole message (a skipped first line hides all lines; unconventional lines inherit the group).
# shellcheck source=SCRIPTDIR/../lib.sh
source "$(dirname "$0")/../lib.sh"

c "chore: bootstrap"
c $'feat(parser): support comments\nfix(parser): off-by-one in column numbers\nthis line is not conventional\n\ndocs: mention comments in the guide'
at v0.1.0 "First cut"
c $'Squashed changes from the sprint\n\nfeat(cli): add --verbose\nfeat(cli)!: drop --legacy\n  fix(cli): indented line is not conventional\nperf: faster startup'
c "fix: single-line commit still works"
git tag v0.2.0
c $'refactor(core): split module\nfeat(core): expose Visitor\n\n\n\ntest(core): visitor tests'
c $'fix: one\nfix: two\nfix: one'
c $'chore: sync upstream\nfeat: hidden, the whole message is skipped before splitting'
git tag v0.3.0
c $'feat: unreleased one\nfeat: unreleased two'
