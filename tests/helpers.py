"""Tiny sites written inline, built for real, and read back as parsed HTML: helpers the tests import."""

from __future__ import annotations

import textwrap
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
