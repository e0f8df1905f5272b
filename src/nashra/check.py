"""`nashra check`: build into a temporary folder, then report what a reader would trip over.

Output checks read every built page with html5lib, a parser that follows the WHATWG algorithm (the one
browsers use) and reports its parse errors; never with regular expressions. Source checks read the model
the build is made from (load → model → link). Nothing here prints: `format_text` and `Report.to_json`
turn a report into what the command shows.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import difflib
import http.client
import json
import tempfile
import time
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator, Mapping
from urllib.parse import SplitResult, quote, unquote, urldefrag, urljoin, urlsplit, urlunsplit
from xml.etree import ElementTree

import html5lib
from html5lib.constants import E as PARSE_ERROR_TEXTS

from . import __version__, arabic
from .build import build
from .config import load_config
from .errors import BuildError, ContentError
from .link import Links, link
from .load import RawDocument, load_content
from .markup import Markup, plain_summary
from .model import Site, make_site
from .parallel import map_chunks
from .urls import Urls

OUTPUT = "public"               # how findings name the (temporary) output folder
EXTERNAL_TIMEOUT = 10.0         # seconds for each request of --external
EXTERNAL_WORKERS = 4            # requests at once
USER_AGENT = f"nashra/{__version__} (link check)"

# Attributes that hold a URL, and what a missing target is: a "link" a reader follows, or an "asset"
# the page loads itself. <link> depends on its rel (ASSET_RELS); <meta http-equiv=refresh> is read apart.
URL_ATTRIBUTES: dict[tuple[str, str], str] = {
    ("a", "href"): "link", ("area", "href"): "link", ("form", "action"): "link", ("button", "formaction"): "link",
    ("input", "formaction"): "link", ("blockquote", "cite"): "link", ("q", "cite"): "link", ("del", "cite"): "link",
    ("ins", "cite"): "link", ("link", "href"): "link",
    ("img", "src"): "asset", ("img", "srcset"): "asset", ("source", "src"): "asset", ("source", "srcset"): "asset",
    ("script", "src"): "asset", ("iframe", "src"): "asset", ("embed", "src"): "asset", ("object", "data"): "asset",
    ("audio", "src"): "asset", ("video", "src"): "asset", ("video", "poster"): "asset", ("track", "src"): "asset",
    ("input", "src"): "asset", ("image", "href"): "asset", ("use", "href"): "asset",
}
ASSET_RELS = frozenset({"stylesheet", "icon", "apple-touch-icon", "mask-icon", "manifest", "preload",
                        "modulepreload", "prefetch"})
WHAT = {"img": "image", "source": "media source", "script": "script", "iframe": "frame", "embed": "embedded file",
        "object": "embedded file", "audio": "audio", "video": "video", "track": "text track", "input": "image",
        "image": "image", "use": "graphic"}


@dataclass(frozen=True)
class Finding:
    level: str                  # "error" or "warning"
    code: str                   # broken-link, broken-anchor, missing-asset, invalid-html ... (see the README)
    file: str                   # relative to the site: content/articles/x.ar.md, public/ar/articles/x/index.html
    line: int | None
    message: str
    hint: str = ""
    source: str | None = None   # for a built page: the content file that made it, when one did


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    pages: int = 0                                                       # HTML pages checked
    missing_translations: dict[str, list[dict]] = field(default_factory=dict)   # lang -> [{slug, title, file}]
    seconds: float = 0.0

    @property
    def errors(self) -> int:
        return sum(f.level == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.level == "warning" for f in self.findings)

    def to_json(self) -> dict:
        return {"errors": self.errors, "warnings": self.warnings, "pages": self.pages,
                "findings": [dataclasses.asdict(f) for f in self.findings],
                "missing_translations": self.missing_translations}


@dataclass(frozen=True)
class Ref:
    """One URL in one attribute of a built page."""

    url: str
    kind: str                   # "link" or "asset"
    what: str                   # for messages: link, image, stylesheet ...
    line: int | None


@dataclass
class ParsedPage:
    name: str                   # relative to the output folder: ar/articles/x/index.html
    ids: set[str]               # what a #fragment may name: every id, and a[name]
    refs: list[Ref]
    errors: list[tuple[int, int, str]]     # HTML5 parse errors: line, column, text
    base: str | None = None     # <base href>, when the page has one


def check(root: Path, drafts: bool = False, external: bool = False, workers: int | None = None,
          timeout: float = EXTERNAL_TIMEOUT) -> Report:
    """Build the site in `root` into a temporary folder (removed afterwards) and check it.

    Build errors end the check: there is no output to read. `external` also requests every http(s)
    link to another site; without it, nothing leaves the machine."""
    started = time.perf_counter()
    root = root.resolve()
    report = Report()
    with tempfile.TemporaryDirectory(prefix="nashra-check-") as folder:
        public = Path(folder) / OUTPUT
        try:
            build(root, output=public, drafts=drafts, workers=workers, remember_output=False)
        except BuildError as exc:
            report.findings = [build_finding(error, root) for error in exc.errors]
            report.seconds = time.perf_counter() - started
            return report
        config = load_config(root)
        documents, _ = load_content(root)
        site, _ = make_site(config, documents, drafts)
        links, _ = link(site)
        urls = Urls(config.base_url)

        pages = parse_pages(public, workers)
        feeds = parse_feeds(public)
        files = {path.relative_to(public).as_posix() for path in public.rglob("*") if path.is_file()}
        sources = page_sources(site, urls, root)
        findings, outside = reference_findings(pages | feeds, files, urls, sources)
        findings += html_findings(pages, sources) + feed_findings(feeds)
        if external:
            findings += external_findings(outside, sources, timeout)
    missing, translation_findings = missing_translations(site, links, root)
    findings += translation_findings + unused_entities(site, links, root)
    findings += duplicate_titles(site, documents, root) + empty_summaries(site, documents, root)
    report.findings = sorted(findings, key=lambda f: (f.file, f.line or 0, f.code, f.message))
    report.pages = len(pages)
    report.missing_translations = missing
    report.seconds = time.perf_counter() - started
    return report


def relative(path: Path, root: Path) -> str:
    """A source file as the author knows it: content/articles/x.ar.md."""
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def build_finding(error: ContentError, root: Path) -> Finding:
    return Finding("error", "build-error", relative(error.path, root), error.line, error.message, error.hint)


# --- reading built pages ------------------------------------------------------------------------

_EtreeBuilder = html5lib.getTreeBuilder("etree")


class _LineBuilder(_EtreeBuilder):
    """html5lib's ElementTree builder that remembers the line where each start tag ends, for findings.

    html5lib makes every element through these two methods (1.1; tests/test_check.py checks a line)."""

    def __init__(self, namespaceHTMLElements: bool):
        super().__init__(namespaceHTMLElements)
        self.lines: dict = {}
        self.position = lambda: (None, None)

    def createElement(self, token):
        element = super().createElement(token)
        self.lines[element._element] = self.position()[0]
        return element

    def insertElementNormal(self, token):
        element = super().insertElementNormal(token)
        self.lines.setdefault(element._element, self.position()[0])
        return element


def parse_page(file: Path, name: str) -> ParsedPage:
    parser = html5lib.HTMLParser(tree=_LineBuilder, namespaceHTMLElements=False)
    parser.tree.position = lambda: parser.tokenizer.stream.position()
    document = parser.parse(file.read_bytes())        # bytes: the parser finds the encoding as browsers do
    page = ParsedPage(name, set(), [], [(line, column, _error_text(code, data))
                                        for (line, column), code, data in parser.errors])
    for element in document.iter():
        if not isinstance(element.tag, str):          # comments
            continue
        tag = element.tag.rpartition("}")[2]          # svg and MathML elements carry their namespace
        attributes = {key.rpartition("}")[2]: value for key, value in element.attrib.items()}
        if attributes.get("id"):
            page.ids.add(attributes["id"])
        if tag == "a" and attributes.get("name"):
            page.ids.add(attributes["name"])
        if tag == "base" and "href" in attributes and page.base is None:
            page.base = attributes["href"].strip()
        page.refs.extend(_refs(tag, attributes, parser.tree.lines.get(element)))
    return page


def _refs(tag: str, attributes: Mapping[str, str], line: int | None) -> Iterator[Ref]:
    """The URLs in one element's attributes."""
    if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
        url = refresh_url(attributes.get("content", ""))
        if url:
            yield Ref(url, "link", "refresh target", line)
    for attribute, value in attributes.items():
        kind = URL_ATTRIBUTES.get((tag, attribute))
        if kind is None:
            continue
        what = "form action" if attribute in ("action", "formaction") else WHAT.get(tag, "link")
        if tag == "link":
            rels = set(attributes.get("rel", "").lower().split())
            kind = "asset" if rels & ASSET_RELS else "link"
            what = "stylesheet" if "stylesheet" in rels else "icon" if "icon" in rels else "link"
        for url in (srcset_urls(value) if attribute == "srcset" else [value.strip()]):
            yield Ref(url, kind, what, line)


