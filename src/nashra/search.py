"""The search index: articles, actors and countries -> static files the browser fetches on demand.

Every file's address carries a content hash, so hosts may cache them for ever:

  search/manifest.<h>.json   where everything is: shard bounds and names, result folders, doc id ranges
                             per language and year
  search/t/<h>.json          term shards: term -> postings, each named by the hash of its bytes; terms
                             sorted by shard_key, so every form of a word (والرءيس, الرءيس, رءيس) and its
                             stem sit in one shard
  search/d/<h>/<id>.json     one article as a result shows it: title, date, source, entities, opening text;
                             DOC_FOLDER ids to a folder, named by the hash of its files
  search/e/<h>/<id>.json     one actor or country: names in every language, its article ids
                             (<h>: the hash of everything in that folder)
  search/runtime.<h>.js      the query side of nashra.arabic (search_runtime.js + generated tables)

Doc ids run language by language, newest first, so "newer wins a tie" is "lower id wins", and a
language or a year is a range of ids. Postings are delta-encoded id lists.

Shards are cut where a shard key's hash marks a chunk boundary (one key in `modulus`), and inside a chunk
once a shard passes SHARD_BYTES. An edit that changes some articles' words makes again only the chunks
that hold the terms it changed and the result folders of those articles (update_index); every other file
keeps its name and bytes, as a full build (build_index) would make them.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import json
import math
import operator
import zlib
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Callable, Hashable, Iterable, Iterator, Mapping, NamedTuple

from . import arabic, blocks, i18n
from .link import Links
from .markup import Rendered, pack, plain_text, unpack
from .model import Actor, Article, Country, Site, name_in
from .parallel import in_order, map_chunks, release_memory
from .urls import Urls

# A shard is closed once its JSON passes this size (a word's forms are never split across shards).
SHARD_BYTES = 24_000
# A chunk of shards (from one boundary key to the next) holds about this many shards' worth of terms.
CHUNK_SHARDS = 4
# Result files to a folder: an edited article's folder is written again, the others are kept.
DOC_FOLDER = 128
# Postings slots: docs with the exact form, docs with it in the title (any form), docs with another form
# of the word only, entities named with it, and docs linked to an entity whose short name (one or two
# words: قالن, إبراهيم قالن, Turkey) holds it: a search for the name finds them in any language.
EXACT, TITLE, OTHER_FORM, ENTITIES, LINKED = range(5)
SHORT_NAME_WORDS = 2
STEM_MARK = "~"
# How much of an article's text its result file carries, for the snippet (matches further on still count).
RESULT_TEXT = 3000
ROOT = PurePosixPath("search")


def _hash(data: bytes, length: int = 10) -> str:
    return hashlib.sha256(data).hexdigest()[:length]


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


def _undeltas(deltas: list[int]) -> list[int]:
    return list(itertools.accumulate(deltas))


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


# --- terms and shards ---------------------------------------------------------------------------

def _term_key(term: str) -> str:
    return arabic.shard_key(term.removeprefix(STEM_MARK))


def _is_boundary(key: str, modulus: int) -> bool:
    """Whether a shard key starts a chunk: decided by the key alone, so a chunk's bounds never move."""
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % modulus == 0


def _modulus(keys: int, postings: int) -> int:
    """One key in this many is a chunk boundary: about CHUNK_SHARDS shards' worth of terms a chunk, as a power
    of two, so that it changes only when the site's index has about doubled (and is cut afresh)."""
    if not keys:
        return 1
    wanted = CHUNK_SHARDS * SHARD_BYTES * keys / (16 * keys + 3 * postings)
    return 2 ** max(0, round(math.log2(wanted))) if wanted > 1 else 1


class _Shard(NamedTuple):
    first: str                   # its first shard key
    last: str                    # its last
    name: str                    # t/<name>.json: the hash of its bytes


def _cut(rows: Iterable[tuple[str, str, list]], modulus: int) -> Iterator[tuple[_Shard, bytes]]:
    """(key, term, row) in shard-key order -> shards and their JSON. A shard starts at a chunk boundary, or
    at the next key once the one before passes SHARD_BYTES (a key never spans two shards)."""
    current: dict[str, list] = {}
    size, first, previous = 0, "", ""
    for key, term, row in rows:
        if current and key != previous and (size > SHARD_BYTES or _is_boundary(key, modulus)):
            data = _json(current)
            yield _Shard(first, previous, _hash(data, 12)), data
            current, size = {}, 0
        if not current:
            first = key
        current[term] = row
        size += len(term.encode("utf-8")) + len(str(row)) + 4
        previous = key
    if current:
        data = _json(current)
        yield _Shard(first, previous, _hash(data, 12)), data


