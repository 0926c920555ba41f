#!/usr/bin/env bash
# protect_breaking_commits with skip parsers; breaking via ! and BREAKING CHANGE footer; commit.footers, breaking_description, footer/body parsers (Severity: critical).
# shellcheck source=SCRIPTDIR/../lib.sh
source "$(dirname "$0")/../lib.sh"

c "feat: base functionality"
git tag v1.0.0
c "chore!: drop Node 16 support"
c "chore(deps): bump serde to 1.0.200"
c $'ci: rework pipeline\n\nBREAKING CHANGE: release artifacts are now signed'
c $'fix(auth): reject expired tokens\n\nTokens older than the configured TTL were accepted.\n\nSeverity: critical\nRefs: #42'
c $'feat(api)!: remove v1 endpoints\n\nBREAKING CHANGE: clients must migrate to /v2'
GIT_AUTHOR_NAME="Bob Builder" GIT_AUTHOR_EMAIL="bob@example.com" c $'fix: typo in error message\n\nSigned-off-by: Bob Builder <bob@example.com>\nReviewed-by: Alice Example <alice@example.com>'
at v2.0.0 $'Version 2.0.0\n\nBig breaking release.'
c $'docs: write threat model\n\nThis documents the security assumptions.'
c $'fix(db): retry on deadlock\n\nSeverity: low'
c "test!: remove the flaky integration suite"
c "style: reformat"
git tag v2.1.0
c "chore: tidy up"
c $'perf(db)!: new index layout\n\nBREAKING-CHANGE: a reindex is required\nCloses #77'
