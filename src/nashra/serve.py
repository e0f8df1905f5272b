"""`nashra serve`: build into a temporary folder, serve it, rebuild on every save, reload the open tabs.

Three parts, each on its own thread:
- the watcher (watchdog) notes which source files changed;
- the builder waits until a save has settled (editors write several events per save), rebuilds what it
  touched (live.LiveBuild), then tells the server which output files changed, then updates the search index;
- the server (tornado, the engine under livereload) serves the output folder with the headers of its
  `_headers` file, injects livereload's client into HTML it sends (never into the files), and sends
  `reload` only to the tabs whose page changed, at once. A CSS change swaps the stylesheet in place.
While the sources do not build, every HTML page it sends carries an error panel over the last good page.
"""

from __future__ import annotations

import errno
import html
import json
import mimetypes
import os
import shutil
import sys
import tempfile
import threading
import time
import webbrowser
from pathlib import Path, PurePosixPath
from typing import Callable
from urllib.parse import unquote, urlsplit

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import ioloop, netutil, web
from tornado.httpserver import HTTPServer
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from . import headers
from .build import SOURCE_FOLDERS
from .config import load_config
from .errors import BuildError, ContentError
from .live import LiveBuild, Rebuilt
from .load import is_temporary
from .render import theme_dir

# A save is settled when no further event came for this long (one save is often 2-4 events within a few ms).
SETTLE = 0.01
# ... or at the latest this long after its first event.
SETTLE_MAX = 0.5
# After reloading the open pages, the rest of a rebuild waits until they are back (at most this long).
RELOAD_WAIT = 0.3
# The search index is brought up to date once saves have paused this long, so that it does not slow the
# reload of the page being looked at (the builder and the server share one interpreter).
INDEX_AFTER = 1.0
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".json": "application/json", ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml", ".woff2": "font/woff2", ".woff": "font/woff",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp", ".ico": "image/x-icon",
    "": "text/plain; charset=utf-8",
}
LIVERELOAD_PATH = "/livereload"


# The error panel's style, served beside livereload.js (an inline style would break the site's CSP).
PANEL_STYLE_PATH = "/nashra-serve/error.css"
PANEL_STYLE = """#nashra-build-error { position: fixed; inset: 0; z-index: 2147483647; overflow: auto; padding: 2rem;
  background: rgba(20, 20, 20, .94); color: #fff; font: 16px/1.5 system-ui, sans-serif; }
#nashra-build-error h2 { margin: 0 0 .5rem; color: #ff8a80; }
#nashra-build-error p { margin: 0 0 1rem; }
#nashra-build-error pre { white-space: pre-wrap; text-align: start; background: #000; padding: 1rem; margin: 0;
  border-inline-start: 4px solid #ff8a80; }
"""


class PortInUse(Exception):
    """The port cannot be listened on; the message says why and what to do."""


