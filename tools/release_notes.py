"""The CHANGELOG section of one release, as its release notes.

    python tools/release_notes.py VERSION      print the section ``## VERSION``
    python tools/release_notes.py --check TAG  also check that TAG is ``v`` + the version in
                                               pyproject.toml (the one place it is written)

Used by the release workflow (.github/workflows/release.yml); it fails when the section is
missing or empty, so nothing is published without notes.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def project_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as file:
        version = tomllib.load(file)["project"]["version"]
    assert isinstance(version, str)
    return version


def section(changelog: str, version: str) -> str | None:
    """The text under ``## <version>`` (a date or a note may follow on that line), up to the
    next ``## `` heading."""
    match = re.search(rf"^## {re.escape(version)}\b.*$", changelog, flags=re.MULTILINE)
    if match is None:
        return None
    rest = changelog[match.end() :]
    following = re.search(r"^## ", rest, flags=re.MULTILINE)
    body = rest[: following.start()] if following else rest
    return body.strip() or None


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--check":
        version = project_version()
        if argv[1] != f"v{version}":
            print(f"the tag {argv[1]} is not v{version}, the version in pyproject.toml", file=sys.stderr)
            return 1
    elif len(argv) == 1:
        version = argv[0]
    else:
        print(__doc__, file=sys.stderr)
        return 2
    notes = section((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), version)
    if notes is None:
        print(f"CHANGELOG.md has no section '## {version}' with notes", file=sys.stderr)
        return 1
    print(notes)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
