"""Incremental rebuilds for `nashra serve`: the pipeline of build(), redoing only what an edit touches.

A live build keeps, from one rebuild to the next, the documents it read, the Markdown it rendered, the
links, and for every group of pages (the planner's groups: an article, an actor's pages, a home list ...)
the keys it read and the files it wrote. After an edit it compares the new site with the last one key
by key (an article, an actor's name, a story as a list shows it, an actor's list of stories ...) and
renders again only the groups that read a changed key. Files are written only when their bytes change.

The search index is rebuilt (from cached words) in a second step, `finish()`, so the page an author is
looking at can reload first. After `finish()` the output folder is byte for byte what build() writes:
a test makes random edits and compares.
"""

from __future__ import annotations

import gc
import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import AbstractSet as Set
from typing import Callable, NamedTuple

import jinja2
import jinja2.meta

from . import i18n
from .assets import static_files
from .build import SOURCE_FOLDERS, BuildCache, _Stopwatch, check_output, render_bodies
from .config import CONFIG_FILE, load_config
from .errors import ContentError, raise_if_any
from .link import Links, link
from .load import SECTIONS, content_files, is_temporary, read_document
from .markup import plain_text
from .model import Made, Site, assemble, made_from
from .parallel import few_full_collections, map_chunks
from .plan import Inputs, PageJob, Planner, check_pages, check_unique
from .render import environment, layered, render_page, theme_dir
from .search import Cancelled, SearchFiles, build_index, read_article, read_digest, update_index
from .urls import Urls

# The lookups whose values are compared between builds (see Planner._memo): a list re-renders only when
# a story as that list shows it has changed, not whenever the story's file was saved.
VALUE_KINDS = {"item": "item", "actor": "actor_ref", "country": "country_ref"}
# The keys whose change can add or remove a group of pages, or change its addresses (list pages).
STRUCTURE = {"versions", "actor_set", "country_set", "pages", "order", "by_actor", "by_country", "template"}
# The keys (see Planner._read) whose change changes the search index: articles, their entities and names.
INDEX_INPUTS = {"article", "versions", "actor", "country", "by_actor", "by_country", "order", "actor_set",
                "country_set"}


@dataclass
class Rebuilt:
    """What one rebuild did."""

    written: set[PurePosixPath] = field(default_factory=set)     # files whose bytes changed, or are new
    removed: set[PurePosixPath] = field(default_factory=set)
    pages: int = 0                       # pages rendered from a template (written or not)
    seconds: float = 0.0
    everything: bool = False                                     # every page was planned again

    @property
    def changed(self) -> set[PurePosixPath]:
        return self.written | self.removed


class _Claim(NamedTuple):
    """A page as a group claimed it: what check_unique needs to name the files that claim one address."""

    url: str
    kind: str
    sources: tuple[Path, ...]


