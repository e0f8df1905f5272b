"""Publishing: host rules (netlify.toml, _headers, _redirects), fingerprinted assets, any base path, feeds,
the sitemap, robots.txt and the head's meta for link previews and search engines. Real builds, read back."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tomllib
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse
from xml.etree import ElementTree as ET

import pytest

from nashra import hosting, markup, seo
from nashra.build import build
from nashra.errors import BuildError
from nashra.urls import Urls

from helpers import ACTORS, REPO, article, broken_links, header_rules, headers_for, page, tree, write_site

SAMPLE_URL = "https://nashra.netlify.app"
PREFIX_URL = "https://user.github.io/project"
ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    return build(REPO, tmp_path_factory.mktemp("sample") / "public").output


@pytest.fixture(scope="module")
def prefixed(tmp_path_factory) -> Path:
    return build(REPO, tmp_path_factory.mktemp("prefixed") / "public", base_url=PREFIX_URL).output


def url_path(public: Path, file: Path) -> str:
    """The address a host serves `file` at: folders with a trailing slash."""
    relative = file.relative_to(public).as_posix()
    return "/" + (relative[:-len("index.html")] if relative.endswith("index.html") else relative)


def html_pages(public: Path) -> list[Path]:
    return sorted(public.rglob("*.html"))


# --- hosts ----------------------------------------------------------------------------------------------

def test_netlify_toml_builds_the_site_and_has_the_rules_nashra_writes(sample):
    config = tomllib.loads((REPO / "netlify.toml").read_text(encoding="utf-8"))
    assert config["build"]["publish"] == "public"
    assert "pip install ." in config["build"]["command"] and "nashra build" in config["build"]["command"]
    assert config["build"]["environment"]["PYTHON_VERSION"].startswith("3.1")
    assert [(r["for"], r["values"]) for r in config["headers"]] == hosting.header_rules(("ar", "en"))
    redirects = [(r["from"], r["to"], r["status"], r.get("force", False), r.get("conditions", {}))
                 for r in config["redirects"]]
    assert redirects == hosting.redirect_rules(Urls(SAMPLE_URL), ("ar", "en"))
    # The build's own files say the same for other hosts.
    rules = header_rules((sample / "_headers").read_text(encoding="utf-8"))
    assert len(rules) == len(config["headers"])


# Netlify's own cache library, which hands build plugins `utils.cache`: from npm, installed by .ci/run.
CACHE_UTILS = Path(os.environ.get("NASHRA_NETLIFY_CACHE_UTILS")
                   or Path.home() / ".cache/nashra/netlify/node_modules/@netlify/cache-utils/lib/main.js")
# What Netlify does with a build plugin, in short: each event handler called with utils.cache, in the build's folder.
RUN_PLUGIN = """
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
const [event, folder, cacheDir, cacheUtils, plugin] = process.argv.slice(2)
const { bindOpts } = await import(pathToFileURL(cacheUtils))
process.chdir(folder)
await createRequire(import.meta.url)(plugin)[event]({ utils: { cache: bindOpts({ cacheDir, cwd: folder }) } })
"""


def test_the_netlify_plugin_keeps_the_build_cache_from_one_deploy_to_the_next(tmp_path, monkeypatch):
    """netlify.toml's plugin saves .nashra-cache/ after a deploy's build and restores it into the next deploy's
    fresh clone: there, only the edited article's Markdown is rendered, and the output is a cold build's."""
    node = shutil.which("node")
    if node is None or not CACHE_UTILS.is_file():
        install = 'npm install --prefix "$HOME/.cache/nashra/netlify" @netlify/cache-utils@6.0.5, or set NASHRA_NETLIFY_CACHE_UTILS'
        if os.environ.get("CI"):
            pytest.fail(f"CI must install node and Netlify's cache library: {install}")
        pytest.skip(f"needs node and Netlify's cache library: {install}")
    config = tomllib.loads((REPO / "netlify.toml").read_text(encoding="utf-8"))
    plugin = REPO / config["plugins"][0]["package"] / "index.js"
    (tmp_path / "run.mjs").write_text(RUN_PLUGIN, encoding="utf-8")
    repo, cache = tmp_path / "repo", tmp_path / "netlify-cache"    # Netlify clones into the same folder each time

    def deploy(files: dict[str, str]) -> str:
        shutil.rmtree(repo, ignore_errors=True)
        write_site(repo, files)
        restored = subprocess.run([node, tmp_path / "run.mjs", "onPreBuild", repo, cache, CACHE_UTILS, plugin],
                                  capture_output=True, text=True, check=True).stdout
        build(repo, repo / "public")
        subprocess.run([node, tmp_path / "run.mjs", "onPostBuild", repo, cache, CACHE_UTILS, plugin], check=True)
        return restored

    rendered = []
    render_with_text = markup.Markup.render_with_text
    monkeypatch.setattr(markup.Markup, "render_with_text",
                        lambda self, text, table: rendered.append(text) or render_with_text(self, text, table))
    files = {f"content/articles/s{i:02d}.{lang}.md": article(f"خبر {i}" if lang == "ar" else f"Story {i}",
                                                            date=f"2025-01-{i:02d}", actors="[ibrahim-kalin]",
                                                            body=f"قالن {i}. Kalin {i}.")
             for i in range(1, 5) for lang in ("ar", "en")}
    assert "no .nashra-cache/ yet" in deploy(files) and len(rendered) == 8
    rendered.clear()
    files["content/articles/s03.en.md"] = files["content/articles/s03.en.md"].replace("Kalin 3.", "Kalin 9.")
    assert "restored .nashra-cache/" in deploy(files)
    assert rendered == ["قالن 3. Kalin 9.\n"]             # of the 8 Markdown bodies
    assert tree(repo / "public") == tree(build(repo, tmp_path / "cold", cache=False).output)


def test_every_file_gets_each_header_from_one_rule_at_most(sample):
    """Hosts merge overlapping rules differently, so no header may come from two rules for one path."""
    rules = header_rules((sample / "_headers").read_text(encoding="utf-8"))
    files = [p for p in sample.rglob("*") if p.is_file()]
    assert len(files) > 500
    for file in files:
        path = url_path(sample, file)
        named = [name for pattern, headers in rules if pattern.match(path) for name in headers]
        assert len(named) == len(set(named)), path
        sent = headers_for(rules, path)
        assert sent["X-Content-Type-Options"] == "nosniff", path
        assert sent["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "camera=()" in sent["Permissions-Policy"]
        if file.suffix == ".html":
            policy = sent["Content-Security-Policy"]
            assert policy.startswith("default-src 'self'") and "object-src 'none'" in policy, path
            framing = "frame-ancestors *" if path.endswith("/embed/") else "frame-ancestors 'self'"
            assert policy.endswith(framing), path
            assert sent["Cache-Control"] == "public, max-age=0, must-revalidate", path
        if path.startswith(("/assets/", "/search/")):
            assert sent["Cache-Control"] == "public, max-age=31536000, immutable", path
    assert headers_for(rules, "/js/embed-loader.js")["Cache-Control"] == "public, max-age=3600"
    assert headers_for(rules, "/ar/actors/ibrahim-kalin/feed.xml")["Cache-Control"] == "public, max-age=600"


def test_redirects_send_root_by_language_and_missing_pages_to_their_404(sample):
    lines = [line.split() for line in (sample / "_redirects").read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    assert lines[:3] == [["/", "/ar/", "302!", "Language=ar"], ["/", "/en/", "302!", "Language=en"],
                         ["/", "/ar/", "302!"]]
    assert lines[3:] == [["/ar/*", "/ar/404.html", "404"], ["/en/*", "/en/404.html", "404"],
                         ["/*", "/ar/404.html", "404"]]
    for target in ("ar/404.html", "en/404.html"):
        doc = page(sample, target)
        assert doc.xpath('//meta[@name="robots"]/@content') == ["noindex"]
    # One 404 page for hosts that have only one (GitHub Pages): every language, each in its direction.
    lost = page(sample, "404.html")
    assert [(a.get("lang"), a.get("dir")) for a in lost.xpath("//article")] == [("ar", "rtl"), ("en", "ltr")]
    assert lost.xpath("//article[@lang='en']//a/@href") == ["/en/", "/en/search/"]


def test_the_root_page_works_without_redirects(sample):
    root = page(sample, "")
    assert root.xpath("//noscript/meta/@content") == ["0; url=/ar/"]
    assert root.xpath("//ul[@class='root-languages']//a/@hreflang") == ["ar", "en"]
    (script,) = root.xpath("//script/@src")
    assert re.fullmatch(r"/assets/js/language\.[0-9a-f]{10}\.js", script) and (sample / script[1:]).is_file()


# --- fingerprints ---------------------------------------------------------------------------------------

def test_pages_link_fingerprinted_stylesheets_and_scripts(sample):
    linked = set()
    for file in html_pages(sample):
        doc = page(sample, str(file.relative_to(sample)))
        linked |= {u for u in doc.xpath("//link[@rel='stylesheet']/@href | //script/@src")}
    assert linked and all(u.startswith(("/assets/", "/search/")) for u in linked), linked
    for url in linked - {u for u in linked if u.startswith("/search/")}:
        name = re.fullmatch(r"/assets/(.+)\.([0-9a-f]{10})(\.css|\.js)", url)
        data = (sample / url[1:]).read_bytes()
        assert hashlib.blake2b(data, digest_size=5).hexdigest() == name.group(2)
        assert (sample / (name.group(1) + name.group(3))).read_bytes() == data   # the plain copy stays
    # The snippet partners paste keeps the loader's address.
    assert not list((sample / "assets").rglob("embed-loader*"))
    answer = json.loads((sample / "ar/actors/ibrahim-kalin/oembed.json").read_text(encoding="utf-8"))
    assert f'src="{SAMPLE_URL}/js/embed-loader.js"' in answer["html"]


def test_a_changed_stylesheet_gets_a_new_name(make_site, tmp_path):
    root = make_site({"content/articles/a.ar.md": article("خبر")})
    first = page(build(root, tmp_path / "one").output, "ar").xpath("//link[@rel='stylesheet']/@href")
    (root / "static/css").mkdir(parents=True)
    (root / "static/css/nashra.css").write_text("body { color: red }", encoding="utf-8")
    second = page(build(root, tmp_path / "two").output, "ar").xpath("//link[@rel='stylesheet']/@href")
    assert first != second and all(u.startswith("/assets/css/nashra.") for u in first + second)


# --- any base path --------------------------------------------------------------------------------------

def test_every_reference_respects_the_base_path(prefixed):
    assert broken_links(prefixed, "/project") == []
    origin = "https://user.github.io"
    absolute = re.compile(r"https?://[^\s\"'<>)]+")
    checked = 0
    for file in prefixed.rglob("*"):
        if not file.is_file() or file.suffix not in (".html", ".xml", ".json", ".txt"):
            continue
        if file.relative_to(prefixed).parts[0] == "search":
            continue                  # the index holds no addresses but its own (test_search_index checks them)
        text = file.read_text(encoding="utf-8")
        for url in absolute.findall(text):
            parsed = urlparse(url)
            if parsed.netloc in ("user.github.io",):
                assert parsed.path.startswith("/project/"), (file, url)
                checked += 1
        if file.suffix == ".html":
            doc = page(prefixed, str(file.relative_to(prefixed)))
            for link in doc.xpath("//@href | //@src | //@action"):
                if not urlparse(link).scheme and not link.startswith("#"):
                    assert link.startswith("/project/"), (file, link)
    assert checked > 1000
    # Addresses in the feeds, the sitemap and robots.txt lead to files of the build.
    for loc in sitemap_locs(prefixed) + [sitemap_address(prefixed)]:
        assert loc.startswith(PREFIX_URL + "/")
        assert served_file(prefixed, urlparse(loc).path, "/project").is_file(), loc
    feed = ET.parse(prefixed / "en/feed.xml").getroot()
    for link in feed.iter(f"{ATOM}link"):
        assert served_file(prefixed, urlparse(link.get("href")).path, "/project").is_file()
    assert f"Sitemap: {origin}/project/sitemap.xml" in (prefixed / "robots.txt").read_text(encoding="utf-8")
    rules = header_rules((prefixed / "_headers").read_text(encoding="utf-8"))
    assert headers_for(rules, "/project/assets/css/x.css")["Cache-Control"].endswith("immutable")
    assert (prefixed / "_redirects").read_text(encoding="utf-8").splitlines()[1].split() == \
        ["/project/", "/project/ar/", "302!", "Language=ar"]


def served_file(public: Path, path: str, base_path: str = "") -> Path:
    assert path.startswith(base_path + "/"), path
    target = public / path[len(base_path) + 1:]
    return target / "index.html" if path.endswith("/") else target


def sitemap_address(public: Path) -> str:
    text = (public / "robots.txt").read_text(encoding="utf-8")
    return re.search(r"^Sitemap: (\S+)$", text, re.M).group(1)


def sitemap_locs(public: Path) -> list[str]:
    return [loc.text for loc in ET.parse(public / "sitemap.xml").getroot().iter(f"{SM}loc")]


# --- feeds ----------------------------------------------------------------------------------------------

def check_atom(path: Path) -> ET.Element:
    """The RFC 4287 essentials: one id, title and updated per feed and entry; absolute ids; RFC 3339
    dates; a self link; an author for every entry (its own or the feed's); text constructs typed."""
    feed = ET.parse(path).getroot()
    assert feed.tag == f"{ATOM}feed"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") in ("ar", "en")
    for element in [feed, *feed.findall(f"{ATOM}entry")]:
        for tag in ("id", "title", "updated"):
            assert len(element.findall(f"{ATOM}{tag}")) == 1, (path, tag)
        assert urlparse(element.find(f"{ATOM}id").text).scheme == "https"
        assert RFC3339.match(element.find(f"{ATOM}updated").text)
        assert element.find(f"{ATOM}title").text.strip()
        alternates = [link for link in element.findall(f"{ATOM}link") if link.get("rel", "alternate") == "alternate"
                      and link.get("type") == "text/html"]
        assert len(alternates) == 1                              # at most one per type and hreflang
    assert len([link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]) == 1
    assert feed.find(f"{ATOM}author/{ATOM}name").text.strip()
    entries = feed.findall(f"{ATOM}entry")
    for entry in entries:
        assert RFC3339.match(entry.find(f"{ATOM}published").text)
        content = entry.find(f"{ATOM}content")
        if content is not None:
            assert content.get("type") == "html" and 'href="/' not in content.text
        else:
            assert entry.find(f"{ATOM}summary") is not None
    dates = [datetime.fromisoformat(e.find(f"{ATOM}published").text.replace("Z", "+00:00")) for e in entries]
    assert dates == sorted(dates, reverse=True)
    if entries:
        assert feed.find(f"{ATOM}updated").text == max(e.find(f"{ATOM}updated").text for e in entries)
    return feed


def test_feeds_per_language_actor_and_country_are_valid_atom_and_json_feed(sample):
    atoms = sorted(sample.rglob("feed.xml"))
    # Two languages, each with a home feed and one per actor and per country.
    actors, countries = len(list((REPO / "content/actors").glob("*.md"))), len(list((REPO / "content/countries").glob("*.md")))
    assert len(atoms) == 2 * (1 + actors + countries)
    for path in atoms:
        feed = check_atom(path)
        self_links = [link.get("href") for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
        assert self_links == [SAMPLE_URL + url_path(sample, path)]
        document = json.loads(path.with_name("feed.json").read_text(encoding="utf-8"))
        assert document["version"] == "https://jsonfeed.org/version/1.1"
        assert document["feed_url"] == SAMPLE_URL + url_path(sample, path.with_name("feed.json"))
        assert [item["id"] for item in document["items"]] == [e.find(f"{ATOM}id").text
                                                                for e in feed.findall(f"{ATOM}entry")]
        assert all(item.get("content_html") or item.get("content_text") for item in document["items"])


def test_an_actors_feed_follows_everything_about_them(sample):
    feed = check_atom(sample / "en/actors/ibrahim-kalin/feed.xml")
    assert feed.find(f"{ATOM}title").text == "Ibrahim Kalın · Libya and the World"
    entries = feed.findall(f"{ATOM}entry")
    on_page = page(sample, "en/actors/ibrahim-kalin").xpath("//ol[@class='story-list']/li//h3/a/@href")
    assert [urlparse(e.find(f"{ATOM}id").text).path for e in entries] == on_page
    assert all("Ibrahim Kalın" in [c.get("term") for c in e.findall(f"{ATOM}category")] for e in entries)
    # The language feed carries full texts with absolute links; an actor's feed the summaries.
    home = check_atom(sample / "ar/feed.xml")
    content = home.find(f"{ATOM}entry/{ATOM}content").text
    assert f'href="{SAMPLE_URL}/ar/actors/' in content
    assert all(e.find(f"{ATOM}content") is None for e in entries)


def test_pages_announce_their_feeds(sample):
    for path, own in (("ar", "/ar/feed.xml"), ("en/actors/ibrahim-kalin", "/en/actors/ibrahim-kalin/feed.xml"),
                      ("ar/countries/tr", "/ar/countries/tr/feed.xml"), ("ar/articles/lafi-koni-meet-kalin", "/ar/feed.xml")):
        doc = page(sample, path)
        atom = doc.xpath("//head/link[@rel='alternate'][@type='application/atom+xml']/@href")
        assert atom[0] == own and (sample / own[1:]).is_file()
        assert doc.xpath("//head/link[@rel='alternate'][@type='application/feed+json']/@href")[0] == \
            own.replace(".xml", ".json")
        assert doc.xpath("//footer//a[@type='application/atom+xml']/@href") == [own]
    assert not page(sample, "ar/search").xpath("//link[@type='application/atom+xml']")


def test_feed_text_is_data_and_escaped(make_site, tmp_path):
    evil = '<script>alert(1)</script> & \x0b "quoted"'
    root = make_site({"content/articles/evil.ar.md": article(evil.replace('"', '\\"').replace("\x0b", "\\v"),
                                                             body="<b onclick=x>bold</b> & more")})
    public = build(root, tmp_path / "public").output
    entry = check_atom(public / "ar/feed.xml").find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == '<script>alert(1)</script> &  "quoted"'
    assert "onclick" not in entry.find(f"{ATOM}content").text
    assert json.loads((public / "ar/feed.json").read_text(encoding="utf-8"))["items"][0]["title"].startswith("<script>")


# --- search engines and sharing -------------------------------------------------------------------------

def test_sitemap_lists_every_indexable_page_with_its_languages(sample):
    root = ET.parse(sample / "sitemap.xml").getroot()
    entries = {u.find(f"{SM}loc").text: [(x.get("hreflang"), x.get("href")) for x in u.findall(f"{XHTML}link")]
               for u in root.findall(f"{SM}url")}
    pages = set()
    for file in html_pages(sample):
        doc = page(sample, str(file.relative_to(sample)))
        path = url_path(sample, file)
        if doc.xpath("//meta[@name='robots'][@content='noindex']") or path == "/":
            continue
        pages.add(SAMPLE_URL + path)
    assert set(entries) == pages and len(pages) == 102
    assert not [u for u in entries if "/embed/" in u or "404" in u or "/search/" in u]
    translated = entries[f"{SAMPLE_URL}/ar/articles/lafi-koni-meet-kalin/"]
    assert translated == [("ar", f"{SAMPLE_URL}/ar/articles/lafi-koni-meet-kalin/"),
                          ("en", f"{SAMPLE_URL}/en/articles/lafi-koni-meet-kalin/"),
                          ("x-default", f"{SAMPLE_URL}/ar/articles/lafi-koni-meet-kalin/")]
    assert entries[f"{SAMPLE_URL}/en/"][-1] == ("x-default", f"{SAMPLE_URL}/")
    for url, alternates in entries.items():              # alternates are reciprocal, name the page itself
        if alternates:
            assert url in [href for _, href in alternates]
        for lang, href in alternates:
            assert lang == "x-default" or entries[href] == alternates, url
    robots = (sample / "robots.txt").read_text(encoding="utf-8")
    assert "User-agent: *" in robots and f"Sitemap: {SAMPLE_URL}/sitemap.xml" in robots


def test_a_large_site_gets_a_sitemap_index(monkeypatch):
    monkeypatch.setattr(seo, "MAX_URLS", 2)
    pages = [seo.Indexed(f"https://example.org/ar/articles/s{i}/", ()) for i in range(5)]
    files = seo.sitemap_files(pages, "https://example.org/sitemap.xml")
    assert [url for url, _ in files] == ["https://example.org/sitemap.xml"] + [
        f"https://example.org/sitemap-{n}.xml" for n in (1, 2, 3)]
    index = ET.fromstring(files[0][1])
    assert index.tag == f"{SM}sitemapindex"
    assert [loc.text for loc in index.iter(f"{SM}loc")] == [url for url, _ in files[1:]]
    assert sum(len(ET.fromstring(text).findall(f"{SM}url")) for _, text in files[1:]) == 5


def meta(doc, key: str) -> list[str]:
    return doc.xpath(f"//head/meta[@property='{key}' or @name='{key}']/@content")


def structured(doc) -> dict:
    (text,) = doc.xpath("//script[@type='application/ld+json']/text()")
    return json.loads(text)


def test_pages_have_canonical_hreflang_and_link_preview_meta(sample):
    doc = page(sample, "ar/articles/lafi-koni-meet-kalin")
    url = f"{SAMPLE_URL}/ar/articles/lafi-koni-meet-kalin/"
    assert doc.xpath("//link[@rel='canonical']/@href") == [url]
    assert [(x.get("hreflang"), x.get("href")) for x in doc.xpath("//head/link[@hreflang]")] == [
        ("ar", url), ("en", url.replace("/ar/", "/en/")), ("x-default", url)]
    title = doc.xpath("//h1/text()")[0]
    assert meta(doc, "og:title") == [title] and meta(doc, "twitter:title") == [title]
    assert meta(doc, "og:url") == [url] and meta(doc, "og:type") == ["article"]
    assert meta(doc, "og:locale") == ["ar_LY"] and meta(doc, "og:locale:alternate") == ["en_GB"]
    assert meta(doc, "description") == meta(doc, "og:description") and meta(doc, "description")[0]
    assert meta(doc, "twitter:card") == ["summary_large_image"]
    (image,) = meta(doc, "og:image")
    png = (sample / urlparse(image).path[1:]).read_bytes()
    assert image.startswith(SAMPLE_URL) and png[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")) == (1200, 630)   # IHDR
    assert meta(doc, "og:image:width") == ["1200"] and meta(doc, "og:image:height") == ["630"]
    assert meta(page(sample, "en/actors/ibrahim-kalin"), "og:type") == ["profile"]


def test_an_untranslated_article_names_no_other_language(built):
    public = built({"content/articles/only.ar.md": article("خبر بالعربية وحدها")})
    doc = page(public, "ar/articles/only")
    assert doc.xpath("//head/link[@hreflang]") == []
    assert meta(doc, "og:locale:alternate") == []
    sitemap = ET.parse(public / "sitemap.xml").getroot()
    (entry,) = [u for u in sitemap.findall(f"{SM}url") if u.find(f"{SM}loc").text.endswith("/ar/articles/only/")]
    assert entry.findall(f"{XHTML}link") == []


def test_structured_data_describes_articles_actors_and_countries(sample):
    story = structured(page(sample, "en/articles/lafi-koni-meet-kalin"))
    assert story["@context"] == "https://schema.org" and story["@type"] == "NewsArticle"
    assert story["headline"] == page(sample, "en/articles/lafi-koni-meet-kalin").xpath("//h1/text()")[0]
    assert story["inLanguage"] == "en" and story["datePublished"] == "2024-09-05"      # as the article gives it
    assert {"@type": "Person", "name": "Ibrahim Kalın", "url": f"{SAMPLE_URL}/en/actors/ibrahim-kalin/"} in story["about"]
    assert {c["name"] for c in story["contentLocation"]} == {"Libya", "Turkey"}
    assert story["publisher"]["name"] == "Libya and the World"
    person = structured(page(sample, "ar/actors/ibrahim-kalin"))
    assert person["@type"] == "Person" and person["name"] == "إبراهيم قالن" and "Ibrahim Kalın" in person["alternateName"]
    council = structured(page(sample, "en/actors/presidential-council"))
    assert council["@type"] == "Organization"
    country = structured(page(sample, "en/countries/tr"))
    assert country["@type"] == "Country" and country["identifier"] == "TR" and country["name"] == "Turkey"
    home = structured(page(sample, "ar"))
    assert home["@type"] == "WebSite" and home["potentialAction"]["target"] == f"{SAMPLE_URL}/ar/search/?q={{q}}"


def test_same_as_links_reach_the_structured_data(built):
    kalin = ACTORS["content/actors/ibrahim-kalin.md"].replace(
        "---\n", '---\nsame_as: ["https://www.wikidata.org/wiki/Q6000000"]\n', 1)
    public = built({"content/actors/ibrahim-kalin.md": kalin,
                    "content/countries/tr.md": '---\nname: {ar: "تركيا", en: "Turkey"}\nsame_as: "https://www.wikidata.org/wiki/Q43"\n---\n',
                    "content/articles/a.ar.md": article("خبر", actors="[ibrahim-kalin]", countries="[tr]")})
    assert structured(page(public, "en/actors/ibrahim-kalin"))["sameAs"] == ["https://www.wikidata.org/wiki/Q6000000"]
    assert structured(page(public, "ar/countries/tr"))["sameAs"] == ["https://www.wikidata.org/wiki/Q43"]


def test_a_bad_same_as_is_a_clear_error(make_site):
    kalin = ACTORS["content/actors/ibrahim-kalin.md"].replace("---\n", "---\nsame_as: [wikidata]\n", 1)
    root = make_site({"content/actors/ibrahim-kalin.md": kalin})
    with pytest.raises(BuildError) as caught:
        build(root)
    (error,) = caught.value.errors
    assert error.path.name == "ibrahim-kalin.md" and error.line == 2 and "same_as" in error.message
