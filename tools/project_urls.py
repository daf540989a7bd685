"""The package's project URLs (PyPI's sidebar: source, documentation, changelog, issues),
derived at build time from where the repository actually lives instead of written down by
hand, so a fork or a move publishes its own addresses and no address is ever guessed. The
README, which is also the PyPI page, gets its relative links made absolute from the same
addresses (on PyPI a link to ``docs/guides/async.md`` would lead nowhere).

hatchling loads this file as a metadata hook (`[tool.hatch.metadata.hooks.custom]` in
pyproject.toml). The repository's address comes from, in order:

1. ``TRIGGER_DEV_REPOSITORY``: an explicit ``https://host/owner/name``;
2. GitHub Actions' ``GITHUB_SERVER_URL`` and ``GITHUB_REPOSITORY`` (the release workflow);
3. the git remote ``origin`` of this checkout;
4. the ``Project-URL`` lines of ``PKG-INFO`` (a wheel built from our sdist keeps the sdist's).

With none of these (a clone without a remote) the package has no project URLs, and
``tools/check_dist.py`` says so; the release workflow requires them.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from email.parser import Parser
from pathlib import Path
from typing import Any

from hatchling.metadata.plugin.interface import MetadataHookInterface

__all__ = ["ProjectUrlsHook", "absolute_links", "project_urls", "repository_address"]

_RELATIVE_LINK = re.compile(r"\]\((?!https?://|mailto:|#)(?P<target>[^)\s]+)\)")
_SCP_LIKE = re.compile(r"^[\w.-]+@(?P<host>[\w.-]+):(?P<path>.+)$")


def repository_address(root: Path, environ: Mapping[str, str]) -> str | None:
    """The repository's web address (``https://host/owner/name``), or None when unknown."""
    explicit = environ.get("TRIGGER_DEV_REPOSITORY", "").strip()
    if explicit:
        return _web_address(explicit)
    server, repository = environ.get("GITHUB_SERVER_URL"), environ.get("GITHUB_REPOSITORY")
    if server and repository:
        return f"{server.rstrip('/')}/{repository}"
    try:
        remote = subprocess.run(
            ["git", "-C", str(root), "remote", "get-url", "origin"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return _web_address(remote.stdout.strip()) if remote.returncode == 0 else None


def _web_address(remote: str) -> str | None:
    """``git@github.com:o/n.git``, ``ssh://git@github.com/o/n``, ``https://github.com/o/n.git``
    -> ``https://github.com/o/n``; a local path (a clone of a clone) has no web address."""
    scp = _SCP_LIKE.match(remote)
    if scp:
        host, path = scp["host"], scp["path"]
    else:
        match = re.match(r"^(?:https?|ssh|git)://(?:[^@/]+@)?(?P<host>[^/:]+)(?::\d+)?/(?P<path>.+)$", remote)
        if match is None:
            return None
        host, path = match["host"], match["path"]
    path = path.strip("/").removesuffix(".git")
    if path.count("/") < 1:
        return None
    return f"https://{host}/{path}"


def project_urls(repository: str, version: str) -> dict[str, str]:
    """The URLs PyPI shows for a repository's address; documentation is the GitHub Pages site
    the release workflow publishes, so it is only named for a GitHub repository."""
    urls = {
        "Source": repository,
        "Changelog": f"{repository}/blob/v{version}/CHANGELOG.md",
        "Issues": f"{repository}/issues",
    }
    host, _, path = repository.removeprefix("https://").partition("/")
    if host == "github.com":
        owner, _, name = path.partition("/")
        urls = {"Documentation": f"https://{owner.lower()}.github.io/{name}/", **urls}
    return urls


def absolute_links(readme: str, urls: Mapping[str, str], version: str) -> str:
    """The README with each relative link pointing at the published documentation site (for a
    page under docs/) or at the file in the repository at this version's tag; unchanged when
    the repository's address is unknown."""
    repository, site = urls.get("Source"), urls.get("Documentation")
    if repository is None:
        return readme

    def absolute(match: re.Match[str]) -> str:
        path, hash_, anchor = match["target"].partition("#")
        if site and path.startswith("docs/") and path.endswith(".md"):
            page = path.removeprefix("docs/").removesuffix(".md")
            page = "" if page == "index" else page.removesuffix("/index") + "/"
            return f"]({site}{page}{hash_}{anchor})"
        return f"]({repository}/blob/v{version}/{path}{hash_}{anchor})"

    return _RELATIVE_LINK.sub(absolute, readme)


def _from_pkg_info(root: Path) -> dict[str, str]:
    pkg_info = root / "PKG-INFO"
    if not pkg_info.is_file():
        return {}
    metadata = Parser().parsestr(pkg_info.read_text(encoding="utf-8"))
    pairs = (line.split(",", 1) for line in metadata.get_all("Project-URL") or [])
    return {label.strip(): url.strip() for label, url in pairs}


class ProjectUrlsHook(MetadataHookInterface):
    PLUGIN_NAME = "custom"

    def update(self, metadata: dict[str, Any]) -> None:
        root, version = Path(self.root), metadata["version"]
        urls = _from_pkg_info(root)
        if not urls:
            repository = repository_address(root, os.environ)
            urls = project_urls(repository, version) if repository else {}
        metadata["urls"] = urls
        readme = (root / "README.md").read_text(encoding="utf-8")
        metadata["readme"] = {"content-type": "text/markdown", "text": absolute_links(readme, urls, version)}


if __name__ == "__main__":
    # The release workflow's docs job: `python tools/project_urls.py >> "$GITHUB_ENV"` gives
    # mkdocs (mkdocs.yml: site_url, repo_url) the same addresses PyPI shows.
    import sys

    address = repository_address(Path(__file__).resolve().parent.parent, os.environ)
    if address is None:
        sys.exit("no repository address: set TRIGGER_DEV_REPOSITORY or run inside GitHub Actions")
    found = project_urls(address, "")
    print(f"DOCS_REPO_URL={found['Source']}")
    if "Documentation" in found:
        print(f"DOCS_SITE_URL={found['Documentation']}")