def _error_text(code: str, data: Mapping | None) -> str:
    text = PARSE_ERROR_TEXTS.get(code, code)
    try:
        return text % (data or {})
    except (KeyError, TypeError, ValueError):
        return text


def srcset_urls(value: str) -> list[str]:
    """The URLs of a srcset: comma-separated candidates, each a URL and an optional descriptor."""
    return [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]


def refresh_url(content: str) -> str | None:
    """The URL of <meta http-equiv="refresh" content="0; url=/ar/">, read the way the HTML standard reads it."""
    space = " \t\n\f\r"
    rest = content.lstrip(space).lstrip("0123456789.").lstrip(space)
    if rest[:1] in (";", ","):
        rest = rest[1:].lstrip(space)
    if rest[:3].lower() == "url" and rest[3:].lstrip(space).startswith("="):
        rest = rest[3:].lstrip(space)[1:].lstrip(space)
    if rest[:1] in ("'", '"'):
        rest = rest[1:].split(rest[0], 1)[0]
    return rest.strip() or None


def parse_pages(public: Path, workers: int | None = None) -> dict[str, ParsedPage]:
    names = sorted(path.relative_to(public).as_posix() for path in public.rglob("*.html"))

    def parse_chunk(chunk: list[str]) -> list[ParsedPage]:
        return [parse_page(public / name, name) for name in chunk]

    return {page.name: page for chunk in map_chunks(parse_chunk, names, workers) for page in chunk}


