"""Resolve references between content: stories across languages, reverse maps
(articles by actor and by country), co-appearances, related stories, mention names."""

from __future__ import annotations

import bisect
import dataclasses
import difflib
import functools
import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Mapping

from . import arabic
from .errors import ContentError
from .model import Actor, Article, Country, Site

RELATED_LIMIT = 5
# Stories looked at per actor of a story, on each side of its date.
RELATED_WINDOW = 25
CO_ACTOR_LIMIT = 8


@dataclass(frozen=True)
class Story:
    """One article across its languages."""

    slug: str
    versions: Mapping[str, Article]
    actors: tuple[str, ...]
    countries: tuple[str, ...]

    def version(self, lang: str, languages: tuple[str, ...]) -> Article:
        """The article in `lang`, or else in the first site language that has it."""
        if lang in self.versions:
            return self.versions[lang]
        return next(self.versions[code] for code in languages if code in self.versions)

    @functools.cached_property
    def newest(self) -> Article:
        return max(self.versions.values(), key=lambda a: a.sort_key)


@dataclass(frozen=True)
class Links:
    stories: Mapping[str, Story]                  # newest first
    by_actor: Mapping[str, tuple[str, ...]]       # actor slug -> story slugs, newest first
    by_country: Mapping[str, tuple[str, ...]]
    actors_of_country: Mapping[str, tuple[str, ...]]
    co_actors: Mapping[str, tuple[tuple[str, int], ...]]
    related: Mapping[str, tuple[str, ...]]
    mention_names: Mapping[str, Mapping[tuple[str, str], frozenset[tuple[str, ...]]]]
    shape: tuple = ()           # what the maps above were made from (see `_shape`), to reuse them on a rebuild


def _similar(ref: str, entities: Mapping[str, Actor | Country]) -> list[str]:
    """Slugs whose slug or any name looks like `ref`: 'kalin' -> ibrahim-kalin."""
    wanted = set(arabic.name_key(ref.replace("-", " ")))
    hits = []
    for slug, entity in entities.items():
        words = set(slug.split("-"))
        for name in [*entity.name.values(), *(n for names in entity.aliases.values() for n in names)]:
            words.update(arabic.name_key(name))
        if wanted & words:
            hits.append(slug)
    hits += [s for s in difflib.get_close_matches(ref, list(entities), n=3, cutoff=0.6) if s not in hits]
    return hits[:3]


def _unknown(article: Article, kind: str, ref: str, line: int, entities: Mapping) -> ContentError:
    similar = _similar(ref, entities)
    noun = "actor" if kind == "actors" else "country"
    hint = (f"known {noun}s with a similar name: {', '.join(similar)}" if similar
            else f"add content/{kind}/{ref}.md, or fix the {noun} {'slug' if kind == 'actors' else 'code'}")
    return ContentError(article.path, line, f"unknown {noun} {ref!r}", hint)


def check_references(site: Site) -> list[ContentError]:
    errors = []
    for article in site.articles:
        for kind, entities in (("actors", site.actors), ("countries", site.countries)):
            refs = getattr(article, kind)
            lines = article.ref_lines.get(kind) or (1,) * len(refs)
            for ref, line in zip(refs, lines):
                if ref not in entities:
                    errors.append(_unknown(article, kind, ref, line, entities))
    for actor in site.actors.values():
        if actor.country and actor.country not in site.countries:
            errors.append(ContentError(actor.path, actor.country_line, f"unknown country {actor.country!r}",
                                       f"add content/countries/{actor.country}.md, or fix the code"))
    return errors


def _stories(site: Site, previous: Mapping[str, Story] | None = None) -> dict[str, Story]:
    """Articles grouped by slug, newest story first. With `previous` (stories of the same slugs, languages
    and dates), only the stories whose articles changed are made again."""
    versions: dict[str, dict[str, Article]] = defaultdict(dict)
    for article in site.articles:              # already newest first
        versions[article.slug][article.lang] = article
    if previous is not None:
        return {slug: story if all(story.versions[lang] is versions[slug][lang] for lang in story.versions)
                else Story(slug, versions[slug], story.actors, story.countries) for slug, story in previous.items()}
    stories = {}
    for slug, by_lang in versions.items():
        actors = tuple(dict.fromkeys(a for art in by_lang.values() for a in art.actors))
        countries = tuple(dict.fromkeys(c for art in by_lang.values() for c in art.countries))
        stories[slug] = Story(slug, dict(by_lang), actors, countries)
    return dict(sorted(stories.items(), key=lambda kv: kv[1].newest.sort_key, reverse=True))


def _reverse(stories: Mapping[str, Story], attribute: str) -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = defaultdict(list)
    for slug, story in stories.items():
        for key in getattr(story, attribute):
            index[key].append(slug)
    return {key: tuple(slugs) for key, slugs in index.items()}


def _co_actors(stories: Mapping[str, Story]) -> dict[str, tuple[tuple[str, int], ...]]:
    counts: dict[str, Counter] = defaultdict(Counter)
    for story in stories.values():
        for actor in story.actors:
            counts[actor].update(other for other in story.actors if other != actor)
    return {actor: tuple(sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:CO_ACTOR_LIMIT])
            for actor, c in counts.items()}


