"""One Chromium per session (Debian's, driven by Playwright) and a static server for built sites."""

from __future__ import annotations

import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from nashra.build import build

from helpers import header_rules, headers_for

REPO = Path(__file__).resolve().parents[2]

CHROMIUM = os.environ.get("NASHRA_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: CI must install it (apt-get install -y chromium)")
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _HostHandler(_QuietHandler):
    """Sends the headers of the folder's `_headers` file, the way Netlify and similar hosts do."""

    def end_headers(self):
        rules_file = Path(self.directory) / "_headers"
        if rules_file.is_file():
            rules = header_rules(rules_file.read_text(encoding="utf-8"))
            for name, value in headers_for(rules, urlsplit(self.path).path).items():
                self.send_header(name, value)
        super().end_headers()


@pytest.fixture
def serve():
    """serve(folder, host_headers=False) -> http://127.0.0.1:PORT serving that folder until the test ends;
    with host_headers, it sends the headers the folder's `_headers` file asks for."""
    servers = []

    def start(folder: Path, host_headers: bool = False) -> str:
        handler = functools.partial(_HostHandler if host_headers else _QuietHandler, directory=str(folder))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def sample_public(tmp_path_factory):
    """The sample site (content/), built once for all browser tests."""
    return build(REPO, output=tmp_path_factory.mktemp("sample") / "public").output


@pytest.fixture
def reader(browser, serve, sample_public):
    """A fresh page on the served sample site that records console errors and failed requests."""
    base = serve(sample_public)
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    # A request the browser itself cancelled by moving to the next page (net::ERR_ABORTED) is no failure;
    # a missing file still shows as an HTTP error below.
    page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url} {r.failure}")
            if "ERR_ABORTED" not in (r.failure or "") else None)
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.on("request", lambda r: problems.append(f"request to another host: {r.url}")
            if not r.url.startswith(base) else None)
    yield base, page, problems
    context.close()
