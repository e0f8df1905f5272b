"""Real output files of tiny sites, read back as parsed HTML."""

import gc
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from nashra import build as build_module, search, stamps
from nashra.build import build
from nashra.errors import BuildError
from nashra.markup import Markup
from nashra.plan import Planner

from helpers import article, broken_links, page, tree

KALIN_AR = article("ليبيا وتركيا تبحثان الاستقرار", date="2025-04-28", actors="[ibrahim-kalin, abdullah-al-lafi]",
                   countries="[ly, tr]", extra='source: {name: "الأمصار", url: "https://example.com/a"}\n',
                   body="## قالن في العنوان\n\nاستقبل عبدالله اللافي رئيس المخابرات التركيّة إبراهيم قالن في طرابلس.\n\n"
                        "وأكد قالن مرة أخرى دعم ليبيا. [قالن](https://example.com) و`قالن`.")
KALIN_EN = article("Libya and Turkey discuss stability", date="2025-04-28",
                   actors="[ibrahim-kalin, abdullah-al-lafi]", countries="[ly, tr]",
                   body="Abdullah al-Lafi received Turkish intelligence chief Ibrahim Kalin in Tripoli.")
ONLY_AR = article("خبر بالعربية فقط", date="2024-01-01", actors="[ibrahim-kalin]", countries="[tr]",
                  body="لقاء مع قالن في أنقرة.")
ONLY_EN = article("English only story", date="2023-01-01", actors="[abdullah-al-lafi]", countries="[ly]",
                  body="Lafi spoke.")

SITE = {
    "content/articles/kalin-visit.ar.md": KALIN_AR,
    "content/articles/kalin-visit.en.md": KALIN_EN,
    "content/articles/arabic-only.ar.md": ONLY_AR,
    "content/articles/english-only.en.md": ONLY_EN,
}


@pytest.fixture
def public(built):
    return built(SITE)


def test_every_page_kind_in_both_languages(public):
    for lang in ("ar", "en"):
        for path in ("", "actors", "countries", "actors/ibrahim-kalin", "actors/presidential-council",
                     "countries/tr", "countries/ly"):
            assert (public / lang / path / "index.html").is_file(), f"{lang}/{path}"
    assert (public / "ar/articles/kalin-visit/index.html").is_file()
    assert (public / "en/articles/kalin-visit/index.html").is_file()
    assert (public / "ar/articles/arabic-only/index.html").is_file()
    assert not (public / "en/articles/arabic-only").exists()
    assert (public / "css/nashra.css").is_file()


def test_lang_and_dir_on_every_page(public):
    for file in public.rglob("*.html"):
        root = page(public, str(file.relative_to(public)))
        lang = file.relative_to(public).parts[0]
        expected = {"ar": ("ar", "rtl"), "en": ("en", "ltr"), "index.html": ("ar", "rtl"), "404.html": ("ar", "rtl")}[lang]
        assert (root.get("lang"), root.get("dir")) == expected, file


def test_no_broken_internal_links(public):
    assert broken_links(public) == []


def test_language_switcher_goes_to_the_translation_or_home(public):
    def switch(path):
        return page(public, path).xpath("//nav[@class='language-switcher']//a/@href")
    assert switch("ar/articles/kalin-visit") == ["/en/articles/kalin-visit/"]
    assert switch("en/articles/kalin-visit") == ["/ar/articles/kalin-visit/"]
    assert switch("ar/articles/arabic-only") == ["/en/"]
    assert switch("en/actors/ibrahim-kalin") == ["/ar/actors/ibrahim-kalin/"]
    assert switch("ar/countries/tr") == ["/en/countries/tr/"]
    assert switch("en") == ["/ar/"]


def test_actor_page_lists_every_story_newest_first_in_both_languages(public):
    ar = page(public, "ar/actors/ibrahim-kalin")
    assert ar.xpath("//h1//text()") == ["إبراهيم قالن"]
    assert ar.xpath("//ol[@class='story-list']//*[@class='story-title']/a/@href") == ["/ar/articles/kalin-visit/", "/ar/articles/arabic-only/"]
    en = page(public, "en/actors/ibrahim-kalin")
    assert en.xpath("//h1//text()") == ["Ibrahim Kalın"]
    # The Arabic-only story still appears on the English page, marked and linking to the original.
    assert en.xpath("//ol[@class='story-list']//*[@class='story-title']/a/@href") == ["/en/articles/kalin-visit/", "/ar/articles/arabic-only/"]
    (marked,) = en.xpath("//a[@href='/ar/articles/arabic-only/']/ancestor::article[1]")
    assert marked.get("lang") == "ar" and marked.get("dir") == "rtl"
    assert marked.xpath(".//span[@class='language-note']/text()") == ["In Arabic only"]
    assert en.xpath("//p[@class='role']/text()") == ["Head of Turkish intelligence"]
    assert en.xpath("//p[@class='other-name']/bdi/@lang") == ["ar"]
    assert en.xpath("//dl[@class='facts']//dd/text()") == ["2 stories"]


