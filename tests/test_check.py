"""`nashra check`: a site full of mistakes is reported file by file; a clean one exits 0."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from nashra.build import build
from nashra.check import check
from nashra.cli import main

from helpers import REPO, SITE_TOML, article

# Every actor and country of the default fixture site linked, every story in both languages: nothing to report.
CLEAN = {
    "content/articles/visit.ar.md": article("زيارة قالن", actors="[ibrahim-kalin, abdullah-al-lafi]",
                                            countries="[ly, tr]", body="نص [الخبر الآخر](../council/)."),
    "content/articles/visit.en.md": article("Kalın visits", actors="[ibrahim-kalin, abdullah-al-lafi]",
                                            countries="[ly, tr]", body="Text."),
    "content/articles/council.ar.md": article("المجلس الرئاسي", actors="[presidential-council]", countries="[ly]"),
    "content/articles/council.en.md": article("The Presidential Council", actors="[presidential-council]",
                                              countries="[ly]", body="See [the visit](../visit/#article-title)."),
}

# A template override that writes a stray end tag: nh3 repairs any HTML a Markdown body carries,
# so invalid HTML can only come from templates.
INVALID_ARTICLE_TEMPLATE = (REPO / "themes/default/templates/article.html").read_text(encoding="utf-8").replace(
    "{% block main %}", "{% block main %}</span>", 1)

MISTAKES = {
    "content/articles/broken.ar.md": article(
        "روابط مكسورة", actors="[ibrahim-kalin, abdullah-al-lafi]", countries="[ly, tr]",
        body="[رابط](/ar/articles/nope/) و[مرساة](/ar/articles/other/#nowhere) و![صورة](/img/missing.png)"),
    "content/articles/broken.en.md": article("Broken links", actors="[ibrahim-kalin]", countries="[tr]"),
    "content/articles/other.ar.md": article("خبر آخر"),
    "content/articles/other.en.md": article("Another story"),
    "content/articles/lonely.ar.md": article("خبر بلا ترجمة"),
    "content/articles/twin-a.ar.md": article("عنوان مكرر"),
    "content/articles/twin-a.en.md": article("First twin"),
    "content/articles/twin-b.ar.md": article("عنوان  مكرر"),
    "content/articles/twin-b.en.md": article("Second twin"),
    "content/articles/empty.ar.md": article("بلا ملخص", extra='summary: ""\n', body="## عنوان فرعي فقط"),
    "content/articles/empty.en.md": article("No summary"),
    "content/countries/eg.md": '---\nname: {ar: "مصر", en: "Egypt"}\n---\n',
    "templates/article.html": INVALID_ARTICLE_TEMPLATE,
}


def findings(report, code: str) -> list:
    return [f for f in report.findings if f.code == code]


@pytest.fixture
def mistakes(make_site):
    return make_site(MISTAKES)


def test_the_sample_site_checks_clean():
    result = subprocess.run([sys.executable, "-m", "nashra", "check", str(REPO)], capture_output=True, text=True,
                            encoding="utf-8", timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("0 errors, ")


def test_every_mistake_is_reported_with_its_file(mistakes, tmp_path):
    report = check(mistakes)
    page = "public/ar/articles/broken/index.html"
    (link,) = findings(report, "broken-link")
    assert (link.level, link.file, link.source) == ("error", page, "content/articles/broken.ar.md")
    assert "/ar/articles/nope/" in link.message
    built = build(mistakes, output=tmp_path / "public").output / "ar/articles/broken/index.html"
    assert 'href="/ar/articles/nope/"' in built.read_text(encoding="utf-8").splitlines()[link.line - 1]
    (anchor,) = findings(report, "broken-anchor")
    assert anchor.file == page and "#nowhere" in anchor.message and "public/ar/articles/other/index.html" in anchor.message
    (image,) = findings(report, "missing-asset")
    assert image.file == page and "/img/missing.png" in image.message and "static/" in image.hint
    invalid = findings(report, "invalid-html")
    assert {f.file for f in invalid} >= {page, "public/en/articles/other/index.html"}
    assert all("Unexpected end tag (span)" in f.message and f.line for f in invalid)

    (missing,) = findings(report, "missing-translation")
    assert (missing.level, missing.file) == ("warning", "content/articles/lonely.ar.md")
    assert "lonely.en.md" in missing.hint
    assert report.missing_translations == {"en": [{"slug": "lonely", "title": "خبر بلا ترجمة",
                                                   "file": "content/articles/lonely.ar.md"}]}
    assert [f.file for f in findings(report, "unused-actor")] == ["content/actors/presidential-council.md"]
    assert [f.file for f in findings(report, "unused-country")] == ["content/countries/eg.md"]
    (twins,) = findings(report, "duplicate-title")
    assert twins.file == "content/articles/twin-a.ar.md" and twins.line == 2
    assert "content/articles/twin-b.ar.md" in twins.message
    (empty,) = findings(report, "empty-summary")
    assert (empty.file, empty.line) == ("content/articles/empty.ar.md", 6)
    assert {f.level for f in report.findings if f.code in ("missing-translation", "unused-actor", "unused-country",
                                                           "duplicate-title", "empty-summary")} == {"warning"}
    assert report.errors == len(invalid) + 3 and report.warnings == 5


def test_the_text_report_groups_by_file_and_exits_1(mistakes, capsys):
    assert main(["check", str(mistakes)]) == 1
    out = capsys.readouterr().out
    block = out[out.index("public/ar/articles/broken/index.html  (made from content/articles/broken.ar.md)"):]
    block = block[:block.index("\n\n")]
    assert "error: broken link /ar/articles/nope/" in block and "[broken-anchor]" in block
    assert "[missing-asset]" in block and "[invalid-html]" in block
    table = out[out.index("warning: 1 story has no en translation [missing-translation]"):].splitlines()
    assert table[1].split() == ["slug", "file", "title"]
    assert table[2].split() == ["lonely", "content/articles/lonely.ar.md", "خبر", "بلا", "ترجمة"]
    errors = out.count("error: ")
    assert errors >= 5 and out.splitlines()[-1].startswith(f"{errors} errors, 5 warnings in ")


def test_json_report(mistakes, capsys):
    assert main(["check", str(mistakes), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    codes = {f["code"] for f in data["findings"]}
    assert codes == {"broken-link", "broken-anchor", "missing-asset", "invalid-html", "missing-translation",
                     "unused-actor", "unused-country", "duplicate-title", "empty-summary"}
    assert data["errors"] == sum(f["level"] == "error" for f in data["findings"]) and data["warnings"] == 5
    assert data["pages"] > 20
    assert set(data["findings"][0]) == {"level", "code", "file", "line", "message", "hint", "source"}
    assert data["missing_translations"]["en"][0]["slug"] == "lonely"


def test_warnings_only_exit_0(make_site, capsys):
    site = make_site({"content/articles/a.ar.md": article("خبر", actors="[ibrahim-kalin]", countries="[tr]")})
    assert main(["check", str(site)]) == 0
    out = capsys.readouterr().out
    assert "content/actors/presidential-council.md\n  warning: actor 'presidential-council' is linked by no " in out
    assert out.splitlines()[-1].startswith("0 errors, 4 warnings in ")     # en missing, 2 actors, ly unused


def test_a_build_error_is_reported_with_file_and_line(make_site, capsys):
    site = make_site({"content/articles/bad.ar.md": article("خبر", actors="[kalin]")})
    assert main(["check", str(site)]) == 1
    out = capsys.readouterr().out
    assert ("content/articles/bad.ar.md\n  line 4: error: unknown actor 'kalin' [build-error]\n"
            "    hint: known actors with a similar name: ibrahim-kalin") in out
    assert out.splitlines()[-1] == "1 error, 0 warnings in 0 pages"


def test_a_clean_site_has_nothing_to_report(make_site):
    report = check(make_site(CLEAN))
    assert report.findings == [] and report.pages > 20


def test_a_base_path_prefix_is_resolved(make_site):
    prefixed = SITE_TOML.replace("https://example.org", "https://user.github.io/project")
    site = make_site({"site.toml": prefixed, **CLEAN,
                      "content/articles/council.en.md": article(
                          "The Presidential Council", actors="[presidential-council]", countries="[ly]",
                          body="See [the visit](https://user.github.io/project/en/articles/visit/#article-title) "
                               "and [the Arabic page](../../../ar/articles/council/).")})
    assert check(site).findings == []
    # A path written without the prefix would 404 on the host: reported, with the address to write.
    site.joinpath("content/articles/council.en.md").write_text(
        article("The Presidential Council", actors="[presidential-council]", countries="[ly]",
                body="See [the visit](/en/articles/visit/)."), encoding="utf-8")
    (outside,) = check(site).findings
    assert outside.code == "broken-link" and outside.file == "public/en/articles/council/index.html"
    assert "outside the site's base path /project/" in outside.message
    assert "/project/en/articles/visit/" in outside.hint


class _Remote(BaseHTTPRequestHandler):
    """/ok answers, /head-refused answers GET only, anything else is 404."""

    seen: list[tuple[str, str, str]] = []

    def _answer(self, body: bool) -> None:
        self.seen.append((self.command, self.path, self.headers.get("User-Agent", "")))
        status = 200 if self.path in ("/ok", "/head-refused") else 404
        if self.command == "HEAD" and self.path == "/head-refused":
            status = 405
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")

    def do_HEAD(self):
        self._answer(False)

    def do_GET(self):
        self._answer(True)

    def log_message(self, *args):
        pass


@pytest.fixture
def remote():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Remote)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Remote.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_external_links_only_with_external(make_site, remote, capsys):
    files = dict(CLEAN)
    files["content/articles/visit.en.md"] = article(
        "Kalın visits", actors="[ibrahim-kalin, abdullah-al-lafi]", countries="[ly, tr]",
        body=f"[good]({remote}/ok), [refuses HEAD]({remote}/head-refused) and [gone]({remote}/missing#part).")
    site = make_site(files)
    assert main(["check", str(site)]) == 0
    assert _Remote.seen == []                     # without --external, nothing leaves the machine
    capsys.readouterr()

    assert main(["check", str(site), "--external", "--format", "json"]) == 1
    requests = sorted((method, path) for method, path, _ in _Remote.seen)
    assert requests == [("GET", "/head-refused"), ("HEAD", "/head-refused"), ("HEAD", "/missing"), ("HEAD", "/ok")]
    assert all(agent.startswith("nashra/") for _, _, agent in _Remote.seen)
    (broken,) = json.loads(capsys.readouterr().out)["findings"]
    assert (broken["code"], broken["level"]) == ("external-link", "error")
    assert f"{remote}/missing: HTTP 404" in broken["message"] and "public/en/articles/visit/index.html" in broken["message"]
    assert broken["file"] == "public/en/articles/visit/index.html"
    assert broken["source"] == "content/articles/visit.en.md" and "content/articles/visit.en.md" in broken["hint"]


def test_feeds_and_the_sitemap_are_read_too(tmp_path):
    """Addresses in sitemap.xml and the feeds must lead to pages; a feed that does not parse is an error."""
    from nashra.check import feed_findings, parse_feeds, reference_findings
    from nashra.urls import Urls
    public = tmp_path / "public"
    (public / "ar").mkdir(parents=True)
    (public / "ar/index.html").write_text("<!doctype html><title>x</title>", encoding="utf-8")
    (public / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://example.org/ar/</loc></url><url><loc>https://example.org/ar/gone/</loc></url></urlset>",
        encoding="utf-8")
    (public / "ar/feed.xml").write_text('<feed xmlns="http://www.w3.org/2005/Atom"><title>&nbsp;</title></feed>',
                                        encoding="utf-8")
    (public / "ar/feed.json").write_text('{"home_page_url": "https://example.org/ar/", "items": '
                                         '[{"url": "https://example.org/ar/missing/"}]}', encoding="utf-8")
    feeds = parse_feeds(public)
    files = {p.relative_to(public).as_posix() for p in public.rglob("*") if p.is_file()}
    broken, _ = reference_findings(feeds, files, Urls("https://example.org"), {})
    assert sorted((f.file, f.code) for f in broken) == [("public/ar/feed.json", "broken-link"),
                                                        ("public/sitemap.xml", "broken-link")]
    assert "/ar/gone/" in next(f.message for f in broken if f.file == "public/sitemap.xml")
    (invalid,) = feed_findings(feeds)
    assert (invalid.file, invalid.code, invalid.level) == ("public/ar/feed.xml", "invalid-feed", "error")
