"""Every URL and output path is made here, so a base path (https://user.github.io/site/) never breaks."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlparse

# Folder names a free page may not take: they belong to the builder's own sections.
RESERVED = frozenset({"articles", "actors", "countries", "search", "page", "css", "js", "img", "static", "assets"})
FEED_FILES = {"atom": "feed.xml", "json": "feed.json"}


@dataclass(frozen=True)
class Urls:
    base_url: str          # absolute, no trailing slash
    fingerprints: tuple[tuple[str, str], ...] = ()    # static path -> fingerprinted path (assets.py)

    @functools.cached_property
    def _fingerprinted(self) -> dict[str, str]:
        return dict(self.fingerprints)

    @functools.cached_property
    def base_path(self) -> str:
        """The path prefix: "" for https://example.org, "/site" for https://user.github.io/site."""
        return urlparse(self.base_url).path.rstrip("/")

    def _url(self, *parts: str) -> str:
        return f"{self.base_path}/" + "".join(f"{p}/" for p in parts if p)

    def root(self) -> str:
        return self._url()

    def _paged(self, page: int, *parts: str) -> str:
        """Page 1 of a list lives at its own address, page n at <address>page/n/."""
        return self._url(*parts) if page == 1 else self._url(*parts, "page", str(page))

    def home(self, lang: str, page: int = 1) -> str:
        return self._paged(page, lang)

    def article(self, lang: str, slug: str) -> str:
        return self._url(lang, "articles", slug)

    def actor(self, lang: str, slug: str, page: int = 1) -> str:
        return self._paged(page, lang, "actors", slug)

    def actors(self, lang: str) -> str:
        return self._url(lang, "actors")

    def country(self, lang: str, code: str, page: int = 1) -> str:
        return self._paged(page, lang, "countries", code)

    def countries(self, lang: str) -> str:
        return self._url(lang, "countries")

    def search(self, lang: str) -> str:
        return self._url(lang, "search")

    def not_found(self, lang: str | None = None) -> str:
        """The language's "page not found" page, which hosts serve with status 404; without a language, the
        site's one for hosts that have a single 404 page (GitHub Pages)."""
        return f"{self.base_path}/{lang}/404.html" if lang else f"{self.base_path}/404.html"

    def page(self, lang: str, slug: str) -> str:
        return self._url(lang, slug)

    def asset(self, path: str) -> str:
        """A file copied from static/ (theme or site): css/nashra.css -> /css/nashra.css, or its fingerprinted
        copy /assets/css/nashra.<hash>.css when the build made one."""
        path = path.lstrip("/")
        return f"{self.base_path}/{self._fingerprinted.get(path, path)}"

    def feed(self, page_url: str, kind: str = "atom") -> str:
        """The Atom or JSON feed of a list page: a language's home, an actor or a country."""
        return page_url + FEED_FILES[kind]

    def sitemap(self) -> str:
        return f"{self.base_path}/sitemap.xml"

    def robots(self) -> str:
        return f"{self.base_path}/robots.txt"

    @functools.cached_property
    def _origin(self) -> str:
        """https://user.github.io for https://user.github.io/site."""
        parsed = urlparse(self.base_url)
        return f"{parsed.scheme}://{parsed.netloc}"

    def absolute(self, url: str) -> str:
        return self._origin + url

    def output_path(self, url: str) -> PurePosixPath:
        """The file (relative to the output folder) that serves `url`."""
        assert url.startswith(self.base_path + "/"), url
        path = url[len(self.base_path) + 1:]
        return PurePosixPath(path + "index.html" if path.endswith("/") or not path else path)
