"""Fail when the notebooks' kernel built a dependency version that the project's Cargo.lock
does not hold.

evcxr writes its own Cargo.toml in its build folder; left alone, cargo resolves the crate graph
afresh there and picks the newest releases, which nobody tested. The kernel's evcxr is patched
(scripts/install_evcxr.sh) to start each dependency set from the project's Cargo.lock (cargo
then keeps its versions and drops the packages the notebooks do not use). This check reads every build folder's Cargo.lock (the
first slot and FOLDER-1, FOLDER-2, ...) and names each package whose version or source is not
in the project's lock.

    python scripts/check_kernel_lock.py PROJECT_LOCK BUILD_FOLDER
    python scripts/check_kernel_lock.py PROJECT_LOCK KERNEL_JSON   # its EVCXR_TMPDIR

Given the kernelspec, only the build folders a kernel used since the kernelspec was written
(`make setup` writes it) are checked: a slot left by an older run is re-seeded from the lock
when a kernel next takes it.
    python scripts/check_kernel_lock.py --self-test      # proves the check can fail

Exit status: 0 when every build folder matches, 1 with one line per drift, 2 on bad usage.
"""

import json
import sys
import tempfile
import tomllib
from pathlib import Path

# The package evcxr writes for the cells; it is not in the project's lock by design.
CELL_CRATE = "ctx"


def locked_packages(lock: Path) -> set:
    """(name, version, source) of every package a Cargo.lock holds."""
    data = tomllib.loads(lock.read_text(encoding="utf-8"))
    return {(p["name"], p["version"], p.get("source", "path")) for p in data.get("package", [])}


def build_folders(first: Path, since: float = 0.0) -> list:
    """The first build folder and its numbered siblings (scripts/evcxr_kernel.sh's slots)
    whose lock was written at or after `since` (a time stamp)."""
    siblings = sorted(first.parent.glob(first.name + "-[0-9]*"))
    return [
        d
        for d in [first, *siblings]
        if d.is_dir() and (d / "Cargo.lock").is_file() and (d / "Cargo.lock").stat().st_mtime >= since
    ]


def drifts(project_lock: Path, folder: Path) -> list:
    """One line per package in `folder`'s lock that the project's lock lacks."""
    project = locked_packages(project_lock)
    by_name = {}
    for name, version, _ in project:
        by_name.setdefault(name, []).append(version)
    lines = []
    for name, version, source in sorted(locked_packages(folder / "Cargo.lock")):
        if name == CELL_CRATE or (name, version, source) in project:
            continue
        locked = ", ".join(sorted(by_name.get(name, []))) or "not in the lock"
        lines.append(f"{folder}: {name} {version} ({source}); the project locks {locked}")
    return lines


def self_test() -> int:
    """A drifted copy of a lock must be reported; an exact copy must not."""
    lock = '''version = 4

[[package]]
name = "ml-workflow"
version = "0.1.0"
dependencies = ["zerocopy"]

[[package]]
name = "zerocopy"
version = "0.8.27"
source = "registry+https://github.com/rust-lang/crates.io-index"
'''
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp, "Cargo.lock")
        project.write_text(lock, encoding="utf-8")
        folder = Path(tmp, "evcxr")
        folder.mkdir()
        (folder / "Cargo.lock").write_text(lock, encoding="utf-8")
        if drifts(project, folder):
            print("check_kernel_lock --self-test: an identical lock was reported", file=sys.stderr)
            return 1
        (folder / "Cargo.lock").write_text(lock.replace("0.8.27", "0.8.66"), encoding="utf-8")
        found = drifts(project, folder)
        if len(found) != 1 or "zerocopy 0.8.66" not in found[0] or "0.8.27" not in found[0]:
            print(f"check_kernel_lock --self-test: a drift was not reported: {found}", file=sys.stderr)
            return 1
    print("check_kernel_lock --self-test: a drifted version is reported, an exact copy is not")
    return 0


def main(argv: list) -> int:
    if argv == ["--self-test"]:
        return self_test()
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    project_lock, first = Path(argv[0]), Path(argv[1])
    since = 0.0
    if first.name == "kernel.json":
        since = first.stat().st_mtime
        first = Path(json.loads(first.read_text(encoding="utf-8"))["env"]["EVCXR_TMPDIR"])
    folders = build_folders(first, since)
    if not folders:
        print(f"check_kernel_lock: no build folder with a Cargo.lock at {first}", file=sys.stderr)
        return 1
    found = [line for folder in folders for line in drifts(project_lock, folder)]
    for line in found:
        print(f"check_kernel_lock: {line}", file=sys.stderr)
    if found:
        return 1
    names = ", ".join(str(f) for f in folders)
    print(f"check_kernel_lock: every version the kernel built is in {project_lock} ({names})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
