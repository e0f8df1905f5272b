"""The search index: articles, actors and countries -> static files the browser fetches on demand.

Every file's address carries a content hash, so hosts may cache them for ever:

  search/manifest.<h>.json   where everything is: shard bounds, doc id ranges per language and year
  search/t/<h>/<n>.json      term shards: term -> postings; terms sorted by shard_key, so every form
                             of a word (والرءيس, الرءيس, رءيس) and its stem sit in one shard
  search/d/<h>/<id>.json     one article as a result shows it: title, date, source, entities, opening text
  search/e/<h>/<id>.json     one actor or country: names in every language, its article ids

(<h>: the hash of everything in that folder.)
  search/runtime.<h>.js      the query side of nashra.arabic (search_runtime.js + generated tables)

Doc ids run language by language, newest first, so "newer wins a tie" is "lower id wins", and a
language or a year is a range of ids. Postings are delta-encoded id lists.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import operator
from array import array
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import PurePosixPath
from typing import Callable, Iterable, Mapping, NamedTuple

from . import arabic, i18n
from .link import Links
from .markup import Rendered, pack, plain_text, unpack
from .model import Actor, Article, Country, Site, name_in
from .parallel import in_order, map_chunks, release_memory
from .urls import Urls

# A shard is closed once its JSON passes this size (a word's forms are never split across shards).
SHARD_BYTES = 24_000
# Postings slots: docs with the exact form, docs with it in the title (any form), docs with another form
# of the word only, entities named with it, and docs linked to an entity whose short name (one or two
# words: قالن, إبراهيم قالن, Turkey) holds it: a search for the name finds them in any language.
EXACT, TITLE, OTHER_FORM, ENTITIES, LINKED = range(5)
SHORT_NAME_WORDS = 2
STEM_MARK = "~"
# How much of an article's text its result file carries, for the snippet (matches further on still count).
RESULT_TEXT = 3000


@dataclass(frozen=True)
class SearchFiles:
    files: dict[PurePosixPath, bytes]
    manifest_url: str
    runtime_url: str


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:10]


def _hash_all(files: Iterable[bytes]) -> str:
    """The hash of the files joined by newlines, without joining them (they add up to a hundred MB at 10k)."""
    hashed = hashlib.sha256()
    for n, data in enumerate(files):
        if n:
            hashed.update(b"\n")
        hashed.update(data)
    return hashed.hexdigest()[:10]


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _deltas(ids: list[int]) -> list[int]:
    """Increasing ids as differences: [3, 5, 9] -> [3, 2, 4]."""
    return list(map(operator.sub, ids, [0, *ids[:-1]]))


def runtime_js() -> str:
    """search_runtime.js with the normaliser's tables, generated from nashra.arabic (one source of truth)."""
    tables = {
        "fold": arabic.FOLD_TABLE,
        "wordMarks": arabic.WORD_MARKS,
        "prefixes": list(arabic.CLITIC_PREFIXES),
        "minStem": arabic.MIN_STEM,
        "compoundHeads": sorted(arabic.COMPOUND_HEADS),
        "searchMin": arabic.SEARCH_MIN,
        "arabicSuffixes": list(arabic.ARABIC_SUFFIXES),
        "englishKeep": sorted(arabic.ENGLISH_KEEP),
        "stemMark": STEM_MARK,
    }
    source = resources.files("nashra").joinpath("search_runtime.js").read_text(encoding="utf-8")
    return source.replace("/*TABLES*/null", json.dumps(tables, ensure_ascii=False, sort_keys=True))


class _Postings:
    """term -> [exact, title, other-form docs, entity ids, linked docs]. Items arrive in increasing order
    (but linked docs, which come entity by entity). Ids are kept in arrays of C ints: half a list's memory,
    and a large site's postings run to tens of millions of ids."""

    def __init__(self):
        self.slots: list[defaultdict[str, array]] = [defaultdict(functools.partial(array, "i")) for _ in range(4)]
        self.linked: defaultdict[str, set[int]] = defaultdict(set)

    def add(self, term: str, slot: int, item: int) -> None:
        items = self.slots[slot][term]
        if not items or items[-1] != item:
            items.append(item)

    def link(self, term: str, docs: list[int]) -> None:
        self.linked[term].update(docs)

    def terms(self) -> set[str]:
        return set().union(*self.slots, self.linked)

    def take_row(self, term: str) -> list:
        """The term's row, its postings let go: rows are made as shards are cut, so neither all postings
        and all rows, nor all rows, are ever in memory at once."""
        exact, title, other, entities = self.slots
        found, others = exact.pop(term, array("i")).tolist(), other.pop(term, array("i")).tolist()
        if found and others:
            known = set(found)
            others = [d for d in others if d not in known]
        row = [_deltas(found), _deltas(title.pop(term, array("i")).tolist()), _deltas(others),
               entities.pop(term, array("i")).tolist(), _deltas(sorted(self.linked.pop(term, ())))]
        while row and not row[-1]:
            row.pop()
        return row


