"""build() = load → model → link → markup → index → plan → render → write, readable top to bottom."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import sys
import time
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable

from . import __version__, assets, blocks, i18n, search
from .config import CONFIG_FILE, Config, load_config
from .errors import ContentError, raise_if_any
from .groups import GroupMade, ReadTable, Written, kept_groups, saved_groups
from .link import Links, link
from .load import ParsedFrontMatter, load_content
from .markup import Markup, MentionTable, Rendered, Target, plain_text
from .model import Site, make_site
from .parallel import few_full_collections, map_beside, release_memory
from .plan import Inputs, PageJob, Planner, check_pages, check_unique
from .progress import Progress
from .search import SearchFiles, build_index
from .render import environment, layered, render_page, theme_dir
from .stamps import FileDigests
from .urls import Urls
from .write import Entry, Manifest, Staging, digest, output_matches, walk_files


@dataclass
class BuildReport:
    output: Path
    pages: Counter = field(default_factory=Counter)     # (kind, lang) -> pages written
    files: int = 0
    seconds: float = 0.0
    languages: tuple[str, ...] = ()
    stages: dict[str, float] = field(default_factory=dict)   # seconds per pipeline stage
    rendered: int = 0              # pages rendered (the others were as the last build made them)
    unchanged: bool = False        # nothing had changed since the last build: nothing was done
    index_updated: bool = False    # the search index was the last build's brought up to date, not made afresh


class _Stopwatch:
    def __init__(self, stages: dict[str, float]):
        self.stages = stages
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.stages[stage] = self.stages.get(stage, 0.0) + now - self.last
        self.last = now


def render_bodies(site: Site, links: Links, urls: Urls, workers: int | None = None, cache: dict | None = None,
                  progress: Callable[[int], None] | None = None, words: search.Shelf | None = None,
                  markdown: dict[tuple[str, str], str] | None = None) -> tuple[dict[tuple[str, str], Rendered], dict[tuple[str, str], str], dict[tuple[str, str], Rendered]]:
    """Markdown of every article (with mention links), actor biography and free page.

    `cache` (kept by a live rebuild between builds) holds what was rendered before and from what:
    only Markdown that changed, or whose mention names changed, is rendered again. `words`: filled with
    what the search index reads of each article rendered (search.read_article), by search.read_digest,
    read by the same workers while the HTML is at hand. `markdown`: every article's Markdown by (slug, lang),
    when `site` and `links` hold none (see without_markdown): a one-off build hands it over, and it is let
    go here as soon as the workers have their copy (at 30,000 articles it is 300 MB), so `cache` then keeps
    no record of what each article was made from."""
    markup = Markup()

    def markdown_of(slug: str, lang: str) -> str:
        return links.stories[slug].versions[lang].body if markdown is None else markdown[(slug, lang)]

    cache = {} if cache is None else cache
    articles: dict = cache.setdefault("articles", {})     # (slug, lang) -> (made from, result, story)
    texts: dict = cache.setdefault("texts", {})           # bio or page Markdown -> result
    # When no actor or country changed (the same objects as last time), an unchanged story's HTML is too.
    entities = (list(site.actors.values()), list(site.countries.values()), links.mention_names, urls)
    last = cache.get("entities")
    same_entities = last is not None and last[2] is entities[2] and last[3] == entities[3] and all(
        len(old) == len(new) and all(a is b for a, b in zip(old, new)) for old, new in zip(last[:2], entities[:2]))
    cache["entities"] = entities

    def stamp(slug: str, lang: str) -> tuple:
        """What an article's HTML is made from: its Markdown, and the names, keys and addresses of its links."""
        story = links.stories[slug]
        shown = (tuple(site.actors[a].name.get(lang, "") for a in story.actors),
                 tuple(site.countries[c].name.get(lang, "") for c in story.countries))
        return markdown_of(slug, lang), story.actors, story.countries, shown, links.mention_names, urls

    def recipe(key: tuple[str, str]) -> tuple | None:
        """What the cache remembers an article's HTML was made from (nothing when the Markdown is let go)."""
        return stamp(*key) if markdown is None else None

    def still_good(key: tuple[str, str]) -> bool:
        hit = articles.get(key)
        return hit is not None and ((same_entities and hit[2] is links.stories[key[0]]) or hit[0] == stamp(*key))

    def render_articles(keys: list[tuple[str, str]]) -> tuple[dict[tuple[str, str], Rendered], search.Shelf | None]:
        rendered, reads = {}, search.Shelf() if words is not None else None
        for slug, lang in keys:
            story = links.stories[slug]
            table = mention_table(site, links, urls, lang, story.actors, story.countries)
            if reads is None:
                rendered[(slug, lang)] = markup.render(markdown_of(slug, lang), table)
            else:
                body, text = markup.render_with_text(markdown_of(slug, lang), table)
                rendered[(slug, lang)] = body
                title = story.versions[lang].title
                reads[search.read_digest(title, body.digest)] = search.read_article(title, text)
        return rendered, reads

    keys = [(slug, lang) for slug, story in links.stories.items() for lang in story.versions]
    todo = [key for key in keys if not still_good(key)]
    # The last build's HTML from disk (see BuildCache), by a digest of what each article is made from.
    stored = cache.get("stored")
    if stored is not None:
        shared = _digest(repr((sorted((lang, sorted((k, sorted(v)) for k, v in table.items()))
                                      for lang, table in links.mention_names.items()), urls.base_path)))
        digests = {key: _stamp_digest(shared, stamp(*key)) for key in keys}
        reused = {key for key in todo if stored.get(key, ("",))[0] == digests[key]}
        for key in reused:
            articles[key] = (recipe(key), stored[key][1], links.stories[key[0]])
        todo = [key for key in todo if key not in reused]
    if progress:
        progress(len(keys) - len(todo))
    def let_go(forked: bool) -> None:
        if forked and markdown is not None:
            markdown.clear()
            release_memory()

    for rendered, reads in map_beside(render_articles, todo, let_go, workers, progress)[0]:
        for key, body in rendered.items():
            articles[key] = (recipe(key), body, links.stories[key[0]])
        if reads is not None:
            words.absorb(reads)
    bodies = {}
    for key in keys:
        hit = articles[key]
        if hit[2] is not links.stories[key[0]]:        # the same HTML from an equal story: remember this one
            articles[key] = hit = (hit[0], hit[1], links.stories[key[0]])
        bodies[key] = hit[1]
    if stored is not None:
        cache["stored"] = {key: (digests[key], bodies[key]) for key in keys}

    def text(markdown: str):
        if markdown not in texts:
            texts[markdown] = markup.render(markdown)
        return texts[markdown]

    bios = {(actor.slug, lang): text(bio).html for actor in site.actors.values() for lang, bio in actor.bio.items()}
    pages = {(page.slug, page.lang): text(page.body) for page in site.pages}
    return bodies, bios, pages


