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
WORD_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
WORD_RE = re.compile(rf"[\w{WORD_MARKS}]+")

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


def _fold_arabic(text: str) -> str:
    text = araby.strip_diacritics(araby.strip_tatweel(text))
    text = text.translate(_EXTRA_FOLDS)
    text = araby.normalize_alef(text)               # أ إ آ ٱ -> ا
    text = araby.normalize_hamza(text)              # ؤ ئ -> ء (مسؤول / مسئول)
    return araby.normalize_teh(text)                # ة -> ه


def _fold_latin(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold().translate(_LATIN_FOLDS))
    return _COMBINING_MARKS.sub("", text)


def _fold_char(ch: str) -> str:
    """Fold until nothing changes: presentation forms (ﻷ) become letters and marks only after NFKD,
    and Ǣ becomes æ before æ becomes ae."""
    folded = _fold_arabic(_fold_latin(_fold_arabic(ch)))
    return folded if folded == ch else _fold_char(folded) if len(folded) == 1 else "".join(map(_fold_char, folded))


# Blocks the folding table covers: Latin (with accents and fullwidth forms), combining marks,
# Arabic and its supplements and presentation forms B. Other characters fold to themselves.
FOLD_BLOCKS = ((0x0000, 0x024F), (0x0300, 0x036F), (0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF),
               (0x1E00, 0x1EFF), (0xFB00, 0xFB06), (0xFE70, 0xFEFF), (0xFF01, 0xFF5E))
# The whole normalisation as one character table: the browser gets exactly this (search.runtime_js).
FOLD_TABLE: dict[str, str] = {
    ch: folded for lo, hi in FOLD_BLOCKS for ch in map(chr, range(lo, hi + 1))
    if (folded := _fold_char(ch)) != ch
}
# The characters that fold to something else, as one class: a regex finds the few in a text
# much faster than str.translate looks up every character.
_FOLDS_RE = re.compile("[" + "".join(re.escape(ch) for ch in sorted(FOLD_TABLE)) + "]")
_folded = FOLD_TABLE.__getitem__


def fold_text(text: str) -> str:
    """Fold any text, character by character with FOLD_TABLE: Arabic letters, Latin case and accents."""
    if text.isascii():
        return text.lower()
    return _FOLDS_RE.sub(lambda match: _folded(match.group()), text)


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
    spans, folded = word_spans(text)
    return [Token(start, end, word) for (start, end), word in zip(spans, folded)]


_span, _group = re.Match.span, re.Match.group


def word_spans(text: str) -> tuple[list[tuple[int, int]], list[str]]:
    """The words `tokens` gives as two lists, their (start, end) spans and their folded forms: the mention
    finder reads every word of an article, and building a Token for each costs more than the reading."""
    found = list(WORD_RE.finditer(text))
    spans, folded = list(map(_span, found)), list(map(fold, map(_group, found)))
    if _COMPOUND_FORMS.isdisjoint(folded):          # the common case: nothing to join
        return spans, folded
    joined_spans: list[tuple[int, int]] = []
    joined: list[str] = []
    i = 0
    while i < len(folded):
        (start, end), word = spans[i], folded[i]
        if i + 1 < len(folded) and word in _COMPOUND_FORMS and text[end:spans[i + 1][0]].isspace():
            i += 1
            end, word = spans[i][1], word + folded[i]
        joined_spans.append((start, end))
        joined.append(word)
        i += 1
    return joined_spans, joined


# A compound head (with up to three letters of clitics) and the space after it, for `words`.
_HEAD_GAP = re.compile(rf"(?<![\w{WORD_MARKS}])([\w{WORD_MARKS}]{{0,3}}(?:{'|'.join(sorted(COMPOUND_HEADS))}))"
                       rf"\s+(?=[\w{WORD_MARKS}])")


def words(text: str) -> list[str]:
    """The folded words of `text`, as `tokens` gives them but without spans: fold, join compounds, split."""
    folded = _folded_each(text, WORD_RE.findall(text))
    return _words_folded_whole(text) if folded is None else list(filter(None, folded))


