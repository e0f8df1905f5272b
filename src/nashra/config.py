"""site.toml -> a frozen Config, with every problem reported at once."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlparse

from babel import Locale, UnknownLocaleError

from .errors import ContentError, raise_if_any
from .i18n import DIGIT_STYLES, default_locale, is_known_language

CONFIG_FILE = "site.toml"


@dataclass(frozen=True)
class Config:
    root: Path
    base_url: str
    languages: tuple[str, ...]
    theme: str = "default"
    title: dict[str, str] = field(default_factory=dict)
    locales: dict[str, str] = field(default_factory=dict)   # Babel locale per language (dates)
    digits: dict[str, str] = field(default_factory=dict)    # "latn" or "arab" per language
    page_size: int = 30                                      # stories per list page

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def site_title(self, lang: str) -> str:
        return self.title.get(lang) or self.title.get(self.default_language) or "nashra"

    def with_base_url(self, base_url: str) -> "Config":
        errors: list[ContentError] = []
        checked = _checked_base_url(base_url, Path("--base-url"), errors)
        raise_if_any(errors)
        return replace(self, base_url=checked)


def _checked_base_url(value: object, path: Path, errors: list[ContentError]) -> str:
    url = urlparse(str(value))
    if not isinstance(value, str) or url.scheme not in ("http", "https") or not url.netloc:
        errors.append(ContentError(path, None, f"base_url must be an absolute http(s) URL, not {value!r}",
                                   'write it like base_url = "https://example.org" or "https://user.github.io/site"'))
        return "https://example.org"
    return value.rstrip("/")


def _line_of(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith((f"{key} ", f"{key}=", f"[{key}]")):
            return number
    return None


def load_config(root: Path) -> Config:
    path = root / CONFIG_FILE
    if not path.is_file():
        raise_if_any([ContentError(path, None, "no site.toml here: this folder is not a nashra site",
                                   "run 'nashra init DIR' to make a new site, or pass the site folder")])
    text = path.read_text(encoding="utf-8-sig")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        raise_if_any([ContentError(path, line, f"site.toml is not valid TOML: {exc}",
                                   "check quotes and brackets; strings need double quotes")])
    errors: list[ContentError] = []

    def err(key: str, message: str, hint: str = "") -> None:
        errors.append(ContentError(path, _line_of(text, key), message, hint))

    base_url = _checked_base_url(data.get("base_url", "https://example.org"), path, [])
    if "base_url" in data and base_url != str(data["base_url"]).rstrip("/"):
        err("base_url", f"base_url must be an absolute http(s) URL, not {data['base_url']!r}",
            'write it like base_url = "https://example.org"')

    languages = data.get("languages", ["ar", "en"])
    if not isinstance(languages, list) or not languages or not all(isinstance(x, str) for x in languages):
        err("languages", "languages must be a non-empty list of language codes", 'write languages = ["ar", "en"]')
        languages = ["ar", "en"]
    for code in languages:
        if not is_known_language(code):
            err("languages", f"unknown language code {code!r}", "use ISO 639-1 codes such as ar, en, fr")
    if len(set(languages)) != len(languages):
        err("languages", "a language is listed twice", "list each language once")

    theme = data.get("theme", "default")
    if not isinstance(theme, str) or not theme:
        err("theme", "theme must be the name of a folder in themes/", 'write theme = "default"')
        theme = "default"

    def per_language(key: str) -> dict[str, str]:
        table = data.get(key, {})
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            err(key, f"[{key}] must map language codes to text", f'write [{key}] then ar = "..." on its own line')
            return {}
        for code in table:
            if code not in languages:
                err(key, f"[{key}] has {code!r}, which is not in languages", f"add {code!r} to languages or remove it")
        return dict(table)

    title = per_language("title")
    locales = {lang: default_locale(lang) for lang in languages} | per_language("locale")
    digits = {lang: "latn" for lang in languages} | per_language("digits")
    for lang, style in digits.items():
        if style not in DIGIT_STYLES:
            err("digits", f"digits for {lang!r} must be one of {', '.join(DIGIT_STYLES)}, not {style!r}",
                '"latn" writes 2025, "arab" writes ٢٠٢٥')
    for lang, locale in locales.items():
        try:
            Locale.parse(locale)
        except (ValueError, UnknownLocaleError):
            err("locale", f"unknown locale {locale!r} for {lang!r}", 'use a locale such as "ar", "ar_SY", "ar_TN", "en_GB"')

    page_size = data.get("page_size", 30)
    if not isinstance(page_size, int) or isinstance(page_size, bool) or page_size < 1:
        err("page_size", "page_size must be a positive whole number", "write page_size = 30")
        page_size = 30

    raise_if_any(errors)
    return Config(root=root, base_url=base_url, languages=tuple(languages), theme=theme, title=title,
                  locales=locales, digits=digits, page_size=page_size)
