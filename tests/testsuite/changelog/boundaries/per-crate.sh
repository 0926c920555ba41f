#!/usr/bin/env bash
# A two-crate workspace whose release commits touch only RELEASES.md at the root, so a path
# filter removes every tagged commit.
# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "$0")/common.sh"
git init -q -b main .
cat > Cargo.toml <<'TOML'
[workspace]
members = ["crates/a", "crates/b"]
resolver = "2"
TOML
for k in a b; do
  mkdir -p crates/$k/src
  printf '[package]\nname = "%s"\nversion = "0.1.0"\nedition = "2021"\n' "$k" > crates/$k/Cargo.toml
  echo "" > crates/$k/src/lib.rs
done
git add -A
c "chore: workspace"
c "feat(a): parse input" crates/a/src/lib.rs
c "feat(b): render output" crates/b/src/lib.rs
c "chore(release): v0.1.0" RELEASES.md
at v0.1.0
c "fix(a): empty input" crates/a/src/lib.rs
c "fix(b): wide glyphs" crates/b/src/lib.rs
c "feat(a,b): shared options" crates/a/src/lib.rs crates/b/src/lib.rs
c "chore(release): v0.2.0" RELEASES.md
at v0.2.0
c "fix(b): only b" crates/b/src/lib.rs
c "chore(release): v0.2.1" RELEASES.md
at v0.2.1
c "perf(a): faster parse" crates/a/src/lib.rs