def parse_feeds(public: Path) -> dict[str, ParsedPage]:
    """The addresses in the feeds and the sitemap (Atom and sitemap XML, JSON Feed), read as "pages" whose
    links are checked like a page's; a file that does not parse gets its error instead."""
    found: dict[str, ParsedPage] = {}
    for path in sorted([*public.rglob("*.xml"), *public.rglob("feed.json")]):
        name = path.relative_to(public).as_posix()
        page = found[name] = ParsedPage(name, set(), [], [])
        try:
            if path.suffix == ".json":
                data = json.loads(path.read_text(encoding="utf-8"))
                urls = [data.get("home_page_url"), data.get("feed_url")]
                urls += [item.get("url") for item in data.get("items", [])]
            else:
                root = ElementTree.parse(path).getroot()
                urls = [e.get("href") for e in root.iter() if e.tag.rpartition("}")[2] == "link"]
                urls += [e.text for e in root.iter() if e.tag.rpartition("}")[2] == "loc"]
        except (ValueError, ElementTree.ParseError, AttributeError) as exc:
            page.errors.append((getattr(exc, "position", (None, 0))[0] or 0, 0, str(exc)))
            continue
        page.refs.extend(Ref(url.strip(), "link", "feed or sitemap address", None) for url in urls if url)
    return found


def feed_findings(feeds: Mapping[str, ParsedPage]) -> list[Finding]:
    return [Finding("error", "invalid-feed", f"{OUTPUT}/{name}", line or None, f"the file does not parse: {text}",
                    "a template or the content wrote characters XML or JSON cannot carry; report it")
            for name, page in feeds.items() for line, _, text in page.errors]


def page_sources(site: Site, urls: Urls, root: Path) -> dict[str, str]:
    """Output folder of each page made from one content file (its embed and later list pages below it)
    -> that file, relative to the site."""
    owners: dict[str, str] = {}

    def own(url: str, path: Path) -> None:
        owners[str(urls.output_path(url).parent)] = relative(path, root)

    for article in site.articles:
        own(urls.article(article.lang, article.slug), article.path)
    for page in site.pages:
        own(urls.page(page.lang, page.slug), page.path)
    for lang in site.config.languages:
        for actor in site.actors.values():
            own(urls.actor(lang, actor.slug), actor.path)
        for country in site.countries.values():
            own(urls.country(lang, country.code), country.path)
    return owners


