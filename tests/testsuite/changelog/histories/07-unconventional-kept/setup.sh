#!/usr/bin/env bash
# filter_unconventional = false with non-conventional commits; commit_parsers with group/default_scope/scope (incl. capture-group replacement); unmatched commits kept (filter_commits = false); sort newest.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$(dirname "$0")/../lib.sh"

c "Initial commit"
c "feat: command line skeleton"
c "Add logo"
git tag 0.1.0
c "WIP"
c "feat(core): plugin loader"
c "fix(legacy): keep old flag working"
c "Update README.md"
c "docs(api): describe plugin hooks"
c 'Revert "Add logo"'
git tag 0.2.0
c "fix: plugin loader ignores hidden files"
c "feat: plugin registry"
c "Remove dead code"
git tag 0.3.0
c "random unreleased work"
c "feat(cli): colours"
