#!/usr/bin/env python3
"""Search: nashra's client-side search against Pagefind, on the same generated corpora, in one run.

    python bench/search_speed.py --articles 1000 10000 [--queries 50] [--out /tmp/sb]
                                 [--first-queries 5] [--build-runs 1] [--pagefind "python -m pagefind"]

For each corpus size N, under OUT/<N>/:
  corpus/    ../shared/bench/gen_corpus.py --articles N
  nashra/    `nashra build corpus -o nashra --verbose`, timed; "index adds X s" is its index stage (the
             stage that reads the rendered articles and writes search/).
  site/      a copy of nashra/ (hard links) on which Pagefind runs, indexing the article pages only
             (--glob "*/articles/*/index.html"; Pagefind makes one index per <html lang>) and within them
             what a user would mark data-pagefind-body: the <main> without the related-stories list (the
             site header, footer, .related and .embed-control are --exclude-selectors; the related list of
             an English page holds Arabic summaries, which would otherwise match Arabic queries there, and
             the embed code holds the page's URL with its Latin slug). The Pagefind search
             pages are written to site/pf/<lang>/index.html: the site's own about page as the shell (same
             header, footer and CSS as nashra's search page), its <main> replaced by a search box and a small
             module script over Pagefind's JavaScript API (/pagefind/pagefind.js: pagefind.search(q), then
             data() of the top 10 results, no debounce). That page follows the same DOM contract as nashra's.
site/ is served by a local HTTP server (127.0.0.1, random port) and measured in headless Chromium
(/usr/bin/chromium through Playwright). The nashra search page is /<lang>/search/, the Pagefind one /pf/<lang>/.

Page contract (both engines): <input id="search-input">, <ol id="search-results"> whose <li> each hold an
<a href> to a result; after each render the page dispatches window CustomEvent "nashra:search" with
detail {query, count}, where detail.query is the typed string (trimmed). The query is typed with Playwright's
fill(), which sets the whole string and fires one input event.

Metrics
  build / index time    wall seconds of `nashra build` and its index stage, and of Pagefind (which reads
                        the built pages).
  index on disk         files and bytes under nashra/search/ and site/pagefind/ (whole bundle, and its index
                        files *.pf_* + wasm only), raw and gzipped (sum over files of gzip level 6).
  page + first query    a fresh browser context (empty cache) loads the search page, types one query and waits
                        for the results plus 0.5 s of network quiet. Counted at the server: requests, raw
                        bytes and sum over responses of len(gzip.compress(body, 6)) (what a gzip host sends;
                        Pagefind's own files are already gzipped, so this slightly overstates them). Median
                        over --first-queries different queries. "first query, cold" is the in-page latency of
                        that query (it includes fetching the engine and index).
  query latency         in the page, performance.now() from the input event (capturing listener) to the first
                        requestAnimationFrame after the "nashra:search" event for that query. One warm-up query
                        per language, then every query of the set in order in one page per language; median
                        and p95 (nearest rank).
  quality               per query, relevant = the articles in the page language whose front matter links the
                        query's entity (drafts excluded). Results = the hrefs of the list, in order, keeping only
                        article URLs (/<lang>/articles/<slug>/; entity cards are ignored), deduplicated; a result
                        in another language than the page is not relevant. With R = min(|relevant|, 10):
                          recall@10   = |relevant ∩ top 10 results| / R
                          R-precision = |relevant ∩ top R results| / R
                        (equal when |relevant| >= 10). Queries whose entity has no article in that language at
                        this size are skipped. Averages are plain means over queries, per category, over the
                        Arabic-variant categories together (all but english, transliteration and
                        cross_language) and overall.
The machine is shared and noisy: read ratios, not absolute milliseconds. Raw figures go to OUT/results.json.
Needs `pip install 'pagefind[bin]'` and Playwright (never `playwright install`: the Debian chromium is used).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from functools import cache
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "bench"
QUERIES = Path(__file__).resolve().with_name("search_queries.json")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
ENGINES = ("nashra", "pagefind")
TOP = 10
QUERY_TIMEOUT_MS = 20_000
QUIET_SECONDS = 0.5


# --------------------------------------------------------------------------- corpus and ground truth

def run(command: list, env: dict | None = None) -> tuple[float, str]:
    """Run a command; return (wall seconds, stdout). Raises on failure, with its stderr."""
    start = time.perf_counter()
    done = subprocess.run([str(c) for c in command], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(f"{' '.join(map(str, command))} failed:\n{done.stderr[-3000:]}")
    return seconds, done.stdout


FRONT = re.compile(r"\A---\n(.*?)\n---", re.S)


def front_list(front: str, key: str) -> list[str]:
    """`key: [a, b]` (flow list) or a block list, from the generator's simple front matter."""
    m = re.search(rf"^{key}:\s*\[(.*?)\]", front, re.M)
    if m:
        return [x.strip().strip("'\"") for x in m.group(1).split(",") if x.strip()]
    m = re.search(rf"^{key}:\s*\n((?:\s+-.*\n?)+)", front, re.M)
    return [x.strip()[1:].strip().strip("'\"") for x in m.group(1).splitlines()] if m else []