def without_markdown(site: Site, links: Links) -> tuple[Site, Links]:
    """The site and its links with every article's Markdown body let go: once rendered, nothing reads it
    (plan, feeds and the index read the HTML), and at 10,000 articles it is 100 MB of a build's memory."""
    lean = {id(article): dataclasses.replace(article, body="") for article in site.articles}
    stories = {slug: dataclasses.replace(story, versions={lang: lean[id(article)] for lang, article in story.versions.items()})
               for slug, story in links.stories.items()}
    return (dataclasses.replace(site, articles=tuple(lean[id(article)] for article in site.articles)),
            dataclasses.replace(links, stories=stories))


def _digest(text: str) -> str:
    return digest(text.encode("utf-8", "surrogatepass"))


def _stamp_digest(shared: str, stamp: tuple) -> str:
    """A digest of what an article's HTML is made from (render_bodies' stamp), given `shared`, the digest
    of what every article's is: its Markdown is hashed as it is, as repr would copy it (twice the time)."""
    hashed = hashlib.blake2b(stamp[0].encode("utf-8", "surrogatepass"), digest_size=16)
    hashed.update(f"\0{shared}{stamp[1:4]!r}".encode("utf-8", "surrogatepass"))
    return hashed.hexdigest()


# What loading a part of .nashra-cache/ that is missing, damaged or of another layout may raise.
UNREADABLE = (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError,
              IndexError, KeyError)