class Tabs:
    """The browser tabs connected through livereload's socket, each with the page it shows.

    A tab that is reloading while its page changes again may fetch the page just before the new version
    is written and connect just after the reload was sent. So the server notes when it last sent each
    page and when each page last changed: a tab that connects with an older copy is reloaded once more."""

    def __init__(self, prefix: str = ""):
        self.sockets: dict["ReloadSocket", str] = {}
        self.prefix = prefix
        self.arrived = threading.Condition()       # notified when a tab (re)connects: its page has loaded
        self.arrivals = 0
        self.served_at: dict[PurePosixPath, float] = {}
        self.changed_at: dict[PurePosixPath, float] = {}
        self.all_changed_at = 0.0

    def arrive(self, socket: "ReloadSocket", url: str) -> None:
        self.sockets[socket] = url
        page = _page_file(url, self.prefix)
        if page is not None and self.served_at.get(page, 0.0) < max(self.changed_at.get(page, 0.0),
                                                                     self.all_changed_at):
            socket.send_message({"command": "reload", "path": url, "liveCSS": True})
        with self.arrived:
            self.arrivals += 1
            self.arrived.notify_all()

    def wait_for_arrival(self, since: int, timeout: float) -> None:
        with self.arrived:
            self.arrived.wait_for(lambda: self.arrivals > since, timeout)

    def pages(self) -> set[PurePosixPath]:
        """The output files the tabs show (read from the builder's thread: a copy is taken first)."""
        return {path for url in list(self.sockets.values()) if (path := _page_file(url, self.prefix)) is not None}

    def reload(self, changed: set[PurePosixPath], everything: bool = False) -> int:
        """Reload the tabs whose page is among `changed` (output paths), or is missing (a 404 that may
        exist now); all tabs when `everything` or a script, image or font changed; swap changed stylesheets.
        (The search index's files are data: the search page, which names them, changes with them.)"""
        now = time.monotonic()
        styles = [p for p in changed if p.suffix == ".css"]
        assets = [p for p in changed if p.suffix not in (".html", ".css", ".json", "") and p.parts[0] != "search"]
        everything = everything or bool(assets)
        if everything:
            self.all_changed_at = now
        self.changed_at.update((p, now) for p in changed if p.suffix == ".html")
        sent = 0
        for socket, page in list(self.sockets.items()):
            target = _page_file(page, self.prefix)
            if everything or target in changed or target is None or not socket.exists(target):
                socket.send_message({"command": "reload", "path": page, "liveCSS": True})
                sent += 1
            else:
                for style in styles:
                    socket.send_message({"command": "reload", "path": "/" + style.as_posix(), "liveCSS": True})
        return sent


def _page_file(url: str, prefix: str) -> PurePosixPath | None:
    """The output file a tab's address shows: http://host/ar/x/ -> ar/x/index.html."""
    path = unquote(urlsplit(url).path)
    if not path.startswith(prefix + "/"):
        return None
    path = path[len(prefix) + 1:]
    return PurePosixPath(path + "index.html" if path.endswith("/") or not path else path)


class ReloadSocket(LiveReloadHandler):
    """livereload's WebSocket protocol (hello, info, reload) without its timers: we decide when to reload."""

    def initialize(self, tabs: Tabs, output: Path):
        self.tabs, self.output = tabs, output

    def exists(self, path: PurePosixPath) -> bool:
        return (self.output / path).is_file()

    def check_origin(self, origin: str) -> bool:
        """Only pages of this server may listen (a page of another site may not learn what is being edited)."""
        return urlsplit(origin).netloc == self.request.host

    def on_message(self, message):
        data = json.loads(message)
        if data.get("command") == "hello":
            self.send_message({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"],
                               "serverName": "nashra"})
        elif data.get("command") == "info" and isinstance(data.get("url"), str):
            self.tabs.arrive(self, data["url"])

    def on_close(self):
        self.tabs.sockets.pop(self, None)


