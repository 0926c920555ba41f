#!/usr/bin/env bash
# Repository without any tag: everything is unreleased; --tag gives the unreleased commits a version.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$(dirname "$0")/../lib.sh"

c "chore: initial commit"
c "feat: hello world"
GIT_AUTHOR_NAME="Bob Builder" GIT_AUTHOR_EMAIL="bob@example.com" c "fix(hello): trailing newline"
c "feat(hello)!: greet by name"
c "not a conventional commit"
c "docs: README"
