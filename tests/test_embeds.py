"""Embed views, their oEmbed answers and the framing rules, on built sites."""

from __future__ import annotations

import json

from lxml import html as lxml_html

from nashra.build import build

from helpers import ACTORS, REPO, article, broken_links, header_rules, page

OEMBED_RICH = {"type": str, "version": str, "html": str, "width": int, "height": int, "title": str,
               "provider_name": str, "provider_url": str, "cache_age": int}


def test_every_embeddable_page_has_a_valid_oembed_answer_and_discovery_link(tmp_path):
    public = build(REPO, tmp_path / "public").output
    pages = [p.parent for p in public.glob("*/articles/*/index.html")] + \
            [p.parent for p in public.glob("*/actors/*/index.html")] + \
            [p.parent for p in public.glob("*/countries/*/index.html")]
    assert len(pages) == 2 * (9 + 31 + 7)
    for folder in pages:
        url = "/" + folder.relative_to(public).as_posix() + "/"
        answer = json.loads((folder / "oembed.json").read_text(encoding="utf-8"))
        for field, kind in OEMBED_RICH.items():
            assert isinstance(answer[field], kind), (url, field)
        assert answer["type"] == "rich" and answer["version"] == "1.0"
        assert answer["width"] > 0 and answer["height"] > 0 and answer["cache_age"] > 0
        assert answer["provider_url"] == "https://nashra.netlify.app/"
        frame = lxml_html.fragment_fromstring(answer["html"], create_parent="div").find("iframe")
        assert frame.get("src") == f"https://nashra.netlify.app{url}embed/"
        assert frame.get("data-nashra-embed") is not None and int(frame.get("height")) == answer["height"]
        assert (folder / "embed" / "index.html").is_file()
        full = page(public, url)
        links = full.xpath('//link[@rel="alternate"][@type="application/json+oembed"]')
        assert [link.get("href") for link in links] == [f"https://nashra.netlify.app{url}oembed.json"]
        control = full.find_class("embed-control")[0]
        assert control.find(".//textarea").text == answer["html"]       # the same snippet, shown to copy
    assert broken_links(public) == []


def test_embed_views_have_no_chrome_open_links_on_top_and_are_not_indexed(tmp_path):
    public = build(REPO, tmp_path / "public").output
    for url, lang, direction in (("ar/actors/ibrahim-kalin/embed/", "ar", "rtl"),
                                 ("en/articles/lafi-koni-meet-kalin/embed/", "en", "ltr"),
                                 ("ar/countries/ru/embed/", "ar", "rtl")):
        view = page(public, url)
        assert view.get("lang") == lang and view.get("dir") == direction
        assert view.xpath('//meta[@name="robots"]/@content') == ["noindex"]
        assert view.xpath('//link[@rel="canonical"]/@href') == [f"https://nashra.netlify.app/{url[:-len('embed/')]}"]
        assert not view.find_class("site-header") and not view.xpath("//nav") and not view.xpath("//form")
        links = view.xpath("//a[@href]")
        assert links and all(a.get("target") == "_top" for a in links)
    russia = page(public, "ar/countries/ru/embed/")
    assert len(russia.find_class("card-list")[0].findall("li")) == 4       # the latest stories


def test_embeds_follow_the_base_path(tmp_path):
    public = build(REPO, tmp_path / "public", base_url="https://user.github.io/project").output
    answer = json.loads((public / "ar/actors/ibrahim-kalin/oembed.json").read_text(encoding="utf-8"))
    assert 'src="https://user.github.io/project/ar/actors/ibrahim-kalin/embed/"' in answer["html"]
    assert 'src="https://user.github.io/project/js/embed-loader.js"' in answer["html"]
    rules = header_rules((public / "_headers").read_text(encoding="utf-8"))
    framing = [h["Content-Security-Policy"].rpartition("; ")[2] for pattern, h in rules
               if pattern.match("/project/ar/actors/x/embed/") and "Content-Security-Policy" in h]
    assert framing == ["frame-ancestors *"]
    framing = [h["Content-Security-Policy"].rpartition("; ")[2] for pattern, h in rules
               if pattern.match("/project/") and "Content-Security-Policy" in h]
    assert framing == ["frame-ancestors 'self'"]
    assert not any(pattern.match("/ar/actors/x/embed/") for pattern, _ in rules)
    assert broken_links(public, "/project") == []


def test_names_in_snippets_are_escaped_and_sites_override_embed_templates(make_site):
    root = make_site({
        **ACTORS,
        "content/articles/a.en.md": article('Talks \\"quoted\\" <b>bold</b>', actors='["ibrahim-kalin"]'),
        "templates/embed/actor.html": '{% extends "embed/base.html" %}{% block card %}<p class="mine">{{ title }}</p>'
                                      '{% endblock %}',
    })
    public = build(root).output
    answer = json.loads((public / "en/articles/a/oembed.json").read_text(encoding="utf-8"))
    assert 'title="Talks &quot;quoted&quot; &lt;b&gt;bold&lt;/b&gt;"' in answer["html"]
    assert "<b>" not in answer["html"]
    assert page(public, "en/actors/ibrahim-kalin/embed/").find_class("mine")[0].text == "Ibrahim Kalın"
