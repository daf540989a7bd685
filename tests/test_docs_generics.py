"""The documentation's griffe extension (tools/docs_generics.py): methods a namespace inherits
from a base written once for both clients are documented with the types a user gets, the
async client's as ``async`` methods returning the awaited type. The package is loaded with
griffe and the extensions `mkdocs.yml` registers, as the docs build loads it; a small package
of its own checks the rules (chains of bases, ``Generic[...]`` order, free type variables)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import griffe
import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent


def _python_handler() -> dict[str, Any]:
    config = YAML(typ="rt").load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))  # keeps !ENV
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "mkdocstrings" in plugin:
            handler: dict[str, Any] = plugin["mkdocstrings"]["handlers"]["python"]
            return handler
    raise AssertionError("mkdocs.yml registers no mkdocstrings plugin")


def _load(package: str, search_paths: list[Path]) -> griffe.Module:
    extensions = _python_handler()["options"].get("extensions", [])
    assert "tools/docs_generics.py" in extensions, "mkdocs.yml no longer registers the extension"
    loaded = griffe.load(
        package,
        search_paths=search_paths,
        extensions=griffe.load_extensions(*(str(ROOT / path) for path in extensions)),
        docstring_parser="google",
        resolve_aliases=True,
    )
    assert isinstance(loaded, griffe.Module)
    return loaded


def signature(cls: griffe.Object | griffe.Alias, name: str) -> str:
    """How the reference shows an inherited method: its labels' ``async``, name, return."""
    member = cls.all_members[name]
    assert member.inherited, f"{cls.path}.{name} should be an inherited member"
    function = member.final_target if isinstance(member, griffe.Alias) else member
    assert isinstance(function, griffe.Function)
    prefix = "async " if "async" in function.labels else ""
    parameters = ", ".join(
        parameter.name if parameter.annotation is None else f"{parameter.name}: {parameter.annotation}"
        for parameter in function.parameters
        if parameter.name != "self"
    )
    return f"{prefix}def {name}({parameters}) -> {function.returns}"


@pytest.fixture(scope="module")
def package() -> griffe.Module:
    return _load("trigger_dev", [ROOT / path for path in _python_handler()["paths"]])


@pytest.mark.parametrize(
    ("namespace", "name", "sync", "asynchronous"),
    [
        (
            "runs.Runs",
            "poll",
            "def poll(run_id: str, interval: float, timeout: float | None, "
            "request_options: RequestOptions | None) -> Run",
            "async def poll(run_id: str, "
            "interval: float, timeout: float | None, request_options: RequestOptions | None) -> Run",
        ),
        ("runs.Runs", "subscribe_to_run", "-> RunSubscription", "-> AsyncRunSubscription"),
        ("runs.Runs", "subscribe_to_runs_with_tag", "-> RunSubscription", "-> AsyncRunSubscription"),
        ("runs.Runs", "subscribe_to_batch", "-> RunSubscription", "-> AsyncRunSubscription"),
        ("auth.Auth", "create_public_token", "-> str", "-> str"),
        ("auth.Auth", "create_trigger_public_token", "-> str", "-> str"),
        ("bulk_actions.BulkActions", "poll", "-> BulkAction", "-> BulkAction"),
        ("batches.Batches", "trigger", "-> CreateBatchResponse", "-> CreateBatchResponse"),
        ("batches.Batches", "trigger_many", "-> Iterator[ItemOutcome]", "-> AsyncIterator[ItemOutcome]"),
        ("sessions.Sessions", "open", "-> SessionHandle", "-> AsyncSessionHandle"),
        ("sessions.Sessions", "chat", "-> AgentChat", "-> AsyncAgentChat"),
    ],
)
def test_namespace_methods_show_what_each_client_returns(
    package: griffe.Module, namespace: str, name: str, sync: str, asynchronous: str
) -> None:
    module, class_name = namespace.split(".")
    sync_class = package[f"resources.{module}.{class_name}"]
    async_class = package[f"resources.{module}.Async{class_name}"]
    shown_sync = signature(sync_class, name)
    shown_async = signature(async_class, name)
    assert shown_sync.endswith(sync) and not shown_sync.startswith("async"), shown_sync
    assert shown_async.endswith(asynchronous), shown_async
    # The async client's method is awaited exactly when the sync one returns the value itself.
    awaited = {"poll", "create_public_token", "create_trigger_public_token", "trigger"}
    assert shown_async.startswith("async def") == (name in awaited), shown_async
    if sync.startswith("def "):
        assert shown_sync == sync
        assert shown_async == asynchronous


