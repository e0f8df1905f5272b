"""Tiny sites written inline, built for real, and read back as parsed HTML: helpers the tests import."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

from lxml import html as lxml_html

from nashra import headers

REPO = Path(__file__).resolve().parents[1]

SITE_TOML = '''base_url = "https://example.org"
languages = ["ar", "en"]
[title]
ar = "موقع الاختبار"
en = "Test site"
'''

ACTORS = {
    "content/actors/ibrahim-kalin.md": '''---
name: {ar: "إبراهيم قالن", en: "Ibrahim Kalın"}
aliases: {ar: ["قالن", "ابراهيم كالن"], en: ["Kalin"]}
role: {ar: "رئيس جهاز الاستخبارات التركي", en: "Head of Turkish intelligence"}
country: tr
kind: person
---
## ar
سيرة قالن.

## en
Kalın's biography.
''',
    "content/actors/abdullah-al-lafi.md": '''---
name: {ar: "عبد الله اللافي", en: "Abdullah al-Lafi"}
aliases: {ar: ["اللافي"], en: ["al-Lafi", "Lafi"]}
role: {ar: "نائب رئيس المجلس الرئاسي", en: "Deputy head of the Presidential Council"}
country: ly
kind: person
---
''',
    "content/actors/presidential-council.md": '''---
name: {ar: "المجلس الرئاسي الليبي", en: "Presidential Council of Libya"}
aliases: {ar: ["المجلس الرئاسي"], en: ["Presidential Council"]}
country: ly
kind: organisation
---
''',
    "content/countries/tr.md": '''---
name: {ar: "تركيا", en: "Turkey"}
aliases: {ar: ["التركية", "التركي", "أنقرة"], en: ["Türkiye", "Ankara"]}
---
''',
    "content/countries/ly.md": '''---
name: {ar: "ليبيا", en: "Libya"}
aliases: {ar: ["الليبية", "الليبي", "طرابلس"], en: ["Libyan", "Tripoli"]}
---
''',
}

def article(title: str, date: str = "2025-04-28", actors: str = "[]", countries: str = "[]", body: str = "نص.",
            extra: str = "") -> str:
    return f'---\ntitle: "{title}"\ndate: {date}\nactors: {actors}\ncountries: {countries}\n{extra}---\n{body}\n'

def write_site(root: Path, files: dict[str, str], with_defaults: bool = True) -> Path:
    all_files = ({"site.toml": SITE_TOML} | ACTORS if with_defaults else {}) | files
    for name, text in all_files.items():
        if text is None:
            continue
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
    return root

def tree(folder: Path) -> dict[str, bytes]:
    """Every file below `folder`, by its path there, with its bytes: two outputs compare equal byte for byte."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def page(public: Path, url_path: str):
    """Parse the page at /url_path/ of a built site."""
    path = public / url_path.strip("/") / "index.html" if not url_path.endswith(".html") else public / url_path
    return lxml_html.fromstring(path.read_bytes())

def internal_references(public: Path, base_path: str = ""):
    """Every (file, href or src) pointing inside the site."""
    for file in sorted(public.rglob("*.html")):
        doc = lxml_html.fromstring(file.read_bytes())
        for element, attribute, link, _ in doc.iterlinks():
            if element.tag == "a" and attribute != "href":
                continue
            parsed = urlparse(link)
            if parsed.scheme or parsed.netloc or not parsed.path:
                continue
            yield file, parsed.path

def broken_links(public: Path, base_path: str = "") -> list[str]:
    """Internal links and assets that resolve to no file in the output."""
    broken = []
    for file, path in internal_references(public):
        path = unquote(path)
        if not path.startswith(base_path + "/"):
            broken.append(f"{file.relative_to(public)} -> {path} (outside the base path)")
            continue
        target = public / path[len(base_path) + 1:]
        if path.endswith("/"):
            target = target / "index.html"
        if not target.is_file():
            broken.append(f"{file.relative_to(public)} -> {path}")
    return broken


def header_rules(text: str):
    """A `_headers` file as (path pattern, headers), with Netlify's pattern rules (nashra.headers)."""
    return headers.parse(text)


def headers_for(rules, path: str) -> dict[str, str]:
    return headers.headers_for(rules, path)


def _default_sigint() -> None:
    """In a child about to run nashra serve: SIGINT does what it does by default (raises KeyboardInterrupt)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Served:
    """A running `nashra serve` and what it printed."""

    def __init__(self, site: Path, *args: str):
        self.site = site
        # Ctrl-C as a terminal sends it, even when the tests run from a background job (which ignores SIGINT).
        # PYTHONFAULTHANDLER: a server that does not stop is sent SIGABRT, and prints where each thread was.
        self.process = subprocess.Popen([sys.executable, "-m", "nashra", "serve", str(site), "--port", "0", *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
                                        preexec_fn=_default_sigint, env={**os.environ, "PYTHONFAULTHANDLER": "1"})
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        first = self.wait_for(r"Serving .* at (http://\S+)")
        self.address = re.search(r"at (http://\S+)", first).group(1)
        self.host, self.port = re.match(r"http://([^:/]+):(\d+)", self.address).groups()
        self.output = Path(re.search(r"files: (\S+)", self.wait_for(r"files: ")).group(1))

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 60, after: int = 0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[after:]:
                if re.search(pattern, line):
                    return line
            if self.process.poll() is not None and not any(re.search(pattern, x) for x in self.lines[after:]):
                time.sleep(0.2)
                raise AssertionError(f"nashra serve ended ({self.process.returncode}):\n" + "\n".join(self.lines))
            time.sleep(0.02)
        raise AssertionError(f"no line matching {pattern!r}:\n" + "\n".join(self.lines))

    def get(self, path: str, method: str = "GET", headers: dict | None = None) -> tuple[int, dict, bytes]:
        """A raw request: the path is sent exactly as given (no client-side clean-up of '..')."""
        connection = http.client.HTTPConnection(self.host, int(self.port), timeout=10)
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.send_signal(signal.SIGABRT)
                try:
                    self.process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                time.sleep(0.5)                 # the reader thread takes the last lines
                raise AssertionError("nashra serve did not stop within 10 s of Ctrl-C; it printed:\n"
                                     + "\n".join(self.lines[-80:])) from None
        return self.process.returncode