class _Timeline:
    """The stories of one actor or country in date order, for nearest-in-date look-ups by bisection."""

    def __init__(self, slugs: tuple[str, ...], when: Mapping[str, float]):
        self.slugs = sorted(slugs, key=lambda s: (when[s], s))
        self.times = [when[s] for s in self.slugs]
        self.members = frozenset(slugs)

    def nearest(self, moment: float, count: int) -> list[str]:
        middle = bisect.bisect_left(self.times, moment)
        return self.slugs[max(0, middle - count):middle + count + 1]


def _related(stories: Mapping[str, Story], by_actor, by_country) -> dict[str, tuple[str, ...]]:
    """Related stories: most shared actors first, then most shared countries, then nearest in date.

    Two reports of the same meeting share every actor and country, so duplicate coverage ranks
    first. Candidates are the stories nearest in date to this one among each of its actors'
    (and, when those are too few, its countries'), so an actor with thousands of stories costs
    no more than one with ten."""
    when = {slug: story.newest.sort_key[0].timestamp() for slug, story in stories.items()}
    actors = {key: _Timeline(slugs, when) for key, slugs in by_actor.items()}
    countries = {key: _Timeline(slugs, when) for key, slugs in by_country.items()}
    related = {}
    for slug, story in stories.items():
        now = when[slug]
        candidates = {other for a in story.actors for other in actors[a].nearest(now, RELATED_WINDOW)}
        if len(candidates) <= RELATED_LIMIT:
            candidates.update(other for c in story.countries for other in countries[c].nearest(now, RELATED_LIMIT))
        candidates.discard(slug)

        actor_sets = [actors[a].members for a in story.actors]
        country_sets = [countries[c].members for c in story.countries]

        def rank(other: str, actor_sets=actor_sets, country_sets=country_sets, now: float = now) -> tuple:
            shared_actors = shared_countries = 0          # plain loops: this runs a million times at 10k
            for members in actor_sets:
                if other in members:
                    shared_actors += 1
            for members in country_sets:
                if other in members:
                    shared_countries += 1
            return -shared_actors, -shared_countries, abs(when[other] - now), other

        related[slug] = tuple(heapq.nsmallest(RELATED_LIMIT, candidates, key=rank))
    return related


def _mention_names(site: Site) -> dict[str, dict[tuple[str, str], frozenset[tuple[str, ...]]]]:
    """Per language, every name key an actor or country is found by in article bodies."""
    result: dict[str, dict[tuple[str, str], frozenset[tuple[str, ...]]]] = {}
    entities = [("actor", a) for a in site.actors.values()] + [("country", c) for c in site.countries.values()]
    for lang in site.config.languages:
        table = {}
        for kind, entity in entities:
            slug = entity.slug if kind == "actor" else entity.code
            names = [entity.name.get(lang, ""), *entity.aliases.get(lang, ())]
            keys = set().union(*(arabic.name_variants(n) for n in names if n))
            table[(kind, slug)] = frozenset(keys)
        result[lang] = table
    return result


def _shape(site: Site) -> tuple:
    """Everything the reverse maps, related stories and mention names are made from: when an edit leaves
    it unchanged (a story's text or title, say), a rebuild reuses them."""
    articles = tuple((a.slug, a.lang, a.sort_key, a.actors, a.countries) for a in site.articles)
    actors = tuple((a.slug, a.country, tuple(a.name.items()), tuple(a.aliases.items())) for a in site.actors.values())
    countries = tuple((c.code, tuple(c.name.items()), tuple(c.aliases.items())) for c in site.countries.values())
    return articles, actors, countries, site.config.languages


def link(site: Site, previous: Links | None = None) -> tuple[Links, list[ContentError]]:
    """Resolve the site's references; `previous` (the last build's links, its stories left out or not)
    is reused where nothing it was made from changed."""
    shape = _shape(site)
    if previous is not None and previous.shape == shape:     # the same references as a build that passed
        return dataclasses.replace(previous, stories=_stories(site, previous.stories or None)), []
    errors = check_references(site)
    stories = _stories(site)
    by_actor = _reverse(stories, "actors")
    by_country = _reverse(stories, "countries")
    actors_of_country: dict[str, list[str]] = defaultdict(list)
    for code in site.countries:
        seen = Counter(a for slug in by_country.get(code, ()) for a in stories[slug].actors)
        seen.update({a.slug: 0 for a in site.actors.values() if a.country == code})
        actors_of_country[code] = [a for a, _ in sorted(seen.items(), key=lambda kv: (-kv[1], kv[0]))
                                   if a in site.actors]
    links = Links(
        stories=stories, by_actor=by_actor, by_country=by_country,
        actors_of_country={k: tuple(v) for k, v in actors_of_country.items()},
        co_actors=_co_actors(stories), related=_related(stories, by_actor, by_country),
        mention_names=_mention_names(site), shape=shape,
    )
    return links, errors
