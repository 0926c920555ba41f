#!/usr/bin/env python3
"""Generate a big cargo workspace with a long history, for benchmarking the history commands
(`bump auto`, `status`, `notes -p`, `changelog -p`).

usage: bench/gen-monorepo.py SHAPE DIR

SHAPE is one of the two shapes measured on real public workspaces:

  flat    90 crates, 12,000 commits touching random crates, no per-crate tags: each crate's
          last release is the commit that last changed its version (a release commit every
          ~150 commits bumps the crates changed since), and a workspace tag `vN.0.0` (which no
          unit reads) every 2,000 commits;
  tagged  70 crates, 16,000 commits, a release commit every ~38 commits that bumps up to 8 of
          the crates changed since their last release and tags each `{crate}-v{version}`
          (annotated), about 3,400 tags in all.

Both: every 7th crate is dormant (released in the first fifth of history only, touched after)
and three are never released (so they count from the first commit); members under `crates/`, three of them nested inside another member's directory (so a
path's owner is the longest member directory containing it); commits are conventional
(feat/fix/perf/docs/refactor/test/chore with scopes, about 1 in 300 breaking, some with a body,
some `BREAKING CHANGE:` footers followed by a sign-off), with plain-English ones and commits that
touch only root files (README, CI) in between; about 1 in 60 commits edits a crate's manifest
without changing its version. History is linear, timestamps one minute apart.

Built with one `git fast-import` stream (seconds, not minutes). Deterministic: the same SHAPE
always gives the same commit ids. HEAD is `main`, checked out.
"""

import os
import random
import subprocess
import sys

SHAPES = {
    "flat": {"crates": 90, "commits": 12000, "release_every": 150, "tagged": False, "max_released": 40},
    "tagged": {"crates": 70, "commits": 16000, "release_every": 38, "tagged": True, "max_released": 8},
}
TYPES = ["feat", "fix", "fix", "fix", "perf", "docs", "refactor", "test", "chore", "feat"]
WORDS = "parser cache lexer io api cli config index tree graph render sync net store".split()
EPOCH = 1_600_000_000


def die(message):
    sys.stderr.write(f"gen-monorepo: error: {message}\n")
    sys.exit(1)


class Stream:
    """Writes a fast-import stream."""

    def __init__(self, out):
        self.out = out
        self.mark = 0

    def data(self, text):
        raw = text.encode()
        self.out.write(b"data %d\n" % len(raw))
        self.out.write(raw)
        self.out.write(b"\n")

    def commit(self, time, message, files):
        self.mark += 1
        ident = f"Bench <bench@example.invalid> {time} +0000"
        self.out.write(f"commit refs/heads/main\nmark :{self.mark}\nauthor {ident}\ncommitter {ident}\n".encode())
        self.data(message)
        if self.mark > 1:
            self.out.write(f"from :{self.mark - 1}\n".encode())
        for path, text in files:
            self.out.write(f"M 100644 inline {path}\n".encode())
            self.data(text)
        return self.mark

    def tag(self, name, mark, time, message):
        self.out.write(f"tag {name}\nfrom :{mark}\ntagger Bench <bench@example.invalid> {time} +0000\n".encode())
        self.data(message)


def manifest(name, version, notes):
    lines = ["[package]", f'name = "{name}"', f'version = "{version}"', "edition.workspace = true"]
    lines += [f"# {note}" for note in notes]
    return "\n".join(lines) + "\n"


def message(rng, scope, n):
    kind = rng.choice(TYPES)
    roll = rng.randrange(300)
    bang = "!" if roll == 0 else ""
    header = f"{kind}({scope}){bang}: change {rng.choice(WORDS)} #{n}"
    if roll == 1:
        return f"{header}\n\nWhy it changed.\n\nBREAKING CHANGE: the {rng.choice(WORDS)} api moved\n\nSigned-off-by: Bench <bench@example.invalid>\n"
    if rng.randrange(3) == 0:
        return f"{header}\n\nA body explaining commit {n}.\n"
    return header + "\n"


