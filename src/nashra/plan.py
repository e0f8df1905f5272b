"""Site -> page jobs: what to write where, with which template and context. Pure: no I/O.

Templates present, Python decides: sorting, grouping, dates, directions and fallbacks
between languages are all settled here, and templates only loop and print.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from . import embed, feeds, hosting, i18n, seo
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
LANGUAGE_SCRIPT = "js/language.js"
# The picture a link shows when shared (Open Graph, Twitter cards): the theme's, or the site's own static/ file.
SHARE_IMAGE = {"path": "img/share.png", "width": 1200, "height": 630}
CARD_ACTORS = 4
EMBED_ITEMS = 4
FEED_ENTRIES = 20
# Pages search engines should not index: they have no content of their own.
NOINDEX = frozenset({"search", "notfound"})


@dataclass(frozen=True)
class PageJob:
    url: str
    kind: str                      # root | home | article | actor | actors | country | countries | search | page
                                   # | notfound | embed | oembed | feed | sitemap | robots | headers | redirects
    lang: str
    template: str
    context: dict = field(compare=False, repr=False)
    sources: tuple[Path, ...] = ()
    body: str | None = None        # written as it is, without a template (oEmbed JSON, _headers)


class Body(str):
    """An article's HTML in a page's context, with the digest of what it is made from (Rendered.digest)."""

    def __new__(cls, html: str, digest: bytes) -> Body:
        body = super().__new__(cls, html)
        body.digest = digest
        return body


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
    search: SearchFiles | None                       # the search index's entry points (None until it is made:
                                                     # only the search pages read it)


class Planner:
    def __init__(self, inputs: Inputs):
        self.inputs = inputs
        self.site = inputs.site
        self.config = inputs.site.config
        self.languages = self.config.languages
        self.urls = inputs.urls
        self.memo: dict[str, dict] = {}      # kind -> key -> value: see _memo (live.py carries it between builds)
        self.reads: set[tuple] | None = None     # when set, what the group being planned reads (see `traced`)
        self._digests: dict[tuple, bytes] = {}   # read key -> value_digest
        self._shared: dict[int, tuple[dict, tuple]] = {}   # id of a card or ref handed out -> (it, its read key)

    def _read(self, *key) -> None:
        if self.reads is not None:
            self.reads.add(key)

    def value_digest(self, key: tuple) -> bytes:
        """What a read key (see _read) stands for in these inputs, as a digest: a group whose reads all
        have the digests they had at the last build makes the same pages, given the same templates, strings
        and settings (build.py keeps such a group's files without planning it)."""
        found = self._digests.get(key)
        if found is None:
            made = self._item_made_from(*key[1:]) if key[0] == "item" else self._value(*key)
            value = repr(made).encode("utf-8", "surrogatepass")
            found = self._digests[key] = hashlib.blake2b(value, digest_size=16).digest()
        return found

    def _value(self, kind: str, *key):
        site, links = self.site, self.inputs.links
        if kind == "article":
            story = links.stories.get(key[0])
            body = self.inputs.bodies.get(tuple(key))
            return (story.versions.get(key[1]) if story else None,
                    (body.digest, body.first_paragraph, body.mentioned) if body else None)
        if kind == "versions":
            return tuple(links.stories[key[0]].versions) if key[0] in links.stories else None
        if kind in ("related", "by_actor", "by_country", "co_actors", "actors_of_country"):
            return getattr(links, kind).get(key[0])
        if kind == "actor_ref":
            return self._actor_ref(*key) if key[0] in site.actors else None
        if kind == "country_ref":
            return self._country_ref(*key) if key[0] in site.countries else None
        if kind in ("actor", "country"):
            return (site.actors if kind == "actor" else site.countries).get(key[0])
        if kind == "page":
            body = self.inputs.page_bodies.get(tuple(key))
            return ([p for p in site.pages if (p.slug, p.lang) == tuple(key)],
                    (body.digest, body.first_paragraph, body.mentioned) if body else None)
        simple = {"order": lambda: tuple(links.stories), "actor_set": lambda: tuple(site.actors),
                  "country_set": lambda: tuple(site.countries), "pages": lambda: site.pages,
                  "template": lambda: key,          # what it holds is in the build's digest of every template
                  "search": lambda: self.inputs.search and (self.inputs.search.manifest_url, self.inputs.search.runtime_url)}
        return simple[kind]()

    def _item_made_from(self, slug: str, lang: str) -> tuple | None:
        """What _item(slug, lang) is made from besides the templates, strings and settings: the fields of
        its article it shows, and the digests of its actors' and countries' refs. A site has as many items
        as articles, and digesting these is several times quicker than making each item. Not the whole
        article: an edit below a body's first paragraph leaves every list that shows the story as it was."""
        story = self.inputs.links.stories.get(slug)
        if story is None:
            return None
        article = story.version(lang, self.languages)
        return (self.urls.article(article.lang, slug), lang, article.title, article.date,
                article.summary or self.inputs.bodies[(slug, article.lang)].first_paragraph,
                article.source.name if article.source else "", story.actors[:CARD_ACTORS], story.countries,
                [self.value_digest(("actor_ref", a, lang)) for a in story.actors[:CARD_ACTORS]],
                [self.value_digest(("country_ref", c, lang)) for c in story.countries])

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

    def _shared_memo(self, kind: str, key: tuple, make, read: tuple) -> dict:
        """_memo, for a value many pages show (a story's card, an actor's or a country's ref): noted with
        its read key, so that a page's digest is made from its value digest instead (see digestible)."""
        self._read(*read)
        value = self._memo(kind, key, make)
        self._shared[id(value)] = (value, read)
        return value

    def digestible(self, value):
        """`value` (a page's context, or a part of it) as what the page's digest is made from: each card,
        ref and article body in it stands in as its value digest. A list page shows dozens of cards, and
        digesting them as text took a tenth of a cold build's time."""
        kind = value.__class__
        if kind is dict:
            shared = self._shared.get(id(value))
            if shared is not None and shared[0] is value:
                return "\0" + self.value_digest(shared[1]).hex()
            return {key: self.digestible(item) for key, item in value.items()}
        if kind is list:
            return [self.digestible(item) for item in value]
        if kind is Body:
            return "\0" + value.digest.hex()
        return value

    def actor_ref(self, slug: str, lang: str) -> dict:
        return self._shared_memo("actor", (slug, lang), self._actor_ref, ("actor_ref", slug, lang))

    def _actor_ref(self, slug: str, lang: str) -> dict:
        actor = self.site.actors[slug]
        name, name_lang = self.name(actor, lang)
        return {"url": self.urls.actor(lang, slug), "name": name, "lang": name_lang, "dir": direction(name_lang),
                "role": actor.role.get(lang, ""), "kind": actor.kind}

    def country_ref(self, code: str, lang: str) -> dict:
        return self._shared_memo("country", (code, lang), self._country_ref, ("country_ref", code, lang))

    def _country_ref(self, code: str, lang: str) -> dict:
        name, name_lang = self.name(self.site.countries[code], lang)
        return {"url": self.urls.country(lang, code), "name": name, "lang": name_lang, "dir": direction(name_lang)}

    def summary(self, article: Article) -> str:
        return article.summary or plain_summary(self.inputs.bodies[(article.slug, article.lang)].first_paragraph)

    def item(self, story: Story, lang: str) -> dict:
        """One story in a list on a `lang` page, in `lang` when translated, else marked with its language.

        Made once per story and language: a story appears in many lists (home, actors, countries, related)."""
        return self._shared_memo("item", (story.slug, lang), self._item, ("item", story.slug, lang))

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

    def base(self, lang: str, kind: str, title: str, url: str, url_in: dict[str, str], nav: str = "",
             description: str = "", structured: dict | None = None, feed: dict | None = None) -> dict:
        """What every full page has: chrome, language links, and the head's meta for search engines,
        link previews (Open Graph, Twitter) and feed readers. `feed`: the page's own feed, if it has one."""
        t = self.inputs.strings[lang]
        self._read("pages")
        free_pages = [p for p in self.site.pages if p.lang == lang]
        site_title = self.config.site_title(lang)
        canonical = self.urls.absolute(url)
        feeds_here = ([feed] if feed else []) + [self.feed_link(lang, self.urls.home(lang), site_title)]
        return {
            "lang": lang, "dir": direction(lang), "t": t, "kind": kind,
            "site_title": site_title, "page_title": title, "description": description,
            "canonical": canonical, "home_url": self.urls.home(lang),
            "search_url": self.urls.search(lang),
            "stylesheet": self.urls.asset(STYLESHEET), "favicon": self.urls.asset(FAVICON),
            "nav": [{"label": t("nav_home"), "url": self.urls.home(lang), "current": nav == "home"},
                    {"label": t("nav_actors"), "url": self.urls.actors(lang), "current": nav == "actors"},
                    {"label": t("nav_countries"), "url": self.urls.countries(lang), "current": nav == "countries"}]
                   + [{"label": p.title, "url": self.urls.page(lang, p.slug), "current": nav == p.slug}
                      for p in free_pages],
            "alternates": self.alternates(lang, url_in),
            "x_default": self.urls.absolute(self.x_default(url_in)) if len(url_in) > 1 else "",
            "robots": "noindex" if kind in NOINDEX else "",
            "feeds": feeds_here if kind not in NOINDEX else [],
            "share": {"title": title, "description": description, "url": canonical, "site_name": site_title,
                      "type": "article" if kind == "article" else "profile" if kind == "actor" else "website",
                      "locale": i18n.og_locale(self.config.locales[lang]),
                      "alternate_locales": [i18n.og_locale(self.config.locales[code]) for code in url_in
                                            if code != lang],
                      "image": self.urls.absolute(self.urls.asset(SHARE_IMAGE["path"])),
                      "image_width": SHARE_IMAGE["width"], "image_height": SHARE_IMAGE["height"],
                      "image_alt": site_title},
            "structured_data": seo.json_ld(structured) if structured else "",
        }

    def x_default(self, url_in: dict[str, str]) -> str:
        """Where a reader whose language the page lacks goes: the default language's version, or the root
        (the language choice) for the homes."""
        if url_in.get(self.config.default_language) == self.urls.home(self.config.default_language):
            return self.urls.root()
        return url_in.get(self.config.default_language) or next(iter(url_in.values()))

    def feed_link(self, lang: str, page_url: str, title: str) -> dict:
        """A feed's discovery link (<link rel="alternate">) and its visible link."""
        return {"atom": self.urls.feed(page_url, "atom"), "json": self.urls.feed(page_url, "json"),
                "title": title, "lang": lang}

    def publisher(self, lang: str) -> dict:
        return {"@type": "Organization", "name": self.config.site_title(lang),
                "url": self.urls.absolute(self.urls.home(lang))}

    def entity_data(self, kind: str, entity: Actor | Country, lang: str, url: str) -> dict:
        """schema.org Person, Organization or Country for an actor's or a country's page."""
        name, _ = self.name(entity, lang)
        names = [n for n in entity.name.values() if n != name]
        names += [a for code in self.languages for a in entity.aliases.get(code, ())]
        data = {"@type": kind, "name": name, "url": self.urls.absolute(url)}
        if names:
            data["alternateName"] = list(dict.fromkeys(names))
        if isinstance(entity, Actor) and entity.role.get(lang):
            data["jobTitle" if entity.kind == "person" else "description"] = entity.role[lang]
        if isinstance(entity, Country):
            data["identifier"] = entity.code.upper()
        if entity.same_as:
            data["sameAs"] = list(entity.same_as)
        return data

    # --- pages ---------------------------------------------------------------------------------

    def root(self) -> PageJob:
        lang = self.config.default_language
        context = {"lang": lang, "dir": direction(lang), "t": self.inputs.strings[lang],
                   "site_title": self.config.site_title(lang), "target": self.urls.home(lang),
                   "stylesheet": self.urls.asset(STYLESHEET), "favicon": self.urls.asset(FAVICON),
                   "script": self.urls.asset(LANGUAGE_SCRIPT),
                   "languages": [{"lang": code, "dir": direction(code), "name": i18n.language_name(code),
                                  "url": self.urls.home(code), "absolute": self.urls.absolute(self.urls.home(code)),
                                  "title": self.config.site_title(code)}
                                 for code in self.languages]}
        return PageJob(self.urls.root(), "root", lang, "root.html", context)

    def lost(self) -> PageJob:
        """/404.html, for hosts that have one "not found" page for the whole site (GitHub Pages): every
        language's message, each with its home."""
        default = self.config.default_language
        languages = [{"lang": code, "dir": direction(code), "t": self.inputs.strings[code],
                      "home_url": self.urls.home(code), "search_url": self.urls.search(code)}
                     for code in self.languages]
        context = {"lang": default, "dir": direction(default), "t": self.inputs.strings[default],
                   "site_title": self.config.site_title(default), "languages": languages,
                   "stylesheet": self.urls.asset(STYLESHEET), "favicon": self.urls.asset(FAVICON)}
        return PageJob(self.urls.not_found(), "notfound", default, "lost.html", context)

    def chunks(self, slugs: tuple[str, ...]) -> list[tuple[str, ...]]:
        """A list's pages: `page_size` stories each, and one (empty) page for an empty list."""
        size = self.config.page_size
        return [slugs[i:i + size] for i in range(0, len(slugs), size)] or [()]

    def paged(self, kind: str, lang: str, url_for, slugs: tuple[str, ...], title: str, nav: str, template: str,
              shared: dict, sources: tuple[Path, ...] = (), side: tuple[str, tuple[str, str]] | None = None,
              **head) -> list[PageJob]:
        """A list of stories split into pages of `page_size`: url_for(lang, n) is page n's address.
        `side`: (context name, what side_list makes) for the actors beside the stories, which only the first
        page shows: an actor's or a country's actors run to hundreds on a large site, the same on every page.
        `head`: description, structured data and feed for base()."""
        chunks = self.chunks(slugs)
        t = self.inputs.strings[lang]
        jobs = []
        for number, chunk in enumerate(chunks, 1):
            url = url_for(lang, number)
            page_title = title if number == 1 else f"{title} · {t('page_n', n=self.number(number, lang))}"
            context = self.base(lang, kind, page_title, url, {code: url_for(code, number) for code in self.languages},
                                nav=nav, **head)
            context.update(shared)
            if side is not None:
                context[side[0]] = self.side_list(side[1], lang) if number == 1 else []
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
        title = self.config.site_title(lang)
        website = {"@type": "WebSite", "name": title, "url": self.urls.absolute(self.urls.home(lang)),
                   "inLanguage": lang, "potentialAction": {
                       "@type": "SearchAction", "query-input": "required name=q",
                       "target": self.urls.absolute(self.urls.search(lang)) + "?q={q}"}}
        return self.paged("home", lang, self.urls.home, tuple(self.inputs.links.stories), title,
                          "home", "home.html", {}, structured=website)

    def article(self, story: Story, article: Article) -> PageJob:
        lang = article.lang
        self._read("article", story.slug, lang)
        self._read("versions", story.slug)
        self._read("related", story.slug)
        url = self.urls.article(lang, story.slug)
        summary = self.summary(article)
        context = self.base(lang, "article", article.title, url,
                            {code: self.urls.article(code, story.slug) for code in story.versions},
                            description=summary, structured=self.article_data(story, article, url, summary))
        body = self.inputs.bodies[(story.slug, lang)]
        context.update({
            "article": {"title": article.title, "date": self.date(article, lang), "summary": summary,
                        "source": {"name": article.source.name, "url": article.source.url} if article.source else None,
                        "body": Body(body.html, body.digest)},
            "actors": [self.actor_ref(a, lang) for a in article.actors],
            "countries": [self.country_ref(c, lang) for c in article.countries],
            "related": [self.item(self.inputs.links.stories[s], lang) for s in self.inputs.links.related.get(story.slug, ())],
            "translations": [{"lang": code, "name": i18n.language_name(code), "dir": direction(code),
                              "url": self.urls.article(code, story.slug)}
                             for code in self.languages if code in story.versions and code != lang],
        })
        context["embed"] = self.embed_for("article", url, article.title)
        return PageJob(url, "article", lang, "article.html", context, (article.path,))

    def article_data(self, story: Story, article: Article, url: str, summary: str) -> dict:
        """schema.org NewsArticle: who it is about (actors) and where (countries), and its source."""
        lang = article.lang
        data = {"@type": "NewsArticle", "headline": article.title, "description": summary,
                "datePublished": article.date.isoformat(), "inLanguage": lang,
                "url": self.urls.absolute(url), "mainEntityOfPage": self.urls.absolute(url),
                "image": [self.urls.absolute(self.urls.asset(SHARE_IMAGE["path"]))],
                "publisher": self.publisher(lang)}
        if article.source:
            data["author"] = {"@type": "Organization", "name": article.source.name}
            if article.source.url:
                data["isBasedOn"] = article.source.url
        about = [self.actor_ref(a, lang) for a in article.actors]
        if about:
            data["about"] = [{"@type": "Person" if ref["kind"] == "person" else "Organization", "name": ref["name"],
                              "url": self.urls.absolute(ref["url"])} for ref in about]
        places = [self.country_ref(c, lang) for c in article.countries]
        if places:
            data["contentLocation"] = [{"@type": "Country", "name": ref["name"], "url": self.urls.absolute(ref["url"])}
                                       for ref in places]
        return data

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

    # --- for hosts, search engines and feed readers ------------------------------------------------

    def headers(self) -> PageJob:
        return PageJob(self.urls.root() + "_headers", "headers", self.config.default_language, "", {},
                       body=hosting.headers_file(self.urls, self.languages))

    def redirects(self) -> PageJob:
        return PageJob(self.urls.root() + "_redirects", "redirects", self.config.default_language, "", {},
                       body=hosting.redirects_file(self.urls, self.languages))

    def robots(self) -> PageJob:
        return PageJob(self.urls.robots(), "robots", self.config.default_language, "", {},
                       body=seo.robots(self.urls.absolute(self.urls.sitemap())))

    def sitemap(self) -> list[PageJob]:
        """Every page worth indexing, each with its versions in the other languages (hreflang)."""
        pages: list[seo.Indexed] = []

        def add(url_in: dict[str, str]) -> None:
            alternates = ()
            if len(url_in) > 1:
                alternates = tuple((code, self.urls.absolute(u)) for code, u in url_in.items())
                alternates += (("x-default", self.urls.absolute(self.x_default(url_in))),)
            pages.extend(seo.Indexed(self.urls.absolute(u), alternates) for u in url_in.values())

        def every_language(url_for) -> dict[str, str]:
            return {code: url_for(code) for code in self.languages}

        links = self.inputs.links
        self._read("order")
        self._read("actor_set")
        self._read("country_set")
        self._read("pages")
        for n in range(1, len(self.chunks(tuple(links.stories))) + 1):
            add(every_language(lambda code: self.urls.home(code, n)))
        add(every_language(self.urls.actors))
        add(every_language(self.urls.countries))
        for slug in self.site.actors:
            self._read("by_actor", slug)
            for n in range(1, len(self.chunks(links.by_actor.get(slug, ()))) + 1):
                add(every_language(lambda code: self.urls.actor(code, slug, n)))
        for code in self.site.countries:
            self._read("by_country", code)
            for n in range(1, len(self.chunks(links.by_country.get(code, ()))) + 1):
                add(every_language(lambda lang: self.urls.country(lang, code, n)))
        for story in links.stories.values():
            self._read("versions", story.slug)
            add({code: self.urls.article(code, story.slug) for code in self.languages if code in story.versions})
        for slug in dict.fromkeys(p.slug for p in self.site.pages):
            add({p.lang: self.urls.page(p.lang, p.slug) for p in self.site.pages if p.slug == slug})
        files = seo.sitemap_files(pages, self.urls.absolute(self.urls.sitemap()))
        default = self.config.default_language
        return [PageJob(url[len(self.urls.absolute("")):], "sitemap", default, "", {}, body=text)
                for url, text in files]

    def feed(self, lang: str, page_url: str, title: str, slugs: tuple[str, ...], content: bool,
             sources: tuple[Path, ...] = ()) -> list[PageJob]:
        """The Atom and JSON feeds of a list page: its newest stories, in `lang` where translated.
        Language feeds carry each story's full text, an actor's or a country's feed the summaries."""
        links, t = self.inputs.links, self.inputs.strings[lang]
        origin = self.urls.absolute("")
        entries = []
        for slug in slugs[:FEED_ENTRIES]:
            story = links.stories[slug]
            self._read("versions", slug)
            article = story.version(lang, self.languages)
            self._read("article", slug, article.lang)
            body = self.inputs.bodies[(slug, article.lang)].html if content else ""
            tags = [self.actor_ref(a, lang)["name"] for a in article.actors]
            tags += [self.country_ref(c, lang)["name"] for c in article.countries]
            entries.append(feeds.Entry(
                title=article.title, url=self.urls.absolute(self.urls.article(article.lang, slug)), lang=article.lang,
                published=article.date, summary=self.summary(article), content_html=feeds.absolute_links(body, origin),
                author=article.source.name if article.source else "", tags=tuple(tags)))
        site_title = self.config.site_title(lang)
        feed = feeds.Feed(
            title=title if title == site_title else f"{title} · {site_title}", lang=lang,
            page_url=self.urls.absolute(page_url), atom_url=self.urls.absolute(self.urls.feed(page_url, "atom")),
            json_url=self.urls.absolute(self.urls.feed(page_url, "json")), author=site_title,
            subtitle=t("feed_subtitle", name=title), entries=tuple(entries))
        return [PageJob(self.urls.feed(page_url, "atom"), "feed", lang, "", {}, sources, body=feeds.atom(feed)),
                PageJob(self.urls.feed(page_url, "json"), "feed", lang, "", {}, sources, body=feeds.json_feed(feed))]

    def home_feed(self, lang: str) -> list[PageJob]:
        self._read("order")
        return self.feed(lang, self.urls.home(lang), self.config.site_title(lang), tuple(self.inputs.links.stories),
                         content=True)

    def actor_feed(self, actor: Actor, lang: str) -> list[PageJob]:
        self._read("actor", actor.slug)
        self._read("by_actor", actor.slug)
        return self.feed(lang, self.urls.actor(lang, actor.slug), self.name(actor, lang)[0],
                         self.inputs.links.by_actor.get(actor.slug, ()), content=False, sources=(actor.path,))

    def country_feed(self, country: Country, lang: str) -> list[PageJob]:
        self._read("country", country.code)
        self._read("by_country", country.code)
        return self.feed(lang, self.urls.country(lang, country.code), self.name(country, lang)[0],
                         self.inputs.links.by_country.get(country.code, ()), content=False, sources=(country.path,))

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
        }
        url = self.urls.actor(lang, actor.slug)
        shared["embed"] = self.embed_for("actor", url, name)
        kind = "Person" if actor.kind == "person" else "Organization"
        return self.paged("actor", lang, lambda code, n: self.urls.actor(code, actor.slug, n), slugs, name, "actors",
                          "actor.html", shared, (actor.path,), side=("co_actors", ("co_actors", actor.slug)),
                          description=actor.role.get(lang) or shared["actor"]["count"],
                          structured=self.entity_data(kind, actor, lang, url), feed=self.feed_link(lang, url, name))

    def side_list(self, which: tuple[str, str], lang: str) -> list[dict]:
        """The actors beside an entity's stories: ("co_actors", slug) with how often they appear together,
        or ("actors_of_country", code)."""
        kind, key = which
        if kind == "co_actors":
            return [self.actor_ref(other, lang) | {"count": self.count("together_count", n, lang)}
                    for other, n in self.inputs.links.co_actors.get(key, ())]
        return [self.actor_ref(a, lang) for a in self.inputs.links.actors_of_country.get(key, ())]

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
        }
        url = self.urls.country(lang, country.code)
        shared["embed"] = self.embed_for("country", url, name)
        return self.paged("country", lang, lambda code, n: self.urls.country(code, country.code, n), slugs, name,
                          "countries", "country.html", shared, (country.path,),
                          side=("actors", ("actors_of_country", country.code)),
                          description=shared["country"]["count"],
                          structured=self.entity_data("Country", country, lang, url),
                          feed=self.feed_link(lang, url, name))

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
        context = self.base(page.lang, "page", page.title, url, translated, nav=page.slug,
                            description=page.summary or "")
        context["page"] = {"title": page.title, "body": self.inputs.page_bodies[(page.slug, page.lang)].html}
        return PageJob(url, "page", page.lang, "page.html", context, (page.path,))

    def group_keys(self) -> list[tuple]:
        """Every group of pages that are made together, in writing order: ("article", slug, lang) ..."""
        keys: list[tuple] = [("root",), ("lost",), ("headers",), ("redirects",), ("robots",), ("sitemap",)]
        for lang in self.languages:
            keys += [("home", lang), ("feed", lang), ("actors", lang), ("countries", lang), ("search", lang),
                     ("notfound", lang)]
            for slug in self.site.actors:
                keys += [("actor", slug, lang), ("actor_embed", slug, lang), ("actor_feed", slug, lang)]
            for code in self.site.countries:
                keys += [("country", code, lang), ("country_embed", code, lang), ("country_feed", code, lang)]
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
        if kind in ("actor", "actor_embed", "actor_feed"):
            make = {"actor": self.actor, "actor_embed": self.actor_embed, "actor_feed": self.actor_feed}[kind]
            return make(self.site.actors[rest[0]], rest[1])
        if kind in ("country", "country_embed", "country_feed"):
            make = {"country": self.country, "country_embed": self.country_embed, "country_feed": self.country_feed}[kind]
            return make(self.site.countries[rest[0]], rest[1])
        if kind == "page":
            return [self.page(next(p for p in self.site.pages if (p.slug, p.lang) == tuple(rest)))]
        if kind == "home":
            return self.homes(rest[0])
        if kind == "feed":
            return self.home_feed(rest[0])
        if kind == "sitemap":
            return self.sitemap()
        one = {"root": self.root, "lost": self.lost, "headers": self.headers, "redirects": self.redirects,
               "robots": self.robots, "actors": self.actor_index, "countries": self.country_index,
               "search": self.search, "notfound": self.not_found}[kind]
        return [one(*rest)]

    def traced(self, key: tuple) -> tuple[list[PageJob], frozenset[tuple]]:
        """Make a group's pages and note what they read, their templates included: the keys live.py
        compares between builds."""
        self.reads = set()
        try:
            jobs = self.group(key)
            self.reads.update(("template", job.template) for job in jobs if job.template)
            return jobs, frozenset(self.reads)
        finally:
            self.reads = None


def check_pages(site: Site) -> list[ContentError]:
    """Free pages may not take a section's address."""
    return [ContentError(p.path, None, f"the page slug {p.slug!r} is taken by nashra's own {p.slug}/ section",
                         f"two files would claim /{p.lang}/{p.slug}/: rename this page, e.g. to about-{p.slug}.{p.lang}.md")
            for p in site.pages if p.slug in RESERVED]


def check_unique(jobs: Sequence) -> list[ContentError]:
    """Two jobs writing one URL means two files claim the same page (`jobs`: anything with the url, kind
    and sources of a PageJob)."""
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
