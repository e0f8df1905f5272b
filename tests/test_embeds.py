"""Embed views, their oEmbed answers and the framing rules, on built sites."""

from __future__ import annotations

import json
import tomllib

from lxml import html as lxml_html

from nashra import embed
from nashra.build import build

from helpers import ACTORS, REPO, article, broken_links, header_rules, headers_for, page

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


def test_framing_rules_are_the_same_in_headers_file_and_netlify_toml(tmp_path):
    public = build(REPO, tmp_path / "public").output
    rules = header_rules((public / "_headers").read_text(encoding="utf-8"))
    config = tomllib.loads((REPO / "netlify.toml").read_text(encoding="utf-8"))
    toml_rules = [(rule["for"], rule["values"]) for rule in config["headers"] if "frame-ancestors" in str(rule)
                  or rule["for"].endswith("oembed.json")]
    assert toml_rules == [(path, values) for path, values in embed.HEADER_RULES]
    # Every page matches exactly one framing rule (hosts differ on overlapping ones): * for embeds, 'self' else.
    pages = sorted(public.rglob("index.html"))
    assert len(pages) == 199
    for file in pages:
        path = "/" + file.parent.relative_to(public).as_posix().strip(".") + "/"
        path = path.replace("//", "/")
        framing = [h for pattern, h in rules if pattern.match(path) and "Content-Security-Policy" in h]
        wanted = "frame-ancestors *" if path.endswith("/embed/") else "frame-ancestors 'self'"
        assert [h["Content-Security-Policy"] for h in framing] == [wanted], path
    assert headers_for(rules, "/en/countries/ru/oembed.json")["Access-Control-Allow-Origin"] == "*"


def test_embeds_follow_the_base_path(tmp_path):
    public = build(REPO, tmp_path / "public", base_url="https://user.github.io/project").output
    answer = json.loads((public / "ar/actors/ibrahim-kalin/oembed.json").read_text(encoding="utf-8"))
    assert 'src="https://user.github.io/project/ar/actors/ibrahim-kalin/embed/"' in answer["html"]
    assert 'src="https://user.github.io/project/js/embed-loader.js"' in answer["html"]
    rules = header_rules((public / "_headers").read_text(encoding="utf-8"))
    assert [h["Content-Security-Policy"] for pattern, h in rules if pattern.match("/project/ar/actors/x/embed/")] \
        == ["frame-ancestors *"]
    assert [h["Content-Security-Policy"] for pattern, h in rules if pattern.match("/project/")] \
        == ["frame-ancestors 'self'"]
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
