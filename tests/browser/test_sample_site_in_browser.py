"""The sample site as a reader sees it, in headless Chromium."""

from __future__ import annotations

import pytest

def test_language_switcher_from_arabic_article_to_english(reader):
    base, page, problems = reader
    page.goto(f"{base}/ar/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    # Open the newest Arabic story that has a translation, as a reader would: by clicking it.
    page.locator("ol.story-list .story-title a[href^='/ar/articles/']").first.click()
    page.wait_for_load_state("networkidle")
    assert "/ar/articles/" in page.url
    slug = page.url.rstrip("/").rsplit("/", 1)[1]
    arabic_title = page.locator("h1").inner_text()
    assert page.locator("html").get_attribute("lang") == "ar"

    page.get_by_role("navigation", name="اللغة").get_by_role("link", name="English").click()
    page.wait_for_load_state("networkidle")
    assert page.url == f"{base}/en/articles/{slug}/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("h1").inner_text() not in ("", arabic_title)
    # The page is laid out left-to-right: the title starts at the left edge of the content.
    box = page.locator("h1").bounding_box()
    assert box["x"] < 200

    page.get_by_role("navigation", name="Language").get_by_role("link", name="العربية").click()
    page.wait_for_load_state("networkidle")
    assert page.url == f"{base}/ar/articles/{slug}/"
    assert page.locator("h1").inner_text() == arabic_title
    assert problems == []


def test_arabic_pages_run_right_to_left_and_fit_a_phone(reader):
    base, page, problems = reader
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/ar/", "/ar/actors/ibrahim-kalin/", "/ar/countries/ru/", "/en/actors/", "/en/countries/",
                 "/ar/articles/lafi-koni-meet-kalin/", "/ar/search/?q=قالن", "/en/search/?q=Libya"):
        page.goto(base + path, wait_until="load")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} scrolls sideways: {width}px"
    page.goto(base + "/ar/actors/ibrahim-kalin/")
    h1 = page.locator("h1").bounding_box()
    assert h1["x"] + h1["width"] > 250        # right-aligned heading in RTL
    assert problems == []


def test_keyboard_skip_link_and_visible_focus(reader):
    base, page, problems = reader
    page.goto(base + "/en/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0     # visible when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert problems == []


def test_every_page_of_the_sample_site_loads_cleanly(reader, sample_public):
    base, page, problems = reader
    pages = sorted(sample_public.rglob("index.html"))
    for file in pages:
        folder = file.parent.relative_to(sample_public).as_posix()
        page.goto(f"{base}/{folder}/" if folder != "." else f"{base}/", wait_until="load")
    assert len(pages) > 50
    assert problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_accessibility_violations(browser, serve, sample_public, scheme):
    """axe-core (the engine behind Lighthouse's accessibility audit): contrast, landmarks, names, headings."""
    from axe_playwright_python.sync_playwright import Axe
    base = serve(sample_public)
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    found = []
    for path in ("/ar/", "/en/", "/ar/articles/lafi-koni-meet-kalin/", "/en/articles/russian-libyan-business-mou-benghazi/",
                 "/ar/actors/ibrahim-kalin/", "/en/actors/", "/ar/countries/ru/", "/en/countries/", "/ar/about/",
                 "/ar/actors/ibrahim-kalin/embed/", "/en/articles/lafi-koni-meet-kalin/embed/", "/ar/countries/ru/embed/"):
        page.goto(base + path)
        for violation in Axe().run(page).response["violations"]:
            found.append(f"{path} {violation['id']}: {[n['target'] for n in violation['nodes']][:3]}")
    context.close()
    assert found == []


def test_article_prints_without_navigation(reader):
    base, page, problems = reader
    page.goto(base + "/en/articles/lafi-koni-meet-kalin/")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".related").is_visible()
    assert page.locator(".article-body").is_visible()
    assert page.locator("h1").is_visible()
