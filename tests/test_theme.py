"""The default theme: every UI string in both languages, one stylesheet for both directions."""

import re
import tomllib

from helpers import REPO

THEME = REPO / "themes" / "default"


def strings(lang: str) -> dict:
    return tomllib.loads((THEME / "i18n" / f"{lang}.toml").read_text(encoding="utf-8"))


def test_every_string_exists_in_both_languages():
    ar, en = strings("ar"), strings("en")
    assert set(ar) == set(en)
    for key, value in ar.items():
        if isinstance(value, dict):
            assert "other" in value and "other" in en[key], key
    assert all(value for value in [*ar.values(), *en.values()])


def test_templates_use_only_known_strings():
    known = set(strings("en"))
    used = set()
    for template in (THEME / "templates").rglob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+)["']\s*[,)]""", template.read_text(encoding="utf-8")))
    assert used and used <= known, used - known
    # Keys the templates build from a prefix, and the plural keys the planner uses.
    for key in ("kind_person", "kind_organisation", "kind_country", "language_ar", "language_en",
                "people", "organisations", "stories_count", "together_count", "only_in", "page_n"):
        assert key in known


def test_stylesheet_uses_logical_properties_only():
    css = (THEME / "static" / "css" / "nashra.css").read_text(encoding="utf-8")
    physical = re.findall(r"(?:margin|padding|border)-(?:left|right)|(?<![-\w])(?:left|right)\s*:"
                          r"|text-align\s*:\s*(?:left|right)|float\s*:\s*(?:left|right)", css)
    assert physical == []
    assert "margin-inline" in css and "padding-inline" in css and "inset-inline-start" in css


def test_no_requests_to_other_hosts_in_the_theme():
    for path in THEME.rglob("*"):
        if path.suffix in (".html", ".css"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//|@import|url\(\s*["']?(?:https?:)?//""", text), path
