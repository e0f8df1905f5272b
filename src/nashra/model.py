"""The content model: plain frozen dataclasses, and the pure functions that make them
from raw documents (checking every field against CONTENT_FORMAT.md)."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from .config import Config
from .errors import ContentError
from .load import RawDocument

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 80
COUNTRY_RE = re.compile(r"^[a-z]{2}$")
ACTOR_KINDS = {"person": "person", "organisation": "organisation", "organization": "organisation"}
ARTICLE_KEYS = {"title", "date", "summary", "actors", "countries", "source", "draft"}
ACTOR_KEYS = {"name", "aliases", "role", "country", "kind", "same_as"}
COUNTRY_KEYS = {"name", "aliases", "same_as"}
PAGE_KEYS = {"title", "summary", "draft"}


@dataclass(frozen=True)
class Source:
    name: str
    url: str | None = None


@dataclass(frozen=True)
class Article:
    """One article in one language; the same slug in two languages is a translation."""

    slug: str
    lang: str
    title: str
    date: dt.date | dt.datetime
    date_text: str                       # as the author wrote it
    body: str                            # Markdown
    path: Path
    summary: str | None = None
    actors: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    source: Source | None = None
    draft: bool = False
    ref_lines: Mapping[str, tuple[int, ...]] = field(default_factory=dict, compare=False, repr=False)

    @functools.cached_property
    def sort_key(self) -> tuple[dt.datetime, str, str]:
        """Newest first when sorted in reverse; ties broken by slug then language."""
        moment = self.date if isinstance(self.date, dt.datetime) else dt.datetime.combine(self.date, dt.time())
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return moment, self.slug, self.lang


@dataclass(frozen=True)
class Actor:
    """A person or organisation; every language inside one file."""

    slug: str
    name: Mapping[str, str]
    path: Path
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    role: Mapping[str, str] = field(default_factory=dict)
    country: str | None = None
    kind: str = "person"
    bio: Mapping[str, str] = field(default_factory=dict)     # Markdown per language
    country_line: int = 1
    same_as: tuple[str, ...] = ()                             # the same actor elsewhere (Wikidata, Wikipedia)


@dataclass(frozen=True)
class Country:
    code: str
    name: Mapping[str, str]
    path: Path
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    same_as: tuple[str, ...] = ()


@dataclass(frozen=True)
class Page:
    """A free page (about, methodology) in one language."""

    slug: str
    lang: str
    title: str
    body: str
    path: Path
    summary: str | None = None
    draft: bool = False


@dataclass(frozen=True)
class Site:
    config: Config
    articles: tuple[Article, ...]
    actors: Mapping[str, Actor]
    countries: Mapping[str, Country]
    pages: tuple[Page, ...] = ()


def name_in(entity: Actor | Country, lang: str, languages: tuple[str, ...]) -> tuple[str, str]:
    """An entity's name in `lang`, or in the first site language that has one: (name, its language)."""
    if entity.name.get(lang):
        return entity.name[lang], lang
    fallback = next(code for code in languages if entity.name.get(code))
    return entity.name[fallback], fallback


# --- field checks -------------------------------------------------------------------------------

def _fail(doc: RawDocument, key: str | None, message: str, hint: str = "") -> ContentError:
    return ContentError(doc.path, doc.line(key) if key else 1, message, hint)


def _text(doc: RawDocument, key: str, required: bool = False) -> str | None:
    value = doc.meta.get(key)
    if value is None or value == "":
        if required:
            raise ContentError(doc.path, doc.line(key) if key in doc.lines else 1, f"missing {key}",
                               f'add a line {key}: "..." to the front matter')
        return None
    if not isinstance(value, str):
        raise _fail(doc, key, f"{key} must be text, not {type(value).__name__}", f'write {key}: "..."')
    return value.strip()


def _per_language(doc: RawDocument, key: str, languages: tuple[str, ...], required: bool = False) -> dict[str, str]:
    value = doc.meta.get(key)
    if value is None:
        if required:
            raise _fail(doc, None, f"missing {key}", f'add {key}: {{{languages[0]}: "..."}} to the front matter')
        return {}
    if isinstance(value, str):      # one text for every language
        return {lang: value.strip() for lang in languages}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise _fail(doc, key, f"{key} must map language codes to text",
                    f'write {key}: {{{", ".join(f"{lang}: ..." for lang in languages)}}}')
    for lang in value:
        if lang not in languages:
            raise _fail(doc, key, f"{key} has language {lang!r}, which site.toml does not list",
                        f"languages are {', '.join(languages)}")
    result = {lang: text.strip() for lang, text in value.items() if text.strip()}
    if required and languages[0] not in result:
        raise _fail(doc, key, f"{key} has no {languages[0]!r} text (the site's default language)",
                    f'add {languages[0]}: "..." to {key}')
    return result