def test_actor_page_shows_who_appears_with_them(public):
    kalin = page(public, "en/actors/ibrahim-kalin")
    assert kalin.xpath("//section[@class='co-actors']//a/@href") == ["/en/actors/abdullah-al-lafi/"]
    assert kalin.xpath("//section[@class='co-actors']//span[@class='count']/text()") == ["1 story together"]


def test_country_page_lists_its_stories_and_actors(public):
    tr = page(public, "en/countries/tr")
    assert tr.xpath("//ol[@class='story-list']//*[@class='story-title']/a/@href") == ["/en/articles/kalin-visit/", "/ar/articles/arabic-only/"]
    assert set(tr.xpath("//section[@class='co-actors']//a/@href")) == {
        "/en/actors/ibrahim-kalin/", "/en/actors/abdullah-al-lafi/"}
    ly = page(public, "ar/countries/ly")
    assert "/en/articles/english-only/" in ly.xpath("//ol[@class='story-list']//*[@class='story-title']/a/@href")


def test_home_lists_stories_in_every_language(public):
    en = page(public, "en")
    assert en.xpath("//ol[@class='story-list']//*[@class='story-title']/a/@href") == [
        "/en/articles/kalin-visit/", "/ar/articles/arabic-only/", "/en/articles/english-only/"]
    ar = page(public, "ar")
    assert ar.xpath("//ol[@class='story-list']//*[@class='story-title']/a/@href") == [
        "/ar/articles/kalin-visit/", "/ar/articles/arabic-only/", "/en/articles/english-only/"]
    assert ar.xpath("//span[@class='language-note']/text()") == ["باللغة الإنجليزية فقط"]


def test_first_mention_links_but_never_in_headings_links_or_code(public):
    doc = page(public, "ar/articles/kalin-visit")
    body = doc.xpath("//div[@class='article-body']")[0]
    mentions = body.xpath(".//a[@class='mention']")
    assert [(a.text, a.get("href")) for a in mentions] == [
        ("عبدالله اللافي", "/ar/actors/abdullah-al-lafi/"),
        ("التركيّة", "/ar/countries/tr/"),
        ("إبراهيم قالن", "/ar/actors/ibrahim-kalin/"),
        ("طرابلس", "/ar/countries/ly/"),
    ]
    assert body.xpath(".//h2/a") == [] and body.xpath(".//code/a") == []
    assert body.xpath(".//a[not(@class)]/@href") == ["https://example.com"]
    en = page(public, "en/articles/kalin-visit")
    assert [a.text for a in en.xpath("//a[@class='mention']")] == ["Abdullah al-Lafi", "Ibrahim Kalin", "Tripoli"]


def test_article_page_shows_date_source_entities_and_related(public):
    doc = page(public, "ar/articles/kalin-visit")
    assert doc.xpath("//header[@class='article-header']//time/@datetime") == ["2025-04-28"]
    assert doc.xpath("//header[@class='article-header']//time/text()") == ["28 أبريل 2025"]
    assert doc.xpath("//p[@class='article-meta']//a/@href") == ["https://example.com/a"]
    assert doc.xpath("//aside[@class='entities']//a/@href") == [
        "/ar/actors/ibrahim-kalin/", "/ar/actors/abdullah-al-lafi/", "/ar/countries/ly/", "/ar/countries/tr/"]
    related = doc.xpath("//section[@class='related']//*[@class='story-title']/a/@href")
    assert related[0] == "/ar/articles/arabic-only/"
    en = page(public, "en/articles/kalin-visit")
    assert en.xpath("//header[@class='article-header']//time/text()") == ["28 April 2025"]


@pytest.mark.parametrize("locale,digits,expected", [
    ("ar", "latn", "28 أبريل 2025"),
    ("ar_SY", "latn", "28 نيسان 2025"),
    ("ar_TN", "latn", "28 أفريل 2025"),
    ("ar_LY", "arab", "٢٨ أبريل ٢٠٢٥"),
])
def test_arabic_dates_follow_locale_and_digit_settings(built, locale, digits, expected):
    toml = ('base_url = "https://example.org"\nlanguages = ["ar", "en"]\n'
            f'[locale]\nar = "{locale}"\n[digits]\nar = "{digits}"\n')
    public = built({"site.toml": toml, "content/articles/a.ar.md": article("خبر", date="2025-04-28")})
    assert page(public, "ar/articles/a").xpath("//article//time/text()") == [expected]