def test_bases_keep_their_type_variables(package: griffe.Module) -> None:
    poll = package["_realtime.watching._PollMethods.poll"]
    assert str(poll.returns) == "RunT"
    assert "async" not in poll.labels
    assert not package["_realtime.watching._PollMethods"].inherited_members.keys() & {"poll"}


def test_the_public_alias_of_a_namespace_class_shows_the_same(package: griffe.Module) -> None:
    # mkdocstrings documents a class through the alias users import it by; specialized methods
    # stay inherited members there (shown only where a page asks for inherited members).
    alias = griffe.Alias("AsyncRuns", package["resources.runs.AsyncRuns"], parent=package)
    assert signature(alias, "poll").startswith("async def poll(")
    assert signature(alias, "poll").endswith("-> Run")
    assert "poll" not in alias.members


SAMPLE = {
    "__init__.py": """
        from .things import AsyncThing, Awaiting, Own, Pair, SyncThing

        __all__ = ["AsyncThing", "Awaiting", "Own", "Pair", "SyncThing"]
    """,
    "core.py": """
        from typing import Generic, TypeVar

        T = TypeVar("T")
        R = TypeVar("R")
        U = TypeVar("U")


        class Core(Generic[T, R]):
            def run(self, value: T) -> R: ...

            def pick(self, default: U) -> U | R: ...

            size: T
    """,
    "middle.py": """
        from typing import Generic

        from .core import Core, R, T


        class Middle(Core[int, R]):
            def fetch(self, into: list[R]) -> R | None: ...


        class Flipped(Core[T, R], Generic[R, T]):
            pass
    """,
    "things.py": """
        from collections.abc import Awaitable, Coroutine
        from typing import Any

        from .middle import Flipped, Middle


        class SyncThing(Middle[str]):
            pass


        class AsyncThing(Middle[Coroutine[Any, Any, str]]):
            pass


        class Awaiting(Middle[Awaitable[bytes]]):
            pass


        class Pair(Flipped[bytes, float]):
            pass


        class Own(Middle[str]):
            def run(self, value: int) -> bytes: ...
    """,
}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[griffe.Module]:
    root = tmp_path_factory.mktemp("sample")
    (root / "sample").mkdir()
    for name, text in SAMPLE.items():
        (root / "sample" / name).write_text(textwrap.dedent(text), encoding="utf-8")
    yield _load("sample", [root])


def test_bindings_follow_the_chain_of_bases(sample: griffe.Module) -> None:
    assert signature(sample["things.SyncThing"], "run") == "def run(value: int) -> str"
    assert signature(sample["things.SyncThing"], "fetch") == "def fetch(into: list[str]) -> str | None"
    attribute = sample["things.SyncThing"].all_members["size"]
    assert str(attribute.annotation) == "int"


def test_a_coroutine_or_awaitable_return_is_an_async_method(sample: griffe.Module) -> None:
    assert signature(sample["things.AsyncThing"], "run") == "async def run(value: int) -> str"
    assert signature(sample["things.Awaiting"], "run") == "async def run(value: int) -> bytes"
    # Only a return that is the awaitable itself: an optional one stays as written.
    assert signature(sample["things.AsyncThing"], "fetch") == (
        "def fetch(into: list[Coroutine[Any, Any, str]]) -> Coroutine[Any, Any, str] | None"
    )


def test_generic_lists_the_parameters_in_its_own_order(sample: griffe.Module) -> None:
    # Flipped(Core[T, R], Generic[R, T]): Flipped[bytes, float] binds R to bytes, T to float.
    assert signature(sample["things.Pair"], "run") == "def run(value: float) -> bytes"


def test_a_method_generic_in_its_own_right_keeps_its_variable(sample: griffe.Module) -> None:
    assert signature(sample["things.SyncThing"], "pick") == "def pick(default: U) -> U | str"


def test_what_a_class_defines_itself_is_left_alone(sample: griffe.Module) -> None:
    run = sample["things.Own"].all_members["run"]
    assert not run.inherited
    assert str(run.returns) == "bytes"
    assert str(sample["core.Core.run"].returns) == "R"
    assert str(sample["middle.Middle"].all_members["run"].returns) == "R"


def test_through_the_package_alias(sample: griffe.Module) -> None:
    alias = sample["AsyncThing"]
    assert alias.is_alias
    assert signature(alias, "run") == "async def run(value: int) -> str"
    assert "run" not in alias.members
