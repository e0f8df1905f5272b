"""The commands, run as a user runs them."""

import os
import re
import subprocess
import sys


from nashra import __version__
from nashra.cli import main

from helpers import REPO, broken_links, page


def run(*args, cwd=None, env=None):
    return subprocess.run([sys.executable, "-m", "nashra", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_version_and_help_on_every_command():
    assert run("--version").stdout.strip() == f"nashra {__version__}"
    for command in ([], ["build"], ["init"], ["new"]):
        result = run(*command, "--help")
        assert result.returncode == 0 and "usage: nashra" in result.stdout


def test_init_makes_a_site_that_builds_at_once(tmp_path):
    site = tmp_path / "mysite"
    result = run("init", str(site))
    assert result.returncode == 0, result.stderr
    assert sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file()) == [
        "content/actors/example-actor.md", "content/articles/welcome.ar.md", "content/articles/welcome.en.md",
        "content/countries/ly.md", "site.toml"]
    result = run("build", cwd=site)
    assert result.returncode == 0, result.stderr
    assert "Built" in result.stdout and "ar: 1 home, 1 article" in result.stdout
    public = site / "public"
    assert broken_links(public) == []
    assert page(public, "ar/articles/welcome").xpath("//a[@class='mention']/@href") == [
        "/ar/countries/ly/", "/ar/actors/example-actor/"]


def test_init_never_overwrites(tmp_path, capsys):
    assert main(["init", str(tmp_path / "s")]) == 0
    (tmp_path / "s/site.toml").write_text("mine", encoding="utf-8")
    assert main(["init", str(tmp_path / "s")]) == 1
    assert "already exists" in capsys.readouterr().err
    assert (tmp_path / "s/site.toml").read_text() == "mine"


def test_new_files_have_front_matter_to_fill(tmp_path, capsys):
    site = tmp_path / "s"
    main(["init", str(site)])
    assert main(["new", "article", "talks-in-rome", "--lang", "en", "--site", str(site)]) == 0
    text = (site / "content/articles/talks-in-rome.en.md").read_text()
    assert text.startswith("---\ntitle: \"\"\ndate: ") and "draft: true" in text
    assert main(["new", "actor", "some-one", "--site", str(site)]) == 0
    assert "kind: person" in (site / "content/actors/some-one.md").read_text()
    assert main(["new", "country", "tn", "--site", str(site)]) == 0
    assert (site / "content/countries/tn.md").is_file()
    assert main(["new", "article", "talks-in-rome", "--lang", "en", "--site", str(site)]) == 1
    assert main(["new", "article", "x", "--lang", "fr", "--site", str(site)]) == 1
    assert main(["new", "article", "Bad Slug", "--site", str(site)]) == 1
    assert main(["new", "country", "tunisia", "--site", str(site)]) == 1
    assert "not an ISO 3166-1" in capsys.readouterr().err


def test_build_prints_pages_per_kind_and_language_and_time(tmp_path):
    main(["init", str(tmp_path / "s")])
    result = run("build", str(tmp_path / "s"), "-o", str(tmp_path / "out"), "--base-url", "https://x.org/p")
    assert result.returncode == 0
    assert "en: 1 home, 1 article, 1 actor, 1 actors, 1 country, 1 countries, 1 search" in result.stdout
    assert " s\n" in result.stdout and "stages:" not in result.stdout
    assert broken_links(tmp_path / "out", "/p") == []
    assert run("build", str(tmp_path / "s"), "--quiet").stdout == ""
    assert run("build", str(tmp_path / "s")).stdout.startswith("Nothing changed since the last build: ")
    verbose = run("build", str(tmp_path / "s"), "--verbose", "--no-cache").stdout
    assert re.search(r"stages: load [\d.]+ s, .*markup [\d.]+ s, index [\d.]+ s, .*render\+write [\d.]+ s", verbose)


def test_plain_install_ships_the_theme(tmp_path):
    """A non-editable install builds a site that has no themes/ folder of its own."""
    wheel_dir = tmp_path / "wheel"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(wheel_dir), str(REPO)], check=True, timeout=300)
    (wheel,) = wheel_dir.glob("nashra-*.whl")
    target = tmp_path / "installed"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, timeout=300)
    assert (target / "nashra/themes/default/templates/base.html").is_file()
    assert (target / "nashra/themes/default/i18n/ar.toml").is_file()
    env = dict(os.environ, PYTHONPATH=str(target))
    site = tmp_path / "site"
    assert run("init", str(site), cwd=tmp_path, env=env).returncode == 0
    result = run("build", str(site), cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert (site / "public/css/nashra.css").is_file()
    probe = subprocess.run([sys.executable, "-c", "import nashra.render as r; print(r.theme_dir(__import__('pathlib').Path('.'), 'default'))"],
                           cwd=tmp_path, env=env, capture_output=True, text=True)
    assert str(target) in probe.stdout