def test_names_of_the_other_direction_are_isolated(public):
    en = page(public, "en/countries/tr")
    for link in en.xpath("//ol[@class='story-list']//ul[@class='chips']//a"):
        assert link.xpath("./bdi")
    ar_card = page(public, "ar").xpath("//a[@href='/en/articles/english-only/']/ancestor::article[1]")[0]
    assert (ar_card.get("lang"), ar_card.get("dir")) == ("en", "ltr")


def test_base_path_prefix_on_every_reference(built):
    public = built(SITE, base_url="https://user.github.io/project")
    assert broken_links(public, "/project") == []
    doc = page(public, "ar/articles/kalin-visit")
    (stylesheet,) = doc.xpath("//link[@rel='stylesheet']/@href")
    assert re.fullmatch(r"/project/assets/css/nashra\.[0-9a-f]{10}\.css", stylesheet)
    assert doc.xpath("//link[@rel='canonical']/@href") == ["https://user.github.io/project/ar/articles/kalin-visit/"]


def test_site_templates_and_static_override_the_theme_file_by_file(built):
    public = built(SITE | {
        "templates/page.html": "{% extends 'base.html' %}{% block main %}<p id='mine'>{{ page.title }}</p>{% endblock %}",
        "static/css/nashra.css": "body { color: red }",
        "static/img/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
        "content/pages/about.ar.md": '---\ntitle: "عن الموقع"\n---\nنص\n',
    })
    assert page(public, "ar/about").xpath("//p[@id='mine']/text()") == ["عن الموقع"]
    assert (public / "css/nashra.css").read_text() == "body { color: red }"
    (linked,) = page(public, "ar/about").xpath("//link[@rel='stylesheet']/@href")
    assert (public / linked.lstrip("/")).read_text() == "body { color: red }"       # its fingerprinted copy
    assert (public / "img/logo.svg").is_file()
    assert page(public, "ar/articles/kalin-visit").xpath("//h1/text()")   # other templates still the theme's


def test_home_actor_and_country_lists_are_paginated(built):
    toml = 'base_url = "https://example.org"\nlanguages = ["ar", "en"]\npage_size = 2\n'
    files = {f"content/articles/s{i}.ar.md": article(f"خبر {i}", date=f"2025-01-0{i}",
                                                     actors="[ibrahim-kalin, abdullah-al-lafi]", countries="[tr]")
             for i in range(1, 6)}
    public = built({"site.toml": toml} | files)
    # The actors beside an actor's or a country's stories are on its first page only.
    for base in ("ar/actors/ibrahim-kalin", "en/countries/tr"):
        assert page(public, base).xpath("//section[@class='co-actors']//a/@href")[0].endswith("/abdullah-al-lafi/")
        assert page(public, f"{base}/page/2").xpath("//section[@class='co-actors']") == []
    for base in ("ar", "en", "ar/actors/ibrahim-kalin", "en/countries/tr"):
        assert len(page(public, base).xpath("//ol[@class='story-list']/li")) == 2
        assert len(page(public, f"{base}/page/3").xpath("//ol[@class='story-list']/li")) == 1
        assert page(public, f"{base}/page/2").xpath("//a[@rel='next']/@href") == [f"/{base}/page/3/"]
        assert page(public, f"{base}/page/2").xpath("//a[@rel='prev']/@href") == [f"/{base}/"]
    switch = page(public, "ar/actors/ibrahim-kalin/page/2").xpath("//nav[@class='language-switcher']//a/@href")
    assert switch == ["/en/actors/ibrahim-kalin/page/2/"]
    assert broken_links(public) == []


def test_untrusted_markup_is_escaped_or_removed(built):
    evil = article('<script>alert(1)</script>\\" onmouseover=\\"x', body='<img src=x onerror="alert(2)">\n\n<script>alert(3)</script>\n\n[a](javascript:alert(4))')
    public = built({"content/articles/evil.ar.md": evil})
    doc = page(public, "ar/articles/evil")
    # The only script is the page's JSON-LD, a data block the title cannot break out of.
    (data,) = doc.xpath("//script")
    assert data.get("type") == "application/ld+json" and "</" not in data.text
    assert json.loads(data.text)["headline"] == '<script>alert(1)</script>" onmouseover="x'
    assert doc.xpath("//@onerror | //@onmouseover") == []
    assert not any(h.startswith("javascript:") for h in doc.xpath("//a/@href"))
    assert doc.xpath("//h1/text()") == ['<script>alert(1)</script>" onmouseover="x']


