"""`nashra serve` in Chromium: saves show up on the open page by themselves, a broken save shows its error
over the last good page, a stylesheet change is swapped in place, and quick saves each show up."""

from __future__ import annotations

import shutil

import pytest

from helpers import REPO, Served

ARTICLE = "ar/articles/lafi-koni-meet-kalin/"


@pytest.fixture
def preview(tmp_path, browser):
    """The sample site served by `nashra serve`, its Arabic article open in a tab connected for reloads."""
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    shutil.copy(REPO / "site.toml", site / "site.toml")
    server = Served(site)
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    context.add_init_script("document.addEventListener('securitypolicyviolation', "
                            "e => console.error('CSP violation: ' + e.violatedDirective));")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if "CSP" in m.text or "Content Security" in m.text else None)
    connect(page, server.address + ARTICLE)
    yield server, page, site / "content" / "articles" / "lafi-koni-meet-kalin.ar.md"
    context.close()
    assert server.stop() == 0
    assert errors == []


def connect(page, url: str) -> None:
    """Open `url` and wait until livereload's socket has shaken hands with the server."""
    with page.expect_websocket() as socket_info:
        page.goto(url)
    socket = socket_info.value
    socket.wait_for_event("framereceived", predicate=lambda frame: '"hello"' in str(frame), timeout=10_000)


def shows(page, text: str, timeout: float = 10_000) -> None:
    page.wait_for_function("text => document.body && document.body.innerText.includes(text)", arg=text,
                           timeout=timeout)


def test_a_save_shows_on_the_open_page_and_a_broken_save_shows_its_error(preview):
    server, page, story = preview
    good = story.read_text(encoding="utf-8")
    assert page.locator("html").get_attribute("dir") == "rtl"

    story.write_text(good + "\nوأكد الجانبان أهمية مواصلة التنسيق.\n", encoding="utf-8")
    shows(page, "وأكد الجانبان أهمية مواصلة التنسيق.")
    assert page.url == server.address + ARTICLE

    broken = good.replace("title:", "title: [", 1) + "\nجملة لن تظهر.\n"
    story.write_text(broken, encoding="utf-8")
    panel = page.locator("#nashra-build-error")
    panel.wait_for(timeout=10_000)
    assert panel.get_attribute("role") == "alert"
    # Over the whole page, styled by a file the site's Content-Security-Policy allows.
    panel.locator("pre").wait_for()
    page.wait_for_function("() => getComputedStyle(document.getElementById('nashra-build-error')).position === 'fixed'")
    assert panel.bounding_box()["height"] == 800
    assert "تعذّر بناء الموقع" in panel.inner_text()
    assert "content/articles/lafi-koni-meet-kalin.ar.md:3: front matter is not valid YAML" in panel.inner_text()
    assert page.locator("pre", has_text="front matter").get_attribute("dir") == "ltr"
    assert "وأكد الجانبان أهمية مواصلة التنسيق." in page.locator("main").inner_text()   # the last good page
    assert "جملة لن تظهر" not in page.locator("main").inner_text()

    story.write_text(good + "\nوبعد الإصلاح عادت الصفحة.\n", encoding="utf-8")
    shows(page, "وبعد الإصلاح عادت الصفحة.")
    assert page.locator("#nashra-build-error").count() == 0
    assert "وأكد الجانبان أهمية مواصلة التنسيق." not in page.locator("main").inner_text()


def test_quick_saves_each_show_up(preview):
    _, page, story = preview
    good = story.read_text(encoding="utf-8")
    for n in range(1, 5):                        # each save right after the last one appeared
        sentence = f"تحديث رقم {n} للخبر."
        story.write_text(good + f"\n{sentence}\n", encoding="utf-8")
        shows(page, sentence, timeout=5_000)


def test_a_stylesheet_change_is_swapped_without_reloading(preview):
    server, page, _ = preview
    page.evaluate("window.__sameDocument = 'yes'")
    stylesheet = server.site / "static" / "css" / "nashra.css"
    stylesheet.parent.mkdir(parents=True)
    theme_css = (REPO / "themes" / "default" / "static" / "css" / "nashra.css").read_text(encoding="utf-8")
    stylesheet.write_text(theme_css + "\nbody { outline: 3px solid rgb(1, 2, 3); }\n", encoding="utf-8")
    page.wait_for_function("() => getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)'", timeout=10_000)
    assert page.evaluate("window.__sameDocument") == "yes"


def test_a_new_article_replaces_the_404_page_it_was_missing_from(preview):
    server, page, story = preview
    connect(page, server.address + "ar/articles/brand-new-story/")
    assert "الصفحة غير موجودة" in page.locator("h1").inner_text()
    new = story.with_name("brand-new-story.ar.md")
    new.write_text(story.read_text(encoding="utf-8").replace("title:", 'title: "خبر جديد تماما"\n#', 1),
                   encoding="utf-8")
    page.locator("h1", has_text="خبر جديد تماما").wait_for(timeout=10_000)