class Preview:
    """What the server shows: the output folder, its headers rules, and the error of the last rebuild."""

    def __init__(self, live: LiveBuild, port: int):
        self.live, self.port = live, port
        self.prefix = urlsplit(live.base_url or "").path.rstrip("/")     # the base path: "" or "/project"
        self.error: str | None = None
        self.tabs = Tabs(self.prefix)
        self._rules: tuple[float, headers.Rules] = (0.0, [])

    def rules(self) -> headers.Rules:
        path = self.live.output / "_headers"
        try:
            mtime = path.stat().st_mtime
        except OSError:
            return []
        if mtime != self._rules[0]:
            self._rules = (mtime, headers.parse(path.read_text(encoding="utf-8")))
        return self._rules[1]

    def language_of(self, path: str, accept: str) -> str:
        """The language of a page address (/ar/...), else the visitor's first site language, else the default."""
        languages = self.live.config.languages
        first = path[len(self.prefix):].strip("/").split("/")[0]
        if first in languages:
            return first
        for part in accept.split(","):
            code = part.split(";")[0].strip().lower().split("-")[0]
            if code in languages:
                return code
        return languages[0]

    def decorate(self, page: bytes, lang: str) -> bytes:
        """An HTML page as sent: livereload's client, and the error panel while the sources do not build."""
        extra = f'<script async src="/livereload.js?port={self.port}" data-nashra-serve></script>\n'
        if self.error is not None:
            extra = self.error_panel(lang) + extra
        text = page.decode("utf-8")
        at = text.rfind("</body>")
        at = len(text) if at < 0 else at
        return (text[:at] + extra + text[at:]).encode("utf-8")

    def error_panel(self, lang: str) -> str:
        """The panel over the page; its style is a file of its own (PANEL_STYLE), as the site's CSP allows."""
        strings = self.live.strings.get(lang) or next(iter(self.live.strings.values()))
        return (f'<link rel="stylesheet" href="{PANEL_STYLE_PATH}">'
                f'<div id="nashra-build-error" role="alert" lang="{lang}">'
                f'<h2>{html.escape(strings("serve_error_title"))}</h2>'
                f'<p>{html.escape(strings("serve_error_hint"))}</p>'
                f'<pre dir="ltr" lang="en">{html.escape(self.error)}</pre></div>\n')


class PanelStyle(web.RequestHandler):
    def get(self) -> None:
        self.set_header("Content-Type", "text/css; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")
        self.finish(PANEL_STYLE)


class SiteHandler(web.RequestHandler):
    """Files of the output folder, never outside it, with the host's headers and a 404 in the right language."""

    def initialize(self, preview: Preview):
        self.preview = preview

    def compute_etag(self):
        return None

    def head(self):
        self.get(head=True)

    def get(self, head: bool = False):
        preview = self.preview
        raw = self.request.path
        path = unquote(raw)
        prefix = preview.prefix
        if not path.startswith(prefix + "/"):
            if raw.rstrip("/") == prefix.rstrip("/") or raw == "/":
                return self.redirect(prefix + "/", permanent=False)
            return self.not_found(path)
        target = self.resolve(path[len(prefix) + 1:])
        if target is None:
            return self.not_found(path)
        if target.is_dir():
            if not raw.endswith("/"):
                query = f"?{self.request.query}" if self.request.query else ""
                return self.redirect(raw + "/" + query, permanent=True)
            target = target / "index.html"
            if not target.is_file():
                return self.not_found(path)
        self.send_file(target, path, 200, head)

    def resolve(self, relative: str) -> Path | None:
        """The file for a path inside the output folder, or None: no '..', no hidden files, no link out."""
        parts = relative.split("/")
        if any(p in ("..", ".") or p.startswith(".") or "\\" in p or "\x00" in p for p in parts if p):
            return None
        root = self.preview.live.output
        target = Path(os.path.realpath(root / relative))
        if target != root and not target.is_relative_to(root):
            return None
        return target if target.exists() else None

    def send_file(self, target: Path, path: str, status: int, head: bool = False) -> None:
        asked = time.monotonic()                  # before reading: a page written after this is newer
        try:
            data = target.read_bytes()
        except OSError:
            return self.not_found(path)
        suffix = target.suffix.lower()
        self.set_status(status)
        self.set_header("Content-Type", CONTENT_TYPES.get(suffix) or mimetypes.guess_type(target.name)[0]
                        or "application/octet-stream")
        self.set_header("Cache-Control", "no-cache")
        for name, value in headers.headers_for(self.preview.rules(), path).items():
            self.set_header(name, value)
        if suffix == ".html":
            if status == 200:
                self.preview.tabs.served_at[PurePosixPath(target.relative_to(self.preview.live.output).as_posix())] = asked
            data = self.preview.decorate(data, self.preview.language_of(path, self.request.headers.get("Accept-Language", "")))
        self.set_header("Content-Length", str(len(data)))
        if not head:
            self.write(data)
        self.finish()

    def not_found(self, path: str) -> None:
        lang = self.preview.language_of(path, self.request.headers.get("Accept-Language", ""))
        page = self.preview.live.output / self.preview.live.urls.output_path(self.preview.live.urls.not_found(lang))
        if page.is_file():
            return self.send_file(page, path, 404)
        self.set_status(404)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish("404 page not found\n")