def article_links(corpus: Path) -> dict[tuple[str, str], set[str]]:
    """(lang, slug) of every published article -> the entities it links ("actors/x", "countries/y")."""
    links = {}
    for path in sorted((corpus / "content" / "articles").glob("*.md")):
        slug, lang = path.stem.rsplit(".", 1)
        m = FRONT.match(path.read_text(encoding="utf-8"))
        front = m.group(1) if m else ""
        if re.search(r"^draft:\s*true\s*$", front, re.M):
            continue
        links[(lang, slug)] = ({f"actors/{a}" for a in front_list(front, "actors")}
                               | {f"countries/{c}" for c in front_list(front, "countries")})
    return links


def relevant_sets(queries: list[dict], links: dict) -> list[set[str]]:
    """For each query, the slugs of the articles in its language that link its entity."""
    by_entity = defaultdict(set)
    for (lang, slug), entities in links.items():
        for entity in entities:
            by_entity[(lang, entity)].add(slug)
    return [by_entity[(q["lang"], q["entity"])] for q in queries]


def pick_queries(queries: list[dict], limit: int) -> list[dict]:
    """The first `limit` queries taken round-robin over the categories (all when limit is 0)."""
    if not limit or limit >= len(queries):
        return queries
    groups = defaultdict(list)
    for q in queries:
        groups[q["category"]].append(q)
    picked, i = [], 0
    while len(picked) < limit:
        for group in groups.values():
            if i < len(group) and len(picked) < limit:
                picked.append(group[i])
        i += 1
    return picked


# --------------------------------------------------------------------------- building and indexing

def nashra_env() -> dict:
    """Run nashra from this checkout's src/ (and its themes/), whatever the installed copy points to."""
    return dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO / "src"), os.environ.get("PYTHONPATH")])))


STAGE = re.compile(r"(\S+) ([\d.]+) s")


def build_nashra(corpus: Path, out: Path, runs: int) -> dict:
    """Time `nashra build --verbose` `runs` times; its stage line says what the index stage took."""
    normal, index, stdout = [], [], ""
    for _ in range(runs):
        seconds, stdout = run([sys.executable, "-m", "nashra", "build", corpus, "-o", out, "--verbose"], nashra_env())
        normal.append(seconds)
        stages = next((line for line in stdout.splitlines() if line.strip().startswith("stages:")), "")
        index += [float(v) for k, v in STAGE.findall(stages) if k == "index"]
    result = {"build_s": statistics.median(normal), "build_runs_s": normal, "stdout": stdout.strip()}
    if index:
        result["index_adds_s"] = statistics.median(index)
    return result


def copy_site(src: Path, dest: Path) -> None:
    """Hard-link copy (nothing in it is modified later; Pagefind and pf/ only add files)."""
    if dest.exists():
        shutil.rmtree(dest)

    def link(a, b):
        try:
            os.link(a, b)
        except OSError:
            shutil.copy2(a, b)
    shutil.copytree(src, dest, copy_function=link)


PAGEFIND_GLOB = "*/articles/*/index.html"
PAGEFIND_EXCLUDE = (".site-header", ".site-footer", ".related", ".skip-link", ".embed-control")  # chrome, related, embed code