def _term_key(term: str) -> str:
    return arabic.shard_key(term.removeprefix(STEM_MARK))


def _checked(items, check: Callable[[], None], every: int):
    """The items, calling check() before every `every`th: long loops that a live rebuild may interrupt."""
    for n, item in enumerate(items):
        if n % every == 0:
            check()
        yield item


def _shards(postings: _Postings, check: Callable[[], None] = lambda: None) -> tuple[list[str], list[bytes]]:
    """Terms in shard-key order, cut into shards of about SHARD_BYTES (a key never spans two): each shard's
    bound and its JSON file, term -> row, the postings emptied as the rows are made.

    A shard holds the keys from its bound up to the next shard's bound. Bounds are as short as they can
    be (the first shard's is ""), so the manifest that lists them stays small."""
    bounds: list[str] = []
    files: list[bytes] = []
    current: dict[str, list] = {}
    size, first, previous = 0, "", ""
    terms = postings.terms()
    keys = {term: _term_key(term) for term in _checked(terms, check, 2048)}
    for term in _checked(sorted(terms, key=lambda t: (keys[t], t)), check, 2048):
        key = keys[term]
        if current and size > SHARD_BYTES and key != previous:
            bounds.append(first)
            files.append(_json(current))
            current, size = {}, 0
        if not current:
            first = next(key[:n] for n in range(len(key) + 1) if key[:n] > previous) if bounds else ""
        current[term] = row = postings.take_row(term)
        size += len(term.encode("utf-8")) + len(str(row)) + 4
        previous = key
    bounds.append(first)
    files.append(_json(current))
    return bounds, files


def _entity_names(entity: Actor | Country) -> list[str]:
    """Every name and alias, in every language."""
    return [n for n in entity.name.values() if n] + [a for names in entity.aliases.values() for a in names]


class Cancelled(Exception):
    """build_index stopped because `cancelled()` said so (the words read so far stay in its cache)."""