class BuildCache:
    """.nashra-cache/ in the site: what a build may reuse from the last one, one file per part ("front": the
    parsed front matter; "links": the reverse maps and related stories; "bodies": the HTML of every article's
    Markdown, its bytes in a blocks file beside it (blocks.py); "words": what the search index read from it,
    kept the same way (Shelf.dump); and for the last output folder, "output": its files, "index": the
    search index's state, "groups": what each group of pages read; "stamps": the sources' digests by their
    stat, stamps.py), each loaded when its stage starts and written when it ends, so no stage holds the
    others' part in memory. Every entry is keyed by a digest of what it was made from, so an entry is right
    whichever build wrote it. The files are named by nashra's version, Python's and the settings: any of
    them changing starts afresh. Safe to delete at any time."""

    FOLDER = ".nashra-cache"
    FORMAT = 13                          # the layout of what is kept: a change starts afresh

    def __init__(self, root: Path, config: Config):
        # Not the base URL: mention links are root-relative, so `nashra serve` and `nashra build` share it.
        self.key = _digest(repr((self.FORMAT, __version__, sys.version_info[:2], dataclasses.replace(config, base_url=""))))[:16]
        self.folder = root / self.FOLDER
        self._mapped: dict = {}          # (slug, lang) -> (body, its bytes in the blocks file): see load_bodies

    def _path(self, part: str) -> Path:
        return self.folder / f"build-{self.key}-{part}.pickle"

    def load(self, part: str) -> dict:
        """A part as `save` wrote it, or {} when there is none or it is unreadable."""
        try:
            with open(self._path(part), "rb") as stream:
                return blocks.read_record(stream)
        except UNREADABLE:
            return {}                    # none yet, or unreadable: build without it

    def load_bodies(self) -> dict:
        """The last build's HTML of every article (the "bodies" part): {(slug, lang): (a digest of what it
        was made from, Rendered)}, each body's packed HTML a view of the part's blocks file, mapped (see
        blocks.py): a build that changes one article reads in only the HTML of the pages it renders."""
        try:
            record, pieces = blocks.load(self._path("bodies"))
            stored = {}
            for (key, made_from, first_paragraph, mentioned, html_digest), piece in zip(record["entries"], pieces):
                body = Rendered(blocks.view(piece), first_paragraph, mentioned, html_digest)
                stored[key] = (made_from, body)
                self._mapped[key] = (body, piece)
            return stored
        except UNREADABLE:
            self._mapped.clear()
            return {}

    def save_bodies(self, stored: dict) -> None:
        """Keep `stored` (as load_bodies returns it) for the next build: the HTML of a body loaded mapped
        is copied file to file."""
        entries, pieces = [], []
        for key, (made_from, body) in stored.items():
            loaded = self._mapped.get(key)
            pieces.append(loaded[1] if loaded is not None and loaded[0] is body else body.packed)
            entries.append((key, made_from, body.first_paragraph, body.mentioned, body.digest))
        self._save_with(lambda path: blocks.dump(path, {"entries": entries}, pieces), "bodies")
        self._mapped.clear()

    def load_reads(self) -> search.Shelf:
        """What the last build's index read of each article (the "words" part, mapped: see Shelf.load)."""
        try:
            return search.Shelf.load(self._path("words"))
        except UNREADABLE:
            return search.Shelf()

    def save_reads(self, reads: search.Shelf) -> None:
        self._save_with(reads.dump, "words")

    def _save_with(self, write: Callable[[Path], None], part: str) -> None:
        """write(path) a part, then remove that part's files of other cache keys."""
        try:
            self.folder.mkdir(exist_ok=True)
            (self.folder / ".gitignore").write_text("*\n", encoding="utf-8")
            path = self._path(part)
            write(path)
            for old in self.folder.glob(f"build-*-{part}.pickle*"):
                if not old.name.startswith(path.name):
                    old.unlink()
        except OSError:
            pass                         # a read-only site still builds; the next build starts afresh

    def manifest(self, output: Path) -> Manifest | None:
        """The record of the last build's output files, when it went to `output`."""
        saved = self.load("output")
        if saved.get("output") != str(output) or not isinstance(saved.get("files"), dict):
            return None
        return Manifest(saved["output"], saved["inputs"], saved["files"], saved["summary"])

    def save(self, part: str, data: dict) -> None:
        """Keep `data` as the part, for `load` (pickled a slice at a time: blocks.write_record)."""
        def write(path: Path) -> None:
            temporary = path.with_suffix(".tmp")
            with open(temporary, "wb") as stream:
                blocks.write_record(stream, data)
            os.replace(temporary, path)

        self._save_with(write, part)