def test_two_builds_are_byte_identical(make_site, tmp_path):
    root = make_site(SITE)
    first = build(root, output=tmp_path / "one").output
    second = build(root, output=tmp_path / "two").output
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)


def test_parallel_build_equals_serial_build(make_site, tmp_path):
    files = {f"content/articles/s{i:02d}.{lang}.md": article(f"خبر {i}" if lang == "ar" else f"Story {i}",
                                                            date=f"2025-01-{i:02d}", actors="[ibrahim-kalin]",
                                                            countries="[tr]", body="قالن في تركيا. Kalin in Turkey.")
             for i in range(1, 25) for lang in ("ar", "en")}
    root = make_site(files)
    serial = build(root, output=tmp_path / "serial", workers=1).output
    parallel = build(root, output=tmp_path / "parallel", workers=2).output
    files = sorted(p.relative_to(serial) for p in serial.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(parallel) for p in parallel.rglob("*") if p.is_file())
    assert [f for f in files if (serial / f).read_bytes() != (parallel / f).read_bytes()] == []


def test_a_build_makes_full_collections_rare_and_then_restores_the_collector(make_site, monkeypatch):
    """A full collection walks every object the build holds; while it runs they wait for a thousand
    middle ones, and the thresholds are what they were once it ends, failed or not."""
    before = gc.get_threshold()
    seen = []
    make_site_then = build_module.make_site

    def noting_thresholds(*args, **kwargs):
        seen.append(gc.get_threshold())
        return make_site_then(*args, **kwargs)

    monkeypatch.setattr(build_module, "make_site", noting_thresholds)
    build(make_site(SITE))
    assert seen[0][:2] == before[:2] and seen[0][2] >= 1000 > before[2]
    assert gc.get_threshold() == before
    with pytest.raises(BuildError):
        build(make_site({"content/articles/bad.ar.md": "---\ntitle: [\n---\nنص\n"}, name="bad"))
    assert gc.get_threshold() == before


def test_a_warm_build_is_byte_identical_to_a_cold_one(make_site, tmp_path, monkeypatch):
    """.nashra-cache/ holds the last build's article HTML: reused only where nothing it came from changed."""
    files = {f"content/articles/s{i:02d}.{lang}.md": article(f"خبر {i}" if lang == "ar" else f"Story {i}",
                                                            date=f"2025-01-{i:02d}", actors="[ibrahim-kalin]",
                                                            countries="[tr]", body=f"قالن في تركيا {i}. Kalin {i}.")
             for i in range(1, 13) for lang in ("ar", "en")}
    root = make_site(files)
    assert tree(build(root, tmp_path / "cold", cache=False).output) == tree(build(root, tmp_path / "warm").output)
    cached = sorted((root / ".nashra-cache").glob("build-*.pickle"))
    assert [p.name.rsplit("-", 1)[1] for p in cached] == ["bodies.pickle", "front.pickle", "groups.pickle",
                                                                 "index.pickle", "links.pickle", "output.pickle",
                                                                 "stamps.pickle", "words.pickle"]
    assert (root / ".nashra-cache/.gitignore").read_text() == "*\n"
    # An edited body: only that article's Markdown is rendered again.
    (root / "content/articles/s03.ar.md").write_text(article("خبر 3", date="2025-01-03", actors="[ibrahim-kalin]",
                                                             countries="[tr]", body="نص جديد عن قالن."), encoding="utf-8")
    rendered, read = [], []
    original, words = Markup.render_with_text, search.read_article
    monkeypatch.setattr(Markup, "render_with_text", lambda self, text, table=None: rendered.append(table) or original(self, text, table))
    monkeypatch.setattr(search, "read_article", lambda *key: read.append(key) or words(*key))
    warm1 = tree(build(root, tmp_path / "warm1", workers=1).output)
    assert (len([t for t in rendered if t is not None]), len(read)) == (1, 1)     # that article only
    assert warm1 == tree(build(root, tmp_path / "cold1", cache=False).output)
    monkeypatch.undo()
    # An actor's new name, which every mention link shows: everything again, and still identical.
    kalin = root / "content/actors/ibrahim-kalin.md"
    kalin.write_text(kalin.read_text(encoding="utf-8").replace("Ibrahim Kalın", "İbrahim Kalın"), encoding="utf-8")
    warm = tree(build(root, tmp_path / "warm2").output)
    assert warm == tree(build(root, tmp_path / "cold2", cache=False).output)
    assert "İbrahim Kalın" in warm["en/articles/s05/index.html"].decode()
    # A damaged cache is ignored, then replaced.
    for path in cached:
        path.write_bytes(b"not a pickle")
    assert tree(build(root, tmp_path / "warm3").output) == warm
    assert all(path.read_bytes() != b"not a pickle" for path in cached)