def build_index(site: Site, links: Links, urls: Urls, bodies: Mapping[tuple[str, str], Rendered],
                workers: int | None = None, cache: dict | None = None,
                cancelled: Callable[[], bool] | None = None,
                keep: Callable[[Shelf], None] | None = None,
                write: Callable[[PurePosixPath, bytes], None] | None = None,
                read: Shelf | None = None, free_bodies: bool = False) -> SearchFiles:
    """The whole index of the site's articles, actors and countries (words found on `workers` cores).

    `cache` (kept by a live rebuild between builds) keeps each article's text and words, so only the
    articles that changed are read again; its "stored" entry is the last build's words from .nashra-cache/,
    replaced by this build's. With `keep`, this build's words go to keep() as soon as they are read and the
    cache keeps none: a one-off build then lets them go as soon as the postings are made. With `write`,
    each file goes to write(path, bytes) once its name is known instead of into SearchFiles.files.
    `cancelled`, asked now and then, stops the work (raises Cancelled). `read`: what read_article made of
    some articles already, by (title, packed body HTML: Rendered.packed); build_index empties it once the
    postings are made. `free_bodies`: empty `bodies` once read (the caller needs them no more). The
    last build's words (cache["stored"]) and this build's (to keep()) are Shelves, by a digest of the key."""
    def check() -> None:
        if cancelled is not None and cancelled():
            raise Cancelled()

    languages = site.config.languages
    articles, ranges, years = _documents(links, languages)
    one_off = cache is None or keep is not None
    cache = {} if cache is None else cache
    keys = [(article.title, bodies[(article.slug, article.lang)].packed) for article in articles]
    if free_bodies:
        bodies.clear()
    # (title, packed body HTML) -> _Read: a one-off build's on a shelf (the caller's, with what it read),
    # a live rebuild's in its cache, for the next rebuild.
    if one_off:
        known = read if read is not None else Shelf()
    else:
        known = cache.setdefault("articles", {})
        if read is not None:
            known.update((key, read[key]) for key in keys if key in read)
            read.clear()
    stored = cache.pop("stored", None) if one_off else cache.get("stored")   # digest -> _Read
    digests = None
    if stored is not None:
        digests = {key: hashlib.blake2b(key[0].encode("utf-8", "surrogatepass") + b"\0" + key[1],
                                        digest_size=16).digest() for key in keys}
        hits = {digests[key]: key for key in keys if key not in known and digests[key] in stored}
        if one_off:
            known.share(stored, hits)
        else:
            known.update((key, stored[digest]) for digest, key in hits.items())
        del stored, hits
    todo = [key for key in dict.fromkeys(keys) if key not in known]
    if cancelled is None:
        found = in_order(map_chunks(lambda chunk: [read_article(title, plain_text(unpack(html))) for title, html in chunk],
                                    todo, workers))
        for key, found_read in zip(todo, found):
            known[key] = found_read
        del found
    else:
        for title, html in _checked(todo, check, 8):
            known[(title, html)] = read_article(title, plain_text(unpack(html)))
    if not one_off:
        cache["articles"] = known = {key: known[key] for key in keys}
    if digests is not None:                # this build's words replace the last build's
        this_build = known.keyed({key: digests[key] for key in keys}).compact() if one_off else Shelf()
        if not one_off:
            for key in keys:
                this_build[digests[key]] = known[key]
        if keep is not None:
            keep(this_build)
        else:
            cache["stored"] = this_build
        del this_build

    # The order of the documents, without the keys (they hold each article's HTML, which may go now).
    order, fetch = (known.take_places(keys), known.at) if one_off else (keys, known.__getitem__)
    del keys

    def reads() -> Iterable[_Read]:
        return map(fetch, order)

    if free_bodies:
        release_memory()                   # the bodies' pages, so the postings need not grow the heap
    check()
    entities = [("actor", slug, actor) for slug, actor in site.actors.items()] + \
               [("country", code, country) for code, country in site.countries.items()]
    entity_id = {(kind, slug): i for i, (kind, slug, _) in enumerate(entities)}
    describe = _Describe(site, urls, entity_id)
    files: dict[PurePosixPath, bytes] = {}
    root = PurePosixPath("search")

    def put(path: PurePosixPath, data: bytes) -> None:
        if write is None:
            files[path] = data
        else:
            write(path, data)

    def put_all(folder: str, contents) -> None:
        for i, data in enumerate(contents):
            put(root / folder / f"{i}.json", data)

    # Result files first, so the texts can go before the postings are made. Handed to `write`, they are
    # made twice instead of kept: once for the hash that names their folder, once to be written.
    def doc_files():
        return (_json(describe.article(article, read.text())) for article, read in _checked(zip(articles, reads()), check, 32))

    kept = None if write is not None else list(doc_files())
    folders = {"docs": f"d/{_hash_all(kept if kept is not None else doc_files())}/"}
    put_all(folders["docs"], kept if kept is not None else doc_files())
    del kept
    if one_off:
        known.drop_openings()              # their texts are in the result files now
    names = [_words([(name, False) for name in _entity_names(entity)]) for _, _, entity in entities]
    doc_index = {(a.slug, a.lang): i for i, a in enumerate(articles)}
    entity_docs = [_entity_docs(kind, slug, links, doc_index, languages) for kind, slug, _ in entities]
    short_names = [_words([(n, False) for n in _entity_names(entity) if len(arabic.words(n)) <= SHORT_NAME_WORDS])
                   for _, _, entity in entities]
    postings = _postings(reads, names, list(zip(short_names, entity_docs)), check)
    if one_off:
        known.clear()
    order.clear()
    release_memory()                       # the words were read among longer-lived things: hand back their pages
    check()

    bounds, shard_files = _shards(postings, check)
    del postings
    entity_files = [_json(describe.entity(kind, slug, entity, docs))
                    for (kind, slug, entity), docs in zip(entities, entity_docs)]
    # Files named by number in folders named by the hash of all their contents (compact JSON has no newline).
    folders["terms"], folders["entities"] = f"t/{_hash_all(shard_files)}/", f"e/{_hash_all(entity_files)}/"
    put_all(folders["terms"], shard_files)
    put_all(folders["entities"], entity_files)

    runtime = runtime_js().encode("utf-8")
    runtime_name = f"runtime.{_hash(runtime)}.js"
    manifest = _json({"version": 1, "shards": bounds, "languages": ranges, "years": years,
                      "entity_count": len(entities), "terms": folders["terms"], "docs": folders["docs"],
                      "entities": folders["entities"]})
    manifest_name = f"manifest.{_hash(manifest)}.json"
    put(root / runtime_name, runtime)
    put(root / manifest_name, manifest)
    return SearchFiles(files, urls.asset(f"search/{manifest_name}"), urls.asset(f"search/{runtime_name}"))


