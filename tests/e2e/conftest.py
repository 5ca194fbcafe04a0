"""Browser tests: a real `streamlit run` server on a free port, driven by headless Chromium.

Screenshots land in artifacts/screenshots/ (kept after the run, ignored by git) so a person
can look at every page the tests visited.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class AppServer:
    url: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_app(tmp: Path, *, env: dict[str, str] | None = None, name: str = "app") -> AppServer:
    """`streamlit run app.py` on a free port with its own DuckDB file (or the env's store)."""
    port = free_port()
    log = tmp / f"{name}.log"
    environment = {
        **os.environ,
        "JOURNEYMAP_DB": str(tmp / f"{name}.duckdb"),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        **(env or {}),
    }
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with log.open("w") as output:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            command, cwd=tmp, env=environment, stdout=output, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return AppServer(url, process, log)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"streamlit did not start:\n{log.read_text()}")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.skip(
            f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def app_server(tmp_path_factory) -> Iterator[AppServer]:
    server = start_app(tmp_path_factory.mktemp("app"))
    yield server
    server.stop()


@pytest.fixture
def page(browser, app_server):
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    opened = context.new_page()
    yield opened
    context.close()


def wait_for_app(page, *, timeout: float = 30_000) -> None:
    """Until Streamlit has finished running the script (no 'Running…' status)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')""", timeout=timeout
    )
    page.wait_for_timeout(300)


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Save a PNG of the page; `full_page` grows the window to the app's whole height first,
    because Streamlit scrolls inside its main container, not the document."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = page.viewport_size
    if full_page and size:
        height = page.evaluate(
            """() => document.querySelector('[data-testid="stMain"]')?.scrollHeight ?? 0"""
        )
        page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
        page.wait_for_timeout(500)  # charts re-layout to the new size
    page.screenshot(path=str(path))
    if full_page and size:
        page.set_viewport_size(size)
    return path


def no_exception(page) -> None:
    """Streamlit shows uncaught exceptions in an element of their own; there must be none."""
    assert page.locator('[data-testid="stException"]').count() == 0
