"""Embeds: the copy-paste snippet and the oEmbed answer (framing rules for hosts: hosting.py).

An embed view lives at <page>/embed/ (article, actor, country) and its oEmbed JSON at <page>/oembed.json.
The view posts its height to the host page: {"type": "nashra:embed", "version": 1, "height": <px>}
(js/embed.js); the snippet's loader (js/embed-loader.js) sizes the iframe that sent it, after checking the
message comes from this site's origin and has that shape. A loader that starts after a card has loaded asks
it to report again ({"type": "nashra:embed-ask", "version": 1}). Without JavaScript the iframe keeps its height.
"""

from __future__ import annotations

import html
import json

from .urls import Urls

EMBED_STYLESHEET = "css/embed.css"
EMBED_SCRIPT = "js/embed.js"
LOADER_SCRIPT = "js/embed-loader.js"
# The card's width on wide host pages, and its height when the host runs no JavaScript.
WIDTH = 560
HEIGHT = {"article": 300, "actor": 480, "country": 480}
CACHE_AGE = 86_400

def snippet(urls: Urls, page_url: str, kind: str, title: str) -> str:
    """The HTML a partner pastes: the iframe, and the loader that fits it to its content."""
    src = html.escape(urls.absolute(page_url + "embed/"))
    loader = html.escape(urls.absolute(urls.asset(LOADER_SCRIPT)))
    return (f'<iframe src="{src}" title="{html.escape(title)}" width="{WIDTH}" height="{HEIGHT[kind]}" '
            f'loading="lazy" style="border:0;width:100%;max-width:{WIDTH}px" data-nashra-embed></iframe>\n'
            f'<script async src="{loader}"></script>')


def oembed(urls: Urls, page_url: str, kind: str, title: str, provider: str) -> str:
    """The oEmbed 1.0 answer (type rich) for a page, as JSON."""
    return json.dumps({
        "type": "rich", "version": "1.0", "title": title,
        "provider_name": provider, "provider_url": urls.absolute(urls.root()),
        "html": snippet(urls, page_url, kind, title), "width": WIDTH, "height": HEIGHT[kind],
        "cache_age": CACHE_AGE,
    }, ensure_ascii=False, indent=1) + "\n"