def mention_table(site: Site, links: Links, urls: Urls, lang: str, actors, countries) -> MentionTable:
    """The names, in `lang`, of the actors and countries an article links, and where each links to."""
    names = links.mention_names[lang]
    entries = [(Target(("actor", slug), urls.actor(lang, slug), site.actors[slug].name.get(lang, "")),
                names[("actor", slug)]) for slug in actors]
    entries += [(Target(("country", code), urls.country(lang, code), site.countries[code].name.get(lang, "")),
                 names[("country", code)]) for code in countries]
    return MentionTable(entries)


SOURCE_FOLDERS = ("content", "static", "templates", "themes", "i18n")


def check_output(root: Path, output: Path) -> None:
    """The output folder is replaced wholesale, so it may never be the site or hold its sources."""
    sources = [root / name for name in SOURCE_FOLDERS]
    if output == root or output in root.parents or any(output == s or s in output.parents for s in sources):
        raise_if_any([ContentError(output, None, "the output folder would replace the site's own files",
                                   "choose a folder of its own, such as public/ (the default)")])


@few_full_collections()
def build(root: Path, output: Path | None = None, base_url: str | None = None, drafts: bool = False,
          workers: int | None = None, fingerprint: bool = True, cache: bool = True,
          progress: Progress | None = None, remember_output: bool = True) -> BuildReport:
    """Build the site in `root` into `output` (default root/public). Raises BuildError; then nothing is written.

    `workers`: processes for Markdown and templates (default: every core for large sites, 1 for small).
    `fingerprint`: pages link fingerprinted copies of stylesheets and scripts (`nashra serve` links the
    plain files, so that a stylesheet edit re-renders no page). `cache`: reuse and keep .nashra-cache/.
    `remember_output`: keep a record of the output's files there too, so the next build into the same
    folder renders and writes only what changed (`nashra check` builds into a temporary folder: no).
    `progress` hears of each stage and of the articles and pages done (progress.py)."""
    progress = progress or Progress(delay=float("inf"))
    started = time.perf_counter()
    report = BuildReport(output=Path())
    watch = _Stopwatch(report.stages)
    root = root.resolve()
    config: Config = load_config(root)
    if base_url:
        config = config.with_base_url(base_url)
    output = (output or root / "public").resolve()
    check_output(root, output)
    theme = theme_dir(root, config.theme)
    report.output, report.languages = output, config.languages

    store = BuildCache(root, config) if cache else None
    progress.stage("load")
    stamps = FileDigests(store.load("stamps").get("files")) if store is not None and remember_output else None
    sources = source_digest(root, theme, (str(output), config.base_url, drafts, fingerprint), stamps) \
        if stamps is not None else ""
    # What a page is made from besides its template and context: the templates and strings themselves.
    looks = source_digest(root, theme, (fingerprint,), stamps, folders=("templates", "i18n")) if sources else ""
    if stamps is not None and stamps.changed:
        store.save("stamps", {"files": stamps.remembered})
    del stamps                               # at 10,000 articles, 16 MB
    manifest = store.manifest(output) if sources else None
    if manifest is not None and manifest.inputs == sources and output_matches(output, manifest):
        # Nothing the build reads has changed, and the output is as the last build left it.
        report.pages.update(manifest.summary["pages"])
        report.files, report.unchanged = len(manifest.files), True
        watch.lap("load")
        progress.finish()
        report.seconds = time.perf_counter() - started
        return report

    parsed = ParsedFrontMatter(store.load("front").get("parsed") if store is not None else None)
    documents, errors = load_content(root, parsed, workers)
    front = parsed.used if parsed.parsed or len(parsed.used) != len(parsed.known) else None
    del parsed                               # the last build's: at 30,000 articles, 100 MB
    release_memory()
    watch.lap("load")
    progress.stage("model")
    site, model_errors = make_site(config, documents, drafts)
    del documents                        # the site holds what the build needs of them
    watch.lap("model")
    progress.stage("link")
    last_links = store.load("links").get("links") if store is not None else None
    links, link_errors = link(site, last_links if isinstance(last_links, Links) else None)
    watch.lap("link")
    raise_if_any(errors + model_errors + link_errors + check_pages(site))
    if store is not None:
        if front is not None:
            store.save("front", {"parsed": front})
        if last_links is None or last_links.shape is not links.shape:
            store.save("links", {"links": dataclasses.replace(links, stories={})})
    del front, last_links

    statics = assets.static_files(layered(root, theme, "static"))
    fingerprinted = assets.fingerprint(statics) if fingerprint else {}
    urls = Urls(config.base_url, tuple((str(path), str(copy)) for path, (copy, _) in fingerprinted.items()))
    strings = i18n.load_strings(layered(root, theme, "i18n"), config.languages)
    markup_cache = {"stored": store.load_bodies()} if store else None
    progress.stage("markup", sum(len(story.versions) for story in links.stories.values()))
    words = search.Shelf()                # what the index reads of each article, read with its Markdown
    markdown = {(article.slug, article.lang): article.body for article in site.articles}
    site, links = without_markdown(site, links)
    bodies, bios, page_bodies = render_bodies(site, links, urls, workers, markup_cache, progress.advance, words,
                                              markdown)
    if store is not None:
        store.save_bodies(markup_cache.pop("stored"))
    del markup_cache, markdown
    release_memory()                         # the Markdown and the last build's HTML
    watch.lap("markup")
    staging = Staging(output, manifest)
    files: dict[str, Entry] = {}          # output path -> the file as written or kept

    def put(path: PurePosixPath, data: bytes) -> None:
        files[str(path)] = staging.write(path, data)

    try:
        for relative, source in statics.items():
            files[str(relative)] = staging.copy(source, relative)
        for copy, data in fingerprinted.values():
            put(copy, data)

        env = environment(root, theme)
        # The pages but the search pages, which link the index's files, are rendered while this process
        # makes the index: its work is mostly one process's, and the workers keep the other cores busy.
        inputs = Inputs(site, links, urls, strings, bodies, bios, page_bodies, search=None)
        groups = Planner(inputs).group_keys()
        after_index = [key for key in groups if key[0] == "search"]
        setting = _digest(looks + repr(urls.fingerprints)) if looks else ""
        trace = store is not None and remember_output
        last_table = store.load("groups") if trace and looks and manifest is not None else {}
        last_groups = kept_groups(last_table, Planner(inputs).value_digest, setting, staging, set(groups))
        # The table of reads goes on from the last build's, which the kept groups' ids point into.
        table = ReadTable(last_table.get("reads"), last_table.get("values")) if last_groups else ReadTable()
        del last_table
        release_memory()                     # before the workers fork: they would carry it
        planners: dict[str, Planner] = {}      # one per process: each forked worker fills its own copy

        def render_groups(planner: Planner, chunk: list[tuple]) -> tuple[bytes, list[GroupMade]]:
            """Plan a chunk of the planner's groups, render their pages and write them: a page's context
            lives only while it is rendered, so memory does not grow with the site. A page made from the
            same template and context as last time is neither rendered nor written (see write.Staging).
            When traced, each group comes back with the ids of what it read (Planner.traced) in the chunk's
            table of reads, which holds those values' digests (packed: see ReadTable.packed)."""
            reads_here, done = ReadTable(), []
            for key in chunk:
                jobs, reads = planner.traced(key) if trace else (planner.group(key), ())
                pages = []
                for job in jobs:
                    path = urls.output_path(job.url)
                    made_from = _page_digest(looks, job, planner) if looks and job.body is None else ""
                    entry = staging.unchanged(path, made_from)
                    rendered = entry is None and job.body is None
                    if entry is None:
                        entry = staging.write(path, job.body if job.body is not None else
                                              render_page(env, job.template, job.context), made_from)
                    pages.append(Written(job.url, job.kind, job.lang, str(job.sources[0]) if job.sources else "",
                                         job.body is None, str(path), entry, rendered))
                ids = array("i", [reads_here.add(read, planner.value_digest(read)) for read in reads])
                done.append(GroupMade(key, ids, tuple(pages)))
            return reads_here.packed(), done

        def merged(chunk: tuple[bytes, list[GroupMade]]) -> list[GroupMade]:
            """A chunk's groups with their ids in the build's table."""
            packed, done = chunk
            ids = table.take(packed)
            return [group._replace(ids=array("i", map(ids.__getitem__, group.ids))) for group in done]

        def index(forked: bool) -> SearchFiles:
            progress.stage("index")
            made = updated_index(store, staging, site, links, urls, bodies, words, files) if trace else None
            if made is None:
                index_cache = {"stored": store.load_reads()} if store else None
                # The articles' HTML is the workers' now (the search pages, rendered here, do not read it).
                made = build_index(site, links, urls, bodies, 1, index_cache, write=put, read=words,
                                   keep=store.save_reads if store else None, free_bodies=forked)
            else:
                report.index_updated = True
                if forked:
                    bodies.clear()
                release_memory()             # before the workers' pages come back
            watch.lap("index")
            progress.stage("render+write", len(groups))
            progress.advance(len(last_groups))
            return made

        def for_index_only() -> None:        # a render worker's start: it never reads what the index reads
            words.clear()
            release_memory()

        todo = [key for key in groups if key[0] != "search" and key not in last_groups]
        chunks, index_files = map_beside(lambda chunk: render_groups(planners.setdefault("planner", Planner(inputs)), chunk),
                                         todo, index, workers, progress.advance, for_index_only, receive=merged)
        made = {group.key: group for done in chunks for group in done}
        del chunks
        made.update((group.key, group) for group in merged(render_groups(
            Planner(dataclasses.replace(inputs, search=index_files)), after_index)))
        progress.advance(len(after_index))
        made.update(last_groups)
        written = [page for key in groups for page in made[key].pages]
        raise_if_any(check_unique(written))
        files.update((page.path, page.entry) for page in written)
        staging.commit(files)
    except BaseException:
        staging.discard()
        raise
    watch.lap("render+write")
    progress.finish()
    report.pages.update(Counter((page.kind, page.lang) for page in written if page.templated))
    report.files = len(files)
    report.rendered = sum(page.rendered for page in written)
    if store is not None and remember_output:
        store.save("output", vars(Manifest(str(output), sources, files, {"pages": dict(report.pages)})))
        store.save("index", {"output": str(output), "state": index_files.state})
        if looks:
            store.save("groups", saved_groups(output, setting, [made[key] for key in groups if key[0] != "search"],
                                              table))
    report.seconds = time.perf_counter() - started
    return report