def source_of(name: str, sources: Mapping[str, str]) -> str | None:
    for folder in PurePosixPath(name).parents:
        if str(folder) in sources:
            return sources[str(folder)]
    return None


# --- links inside the site -----------------------------------------------------------------------

def reference_findings(pages: Mapping[str, ParsedPage], files: set[str], urls: Urls, sources: Mapping[str, str]
                       ) -> tuple[list[Finding], dict[str, set[str]]]:
    """Broken internal links, anchors and assets; and the http(s) URLs of other sites -> pages linking them."""
    findings: list[Finding] = []
    outside: dict[str, set[str]] = defaultdict(set)
    page_urls = sorted(_url_of(name, urls) for name in files if name.endswith(".html"))
    for name, page in pages.items():
        here = urls.absolute(f"{urls.base_path}/{name}")
        base = urljoin(here, page.base) if page.base else here
        seen: set[tuple[str, str]] = set()
        for ref in page.refs:
            if (ref.url, ref.kind) in seen:
                continue
            seen.add((ref.url, ref.kind))
            where, target = _where(ref.url, base, urls)
            if where == "external":
                outside[urldefrag(target.geturl())[0]].add(name)
            elif where == "off-base":
                findings.append(_finding(
                    page, ref, sources, "broken-link" if ref.kind == "link" else "missing-asset",
                    f"{ref.what} {ref.url} is outside the site's base path {urls.base_path}/",
                    f"write it as {urls.base_path}/{target.path.lstrip('/')} or as a relative link"))
            elif where == "site" and (finding := _check_target(page, ref, target, urls, files, pages, page_urls,
                                                               sources)):
                findings.append(finding)
    return findings, outside


def _where(url: str, base: str, urls: Urls) -> tuple[str, SplitResult]:
    """Where a URL of a page leads: "site" (under base_url), "external" (another site), "off-base" (a path
    on the site's host that misses its base path, such as /ar/ for https://user.github.io/project),
    or "other" (mailto:, tel:, javascript:, data: ...)."""
    target = urlsplit(urljoin(base, url))
    if target.scheme not in ("http", "https"):
        return "other", target
    if target.netloc.lower() != urlsplit(urls.base_url).netloc.lower():
        return "external", target
    if target.path == urls.base_path or target.path.startswith(urls.base_path + "/"):
        return "site", target
    return ("external" if urlsplit(url).netloc else "off-base"), target


def _url_of(name: str, urls: Urls) -> str:
    """The address that serves an output file: ar/articles/x/index.html -> /ar/articles/x/."""
    return f"{urls.base_path}/{name.removesuffix('index.html')}"


def _output_file(path: str, files: set[str]) -> str | None:
    """The output file that serves a path inside the site (a folder serves its index.html)."""
    if path == "" or path.endswith("/"):
        return path + "index.html" if path + "index.html" in files else None
    if path in files:
        return path
    return path + "/index.html" if path + "/index.html" in files else None


def _check_target(page: ParsedPage, ref: Ref, target: SplitResult, urls: Urls, files: set[str],
                  pages: Mapping[str, ParsedPage], page_urls: list[str], sources) -> Finding | None:
    path = unquote(target.path[len(urls.base_path):].lstrip("/"))
    file = _output_file(path, files)
    if file is None:
        if ref.kind == "asset":
            return _finding(page, ref, sources, "missing-asset", f"missing {ref.what} {ref.url}: no such file in "
                            "the output", "put the file in static/ (copied to the output as it is), or fix the path")
        close = difflib.get_close_matches(urls.base_path + "/" + path, page_urls, n=1, cutoff=0.6)
        hint = (f"did you mean {close[0]}?" if close else
                "link to a page the site builds (the output URLs are listed in CONTENT_FORMAT.md), or remove it")
        return _finding(page, ref, sources, "broken-link", f"broken {ref.what} {ref.url}: no page at this address",
                        hint)
    fragment = target.fragment
    if not fragment or fragment.lower() == "top" or file not in pages:
        return None
    ids = pages[file].ids
    if fragment in ids or unquote(fragment) in ids:
        return None
    close = difflib.get_close_matches(unquote(fragment), sorted(ids), n=1, cutoff=0.6)
    shown = ", ".join(f"#{i}" for i in sorted(ids)[:8]) + (" ..." if len(ids) > 8 else "")
    hint = (f"did you mean #{close[0]}?" if close else
            f"link to one of its ids ({shown}), or without the #fragment" if ids else "link without the #fragment")
    return _finding(page, ref, sources, "broken-anchor",
                    f"broken anchor {ref.url}: {OUTPUT}/{file} has no element with id \"{unquote(fragment)}\"", hint)


