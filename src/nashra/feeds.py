"""Atom (RFC 4287) and JSON Feed 1.1 documents, from plain values the planner gives.

A feed's `updated` is its newest entry's date, never the build time: two builds of the same site write
the same bytes.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

ATOM = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Root-relative addresses in rendered HTML, which a feed reader cannot resolve on its own.
_ROOT_RELATIVE = re.compile(r'\b(href|src)="/(?!/)')


@dataclass(frozen=True)
class Entry:
    title: str
    url: str                 # absolute
    lang: str
    published: date | datetime
    summary: str
    content_html: str = ""   # empty: the feed carries summaries only
    author: str = ""         # the story's source, when it names one
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feed:
    title: str
    lang: str
    page_url: str            # absolute: the page the feed follows
    atom_url: str            # absolute
    json_url: str            # absolute
    author: str              # the site's title
    subtitle: str = ""
    entries: tuple[Entry, ...] = field(default=())


def timestamp(value: date | datetime) -> str:
    """RFC 3339: a date alone is midnight UTC; a date-time without a zone is taken as UTC."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.isoformat().replace("+00:00", "Z")


def absolute_links(html: str, origin: str) -> str:
    """href="/ar/..." -> href="https://example.org/ar/...", so links work inside a feed reader."""
    return _ROOT_RELATIVE.sub(lambda m: f'{m.group(1)}="{origin}/', html)


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def updated(feed: Feed) -> date | datetime | None:
    return max((e.published for e in feed.entries), key=timestamp, default=None)


def _escape(value: str) -> str:
    return html.escape(_text(value))


def _element(tag: str, text: str | None = None, indent: str = " ", **attrs: str) -> str:
    """One Atom element on its own line: <tag a="v">text</tag>, or <tag a="v" /> without text."""
    attributes = "".join(f' {name}="{_escape(value)}"' for name, value in attrs.items())
    if text is None:
        return f"{indent}<{tag}{attributes} />\n"
    return f"{indent}<{tag}{attributes}>{_escape(text)}</{tag}>\n"


def atom(feed: Feed) -> str:
    """The feed as Atom, written directly (many feeds per build: several times faster than ElementTree)."""
    newest = updated(feed)
    out = ['<?xml version="1.0" encoding="utf-8"?>\n', f'<feed xmlns="{ATOM}" xml:lang="{_escape(feed.lang)}">\n',
           _element("id", feed.page_url), _element("title", feed.title)]
    if feed.subtitle:
        out.append(_element("subtitle", feed.subtitle))
    out += [_element("updated", timestamp(newest) if newest else "1970-01-01T00:00:00Z"),
            _element("link", rel="self", type="application/atom+xml", href=feed.atom_url),
            _element("link", rel="alternate", type="text/html", href=feed.page_url, hreflang=feed.lang),
            _element("link", rel="alternate", type="application/feed+json", href=feed.json_url),
            " <author>\n", _element("name", feed.author, "  "), " </author>\n",
            _element("generator", "nashra")]
    for entry in feed.entries:
        out += [f' <entry xml:lang="{_escape(entry.lang)}">\n', _element("id", entry.url, "  "),
                _element("title", entry.title, "  "), _element("published", timestamp(entry.published), "  "),
                _element("updated", timestamp(entry.published), "  "),
                _element("link", None, "  ", rel="alternate", type="text/html", href=entry.url, hreflang=entry.lang)]
        if entry.author:
            out += ["  <author>\n", _element("name", entry.author, "   "), "  </author>\n"]
        out += [_element("category", None, "  ", term=tag) for tag in entry.tags]
        if entry.summary:
            out.append(_element("summary", entry.summary, "  "))
        if entry.content_html:
            out.append(_element("content", entry.content_html, "  ", type="html"))
        out.append(" </entry>\n")
    out.append("</feed>\n")
    return "".join(out)


def json_feed(feed: Feed) -> str:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""
    items = []
    for entry in feed.entries:
        item = {"id": entry.url, "url": entry.url, "title": entry.title, "language": entry.lang,
                "date_published": timestamp(entry.published)}
        if entry.summary:
            item["summary"] = entry.summary
        item["content_html" if entry.content_html else "content_text"] = entry.content_html or entry.summary
        if entry.author:
            item["authors"] = [{"name": entry.author}]
        if entry.tags:
            item["tags"] = list(entry.tags)
        items.append(item)
    document = {"version": "https://jsonfeed.org/version/1.1", "title": feed.title, "language": feed.lang,
                "home_page_url": feed.page_url, "feed_url": feed.json_url, "authors": [{"name": feed.author}],
                "items": items}
    if feed.subtitle:
        document["description"] = feed.subtitle
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"