class Builder(threading.Thread):
    """Rebuilds after each settled save, one at a time, and hands each result (or error) to `report`."""

    def __init__(self, live: LiveBuild, report: Callable[[Rebuilt | BuildError, str, set[Path]], None], tabs: Tabs):
        super().__init__(daemon=True, name="nashra-builder")
        self.live, self.report, self.tabs = live, report, tabs
        self.pending: set[Path] = set()
        self.first_event = self.last_event = 0.0
        self.wake = threading.Condition()
        self.stopped = False

    def changed(self, path: Path) -> None:
        with self.wake:
            now = time.monotonic()
            if not self.pending:
                self.first_event = now
            self.pending.add(path)
            self.last_event = now
            self.wake.notify()

    def stop(self) -> None:
        with self.wake:
            self.stopped = True
            self.wake.notify()

    def interrupted(self) -> bool:
        """A save is waiting (or the server stops): long work gives way to it."""
        return bool(self.pending) or self.stopped

    def take(self, timeout: float | None) -> set[Path] | None:
        """The paths of the next settled save (waiting at most `timeout`), or None."""
        with self.wake:
            deadline = None if timeout is None else time.monotonic() + timeout
            while not self.pending and not self.stopped:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return None
                self.wake.wait(left)
            while not self.stopped:
                now = time.monotonic()
                settle = min(self.last_event + SETTLE, self.first_event + SETTLE_MAX) - now
                if settle <= 0:
                    break
                self.wake.wait(settle)
            paths, self.pending = self.pending, set()
            return None if self.stopped else paths

    def run(self) -> None:
        index_due = self.live.index_stale
        while not self.stopped:
            paths = self.take(INDEX_AFTER if index_due else None)
            if paths is None:
                if index_due and not self.stopped:        # quiet: bring the search index up to date
                    self.attempt(lambda: self.live.finish(cancelled=self.interrupted), "index", set())
                    index_due = self.live.index_stale     # still stale when a save interrupted it
                continue
            open_pages = self.tabs.pages()

            def first_done(result: Rebuilt, paths=paths) -> None:
                """The open pages are written: reload them, and let them load before rendering the rest."""
                arrivals = self.tabs.arrivals
                self.report(result, "first", paths)
                if result.written:
                    self.tabs.wait_for_arrival(arrivals, RELOAD_WAIT)

            index_due = self.attempt(lambda: self.live.rebuild(paths, open_pages, first_done), "pages", paths) \
                or index_due

    def attempt(self, step, stage: str, paths: set[Path]) -> bool:
        try:
            result = step()
        except BuildError as exc:
            self.report(exc, stage, paths)
            return False
        except Exception as exc:                  # a template bug, say: report it, keep serving
            self.report(BuildError([_as_content_error(exc, self.live.root)]), stage, paths)
            return False
        self.report(result, stage, paths)
        return True


def _as_content_error(exc: Exception, root: Path) -> ContentError:
    filename = getattr(exc, "filename", None)
    return ContentError(Path(filename) if filename else root, getattr(exc, "lineno", None),
                        f"{type(exc).__name__}: {exc}", "fix it and save; the server keeps running")