def run_pagefind(pagefind: list[str], site: Path) -> dict:
    excludes = [arg for selector in PAGEFIND_EXCLUDE for arg in ("--exclude-selectors", selector)]
    seconds, stdout = run(pagefind + ["--site", site, "--glob", PAGEFIND_GLOB] + excludes)
    pages = re.search(r"Indexed (\d+) pages", stdout)
    return {"index_s": seconds, "pages": int(pages.group(1)) if pages else None}


PAGEFIND_MAIN = """<main id="main" class="wrap" tabindex="-1">
<h1>{title}</h1>
<form role="search" onsubmit="return false">
  <label for="search-input">{title}</label>
  <input type="search" role="searchbox" id="search-input" autocomplete="off">
</form>
<ol id="search-results"></ol>
<script type="module">
const input = document.getElementById("search-input");
const list = document.getElementById("search-results");
let engine = null, latest = null;
function pagefind() {{
  engine ??= import("/pagefind/pagefind.js").then(async pf => {{ await pf.options({{}}); pf.init(); return pf; }});
  return engine;
}}
function item(data) {{
  const li = document.createElement("li"), a = document.createElement("a");
  a.href = data.url;
  a.textContent = data.meta.title || data.url;
  li.append(a);
  return li;
}}
async function show(query) {{
  latest = query;
  let items = [], count = 0;
  if (query) {{
    const search = await (await pagefind()).search(query);
    if (query !== latest) return;
    count = search.results.length;
    items = (await Promise.all(search.results.slice(0, {top}).map(r => r.data()))).map(item);
    if (query !== latest) return;
  }}
  list.replaceChildren(...items);
  list.dataset.query = query;
  window.dispatchEvent(new CustomEvent("nashra:search", {{detail: {{query, count}}}}));
}}
input.addEventListener("focus", pagefind, {{once: true}});
input.addEventListener("input", () => show(input.value.trim()));
const initial = new URLSearchParams(location.search).get("q");
if (initial) {{ input.value = initial; show(initial.trim()); }}
</script>
</main>"""


def write_pagefind_pages(site: Path, languages: list[str]) -> None:
    """site/pf/<lang>/index.html: the about page of that language with a Pagefind search in its <main>."""
    for lang in languages:
        shell = (site / lang / "about" / "index.html").read_text(encoding="utf-8")
        title = "بحث" if lang == "ar" else "Search"
        start, end = shell.index("<main"), shell.index("</main>") + len("</main>")
        page = shell[:start] + PAGEFIND_MAIN.format(title=title, top=TOP) + shell[end:]
        page = re.sub(r"<title>.*?</title>", f"<title>{title} · Pagefind</title>", page, flags=re.S)
        (site / "pf" / lang).mkdir(parents=True, exist_ok=True)
        (site / "pf" / lang / "index.html").write_text(page, encoding="utf-8")


def gz_len(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def disk_size(folder: Path, pattern: str = "**/*", keep=lambda p: True) -> dict | None:
    if not folder.is_dir():
        return None
    files = [p for p in folder.glob(pattern) if p.is_file() and keep(p)]
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files),
            "gzip_bytes": sum(gz_len(p.read_bytes()) for p in files)}


def is_pagefind_index(path: Path) -> bool:
    return ".pf_" in path.name or path.suffix == ".pagefind"


# --------------------------------------------------------------------------- serving, with byte accounting

class Tally:
    """What the server sent since the last reset: requests, raw bytes and gzip-6 bytes."""

    def __init__(self, root: Path):
        self.root, self.lock = root, threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.requests, self.raw, self.files, self.paths, self.last = 0, 0, [], [], time.monotonic()

    def add(self, path: str, size: int, file: tuple[str, float] | None) -> None:
        """Count a response; its gzip size is computed later (`snapshot`), off the response path."""
        with self.lock:
            self.requests += 1
            self.raw += size
            self.files.append(file)
            self.paths.append(path)
            self.last = time.monotonic()

    def snapshot(self) -> dict:
        with self.lock:
            gzip_bytes = sum(file_gzip_len(*file) for file in self.files if file)
            return {"requests": self.requests, "bytes": self.raw, "gzip_bytes": gzip_bytes, "paths": list(self.paths)}

    def wait_quiet(self, seconds: float = QUIET_SECONDS, limit: float = 10.0) -> None:
        start = time.monotonic()
        while time.monotonic() - self.last < seconds and time.monotonic() - start < limit:
            time.sleep(0.05)


