"""Embedded cards on another origin, in headless Chromium: sized to their content, in their direction,
opening the full page in the top window; a normal page framed elsewhere is refused by the host headers."""

from __future__ import annotations

import json

from nashra.build import build
from nashra.embed import HEIGHT

from conftest import REPO

EMBEDS = (("ar/actors/ibrahim-kalin/", "rtl"), ("en/articles/lafi-koni-meet-kalin/", "ltr"), ("ar/countries/ru/", "rtl"))


def partner_site(tmp_path, serve, body) -> tuple[str, str]:
    """The sample site built for and served on one origin (with its _headers), and a partner page on another
    whose <body> is body(snippet_of, site): snippet_of(path) is the embed code of a page, from its oEmbed."""
    public = tmp_path / "public"
    public.mkdir()
    site = serve(public, host_headers=True)
    build(REPO, public, base_url=site)

    def snippet_of(path: str) -> str:
        return json.loads((public / path / "oembed.json").read_text(encoding="utf-8"))["html"]

    host = tmp_path / "host"
    host.mkdir()
    (host / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Partner</title>'
        f'<link rel="icon" href="data:,"></head><body>{body(snippet_of, site)}</body></html>', encoding="utf-8")
    return site, serve(host)


def three_cards(snippet_of, site) -> str:
    return '<h1>A partner blog</h1><div style="width:600px">' + "\n".join(snippet_of(p) for p, _ in EMBEDS) + "</div>"


def test_cards_on_another_origin_fit_their_content_and_open_the_full_page(browser, serve, tmp_path):
    site, host = partner_site(tmp_path, serve, three_cards)
    assert site.rsplit(":", 1)[1] != host.rsplit(":", 1)[1]                   # two origins
    page = browser.new_context().new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(host + "/")
    page.wait_for_function("[...document.querySelectorAll('iframe[data-nashra-embed]')]"
                           ".every(f => f.style.height)")
    frames = page.locator("iframe[data-nashra-embed]")
    assert frames.count() == 3
    heights = []
    for i, (path, direction) in enumerate(EMBEDS):
        frame = page.frames[i + 1]
        assert frame.url == f"{site}/{path}embed/"
        content = frame.evaluate("Math.ceil(document.body.getBoundingClientRect().height)")
        shown = frames.nth(i).evaluate("f => f.getBoundingClientRect().height")
        assert abs(shown - content) <= 2, (path, shown, content)
        assert frame.evaluate("document.documentElement.scrollHeight") <= shown + 2    # nothing cut off
        assert frame.evaluate("document.documentElement.dir") == direction
        heights.append(shown)
    assert heights[0] != HEIGHT["actor"]
    # A message from anyone but the microsite, or of the wrong shape, changes nothing.
    page.evaluate("window.postMessage({type: 'nashra:embed', version: 1, height: 7}, '*')")
    page.frames[1].evaluate("parent.postMessage({type: 'nashra:embed', height: 9}, '*')")
    page.wait_for_timeout(300)
    assert [frames.nth(i).evaluate("f => f.getBoundingClientRect().height") for i in range(3)] == heights
    # The card's link opens the full page in the top window, not inside the frame.
    page.frames[1].locator(".card-title a").click()
    page.wait_for_url(f"{site}/ar/actors/ibrahim-kalin/")
    assert page.locator("h1").inner_text() == "إبراهيم قالن"
    assert errors == []


def test_without_javascript_cards_keep_a_sensible_height(browser, serve, tmp_path):
    _, host = partner_site(tmp_path, serve, three_cards)
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(host + "/")
    page.wait_for_load_state("load")
    frames = page.locator("iframe[data-nashra-embed]")
    assert [round(frames.nth(i).bounding_box()["height"]) for i in range(3)] == \
        [HEIGHT["actor"], HEIGHT["article"], HEIGHT["country"]]


def test_a_normal_page_framed_elsewhere_is_refused(browser, serve, tmp_path):
    _, host = partner_site(tmp_path, serve, lambda snippet_of, site:
                           f'<iframe src="{site}/en/"></iframe><iframe src="{site}/en/actors/ibrahim-kalin/embed/"></iframe>')
    page = browser.new_context().new_page()
    refusals = []
    page.on("console", lambda m: refusals.append(m.text) if "frame-ancestors" in m.text else None)
    page.goto(host + "/")
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    normal, card = page.frames[1], page.frames[2]
    assert card.locator(".card-title").inner_text() == "Ibrahim Kalın"
    assert normal.url.startswith("chrome-error:")                              # the browser refused it
    assert any("frame-ancestors 'self'" in text for text in refusals)


def test_cards_read_well_280_pixels_wide(browser, serve, tmp_path):
    _, host = partner_site(tmp_path, serve, lambda snippet_of, site:
                           "".join(f'<div style="width:280px">{snippet_of(p)}</div>' for p, _ in EMBEDS))
    page = browser.new_context().new_page()
    page.goto(host + "/")
    page.wait_for_function("[...document.querySelectorAll('iframe')].every(f => f.style.height)")
    for frame in page.frames[1:]:
        assert frame.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), frame.url
        assert frame.evaluate("document.documentElement.clientWidth") == 280


def test_a_loader_that_starts_after_the_cards_loaded_still_sizes_them(browser, serve, tmp_path):
    """The loader is async: cards can load and report before it listens. It asks them again."""
    def late_loader(snippet_of, site) -> str:
        frames = "".join(snippet_of(p).split("<script")[0].replace('loading="lazy" ', "") for p, _ in EMBEDS)
        return f'<div style="width:600px">{frames}</div><p id="loader-src" hidden>{site}/js/embed-loader.js</p>'
    _, host = partner_site(tmp_path, serve, late_loader)
    page = browser.new_context().new_page()
    page.goto(host + "/")
    page.wait_for_load_state("load")                       # every card has loaded and reported to no one
    assert page.evaluate("[...document.querySelectorAll('iframe')].every(f => !f.style.height)")
    page.evaluate("() => { const s = document.createElement('script'); "
                  "s.src = document.getElementById('loader-src').textContent; document.body.append(s); }")
    page.wait_for_function("() => [...document.querySelectorAll('iframe[data-nashra-embed]')].every(f => f.style.height)",
                           timeout=10_000)
    heights = page.evaluate("[...document.querySelectorAll('iframe')].map(f => f.getBoundingClientRect().height)")
    assert all(h not in (HEIGHT["article"], HEIGHT["actor"]) for h in heights), heights