def _finding(page: ParsedPage, ref: Ref, sources, code: str, message: str, hint: str) -> Finding:
    return Finding("error", code, f"{OUTPUT}/{page.name}", ref.line, message, hint, source_of(page.name, sources))


def html_findings(pages: Mapping[str, ParsedPage], sources: Mapping[str, str]) -> list[Finding]:
    return [Finding("error", "invalid-html", f"{OUTPUT}/{name}", line, f"invalid HTML (column {column}): {text}",
                    "fix the template that writes it (the site's templates/ or the theme's); browsers repair "
                    "such markup, not always as meant",
                    source_of(name, sources))
            for name, page in pages.items() for line, column, text in page.errors]


# --- links to other sites (--external) ----------------------------------------------------------

def as_sent(url: str) -> str:
    """The URL as a browser sends it: the host in IDNA, the rest percent-encoded as UTF-8 (Arabic paths)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").encode("idna").decode("ascii")
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, quote(parts.path, safe="/%:@!$&'()*+,;="),
                       quote(parts.query, safe="/%:@!$&'()*+,;=?"), ""))


def probe(url: str, timeout: float = EXTERNAL_TIMEOUT) -> str | None:
    """What is wrong with an external URL, or None when it answers. HEAD first, GET if HEAD is refused."""
    for method in ("HEAD", "GET"):
        try:
            request = urllib.request.Request(as_sent(url), method=method, headers={"User-Agent": USER_AGENT})
            with urllib.request.urlopen(request, timeout=timeout):
                return None
        except urllib.error.HTTPError as exc:
            exc.close()
            if method == "HEAD" and exc.code in (405, 501):
                continue
            return f"HTTP {exc.code} {exc.reason}"
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
            return f"no answer ({getattr(exc, 'reason', None) or exc})"
    return None


def external_findings(outside: Mapping[str, set[str]], sources: Mapping[str, str],
                      timeout: float = EXTERNAL_TIMEOUT) -> list[Finding]:
    """One request per external URL, at most EXTERNAL_WORKERS at once; an error for each that fails."""
    targets = sorted(outside)
    with concurrent.futures.ThreadPoolExecutor(max_workers=EXTERNAL_WORKERS) as pool:
        problems = list(pool.map(lambda url: probe(url, timeout), targets))
    findings = []
    for url, problem in zip(targets, problems):
        if problem is None:
            continue
        linking = sorted(outside[url])
        files = sorted({source for name in linking if (source := source_of(name, sources))})
        findings.append(Finding(
            "error", "external-link", f"{OUTPUT}/{linking[0]}", None,
            f"external link {url}: {problem}; linked from {len(linking)} page(s): "
            + ", ".join(f"{OUTPUT}/{name}" for name in linking),
            "fix or remove the link" + (f" in {', '.join(files)}" if files else ""), source_of(linking[0], sources)))
    return findings


# --- the sources ---------------------------------------------------------------------------------

def missing_translations(site: Site, links: Links, root: Path) -> tuple[dict[str, list[dict]], list[Finding]]:
    """Stories missing a language: lang -> [{slug, title, file}], and a warning for each."""
    languages = site.config.languages
    table: dict[str, list[dict]] = {lang: [] for lang in languages}
    findings = []
    for slug, story in sorted(links.stories.items()):
        original = story.version(languages[0], languages)
        for lang in languages:
            if lang in story.versions:
                continue
            file = relative(original.path, root)
            table[lang].append({"slug": slug, "title": original.title, "file": file})
            findings.append(Finding("warning", "missing-translation", file, None, f"no {lang} translation",
                                    f"add content/articles/{slug}.{lang}.md"))
    return {lang: rows for lang, rows in table.items() if rows}, findings


def unused_entities(site: Site, links: Links, root: Path) -> list[Finding]:
    findings = []
    for slug, actor in sorted(site.actors.items()):
        if slug not in links.by_actor:
            findings.append(Finding("warning", "unused-actor", relative(actor.path, root), None,
                                    f"actor {slug!r} is linked by no article",
                                    f"add {slug} to an article's actors: list, or delete the file"))
    for code, country in sorted(site.countries.items()):
        if code not in links.by_country:
            actors = links.actors_of_country.get(code, ())
            note = f" (only by the actor(s) {', '.join(actors)})" if actors else ""
            findings.append(Finding("warning", "unused-country", relative(country.path, root), None,
                                    f"country {code!r} is linked by no article{note}",
                                    f"add {code} to an article's countries: list, or delete the file"))
    return findings


def _documents_by_path(documents: Mapping[str, list[RawDocument]]) -> dict[Path, RawDocument]:
    return {doc.path: doc for docs in documents.values() for doc in docs}


def duplicate_titles(site: Site, documents: Mapping[str, list[RawDocument]], root: Path) -> list[Finding]:
    """Articles of one language whose titles read the same (folded as search and linking fold them)."""
    by_title: dict[tuple[str, str], list] = defaultdict(list)
    for article in site.articles:
        by_title[(article.lang, arabic.fold_text(" ".join(article.title.split())))].append(article)
    docs = _documents_by_path(documents)
    findings = []
    for (lang, _), articles in sorted(by_title.items()):
        if len(articles) < 2:
            continue
        files = sorted(relative(a.path, root) for a in articles)
        first = min(articles, key=lambda a: relative(a.path, root))
        doc = docs.get(first.path)
        findings.append(Finding("warning", "duplicate-title", files[0], doc.lines.get("title") if doc else None,
                                f"{len(files)} {lang} articles have the title \"{first.title}\": {', '.join(files)}",
                                "give each article its own title; readers tell stories apart by them"))
    return findings


def empty_summaries(site: Site, documents: Mapping[str, list[RawDocument]], root: Path) -> list[Finding]:
    """Articles that show no summary: none in the front matter, and no paragraph text in the body."""
    docs = _documents_by_path(documents)
    markup = Markup()
    findings = []
    for article in site.articles:
        if article.summary or plain_summary(markup.render(article.body).first_paragraph):
            continue
        doc = docs.get(article.path)
        findings.append(Finding("warning", "empty-summary", relative(article.path, root),
                                doc.lines.get("summary") if doc else None,
                                "the summary is empty: none in the front matter, and the body has no paragraph "
                                "to take it from", 'add summary: "..." to the front matter, or a paragraph of text '
                                "to the body"))
    return findings


# --- showing a report ---------------------------------------------------------------------------

def _count(n: int, noun: str, plural: str = "") -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def summary_line(report: Report) -> str:
    return (f"{_count(report.errors, 'error')}, {_count(report.warnings, 'warning')} "
            f"in {_count(report.pages, 'page')}")


def _table(rows: Iterable[tuple[str, ...]], indent: str = "    ") -> list[str]:
    rows = list(rows)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return [indent + "  ".join([*(cell.ljust(w) for cell, w in zip(row, widths)), row[-1]]).rstrip()
            for row in rows]


def format_text(report: Report) -> str:
    """Findings grouped by file, a table of missing translations per language, then the summary line."""
    lines: list[str] = []
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        if finding.code != "missing-translation":         # shown as tables below
            by_file[finding.file].append(finding)
    for file, findings in by_file.items():
        source = findings[0].source
        lines.append(file + (f"  (made from {source})" if source else ""))
        for f in findings:
            where = f"line {f.line}: " if f.line else ""
            lines.append(f"  {where}{f.level}: {f.message} [{f.code}]")
            if f.hint:
                lines.append(f"    hint: {f.hint}")
        lines.append("")
    for lang, stories in report.missing_translations.items():
        lines.append(f"warning: {_count(len(stories), 'story has', 'stories have')} no {lang} translation "
                     "[missing-translation]")
        lines += _table([("slug", "file", "title")] + [(s["slug"], s["file"], s["title"]) for s in stories])
        lines.append("")
    lines.append(summary_line(report))
    return "\n".join(lines)