def distinct_words(text: str) -> tuple[list[str], list[str]]:
    """The words of words(text) and of hamza_free_words(text), each once, in the order they first appear:
    the text split once for both, and each distinct word folded once (the index reads every article)."""
    found = list(dict.fromkeys(WORD_RE.findall(text)))
    folded = _folded_each(text, found)
    folded = _words_folded_whole(text) if folded is None else filter(None, folded)
    return list(dict.fromkeys(folded)), list(dict.fromkeys(_hamza_free(found)))


def _folded_each(text: str, found: list[str]) -> list[str] | None:
    """The words of `text` as written (`found`), each folded on its own (words repeat, and fold() remembers
    them); None when the text must be folded whole instead: a fold would move a word boundary, or compounds
    need joining. A word of marks only folds to ""."""
    if _BOUNDARY_FOLDS_RE.search(text):
        return None
    folded = list(map(fold, found))
    return folded if _COMPOUND_FORMS.isdisjoint(folded) else None


def _words_folded_whole(text: str) -> list[str]:
    """words(text) the long way: the whole text folded, compounds joined, then split."""
    folded = fold_text(text)
    joined_until = -1

    def join(match: re.Match) -> str:
        nonlocal joined_until
        if match.start() == joined_until or match.group(1) not in _COMPOUND_FORMS:
            return match.group()
        joined_until = match.end()         # the word joined on can not start a compound itself
        return match.group(1)

    if any(head in folded for head in COMPOUND_HEADS):      # the common case has none: skip the scan
        folded = _HEAD_GAP.sub(join, folded)
    return WORD_RE.findall(folded)


def _same_boundaries(ch: str, folded: str) -> bool:
    """Folding `ch` leaves words where they were: a letter stays letters (or goes), anything else stays
    something else of the same kind, space or not."""
    if WORD_RE.fullmatch(ch):
        return folded == "" or bool(WORD_RE.fullmatch(folded))
    return folded != "" and not WORD_RE.search(folded) and folded.isspace() == ch.isspace()


# The characters whose folding moves a word boundary (a Latin accent that folds away between letters,
# ½ -> 1⁄2): a text with any of them is folded whole before it is split.
_BOUNDARY_FOLDS_RE = re.compile(
    "[" + "".join(re.escape(ch) for ch, folded in sorted(FOLD_TABLE.items()) if not _same_boundaries(ch, folded)) + "]")


def _is_compound_head(folded: str) -> bool:
    return len(folded) <= 6 and any(rest in COMPOUND_HEADS for _, rest in unprefixed(folded))


@lru_cache(maxsize=200_000)
def prefixed_forms(folded: str) -> frozenset[str]:
    """Every word that `unprefixed` turns into `folded`: the word itself and the word after each clitic
    prefix (none when the word is too short to lose one)."""
    if len(folded) < MIN_STEM:
        return frozenset({folded})
    return frozenset({folded, *(prefix + folded for prefix in CLITIC_PREFIXES)})


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


# Every word `_is_compound_head` accepts, a compound head with its clitics: `tokens` and `words` test against it.
_COMPOUND_FORMS = frozenset(w for head in COMPOUND_HEADS for w in prefixed_forms(head) if _is_compound_head(w))


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
    """Index in `text` after `folded_chars` folded letters from `start` (marks and tatweel fold to nothing).

    Maps a clitic prefix stripped from a folded word back onto the original word.
    """
    i, seen = start, 0
    while i < len(text) and seen < folded_chars:
        seen += len(FOLD_TABLE.get(text[i], text[i]))
        i += 1
    while i < len(text) and FOLD_TABLE.get(text[i]) == "":
        i += 1
    return i


# --- search forms ---------------------------------------------------------------------------
# Search matches a word by its folded form, by the forms left after a clitic prefix (when such a form
# is itself a word of the site: the index validates it, so وزير never becomes زير), and, weakest, by a
# light stem. The browser runs the same functions (search_runtime.js) with tables generated from these.