class _Group(NamedTuple):
    """A planner group at the last build: what it read (templates included), the pages it claimed, their files."""

    reads: frozenset[tuple]
    claims: tuple[_Claim, ...]
    paths: tuple[str, ...]


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _put(target: Path, data: bytes) -> None:
    """Write a file atomically: a page is never served half-written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.nashra-tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)


class LiveBuild:
    """A site built into `output` and kept current by `rebuild(changed_paths)` then `finish()`."""

    def __init__(self, root: Path, output: Path, base_url: str | None = None, drafts: bool = False,
                 index_later: bool = False):
        """`index_later`: the first rebuild leaves the search index (and the search pages' links to it)
        to `finish()`, so the pages are served sooner."""
        self.root = root.resolve()
        self.index_later = index_later
        self.output = output.resolve()
        self.base_url = base_url
        self.drafts = drafts
        check_output(self.root, self.output)
        self._made: dict[Path, tuple[str, Made | ContentError]] = {}    # content file -> (section, what it made)
        self._markup: dict = {}                    # render_bodies' cache
        self._words: dict = {}                     # build_index's cache
        self._memo: dict[str, dict] = {}           # the planner's lookups at the last build (see _planner)
        self._groups: dict[tuple, _Group] = {}
        self._readers: dict[tuple, set[tuple]] = {}     # key -> the groups that read it
        self._hashes: dict[str, bytes] = {}        # every file in the output -> digest of its bytes
        self._static: dict[str, tuple[Path, tuple]] = {}
        self._search_paths: set[str] = set()
        self._last: tuple | None = None            # (site, links, bodies, bios, page_bodies) of the last build
        self._search: SearchFiles | None = None
        self.index_stale = True
        self.stages: dict[str, float] = {}         # seconds per stage of the last rebuild
        self._retry: set[Path] | None = set()      # changes a failed rebuild left to do (None: everything)

    # --- the two steps ------------------------------------------------------------------------

    @few_full_collections()
    def rebuild(self, changed: set[Path] | None = None, first: Set[PurePosixPath] = frozenset(),
                first_done: Callable[[Rebuilt], None] | None = None) -> Rebuilt:
        """Bring every page up to date with the sources; `changed`: the files that changed, None for all.
        The pages in `first` (output paths: the ones open in a browser) are written before the others, and
        `first_done` hears of them at once.

        Raises BuildError and leaves the output as it was when the sources have errors."""
        started = time.perf_counter()
        self.stages = {}
        watch = _Stopwatch(self.stages)
        # What a failed rebuild was asked to do is still to do (site.toml broken, then an article saved ...).
        changed = None if changed is None or self._retry is None else changed | self._retry
        self._retry = None if changed is None else set(changed)
        everything, templates_changed, statics = self._classify(changed)
        if everything or self._last is None:
            self._setup()
            self._made.clear()
        self._read(None if everything else changed)
        made: dict[str, list] = {section: [] for section in SECTIONS}
        for _, (section, result) in sorted(self._made.items(), key=lambda item: item[0].name):   # as content_files sorts
            made[section].append(result)
        watch.lap("load")
        site, model_errors = assemble(self.config, made, self.drafts)
        watch.lap("model")
        links, link_errors = link(site, self._last[1] if self._last and not everything else None)
        watch.lap("link")
        raise_if_any(model_errors + link_errors + check_pages(site))
        if self._last is None:
            # The first build reuses what `nashra build` left in .nashra-cache/ (read only: serve writes
            # nothing into the site); later rebuilds have their own caches in memory.
            store = BuildCache(self.root, self.config)
            self._markup["stored"] = store.load_bodies()
            self._words["stored"] = store.load_reads()
        bodies, bios, page_bodies = render_bodies(site, links, self.urls, self._workers(), self._markup)
        self._markup.pop("stored", None)
        watch.lap("markup")

        first_build = self._last is None
        if first_build and not self.index_later:
            self._search = build_index(site, links, self.urls, bodies, self._workers(), self._words)
            self._words.pop("stored", None)        # .nashra-cache's words serve the first index only
            self.index_stale = False
        self._search = self._search or SearchFiles({}, "", "")
        planner = self._planner(site, links, bodies, bios, page_bodies, seeded=not (everything or first_build))
        if everything or first_build:
            changed_keys = None
        else:
            changed_keys = self._changed_keys(planner, site, links, bodies, page_bodies)
            if templates_changed:
                changed_keys |= {("template", name) for name in self._templates_using(templates_changed)}
        self.index_stale = self.index_stale or (not first_build or self.index_later) and (
            changed_keys is None or any(key[0] in INDEX_INPUTS for key in changed_keys))
        watch.lap("compare")
        result = self._render(planner, changed_keys, statics or everything or first_build,
                              index=first_build and not self.index_stale,
                              first=first, first_done=first_done)
        watch.lap("render+write")
        self._last = (site, links, bodies, bios, page_bodies)
        self._retry = set()
        result.everything = changed_keys is None
        if result.everything:
            # What a full build keeps is long-lived: keep the collector from walking it on every rebuild
            # (a full collection over it costs tens of milliseconds, at random moments).
            gc.freeze()
        result.seconds = time.perf_counter() - started
        return result

    @few_full_collections()
    def finish(self, cancelled: Callable[[], bool] | None = None) -> Rebuilt:
        """Rebuild the search index after `rebuild()`, and the search pages when its address changed.
        `cancelled` (asked now and then) stops it early, leaving the index stale for the next call."""
        started = time.perf_counter()
        result = Rebuilt()
        if self._last is None or not self.index_stale:
            return result
        site, links, bodies, bios, page_bodies = self._last
        old = self._search
        try:
            self._search = self._update_index(cancelled) or \
                build_index(site, links, self.urls, bodies, self._workers(), self._words, cancelled)
            self._words.pop("stored", None)
            keys = set() if (old.manifest_url, old.runtime_url) == (self._search.manifest_url,
                                                                    self._search.runtime_url) else {("search",)}
            planner = self._planner(site, links, bodies, bios, page_bodies)
            result = self._render(planner, keys, statics=False, index=True, cancelled=cancelled)
        except Cancelled:
            # The search pages still name the old index, whose files are all still there (files no longer
            # wanted are removed only at the end of a step); new ones written so far are kept or tidied later.
            self._search = old
            return result
        self.index_stale = False
        result.seconds = time.perf_counter() - started
        return result

    def _update_index(self, cancelled: Callable[[], bool] | None) -> SearchFiles | None:
        """The last index brought up to date (search.update_index), or None when it must be made afresh."""
        if self._search is None or self._search.state is None:
            return None
        site, links, bodies, _, _ = self._last
        known: dict = self._words.setdefault("articles", {})      # read digest -> _Read
        unread: dict = {}

        def key_of(article) -> bytes:
            body = bodies[(article.slug, article.lang)]
            key = read_digest(article.title, body.digest)
            if key not in known:
                unread[key] = (article.title, body)
            return key

        def read_of(key: bytes):
            if key not in known:
                title, body = unread[key]
                known[key] = read_article(title, plain_text(body.html))
            return known[key]

        made = update_index(self._search.state, site, links, self.urls, key_of, read_of,
                            lambda path: (self.output / path).read_bytes(), cancelled)
        if made is not None:
            self._words["articles"] = {key: known[key] for key in made.state.keys}
        return made

    # --- what changed -----------------------------------------------------------------------------

    def _classify(self, changed: set[Path] | None) -> tuple[bool, set[str], bool]:
        """(rebuild everything?, template names changed, static files changed?)"""
        if changed is None or self._last is None:
            return True, set(), True
        templates: set[str] = set()
        statics = False
        content = self.root / "content"
        for path in changed:
            path = Path(os.path.abspath(path))
            if is_temporary(path):
                continue
            if path.parent.parent == content and path.parent.name in SECTIONS:
                continue                                   # read again in _read
            if path == self.root / CONFIG_FILE or any(path.is_relative_to(d) for d in self._i18n_dirs) \
                    or path in self._template_dirs:
                return True, set(), True                   # settings, strings, or a whole folder of templates
            folder = next((d for d in self._template_dirs if path.is_relative_to(d)), None)
            if folder is not None:
                templates.add(path.relative_to(folder).as_posix())
                continue
            if any(path.is_relative_to(d) for d in self._static_dirs):
                statics = True
                continue
            if path.is_relative_to(content) or path.is_relative_to(self.output):
                continue
            if any(path.is_relative_to(self.root / name) for name in SOURCE_FOLDERS) or path == self.root:
                return True, set(), True                   # a theme or folder added, moved or removed
        return False, templates, statics

    def _setup(self) -> None:
        config = load_config(self.root)
        if self.base_url:
            config = config.with_base_url(self.base_url)
        self.config = config
        self.urls = Urls(config.base_url)
        self.theme = theme_dir(self.root, config.theme)
        # Where each kind of source may be, whether it exists yet or not (the site's own first).
        self._i18n_dirs, self._template_dirs, self._static_dirs = (
            [self.root / sub, self.theme / sub] for sub in ("i18n", "templates", "static"))
        self.strings = i18n.load_strings(layered(self.root, self.theme, "i18n"), config.languages)
        self.env = environment(self.root, self.theme)

    def _read(self, changed: set[Path] | None) -> None:
        """Read the content files that changed (all of them when `changed` is None)."""
        if changed is None:
            paths = {(path, section) for section, found in content_files(self.root).items() for path in found}
            self._made.clear()
        else:
            content = self.root / "content"
            paths = {(Path(os.path.abspath(p)), Path(os.path.abspath(p)).parent.name) for p in changed}
            paths = {(p, s) for p, s in paths if p.parent.parent == content and s in SECTIONS}
        languages = self.config.languages
        for path, section in paths:
            if path.suffix != ".md" or is_temporary(path) or not path.is_file():
                self._made.pop(path, None)
                continue
            try:
                self._made[path] = (section, made_from(read_document(path, section), languages))
            except ContentError as exc:
                self._made[path] = (section, exc)
            except OSError:                 # gone between the event and now
                self._made.pop(path, None)

    def _planner(self, site, links, bodies, bios, page_bodies, seeded: bool = True) -> Planner:
        """A planner that starts with the last build's lookups (see VALUE_KINDS): _changed_keys makes again
        those whose inputs changed, so lists do not format every date and summary again."""
        planner = Planner(Inputs(site, links, self.urls, self.strings, bodies, bios, page_bodies, self._search))
        if seeded:
            planner.memo = self._memo
        return planner

    def _changed_keys(self, planner: Planner, site: Site, links: Links, bodies, page_bodies) -> set[tuple]:
        """The keys pages read (see Planner._read) whose value differs from the last build."""
        old_site, old_links, old_bodies, _, old_page_bodies = self._last
        keys: set[tuple] = set()
        touched: set[str] = set()              # stories whose list items may have changed
        for slug in old_links.stories.keys() | links.stories.keys():
            old, new = old_links.stories.get(slug), links.stories.get(slug)
            if old is not None and new is not None and old.versions == new.versions and all(
                    old_bodies[(slug, lang)] is bodies[(slug, lang)] for lang in new.versions):
                continue
            touched.add(slug)
            if old is None or new is None or old.versions.keys() != new.versions.keys():
                keys.add(("versions", slug))
            for lang in (old.versions if old else {}).keys() | (new.versions if new else {}).keys():
                if (old is None or new is None or old.versions.get(lang) != new.versions.get(lang)
                        or old_bodies.get((slug, lang)) != bodies.get((slug, lang))):
                    keys.add(("article", slug, lang))
        for kind, old_map, new_map, stories_of in (
                ("actor", old_site.actors, site.actors, (old_links.by_actor, links.by_actor)),
                ("country", old_site.countries, site.countries, (old_links.by_country, links.by_country))):
            ref = planner.actor_ref if kind == "actor" else planner.country_ref
            for key in old_map.keys() | new_map.keys():
                if old_map.get(key) == new_map.get(key):
                    continue
                keys.add((kind, key))
                for lang in self.config.languages:
                    old = planner.memo.get(kind, {}).pop((key, lang), None)
                    value = ref(key, lang) if key in new_map else None
                    if value != old:
                        keys.add((VALUE_KINDS[kind], key, lang))
                        touched.update(s for m in stories_of for s in m.get(key, ()))
        for name in ("by_actor", "by_country", "co_actors", "related", "actors_of_country"):
            old_map, new_map = getattr(old_links, name), getattr(links, name)
            if old_map is not new_map:
                keys.update((name, key) for key in old_map.keys() | new_map.keys()
                            if old_map.get(key) != new_map.get(key))
        if tuple(old_links.stories) != tuple(links.stories):
            keys.add(("order",))
        if tuple(old_site.actors) != tuple(site.actors):
            keys.add(("actor_set",))
        if tuple(old_site.countries) != tuple(site.countries):
            keys.add(("country_set",))
        if [(p.slug, p.lang, p.title) for p in old_site.pages] != [(p.slug, p.lang, p.title) for p in site.pages]:
            keys.add(("pages",))
        for page in {(p.slug, p.lang) for p in old_site.pages} | {(p.slug, p.lang) for p in site.pages}:
            if old_page_bodies.get(page) != page_bodies.get(page):
                keys.add(("page", *page))
        for slug in touched:
            story = links.stories.get(slug)
            for lang in self.config.languages:
                old = planner.memo.get("item", {}).pop((slug, lang), None)
                value = planner.item(story, lang) if story is not None else None
                if value != old:
                    keys.add(("item", slug, lang))
        return keys

    def _templates_using(self, names: set[str]) -> set[str]:
        """Page templates that are, or include, import or extend, one of `names`."""
        self.env = environment(self.root, self.theme)
        uses: dict[str, set[str]] = {}
        for name in self.env.list_templates(extensions=["html", "xml", "txt", "json"]):
            try:
                source = self.env.loader.get_source(self.env, name)[0]
                uses[name] = {n for n in jinja2.meta.find_referenced_templates(self.env.parse(source)) if n}
            except jinja2.TemplateError:
                uses[name] = set()
        found, grew = set(names), True
        while grew:
            before = len(found)
            found |= {name for name, used in uses.items() if used & found}
            grew = len(found) > before
        return found

    # --- render and write ---------------------------------------------------------------------------

    def _render(self, planner: Planner, changed_keys: set[tuple] | None, statics: bool, index: bool = False,
                first: Set[PurePosixPath] = frozenset(), first_done: Callable[[Rebuilt], None] | None = None,
                cancelled: Callable[[], bool] | None = None) -> Rebuilt:
        """Plan and render the groups that read a changed key (all when `changed_keys` is None), the pages in
        `first` first (reported to `first_done`); write the files whose bytes changed; tidy up."""
        # Which groups to plan again. Groups come and go, and change their addresses, only through the
        # structural keys; otherwise the readers of the changed keys are all there is to look at.
        structural = changed_keys is None or any(key[0] in STRUCTURE for key in changed_keys)
        readers = set() if changed_keys is None else {g for key in changed_keys for g in self._readers.get(key, ())}
        if structural:
            keys = planner.group_keys()
            dirty = [key for key in keys if changed_keys is None or key in readers or key not in self._groups]
        else:
            dirty = sorted(readers)
        made: dict[tuple, tuple[list[PageJob], frozenset]] = {}

        def same_urls(key: tuple) -> bool:
            return key in self._groups and [j.url for j in made[key][0]] == [c.url for c in self._groups[key].claims]

        result = Rebuilt()
        done: set[str] = set()
        if first and first_done is not None and changed_keys is not None:
            # The open pages first: plan, render and write their groups before planning the others.
            first = {str(path) for path in first}
            urgent = [key for key in dirty if key in self._groups and not first.isdisjoint(self._groups[key].paths)]
            made.update((key, planner.traced(key)) for key in urgent)
            jobs = [job for key in urgent for job in made[key][0] if self._path(job.url) in first]
            if jobs and all(same_urls(key) for key in urgent):
                self._write_pages(jobs, result)
                first_done(Rebuilt(written=set(result.written), pages=len(jobs)))
                done = {job.url for job in jobs}
        made.update((key, planner.traced(key)) for key in dirty if key not in made)
        # Pages can only come, go or clash when a group does, or a group's addresses change.
        same_pages = not structural and all(same_urls(key) for key in made)
        if not same_pages:
            keys = keys if structural else planner.group_keys()
            raise_if_any(check_unique([job for key in keys
                                       for job in (made[key][0] if key in made else self._groups[key].claims)]))
        jobs = [job for key in made for job in made[key][0] if job.url not in done]
        result.pages = sum(job.body is None for job in jobs) + len(done)

        files: dict[str, bytes | Path] = {}
        if statics:
            files.update(self._static_files())
        if index:
            files.update((str(path), data) for path, data in self._search.files.items())
        for n, (path, data) in enumerate(files.items()):
            if cancelled is not None and n % 64 == 0 and cancelled():
                raise Cancelled()
            if self._write(path, data.read_bytes() if isinstance(data, Path) else data):
                result.written.add(PurePosixPath(path))
        self._write_pages(jobs, result)

        for key, (group_jobs, reads) in made.items():
            old = self._groups.get(key)
            for read in (old.reads - reads) if old else ():
                self._readers[read].discard(key)
            for read in (reads - old.reads) if old else reads:
                self._readers.setdefault(read, set()).add(key)
            self._groups[key] = _Group(reads, tuple(_Claim(j.url, j.kind, j.sources) for j in group_jobs),
                                       tuple(self._path(j.url) for j in group_jobs))
        self._memo = planner.memo
        if same_pages and not statics and not index:
            return result
        keep = set(self._groups) if same_pages else set(keys)
        for key in [k for k in self._groups if k not in keep]:
            for read in self._groups.pop(key).reads:
                self._readers[read].discard(key)
        wanted = {path for group in self._groups.values() for path in group.paths}
        if index:
            state = self._search.state
            self._search_paths = set(map(str, state.paths() if state is not None else self._search.files))
        wanted |= set(self._static) | self._search_paths
        gone = [p for p in self._hashes if p not in wanted]
        self._remove(gone)
        result.removed.update(map(PurePosixPath, gone))
        return result

    def _path(self, url: str) -> str:
        return str(self.urls.output_path(url))

    def _write_pages(self, jobs: list[PageJob], result: Rebuilt) -> None:
        """Render and write pages (on several processes for the first build, which then write the files)."""
        env, output, hashes = self.env, self.output, self._hashes

        def render_and_write(chunk: list[PageJob]) -> list[tuple[str, bytes]]:
            written = []
            for job in chunk:
                text = job.body if job.body is not None else render_page(env, job.template, job.context)
                path = self._path(job.url)
                data = text.encode("utf-8")
                digest = _digest(data)
                if hashes.get(path) != digest:
                    _put(output / path, data)
                    written.append((path, digest))
            return written

        for chunk in map_chunks(render_and_write, jobs, self._workers()):
            for path, digest in chunk:
                self._hashes[path] = digest
                result.written.add(PurePosixPath(path))

    def _static_files(self) -> dict[str, Path]:
        """Static files that are new or changed since the last build (the site's own override the theme's)."""
        found: dict[str, tuple[Path, tuple]] = {}
        for relative, path in static_files(layered(self.root, self.theme, "static")).items():
            stat = path.stat()
            found[str(relative)] = (path, (stat.st_mtime_ns, stat.st_size))
        fresh = {rel: source for rel, (source, stamp) in found.items() if self._static.get(rel) != (source, stamp)}
        self._static = found
        return fresh

    def _write(self, relative: str, data: bytes) -> bool:
        """Write a file when its bytes changed."""
        digest = _digest(data)
        if self._hashes.get(relative) == digest:
            return False
        _put(self.output / relative, data)
        self._hashes[relative] = digest
        return True

    def _remove(self, paths: list[str]) -> None:
        """Delete files, then the folders they leave empty (deepest first)."""
        folders = set()
        for relative in paths:
            self._hashes.pop(relative, None)
            (self.output / relative).unlink(missing_ok=True)
            folders.update((self.output / relative).parents)
        for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
            if folder.is_relative_to(self.output) and folder != self.output and folder.is_dir() \
                    and not any(folder.iterdir()):
                folder.rmdir()

    def _workers(self) -> int | None:
        """Several processes for the first build only: forking a server that runs threads is not safe."""
        return None if self._last is None else 1
