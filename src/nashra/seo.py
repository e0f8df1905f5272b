"""For search engines: sitemap.xml with hreflang alternates, robots.txt, and JSON-LD in page heads."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
MAX_URLS = 50_000          # per sitemap file (sitemaps.org); more make a sitemap index


@dataclass(frozen=True)
class Indexed:
    """One page for search engines: its address, and the same page in each language (x-default too)."""

    url: str                                   # absolute
    alternates: tuple[tuple[str, str], ...]    # (hreflang, absolute url), x-default last; () when untranslated


def _xml(root: ET.Element) -> str:
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def sitemap(pages: list[Indexed]) -> str:
    ET.register_namespace("", SITEMAP)
    ET.register_namespace("xhtml", XHTML)
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    for page in pages:
        entry = ET.SubElement(root, f"{{{SITEMAP}}}url")
        ET.SubElement(entry, f"{{{SITEMAP}}}loc").text = page.url
        for hreflang, href in page.alternates:
            ET.SubElement(entry, f"{{{XHTML}}}link", {"rel": "alternate", "hreflang": hreflang, "href": href})
    return _xml(root)


def sitemap_files(pages: list[Indexed], index_url: str) -> list[tuple[str, str]]:
    """(absolute url, text): one sitemap.xml, or an index at sitemap.xml of sitemap-N.xml files."""
    if len(pages) <= MAX_URLS:
        return [(index_url, sitemap(pages))]
    parts = [(index_url.replace("sitemap.xml", f"sitemap-{n}.xml"), sitemap(pages[i:i + MAX_URLS]))
             for n, i in enumerate(range(0, len(pages), MAX_URLS), 1)]
    ET.register_namespace("", SITEMAP)
    root = ET.Element(f"{{{SITEMAP}}}sitemapindex")
    for url, _ in parts:
        ET.SubElement(ET.SubElement(root, f"{{{SITEMAP}}}sitemap"), f"{{{SITEMAP}}}loc").text = url
    return [(index_url, _xml(root))] + parts


def robots(sitemap_url: str) -> str:
    """Everything may be crawled; embed views and 404 pages say noindex themselves."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n"


def json_ld(data: dict) -> str:
    """schema.org data for a <script type="application/ld+json">: `<`, `>` and `&` escaped, so text from
    the content can never close the script element."""
    text = json.dumps({"@context": "https://schema.org", **data}, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