def _aliases(doc: RawDocument, languages: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    value = doc.meta.get("aliases")
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(doc, "aliases", "aliases must map language codes to lists of names",
                    'write aliases: {ar: ["...", "..."], en: ["..."]}')
    result = {}
    for lang, names in value.items():
        if lang not in languages:
            raise _fail(doc, "aliases", f"aliases has language {lang!r}, which site.toml does not list",
                        f"languages are {', '.join(languages)}")
        names = [names] if isinstance(names, str) else names
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise _fail(doc, "aliases", f"aliases for {lang!r} must be a list of names", 'write ar: ["...", "..."]')
        result[lang] = tuple(n.strip() for n in names if n.strip())
    return result


def _slug_list(doc: RawDocument, key: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    value = doc.meta.get(key)
    if value is None:
        return (), ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(doc, key, f"{key} must be a list of slugs", f"write {key}: [first-slug, second-slug]")
    lines = tuple(doc.item_lines.get(key) or [doc.line(key)] * len(value))
    return tuple(v.strip() for v in value), lines


def _draft(doc: RawDocument) -> bool:
    draft = doc.meta.get("draft", False)
    if not isinstance(draft, bool):
        raise _fail(doc, "draft", "draft must be true or false", "write draft: true")
    return draft


def parse_date(doc: RawDocument, key: str = "date") -> tuple[dt.date | dt.datetime, str]:
    value = doc.meta.get(key)
    if value is None or value == "":
        raise ContentError(doc.path, doc.line(key) if key in doc.lines else 1, f"missing {key}",
                           f"add a line {key}: YYYY-MM-DD to the front matter")
    text = str(value).strip()
    if text == "TODO":
        raise _fail(doc, key, f"the {key} is still to be set (nashra import leaves it: it never guesses a date)",
                    "write the day the story was published as YYYY-MM-DD; the comment on that line says "
                    "what the text itself says, such as اليوم الخميس")
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text), text
        return dt.datetime.fromisoformat(text.replace(" ", "T", 1)), text
    except ValueError:
        raise _fail(doc, key, f"{key} {text!r} is not an ISO 8601 date",
                    "write it as YYYY-MM-DD (2025-04-28) or YYYY-MM-DDTHH:MM (2025-04-28T14:30)") from None


def _unknown_keys(doc: RawDocument, allowed: set[str]) -> None:
    for key in doc.meta:
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(sorted(allowed))}"
            raise _fail(doc, key, f"unknown front matter key {key!r}", hint)


def _slug_and_lang(doc: RawDocument, languages: tuple[str, ...]) -> tuple[str, str]:
    slug, dot, lang = doc.stem.rpartition(".")
    if not dot:
        raise ContentError(doc.path, None, "the file name has no language code",
                           f"name it <slug>.<lang>.md, such as {doc.stem}.{languages[0]}.md")
    if lang not in languages:
        raise ContentError(doc.path, None, f"language code {lang!r} is not one of the site's languages",
                           f"site.toml lists {', '.join(languages)}; rename the file or add the language there")
    check_slug(doc.path, slug)
    return slug, lang


def check_slug(path: Path, slug: str) -> None:
    if not SLUG_RE.match(slug) or len(slug) > SLUG_MAX:
        suggestion = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-")[:SLUG_MAX] or "my-article"
        raise ContentError(path, None, f"bad slug {slug!r}: use lower-case a-z, 0-9 and single hyphens, "
                           f"at most {SLUG_MAX} characters", f"rename the file, for example to {suggestion!r}")


# --- documents -> model -------------------------------------------------------------------------

def article_from(doc: RawDocument, languages: tuple[str, ...]) -> Article:
    slug, lang = _slug_and_lang(doc, languages)
    _unknown_keys(doc, ARTICLE_KEYS)
    title = _text(doc, "title", required=True)
    date, date_text = parse_date(doc)
    actors, actor_lines = _slug_list(doc, "actors")
    countries, country_lines = _slug_list(doc, "countries")
    source = doc.meta.get("source")
    if isinstance(source, str):
        source = {"name": source}
    if source is not None and (not isinstance(source, dict) or not isinstance(source.get("name"), str)):
        raise _fail(doc, "source", "source must have a name", 'write source: {name: "...", url: "https://..."}')
    if source and source.get("url") is not None and not re.match(r"^https?://", str(source["url"])):
        raise _fail(doc, "source", f"source url {source['url']!r} is not an http(s) URL",
                    "write the full address, starting with https://")
    return Article(
        slug=slug, lang=lang, title=title, date=date, date_text=date_text, body=doc.body, path=doc.path,
        summary=_text(doc, "summary"), actors=actors, countries=countries,
        source=Source(source["name"].strip(), source.get("url")) if source else None, draft=_draft(doc),
        ref_lines={"actors": actor_lines, "countries": country_lines},
    )