def _bounds(shards: list[_Shard]) -> list[str]:
    """Each shard's bound: the shortest start of its first key that sorts after the last shard's keys (the
    first shard's is ""), so the manifest that lists them stays small. A shard holds the keys from its
    bound up to the next shard's."""
    bounds = [""] if shards else []
    for previous, shard in zip(shards, shards[1:]):
        key = shard.first
        bounds.append(next(key[:n] for n in range(len(key) + 1) if key[:n] > previous.last))
    return bounds


def _row(exact: Iterable[int], title: Iterable[int], other: Iterable[int], entities: Iterable[int],
         linked: Iterable[int]) -> list:
    """A term's postings as the shard holds them: sorted ids as deltas (other-form docs without the exact
    ones), entity ids as they are, trailing empty slots left out."""
    exact = sorted(exact)
    known = set(exact)
    row = [_deltas(exact), _deltas(sorted(title)), _deltas(sorted(d for d in other if d not in known)),
           sorted(entities), _deltas(sorted(linked))]
    while row and not row[-1]:
        row.pop()
    return row


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

    def link(self, term: str, docs: Iterable[int]) -> None:
        self.linked[term].update(docs)

    def terms(self) -> set[str]:
        return set().union(*self.slots, self.linked)

    def count(self) -> int:
        """Every posting, in every slot (other-form docs counted before the exact ones are taken out)."""
        return sum(len(items) for slot in self.slots for items in slot.values()) + sum(map(len, self.linked.values()))

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


def _checked(items, check: Callable[[], None], every: int):
    """The items, calling check() before every `every`th: long loops that a live rebuild may interrupt."""
    for n, item in enumerate(items):
        if n % every == 0:
            check()
        yield item


def _shards(postings: _Postings, modulus: int, put: Callable[[PurePosixPath, bytes], None],
            check: Callable[[], None] = lambda: None) -> list[_Shard]:
    """Every term's row, cut into shards (see _cut) that go to put() as they are made: the postings are
    emptied as the rows are made."""
    terms = postings.terms()
    keys = {term: _term_key(term) for term in _checked(terms, check, 2048)}
    ordered = sorted(terms, key=lambda t: (keys[t], t))
    rows = ((keys[term], term, postings.take_row(term)) for term in _checked(ordered, check, 2048))
    shards = []
    for shard, data in _cut(rows, modulus):
        put(ROOT / "t" / f"{shard.name}.json", data)
        shards.append(shard)
    if not shards:                                 # an index with no terms has one empty shard
        data = _json({})
        shards.append(_Shard("", "", _hash(data, 12)))
        put(ROOT / "t" / f"{shards[0].name}.json", data)
    return shards


def _entity_names(entity: Actor | Country) -> list[str]:
    """Every name and alias, in every language."""
    return [n for n in entity.name.values() if n] + [a for names in entity.aliases.values() for a in names]


