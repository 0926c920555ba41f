#!/usr/bin/env python3
"""Print the versions `cargo patch bump auto --workspace` should plan for a workspace made by
bench/gen-monorepo.py, computed from `git` output alone, without cargo-patch's code.

usage: bench/expected-versions.py DIR      prints `name old new` lines, sorted by name

The rules (README, `bump auto`), for a linear history and members with their own versions:
  - a crate's last release is its highest `{crate}-v{version}` tag not above its manifest's
    version; without one, the newest commit that changed the `version` in its manifest;
  - the crate's changes are the commits after it that change a file it owns (the member with
    the longest directory containing the file);
  - each conventional commit calls for major (breaking), minor (feat) or patch (anything else),
    with Cargo's 0.y.z rules; plain-English commits call for nothing, and so do release commits
    (`chore(release): ...`) unless breaking; a change to the crate's manifest calls for a patch.
"""

import re
import subprocess
import sys
import tomllib

HEADER = re.compile(r"^([A-Za-z]+)(\([^)]*\))?(!)?: \S")
LEVELS = {"patch": 1, "minor": 2, "major": 3}


def git(root, *args):
    return subprocess.run(["git", "-C", root, *args], check=True, capture_output=True, text=True).stdout


def level_of(message, version):
    header = message.split("\n", 1)[0]
    match = HEADER.match(header)
    if not match:
        return 0
    breaking = bool(match.group(3)) or re.search(r"^BREAKING[ -]CHANGE: ", message, re.M) is not None
    if header.startswith("chore(release)") and not breaking:
        return 0
    level = 3 if breaking else 2 if match.group(1) == "feat" else 1
    major, minor, _ = version
    if major == 0 and minor == 0:
        return 1
    if major == 0:
        return {3: 2, 2: 1, 1: 1}[level]
    return level


def apply(version, level):
    major, minor, patch = version
    if level == 3:
        return (major + 1, 0, 0)
    if level == 2:
        return (major, minor + 1, 0)
    return (major, minor, patch + 1)


def parse_version(text):
    return tuple(int(p) for p in text.split("."))


def main():
    root = sys.argv[1]
    workspace = tomllib.loads(git(root, "show", "HEAD:Cargo.toml"))
    dirs = {}
    versions = {}
    for member in workspace["workspace"]["members"]:
        package = tomllib.loads(git(root, "show", f"HEAD:{member}/Cargo.toml"))["package"]
        dirs[package["name"]] = member
        versions[package["name"]] = parse_version(package["version"])
    by_length = sorted(dirs.items(), key=lambda item: -len(item[1]))

    def owner(path):
        for name, directory in by_length:
            if path.startswith(directory + "/"):
                return name
        return None

    # Linear history, newest first: (id, message, paths).
    log = git(root, "log", "-z", "--format=%x01%H%x02%B%x02", "--name-only")
    commits = []
    for record in log.split("\x01")[1:]:
        commit_id, message, paths = record.split("\x02", 2)
        commits.append((commit_id, message.strip(), [p for p in paths.strip("\n\x00").split("\x00") if p]))
    position = {c[0]: i for i, c in enumerate(commits)}

    # The release each crate counts from: a tag, else the commit that last set its version.
    base = {}
    refs = git(root, "for-each-ref", "refs/tags", "--format=%(refname:short) %(objectname) %(*objectname)")
    for line in refs.splitlines():
        name, target, peeled = (line.split() + [""])[:3]
        match = re.fullmatch(r"(.+)-v(\d+\.\d+\.\d+)", name)
        if not match or match.group(1) not in versions:
            continue
        crate, version = match.group(1), parse_version(match.group(2))
        if version <= versions[crate] and (crate not in base or version > base[crate][0]):
            base[crate] = (version, peeled or target)
    base = {crate: commit for crate, (_, commit) in base.items()}
    diff = git(root, "log", "-p", "--format=%x01%H", "--", *(f"{d}/Cargo.toml" for d in dirs.values()))
    for record in diff.split("\x01")[1:]:
        commit_id = record.split("\n", 1)[0]
        current = None
        for line in record.splitlines():
            if line.startswith("+++ b/"):
                current = owner(line[len("+++ b/") :])
            elif line.startswith("+version = ") and current and current not in base:
                if commit_id != commits[-1][0]:
                    base[current] = commit_id

    for crate in sorted(dirs):
        stop = position.get(base.get(crate), len(commits))
        manifest = f"{dirs[crate]}/Cargo.toml"
        level = 0
        for commit_id, message, paths in commits[:stop]:
            owned = [p for p in paths if owner(p) == crate]
            if not owned:
                continue
            level = max(level, level_of(message, versions[crate]))
            if manifest in owned and crate in base:
                level = max(level, 1)
        if level:
            old = versions[crate]
            new = apply(old, level)
            print(crate, ".".join(map(str, old)), ".".join(map(str, new)))


if __name__ == "__main__":
    main()
