"""Front matter is real YAML without YAML 1.1's surprises, checked field by field."""

import datetime as dt

import pytest

from nashra.build import build
from nashra.config import load_config
from nashra.errors import BuildError
from nashra.load import load_content
from nashra.model import make_site

from helpers import article


def site_of(root):
    documents, errors = load_content(root)
    assert not errors
    site, errors = make_site(load_config(root), documents, drafts=False)
    assert not errors, [str(e) for e in errors]
    return site


def test_norway_code_stays_a_string(make_site):
    root = make_site({
        "content/countries/no.md": '---\nname: {ar: "النرويج", en: "Norway"}\n---\n',
        "content/articles/oslo.ar.md": article("أوسلو", countries="[no, ly]"),
    })
    site = site_of(root)
    assert site.articles[0].countries == ("no", "ly")
    assert "no" in site.countries
    assert (build(root).output / "ar/countries/no/index.html").is_file()


def test_on_and_yes_in_lists_stay_strings(make_site):
    root = make_site({
        "content/actors/on.md": '---\nname: {ar: "أون", en: "On"}\naliases: {en: [yes, on, off, no]}\n---\n',
    })
    assert site_of(root).actors["on"].aliases["en"] == ("yes", "on", "off", "no")


@pytest.mark.parametrize("written,expected", [
    ("2025-04-28", dt.date(2025, 4, 28)),
    ("2025-04-28T14:30:00", dt.datetime(2025, 4, 28, 14, 30)),
    ("2025-04-28 14:30", dt.datetime(2025, 4, 28, 14, 30)),
    ("2025-04-28T14:30:00+02:00", dt.datetime(2025, 4, 28, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))),
])
def test_dates_stay_what_the_author_wrote(make_site, written, expected):
    root = make_site({"content/articles/a.ar.md": article("خبر", date=written)})
    parsed = site_of(root).articles[0]
    assert parsed.date_text == written
    assert parsed.date == expected


def test_number_like_titles_stay_as_written(make_site):
    root = make_site({"content/articles/a.ar.md": '---\ntitle: 1.10\ndate: 2025-01-01\n---\nنص\n'})
    assert site_of(root).articles[0].title == "1.10"


def test_articles_pair_by_slug_and_sort_newest_first(make_site):
    root = make_site({
        "content/articles/old.ar.md": article("قديم", date="2020-01-01"),
        "content/articles/new.ar.md": article("جديد", date="2025-01-01"),
        "content/articles/new.en.md": article("New", date="2025-01-01"),
    })
    site = site_of(root)
    assert [(a.slug, a.lang) for a in site.articles] == [("new", "en"), ("new", "ar"), ("old", "ar")]


def test_actor_biography_split_per_language(make_site):
    site = site_of(make_site())
    kalin = site.actors["ibrahim-kalin"]
    assert kalin.bio == {"ar": "سيرة قالن.", "en": "Kalın's biography."}
    assert kalin.name["en"] == "Ibrahim Kalın" and kalin.kind == "person" and kalin.country == "tr"


def test_drafts_are_left_out_unless_asked(make_site):
    root = make_site({"content/articles/d.ar.md": article("مسودة", extra="draft: true\n")})
    assert not (build(root).output / "ar/articles/d").exists()
    assert (build(root, drafts=True).output / "ar/articles/d/index.html").is_file()


def test_unknown_front_matter_key_suggests_the_right_one(make_site):
    root = make_site({"content/articles/a.ar.md": '---\ntitle: "x"\ndate: 2025-01-01\nactor: [x]\n---\n'})
    with pytest.raises(BuildError) as caught:
        build(root)
    (error,) = caught.value.errors
    assert error.line == 4 and "unknown front matter key 'actor'" in error.message and "'actors'" in error.hint