class _Watch(FileSystemEventHandler):
    """Hands every change under the watched folders to the builder; starts watching a source folder
    (templates/, static/ ...) that is made while serving."""

    def __init__(self, builder: Builder, output: Path, observer: Observer, root: Path):
        self.builder, self.output, self.observer, self.root = builder, output, observer, root
        self.watched: set[Path] = set()

    def watch(self, folder: Path) -> None:
        if folder not in self.watched:
            self.watched.add(folder)
            self.observer.schedule(self, str(folder), recursive=True)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write") or (event.is_directory and event.event_type == "modified"):
            return                 # a folder's "modified" only says a file in it changed, which has its own event
        for path in (event.src_path, getattr(event, "dest_path", "")):
            if not path:
                continue
            path = Path(os.fsdecode(path))
            if path.is_relative_to(self.output) or is_temporary(path):
                continue
            if event.is_directory and path.parent == self.root and path.name in SOURCE_FOLDERS and path.is_dir():
                self.watch(path)
            self.builder.changed(path)


def _stop_watching(observer: Observer, timeout: float = 2.0) -> None:
    """Stop the watcher, waiting at most `timeout`: watchdog's stop() joins its emitter threads without a
    limit, and one still reading a burst of events (a save just before Ctrl-C) kept `nashra serve` from
    exiting. Its threads are daemons, so the process ends even if one is still winding down."""
    stopper = threading.Thread(target=observer.stop, daemon=True, name="nashra-watch-stop")
    stopper.start()
    stopper.join(timeout)
    if not stopper.is_alive():
        observer.join(timeout)


def watched_folders(root: Path, theme: Path) -> list[Path]:
    """The site's sources and the theme in use (which may live outside the site)."""
    folders = [root / name for name in SOURCE_FOLDERS if (root / name).is_dir()]
    if not theme.is_relative_to(root):
        folders.append(theme)
    return folders


def bind(host: str, port: int) -> list:
    try:
        return netutil.bind_sockets(port, address=host)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PortInUse(f"port {port} on {host} is already in use (is another `nashra serve` running?)\n"
                            f"  hint: stop it, or pick another port: nashra serve --port {port + 1}") from None
        if exc.errno == errno.EACCES:
            raise PortInUse(f"port {port} on {host} may not be used by this user (ports below 1024 are reserved)\n"
                            "  hint: pick a port above 1023, such as the default: nashra serve --port 8000") from None
        raise


def serve(site: Path, port: int = 8000, host: str = "127.0.0.1", drafts: bool = False, open_browser: bool = False,
          verbose: bool = False, out=sys.stdout) -> int:
    """Build, serve and keep current until Ctrl-C. Returns the exit code; raises PortInUse or BuildError
    (site.toml) before serving."""
    if host not in LOOPBACK:
        print(f"warning: serving on {host}: other machines on the network can read this site (and its drafts). "
              "Use the default --host 127.0.0.1 to keep it to this computer.", file=out, flush=True)
    root = site.resolve()
    config = load_config(root)
    theme = theme_dir(root, config.theme)
    sockets = bind(host, port)
    port = sockets[0].getsockname()[1]
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    shown_host = f"[{shown_host}]" if ":" in shown_host else shown_host
    base_url = f"http://{shown_host}:{port}" + urlsplit(config.base_url).path.rstrip("/")
    output = Path(tempfile.mkdtemp(prefix="nashra-serve-"))
    try:
        live = LiveBuild(root, output, base_url=base_url, drafts=drafts, index_later=True)
        return Session(live, port, verbose, out).run(sockets, watched_folders(root, theme), open_browser)
    finally:
        shutil.rmtree(output, ignore_errors=True)