def bump(version, rng):
    major, minor, patch = (int(p) for p in version.split("."))
    roll = rng.randrange(10)
    if roll == 0:
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def generate(shape, out):
    rng = random.Random(f"cargo-patch-{shape['crates']}-{shape['commits']}")
    n = shape["crates"]
    names = [f"c{i:02d}" for i in range(1, n + 1)]
    # Three nested members: crates/cNN/plugin holds its own crate.
    nested = {names[-1 - k]: names[k] for k in range(3)}
    dirs = {}
    for name in names:
        parent = nested.get(name)
        dirs[name] = f"crates/{parent}/plugin" if parent else f"crates/{name}"
    versions = {name: ("1.0.0" if i % 3 == 0 else "0.1.0") for i, name in enumerate(names)}
    notes = {name: [] for name in names}
    dormant = set(names[6::7])
    never = set(names[3:6])
    members = ",\n".join(f'    "{dirs[name]}"' for name in names)
    root = f'[workspace]\nresolver = "2"\nmembers = [\n{members},\n]\n\n[workspace.package]\nedition = "2021"\n'
    files = [("Cargo.toml", root), (".gitignore", "/target\n"), ("README.md", "# bench\n")]
    for name in names:
        files.append((f"{dirs[name]}/Cargo.toml", manifest(name, versions[name], [])))
        files.append((f"{dirs[name]}/src/lib.rs", f"pub fn id() -> &'static str {{ \"{name}\" }}\n"))
    stream = Stream(out)
    time = EPOCH
    stream.commit(time, "chore: initial workspace\n", files)
    changed_since = set()
    weights = [1.0 / (1 + i % 17) for i in range(n)]
    tags = 0
    for number in range(2, shape["commits"] + 1):
        time += 60
        if number % shape["release_every"] == 0 and changed_since:
            # Dormant crates (every 7th) are released in the first fifth of history only, and
            # three are never released, so some crates count from far back or from the start.
            early = number < shape["commits"] // 5
            released = sorted(c for c in changed_since if (early or c not in dormant) and c not in never)
            rng.shuffle(released)
            released = sorted(released[: shape["max_released"]])
            files = []
            for name in released:
                versions[name] = bump(versions[name], rng)
                files.append((f"{dirs[name]}/Cargo.toml", manifest(name, versions[name], notes[name])))
                changed_since.discard(name)
            if shape["tagged"]:
                header = "chore(release): " + ", ".join(f"{c}-v{versions[c]}" for c in released)
            else:
                header = "chore(release): publish " + ", ".join(released)
            mark = stream.commit(time, header + "\n", files)
            if shape["tagged"]:
                for name in released:
                    stream.tag(f"{name}-v{versions[name]}", mark, time, f"{name} {versions[name]}\n")
                    tags += 1
            continue
        if not shape["tagged"] and number % 2000 == 0:
            # A workspace-wide tag that is no unit's release.
            stream.tag(f"v{number // 2000}.0.0", stream.mark, time, f"snapshot {number}\n")
        roll = rng.randrange(40)
        if roll == 0:
            stream.commit(time, f"Update README.md (#{number})\n", [("README.md", f"# bench\n\nrev {number}\n")])
            continue
        if roll == 1:
            stream.commit(time, f"ci: adjust workflow #{number}\n", [(".github/workflows/ci.yml", f"# {number}\n")])
            continue
        touched = sorted(set(rng.choices(names, weights=weights, k=rng.choice([1, 1, 1, 2, 3]))))
        files = []
        for name in touched:
            if rng.randrange(60) == 0:
                notes[name].append(f"note {number}")
                files.append((f"{dirs[name]}/Cargo.toml", manifest(name, versions[name], notes[name])))
            else:
                files.append((f"{dirs[name]}/src/m{rng.randrange(8)}.rs", f"// rev {number}\n"))
            changed_since.add(name)
        if roll == 2:
            text = f"Fix typo in {touched[0]} (#{number})\n"
        else:
            text = message(rng, touched[0], number)
        stream.commit(time, text, files)
    return tags


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in SHAPES:
        die(f"usage: {sys.argv[0]} {{{'|'.join(SHAPES)}}} DIR")
    shape, out = SHAPES[sys.argv[1]], sys.argv[2]
    if os.path.exists(out) and os.listdir(out):
        die(f"'{out}' exists and is not empty")
    os.makedirs(out, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", "--", out], check=True)
    importer = subprocess.Popen(["git", "-C", out, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    tags = generate(shape, importer.stdin)
    importer.stdin.close()
    if importer.wait() != 0:
        die("git fast-import failed")
    subprocess.run(["git", "-C", out, "checkout", "-q", "-f", "main"], check=True)
    subprocess.run(["git", "-C", out, "gc", "-q"], check=True)
    sys.stderr.write(f"gen-monorepo: {shape['crates']} crates, {shape['commits']} commits, {tags} crate tags in {out}\n")


if __name__ == "__main__":
    main()
