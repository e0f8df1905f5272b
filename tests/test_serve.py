"""`nashra serve` as a user runs it: a real process, real HTTP, real files (browser behaviour: tests/browser)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time

import pytest

from nashra import headers, hosting
from nashra.urls import Urls

from helpers import SITE_TOML, Served, article, write_site


SITE = {
    "content/articles/kalin-visit.ar.md": article("قالن يزور طرابلس", actors="[ibrahim-kalin]", countries="[tr]",
                                                  body="زار إبراهيم قالن طرابلس."),
    "content/articles/kalin-visit.en.md": article("Kalın visits Tripoli", actors="[ibrahim-kalin]", countries="[tr]",
                                                  body="Ibrahim Kalın visited Tripoli."),
    "static/fonts/test.woff2": "wOF2",
}


@pytest.fixture
def served(tmp_path):
    running = []

    def start(files: dict | None = None, *args: str) -> Served:
        site = write_site(tmp_path / f"site{len(running)}", {**SITE, **(files or {})})
        running.append(Served(site, *args))
        return running[-1]

    yield start
    for server in running:
        server.stop()


def test_serves_the_site_with_the_hosts_headers_and_types(served):
    server = served()
    assert server.host == "127.0.0.1"
    status, head, body = server.get("/ar/articles/kalin-visit/")
    assert status == 200
    assert head["content-type"] == "text/html; charset=utf-8"
    assert "قالن يزور طرابلس" in body.decode("utf-8")
    rules = headers.parse(hosting.headers_file(Urls(server.address.rstrip("/")), ("ar", "en")))
    for path in ("/ar/articles/kalin-visit/", "/ar/articles/kalin-visit/embed/", "/en/", "/",
                 "/en/actors/ibrahim-kalin/oembed.json"):
        status, head, _ = server.get(path)
        assert status == 200, path
        for name, value in headers.headers_for(rules, path).items():
            assert head[name.lower()] == value, (path, name)
    assert server.get("/ar/articles/kalin-visit/embed/")[1]["content-security-policy"].endswith("frame-ancestors *")
    assert server.get("/ar/")[1]["content-security-policy"].endswith("frame-ancestors 'self'")
    assert server.get("/css/nashra.css")[1]["x-content-type-options"] == "nosniff"
    types = {"/css/nashra.css": "text/css; charset=utf-8", "/js/search.js": "text/javascript; charset=utf-8",
             "/favicon.svg": "image/svg+xml", "/en/actors/ibrahim-kalin/oembed.json": "application/json",
             "/fonts/test.woff2": "font/woff2"}
    for path, expected in types.items():
        status, head, _ = server.get(path)
        assert (status, head["content-type"]) == (200, expected), path
    status, head, body = server.get("/ar/articles/kalin-visit/", method="HEAD")
    assert status == 200 and body == b"" and int(head["content-length"]) > 1000
    status, head, _ = server.get("/ar/articles/kalin-visit")
    assert status == 301 and head["location"] == "/ar/articles/kalin-visit/"


def test_the_reload_script_is_only_in_what_the_server_sends(served):
    server = served()
    _, _, body = server.get("/ar/articles/kalin-visit/")
    assert b'src="/livereload.js?port=' in body
    on_disk = (server.output / "ar/articles/kalin-visit/index.html").read_bytes()
    assert b"livereload" not in on_disk
    assert not any(b"livereload" in p.read_bytes() for p in server.output.rglob("*") if p.is_file())
    assert not any("livereload" in p.name for p in server.site.rglob("*"))
    status, head, script = server.get("/livereload.js")
    assert status == 200 and b"LiveReload" in script


def test_nothing_outside_the_output_folder(served, tmp_path):
    server = served()
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret", encoding="utf-8")
    (server.output / "ar" / "escape").symlink_to(tmp_path)
    (server.output / "ar" / "escape.txt").symlink_to(secret)
    attempts = ["/../secret.txt", "/ar/../../secret.txt", "/%2e%2e/secret.txt", "/ar/%2E%2E/%2e%2e/secret.txt",
                "/ar/..%2f..%2fsecret.txt", "/ar/escape/secret.txt", "/ar/escape.txt", "/ar/%2e%2e%5c..%5csecret.txt",
                "/.%2e/.%2e/secret.txt", "/ar/articles/kalin-visit/.index.html.nashra-tmp", "/%00"]
    for path in attempts:
        status, _, body = server.get(path)
        assert status == 404, path
        assert b"top secret" not in body, path
    server.stop()
    secret.unlink()


def test_a_missing_page_gets_a_404_in_its_language(served):
    server = served()
    status, head, body = server.get("/ar/articles/no-such-story/")
    page = body.decode("utf-8")
    assert status == 404 and head["content-type"] == "text/html; charset=utf-8"
    assert '<html lang="ar" dir="rtl">' in page and "الصفحة غير موجودة" in page
    status, _, body = server.get("/en/nothing-here/")
    assert status == 404 and '<html lang="en" dir="ltr">' in body.decode() and "Page not found" in body.decode()
    status, _, body = server.get("/nothing-here", headers={"Accept-Language": "en-GB,en;q=0.9,ar;q=0.5"})
    assert status == 404 and "Page not found" in body.decode()
    status, _, body = server.get("/nothing-here", headers={"Accept-Language": "fr-FR,ar;q=0.8"})
    assert status == 404 and "الصفحة غير موجودة" in body.decode()


def test_each_save_is_one_rebuild_and_editor_files_are_ignored(served):
    server = served()
    story = server.site / "content" / "articles" / "kalin-visit.ar.md"
    server.wait_for(r"ready|Serving")
    time.sleep(1.5)                              # the first search index, which follows start-up
    start = len(server.lines)
    # vim: a swap file, a backup, a write to a new file renamed over the old one, a probe file
    folder = story.parent
    (folder / ".kalin-visit.ar.md.swp").write_text("swap", encoding="utf-8")
    shutil.copy(story, folder / "kalin-visit.ar.md~")
    temporary = folder / "4913"
    temporary.write_text("probe", encoding="utf-8")
    temporary.unlink()
    new = folder / ".kalin-visit.ar.md.tmp"
    new.write_text(story.read_text(encoding="utf-8") + "\nجملة من المحرر.\n", encoding="utf-8")
    os.replace(new, story)
    server.wait_for(r"pages rendered", after=start)
    time.sleep(1.0)
    rebuilds = [line for line in server.lines[start:] if "pages rendered" in line]
    assert len(rebuilds) == 1, server.lines[start:]
    assert "content/articles/kalin-visit.ar.md" in rebuilds[0] and re.search(r"in \d+ ms", rebuilds[0])
    assert "جملة من المحرر" in server.get("/ar/articles/kalin-visit/")[2].decode()
    # Saving the swap file again changes nothing.
    start = len(server.lines)
    (folder / ".kalin-visit.ar.md.swp").write_text("swap 2", encoding="utf-8")
    time.sleep(0.8)
    assert not [line for line in server.lines[start:] if "pages rendered" in line]


def test_a_broken_save_keeps_serving_the_last_good_page(served):
    server = served()
    story = server.site / "content" / "articles" / "kalin-visit.ar.md"
    good = story.read_text(encoding="utf-8")
    start = len(server.lines)
    story.write_text(good.replace("actors: [ibrahim-kalin]", "actors: [ibrahim-kalim]"), encoding="utf-8")
    server.wait_for(r"did not build", after=start)
    server.wait_for(r"kalin-visit\.ar\.md:\d+: unknown actor 'ibrahim-kalim'", after=start)
    status, _, body = server.get("/ar/articles/kalin-visit/")
    page = body.decode("utf-8")
    assert status == 200 and "قالن يزور طرابلس" in page
    assert 'id="nashra-build-error"' in page and "تعذّر بناء الموقع" in page
    assert "kalin-visit.ar.md:" in page and "unknown actor &#x27;ibrahim-kalim&#x27;" in page
    assert "The site did not build" in server.get("/en/")[2].decode()
    start = len(server.lines)
    story.write_text(good, encoding="utf-8")
    server.wait_for(r"pages rendered", after=start)
    assert b"nashra-build-error" not in server.get("/ar/articles/kalin-visit/")[2]
    assert server.process.poll() is None


def test_binding_a_busy_port_or_another_host(served, tmp_path):
    server = served()
    site = server.site
    busy = subprocess.run([sys.executable, "-m", "nashra", "serve", str(site), "--port", server.port],
                          capture_output=True, text=True, timeout=60)
    assert busy.returncode == 1
    assert f"port {server.port} on 127.0.0.1 is already in use" in busy.stderr
    assert f"--port {int(server.port) + 1}" in busy.stderr
    other = Served(site, "--host", "0.0.0.0")
    try:
        assert any("warning: serving on 0.0.0.0" in line for line in other.lines)
    finally:
        other.stop()


def test_ctrl_c_stops_cleanly_and_removes_the_files(served):
    server = served()
    assert server.output.is_dir()
    assert server.stop() == 0
    server.wait_for(r"^Stopped\.")
    assert not server.output.exists()
    with pytest.raises(OSError):
        socket.create_connection((server.host, int(server.port)), timeout=2).close()


def test_a_base_path_is_served_under_its_prefix(served):
    server = served({"site.toml": SITE_TOML.replace('base_url = "https://example.org"',
                                                           'base_url = "https://user.github.io/project"')})
    assert server.address.endswith("/project/")
    status, _, body = server.get("/project/ar/articles/kalin-visit/")
    assert status == 200 and b'href="/project/css/nashra.css"' in body
    status, head, _ = server.get("/")
    assert status == 302 and head["location"] == "/project/"
    assert server.get("/ar/articles/kalin-visit/")[0] == 404



def test_drafts_only_with_drafts(served):
    draft = {"content/articles/draft-story.ar.md": article("مسودة", body="نص المسودة.", extra="draft: true\n")}
    assert served(draft).get("/ar/articles/draft-story/")[0] == 404
    assert served(draft, "--drafts").get("/ar/articles/draft-story/")[0] == 200


def test_a_template_error_is_shown_with_its_file_and_line(served):
    server = served()
    template = server.site / "templates" / "article.html"
    template.parent.mkdir()
    start = len(server.lines)
    template.write_text('{% extends "base.html" %}\n{% block main %}\n{{ article.title }\n{% endblock %}\n',
                        encoding="utf-8")
    server.wait_for(r"did not build", after=start)
    _, _, body = server.get("/ar/articles/kalin-visit/")
    assert re.search(r"\btemplates/article\.html:3: template error: unexpected", body.decode())
    start = len(server.lines)
    template.unlink()
    server.wait_for(r"pages rendered", after=start)
    assert b"nashra-build-error" not in server.get("/ar/articles/kalin-visit/")[2]


def test_a_broken_translation_file_is_an_error_with_its_line(served):
    server = served()
    strings = server.site / "i18n" / "ar.toml"
    strings.parent.mkdir()
    start = len(server.lines)
    strings.write_text('nav_home = "الرئيسية"\nnav_actors = "بلا نهاية\n', encoding="utf-8")
    server.wait_for(r"i18n/ar\.toml:2: not valid TOML", after=start)
    start = len(server.lines)
    strings.write_text('nav_home = "الصفحة الأولى"\n', encoding="utf-8")
    server.wait_for(r"pages rendered", after=start)
    assert "الصفحة الأولى" in server.get("/ar/")[2].decode()
