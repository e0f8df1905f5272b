"""A saved HTML news page → the article's text, one line per block, and what the page states about it.

trafilatura finds the article and drops the furniture (menus, related stories, comments, share buttons);
it is handed the parsed page, so it never fetches anything. Here: decoding as the page declares, plain
lines from trafilatura's result, and headline, date, publisher and URL read only where the page states them.
"""

from __future__ import annotations

import codecs
import json
import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import trafilatura
from trafilatura.utils import load_html

from .errors import ContentError


@dataclass(frozen=True)
class Extracted:
    lines: list[str]          # one paragraph, heading or list item per line, in reading order, headline first
    title: str | None
    date: str | None          # YYYY-MM-DD, only as the page states it
    source: str | None
    url: str | None


_BOMS = {codecs.BOM_UTF8: "utf-8", codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}
_DECLARED = re.compile(rb"""<(?:meta[^>]*?charset|\?xml[^>]*?encoding)\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_WHATWG = {"iso8859-1": "cp1252", "ascii": "cp1252", "utf-16": "utf-8", "utf-16-le": "utf-8", "utf-16-be": "utf-8"}
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
_SEPARATOR = r"\s+(?:[|–—•·:»«-]|::)\s+"
_TEXT_BLOCKS = {"p", "head", "item", "quote", "code", "cell"}       # in trafilatura's XML
_HTML_BLOCKS = {"address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt", "fieldset", "figure",
                "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
                "pre", "section", "table", "ul"}
_ENCODING_HINT = "re-save the file as UTF-8 (a text editor's Save with Encoding), or declare its <meta charset>"


def extract_html(data: bytes, path: Path) -> Extracted:
    """Read one saved page. Raises ContentError(path, None, message, hint) when it holds no article text."""
    tree = load_html(_decode(data, path))
    if tree is None:
        raise ContentError(path, None, "the file is not an HTML page",
                           "import a page saved from the browser (Save Page As → Web Page, HTML only)")
    meta = _metadata(tree)                   # first: trafilatura prunes the tree it is given
    links = sorted({text for a in tree.iter("a") if (text := _clean(a.text_content()))}, key=len, reverse=True)
    lines = _lines(_article(tree), re.compile("|".join(map(re.escape, links)) or "(?!)"))
    if not lines:
        raise ContentError(path, None, "no article text found in the page",
                           "save the article's own page, not a home or section page")
    title = meta["title"]
    if title and not lines[0].startswith(title):      # the headline first, once
        lines = [title, *(line for n, line in enumerate(lines) if not (n < 3 and line == title))]
    return Extracted(lines, **meta)


def _clean(text: str) -> str:
    """Plain text for one line: zero-width and control characters removed, whitespace collapsed."""
    return " ".join(_INVISIBLE.sub("", text).split())


def _decode(data: bytes, path: Path) -> str:
    """Decode as the page declares (byte-order mark, <meta charset>, <?xml encoding?>), else as UTF-8."""
    bom = next((mark for mark in _BOMS if data.startswith(mark)), b"")
    found = None if bom else _DECLARED.search(data[:4096])
    encoding = _BOMS[bom] if bom else found.group(1).decode("ascii").lower() if found else "utf-8"
    data = data[len(bom):]
    try:
        codec = codecs.lookup(encoding).name
        return data.decode(codec if bom else _WHATWG.get(codec, codec))
    except LookupError:
        raise ContentError(path, None, f"the page declares an unknown charset {encoding!r}", _ENCODING_HINT) from None
    except UnicodeDecodeError as err:
        raise ContentError(path, None, f"the page is not valid {encoding}: byte 0x{data[err.start]:02x} at offset "
                           f"{err.start}", _ENCODING_HINT) from None


def _article(tree):
    """trafilatura's XML of the article (p, head, list/item, table/cell, ref, lb), or None."""
    for div in tree.iter("div"):             # readability's rule: a <div> holding only a run of text is a
        if not any(child.tag in _HTML_BLOCKS for child in div.iterdescendants()) and div.text_content().strip():
            div.tag = "p"                    # paragraph (trafilatura drops such a standfirst)
    # fast: trafilatura's own extractor only; its fallbacks (readability, justext) trade a story for a
    # longer sidebar of teasers. favor_recall keeps lists; tables keep the story of table-layout pages.
    doc = trafilatura.bare_extraction(tree, fast=True, favor_recall=True, include_tables=True, include_links=True,
                                      include_comments=False, with_metadata=False, deduplicate=False)
    return doc.body if doc is not None else None


def _lines(body, links: re.Pattern) -> list[str]:
    """A line per text block, in order; a line break inside a block ends a line too. Link lists are
    furniture: a block mostly made of its own links ("Read more: <a>another story</a>") and a line made
    only of the page's link texts (a menu, when trafilatura falls back to the whole page) are left out."""
    lines: list[str] = []
    for block in body.iter(*_TEXT_BLOCKS) if body is not None else ():
        if any(child.tag in _TEXT_BLOCKS for child in block.iterdescendants()):
            continue                         # a container: its own blocks make the lines
        linked = sum(len(_clean("".join(ref.itertext()))) for ref in block.iter("ref"))
        if 2 * linked > len(_clean("".join(block.itertext()))):
            continue
        lines += [line for line in map(_clean, _runs(block, [""])) if any(c.isalpha() for c in links.sub("", line))]
    return lines


def _runs(element, runs: list[str]) -> list[str]:
    """The element's text in document order, a new run at each line break (<lb/>)."""
    runs[-1] += element.text or ""
    for child in element:
        if child.tag == "lb":
            runs.append("")
        else:
            _runs(child, runs)
        runs[-1] += child.tail or ""
    return runs


def _metadata(tree) -> dict[str, str | None]:
    ld = _json_ld(tree)
    publishers = (org.get("name") for item in ld for org in _objects(item.get("publisher")))
    source = _first(tree, '//meta[@property="og:site_name"]/@content') \
        or next(filter(None, (_clean(name) for name in publishers if isinstance(name, str))), None)
    og_title, page_title = _first(tree, '//meta[@property="og:title"]/@content'), _first(tree, "//title")
    title = (_strip_site(og_title, source, guess=False) if og_title else _first(tree, "//h1")) \
        or (_strip_site(page_title, source, guess=True) if page_title else None)
    published = _iso_date(_first(tree, '//meta[@property="article:published_time"]/@content')) \
        or next(filter(None, (_iso_date(item.get("datePublished")) for item in ld)), None) \
        or _iso_date(_first(tree, '//time[@itemprop="datePublished" or @pubdate]/@datetime',
                            "//article//time/@datetime", "//main//time/@datetime", "//time/@datetime"))
    url = _first(tree, '//link[@rel="canonical"]/@href', '//meta[@property="og:url"]/@content')
    return {"title": title, "date": published, "source": source, "url": url}


def _first(tree, *xpaths: str) -> str | None:
    """The first non-empty text the XPaths find, in the order given."""
    texts = (_clean(found if isinstance(found, str) else found.text_content()) for xpath in xpaths
             for found in tree.xpath(xpath))
    return next(filter(None, texts), None)


def _json_ld(tree) -> list[dict]:
    """Every object of the page's schema.org JSON-LD, @graph members included; broken blocks state nothing."""
    found: list[dict] = []
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        with suppress(ValueError):
            found += _objects(json.loads(script))
    return found


def _objects(value):
    if isinstance(value, list):
        for item in value:
            yield from _objects(item)
    elif isinstance(value, dict):
        yield value
        yield from _objects(value.get("@graph"))


def _iso_date(value) -> str | None:
    """YYYY-MM-DD of an ISO date or date-time: the day as the page wrote it, not converted to UTC."""
    found = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value) if isinstance(value, str) else None
    with suppress(ValueError):               # 2025-02-30 is no date
        return date(*map(int, found.groups())).isoformat() if found else None
    return None


def _strip_site(title: str, site: str | None, guess: bool) -> str:
    """'Headline | Site' or 'Site :: Headline' → 'Headline'; else `guess` keeps the longer of two parts."""
    name = re.escape(site or "")
    if site and (found := re.fullmatch(rf"(.+?){_SEPARATOR}{name}|{name}{_SEPARATOR}(.+)", title, re.I)):
        return found.group(1) or found.group(2)
    parts = re.split(_SEPARATOR, title)
    return max(parts, key=len) if guess and len(parts) == 2 else title
