"""The one text normaliser: linking, search and import all fold text here.

Arabic folding is built on pyarabic: diacritics and tatweel go, alef and hamza
forms, alef maqsura/ya and ta marbuta/ha are folded. Latin text is case- and
diacritic-folded (Kalın -> kalin, Erdoğan -> erdogan) so English names match
the way readers type them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

import pyarabic.araby as araby

# Letters pyarabic leaves alone but scraped text is full of.
_EXTRA_FOLDS = str.maketrans({
    araby.ALEF_MAKSURA: araby.YEH,   # ى -> ي (مستشفى / مستشفي)
    "\u06cc": araby.YEH,             # Persian yeh ی
    "\u06a9": "\u0643",              # Persian keheh ک -> ك
    "\u06c1": araby.HEH,             # heh goal ہ
    **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
    **{chr(0x06F0 + d): str(d) for d in range(10)},  # Persian digits
})
_LATIN_FOLDS = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "đ": "d", "æ": "ae", "œ": "oe", "ß": "ss"})

# Combining marks left after NFKD decomposition (Latin accents; Arabic marks are gone already).
_COMBINING_MARKS = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")

# Word characters: letters and digits of any script plus the Arabic marks that
# sit inside words (harakat, small alef, Quranic marks, tatweel).
WORD_RE = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]+")

# Clitic prefixes, shortest first (so a name written with its article, المجلس, keeps it):
# conjunction (و ف), preposition (ب ك ل), article (ال), with ل + ال written لل.
_CONJ = ("", "و", "ف")
_PREP = ("", "ب", "ك", "ل")
CLITIC_PREFIXES: tuple[str, ...] = tuple(sorted(
    {c + p + a for c in _CONJ for p in _PREP for a in ("", "ال") if c + p + a and p + a != "لال"}
    | {c + "لل" for c in _CONJ},
    key=lambda s: (len(s), s),
))
# Shortest stem left after stripping a clitic: keeps "ليبيا" from becoming "يبيا".
MIN_STEM = 2
# First words of compound names written both split and joined (عبد الله / عبدالله).
COMPOUND_HEADS = frozenset({"عبد", "ابو"})


def is_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" for ch in text)


def fold_text(text: str) -> str:
    """Fold any text, word by word equal to `fold`: Arabic letters first, then Latin case and accents."""
    if is_arabic(text):
        text = araby.strip_diacritics(araby.strip_tatweel(text))
        text = text.translate(_EXTRA_FOLDS)
        text = araby.normalize_alef(text)           # أ إ آ ٱ -> ا
        text = araby.normalize_hamza(text)          # ؤ ئ -> ء (مسؤول / مسئول)
        text = araby.normalize_teh(text)            # ة -> ه
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.casefold().translate(_LATIN_FOLDS))
        return _COMBINING_MARKS.sub("", text)
    return text.casefold()


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Fold one word to the form used for matching (cached: words repeat)."""
    return fold_text(word)


class Token(NamedTuple):
    """A word of the original text, its span there, and its folded form."""

    start: int
    end: int
    folded: str


def tokens(text: str) -> list[Token]:
    """Words of `text` with their spans; compound heads are joined to the next word."""
    raw = [Token(m.start(), m.end(), fold(m.group())) for m in WORD_RE.finditer(text)]
    out: list[Token] = []
    i = 0
    while i < len(raw):
        tok = raw[i]
        if i + 1 < len(raw) and _is_compound_head(tok.folded) and text[tok.end:raw[i + 1].start].isspace():
            nxt = raw[i + 1]
            tok = Token(tok.start, nxt.end, tok.folded + nxt.folded)
            i += 1
        out.append(tok)
        i += 1
    return out


def _is_compound_head(folded: str) -> bool:
    return len(folded) <= 6 and any(rest in COMPOUND_HEADS for _, rest in unprefixed(folded))


def name_key(name: str) -> tuple[str, ...]:
    """The folded word sequence of a name (عبد الله اللافي -> ('عبدالله', 'اللافي'))."""
    return tuple(t.folded for t in tokens(name))


_PREFIX_SET = frozenset(CLITIC_PREFIXES)
_LONGEST_PREFIX = max(map(len, CLITIC_PREFIXES))


@lru_cache(maxsize=200_000)
def unprefixed(folded: str) -> tuple[tuple[int, str], ...]:
    """(prefix length, rest) for the word itself and each clitic prefix it may carry, shortest first."""
    longest = min(_LONGEST_PREFIX, len(folded) - MIN_STEM)
    return ((0, folded),) + tuple((k, folded[k:]) for k in range(1, longest + 1) if folded[:k] in _PREFIX_SET)


def name_variants(name: str) -> set[tuple[str, ...]]:
    """Keys a name is found by: as written, and without its article (التركية ~ تركية)."""
    key = name_key(name)
    if not key:
        return set()
    variants = {key}
    head = key[0]
    if head.startswith("ال") and len(head) - 2 >= MIN_STEM:
        variants.add((head[2:],) + key[1:])
    return variants


def original_offset(text: str, start: int, folded_chars: int) -> int:
    """Index in `text` after `folded_chars` letters from `start`, skipping marks and tatweel.

    Maps a clitic prefix stripped from a folded word back onto the original word.
    """
    i, seen = start, 0
    while i < len(text) and seen < folded_chars:
        if not (text[i] in araby.DIACRITICS or text[i] == araby.TATWEEL):
            seen += 1
        i += 1
    while i < len(text) and (text[i] in araby.DIACRITICS or text[i] == araby.TATWEEL):
        i += 1
    return i
