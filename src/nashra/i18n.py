"""Languages, theme strings and dates: everything that differs by language."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date

from .errors import BuildError, ContentError

# Right-to-left languages; a site never has to say which direction a language runs.
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ks", "ps", "sd", "ug", "ur", "yi"})

# A language's name in itself, for the language switcher.
LANGUAGE_NAMES = {
    "ar": "العربية", "en": "English", "fr": "Français", "de": "Deutsch", "es": "Español", "it": "Italiano",
    "tr": "Türkçe", "ru": "Русский", "zh": "中文", "fa": "فارسی", "he": "עברית", "ur": "اردو",
    "ku": "Kurdî", "ckb": "کوردی", "ber": "Tamaziɣt", "tzm": "Tamaziɣt", "pt": "Português", "nl": "Nederlands",
    "ps": "پښتو", "sd": "سنڌي", "ug": "ئۇيغۇرچە", "yi": "ייִדיש", "dv": "ދިވެހި", "sw": "Kiswahili",
    "ha": "Hausa", "so": "Soomaali", "am": "አማርኛ", "hi": "हिन्दी", "id": "Bahasa Indonesia", "ms": "Bahasa Melayu",
}

DIGIT_STYLES = ("latn", "arab")
_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def is_known_language(code: str) -> bool:
    return code in LANGUAGE_NAMES or code in RTL_LANGUAGES


def direction(lang: str) -> str:
    return "rtl" if lang in RTL_LANGUAGES else "ltr"


def language_name(lang: str) -> str:
    return LANGUAGE_NAMES.get(lang, lang)


def default_locale(lang: str) -> str:
    """Babel locale for dates when site.toml names none: plain Arabic gives يناير…أبريل month names."""
    return lang


@lru_cache(maxsize=None)
def og_locale(locale: str) -> str:
    """Open Graph's language_TERRITORY: ar -> ar_EG, en -> en_US (CLDR's likely territory), ar_TN stays."""
    parsed = Locale.parse(locale)
    if parsed.territory:
        return f"{parsed.language}_{parsed.territory}"
    likely = Locale.parse(get_global("likely_subtags").get(parsed.language, parsed.language))
    return f"{parsed.language}_{likely.territory}" if likely.territory else parsed.language


def digits(text: str, style: str) -> str:
    return text.translate(_ARABIC_INDIC) if style == "arab" else text


def format_day(value: dt.date, locale: str, style: str) -> str:
    """A date as readers of `locale` write it: 28 أبريل 2025, 28 نيسان 2025, 28 April 2025."""
    return _format_day(value.date() if isinstance(value, dt.datetime) else value, locale, style)


@lru_cache(maxsize=100_000)
def _format_day(day: dt.date, locale: str, style: str) -> str:
    """Babel formats a date in tens of microseconds, and a site shows each day on many pages."""
    return digits(format_date(day, "d MMMM y", locale=locale), style)


@lru_cache(maxsize=None)
def _plural_rule(lang: str):
    try:
        return Locale.parse(lang).plural_form
    except (ValueError, UnknownLocaleError):
        return lambda count: "other"


@dataclass(frozen=True)
class Strings:
    """The theme's UI strings for one language, falling back to the default language."""

    lang: str
    table: dict[str, str | dict[str, str]]
    fallback: dict[str, str | dict[str, str]]

    def __call__(self, key: str, **values: object) -> str:
        text = self.table.get(key) or self.fallback.get(key) or key
        return text.format(**values) if values else text

    def plural(self, key: str, count: int, shown: str) -> str:
        """The form of `key` that the language's plural rules pick for `count` (CLDR: zero, one, two, few, many, other)."""
        forms = self.table.get(key) or self.fallback.get(key) or {}
        form = _plural_rule(self.lang)(count)
        text = forms.get(form) or forms.get("other") or key
        return text.format(count=shown)


def load_strings(i18n_dirs: list[Path], languages: tuple[str, ...]) -> dict[str, Strings]:
    """Theme strings per language; a site's i18n files override the theme's key by key."""
    tables: dict[str, dict[str, str]] = {lang: {} for lang in languages}
    for folder in reversed(i18n_dirs):          # theme first, site last
        for lang in languages:
            path = folder / f"{lang}.toml"
            if path.is_file():
                try:
                    tables[lang].update(tomllib.loads(path.read_text(encoding="utf-8")))
                except tomllib.TOMLDecodeError as exc:
                    line = re.search(r"line (\d+)", str(exc))
                    raise BuildError([ContentError(path, int(line.group(1)) if line else None,
                                                   f"not valid TOML: {exc}", 'write one key = "text" per line')]) from None
    default = tables[languages[0]]
    return {lang: Strings(lang, tables[lang], default) for lang in languages}