def test_the_cached_html_is_mapped_by_the_next_build_and_copied_file_to_file(make_site, tmp_path, monkeypatch):
    """The "bodies" part keeps each article's packed HTML in a blocks file: the next build maps it, and
    saving it again copies the unchanged bodies' bytes (in runs) instead of reading them in."""
    from nashra import blocks
    from nashra.build import BuildCache
    from nashra.config import load_config
    monkeypatch.setattr(blocks, "SLICE", 5)      # the record of 16 bodies, a few at a time
    files = {f"content/articles/s{i:02d}.{lang}.md": article(f"خبر {i}" if lang == "ar" else f"Story {i}",
                                                            date=f"2025-01-{i:02d}", actors="[ibrahim-kalin]",
                                                            countries="[tr]", body=f"قالن في تركيا {i}. Kalin {i}.")
             for i in range(1, 9) for lang in ("ar", "en")}
    root = make_site(files)
    build(root, tmp_path / "one")
    blocks_files = list((root / ".nashra-cache").glob("build-*-bodies.pickle.blocks-*"))
    store = BuildCache(root, load_config(root))
    stored = store.load_bodies()
    assert len(blocks_files) == 1 and len(stored) == 16
    assert all(isinstance(body.packed, memoryview) for _, body in stored.values())
    assert "في تركيا 5. <a class=\"mention\"" in stored[("s05", "en")][1].html

    copied = []
    real_copy = os.copy_file_range
    monkeypatch.setattr(os, "copy_file_range", lambda *a: copied.append(a[2]) or real_copy(*a))
    (root / "content/articles/s03.en.md").write_text(article("Story 3", date="2025-01-03", actors="[ibrahim-kalin]",
                                                             countries="[tr]", body="A new text about Kalin."),
                                                     encoding="utf-8")
    build(root, tmp_path / "two")
    assert 1 <= len(copied) <= 3             # the bodies before and after the edited one, each run at once
    again = BuildCache(root, load_config(root)).load_bodies()
    assert {key: body.html for key, (_, body) in again.items()} == \
        {**{key: body.html for key, (_, body) in stored.items()}, ("s03", "en"): again[("s03", "en")][1].html}
    assert "A new text" in again[("s03", "en")][1].html
    assert not any(path.exists() for path in blocks_files)      # the last blocks file is gone