def updated_index(store: BuildCache, staging: Staging, site: Site, links: Links, urls: Urls,
                  bodies: dict[tuple[str, str], Rendered], words: search.Shelf,
                  files: dict[str, Entry]) -> SearchFiles | None:
    """The index of the last build into this output brought up to date (search.update_index): its new files
    written, the others kept where they are (into `files`), and the words it read saved for the next build.
    None when it must be made afresh: no such build, or any of its files not as that build left it."""
    last = store.load("index")
    state = last.get("state")
    if last.get("output") != str(staging.output) or not isinstance(state, search.IndexState):
        return None
    stored = store.load_reads()                # the last build's words; `words` holds those read this build
    unread: dict[bytes, tuple[str, Rendered]] = {}

    def key_of(article) -> bytes:
        body = bodies[(article.slug, article.lang)]
        key = search.read_digest(article.title, body.digest)
        if key not in words and key not in stored:
            unread[key] = (article.title, body)          # a new title on an unchanged body
        return key

    def read_of(key: bytes) -> search._Read | None:
        if key in words:
            return words[key]
        if key in stored:
            return stored[key]
        if key in unread:
            title, body = unread.pop(key)
            words[key] = search.read_article(title, plain_text(body.html))
            return words[key]
        return None

    made = search.update_index(state, site, links, urls, key_of, read_of, lambda path: (staging.output / path).read_bytes())
    if made is None:
        return None
    kept = {}
    for path in made.state.paths().difference(made.files):
        entry = staging.kept(path)
        if entry is None:
            return None
        kept[str(path)] = entry
    files.update(kept)
    files.update((str(path), staging.write(path, data)) for path, data in made.files.items())
    this_build = search.Shelf()
    this_build.share(stored, {key: key for key in made.state.keys if key in stored})
    this_build.share(words, {key: key for key in made.state.keys if key in words and key not in stored})
    store.save_reads(this_build.compact())
    return made


