#!/usr/bin/env bash
# commit_preprocessors (regex replace, incl. turning non-conventional subjects into conventional ones), unicode messages and author names, sort_commits = newest.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$(dirname "$0")/../lib.sh"

c "feat: initial import (#1)"
c "Feature: add teh config loader (#2)"
git tag v1.0.0
GIT_AUTHOR_NAME="Zoë Ünïcødé" GIT_AUTHOR_EMAIL="zoe@example.com" c "feat(i18n): add 日本語 translations (#3)"
c "fix: handle emoji 🎉 in user names [skip ci]"
c "Bugfix: teh parser drops trailing ✓ marks (#4)"
c "docs: café menu — naïve façade"
at v1.1.0 $'Version 1.1.0 — «Ünïcode»\n\nThanks to Zoë.'
c "feat(ui): 🚀 faster startup (#5)"
c "random commit that is not conventional"
c "fix(i18n): Ελληνικά plural forms (#6)"
git tag v1.2.0
c "feat: ✨ sparkles (#7) [skip ci]"
