"""Site -> page jobs: what to write where, with which template and context. Pure: no I/O.

Templates present, Python decides: sorting, grouping, dates, directions and fallbacks
between languages are all settled here, and templates only loop and print.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from . import embed, i18n
from .arabic import fold
from .errors import ContentError
from .i18n import Strings, direction
from .link import Links, Story
from .markup import Rendered, plain_summary
from .model import Actor, Article, Country, Page, Site, name_in
from .search import SearchFiles
from .urls import RESERVED, Urls

STYLESHEET = "css/nashra.css"
SEARCH_SCRIPT = "js/search.js"
# UI strings the search script needs, handed to it as JSON (plural tables included).
SEARCH_STRINGS = ("search_none", "search_none_hint", "search_hint", "search_error", "search_loading", "results_count",
                  "stories_count", "kind_person", "kind_organisation", "kind_country", "search_any")
FAVICON = "favicon.svg"
CARD_ACTORS = 4
EMBED_ITEMS = 4


@dataclass(frozen=True)
class PageJob:
    url: str
    kind: str                      # root | home | article | actor | actors | country | countries | search | page
                                   # | notfound | embed | oembed | headers
    lang: str
    template: str
    context: dict = field(compare=False, repr=False)
    sources: tuple[Path, ...] = ()
    body: str | None = None        # written as it is, without a template (oEmbed JSON, _headers)


@dataclass(frozen=True)
class Inputs:
    """Everything the planner reads, made by the stages before it."""

    site: Site
    links: Links
    urls: Urls
    strings: Mapping[str, Strings]
    bodies: Mapping[tuple[str, str], Rendered]       # (article slug, lang) -> body
    bios: Mapping[tuple[str, str], str]              # (actor slug, lang) -> HTML
    page_bodies: Mapping[tuple[str, str], Rendered]  # (page slug, lang) -> body
    search: SearchFiles                              # the search index's entry points


class Planner:
    def __init__(self, inputs: Inputs):
        self.inputs = inputs
        self.site = inputs.site
        self.config = inputs.site.config
        self.languages = self.config.languages
        self.urls = inputs.urls
        self.memo: dict[str, dict] = {}      # kind -> key -> value: see _memo (live.py carries it between builds)
        self.reads: set[tuple] | None = None     # when set, what the group being planned reads (see `traced`)

    def _read(self, *key) -> None:
        if self.reads is not None:
            self.reads.add(key)

    # --- small values shared by pages ---------------------------------------------------------

    def name(self, entity: Actor | Country, lang: str) -> tuple[str, str]:
        return name_in(entity, lang, self.languages)

    def date(self, article: Article, lang: str) -> dict:
        return {"iso": article.date.isoformat(),
                "text": i18n.format_day(article.date, self.config.locales[lang], self.config.digits[lang])}

    def number(self, value: int, lang: str) -> str:
        return i18n.digits(str(value), self.config.digits[lang])

    def count(self, key: str, value: int, lang: str) -> str:
        """A counted phrase with the language's plural form: خبران, 3 أخبار, 11 خبرًا, 1 story."""
        return self.inputs.strings[lang].plural(key, value, self.number(value, lang))

    def _memo(self, kind: str, key: tuple, make) -> dict:
        """Values shared by many pages are made once; templates only read them."""
        store = self.memo.setdefault(kind, {})
        if key not in store:
            store[key] = make(*key)
        return store[key]

    def actor_ref(self, slug: str, lang: str) -> dict:
        self._read("actor_ref", slug, lang)
        return self._memo("actor", (slug, lang), self._actor_ref)

    def _actor_ref(self, slug: str, lang: str) -> dict:
        actor = self.site.actors[slug]
        name, name_lang = self.name(actor, lang)
        return {"url": self.urls.actor(lang, slug), "name": name, "lang": name_lang, "dir": direction(name_lang),
                "role": actor.role.get(lang, ""), "kind": actor.kind}

    def country_ref(self, code: str, lang: str) -> dict:
        self._read("country_ref", code, lang)
        return self._memo("country", (code, lang), self._country_ref)

    def _country_ref(self, code: str, lang: str) -> dict:
        name, name_lang = self.name(self.site.countries[code], lang)
        return {"url": self.urls.country(lang, code), "name": name, "lang": name_lang, "dir": direction(name_lang)}

    def summary(self, article: Article) -> str:
        return article.summary or plain_summary(self.inputs.bodies[(article.slug, article.lang)].first_paragraph)

    def item(self, story: Story, lang: str) -> dict:
        """One story in a list on a `lang` page, in `lang` when translated, else marked with its language.

        Made once per story and language: a story appears in many lists (home, actors, countries, related)."""
        self._read("item", story.slug, lang)
        return self._memo("item", (story.slug, lang), self._item)

    def _item(self, slug: str, lang: str) -> dict:
        story = self.inputs.links.stories[slug]
        article = story.version(lang, self.languages)
        t = self.inputs.strings[lang]
        return {
            "url": self.urls.article(article.lang, story.slug), "title": article.title, "lang": article.lang,
            "dir": direction(article.lang), "date": self.date(article, lang),
            "summary": self.summary(article), "source": article.source.name if article.source else "",
            "language_note": "" if article.lang == lang else t("only_in", language=t(f"language_{article.lang}")),
            "actors": [self.actor_ref(a, lang) for a in story.actors[:CARD_ACTORS]],
            "countries": [self.country_ref(c, lang) for c in story.countries],
        }

    def alternates(self, lang: str, url_in: dict[str, str]) -> list[dict]:
        """The language switcher: the same page in each language, or that language's home."""
        return [{"lang": code, "name": i18n.language_name(code), "dir": direction(code),
                 "url": url_in.get(code) or self.urls.home(code), "current": code == lang,
                 "same_page": code in url_in, "absolute": self.urls.absolute(url_in.get(code) or self.urls.home(code))}
                for code in self.languages]

    def base(self, lang: str, kind: str, title: str, url: str, url_in: dict[str, str], nav: str = "") -> dict:
        t = self.inputs.strings[lang]
        self._read("pages")
        free_pages = [p for p in self.site.pages if p.lang == lang]
        return {
            "lang": lang, "dir": direction(lang), "t": t, "kind": kind,
            "site_title": self.config.site_title(lang), "page_title": title,
            "canonical": self.urls.absolute(url), "home_url": self.urls.home(lang),
            "search_url": self.urls.search(lang),
            "stylesheet": self.urls.asset(STYLESHEET), "favicon": self.urls.asset(FAVICON),
            "nav": [{"label": t("nav_home"), "url": self.urls.home(lang), "current": nav == "home"},
                    {"label": t("nav_actors"), "url": self.urls.actors(lang), "current": nav == "actors"},
                    {"label": t("nav_countries"), "url": self.urls.countries(lang), "current": nav == "countries"}]
                   + [{"label": p.title, "url": self.urls.page(lang, p.slug), "current": nav == p.slug}
                      for p in free_pages],
            "alternates": self.alternates(lang, url_in),
        }

    # --- pages ---------------------------------------------------------------------------------

    def root(self) -> PageJob:
        lang = self.config.default_language
        context = {"lang": lang, "dir": direction(lang), "t": self.inputs.strings[lang],
                   "site_title": self.config.site_title(lang), "target": self.urls.home(lang),
                   "stylesheet": self.urls.asset(STYLESHEET), "favicon": self.urls.asset(FAVICON),
                   "languages": [{"lang": code, "dir": direction(code), "name": i18n.language_name(code),
                                  "url": self.urls.home(code), "title": self.config.site_title(code)}
                                 for code in self.languages]}
        return PageJob(self.urls.root(), "root", lang, "root.html", context)

    def paged(self, kind: str, lang: str, url_for, slugs: tuple[str, ...], title: str, nav: str, template: str,
              shared: dict, sources: tuple[Path, ...] = ()) -> list[PageJob]:
        """A list of stories split into pages of `page_size`: url_for(lang, n) is page n's address."""
        size = self.config.page_size
        chunks = [slugs[i:i + size] for i in range(0, len(slugs), size)] or [()]
        t = self.inputs.strings[lang]
        jobs = []
        for number, chunk in enumerate(chunks, 1):
            url = url_for(lang, number)
            page_title = title if number == 1 else f"{title} · {t('page_n', n=self.number(number, lang))}"
            context = self.base(lang, kind, page_title, url, {code: url_for(code, number) for code in self.languages},
                                nav=nav)
            context.update(shared)
            context["items"] = [self.item(self.inputs.links.stories[s], lang) for s in chunk]
            context["pagination"] = {
                "newer": url_for(lang, number - 1) if number > 1 else "",
                "older": url_for(lang, number + 1) if number < len(chunks) else "",
                "number": self.number(number, lang), "count": self.number(len(chunks), lang),
            }
            jobs.append(PageJob(url, kind, lang, template, context, sources))
        return jobs

    def homes(self, lang: str) -> list[PageJob]:
        self._read("order")
        return self.paged("home", lang, self.urls.home, tuple(self.inputs.links.stories), self.config.site_title(lang),
                          "home", "home.html", {})

    def article(self, story: Story, article: Article) -> PageJob:
        lang = article.lang
        self._read("article", story.slug, lang)
        self._read("versions", story.slug)
        self._read("related", story.slug)
        url = self.urls.article(lang, story.slug)
        context = self.base(lang, "article", article.title, url,
                            {code: self.urls.article(code, story.slug) for code in story.versions})
        body = self.inputs.bodies[(story.slug, lang)]
        context.update({
            "article": {"title": article.title, "date": self.date(article, lang), "summary": self.summary(article),
                        "source": {"name": article.source.name, "url": article.source.url} if article.source else None,
                        "body": body.html},
            "actors": [self.actor_ref(a, lang) for a in article.actors],
            "countries": [self.country_ref(c, lang) for c in article.countries],
            "related": [self.item(self.inputs.links.stories[s], lang) for s in self.inputs.links.related.get(story.slug, ())],
            "translations": [{"lang": code, "name": i18n.language_name(code), "dir": direction(code),
                              "url": self.urls.article(code, story.slug)}
                             for code in self.languages if code in story.versions and code != lang],
        })
        context["embed"] = self.embed_for("article", url, article.title)
        return PageJob(url, "article", lang, "article.html", context, (article.path,))

    def article_embed(self, story: Story, article: Article) -> list[PageJob]:
        lang = article.lang
        self._read("article", story.slug, lang)
        card = {"article": {"title": article.title, "date": self.date(article, lang), "summary": self.summary(article),
                            "source": article.source.name if article.source else ""},
                "actors": [self.actor_ref(a, lang) for a in article.actors[:CARD_ACTORS]],
                "countries": [self.country_ref(c, lang) for c in article.countries]}
        return self.embed_jobs("article", lang, self.urls.article(lang, story.slug), article.title, card,
                               (article.path,))

    # --- embeds ----------------------------------------------------------------------------------

    def embed_for(self, kind: str, page_url: str, title: str) -> dict:
        """What a full page offers of its embed: the snippet, the view, and the oEmbed discovery link."""
        return {"snippet": embed.snippet(self.urls, page_url, kind, title), "view": page_url + "embed/",
                "oembed": self.urls.absolute(page_url + "oembed.json"), "title": title}

    def embed_jobs(self, kind: str, lang: str, page_url: str, title: str, card: dict,
                   sources: tuple[Path, ...] = ()) -> list[PageJob]:
        """The embed view of a page (no site chrome, links open in the top window) and its oEmbed answer."""
        context = {"lang": lang, "dir": direction(lang), "t": self.inputs.strings[lang], "kind": kind,
                   "title": title, "site_title": self.config.site_title(lang), "page_url": page_url,
                   "home_url": self.urls.home(lang), "canonical": self.urls.absolute(page_url),
                   "stylesheet": self.urls.asset(embed.EMBED_STYLESHEET), "script": self.urls.asset(embed.EMBED_SCRIPT),
                   "favicon": self.urls.asset(FAVICON), **card}
        answer = embed.oembed(self.urls, page_url, kind, title, self.config.site_title(lang))
        return [PageJob(page_url + "embed/", "embed", lang, f"embed/{kind}.html", context, sources),
                PageJob(page_url + "oembed.json", "oembed", lang, "", {}, sources, body=answer)]

    def headers(self) -> PageJob:
        return PageJob(self.urls.root() + "_headers", "headers", self.config.default_language, "", {},
                       body=embed.headers_file(self.urls))

    def actor(self, actor: Actor, lang: str) -> list[PageJob]:
        name, name_lang = self.name(actor, lang)
        self._read("actor", actor.slug)
        self._read("by_actor", actor.slug)
        self._read("co_actors", actor.slug)
        slugs = self.inputs.links.by_actor.get(actor.slug, ())
        shared = {
            "actor": {"name": name, "lang": name_lang, "dir": direction(name_lang), "kind": actor.kind,
                      "other_names": self.other_names(actor, lang), "role": actor.role.get(lang, ""),
                      "bio": self.inputs.bios.get((actor.slug, lang), ""),
                      "country": self.country_ref(actor.country, lang) if actor.country else None,
                      "count": self.count("stories_count", len(slugs), lang)},
            "co_actors": [self.actor_ref(other, lang) | {"count": self.count("together_count", n, lang)}
                          for other, n in self.inputs.links.co_actors.get(actor.slug, ())],
        }
        shared["embed"] = self.embed_for("actor", self.urls.actor(lang, actor.slug), name)
        return self.paged("actor", lang, lambda code, n: self.urls.actor(code, actor.slug, n), slugs, name, "actors",
                          "actor.html", shared, (actor.path,))

    def actor_embed(self, actor: Actor, lang: str) -> list[PageJob]:
        self._read("actor", actor.slug)
        self._read("by_actor", actor.slug)
        return self.entity_embed("actor", actor, lang, self.inputs.links.by_actor.get(actor.slug, ()),
                                 f"kind_{actor.kind}", actor.role.get(lang, ""), self.urls.actor(lang, actor.slug))

    def other_names(self, entity: Actor | Country, lang: str) -> list[dict]:
        """The entity's name in the site's other languages, shown isolated beside the main name."""
        return [{"name": entity.name[code], "lang": code, "dir": direction(code)}
                for code in self.languages if code != lang and code in entity.name]

    def country(self, country: Country, lang: str) -> list[PageJob]:
        name, name_lang = self.name(country, lang)
        self._read("country", country.code)
        self._read("by_country", country.code)
        self._read("actors_of_country", country.code)
        slugs = self.inputs.links.by_country.get(country.code, ())
        shared = {
            "country": {"name": name, "lang": name_lang, "dir": direction(name_lang), "code": country.code,
                        "other_names": self.other_names(country, lang),
                        "count": self.count("stories_count", len(slugs), lang)},
            "actors": [self.actor_ref(a, lang) for a in self.inputs.links.actors_of_country.get(country.code, ())],
        }
        shared["embed"] = self.embed_for("country", self.urls.country(lang, country.code), name)
        return self.paged("country", lang, lambda code, n: self.urls.country(code, country.code, n), slugs, name,
                          "countries", "country.html", shared, (country.path,))

    def country_embed(self, country: Country, lang: str) -> list[PageJob]:
        self._read("country", country.code)
        self._read("by_country", country.code)
        return self.entity_embed("country", country, lang, self.inputs.links.by_country.get(country.code, ()),
                                 "kind_country", "", self.urls.country(lang, country.code))

    def entity_embed(self, kind: str, entity: Actor | Country, lang: str, slugs: tuple[str, ...],
                     kicker: str, role: str, page_url: str) -> list[PageJob]:
        """An actor's or country's card: name, role, story count and the latest stories."""
        name, name_lang = self.name(entity, lang)
        card = {"entity": {"name": name, "lang": name_lang, "kicker": self.inputs.strings[lang](kicker), "role": role,
                           "other_names": self.other_names(entity, lang),
                           "count": self.count("stories_count", len(slugs), lang)},
                "items": [self.item(self.inputs.links.stories[s], lang) for s in slugs[:EMBED_ITEMS]]}
        return self.embed_jobs(kind, lang, page_url, name, card, (entity.path,))

    def actor_index(self, lang: str) -> PageJob:
        url = self.urls.actors(lang)
        t = self.inputs.strings[lang]
        self._read("actor_set")
        entries = []
        for actor in self.site.actors.values():
            self._read("by_actor", actor.slug)
            count = self.count("stories_count", len(self.inputs.links.by_actor.get(actor.slug, ())), lang)
            entries.append(self.actor_ref(actor.slug, lang) | {"count": count})
        entries.sort(key=lambda e: (fold(e["name"]), e["url"]))
        context = self.base(lang, "actors", t("nav_actors"), url, {code: self.urls.actors(code) for code in self.languages},
                            nav="actors")
        context.update({
            "people": [e for e in entries if e["kind"] == "person"],
            "organisations": [e for e in entries if e["kind"] == "organisation"],
        })
        return PageJob(url, "actors", lang, "actors.html", context)

    def country_index(self, lang: str) -> PageJob:
        url = self.urls.countries(lang)
        t = self.inputs.strings[lang]
        self._read("country_set")
        entries = []
        for code in self.site.countries:
            self._read("by_country", code)
            count = self.count("stories_count", len(self.inputs.links.by_country.get(code, ())), lang)
            entries.append(self.country_ref(code, lang) | {"count": count})
        entries.sort(key=lambda e: (fold(e["name"]), e["url"]))
        context = self.base(lang, "countries", t("nav_countries"), url,
                            {code: self.urls.countries(code) for code in self.languages}, nav="countries")
        context["countries"] = entries
        return PageJob(url, "countries", lang, "countries.html", context)

    def search(self, lang: str) -> PageJob:
        url = self.urls.search(lang)
        t = self.inputs.strings[lang]
        context = self.base(lang, "search", t("search_title"), url,
                            {code: self.urls.search(code) for code in self.languages}, nav="search")
        self._read("search")
        strings: dict = {key: t.table.get(key) or t.fallback.get(key) or key for key in SEARCH_STRINGS}
        strings.update({
            "languages": {code: t(f"language_{code}") for code in self.languages},
            "directions": {code: direction(code) for code in self.languages},
            "digits": self.config.digits[lang],
            "nav_actors": t("nav_actors"), "nav_countries": t("nav_countries"),
            "actors_url": self.urls.actors(lang), "countries_url": self.urls.countries(lang),
        })
        context["search"] = {
            "manifest": self.inputs.search.manifest_url, "runtime": self.inputs.search.runtime_url,
            "script": self.urls.asset(SEARCH_SCRIPT), "strings": json.dumps(strings, ensure_ascii=False),
            "actors_url": self.urls.actors(lang), "countries_url": self.urls.countries(lang),
            "languages": [{"lang": code, "name": t(f"language_{code}")} for code in self.languages],
        }
        return PageJob(url, "search", lang, "search.html", context)

    def not_found(self, lang: str) -> PageJob:
        url = self.urls.not_found(lang)
        t = self.inputs.strings[lang]
        context = self.base(lang, "notfound", t("notfound_title"), url,
                            {code: self.urls.not_found(code) for code in self.languages})
        return PageJob(url, "notfound", lang, "404.html", context)

    def page(self, page: Page) -> PageJob:
        url = self.urls.page(page.lang, page.slug)
        self._read("page", page.slug, page.lang)
        translated = {p.lang: self.urls.page(p.lang, p.slug) for p in self.site.pages if p.slug == page.slug}
        context = self.base(page.lang, "page", page.title, url, translated, nav=page.slug)
        context["page"] = {"title": page.title, "body": self.inputs.page_bodies[(page.slug, page.lang)].html}
        return PageJob(url, "page", page.lang, "page.html", context, (page.path,))

    def group_keys(self) -> list[tuple]:
        """Every group of pages that are made together, in writing order: ("article", slug, lang) ..."""
        keys: list[tuple] = [("root",), ("headers",)]
        for lang in self.languages:
            keys += [("home", lang), ("actors", lang), ("countries", lang), ("search", lang), ("notfound", lang)]
            for slug in self.site.actors:
                keys += [("actor", slug, lang), ("actor_embed", slug, lang)]
            for code in self.site.countries:
                keys += [("country", code, lang), ("country_embed", code, lang)]
        for story in self.inputs.links.stories.values():
            for lang in story.versions:
                keys += [("article", story.slug, lang), ("article_embed", story.slug, lang)]
        keys += [("page", p.slug, p.lang) for p in self.site.pages]
        return keys

    def group(self, key: tuple) -> list[PageJob]:
        """The pages of one group (see group_keys)."""
        kind, *rest = key
        if kind in ("article", "article_embed"):
            story = self.inputs.links.stories[rest[0]]
            article = story.versions[rest[1]]
            return [self.article(story, article)] if kind == "article" else self.article_embed(story, article)
        if kind in ("actor", "actor_embed"):
            return (self.actor if kind == "actor" else self.actor_embed)(self.site.actors[rest[0]], rest[1])
        if kind in ("country", "country_embed"):
            return (self.country if kind == "country" else self.country_embed)(self.site.countries[rest[0]], rest[1])
        if kind == "page":
            return [self.page(next(p for p in self.site.pages if (p.slug, p.lang) == tuple(rest)))]
        if kind == "home":
            return self.homes(rest[0])
        one = {"root": self.root, "headers": self.headers, "actors": self.actor_index, "countries": self.country_index,
               "search": self.search, "notfound": self.not_found}[kind]
        return [one(*rest)]

    def traced(self, key: tuple) -> tuple[list[PageJob], frozenset[tuple]]:
        """Make a group's pages and note what they read: the keys live.py compares between builds."""
        self.reads = set()
        try:
            return self.group(key), frozenset(self.reads)
        finally:
            self.reads = None

    def jobs(self) -> list[PageJob]:
        return [job for key in self.group_keys() for job in self.group(key)]


def check_pages(site: Site) -> list[ContentError]:
    """Free pages may not take a section's address."""
    return [ContentError(p.path, None, f"the page slug {p.slug!r} is taken by nashra's own {p.slug}/ section",
                         f"two files would claim /{p.lang}/{p.slug}/: rename this page, e.g. to about-{p.slug}.{p.lang}.md")
            for p in site.pages if p.slug in RESERVED]


def check_unique(jobs: list[PageJob]) -> list[ContentError]:
    """Two jobs writing one URL means two files claim the same page."""
    seen: dict[str, PageJob] = {}
    errors = []
    for job in jobs:
        if job.url in seen:
            other = seen[job.url]
            path = job.sources[0] if job.sources else Path("content")
            other_path = other.sources[0] if other.sources else f"nashra's {other.kind} page"
            errors.append(ContentError(path, None, f"this file and {other_path} both claim {job.url}",
                                       "rename one of them"))
        seen[job.url] = job
    return errors


def plan(inputs: Inputs) -> list[PageJob]:
    return Planner(inputs).jobs()