class Session:
    """One `nashra serve`: the server, the watcher and the builder around one live build."""

    def __init__(self, live: LiveBuild, port: int, verbose: bool, out):
        self.live, self.verbose, self.out = live, verbose, out
        self.loop = ioloop.IOLoop.current()
        self.preview = Preview(live, port)
        self.tabs = self.preview.tabs
        self.reloaded: set[PurePosixPath] = set()      # pages reloaded ahead of the rest of their rebuild

    def run(self, sockets: list, folders: list[Path], open_browser: bool) -> int:
        started = time.perf_counter()
        live, out = self.live, self.out
        builder = Builder(live, self.report, self.tabs)
        observer = Observer()                          # watching starts before the first build: no save is lost
        handler = _Watch(builder, live.output, observer, live.root)
        for folder in folders:
            handler.watch(folder)
        observer.schedule(handler, str(live.root), recursive=False)      # site.toml, and folders made later
        observer.start()
        server = None
        try:
            try:
                first = live.rebuild()
            except BuildError as exc:
                print(exc.format(Path.cwd()), file=out)
                print(f"Build failed: {len(exc.errors)} error(s). Fix them and run nashra serve again.", file=out)
                return 1
            address = live.base_url + "/"
            print(f"Built {first.pages} pages in {first.seconds:.2f} s. Serving {live.root} at {address} "
                  f"(Ctrl-C to stop)\n  files: {live.output} (removed on exit; nothing is written into the site)",
                  file=out, flush=True)
            app = web.Application([
                (LIVERELOAD_PATH, ReloadSocket, {"tabs": self.tabs, "output": live.output}),
                (r"/livereload\.js", LiveReloadJSHandler),
                (PANEL_STYLE_PATH, PanelStyle),
                (r"/.*", SiteHandler, {"preview": self.preview}),
            ], log_function=lambda handler: None)
            server = HTTPServer(app)
            server.add_sockets(sockets)
            # Hand the interpreter to the server thread sooner while the builder works (default: every 5 ms).
            sys.setswitchinterval(0.001)
            builder.start()
            if self.verbose:
                print(f"ready in {time.perf_counter() - started:.2f} s", file=out, flush=True)
            if open_browser:
                webbrowser.open(address)
            self.loop.start()
        except KeyboardInterrupt:
            print("\nStopped.", file=out, flush=True)
        finally:
            builder.stop()
            if server is not None:
                server.stop()
            for sock in sockets:
                sock.close()
            _stop_watching(observer)
        return 0

    def report(self, result: Rebuilt | BuildError, stage: str, paths: set[Path]) -> None:
        """Called from the builder's thread: handled on the server's."""
        self.loop.add_callback(self.reported, result, stage, paths)

    def reported(self, result: Rebuilt | BuildError, stage: str, paths: set[Path]) -> None:
        live, preview, tabs, out = self.live, self.preview, self.tabs, self.out
        clock = time.strftime("%H:%M:%S")
        if isinstance(result, BuildError):
            error = result.format(live.root)
            print(f"{clock} {_names(paths, live.root)}: the site did not build; the browser shows why.\n{error}",
                  file=out, flush=True)
            if error != preview.error:
                preview.error = error
                tabs.reload(set(), everything=True)
            return
        cleared = preview.error is not None
        preview.error = None
        if stage == "first":
            self.reloaded.update(result.written)
            tabs.reload(result.written, everything=cleared)
            return
        tabs.reload(result.changed - self.reloaded, everything=cleared or result.everything)
        self.reloaded.clear()
        if stage == "index":
            if self.verbose or any(p.parts[0] != "search" for p in result.changed):
                print(f"{clock} search index: {len(result.changed)} files in {result.seconds * 1000:.0f} ms",
                      file=out, flush=True)
            return
        stages = ("  (" + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in live.stages.items()) + ")"
                  if self.verbose else "")
        print(f"{clock} {_names(paths, live.root)}: {result.pages} pages rendered, {len(result.changed)} files "
              f"changed, in {result.seconds * 1000:.0f} ms{stages}", file=out, flush=True)


def _names(paths: set[Path], root: Path) -> str:
    shown = sorted(str(p.relative_to(root)) if p.is_relative_to(root) else str(p) for p in paths)
    if not shown:
        return "search index"
    return ", ".join(shown[:3]) + (f" and {len(shown) - 3} more" if len(shown) > 3 else "")