def split_bio(body: str, languages: tuple[str, ...]) -> dict[str, str]:
    """An actor's body: one `## <lang>` section per language."""
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for line in body.split("\n"):
        heading = re.fullmatch(r"##\s+([a-z]{2,3})\s*", line)
        if heading and heading.group(1) in languages:
            current = heading.group(1)
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return {lang: "\n".join(lines).strip() for lang, lines in sections.items() if "\n".join(lines).strip()}


def actor_from(doc: RawDocument, languages: tuple[str, ...]) -> Actor:
    check_slug(doc.path, doc.stem)
    _unknown_keys(doc, ACTOR_KEYS)
    kind = doc.meta.get("kind", "person")
    if kind not in ACTOR_KINDS:
        raise _fail(doc, "kind", f"kind must be person or organisation, not {kind!r}", "write kind: person")
    country = _text(doc, "country")
    if country is not None and not COUNTRY_RE.match(country):
        raise _fail(doc, "country", f"country {country!r} is not a two-letter code", "write country: tr")
    return Actor(
        slug=doc.stem, name=_per_language(doc, "name", languages, required=True), path=doc.path,
        aliases=_aliases(doc, languages), role=_per_language(doc, "role", languages), country=country,
        kind=ACTOR_KINDS[kind], bio=split_bio(doc.body, languages), country_line=doc.line("country"),
        same_as=_same_as(doc),
    )


def country_from(doc: RawDocument, languages: tuple[str, ...]) -> Country:
    if not COUNTRY_RE.match(doc.stem):
        raise ContentError(doc.path, None, f"country file name {doc.stem!r} is not an ISO 3166-1 alpha-2 code",
                           "name it with the two-letter code in lower case, such as tr.md or ly.md")
    _unknown_keys(doc, COUNTRY_KEYS)
    return Country(code=doc.stem, name=_per_language(doc, "name", languages, required=True), path=doc.path,
                   aliases=_aliases(doc, languages), same_as=_same_as(doc))


def _same_as(doc: RawDocument) -> tuple[str, ...]:
    """`same_as`: addresses of the same actor or country elsewhere, e.g. its Wikidata item."""
    value = doc.meta.get("same_as", [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and re.match(r"^https?://\S+$", v) for v in value):
        raise _fail(doc, "same_as", "same_as must be a list of http(s) addresses",
                    'write same_as: ["https://www.wikidata.org/wiki/Q..."]')
    return tuple(value)


def page_from(doc: RawDocument, languages: tuple[str, ...]) -> Page:
    slug, lang = _slug_and_lang(doc, languages)
    _unknown_keys(doc, PAGE_KEYS)
    return Page(slug=slug, lang=lang, title=_text(doc, "title", required=True), body=doc.body, path=doc.path,
                summary=_text(doc, "summary"), draft=_draft(doc))


MAKERS = {"articles": article_from, "actors": actor_from, "countries": country_from, "pages": page_from}
Made = Article | Actor | Country | Page


def made_from(doc: RawDocument, languages: tuple[str, ...]) -> Made | ContentError:
    """What one content file makes, or the error that says why it makes nothing."""
    try:
        return MAKERS[doc.section](doc, languages)
    except ContentError as exc:
        return exc


def make_site(config: Config, documents: Mapping[str, list[RawDocument]], drafts: bool) -> tuple[Site, list[ContentError]]:
    """Turn raw documents into a Site; collect one error per bad file rather than stop at the first."""
    languages = config.languages
    return assemble(config, {section: [made_from(doc, languages) for doc in docs] for section, docs in documents.items()},
                    drafts)


def assemble(config: Config, made: Mapping[str, Iterable[Made | ContentError]], drafts: bool) -> tuple[Site, list[ContentError]]:
    """The Site of what each content file made, by section in file order (see made_from)."""
    errors = [m for section in made.values() for m in section if isinstance(m, ContentError)]

    def good(section: str) -> list:
        return [m for m in made.get(section, ()) if not isinstance(m, ContentError)]

    articles = [a for a in good("articles") if drafts or not a.draft]
    actors = {a.slug: a for a in good("actors")}
    countries = {c.code: c for c in good("countries")}
    pages = [p for p in good("pages") if drafts or not p.draft]
    articles.sort(key=lambda a: a.sort_key, reverse=True)
    site = Site(config=config, articles=tuple(articles), actors=actors, countries=countries, pages=tuple(pages))
    return site, errors