@cache
def file_gzip_len(path: str, mtime: float) -> int:
    return gz_len(Path(path).read_bytes())


def serve(root: Path) -> tuple[ThreadingHTTPServer, Tally]:
    tally = Tally(root)

    class Handler(SimpleHTTPRequestHandler):
        protocol_version = "HTTP/1.1"         # keep-alive, as every static host serves
        disable_nagle_algorithm = True        # else headers and body wait on delayed ACKs (40 ms)
        extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm",
                          ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json"}

        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(root), **kw)

        def log_message(self, *args):
            pass

        def send_head(self):
            f = super().send_head()
            if f is not None and hasattr(f, "name"):
                st = os.fstat(f.fileno())
                tally.add(unquote(urlsplit(self.path).path), st.st_size, (f.name, st.st_mtime))
            elif f is not None:    # a generated directory listing: should not happen
                tally.add(self.path, 0, None)
            return f

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, tally


# --------------------------------------------------------------------------- browser measurements

HARNESS = """
(() => {
  const bench = window.__bench = {t0: null, pending: null};
  addEventListener("input", e => {
    if (e.target && e.target.id === "search-input") bench.t0 = performance.now();
  }, true);
  bench.expect = (query, timeout) => {
    bench.pending = new Promise(resolve => {
      const timer = setTimeout(() => { removeEventListener("nashra:search", on); resolve(null); }, timeout);
      function on(e) {
        if (!e.detail || String(e.detail.query).trim() !== query) return;
        removeEventListener("nashra:search", on);
        requestAnimationFrame(() => {
          clearTimeout(timer);
          const items = document.querySelectorAll("#search-results li");
          resolve({ms: performance.now() - bench.t0, count: e.detail.count,
                   hrefs: [...items].map(li => li.querySelector("a[href]")).filter(Boolean).map(a => a.href)});
        });
      }
      addEventListener("nashra:search", on);
    });
  };
})();
"""


def page_path(engine: str, lang: str) -> str:
    return f"/{lang}/search/" if engine == "nashra" else f"/pf/{lang}/"


def new_page(browser, base: str, path: str):
    context = browser.new_context(base_url=base)
    context.add_init_script(HARNESS)
    page = context.new_page()
    page.goto(path, wait_until="load")
    return context, page


def ask(page, query: str) -> dict | None:
    """Type `query`, wait for its results to be painted; None on timeout."""
    page.evaluate("([q, t]) => window.__bench.expect(q, t)", [query.strip(), QUERY_TIMEOUT_MS])
    page.fill("#search-input", query)
    return page.evaluate("() => window.__bench.pending")


def first_query_cost(browser, base: str, tally: Tally, engine: str, query: dict) -> dict:
    """Fresh context: page load + one query, counted at the server."""
    tally.reset()
    context, page = new_page(browser, base, page_path(engine, query["lang"]))
    try:
        answer = ask(page, query["q"])
        tally.wait_quiet()
        cost = tally.snapshot()
    finally:
        context.close()
    cost["first_query_ms"] = answer["ms"] if answer else None
    cost["q"] = query["q"]
    return cost


def timed_queries(browser, base: str, engine: str, queries: list[dict]) -> list[dict | None]:
    """One page per language; a warm-up query, then each query in order."""
    answers: list[dict | None] = [None] * len(queries)
    for lang in sorted({q["lang"] for q in queries}):
        context, page = new_page(browser, base, page_path(engine, lang))
        try:
            ask(page, "ليبيا" if lang == "ar" else "Libya")
            for i, q in enumerate(queries):
                if q["lang"] == lang:
                    answers[i] = ask(page, q["q"])
        finally:
            context.close()
    return answers