class _Lexicon:
    """The words documents are filed under besides their own: a clitic-free form is a term only when it
    is a word of the site (so وزير is never filed under زير), a word's stem only when it is no name."""

    def __init__(self, proper: frozenset[str], exact, loose):
        self.proper, self.exact, self.loose = proper, exact, loose    # exact, loose: containers of words
        self.forms = functools.cache(self._forms)
        self.loose_forms = functools.cache(functools.partial(self._forms, loose=True))
        self.stems = functools.cache(self._stems)
        self.filed = functools.cache(self._filed)

    def _forms(self, word: str, loose: bool = False) -> tuple[str, ...]:
        known = self.loose if loose else self.exact
        return (word, *(b for b in arabic.clitic_bases(word) if b in known))

    def _stems(self, word: str) -> tuple[str, ...]:
        if word in self.proper:                     # names are never stemmed: قالن is not قالت
            return ()
        return tuple({STEM_MARK + stem for form in self.forms(word) if (stem := arabic.light_stem(form)) != form})

    def _filed(self, word: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """The terms a word of a document is filed under: as its exact form, as another form, in a title."""
        word_forms = self.forms(word)
        return (word, *self.stems(word)), word_forms[1:], word_forms

    def filing(self, words: _Words) -> tuple[set[str], set[str], set[str]]:
        """A document's terms per slot: (exact, other form, title). Every loop here runs in C (map, chain,
        set.update), which matters at millions of words."""
        chain, first, second, third = itertools.chain.from_iterable, *map(operator.itemgetter, range(3))
        in_title = list(map(self.filed, words.title.split()))
        in_text = list(map(self.filed, words.other.split()))
        loose_title = list(map(self.loose_forms, words.title_loose.split()))
        exact_terms = set(chain(map(first, in_title)))
        exact_terms.update(chain(map(first, in_text)))
        other_terms = set(chain(map(second, in_title)))
        other_terms.update(chain(map(second, in_text)), chain(loose_title),
                           chain(map(self.loose_forms, words.other_loose.split())))
        title_terms = set(chain(map(third, in_title)))
        title_terms.update(chain(loose_title))
        return exact_terms, other_terms, title_terms

    def entity_filing(self, names: list[_Words], linked: list[tuple[_Words, list[int]]]) -> _Postings:
        """The entity slots: each entity under every form of its names, and the docs linked to it under
        every form of its short names."""
        postings = _Postings()
        for entity, words in enumerate(names):
            for word in words.exact():
                for form in self.forms(word):
                    postings.add(form, ENTITIES, entity)
            for word in words.loose():
                for form in self.loose_forms(word):
                    postings.add(form, ENTITIES, entity)
        for short, entity_docs in linked:
            for word in short.exact():
                for form in self.forms(word):
                    postings.link(form, entity_docs)
            for word in short.loose():
                for form in self.loose_forms(word):
                    postings.link(form, entity_docs)
        return postings


class _Containing:
    """`word in` any of some word containers, without joining them."""

    def __init__(self, *containers):
        self.containers = containers

    def __contains__(self, word) -> bool:
        return any(word in c for c in self.containers)


# --- the index ----------------------------------------------------------------------------------------

@dataclass
class IndexState:
    """What update_index needs of the index a build made: what its documents and entities were, the words
    of the site and their document counts, and where every file is."""

    docs: list[tuple[str, str]]          # (slug, lang) of each doc id
    keys: list                           # what each doc's words were read from (the caller's keys)
    shape: tuple                         # what ids, entity files and entity slots depend on (see _shape)
    exact_counts: Counter                # documents each exact word is in
    loose_counts: Counter                # ... each word as typed without hamza
    proper: frozenset[str]               # the words of entity names (always words of the site)
    name_loose: frozenset[str]           # the names' words as typed without hamza
    shards: list[_Shard]
    modulus: int
    keys_count: int                      # distinct shard keys
    postings: int                        # see _Postings.count
    doc_folders: list[str]
    entities_folder: str
    entity_count: int
    manifest_name: str
    runtime_name: str

    def paths(self) -> set[PurePosixPath]:
        """Every file of the index."""
        paths = {ROOT / self.manifest_name, ROOT / self.runtime_name}
        paths.update(ROOT / "t" / f"{shard.name}.json" for shard in self.shards)
        for n, folder in enumerate(self.doc_folders):
            paths.update(_folder_paths(folder, n * DOC_FOLDER, min(len(self.docs), (n + 1) * DOC_FOLDER)))
        paths.update(ROOT / self.entities_folder / f"{i}.json" for i in range(self.entity_count))
        return paths


@functools.lru_cache(maxsize=4096)
def _folder_paths(folder: str, start: int, end: int) -> tuple[PurePosixPath, ...]:
    """The paths of a folder of result files (remembered: most folders stay as they are from build to build)."""
    return tuple(ROOT / "d" / folder / f"{i}.json" for i in range(start, end))


@dataclass(frozen=True)
class SearchFiles:
    files: dict[PurePosixPath, bytes]       # files to write (with build_index's `write`: none, all written)
    manifest_url: str
    runtime_url: str
    state: IndexState | None = field(default=None, compare=False)


class Cancelled(Exception):
    """build_index stopped because `cancelled()` said so (the words read so far stay in its cache)."""


def _entities(site: Site) -> list[tuple[str, str, Actor | Country]]:
    return [("actor", slug, actor) for slug, actor in site.actors.items()] + \
           [("country", code, country) for code, country in site.countries.items()]


def _shape(site: Site, links: Links, urls: Urls, docs: list[tuple[str, str]], ranges: dict, years: dict) -> tuple:
    """Everything but the articles' words and result files: when it is unchanged, every id and every entity
    file is too, and update_index may work from the last index."""
    entities = tuple((kind, slug, entity.kind if isinstance(entity, Actor) else "", tuple(entity.name.items()),
                      tuple(entity.aliases.items()), tuple(getattr(entity, "role", {}).items()))
                     for kind, slug, entity in _entities(site))
    return (site.config.languages, urls.base_path, tuple(docs), json.dumps([ranges, years]), entities,
            tuple(links.by_actor.items()), tuple(links.by_country.items()))


def _names(site: Site, links: Links, doc_index: Mapping[tuple[str, str], int]):
    """What the entity slots are made from: each entity's words, and its short names' words with the ids
    of its docs."""
    languages = site.config.languages
    entities = _entities(site)
    names = [_words([(name, False) for name in _entity_names(entity)]) for _, _, entity in entities]
    entity_docs = [_entity_docs(kind, slug, links, doc_index, languages) for kind, slug, _ in entities]
    short_names = [_words([(n, False) for n in _entity_names(entity) if len(arabic.words(n)) <= SHORT_NAME_WORDS])
                   for _, _, entity in entities]
    return entities, names, entity_docs, list(zip(short_names, entity_docs))


def _doc_folder(docs: Iterable[bytes]) -> str:
    return f"d/{_hash_all(docs)}/"


def _manifest(state: IndexState, ranges: dict, years: dict) -> bytes:
    return _json({"version": 2, "shards": _bounds(state.shards), "shard_files": [s.name for s in state.shards],
                  "languages": ranges, "years": years, "entity_count": state.entity_count,
                  "docs": [f"d/{folder}/" for folder in state.doc_folders], "doc_folder": DOC_FOLDER,
                  "entities": state.entities_folder})


def _finish(state: IndexState, ranges: dict, years: dict, urls: Urls,
            put: Callable[[PurePosixPath, bytes], None]) -> tuple[str, str]:
    """The runtime and the manifest, put; their addresses."""
    runtime = runtime_js().encode("utf-8")
    state.runtime_name = f"runtime.{_hash(runtime)}.js"
    manifest = _manifest(state, ranges, years)
    state.manifest_name = f"manifest.{_hash(manifest)}.json"
    put(ROOT / state.runtime_name, runtime)
    put(ROOT / state.manifest_name, manifest)
    return urls.asset(f"search/{state.manifest_name}"), urls.asset(f"search/{state.runtime_name}")


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
    each file goes to write(path, bytes) as it is made instead of into SearchFiles.files.
    `cancelled`, asked now and then, stops the work (raises Cancelled). `read`: what read_article made of
    some articles already; build_index empties it once the postings are made. `free_bodies`: empty
    `bodies` once read (the caller needs them no more). Words are kept by read_digest (of the title and
    the body), in the cache, in the last build's and this build's Shelves, and in SearchFiles.state."""
    def check() -> None:
        if cancelled is not None and cancelled():
            raise Cancelled()

    languages = site.config.languages
    articles, ranges, years = _documents(links, languages)
    one_off = cache is None or keep is not None
    cache = {} if cache is None else cache
    keys = [read_digest(article.title, bodies[(article.slug, article.lang)].digest) for article in articles]
    # read digest -> _Read: a one-off build's on a shelf (the caller's, with what it read), a live rebuild's
    # in its cache, for the next rebuild.
    if one_off:
        known = read if read is not None else Shelf()
    else:
        known = cache.setdefault("articles", {})
        if read is not None:
            known.update((key, read[key]) for key in keys if key in read)
            read.clear()
    stored = cache.pop("stored", None) if one_off else cache.get("stored")   # read digest -> _Read
    if stored is not None:
        hits = {key: key for key in keys if key not in known and key in stored}
        if one_off:
            known.share(stored, hits)
        else:
            known.update((key, stored[key]) for key in hits)
        del hits
    todo = {key: (article.title, bodies[(article.slug, article.lang)].packed)
            for key, article in zip(keys, articles) if key not in known}
    if free_bodies:
        bodies.clear()
    if cancelled is None:
        found = in_order(map_chunks(lambda chunk: [read_article(title, plain_text(unpack(html))) for title, html in chunk],
                                    list(todo.values()), workers))
        for key, found_read in zip(todo, found):
            known[key] = found_read
        del found
    else:
        for key, (title, html) in _checked(todo.items(), check, 8):
            known[key] = read_article(title, plain_text(unpack(html)))
    del todo
    if not one_off:
        cache["articles"] = known = {key: known[key] for key in keys}
    if stored is not None:                 # this build's words replace the last build's
        this_build = known.keyed({key: key for key in keys}).compact() if one_off else Shelf()
        if not one_off:
            for key in keys:
                this_build[key] = known[key]
        if keep is not None:
            keep(this_build)
        else:
            cache["stored"] = this_build
        del this_build, stored
    doc_keys = list(keys)

    # The order of the documents, without the keys.
    order, fetch = (known.take_places(keys), known.at) if one_off else (keys, known.__getitem__)
    del keys

    def reads() -> Iterable[_Read]:
        return map(fetch, order)

    if free_bodies:
        release_memory()                   # the bodies' pages, so the postings need not grow the heap
    check()
    files: dict[PurePosixPath, bytes] = {}
    put = files.__setitem__ if write is None else write
    doc_index = {(a.slug, a.lang): i for i, a in enumerate(articles)}
    entities, names, entity_docs, linked = _names(site, links, doc_index)
    describe = _Describe(site, urls, {(kind, slug): i for i, (kind, slug, _) in enumerate(entities)})

    # Result files first, so the texts can go before the postings are made: a folder's files at a time.
    doc_folders = []
    texts = (_json(describe.article(article, read.text())) for article, read in _checked(zip(articles, reads()), check, 32))
    for start in range(0, len(articles), DOC_FOLDER):
        folder = list(itertools.islice(texts, DOC_FOLDER))
        name = _hash_all(folder)
        doc_folders.append(name)
        for i, data in enumerate(folder, start):
            put(ROOT / "d" / name / f"{i}.json", data)
    del texts
    if one_off:
        known.drop_openings()              # their texts are in the result files now

    proper = frozenset().union(*(n.exact() for n in names))
    name_loose = frozenset().union(*(n.loose() for n in names))
    exact_counts: Counter = Counter()
    loose_counts: Counter = Counter()
    for words in map(_Read.unpacked, reads()):   # one document's words at a time: they add up to millions
        exact_counts.update(words.exact())
        loose_counts.update(words.loose())
    lexicon = _lexicon(proper, name_loose, exact_counts, loose_counts)
    postings = lexicon.entity_filing(names, linked)
    exact, title, other, _ = postings.slots
    for doc, words in enumerate(map(_Read.unpacked, _checked(reads(), check, 32))):
        # The document joins each of its terms' lists, in C (map, any).
        for slot, terms in zip((exact, other, title), lexicon.filing(words)):
            any(map(array.append, map(slot.__getitem__, terms), itertools.repeat(doc)))
    if one_off:
        known.clear()
    order.clear()
    release_memory()                       # the words were read among longer-lived things: hand back their pages
    check()

    count = postings.count()
    keys_count = len({_term_key(term) for term in postings.terms()})
    modulus = _modulus(keys_count, count)
    shards = _shards(postings, modulus, put, check)
    del postings
    entity_files = [_json(describe.entity(kind, slug, entity, docs))
                    for (kind, slug, entity), docs in zip(entities, entity_docs)]
    entities_folder = f"e/{_hash_all(entity_files)}/"
    for i, data in enumerate(entity_files):
        put(ROOT / entities_folder / f"{i}.json", data)
    state = IndexState([(a.slug, a.lang) for a in articles], doc_keys,
                       _shape(site, links, urls, list(doc_index), ranges, years), exact_counts, loose_counts,
                       proper, name_loose, shards, modulus, keys_count, count, doc_folders, entities_folder,
                       len(entities), "", "")
    manifest_url, runtime_url = _finish(state, ranges, years, urls, put)
    return SearchFiles(files, manifest_url, runtime_url, state)


def read_digest(title: str, body: bytes) -> bytes:
    """What a doc's words are read from, as a digest: its title and its body HTML (Rendered.digest)."""
    return hashlib.blake2b(title.encode("utf-8", "surrogatepass") + b"\0" + body, digest_size=16).digest()


def _lexicon(proper: frozenset[str], name_loose: frozenset[str], exact_counts: Counter,
             loose_counts: Counter) -> _Lexicon:
    """The site's words: the names' and every document's; as typed without hamza, those and the
    documents' and names' hamza-free words."""
    exact = set(exact_counts)
    exact |= proper
    return _Lexicon(proper, exact, _Containing(exact, loose_counts, name_loose))


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
    the build takes in whole (absorb); in .nashra-cache/ a shelf's blocks are one file that the next build
    maps into memory (dump, load), so it reads the pages of only the _Reads it uses. Openings and words are
    kept in blocks of their own, so the openings can go before the postings are made."""

    def __init__(self) -> None:
        self._blocks = [(bytearray(), bytearray())]     # (openings, words)
        self._at: dict = {}        # key -> (block, opening start, opening length, words start, words length, more)

    def __setitem__(self, key, read: _Read) -> None:
        openings, words = self._blocks[-1]         # always bytearrays: see share, load
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
        with blocks.view(openings_block) as openings_view, blocks.view(words_block) as words_view:
            return _Read(openings_view[opening_start:opening_start + opening].tobytes(), more,
                         words_view[words_start:words_start + words].tobytes())

    def drop_openings(self) -> None:
        """Let go of every opening (and those of shelves sharing the blocks): at() then reads b"" for them."""
        for openings, _ in self._blocks:
            if isinstance(openings, bytearray):      # a mapped file's pages are the system's to drop
                openings.clear()

    def clear(self) -> None:
        self._blocks, self._at = [(bytearray(), bytearray())], {}

    def dump(self, path: Path) -> None:
        """Write this shelf to `path` (its keys, and where their bytes are) and a blocks file beside it
        (blocks.dump): the bytes of a loaded shelf are copied file to file, not read in."""
        blocks.dump(path, {"at": self._at}, (block for pair in self._blocks for block in pair))

    @classmethod
    def load(cls, path: Path) -> Shelf:
        """The shelf `dump` wrote to `path`, its blocks mapped from their file (read only). Raises OSError,
        or pickle's errors, when it is missing or unreadable."""
        saved, pieces = blocks.load(path)
        shelf = cls()
        shelf._blocks = list(zip(pieces[0::2], pieces[1::2])) + [(bytearray(), bytearray())]
        shelf._at = saved["at"]
        return shelf


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




class _StaleIndex(Exception):
    """A file of the last index is missing or not what it was: the index is made afresh."""


def update_index(state: IndexState, site: Site, links: Links, urls: Urls, key_of: Callable[[Article], Hashable],
                 read_of: Callable[[Hashable], _Read | None], read_file: Callable[[PurePosixPath], bytes],
                 cancelled: Callable[[], bool] | None = None) -> SearchFiles | None:
    """The index after some articles' words or result files changed, made from the last one (`state`):
    only the chunks of shards holding a term whose postings changed, and the result folders of the changed
    articles, are made again; every other file stays as it is (SearchFiles.files holds the new files only).
    key_of(article): what its words are read from now (as build_index keys them); read_of(key) gives the
    words, for these keys and the last index's (None when it has none: the index is then made afresh);
    read_file(path) a file of the last index. None when the ids, the entities or
    their links changed, or a file of the last index is not as it was made: build_index makes it afresh."""
    def check() -> None:
        if cancelled is not None and cancelled():
            raise Cancelled()

    articles, ranges, years = _documents(links, site.config.languages)
    docs = [(a.slug, a.lang) for a in articles]
    keys = list(map(key_of, articles))
    if state.keys is None or len(keys) != len(state.keys) or _shape(site, links, urls, docs, ranges, years) != state.shape:
        return None
    changed = [i for i, (old, new) in enumerate(zip(state.keys, keys)) if old != new]
    if not changed:
        return SearchFiles({}, urls.asset(f"search/{state.manifest_name}"), urls.asset(f"search/{state.runtime_name}"),
                           state)
    try:
        return _Update(state, site, links, urls, articles, keys, changed, read_of, read_file, check).run(ranges, years)
    except _StaleIndex:
        return None


class _Update:
    """One update_index: the words that changed, the documents they refile, the shards that change."""

    def __init__(self, state: IndexState, site: Site, links: Links, urls: Urls, articles: list[Article], keys: list,
                 changed: list[int], read_of, read_file, check):
        self.state, self.site, self.links, self.urls, self.articles = state, site, links, urls, articles
        self.keys, self.changed, self.read_of, self.read_file, self.check = keys, changed, read_of, read_file, check
        self.bounds = _bounds(state.shards)
        self.loaded: dict[int, dict[str, list]] = {}

    def read(self, key: Hashable) -> _Read:
        found = self.read_of(key)
        if found is None:
            raise _StaleIndex()
        return found

    def shard_of(self, term: str) -> int:
        return bisect.bisect_right(self.bounds, _term_key(term)) - 1

    def rows(self, shard: int) -> dict[str, list]:
        """A shard of the last index, term -> row (its file is checked against its name)."""
        if shard not in self.loaded:
            name = self.state.shards[shard].name
            try:
                data = self.read_file(ROOT / "t" / f"{name}.json")
            except OSError:
                raise _StaleIndex() from None
            if _hash(data, 12) != name:
                raise _StaleIndex()
            self.loaded[shard] = json.loads(data)
        return self.loaded[shard]

    def run(self, ranges: dict, years: dict) -> SearchFiles | None:
        state, changed = self.state, self.changed
        old_words = {i: self.read(state.keys[i]).unpacked() for i in changed}
        new_reads = {i: self.read(self.keys[i]) for i in changed}
        new_words = {i: read.unpacked() for i, read in new_reads.items()}
        exact_counts, loose_counts = state.exact_counts.copy(), state.loose_counts.copy()
        touched: set[str] = set()
        for i in changed:
            for counts, old, new in ((exact_counts, old_words[i].exact(), new_words[i].exact()),
                                     (loose_counts, old_words[i].loose(), new_words[i].loose())):
                counts.subtract(old)
                counts.update(new)
                touched.update(old, new)
        for word in touched:
            for counts in (exact_counts, loose_counts):
                if counts.get(word, 1) <= 0:
                    del counts[word]
        old = _lexicon(state.proper, state.name_loose, state.exact_counts, state.loose_counts)
        new = _lexicon(state.proper, state.name_loose, exact_counts, loose_counts)
        flipped_exact = {w for w in touched if (w in old.exact) != (w in new.exact)}
        flipped_loose = {w for w in touched if (w in old.loose) != (w in new.loose)}
        self.check()

        # The documents a word entering or leaving the site refiles: those with a word it is a clitic-free
        # form of (وزير when زير comes), found in that word's row.
        refiled: set[int] = set()
        for flipped, lexicons, slots in ((flipped_exact, (old.exact, new.exact), (EXACT,)),
                                         (flipped_loose, (old.loose, new.loose), (EXACT, TITLE, OTHER_FORM))):
            for base in flipped:
                for prefix in arabic.CLITIC_PREFIXES:
                    word = prefix + base
                    if base in arabic.clitic_bases(word) and any(word in lexicon for lexicon in lexicons):
                        row = self.rows(self.shard_of(word)).get(word, [])
                        for slot in slots:
                            if slot < len(row):
                                refiled.update(_undeltas(row[slot]))
        changes: dict[str, list[tuple[int, bool, bool, bool]]] = defaultdict(list)
        postings = state.postings
        for doc in sorted(refiled | set(changed)):
            if doc in old_words:
                before, after = old_words[doc], new_words[doc]
            else:
                before = after = self.read(self.keys[doc]).unpacked()
            was, now = old.filing(before), new.filing(after)
            postings += sum(map(len, now)) - sum(map(len, was))
            for term in set().union(*(a ^ b for a, b in zip(was, now))):
                changes[term].append((doc, term in now[0], term in now[1], term in now[2]))
        self.check()

        # Entity slots, when a word that entered or left is a clitic-free form of a name's word.
        entity_rows: dict[str, tuple[list[int], list[int]]] = {}
        name_bases = {b for w in state.proper for b in arabic.clitic_bases(w)}
        loose_name_bases = {b for w in state.name_loose for b in arabic.clitic_bases(w)}
        if flipped_exact & name_bases or flipped_loose & loose_name_bases:
            doc_index = {key: i for i, key in enumerate(state.docs)}
            _, names, _, linked = _names(self.site, self.links, doc_index)
            was, now = old.entity_filing(names, linked), new.entity_filing(names, linked)
            postings += now.count() - was.count()
            for term in was.terms() | now.terms():
                before = (was.slots[ENTITIES].get(term, array("i")).tolist(), sorted(was.linked.get(term, ())))
                after = (now.slots[ENTITIES].get(term, array("i")).tolist(), sorted(now.linked.get(term, ())))
                if before != after:
                    entity_rows[term] = after

        segments, keys_count = self.segments(changes, entity_rows)
        modulus = _modulus(keys_count, postings)
        if modulus != state.modulus:
            return None                      # the index has grown or shrunk enough to be cut afresh
        self.check()
        files: dict[PurePosixPath, bytes] = {}
        shards = list(state.shards)
        for lo, hi, rows in reversed(segments):
            made = []
            for shard, data in _cut(rows, modulus):
                made.append(shard)
                files[ROOT / "t" / f"{shard.name}.json"] = data
            if not made and lo == 0 and hi == len(shards):
                data = _json({})
                made.append(_Shard("", "", _hash(data, 12)))
                files[ROOT / "t" / f"{made[0].name}.json"] = data
            shards[lo:hi] = made

        doc_folders = list(state.doc_folders)
        entities = _entities(self.site)
        describe = _Describe(self.site, self.urls, {(kind, slug): i for i, (kind, slug, _) in enumerate(entities)})
        for folder in sorted({i // DOC_FOLDER for i in changed}):
            self.check()
            ids = range(folder * DOC_FOLDER, min(len(self.articles), (folder + 1) * DOC_FOLDER))
            try:
                last = [self.read_file(ROOT / "d" / doc_folders[folder] / f"{i}.json") for i in ids]
            except OSError:
                raise _StaleIndex() from None
            if _hash_all(last) != doc_folders[folder]:
                raise _StaleIndex()
            made = [_json(describe.article(self.articles[i], new_reads[i].text())) if i in new_reads else data
                    for i, data in zip(ids, last)]
            name = _hash_all(made)
            if name != doc_folders[folder]:
                doc_folders[folder] = name
                files.update((ROOT / "d" / name / f"{i}.json", data) for i, data in zip(ids, made))

        updated = IndexState(state.docs, list(self.keys), state.shape, exact_counts, loose_counts, state.proper,
                             state.name_loose, shards, modulus, keys_count, postings, doc_folders,
                             state.entities_folder, state.entity_count, "", "")
        manifest_url, runtime_url = _finish(updated, ranges, years, self.urls, files.__setitem__)
        return SearchFiles(files, manifest_url, runtime_url, updated)

    def segments(self, changes: dict, entity_rows: dict) -> tuple[list[tuple[int, int, list]], int]:
        """The runs of whole chunks of the last index that hold a changed term, each with its rows as they
        are now, (key, term, row) in order; and the number of distinct shard keys now."""
        state = self.state
        count = len(state.shards)
        starts = [i == 0 or _is_boundary(shard.first, state.modulus) for i, shard in enumerate(state.shards)]

        def chunk(i: int) -> tuple[int, int]:
            lo, hi = i, i + 1
            while not starts[lo]:
                lo -= 1
            while hi < count and not starts[hi]:
                hi += 1
            return lo, hi

        located: dict[int, list[str]] = defaultdict(list)
        for term in changes.keys() | entity_rows.keys():
            located[self.shard_of(term)].append(term)
        runs: list[list[int]] = []
        for lo, hi in sorted({chunk(i) for i in located}):
            if runs and runs[-1][1] >= lo:
                runs[-1][1] = max(runs[-1][1], hi)
            else:
                runs.append([lo, hi])

        def rows_of(lo: int, hi: int) -> tuple[list, int]:
            """The shards' rows with the changes made, in order; and the change in distinct keys."""
            rows: dict[str, list] = {}
            for i in range(lo, hi):
                rows.update(self.rows(i))
            keys_before = {_term_key(term) for term in rows}
            for i in range(lo, hi):
                for term in located.get(i, ()):
                    row = _updated(rows.get(term, []), changes.get(term, ()), entity_rows.get(term))
                    if row:
                        rows[term] = row
                    else:
                        rows.pop(term, None)
            ordered = sorted(((_term_key(term), term, row) for term, row in rows.items()), key=lambda r: r[:2])
            return ordered, len({key for key, _, _ in ordered}) - len(keys_before)

        segments = []
        keys_count = state.keys_count
        while runs:
            lo, hi = runs.pop()
            rows, added = rows_of(lo, hi)
            # A run must start a chunk as a full build would cut it: at a boundary key, or at the start.
            while lo > 0 and rows and not _is_boundary(rows[0][0], state.modulus):
                before = chunk(lo - 1)[0]
                if runs and runs[-1][1] >= before:
                    before = min(before, runs.pop()[0])
                more, more_added = rows_of(before, lo)
                rows, added, lo = more + rows, added + more_added, before
            segments.append((lo, hi, rows))
            keys_count += added
        segments.reverse()
        return segments, keys_count


def _updated(row: list, changes: Iterable[tuple[int, bool, bool, bool]],
             entity_row: tuple[list[int], list[int]] | None) -> list:
    """A term's row with some documents' memberships set anew: (doc, exact, other form, in a title)."""
    row = row + [[]] * (5 - len(row))
    exact, title, other = (set(_undeltas(row[slot])) for slot in (EXACT, TITLE, OTHER_FORM))
    entities, linked = (row[ENTITIES], _undeltas(row[LINKED])) if entity_row is None else entity_row
    for doc, in_exact, in_other, in_title in changes:
        exact.discard(doc)
        title.discard(doc)
        other.discard(doc)
        if in_exact:
            exact.add(doc)
        if in_title:
            title.add(doc)
        if in_other and not in_exact:
            other.add(doc)
    return _row(exact, title, other, entities, linked)


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
