"""The project URLs PyPI shows are derived from where the repository lives, never guessed
(tools/project_urls.py, hatchling's metadata hook; tools/check_dist.py checks the wheel)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tools.check_dist import check_project_urls
from tools.project_urls import ProjectUrlsHook, absolute_links, project_urls, repository_address

NO_ENV: dict[str, str] = {}


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.parametrize(
    "remote",
    [
        "git@github.com:Example-Org/trigger-dev-python.git",
        "ssh://git@github.com/Example-Org/trigger-dev-python",
        "https://github.com/Example-Org/trigger-dev-python.git",
        "https://github.com/Example-Org/trigger-dev-python/",
    ],
)
def test_the_origin_remote_gives_the_web_address(tmp_path: Path, remote: str) -> None:
    _git("init", "-q", cwd=tmp_path)
    _git("remote", "add", "origin", remote, cwd=tmp_path)
    assert repository_address(tmp_path, NO_ENV) == "https://github.com/Example-Org/trigger-dev-python"


def test_a_clone_of_a_local_path_or_no_repository_has_no_address(tmp_path: Path) -> None:
    assert repository_address(tmp_path, NO_ENV) is None  # not a repository at all
    _git("init", "-q", cwd=tmp_path)
    assert repository_address(tmp_path, NO_ENV) is None  # no remote
    _git("remote", "add", "origin", "/work/somewhere/else", cwd=tmp_path)
    assert repository_address(tmp_path, NO_ENV) is None  # a local path is no web address


def test_an_explicit_address_then_github_actions_win_over_the_remote(tmp_path: Path) -> None:
    _git("init", "-q", cwd=tmp_path)
    _git("remote", "add", "origin", "git@github.com:someone/fork.git", cwd=tmp_path)
    actions = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "Org/repo"}
    assert repository_address(tmp_path, actions) == "https://github.com/Org/repo"
    explicit = {**actions, "TRIGGER_DEV_REPOSITORY": "https://git.example.com/team/sdk.git"}
    assert repository_address(tmp_path, explicit) == "https://git.example.com/team/sdk"


def test_github_repositories_name_their_pages_site_and_a_tagged_changelog() -> None:
    assert project_urls("https://github.com/Example-Org/sdk", "1.2.3") == {
        "Documentation": "https://example-org.github.io/sdk/",
        "Source": "https://github.com/Example-Org/sdk",
        "Changelog": "https://github.com/Example-Org/sdk/blob/v1.2.3/CHANGELOG.md",
        "Issues": "https://github.com/Example-Org/sdk/issues",
    }
    # Elsewhere the documentation's address is not known, so it is not named.
    assert "Documentation" not in project_urls("https://git.example.com/team/sdk", "1.0.0")


def test_the_pypi_page_links_to_the_published_site_and_the_tagged_files() -> None:
    urls = project_urls("https://github.com/Org/sdk", "1.2.3")
    readme = (
        "[home](docs/index.md), [async](docs/guides/async.md#cancelling), [ref](docs/reference/index.md), "
        "[examples](examples/), [license](LICENSE), [site](https://example.com/x.md), [top](#install)"
    )
    assert absolute_links(readme, urls, "1.2.3") == (
        "[home](https://org.github.io/sdk/), [async](https://org.github.io/sdk/guides/async/#cancelling), "
        "[ref](https://org.github.io/sdk/reference/), "
        "[examples](https://github.com/Org/sdk/blob/v1.2.3/examples/), "
        "[license](https://github.com/Org/sdk/blob/v1.2.3/LICENSE), "
        "[site](https://example.com/x.md), [top](#install)"
    )
    # Without a documentation site the guides are read in the repository; without an address
    # the README is left as it is.
    elsewhere = project_urls("https://git.example.com/team/sdk", "1.0.0")
    assert absolute_links("[a](docs/guides/async.md)", elsewhere, "1.0.0") == (
        "[a](https://git.example.com/team/sdk/blob/v1.0.0/docs/guides/async.md)"
    )
    assert absolute_links(readme, {}, "1.0.0") == readme


def test_every_readme_link_resolves_to_a_page_the_site_builds() -> None:
    root = Path(__file__).parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    urls = project_urls("https://github.com/Org/sdk", "0.1.0")
    rewritten = absolute_links(readme, urls, "0.1.0")
    for target in re.findall(r"\]\((https://org\.github\.io/sdk/[^)#]*)", rewritten):
        page = target.removeprefix("https://org.github.io/sdk/")
        source = root / "docs" / (page.rstrip("/") + ".md" if page else "index.md")
        assert source.is_file() or (root / "docs" / page / "index.md").is_file(), target
    for target in re.findall(r"\]\(https://github\.com/Org/sdk/blob/v0\.1\.0/([^)#]*)", rewritten):
        assert (root / target).exists(), target
    assert not re.search(r"\]\((?!https?://|#)", rewritten)


def _hook(root: Path) -> ProjectUrlsHook:
    return ProjectUrlsHook(str(root), {})


def test_a_wheel_built_from_the_sdist_keeps_the_sdists_urls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("TRIGGER_DEV_REPOSITORY", "GITHUB_SERVER_URL", "GITHUB_REPOSITORY"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "PKG-INFO").write_text(
        "Metadata-Version: 2.4\nName: trigger-dev\nVersion: 0.1.0\n"
        "Project-URL: Source, https://github.com/Org/repo\n"
        "Project-URL: Issues, https://github.com/Org/repo/issues\n",
        encoding="utf-8",
    )
    (tmp_path / "README.md").write_text("[guide](docs/guides/async.md)", encoding="utf-8")
    metadata: dict[str, object] = {"version": "0.1.0"}
    _hook(tmp_path).update(metadata)
    assert metadata["readme"] == {
        "content-type": "text/markdown",
        "text": "[guide](https://github.com/Org/repo/blob/v0.1.0/docs/guides/async.md)",
    }
    assert metadata["urls"] == {
        "Source": "https://github.com/Org/repo",
        "Issues": "https://github.com/Org/repo/issues",
    }


def test_without_an_address_the_package_has_no_urls_rather_than_invented_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("TRIGGER_DEV_REPOSITORY", "GITHUB_SERVER_URL", "GITHUB_REPOSITORY"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "README.md").write_text("[guide](docs/guides/async.md)", encoding="utf-8")
    metadata: dict[str, object] = {"version": "0.1.0"}
    _hook(tmp_path).update(metadata)
    assert metadata["urls"] == {}
    assert metadata["readme"] == {"content-type": "text/markdown", "text": "[guide](docs/guides/async.md)"}


def test_the_dist_check_requires_urls_only_where_github_actions_names_the_repository(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert check_project_urls([]) == []
    assert "no public remote" in capsys.readouterr().out
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert check_project_urls([]) == [
        "the wheel has no project URLs although GitHub Actions names the repository"
    ]
    assert check_project_urls(["Source, https://github.com/Org/repo"]) == [
        "the wheel's project URLs lack 'Changelog'",
        "the wheel's project URLs lack 'Issues'",
    ]


def test_the_build_uses_the_hook_and_ships_it_in_the_sdist() -> None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # hatchling brings tomli on 3.10
        import tomli as tomllib

    config = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    assert {"urls", "readme"} <= set(config["project"]["dynamic"])
    assert "urls" not in config["project"]
    assert "readme" not in config["project"]
    assert config["tool"]["hatch"]["metadata"]["hooks"]["custom"]["path"] == "tools/project_urls.py"
    assert "tools/project_urls.py" in config["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]
