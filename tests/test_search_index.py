"""The search index on disk: shared normaliser vectors, the generated runtime, and what the shards hold."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from nashra import arabic
from nashra.build import build
from nashra.search import STEM_MARK, runtime_js

from helpers import ACTORS, REPO, article, broken_links, page

VECTORS = Path(__file__).parent / "vectors"


def _maker():
    spec = importlib.util.spec_from_file_location("make_search_vectors", VECTORS / "make_search_vectors.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MAKER = _maker()


def search_vectors() -> list[tuple[str, str]]:
    lines = (VECTORS / "search.tsv").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line and not line.startswith("#")]


def test_vectors_are_many_real_words_of_the_sample_site_and_the_corpus():
    vectors = search_vectors()
    assert len(vectors) >= 2000
    inputs = {text for text, _ in vectors}
    words, phrases = MAKER.harvest(REPO / "content")
    assert words <= inputs and phrases <= inputs                       # every word of the sample site
    assert len(inputs - words - phrases) >= 1000                        # and as many from the corpus
    joined = "".join(inputs)
    for feature in ("أ", "إ", "آ", "ؤ", "ئ", "ة", "ى", "ـ", "ً", "ı", "ğ", "عبد الله", "عبدالله", "٢"):
        assert feature in joined, feature


def test_python_gives_every_vector():
    wrong = [(text, expected, MAKER.analysis(text)) for text, expected in search_vectors()
             if MAKER.analysis(text) != expected]
    assert not wrong, wrong[:5]


def test_runtime_tables_come_from_the_python_definitions():
    source = runtime_js()
    assert "/*TABLES*/" not in source
    tables = json.loads(re.search(r"const T = (\{.*?\});\n", source).group(1))
    assert tables["fold"] == arabic.FOLD_TABLE
    assert tables["prefixes"] == list(arabic.CLITIC_PREFIXES)
    assert tables["arabicSuffixes"] == list(arabic.ARABIC_SUFFIXES)
    assert tables["searchMin"] == arabic.SEARCH_MIN and tables["wordMarks"] == arabic.WORD_MARKS


def test_fold_table_is_stable_and_keeps_the_old_folds():
    assert all(arabic.fold_text(folded) == folded for folded in arabic.FOLD_TABLE.values())
    assert arabic.fold("ﻷحمد") == "لاحمد"                 # presentation forms become letters
    assert arabic.fold("Ǣ") == "ae"


def test_light_stem_keeps_names_and_short_words():
    assert arabic.light_stem("السفارات") == "السفار"
    assert arabic.light_stem("الليبيين") == "الليبي"
    assert arabic.light_stem("news") == "news" and arabic.light_stem("meetings") == "meeting"
    assert arabic.light_stem("discusses") == "discuss" and arabic.light_stem("issues") == "issue"
    assert arabic.light_stem("وجه") == "وجه"                # a stem keeps three letters
    assert arabic.without_hamza("الجزائر") == "الجزاير" and arabic.without_hamza("مسؤول") == "مسوول"


# --- the built index ------------------------------------------------------------------------------

def load_index(public: Path) -> tuple[dict, dict[str, list], list[dict], list[dict]]:
    search = public / "search"
    manifest_path = next(search.glob("manifest.*.json"))
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    terms: dict[str, list] = {}
    for name in manifest["shard_files"]:
        terms.update(json.loads((search / "t" / f"{name}.json").read_text(encoding="utf-8")))
    docs = [json.loads((search / folder / f"{i}.json").read_text(encoding="utf-8"))
            for i, folder in ((i, manifest["docs"][i // manifest["doc_folder"]]) for i in range(doc_count(manifest)))]
    assert sum(1 for _ in (search / "d").rglob("*.json")) == len(docs)
    entities = [json.loads(p.read_text(encoding="utf-8"))
                for p in sorted((search / manifest["entities"]).glob("*.json"), key=lambda p: int(p.stem))]
    return manifest, terms, docs, entities


def doc_count(manifest: dict) -> int:
    return max(hi for _, hi in manifest["languages"].values())


def decode(deltas: list[int]) -> list[int]:
    out, last = [], 0
    for d in deltas:
        last += d
        out.append(last)
    return out


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory):
    public = build(REPO, tmp_path_factory.mktemp("out") / "public").output
    return public, *load_index(public)


def test_every_article_version_is_a_document_newest_first_per_language(sample_index):
    public, manifest, _, docs, entities = sample_index
    articles = sorted((REPO / "content" / "articles").glob("*.md"))
    assert len(docs) == len(articles) == 18
    assert len(entities) == 31 + 7
    for lang, (lo, hi) in manifest["languages"].items():
        mine = docs[lo:hi]
        assert {d["lang"] for d in mine} == {lang}
        assert [d["date"] for d in mine] == sorted((d["date"] for d in mine), reverse=True)
        for year, y_lo, y_hi in manifest["years"][lang]:
            assert all(d["date"].startswith(str(year)) for d in docs[y_lo:y_hi])
    for doc in docs:
        assert (public / doc["url"].strip("/") / "index.html").is_file()
        assert "<" not in doc["text"]                                    # plain text, no markup


def test_terms_hold_every_form_of_a_word_and_nothing_over_stripped(sample_index):
    public, manifest, terms, docs, entities = sample_index
    kalin = next(i for i, e in enumerate(entities) if e["slug"] == "ibrahim-kalin")
    kalin_docs = set(decode(entities[kalin]["docs"]))
    assert {docs[d]["lang"] for d in kalin_docs} == {"ar", "en"} and len(kalin_docs) == 4
    for name in ("قالن", "kalin", "ابراهيم"):
        assert kalin in terms[name][3], name
        assert kalin_docs <= set(decode(terms[name][4])), name            # a short name stands for its stories
    lafi = next(i for i, e in enumerate(entities) if e["slug"] == "abdullah-al-lafi")
    assert lafi in terms["عبدالله"][3] and lafi in terms["اللافي"][3]     # عبد الله is one word                            # entities are found by every name
    # الرئيس, والرئيس ... are all reachable from رءيس; وزير is never cut to زير.
    def docs_of(term: str, slot: int) -> set[int]:
        row = terms.get(term, [])
        return set(decode(row[slot])) if slot < len(row) else set()
    with_article = docs_of("الرءيس", 0) | docs_of("والرءيس", 0)
    assert with_article and with_article <= docs_of("رءيس", 0) | docs_of("رءيس", 2)
    assert "زير" not in terms and "ووزير" in terms
    # Names are not stemmed (قالن must never meet قالت); ordinary plurals are.
    assert STEM_MARK + arabic.light_stem("اردوغان") not in terms
    assert STEM_MARK + "discuss" in terms and STEM_MARK + "stori" not in terms
    # Typed without hamza: الرييس finds the stories that write الرئيس.
    assert docs_of("الرءيس", 0) <= docs_of("الرييس", 2)
    # Shards are sorted by shard key and every form of a word sits in one shard.
    bounds = manifest["shards"]
    assert bounds == sorted(bounds) and bounds[0] == ""
    for term in terms:
        key = arabic.shard_key(term.removeprefix(STEM_MARK))
        shard = max(i for i, bound in enumerate(bounds) if bound <= key)
        assert term in json.loads((public / "search" / "t" / f"{manifest['shard_files'][shard]}.json").read_text("utf-8"))


def test_search_page_points_at_the_index_under_a_base_path(tmp_path):
    public = build(REPO, tmp_path / "public", base_url="https://user.github.io/project").output
    assert broken_links(public, "/project") == []
    for lang in ("ar", "en"):
        doc = page(public, f"{lang}/search/")
        manifest = doc.get_element_by_id("search").get("data-manifest")
        assert manifest.startswith("/project/search/manifest.")
        assert (public / manifest.removeprefix("/project/")).is_file()
        scripts = [s.get("src") for s in doc.iter("script")]
        assert all(src.startswith("/project/") for src in scripts) and len(scripts) == 2
        strings = json.loads(doc.get_element_by_id("search").get("data-strings"))
        assert strings["actors_url"] == f"/project/{lang}/actors/"
    _, _, docs, entities = load_index(public)
    assert all(d["url"].startswith("/project/") for d in docs)
    assert all(url.startswith("/project/") for e in entities for url in e["url"].values())


def test_every_page_header_has_a_search_box_that_leads_to_the_search_page(built):
    public = built({"content/articles/a.ar.md": article("خبر"), **ACTORS})
    for url in ("ar/", "en/", "ar/articles/a/", "ar/actors/", "en/countries/tr/"):
        form = page(public, url).find_class("header-search")[0]
        assert form.get("action") == f"/{url[:2]}/search/" and form.get("role") == "search"
        assert form.find(".//input").get("name") == "q" and form.find(".//input").get("type") == "search"
    search = page(public, "ar/search/")
    assert not search.find_class("header-search")                        # one search box on the search page
    assert search.get_element_by_id("search-input").get("type") == "search"
    raw = (public / "ar" / "search" / "index.html").read_text(encoding="utf-8")
    noscript = raw[raw.index("<noscript>"):raw.index("</noscript>")]
    assert 'href="/ar/actors/"' in noscript and 'href="/ar/countries/"' in noscript


def test_a_shelf_gives_back_what_was_put_on_it_across_absorbed_and_rekeyed_shelves():
    import pickle
    from nashra.search import Shelf, read_article
    reads = {f"k{i}": read_article(f"عنوان {i}", f"نص الخبر رقم {i} عن رئيس الوزراء" * (i % 7 + 1)) for i in range(40)}
    first, second = Shelf(), Shelf()
    for i, (key, read) in enumerate(reads.items()):
        (first if i % 3 else second)[key] = read
    first.absorb(second)
    first["late"] = reads["late"] = read_article("آخر", "نص أخير")
    assert len(first) == len(reads) and all(first[key] == read for key, read in reads.items())
    renamed = pickle.loads(pickle.dumps(first.keyed({key: key.upper() for key in reads})))
    assert all(renamed[key.upper()] == read for key, read in reads.items())
    borrower = Shelf()
    borrower["own"] = reads["own"] = read_article("خاص", "نص خاص")
    borrower.share(renamed, {key.upper(): key for key in list(reads)[:10]})
    assert all(borrower[key] == reads[key] for key in [*list(reads)[:10], "own"]) and "k20" not in borrower
    small = borrower.keyed({"own": "own", "k1": "k1"})
    compacted = small.compact()                 # two of the 42 reads in its blocks: copied out
    def size(shelf):
        return sum(len(openings) + len(words) for openings, words in shelf._blocks)

    assert compacted is not small and size(compacted) < size(small) / 5
    assert (compacted["own"], compacted["k1"]) == (reads["own"], reads["k1"]) and first.compact() is first
    places = first.take_places(list(reads)[:-1])
    assert [first.at(place) for place in places] == list(reads.values())[:-1] and "k1" not in first
    first.drop_openings()
    assert [first.at(place) for place in places] == [read._replace(opening=b"") for read in list(reads.values())[:-1]]


def test_a_dumped_shelf_loads_mapped_and_dumps_again_with_new_reads(tmp_path, monkeypatch):
    import os
    from nashra.blocks import MappedBlock
    from nashra.search import Shelf, read_article
    reads = {f"k{i}": read_article(f"عنوان {i}", f"نص الخبر رقم {i} عن وزير الخارجية " * (i % 5 + 1)) for i in range(30)}
    shelf = Shelf()
    for key, read in reads.items():
        shelf[key] = read
    path = tmp_path / "words.pickle"
    shelf.dump(path)
    first_blocks = list(tmp_path.glob("words.pickle.blocks-*"))
    loaded = Shelf.load(path)
    assert len(first_blocks) == 1 and len(loaded) == len(reads)
    assert all(loaded[key] == read for key, read in reads.items())
    assert any(isinstance(block, MappedBlock) for pair in loaded._blocks for block in pair)   # not read in
    loaded.drop_openings()                      # a mapped block is left as it is
    assert loaded["k3"] == reads["k3"]

    # The next build's shelf: some of the last one's reads and one of its own, dumped over the last; once
    # with copy_file_range, once without (as where the system has none).
    for copying in (True, False):
        if not copying:
            monkeypatch.delattr(os, "copy_file_range", raising=False)
        last = Shelf.load(path)
        this = Shelf()
        this["new"] = reads["new"] = read_article("جديد", "نص جديد تماما")
        this.share(last, {key: key for key in list(reads)[:12]})
        this.dump(path)
        again = Shelf.load(path)
        assert sorted(again._at) == sorted(["new", *list(reads)[:12]])
        assert all(again[key] == reads[key] for key in again._at)
        assert len(list(tmp_path.glob("words.pickle.blocks-*"))) == 1 and not first_blocks[0].exists()
        assert not list(tmp_path.glob("*.tmp"))
    empty = tmp_path / "empty.pickle"
    Shelf().dump(empty)
    assert len(Shelf.load(empty)) == 0