def _documents(links: Links, languages: tuple[str, ...]) -> tuple[list[Article], dict, dict]:
    """Articles in id order (language by language, newest first), each language's id range and years."""
    articles: list[Article] = []
    ranges, years = {}, {}
    for lang in languages:
        start = len(articles)
        articles += sorted((s.versions[lang] for s in links.stories.values() if lang in s.versions),
                           key=lambda a: a.sort_key, reverse=True)
        ranges[lang] = [start, len(articles)]
        by_year: dict[int, list[int]] = {}
        for i in range(start, len(articles)):
            by_year.setdefault(articles[i].date.year, [i, i])[1] = i + 1
        years[lang] = [[year, lo, hi] for year, (lo, hi) in by_year.items()]
    return articles, ranges, years


def read_article(title: str, text: str) -> _Read:
    """What the index keeps of an article, given its title and its text (markup.plain_text): the opening
    of its text (and whether more follows), its words."""
    opening = _opening(text)
    words = _words([(title, True), (text, False)])
    return _Read(pack(opening), len(opening) < len(text),
                 pack("\0".join((words.title, words.other, words.title_loose, words.other_loose))))


class _Read(NamedTuple):
    """What the index reads of an article, compressed: a large site's add up to hundreds of MB, held from
    the markup stage (whose workers read them) to the postings, and in .nashra-cache/."""

    opening: bytes               # the opening of its text (see _opening)
    more: bool                   # more text follows the opening
    words: bytes                 # the four word lists of _Words, joined by NUL

    def text(self) -> tuple[str, bool]:
        return unpack(self.opening), self.more

    def unpacked(self) -> _Words:
        return _Words(*unpack(self.words).split("\0"))


