"""The one normaliser, checked against the shared vectors in tests/vectors/."""

import random
from pathlib import Path

import pytest

from nashra import arabic
from nashra.markup import MentionTable, Target

VECTORS = Path(__file__).parent / "vectors"


def rows(name: str) -> list[list[str]]:
    lines = (VECTORS / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


@pytest.mark.parametrize("text,expected", rows("fold.tsv"))
def test_fold(text, expected):
    assert arabic.fold(text) == expected


@pytest.mark.parametrize("name,text,expected", rows("mentions.tsv"))
def test_mention_found_by_name(name, text, expected):
    target = Target(("actor", "x"), "/x/", name)
    found = MentionTable([(target, arabic.name_variants(name))]).find(text, set())
    assert [text[start:end] for start, end, _ in found] == ([] if expected == "-" else [expected])


def test_vectors_cover_every_fold():
    joined = "".join(text for text, _ in rows("fold.tsv"))
    for feature in ("أ", "إ", "آ", "ٱ", "ؤ", "ئ", "ة", "ى", "ـ", "ّ", "ً", "ٰ", "ı", "ğ", "٢"):
        assert feature in joined, feature


def test_clitic_prefixes_include_combinations():
    for prefix in ("و", "ف", "ب", "ك", "ل", "ال", "وال", "بال", "فال", "كال", "لل", "ولل", "وب", "فب"):
        assert prefix in arabic.CLITIC_PREFIXES
    assert "لال" not in arabic.CLITIC_PREFIXES     # ل + ال is always written لل


def test_compound_names_join_split_and_joined_forms():
    assert arabic.name_key("عبد الله") == arabic.name_key("عبدالله") == ("عبدالله",)
    assert arabic.name_key("أبو بكر") == arabic.name_key("ابوبكر")


def test_tokens_keep_spans_of_the_original_text():
    text = "وصل وزيرُ الخارجيّة"
    assert [text[t.start:t.end] for t in arabic.tokens(text)] == ["وصل", "وزيرُ", "الخارجيّة"]


def test_words_split_then_folded_are_the_words_of_the_folded_text():
    """words() folds word by word when that gives what folding the whole text and then splitting gives."""
    pieces = ["عبد", "الله", "وعبد", "أبو", "بكر", "ـ", "ً", "رئيس", "مسؤول", "شيء", "الجزائر", "Kalın", "É", "e\u0301",
              "\u0301", "½", "ﻷ", "¨", "\u00a0", " ", " ", " ", "  ", "\n", "-", "،", ".", "2012", "٢٠١٢", "x"]
    rng = random.Random(3)
    fast = 0
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 14)))
        words = arabic.words(text)
        assert words == arabic._words_folded_whole(text), repr(text)
        assert arabic.distinct_words(text) == (list(dict.fromkeys(words)),
                                               list(dict.fromkeys(arabic.hamza_free_words(text)))), repr(text)
        fast += not arabic._BOUNDARY_FOLDS_RE.search(text) and arabic._COMPOUND_FORMS.isdisjoint(words)
    assert fast > 5000