# A clitic-stripped or stemmed search form keeps at least this many letters.
SEARCH_MIN = 3
# Plural, dual, possessive and feminine endings, as folded (ة -> ه), longest first.
ARABIC_SUFFIXES = ("هما", "كما", "ات", "ون", "ين", "ان", "ها", "هم", "هن", "كم", "نا", "ه")
# English words an -s stemmer would spoil.
ENGLISH_KEEP = frozenset({"news", "always", "perhaps", "whereas", "series", "species", "means", "towards", "across",
                          "thus", "this", "his", "was", "has", "does", "is", "its", "as", "us"})


_HAMZA_DROPPED = str.maketrans({"ؤ": "و", "ئ": "ي", "ء": None})


def without_hamza(text: str) -> str:
    """Text as it is often typed without hamza, folded: رئيس -> رييس, الجزائر -> الجزاير, شيء -> شي."""
    return fold_text(text.translate(_HAMZA_DROPPED))


_word_without_hamza = lru_cache(maxsize=200_000)(without_hamza)


def hamza_free_words(text: str) -> list[str]:
    """The words of `text` written with ء ؤ ئ, as they are typed without: رئيس -> رييس."""
    return _hamza_free(WORD_RE.findall(text))


def _hamza_free(found: list[str]) -> list[str]:
    return [_word_without_hamza(word) for word in found if "\u0621" in word or "\u0624" in word or "\u0626" in word]


def clitic_bases(folded: str) -> tuple[str, ...]:
    """The word without each clitic prefix it may carry, longest rest first: والرءيس -> (الرءيس, رءيس)."""
    return tuple(rest for k, rest in unprefixed(folded)[1:] if len(rest) >= SEARCH_MIN)


def shard_key(folded: str) -> str:
    """The word with clitic prefixes stripped again and again: every form of a word sorts together."""
    while bases := clitic_bases(folded):
        folded = bases[-1]
    return folded


def light_stem(folded: str) -> str:
    """The word without one plural/possessive/feminine ending (Arabic) or plural -s (English)."""
    if is_arabic(folded):
        for suffix in ARABIC_SUFFIXES:
            if folded.endswith(suffix) and len(folded) - len(suffix) >= SEARCH_MIN:
                return folded[:-len(suffix)]
        return folded
    if len(folded) > 3 and folded.isalpha() and folded not in ENGLISH_KEEP:
        if folded.endswith("ies") and not folded.endswith(("eies", "aies")):
            return folded[:-3] + "y"
        if folded.endswith(("sses", "xes", "ches", "shes", "zes")):
            return folded[:-2]
        if folded.endswith("s") and not folded.endswith(("us", "ss", "is")):
            return folded[:-1]
    return folded


# --- ASCII for addresses (slugs) ------------------------------------------------------------------

# One reading of each letter, without short vowels (the script writes none): close to how Arabic names
# are usually spelt in Latin letters, and stable, which matters more for an address than accuracy.
_LATIN_OF = str.maketrans({
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh",
    "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "",
    "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "ة": "a", "و": "w", "ي": "y",
    "ى": "a", "ء": "", "ئ": "", "ؤ": "", "پ": "p", "چ": "ch", "گ": "g", "ڤ": "v", "ک": "k", "ی": "y",
})


def to_ascii(text: str) -> str:
    """Lower-case ASCII letters and digits, words separated by spaces: "إبراهيم قالن" -> "ibrahym qaln",
    "Kalın" -> "kalin". The definite article is written al- as names usually are: "الباعور" -> "al baawr"."""
    out = []
    for original in WORD_RE.findall(text):
        word = re.sub(f"[{WORD_MARKS}]", "", original.lower())                # harakat, tatweel
        if word.startswith("ال") and len(word) > 3:                          # not أل (Alexander)
            word = "al " + word[2:]
        word = _fold_latin(unicodedata.normalize("NFKD", word.translate(_LATIN_OF)))
        word = "".join(ch for ch in word if not unicodedata.combining(ch))   # Kalın, Çelik
        ascii_word = re.sub(r"[^a-z0-9 ]+", "", word.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")))
        if ascii_word.strip():
            out.append(ascii_word.strip())
    return " ".join(out)