def test_a_cache_part_is_pickled_a_slice_at_a_time_and_loads_whole(make_site, monkeypatch):
    """Long lists and dicts of a part are written in slices (the pickler's memory of what it wrote stays
    small); loaded, the part is as saved, and a part cut short loads as nothing."""
    from nashra import blocks
    from nashra.build import BuildCache
    from nashra.config import load_config
    root = make_site({"content/articles/a.ar.md": article("خبر")})
    store = BuildCache(root, load_config(root))
    monkeypatch.setattr(blocks, "SLICE", 3)
    data = {"reads": [("actor", "kalin", i) for i in range(10)], "files": {f"f{i}": i for i in range(7)},
            "short": [1, 2], "output": "public"}
    store.save("groups", data)
    path = next((root / ".nashra-cache").glob("build-*-groups.pickle"))
    assert store.load("groups") == data
    whole = path.read_bytes()
    path.write_bytes(whole[:len(whole) * 2 // 3])
    assert store.load("groups") == {}


def test_a_rebuild_into_the_same_folder_renders_and_writes_only_what_changed(make_site, tmp_path):
    files = {f"content/articles/s{i:02d}.{lang}.md": article(f"خبر {i}" if lang == "ar" else f"Story {i}",
                                                            date=f"2025-01-{i:02d}", actors="[ibrahim-kalin]",
                                                            countries="[tr]", body=f"قالن في تركيا {i}. Kalin {i}.")
             for i in range(1, 13) for lang in ("ar", "en")}
    root, out = make_site(files), tmp_path / "public"

    def times():
        return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}

    def cold(name):
        return tree(build(root, tmp_path / name, cache=False).output)

    first = build(root, out)
    before = times()
    # Nothing changed: nothing is done, and the output is left as it is.
    again = build(root, out)
    assert again.unchanged and (again.files, again.pages) == (first.files, first.pages) and times() == before
    # One body edited: its pages are rendered again, the rest are kept without being rendered or written.
    (root / "content/articles/s03.ar.md").write_text(article("خبر 3", date="2025-01-03", actors="[ibrahim-kalin]",
                                                             countries="[tr]", body="نص جديد عن قالن."), encoding="utf-8")
    report = build(root, out)
    assert not report.unchanged and 0 < report.rendered < sum(report.pages.values()) / 4
    assert tree(out) == cold("cold1")
    written = {path for path, time in times().items() if before.get(path) != time}
    assert "ar/articles/s03/index.html" in written and "en/articles/s05/index.html" not in written
    # The output damaged by hand (a page changed, a file deleted, a stray file) is repaired.
    (out / "en/articles/s05/index.html").write_text("damaged", encoding="utf-8")
    (out / "favicon.svg").unlink()
    (out / "en/stray.txt").write_text("stray", encoding="utf-8")
    assert not build(root, out).unchanged and tree(out) == cold("cold2")
    # A template of the site's own: every page that uses it is rendered again.
    template = root / "templates/article.html"
    template.parent.mkdir()
    template.write_text((Path(__file__).parents[1] / "themes/default/templates/article.html").read_text(encoding="utf-8")
                        .replace('{% block main %}', '{% block main %}<p class="marker">new</p>', 1), encoding="utf-8")
    build(root, out)
    assert tree(out) == cold("cold3") and b'class="marker"' in (out / "en/articles/s05/index.html").read_bytes()
    # A failed build leaves the output as it was.
    before_failure = tree(out)
    (root / "content/articles/bad.ar.md").write_text(article("خبر", actors="[nobody]"), encoding="utf-8")
    with pytest.raises(BuildError):
        build(root, out)
    assert tree(out) == before_failure and not list(tmp_path.glob(".public.*"))


def test_a_source_is_read_again_whenever_its_stat_changed(tmp_path, monkeypatch):
    """stamps.FileDigests: a file known by its stat is not read; one rewritten to the same size with its
    modification time set back is (its change time moved), and one changed just now is not remembered."""
    path = tmp_path / "a.md"
    path.write_text("one", encoding="utf-8")
    fresh = stamps.FileDigests()
    first = fresh.of(str(path))
    assert fresh.read == 1 and fresh.remembered == {} and fresh.changed is False    # changed within 3 s
    monkeypatch.setattr(stamps, "SETTLED_NS", 0)
    known = stamps.FileDigests()
    assert known.of(str(path)) == first and str(path) in known.remembered and known.changed
    again = stamps.FileDigests(known.remembered)
    assert again.of(str(path)) == first and again.read == 0 and not again.changed
    times = path.stat()
    path.write_text("two", encoding="utf-8")
    os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert path.stat().st_size == times.st_size and path.stat().st_mtime_ns == times.st_mtime_ns
    after = stamps.FileDigests(known.remembered)
    assert after.of(str(path)) != first and after.read == 1 and after.changed


def test_a_rebuild_reads_only_the_sources_whose_stat_changed(make_site, tmp_path, monkeypatch):
    """The build's digest of its sources comes from .nashra-cache/'s stamps: after an edit only that file
    is read to digest it, and the edit is built, even with its size and modification time as they were."""
    monkeypatch.setattr(stamps, "SETTLED_NS", 0)
    files = {f"content/articles/s{i:02d}.{lang}.md": article(f"خبر {i}" if lang == "ar" else f"Story {i}",
                                                            date=f"2025-01-{i:02d}", actors="[ibrahim-kalin]",
                                                            countries="[tr]", body=f"قالن في تركيا {i}. Kalin {i}.")
             for i in range(1, 7) for lang in ("ar", "en")}
    root, out = make_site(files), tmp_path / "public"
    build(root, out)
    digested = []
    original = stamps.FileDigests.of

    def of(self, path):
        before = self.read
        found = original(self, path)
        if self.read != before:
            digested.append(path)
        return found

    monkeypatch.setattr(stamps.FileDigests, "of", of)
    assert build(root, out).unchanged and digested == []
    edited = root / "content/articles/s03.en.md"
    times = edited.stat()
    edited.write_text(edited.read_text(encoding="utf-8").replace("Kalin 3.", "Kalin 9."), encoding="utf-8")
    os.utime(edited, ns=(times.st_atime_ns, times.st_mtime_ns))
    report = build(root, out)
    assert not report.unchanged and digested == [str(edited)]
    assert "Kalin 9." in (out / "en/articles/s03/index.html").read_text(encoding="utf-8")
    assert tree(out) == tree(build(root, tmp_path / "cold", cache=False).output)


def test_a_rebuild_brings_the_last_search_index_up_to_date(make_site, tmp_path):
    """After an edit the index is the last one with only what changed made again, byte-identical to a
    cold build's; it is made afresh when the documents change or the last one is not as it was left."""
    files = {f"content/articles/s{i:02d}.{lang}.md": article(f"خبر {i}" if lang == "ar" else f"Story {i}",
                                                            date=f"2025-01-{i:02d}", actors="[ibrahim-kalin]",
                                                            countries="[tr]", body=f"قالن في تركيا {i}. Kalin {i}.")
             for i in range(1, 13) for lang in ("ar", "en")}
    root, out = make_site(files), tmp_path / "public"
    assert not build(root, out).index_updated

    def edit(name, title, body, date):
        (root / "content/articles" / name).write_text(article(title, date=date, actors="[ibrahim-kalin]",
                                                              countries="[tr]", body=body), encoding="utf-8")

    def rebuilt(step):
        report = build(root, out)
        assert tree(out) == tree(build(root, tmp_path / f"cold{step}", cache=False).output)
        return report.index_updated

    edit("s03.ar.md", "خبر 3", "نص جديد عن قالن والمستشفيات.", "2025-01-03")     # words enter and leave
    assert rebuilt(1)
    edit("s04.en.md", "A new title for story 4", "Kalin 4.", "2025-01-04")     # a title on an unchanged body
    assert rebuilt(2)
    shard = sorted((out / "search/t").glob("*.json"))[0]
    shard.write_bytes(shard.read_bytes() + b" ")                                # the last index damaged
    edit("s05.ar.md", "خبر 5", "المستشفيات في تركيا.", "2025-01-05")
    assert not rebuilt(3)
    for words in (root / ".nashra-cache").glob("build-*-words.pickle"):         # the last words gone
        words.unlink()
    edit("s05.ar.md", "خبر 5", "قالن في تركيا 5.", "2025-01-05")
    assert not rebuilt(4)
    edit("s13.ar.md", "خبر 13", "قالن.", "2025-01-13")                         # a new document
    assert not rebuilt(5)
    edit("s06.ar.md", "خبر 6", "قالن مرة أخرى.", "2025-01-06")
    assert rebuilt(6)


def test_a_rebuild_plans_only_the_groups_that_read_something_changed(make_site, tmp_path, monkeypatch):
    """A group of pages (an article's, an actor's ...) whose every read value is as at the last build is kept
    without being planned; whatever changes, the output is a cold build's, byte for byte."""
    files = {f"content/articles/s{i:02d}.{lang}.md": article(f"خبر {i}" if lang == "ar" else f"Story {i}",
                                                            date=f"2025-01-{i:02d}",
                                                            actors="[ibrahim-kalin]" if i % 2 else "[abdullah-al-lafi]",
                                                            countries="[tr]" if i % 3 else "[ly]",
                                                            body=f"قالن في تركيا {i}. Kalin {i}.")
             for i in range(1, 13) for lang in ("ar", "en")}
    files["content/pages/about.en.md"] = "---\ntitle: About\n---\nAbout us.\n"
    root, out = make_site(files), tmp_path / "public"
    traced = []
    original = Planner.traced
    monkeypatch.setattr(Planner, "traced", lambda self, key: traced.append(key) or original(self, key))
    build(root, out, workers=1)
    everything = len(traced)

    def rebuilt(step, change) -> int:
        path, old, new = change
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if old is None:
            target.write_text(new, encoding="utf-8")
        elif new is None:
            target.unlink()
        else:
            text = target.read_text(encoding="utf-8")
            assert old in text
            target.write_text(text.replace(old, new), encoding="utf-8")
        traced.clear()
        build(root, out, workers=1)
        assert tree(out) == tree(build(root, tmp_path / f"cold{step}", cache=False).output), change
        return len(traced)

    assert rebuilt(1, ("content/articles/s03.ar.md", "قالن في تركيا 3.", "نص آخر.")) < everything / 3
    # A paragraph added below the first: the lists that show the story (its card) are kept.
    rebuilt(1, ("content/articles/s08.ar.md", "Kalin 8.", "Kalin 8.\n\nفقرة ثانية."))
    lists = {key for key in traced if key[0] in ("home", "actor", "country", "actors", "countries")}
    assert ("article", "s08", "ar") in traced and lists == set()
    changes = [
        ("content/actors/ibrahim-kalin.md", "Head of Turkish intelligence", "Former head"),      # a role on cards
        ("content/countries/ly.md", "Libya", "State of Libya"),
        ("content/articles/s04.en.md", "2025-01-04", "2025-02-04"),                           # the order
        ("content/articles/s05.en.md", "Story 5", "A new title"),
        ("content/articles/s13.ar.md", None, article("خبر 13", actors="[abdullah-al-lafi]", countries="[tr]")),
        ("content/articles/s06.en.md", "", None),                                           # a translation goes
        ("content/pages/about.en.md", "title: About", "title: About us"),                     # every page's menu
        ("static/css/nashra.css", None, "body { color: red; }"),                              # fingerprinted
        ("i18n/en.toml", None, 'only_in = "Only in {language}"\n'),
    ]
    for step, change in enumerate(changes, 2):
        rebuilt(step, change)
    # The front matter and the links come from .nashra-cache/ when unchanged, but errors are still found.
    (root / "content/articles/s07.ar.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        build(root, out, workers=1)
    assert [(e.path.name, e.line) for e in caught.value.errors] == [("s07.ar.md", 3)]
    (root / "content/articles/s07.ar.md").write_text(article("خبر 7", actors="[nobody]"), encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        build(root, out, workers=1)
    assert "nobody" in caught.value.format()


def test_a_build_without_the_cache_into_an_old_folder_rewrites_only_changed_files(make_site, tmp_path):
    root, out = make_site(SITE), tmp_path / "public"
    build(root, out, cache=False)
    page_file = out / "en/articles/kalin-visit/index.html"
    kept_time = page_file.stat().st_mtime_ns
    (out / "ar/index.html").write_text("old", encoding="utf-8")
    (out / "old/empty").mkdir(parents=True)
    (out / "en/old.html").write_text("old", encoding="utf-8")
    build(root, out, cache=False)
    assert tree(out) == tree(build(root, tmp_path / "fresh", cache=False).output)
    assert page_file.stat().st_mtime_ns == kept_time and not (out / "old").exists()


def test_an_old_folder_with_folders_and_files_swapped_is_repaired(make_site, tmp_path):
    root, out = make_site(SITE), tmp_path / "public"
    build(root, out)
    (out / "robots.txt").unlink()
    (out / "robots.txt").mkdir()
    (out / "robots.txt/x").write_text("x", encoding="utf-8")
    for folder in ("ar/articles/kalin-visit", "en/actors/ibrahim-kalin"):
        shutil.rmtree(out / folder)
        (out / folder).write_text("a file where a folder was", encoding="utf-8")
    build(root, out)
    assert tree(out) == tree(build(root, tmp_path / "fresh", cache=False).output)


def test_a_failed_build_leaves_the_cache_alone(make_site, tmp_path):
    root = make_site({"content/articles/a.ar.md": article("خبر")})
    build(root, tmp_path / "one")
    cached = sorted((root / ".nashra-cache").glob("build-*.pickle"))
    before = [path.read_bytes() for path in cached]
    (root / "content/articles/b.ar.md").write_text(article("خبر", actors="[nobody]"), encoding="utf-8")
    with pytest.raises(Exception):
        build(root, tmp_path / "two")
    assert [path.read_bytes() for path in cached] == before


def test_a_page_digest_stands_cards_and_bodies_in_by_their_value_digests(make_site, tmp_path, monkeypatch):
    """A page's digest (what the next build compares to skip rendering it) is made from the value digest of
    each card, ref and article body its context holds, not from their text; a changed title still changes
    the digest of every page that shows the story's card."""
    import nashra.build as build_module
    seen = {}
    original = build_module._page_digest

    def spy(looks, job, planner):
        made = original(looks, job, planner)
        seen[job.url] = (job, planner, made)
        return made

    monkeypatch.setattr(build_module, "_page_digest", spy)
    root = make_site(SITE)
    build(root, tmp_path / "one", workers=1)
    home, planner, made = seen["/en/"]
    cards = planner.digestible(home.context["items"])
    assert cards and all(card == "\0" + planner.value_digest(("item", item["url"].split("/")[-2], "en")).hex()
                         for card, item in zip(cards, home.context["items"]))
    page, planner, _ = seen["/ar/articles/kalin-visit/"]
    standing = planner.digestible(page.context)
    assert standing["article"]["body"].startswith("\0") and len(standing["article"]["body"]) == 33
    assert all(ref.startswith("\0") for ref in standing["actors"] + standing["countries"])
    (root / "content/articles/kalin-visit.en.md").write_text(KALIN_EN.replace("discuss stability", "talk"),
                                                             encoding="utf-8")
    build(root, tmp_path / "two", workers=1)
    assert seen["/en/"][2] != made
