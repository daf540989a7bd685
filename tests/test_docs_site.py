"""The documentation site in a real browser: the strict build served on 127.0.0.1, opened in
headless Chromium (the system's, driven over the DevTools protocol), visiting the home page, a
guide and a reference page and using the search. Any console error, failed load or missing
page fails the test; screenshots land in .artifacts/screenshots/ for a person to look at.

Without Chromium or MkDocs the test is skipped on a developer's machine, and fails in CI
(``CI`` set), where .ci/run installs Chromium."""

from __future__ import annotations

import base64
import contextlib
import functools
import html
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / ".artifacts" / "screenshots"
BUILD_TIMEOUT = 180.0
BROWSER_START_TIMEOUT = 30.0
STEP_TIMEOUT = 20.0
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what}; CI must run the browser test (.ci/run installs Chromium)")
    pytest.skip(what)


def chromium() -> str:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    _missing("no Chromium on PATH (Debian: apt-get install chromium)")
    raise AssertionError  # not reached


class _Handler(http.server.SimpleHTTPRequestHandler):
    statuses: list[tuple[str, int]]

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        self.statuses.append((self.path, int(code) if str(code).isdigit() else 0))

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    try:
        import mkdocs  # noqa: F401
    except ImportError:
        _missing("MkDocs is not installed (make setup)")
    destination = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(destination)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return destination


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[tuple[str, list[tuple[str, int]]]]:
    statuses: list[tuple[str, int]] = []
    handler = type("Handler", (_Handler,), {"statuses": statuses})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", statuses
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


class Browser:
    """One page of headless Chromium over the DevTools protocol, every wait bounded."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.connection.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        deadline = time.monotonic() + STEP_TIMEOUT
        while True:
            message = json.loads(self.connection.recv(timeout=max(0.0, deadline - time.monotonic())))
            if message.get("id") == self.next_id:
                assert "error" not in message, f"{method}: {message['error']}"
                return dict(message.get("result", {}))
            if "method" in message:
                self.events.append(message)

    def pump(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self.events.append(json.loads(self.connection.recv(timeout=left)))
            except TimeoutError:
                return

    def wait_for_event(self, method: str) -> None:
        deadline = time.monotonic() + STEP_TIMEOUT
        while not any(e.get("method") == method for e in self.events):
            left = deadline - time.monotonic()
            assert left > 0, f"no {method} within {STEP_TIMEOUT:g} s"
            with contextlib.suppress(TimeoutError):
                self.events.append(json.loads(self.connection.recv(timeout=left)))

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def wait_until(self, expression: str) -> Any:
        deadline = time.monotonic() + STEP_TIMEOUT
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            assert time.monotonic() < deadline, f"{expression} stayed false for {STEP_TIMEOUT:g} s"
            self.pump(0.2)

    def open(self, url: str) -> None:
        self.events = [e for e in self.events if e.get("method") != "Page.loadEventFired"]
        self.call("Page.navigate", url=url)
        self.wait_for_event("Page.loadEventFired")
        self.pump(0.5)  # late console messages and requests

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        data = self.call("Page.captureScreenshot", format="png")["data"]
        (SCREENSHOTS / f"{name}.png").write_bytes(base64.b64decode(data))

    def problems(self) -> list[str]:
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(f"console.{params['type']}: {[a.get('value') for a in params.get('args', [])]}")
            elif method == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}")
            elif method == "Network.responseReceived" and params["response"]["status"] >= 400:
                found.append(f"HTTP {params['response']['status']}: {params['response']['url']}")
            elif method == "Network.loadingFailed" and not params.get("canceled"):
                found.append(f"load failed: {params.get('errorText')}")
        return found


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    executable = chromium()
    try:
        from websockets.sync.client import connect
    except ImportError:
        _missing("the websockets package is not installed (make setup)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    process = subprocess.Popen(
        [
            executable, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
            f"--user-data-dir={profile}", "--window-size=1280,900", "about:blank",
        ],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + BROWSER_START_TIMEOUT
        while not (port_file.exists() and port_file.read_text().strip()):
            assert process.poll() is None, f"Chromium exited with status {process.returncode}"
            assert time.monotonic() < deadline, f"Chromium did not start within {BROWSER_START_TIMEOUT:g} s"
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=STEP_TIMEOUT) as answer:
            pages = [t for t in json.load(answer) if t["type"] == "page"]
        with connect(
            pages[0]["webSocketDebuggerUrl"], max_size=None, open_timeout=STEP_TIMEOUT
        ) as connection:
            page = Browser(connection)
            for domain in ("Page", "Runtime", "Log", "Network"):
                page.call(f"{domain}.enable")
            yield page
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_the_site_in_a_browser(browser: Browser, server: tuple[str, list[tuple[str, int]]]) -> None:
    base, statuses = server

    browser.open(f"{base}/")
    assert "trigger-dev" in browser.evaluate("document.title")
    assert browser.evaluate("document.querySelector('article h1').textContent").startswith("trigger-dev")
    browser.screenshot("home")

    browser.open(f"{base}/guides/pagination/")
    assert browser.evaluate("document.querySelector('article h1').textContent").startswith("Pagination")
    browser.screenshot("guide-pagination")

    browser.open(f"{base}/reference/runs/")
    text = browser.evaluate("document.querySelector('article').textContent")  # hidden tabs too
    assert "runs.list" in text and "secret key" in text and "AsyncRuns" in text
    browser.screenshot("reference-runs")

    # The search: type a query into the search box and see a result.
    browser.evaluate("document.querySelector('.md-search__input').focus()")
    browser.call("Input.insertText", text="waitpoint")
    count = browser.wait_until("document.querySelectorAll('.md-search-result__item').length")
    assert count > 0
    browser.screenshot("search")

    missing = [(path, status) for path, status in statuses if status >= 400]
    assert not missing, f"pages or assets the site asked for and did not have: {missing}"
    assert not browser.problems(), browser.problems()


def _rendered(page: Path, anchor: str) -> tuple[bool, str]:
    """Whether the reference shows ``anchor`` as async, and its signature as text."""
    text = page.read_text(encoding="utf-8")
    start = text.index(f'<h3 id="{anchor}"')
    heading = text[start : text.index("</h3>", start)]
    signature = text[start : text.index("</code></pre>", start)]
    signature = html.unescape(re.sub(r"<[^>]+>", "", signature[signature.index("<code>") :]))
    return "doc-label-async" in heading, " ".join(signature.split())


@pytest.mark.parametrize(
    ("page", "method", "returns", "awaited"),
    [
        ("runs", "Runs.poll", "-> Run", True),
        ("runs", "Runs.subscribe_to_run", "-> RunSubscription", False),
        ("auth", "Auth.create_public_token", "-> str", True),
        ("batches", "Batches.trigger", "-> CreateBatchResponse", True),
        ("sessions", "Sessions.chat", "-> AgentChat", False),
    ],
)
def test_inherited_methods_show_what_each_client_returns(
    site: Path, page: str, method: str, returns: str, awaited: bool
) -> None:
    # Written once on a generic base for both clients (tools/docs_generics.py specializes them).
    reference = site / "reference" / page / "index.html"
    sync_async, sync_signature = _rendered(reference, f"trigger_dev.resources.{page}.{method}")
    async_async, async_signature = _rendered(reference, f"trigger_dev.resources.{page}.Async{method}")
    assert not sync_async and sync_signature.endswith(returns), sync_signature
    async_returns = returns if awaited else returns.replace("-> ", "-> Async")
    assert async_async == awaited and async_signature.endswith(async_returns), async_signature
