"""Search as a reader uses it, in headless Chromium on the sample site: every kind of variant spelling,
entities by any name in any language, the page's behaviour, and parity of the browser's normaliser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nashra.build import build

from helpers import ACTORS, article, write_site

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "search.tsv"
RESULTS = "#search-results"


def search(page, base: str, lang: str, query: str) -> dict:
    """Open /<lang>/search/?q=query and wait for its results: {entities, articles, status}."""
    page.goto(f"{base}/{lang}/search/?q={query}")
    return results_for(page, query)


def results_for(page, query: str) -> dict:
    page.wait_for_function("q => document.getElementById('search-results').dataset.query === q", arg=query)
    hrefs = page.eval_on_selector_all(f"{RESULTS} > li > a", "links => links.map(a => a.getAttribute('href'))")
    return {
        "entities": [h for h in hrefs if "/articles/" not in h],
        "articles": [h.rstrip("/").rsplit("/", 1)[1] for h in hrefs if "/articles/" in h],
        "hrefs": hrefs,
        "status": page.locator("#search-status").inner_text(),
    }


def rerendered(page, action) -> dict:
    """Do `action` (a filter change...) and wait for the results it causes."""
    page.evaluate("() => { window.__next = new Promise(r => addEventListener('nashra:search', e => r(e.detail), "
                  "{once: true})); }")
    action()
    page.evaluate("() => window.__next")
    return results_for(page, page.get_by_role("searchbox").input_value())


KALIN = {"dbeibah-meets-kalin-tripoli", "lafi-koni-meet-kalin"}
LAFI = {"lafi-koni-meet-kalin", "lafi-receives-kinshchak-tripoli", "russia-libya-discuss-political-situation-tripoli"}
RUSSIA = {"baour-meets-russian-foreign-ministry-delegation", "lafi-receives-kinshchak-tripoli",
          "russia-libya-discuss-political-situation-tripoli", "russian-libyan-business-mou-benghazi"}
TURKEY = {"dbeibah-meets-kalin-tripoli", "lafi-koni-meet-kalin", "erdogan-sarraj-meet-istanbul"}

# (category, page language, query, the entity shown first or None, the articles found: exactly these)
CASES = [
    ("hamza", "ar", "اردوغان", "/ar/actors/recep-tayyip-erdogan/", {"erdogan-sarraj-meet-istanbul"}),
    ("hamza", "ar", "ابراهيم قالن", "/ar/actors/ibrahim-kalin/", KALIN),
    ("hamza", "ar", "الكساندر كينتشاك", "/ar/actors/alexander-kinshchak/", LAFI - {"lafi-koni-meet-kalin"}),
    ("hamza on a carrier", "ar", "الرييس الصيني", None, {"menfi-meets-xi-jinping-beijing"}),
    ("ta marbuta", "ar", "مذكره تفاهم", None, None),
    ("alef maqsura", "ar", "موسي الكوني", "/ar/actors/musa-al-koni/", {"lafi-koni-meet-kalin"}),
    ("diacritics", "ar", "قَالِن", "/ar/actors/ibrahim-kalin/", KALIN),
    ("tatweel", "ar", "قـــالن", "/ar/actors/ibrahim-kalin/", KALIN),
    ("clitic و", "ar", "وقالن", "/ar/actors/ibrahim-kalin/", KALIN),
    ("clitic ل", "ar", "لروسيا", "/ar/countries/ru/", RUSSIA),
    ("clitic بال", "ar", "بالصين", "/ar/countries/cn/", {"menfi-meets-xi-jinping-beijing"}),
    ("split name", "ar", "عبد الله اللافي", "/ar/actors/abdullah-al-lafi/", LAFI),
    ("joined name", "ar", "عبدالله اللافي", "/ar/actors/abdullah-al-lafi/", LAFI),
    ("adjective", "ar", "التركية", "/ar/countries/tr/", TURKEY),
    ("transliteration", "ar", "Kalin", "/ar/actors/ibrahim-kalin/", KALIN),
    ("transliteration", "ar", "Erdogan", "/ar/actors/recep-tayyip-erdogan/", {"erdogan-sarraj-meet-istanbul"}),
    ("transliteration", "ar", "xi jinping", "/ar/actors/xi-jinping/", {"menfi-meets-xi-jinping-beijing"}),
    ("cross-language", "en", "قالن", "/en/actors/ibrahim-kalin/", KALIN),
    ("cross-language", "en", "روسيا", "/en/countries/ru/", RUSSIA),
    ("english", "en", "Erdoğan", "/en/actors/recep-tayyip-erdogan/", {"erdogan-sarraj-meet-istanbul"}),
    ("english, case and accents", "en", "KALIN", "/en/actors/ibrahim-kalin/", KALIN),
    ("english prefix while typing", "en", "Kal", "/en/actors/ibrahim-kalin/", KALIN),
]


@pytest.mark.parametrize("category,lang,query,entity,expected", CASES, ids=[f"{c[0]}:{c[2]}" for c in CASES])
def test_variant_spellings_find_the_stories(reader, category, lang, query, entity, expected):
    base, page, problems = reader
    found = search(page, base, lang, query)
    if entity:
        assert found["hrefs"][0] == entity                                 # entities first
    if expected is not None:
        assert set(found["articles"]) == expected
    assert all(f"/{lang}/" in href for href in found["hrefs"])            # in the page's language
    assert problems == []


def test_ta_marbuta_and_ha_find_the_same_story_first(reader):
    base, page, _ = reader
    for query in ("مذكره تفاهم", "مذكرة تفاهم"):
        assert search(page, base, "ar", query)["articles"][0] == "russian-libyan-business-mou-benghazi"


def test_a_name_never_matches_through_stemming(reader):
    """قالن (Kalın) must not reach قالت (she said) or any other word that merely shares letters."""
    base, page, _ = reader
    found = search(page, base, "ar", "قالن")
    assert set(found["articles"]) == KALIN
    snippets = page.locator(f"{RESULTS} mark").all_inner_texts()
    assert snippets and all("قالن" in m or "قالن" in m.replace("ـ", "") for m in snippets)


def test_results_show_date_source_snippet_and_entities_with_the_match_marked(reader):
    base, page, _ = reader
    search(page, base, "ar", "بندر عباس")
    first = page.locator(f"{RESULTS} > li:not(.result-entity)").first
    assert first.locator("a.result-title").get_attribute("href") == \
        "/ar/articles/libya-condolences-iran-bandar-abbas-explosion/"
    assert first.locator("time").get_attribute("datetime") == "2025-04-27"
    assert "أبريل 2025" in first.locator("time").inner_text()
    marks = first.locator(".result-snippet mark, .result-title mark").all_inner_texts()
    assert "بندر" in marks and "عباس" in marks
    entities = first.locator(".result-entities a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "/ar/countries/ir/" in entities


def test_search_page_is_an_ordered_list_of_links_in_main_and_nothing_else(reader):
    base, page, _ = reader
    search(page, base, "en", "Libya")
    main_article_links = page.eval_on_selector_all("main a[href*='/articles/']", "a => a.length")
    result_article_links = page.eval_on_selector_all(f"main ol{RESULTS} > li > a[href*='/articles/']", "a => a.length")
    assert main_article_links == result_article_links == 9
    assert page.get_by_role("searchbox").count() == 1
    assert page.locator("#search-status").inner_text() == "9 stories found"


def test_address_follows_the_query_and_back_restores_it(reader):
    base, page, _ = reader
    page.goto(f"{base}/en/search/")
    box = page.get_by_role("searchbox")
    box.type("Kalin")
    results_for(page, "Kalin")
    assert page.url.endswith("/en/search/?q=Kalin")
    page.wait_for_timeout(1200)                     # a pause: the next query is a new history entry
    box.fill("")
    box.type("Russia")
    assert results_for(page, "Russia")["hrefs"][0] == "/en/countries/ru/"
    assert page.url.endswith("?q=Russia")
    page.go_back()
    assert set(results_for(page, "Kalin")["articles"]) == KALIN
    assert box.input_value() == "Kalin"
    page.go_back()
    results_for(page, "")
    assert box.input_value() == "" and page.url.endswith("/en/search/")


def test_keyboard_only_from_any_page_header_to_a_story(reader):
    base, page, _ = reader
    page.goto(f"{base}/ar/articles/menfi-meets-xi-jinping-beijing/")
    page.get_by_role("search").get_by_role("searchbox").focus()
    page.keyboard.type("لروسيا")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ar/search/?q=*")
    found = results_for(page, "لروسيا")
    assert set(found["articles"]) == RUSSIA
    page.get_by_role("searchbox").focus()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.getAttribute('href')") == found["hrefs"][0]
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.getAttribute('href')") == found["hrefs"][1]
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{found['hrefs'][1]}")


def test_empty_and_no_match_states_help_the_reader(reader):
    base, page, _ = reader
    page.goto(f"{base}/ar/search/")
    results_for(page, "")
    assert "اكتب اسمًا" in page.locator("#search-status").inner_text()
    found = search(page, base, "en", "zzqqxx")
    assert found["hrefs"] == []
    assert "No stories match “zzqqxx”" in found["status"]
    links = page.locator("#search-status a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert links == ["/en/actors/", "/en/countries/"]


def test_filters_by_year_language_and_entity(reader):
    base, page, _ = reader
    search(page, base, "en", "Libya")
    found = rerendered(page, lambda: page.select_option("#filter-year", "2020"))
    assert found["articles"] == ["erdogan-sarraj-meet-istanbul"]
    assert "year=2020" in page.url
    rerendered(page, lambda: page.select_option("#filter-year", ""))
    found = rerendered(page, lambda: page.select_option("#filter-lang", "all"))
    assert len(found["articles"]) == 10                              # first page of 18, both languages
    assert found["status"] == "18 stories found"
    assert page.locator(f"{RESULTS} > li[lang='ar'][dir='rtl']").count() > 0
    page.click("#search-more")
    page.wait_for_function("document.querySelectorAll('#search-results > li:not(.result-entity)').length === 18")
    rerendered(page, lambda: page.select_option("#filter-lang", "en"))
    found = rerendered(page, lambda: page.select_option("#filter-actor", label="Ibrahim Kalın"))
    assert set(found["articles"]) == KALIN
    # The choices are the people of the results shown: Kinshchak is in no Kalın story.
    choices = page.locator("#filter-actor option").all_inner_texts()
    assert "Ibrahim Kalın" in choices and "Alexander Kinshchak" not in choices


def test_without_javascript_the_page_points_to_the_indexes(browser, serve, sample_public):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(serve(sample_public) + "/ar/search/?q=قالن")
    note = page.locator(".search-noscript")
    assert note.is_visible()
    assert note.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))") == \
        ["/ar/actors/", "/ar/countries/"]
    context.close()


def test_nothing_from_the_index_runs_as_html(browser, serve, tmp_path):
    evil = "<img src=x onerror='window.__pwned=1'>"
    root = write_site(tmp_path / "site", {
        **ACTORS,
        "content/articles/a.en.md": article(f"Kalin {evil}", actors='["ibrahim-kalin"]',
                                            body=f"Kalin said &lt;script&gt;window.__pwned=2&lt;/script&gt; {evil}"),
        "content/actors/evil.md": '---\nname: {ar: "شرير", en: "Evil <b onmouseover=alert(1)>x</b>"}\n---\n',
    })
    public = build(root).output
    page = browser.new_context().new_page()
    page.goto(serve(public) + "/en/search/?q=Kalin")
    results_for(page, "Kalin")
    assert page.evaluate("window.__pwned") is None
    assert page.locator(f"{RESULTS} img, {RESULTS} script, {RESULTS} b").count() == 0
    assert "<img" in page.locator(f"{RESULTS} a.result-title").first.inner_text()
    page.goto(page.url.replace("Kalin", "Evil"))
    results_for(page, "Evil")
    assert "<b onmouseover" in page.locator(RESULTS).inner_text()
    assert page.locator(f"{RESULTS} b").count() == 0


def test_search_page_has_no_accessibility_violations(browser, serve, sample_public):
    from axe_playwright_python.sync_playwright import Axe
    base = serve(sample_public)
    found = []
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        for lang, query in (("ar", "قالن"), ("en", "Libya"), ("en", "")):
            page.goto(f"{base}/{lang}/search/?q={query}")
            results_for(page, query)
            found += [f"{scheme} {lang} {v['id']}: {[n['target'] for n in v['nodes']][:3]}"
                      for v in Axe().run(page).response["violations"]]
        context.close()
    assert found == []


def test_browser_normaliser_matches_python_on_every_vector(reader):
    """The shared vectors (tests/vectors/search.tsv) through the runtime the build wrote."""
    base, page, _ = reader
    page.goto(f"{base}/ar/search/")
    rows = [line.split("\t") for line in VECTORS.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    got = page.evaluate("""inputs => inputs.map(text => nashraSearch.tokens(text).map(t =>
        `${t.folded}|${nashraSearch.cliticBases(t.folded).join(",")}|${nashraSearch.shardKey(t.folded)}|` +
        `${nashraSearch.lightStem(t.folded)}`).join(" "))""", [text for text, _ in rows])
    wrong = [(text, expected, actual) for (text, expected), actual in zip(rows, got) if expected != actual]
    assert len(rows) >= 2000 and wrong == []


def test_queries_fold_like_python_for_unusual_text(reader):
    """Beyond the vectors: presentation forms, fullwidth Latin, Persian letters, joiners and odd spaces."""
    from nashra import arabic
    base, page, _ = reader
    page.goto(f"{base}/en/search/")
    samples = ["ﻹبراهيم ﻗﺎﻟﻦ", "ＫＡＬＩＮ", "ی ک ہ", "عبد\u00a0الله", "عبد\u2003الله", "Straße Œuvre", "ع‌بد", "٢٠٢٤ ۱۹"]
    got = page.evaluate("s => s.map(x => nashraSearch.tokens(x).map(t => t.folded).join(' '))", samples)
    assert got == [" ".join(t.folded for t in arabic.tokens(s)) for s in samples]
    assert re.fullmatch(r"[\w ]+", got[1])


def test_title_matches_first_then_newer_stories_on_ties(browser, serve, tmp_path):
    root = write_site(tmp_path / "site", {
        **ACTORS,
        "content/articles/old-body.en.md": article("Talks in Rome", date="2023-01-05", body="The ceasefire was discussed."),
        "content/articles/new-body.en.md": article("Talks in Cairo", date="2025-03-01", body="The ceasefire was discussed."),
        "content/articles/mid-body.en.md": article("Talks in Tunis", date="2024-06-10", body="The ceasefire was discussed."),
        "content/articles/old-title.en.md": article("Ceasefire agreed", date="2022-02-02", body="Both sides signed."),
    })
    page = browser.new_context().new_page()
    page.goto(serve(build(root).output) + "/en/search/?q=ceasefire")
    assert results_for(page, "ceasefire")["articles"] == ["old-title", "new-body", "mid-body", "old-body"]