def measure_engine(browser, base: str, tally: Tally, engine: str, queries: list[dict], n_first: int) -> dict:
    step = max(1, len(queries) // max(1, n_first))
    firsts = [first_query_cost(browser, base, tally, engine, q) for q in queries[::step][:n_first]]
    if all(f["first_query_ms"] is None for f in firsts):
        return {"error": "no 'nashra:search' event for the first query within "
                         f"{QUERY_TIMEOUT_MS / 1000:.0f} s", "first": firsts}
    answers = timed_queries(browser, base, engine, queries)
    times = [a["ms"] for a in answers if a]
    return {
        "first": firsts,
        "first_gzip_bytes": statistics.median(f["gzip_bytes"] for f in firsts),
        "first_bytes": statistics.median(f["bytes"] for f in firsts),
        "first_requests": statistics.median(f["requests"] for f in firsts),
        "first_query_ms": median_or_none([f["first_query_ms"] for f in firsts if f["first_query_ms"] is not None]),
        "latency_median_ms": median_or_none(times),
        "latency_p95_ms": percentile(times, 95),
        "timeouts": sum(a is None for a in answers),
        "answers": answers,
    }


def median_or_none(xs):
    return statistics.median(xs) if xs else None


def percentile(xs: list[float], p: float) -> float | None:
    """Nearest-rank percentile."""
    if not xs:
        return None
    xs = sorted(xs)
    return xs[max(0, -(-len(xs) * p // 100) - 1)]


# --------------------------------------------------------------------------- quality

ARTICLE_URL = re.compile(r"/([a-z]{2,3})/articles/([^/?#]+)/?")


def article_results(hrefs: list[str]) -> list[tuple[str, str]]:
    """(lang, slug) of the article links, in order, deduplicated; entity links and others dropped."""
    seen, out = set(), []
    for href in hrefs:
        m = ARTICLE_URL.search(urlsplit(href).path)
        if m and m.groups() not in seen:
            seen.add(m.groups())
            out.append(m.groups())
    return out


def score(query: dict, relevant: set[str], answer: dict | None) -> dict:
    r = min(len(relevant), TOP)
    results = article_results(answer["hrefs"]) if answer else []
    hits = [lang == query["lang"] and slug in relevant for lang, slug in results]
    return {"recall@10": sum(hits[:TOP]) / r, "r_precision": sum(hits[:r]) / r, "zero": not results}


NOT_VARIANTS = {"english", "transliteration", "cross_language"}
VARIANTS = "arabic_variants"      # all the other categories: Arabic spelling variants on the Arabic page


def per_query(query: dict, relevant: set[str], answer: dict | None) -> dict:
    """What results.json keeps of one query: sizes, timing and the top article results."""
    articles = [f"{lang}/{slug}" for lang, slug in article_results(answer["hrefs"])][:TOP] if answer else None
    return {**query, "relevant": len(relevant), "count": answer and answer["count"],
            "ms": answer and answer["ms"], "articles": articles}


def quality(queries: list[dict], relevant: list[set[str]], answers: list[dict | None]) -> dict:
    per_cat = defaultdict(list)
    for q, rel, a in zip(queries, relevant, answers):
        if rel:
            per_cat[q["category"]].append(score(q, rel, a))
    per_cat[VARIANTS] = [s for cat in list(per_cat) if cat not in NOT_VARIANTS for s in per_cat[cat]]
    per_cat["ALL"] = [s for cat in list(per_cat) if cat != VARIANTS for s in per_cat[cat]]
    return {cat: {"n": len(s), "recall@10": statistics.mean(x["recall@10"] for x in s),
                  "r_precision": statistics.mean(x["r_precision"] for x in s),
                  "zero_result": sum(x["zero"] for x in s)} for cat, s in per_cat.items() if s}


# --------------------------------------------------------------------------- one corpus size

def bench_size(n: int, args, queries: list[dict], browser) -> dict:
    root = args.out / str(n)
    corpus, nashra_out, site = root / "corpus", root / "nashra", root / "site"
    root.mkdir(parents=True, exist_ok=True)
    print(f"\n## {n:,} articles", flush=True)
    run([sys.executable, SHARED / "gen_corpus.py", "--articles", n, "--out", corpus])
    links = article_links(corpus)
    relevant = relevant_sets(queries, links)
    kept = [i for i, q in enumerate(queries) if (corpus / "content" / f"{q['entity']}.md").exists()]
    if len(kept) < len(queries):
        print(f"  {len(queries) - len(kept)} queries name entities absent at this size; skipped")
    qs, rel = [queries[i] for i in kept], [relevant[i] for i in kept]
    print(f"  corpus: {len(links)} published article versions", flush=True)

    result: dict = {"articles": n, "nashra": {}, "pagefind": {}}
    result["nashra"]["build"] = build_nashra(corpus, nashra_out, args.build_runs)
    b = result["nashra"]["build"]
    extra = f"index stage {b['index_adds_s']:.2f} s" if "index_adds_s" in b else "no index stage reported"
    print(f"  nashra build: {b['build_s']:.2f} s ({extra})", flush=True)
    for line in b["stdout"].splitlines():
        print(f"    | {line}")

    copy_site(nashra_out, site)
    result["pagefind"]["build"] = run_pagefind(args.pagefind, site)
    languages = sorted({lang for lang, _ in links})
    write_pagefind_pages(site, languages)
    print(f"  pagefind: {result['pagefind']['build']['index_s']:.2f} s, "
          f"{result['pagefind']['build']['pages']} pages indexed", flush=True)

    result["nashra"]["disk"] = disk_size(nashra_out / "search")
    result["nashra"]["disk_index"] = result["nashra"]["disk"]
    result["pagefind"]["disk"] = disk_size(site / "pagefind")
    result["pagefind"]["disk_index"] = disk_size(site / "pagefind", keep=is_pagefind_index)

    server, tally = serve(site)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        for engine in ENGINES:
            if engine == "nashra" and not all((site / lang / "search" / "index.html").is_file() for lang in languages):
                print("  nashra search page missing", flush=True)
                result[engine]["error"] = "search page missing"
                continue
            started = time.perf_counter()
            m = measure_engine(browser, base, tally, engine, qs, args.first_queries)
            result[engine].update(m)
            if "error" in m:
                print(f"  {engine}: {m['error']}", flush=True)
                continue
            result[engine]["quality"] = quality(qs, rel, m["answers"])
            result[engine]["per_query"] = [per_query(q, r, a) for q, r, a in zip(qs, rel, m["answers"])]
            del result[engine]["answers"]
            print(f"  {engine}: measured in {time.perf_counter() - started:.0f} s"
                  + (f", {m['timeouts']} query timeouts" if m["timeouts"] else ""), flush=True)
    finally:
        server.shutdown()
        server.server_close()
    return result


# --------------------------------------------------------------------------- report

def fmt(x, kind: str) -> str:
    if x is None:
        return "—"
    return {"s": f"{x:.2f} s", "ms": f"{x:.0f} ms", "kb": f"{x / 1024:,.1f} KB", "mb": f"{x / 2**20:,.2f} MB",
            "n": f"{x:,.0f}", "r": f"{x:.2f}"}[kind]


def ratio(a, b) -> str:
    return f"{a / b:.2f}×" if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else "—"


def get(d: dict, *keys):
    for k in keys:
        if not isinstance(d, dict) or d.get(k) is None:
            return None
        d = d[k]
    return d


def main_table(r: dict) -> str:
    n, p = r["nashra"], r["pagefind"]
    nb, pf_s = n["build"], p["build"]["index_s"]

    def both(*keys):
        return get(n, *keys), get(p, *keys)

    if nb.get("index_adds_s") is not None:
        rows = [("search indexing time", nb["index_adds_s"], pf_s, "s")]
    else:
        rows = [(f"search indexing time (nashra: total build {nb['build_s']:.2f} s)", None, pf_s, "s")]
    rows += [
        ("site build incl. search", nb["build_s"], nb["build_s"] - nb.get("index_adds_s", 0) + pf_s, "s"),
        ("index files on disk", *both("disk", "files"), "n"),
        ("index bytes on disk, raw", *both("disk", "bytes"), "mb"),
        ("index bytes on disk, gzip", *both("disk", "gzip_bytes"), "mb"),
        ("  of which index files (Pagefind: .pf_*, wasm), gzip", *both("disk_index", "gzip_bytes"), "mb"),
        ("page + first query, gzip (median)", *both("first_gzip_bytes"), "kb"),
        ("page + first query, raw (median)", *both("first_bytes"), "kb"),
        ("page + first query, requests (median)", *both("first_requests"), "n"),
        ("first query, cold (median)", *both("first_query_ms"), "ms"),
        ("query latency, median", *both("latency_median_ms"), "ms"),
        ("query latency, p95", *both("latency_p95_ms"), "ms"),
        ("recall@10, Arabic variants", *both("quality", VARIANTS, "recall@10"), "r"),
        ("recall@10, all queries", *both("quality", "ALL", "recall@10"), "r"),
        ("R-precision, all queries", *both("quality", "ALL", "r_precision"), "r"),
        ("zero-result queries", *both("quality", "ALL", "zero_result"), "n"),
    ]
    out = [f"### {r['articles']:,} articles", "", "| metric | nashra | Pagefind | ratio |", "|---|---:|---:|---:|"]
    out += [f"| {name} | {fmt(a, k)} | {fmt(b, k)} | {ratio(a, b)} |" for name, a, b, k in rows]
    return "\n".join(out)


def quality_table(r: dict, categories: list[str]) -> str:
    n, p = get(r, "nashra", "quality") or {}, get(r, "pagefind", "quality") or {}
    out = [f"#### Quality per category, {r['articles']:,} articles", "",
           "| category | queries | nashra recall@10 | nashra R-prec | Pagefind recall@10 | Pagefind R-prec |",
           "|---|---:|---:|---:|---:|---:|"]
    for cat in categories + [VARIANTS, "ALL"]:
        if cat not in n and cat not in p:
            continue
        count = (n.get(cat) or p.get(cat))["n"]
        cells = [fmt(get(d, cat, m), "r") for d in (n, p) for m in ("recall@10", "r_precision")]
        out.append(f"| {cat} | {count} | " + " | ".join(cells) + " |")
    return "\n".join(out)


DEFINITIONS = """Definitions: relevant = articles in the page language whose front matter links the query's entity;
only article links count as results (entity cards ignored); R = min(|relevant|, 10);
recall@10 = |relevant ∩ top-10 articles| / R; R-precision = |relevant ∩ top-R articles| / R.
Bytes = sum over the server's responses of len(gzip.compress(body, 6)) for a fresh context loading the search page
and answering one query (median over first queries). Latency = input event to first animation frame after the
results event, in the page (performance.now())."""


# --------------------------------------------------------------------------- main

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, nargs="+", default=[1000])
    parser.add_argument("--queries", type=int, default=0,
                        help="use this many queries of the set, round-robin over categories (default: all)")
    parser.add_argument("--first-queries", type=int, default=5, help="fresh-context page+first-query runs per engine")
    parser.add_argument("--build-runs", type=int, default=1, help="timed nashra builds of each kind (median)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/sb"))
    parser.add_argument("--pagefind", type=shlex.split, default=[sys.executable, "-m", "pagefind"],
                        help='Pagefind command (default: "python -m pagefind")')
    args = parser.parse_args()
    args.out = args.out.resolve()

    spec = json.loads(QUERIES.read_text(encoding="utf-8"))
    queries = pick_queries(spec["queries"], args.queries)
    categories = list(spec["categories"])
    if len(queries) < 50:
        print(f"note: {len(queries)} queries; p95 over fewer than 50 is rough")

    from playwright.sync_api import sync_playwright
    started = time.perf_counter()
    results = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for n in args.articles:
                t = time.perf_counter()
                results.append(bench_size(n, args, queries, browser))
                results[-1]["bench_seconds"] = time.perf_counter() - t
        finally:
            browser.close()

    print("\n" + DEFINITIONS + "\n")
    for r in results:
        print(main_table(r) + "\n")
        print(quality_table(r, categories) + "\n")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(
        {"queries": len(queries), "query_file": str(QUERIES), "seconds": time.perf_counter() - started,
         "sizes": results}, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"raw figures: {args.out / 'results.json'}; total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