class Shelf:
    """_Reads by key, their bytes kept end to end in a few large blocks of memory instead of as two objects
    each. A large site's add up to hundreds of MB, held from the markup stage to the postings: let go, a
    block goes back to the system at once, where tens of thousands of small objects freed among longer-lived
    ones would not (a render worker lets go of its copy as it starts). A markup worker fills a shelf that
    the build takes in whole (absorb); a shelf is pickled whole into .nashra-cache/. Openings and words are
    kept in blocks of their own, so the openings can go before the postings are made."""

    def __init__(self) -> None:
        self._blocks = [(bytearray(), bytearray())]     # (openings, words)
        self._at: dict = {}        # key -> (block, opening start, opening length, words start, words length, more)

    def __setitem__(self, key, read: _Read) -> None:
        openings, words = self._blocks[-1]
        self._at[key] = (len(self._blocks) - 1, len(openings), len(read.opening), len(words), len(read.words),
                         read.more)
        openings += read.opening
        words += read.words

    def __getitem__(self, key) -> _Read:
        return self.at(self._at[key])

    def __contains__(self, key) -> bool:
        return key in self._at

    def __len__(self) -> int:
        return len(self._at)

    def absorb(self, other: Shelf) -> None:
        """Take in another shelf's blocks and keys as they are (`other` is not to be used after)."""
        self.share(other, {key: key for key in other._at})

    def share(self, other: Shelf, keys: dict) -> None:
        """Take some of another shelf's _Reads ({its key: key here}), sharing its blocks: no bytes are copied."""
        base = len(self._blocks)
        self._blocks += other._blocks
        self._at.update((key, (base + block, *rest)) for key, (block, *rest) in
                        ((key, other._at[theirs]) for theirs, key in keys.items()))
        self._blocks.append((bytearray(), bytearray()))    # what is put here next goes in blocks of its own

    def keyed(self, keys: dict) -> Shelf:
        """The same _Reads under other keys ({key: new key}), sharing this shelf's blocks."""
        shelf = Shelf()
        shelf._blocks = self._blocks
        shelf._at = {new: self._at[key] for key, new in keys.items()}
        return shelf

    def compact(self) -> Shelf:
        """This shelf, or a copy without the bytes no key reads when they are most of it (shared blocks keep
        what an earlier build read of articles since changed)."""
        kept = sum(place[2] + place[4] for place in self._at.values())
        if 2 * kept >= sum(len(openings) + len(words) for openings, words in self._blocks):
            return self
        copy = Shelf()
        for key in self._at:
            copy[key] = self[key]
        return copy

    def take_places(self, keys: Iterable) -> list[tuple]:
        """Where the _Reads of `keys` are, in order (at(place) reads one), and the shelf forgets its keys:
        they may hold much (the index's hold each article's HTML)."""
        places, self._at = list(map(self._at.__getitem__, keys)), {}
        return places

    def at(self, place: tuple) -> _Read:
        block, opening_start, opening, words_start, words, more = place
        openings_block, words_block = self._blocks[block]
        with memoryview(openings_block) as openings_view, memoryview(words_block) as words_view:
            return _Read(openings_view[opening_start:opening_start + opening].tobytes(), more,
                         words_view[words_start:words_start + words].tobytes())

    def drop_openings(self) -> None:
        """Let go of every opening (and those of shelves sharing the blocks): at() then reads b"" for them."""
        for openings, _ in self._blocks:
            openings.clear()

    def clear(self) -> None:
        self._blocks, self._at = [(bytearray(), bytearray())], {}


@dataclass(frozen=True)
class _Words:
    """The folded words of a document, each once, and the same words typed without hamza: those of its
    title, then the others. Kept as space-separated text, which is compact in memory and in .nashra-cache/
    and quick to send between processes."""

    title: str
    other: str
    title_loose: str
    other_loose: str

    def exact(self) -> list[str]:
        return self.title.split() + self.other.split()

    def loose(self) -> list[str]:
        return self.title_loose.split() + self.other_loose.split()


def _words(parts: list[tuple[str, bool]]) -> _Words:
    exact: dict[str, bool] = {}
    loose: dict[str, bool] = {}
    for text, in_title in parts:                 # the title comes first
        folded, hamza_free = arabic.distinct_words(text)
        for word in folded:
            if word not in exact:
                exact[word] = in_title
        for word in hamza_free:
            if word not in exact and word not in loose:
                loose[word] = in_title
    return _Words(" ".join(w for w, t in exact.items() if t), " ".join(w for w, t in exact.items() if not t),
                  " ".join(w for w, t in loose.items() if t), " ".join(w for w, t in loose.items() if not t))


