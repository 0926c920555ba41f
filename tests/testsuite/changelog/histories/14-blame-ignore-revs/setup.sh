#!/usr/bin/env bash
# .git-blame-ignore-revs drops a formatting commit in the middle of a release: the commits below
# it still belong to the tag above it (ownership follows the graph, not the kept commits), and a
# commit that changes only the ignore file is dropped too.
set -euo pipefail
git init -q -b main .
export GIT_AUTHOR_NAME="Erin" GIT_AUTHOR_EMAIL="erin@example.com"
export GIT_COMMITTER_NAME="Erin" GIT_COMMITTER_EMAIL="erin@example.com"
n=0
# c MESSAGE: commit a change to src.txt; commit_staged MESSAGE: commit what is staged
commit_staged() { n=$((n+1)); T="$((1704067200 + n*3600)) +0000"; GIT_AUTHOR_DATE="$T" GIT_COMMITTER_DATE="$T" git commit -q -m "$1"; }
c() { echo "$n" >> src.txt; git add src.txt; commit_staged "$1"; }
c "feat: one"
git tag v0.1.0
c "fix: two"
c "feat: three"
c "style: reformat everything"
printf '# formatting only\n%s\n' "$(git rev-parse HEAD)" > .git-blame-ignore-revs
git add .git-blame-ignore-revs
commit_staged "chore: ignore the reformat in blame"
c "fix: four"
git tag v0.2.0
c "feat: five"
