#!/usr/bin/env bash
# The test command: provisions the external tools into `.tools/` (scripts/test-tools.sh), puts
# `.tools/bin` first on PATH, then runs the whole suite. Arguments go to `cargo test`, e.g.
# `scripts/test.sh --test testsuite changelog` runs one group.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/test-tools.sh"
PATH="$root/.tools/bin:$PATH"
export PATH
cd "$root"
exec cargo test --locked "$@"