def _postings(reads: Callable[[], Iterable[_Read]], names: list[_Words], linked: list[tuple[_Words, list[int]]],
              check: Callable[[], None] = lambda: None) -> _Postings:
    """Each word under its own form, under each clitic-free form that is a word of the site too
    (so وزير is never filed under زير), under its stem unless it is a name, and without hamza."""
    proper = set().union(*(n.exact() for n in names))
    lexicon = set(proper)
    loose_lexicon = set()
    for words in map(_Read.unpacked, reads()):   # one document's words at a time: they add up to millions
        lexicon.update(words.exact())
        loose_lexicon.update(words.loose())
    for words in names:
        loose_lexicon.update(words.loose())
    loose_lexicon |= lexicon

    @functools.cache
    def forms(word: str, loose: bool = False) -> tuple[str, ...]:
        known = loose_lexicon if loose else lexicon
        return (word, *(b for b in arabic.clitic_bases(word) if b in known))

    @functools.cache
    def stems(word: str) -> tuple[str, ...]:
        if word in proper:                          # names are never stemmed: قالن is not قالت
            return ()
        return tuple({STEM_MARK + stem for form in forms(word) if (stem := arabic.light_stem(form)) != form})

    @functools.cache
    def filed(word: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """The terms a word of a document is filed under: as its exact form, as another form, in a title."""
        word_forms = forms(word)
        return (word, *stems(word)), word_forms[1:], word_forms

    loose_forms = functools.cache(functools.partial(forms, loose=True))
    postings = _Postings()
    exact, title, other, _ = postings.slots
    chain, first, second, third = itertools.chain.from_iterable, *map(operator.itemgetter, range(3))
    for doc, words in enumerate(map(_Read.unpacked, _checked(reads(), check, 32))):
        # A document's terms per slot, each once, then the document joins each term's list: every loop
        # here runs in C (map, chain, set.update, any), which matters at millions of words.
        in_title = list(map(filed, words.title.split()))
        in_text = list(map(filed, words.other.split()))
        loose_title = list(map(loose_forms, words.title_loose.split()))
        exact_terms = set(chain(map(first, in_title)))
        exact_terms.update(chain(map(first, in_text)))
        other_terms = set(chain(map(second, in_title)))
        other_terms.update(chain(map(second, in_text)), chain(loose_title),
                           chain(map(loose_forms, words.other_loose.split())))
        title_terms = set(chain(map(third, in_title)))
        title_terms.update(chain(loose_title))
        for slot, terms in ((exact, exact_terms), (other, other_terms), (title, title_terms)):
            any(map(array.append, map(slot.__getitem__, terms), itertools.repeat(doc)))
    for entity, words in enumerate(names):
        for word in words.exact():
            for form in forms(word):
                postings.add(form, ENTITIES, entity)
        for word in words.loose():
            for form in forms(word, loose=True):
                postings.add(form, ENTITIES, entity)
    for short, entity_docs in linked:
        for word in short.exact():
            for form in forms(word):
                postings.link(form, entity_docs)
        for word in short.loose():
            for form in forms(word, loose=True):
                postings.link(form, entity_docs)
    return postings


def _opening(text: str) -> str:
    """The first RESULT_TEXT characters of a text, cut at a space: where result snippets are taken from."""
    if len(text) <= RESULT_TEXT:
        return text
    cut = text.rfind(" ", 0, RESULT_TEXT)
    return text[:cut if cut > 0 else RESULT_TEXT]


def _entity_docs(kind: str, slug: str, links: Links, doc_index: dict[tuple[str, str], int],
                 languages: tuple[str, ...]) -> list[int]:
    """The ids of every article (each language) that links the entity, in order."""
    stories = (links.by_actor if kind == "actor" else links.by_country).get(slug, ())
    return sorted(doc_index[(s, lang)] for s in stories for lang in languages if (s, lang) in doc_index)


class _Describe:
    """What a result shows of an article or an entity, in the article's or every language."""

    def __init__(self, site: Site, urls: Urls, entity_id: dict[tuple[str, str], int]):
        self.site, self.urls, self.entity_id = site, urls, entity_id
        self.languages = site.config.languages

    def name(self, entity: Actor | Country, lang: str) -> str:
        return name_in(entity, lang, self.languages)[0]

    def article(self, article: Article, text: tuple[str, bool]) -> dict:
        config, lang = self.site.config, article.lang
        opening, more = text
        return {
            "url": self.urls.article(lang, article.slug), "title": article.title, "lang": lang,
            "date": article.date.isoformat(),
            "date_text": i18n.format_day(article.date, config.locales[lang], config.digits[lang]),
            "source": article.source.name if article.source else "",
            "actors": [[self.entity_id[("actor", s)], self.name(self.site.actors[s], lang), self.urls.actor(lang, s)]
                       for s in article.actors],
            "countries": [[self.entity_id[("country", c)], self.name(self.site.countries[c], lang),
                           self.urls.country(lang, c)] for c in article.countries],
            "text": opening, "more": more,
        }

    def entity(self, kind: str, slug: str, entity: Actor | Country, docs: list[int]) -> dict:
        url = self.urls.actor if kind == "actor" else self.urls.country
        return {
            "kind": entity.kind if isinstance(entity, Actor) else "country", "slug": slug,
            "name": {lang: self.name(entity, lang) for lang in self.languages},
            "url": {lang: url(lang, slug) for lang in self.languages},
            "role": dict(entity.role) if isinstance(entity, Actor) else {},
            "names": [[t.folded for t in arabic.tokens(n)] for n in _entity_names(entity)],
            "docs": _deltas(docs),
        }