def _page_digest(looks: str, job: PageJob, planner: Planner) -> str:
    """What a page is made from, as a digest: its template and context (the UI strings, `t`, are in
    `looks`), with the planner's shared values as their digests (Planner.digestible). As JSON, which unlike
    pickle does not depend on which equal values are the same object."""
    context = {key: planner.digestible(value) for key, value in job.context.items() if key != "t"}
    return digest((looks + job.template + json.dumps(context, ensure_ascii=False, check_circular=False,
                                                     default=_plain)).encode("utf-8", "surrogatepass"))


def _plain(value: object) -> object:
    """A value JSON lacks, as plain data: a date as ISO text, a UI string table (Strings) as its tables."""
    return value.isoformat() if hasattr(value, "isoformat") else [type(value).__name__, vars(value)]


def source_digest(root: Path, theme: Path, options: tuple, files: FileDigests,
                  folders: tuple[str, ...] = SOURCE_FOLDERS) -> str:
    """A digest of every file a build reads from these folders of the site and its theme, of nashra's own
    code and of the build's options: when it is unchanged, so is everything the build would make. Each
    file's digest comes from `files`, which reads only the files whose stat changed."""
    hashed = hashlib.blake2b(repr((__version__, options)).encode("utf-8"), digest_size=16)
    places = [root / name for name in folders] + [theme / name for name in folders if theme.parent != root / "themes"]
    places += [root / CONFIG_FILE, Path(__file__).parent]
    for place in map(str, places):
        found = sorted(path for _, path in walk_files(place) if "__pycache__" not in path) \
            if os.path.isdir(place) else [place] if os.path.isfile(place) else []
        for path in found:
            hashed.update(f"\0{path}\0".encode("utf-8", "surrogateescape"))
            hashed.update(files.of(path))
    return hashed.hexdigest()
