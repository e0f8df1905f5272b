"""Commands only: parse arguments, call the library, print, exit codes."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import __version__
from .build import BuildReport, build
from .config import load_config
from .errors import BuildError, ContentError
from .progress import Progress
from .scaffold import init_site, new_file

KIND_ORDER = ("home", "article", "actor", "actors", "country", "countries", "search", "page", "notfound", "embed")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nashra", description="Build bilingual Arabic/English news microsites with actor and country pages.")
    parser.add_argument("--version", action="version", version=f"nashra {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = commands.add_parser("build", help="build a site into a folder of static files",
                            description="Build the site in SITE into SITE/public (or --output). "
                                        "A failed build leaves the previous output untouched.")
    b.add_argument("site", nargs="?", default=".", type=Path, help="the site folder (default: current folder)")
    b.add_argument("-o", "--output", type=Path, help="output folder (default: SITE/public)")
    b.add_argument("--base-url", help="override base_url from site.toml, e.g. https://user.github.io/site")
    b.add_argument("--drafts", action="store_true", help="include articles and pages marked draft: true")
    b.add_argument("--no-cache", action="store_true",
                   help="neither read nor write SITE/.nashra-cache/ (what the last build made, reused when unchanged)")
    b.add_argument("--quiet", action="store_true", help="print nothing but errors")
    b.add_argument("--verbose", action="store_true", help="also print the time each stage took")

    s = commands.add_parser("serve", help="preview the site: rebuild on every save and reload the browser",
                            description="Build the site into a temporary folder and serve it at "
                                        "http://127.0.0.1:PORT/. Every save rebuilds what it touched and reloads "
                                        "the open pages; a save that breaks the build shows the error in the "
                                        "browser until it is fixed. Ctrl-C stops.")
    s.add_argument("site", nargs="?", default=".", type=Path, help="the site folder (default: current folder)")
    s.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000; 0 picks a free one)")
    s.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1, this computer only)")
    s.add_argument("--drafts", action="store_true", help="include articles and pages marked draft: true")
    s.add_argument("--open", action="store_true", help="open the site in the default browser")
    s.add_argument("--verbose", action="store_true", help="also print the time each stage of a rebuild took")

    c = commands.add_parser("check", help="build into a temporary folder and report broken links, invalid HTML "
                                          "and content to look at",
                            description="Build the site in SITE into a temporary folder (removed afterwards) and "
                                        "report build errors, broken internal links, anchors and assets, invalid "
                                        "HTML (errors), and articles without a translation, unused actors and "
                                        "countries, duplicate titles and empty summaries (warnings). Exit code 1 "
                                        "when there is any error. Nothing is requested from other sites unless "
                                        "--external is given.")
    c.add_argument("site", nargs="?", default=".", type=Path, help="the site folder (default: current folder)")
    c.add_argument("--format", choices=["text", "json"], default="text",
                   help="text for people (default), or one JSON object for tools")
    c.add_argument("--external", action="store_true",
                   help="also request every link to another site (HEAD, then GET; 10 s timeout, 4 at once)")
    c.add_argument("--drafts", action="store_true", help="include articles and pages marked draft: true")

    m = commands.add_parser("import", help="turn scraped news text or saved pages into articles",
                            description="Read plain-text files (a news page copied as text) or saved HTML pages, "
                                        "drop the page's furniture (menus, related stories, comments, mastheads), "
                                        "split pages that hold several stories, link the site's actors and "
                                        "countries, and write content/articles/<slug>.<lang>.md, one per story. "
                                        "Never overwrites a file; never guesses a date.")
    m.add_argument("files", nargs="+", type=Path, metavar="FILE", help="text (.txt) or saved page (.html) files")
    m.add_argument("--site", type=Path, default=Path("."), help="the site folder (default: current folder)")
    m.add_argument("--lang", help="the language of the files (default: told from the text)")
    m.add_argument("--source", help="the publisher's name, when the text does not give it")
    m.add_argument("--url", help="the address the story was published at")
    m.add_argument("--date", help="the day the stories were published, YYYY-MM-DD, for every file of this run (else "
                                  "each article gets a placeholder the build asks you to fill in)")
    m.add_argument("--create-actors", action="store_true",
                   help="also write an actor file for each person named in the text who is not on the site")
    m.add_argument("--dry-run", action="store_true", help="show what would be written, and write nothing")
    m.add_argument("--verbose", action="store_true", help="also list every line dropped, and why")

    i = commands.add_parser("init", help="make a new site that builds at once",
                            description="Write a minimal site into DIR: site.toml, one article in each "
                                        "language, one actor and one country. Existing files are never overwritten.")
    i.add_argument("dir", type=Path, help="folder for the new site")

    n = commands.add_parser("new", help="start a new article, actor or country file",
                            description="Write a content file with front matter to fill in.")
    n.add_argument("kind", choices=["article", "actor", "country"], help="what to create")
    n.add_argument("slug", help="article or actor slug (a-z, 0-9, hyphens), or a two-letter country code")
    n.add_argument("--lang", help="article language, one of the site's languages (default: the default language)")
    n.add_argument("--site", type=Path, default=Path("."), help="the site folder (default: current folder)")
    return parser


def _summary(report: BuildReport) -> str:
    lines = []
    for lang in report.languages:
        counts = [f"{report.pages[(kind, lang)]} {kind}" for kind in KIND_ORDER if report.pages[(kind, lang)]]
        lines.append(f"  {lang}: " + ", ".join(counts))
    total = sum(report.pages.values())
    if report.unchanged:
        return (f"Nothing changed since the last build: {report.output} is up to date ({total} pages, "
                f"{report.files} files; checked in {report.seconds:.2f} s)")
    kept = f"; {report.rendered} rendered, {total - report.rendered} unchanged" if report.rendered < total else ""
    kept += "; search index updated" if report.index_updated else ""
    return (f"Built {total} pages ({report.files} files{kept}) into {report.output} in {report.seconds:.2f} s\n"
            + "\n".join(lines))


def _import(args: argparse.Namespace) -> int:
    from .importer import plan_import, write
    plan = plan_import(args.site, args.files, args.lang, args.source, args.url, args.date, args.create_actors)
    root = args.site.resolve()

    def shown(path: Path) -> str:
        try:
            return str(path.resolve().relative_to(root))
        except ValueError:
            return str(path)

    for article in plan.articles:
        review = "  (title from the first sentence: review it)" if article.title_from_text else ""
        print(f"{shown(article.path)}: {article.title}{review}")
        print(f"  from {article.origin.name} lines {article.lines[0]}-{article.lines[1]} ({article.split_reason}); "
              f"source: {article.source or '-'}; date: {article.date or 'to fill in'}"
              + (f' (the text says "{article.date_words}")' if not article.date and article.date_words else ""))
        print(f"  actors: {', '.join(article.actors) or '-'}; countries: {', '.join(article.countries) or '-'}")
        if article.note:
            print(f"  note: {article.note}")
    for proposal in plan.proposals:
        verb = "would write" if args.dry_run else "writes"
        action = f"{verb} content/actors/{proposal.slug}.md" if proposal.slug else "not on the site"
        print(f"person: {proposal.name} ({action}), {proposal.file.name}:{proposal.line}: {proposal.sentence}")
    if args.verbose:
        for path, dropped in plan.dropped.items():
            for line in dropped:
                print(f"dropped {path.name}:{line.number}: {line.text[:70]} ({line.reason})")
    if args.dry_run:
        print(f"Dry run: {len(plan.articles)} article(s) and {len(plan.actors)} actor(s) would be written; "
              "nothing was written.")
        return 0
    written = write(plan)
    undated = sum(1 for a in plan.articles if not a.date)
    print(f"Wrote {len(written)} file(s)." + (f" {undated} article(s) need a date: search for 'date: TODO'."
                                               if undated else ""))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "build":
            report = build(args.site, args.output, args.base_url, args.drafts, cache=not args.no_cache,
                           progress=None if args.quiet else Progress())
            if not args.quiet:
                print(_summary(report))
            if args.verbose and not args.quiet:
                print("  stages: " + ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in report.stages.items()))
        elif args.command == "serve":
            from .serve import PortInUse, serve       # the server's libraries load only when serving
            try:
                code = serve(args.site, args.port, args.host, args.drafts, args.open, args.verbose)
            except PortInUse as exc:
                print(exc, file=sys.stderr)
                return 1
            # Stopped and tidied up: end now, without waiting at exit for the watcher's and builder's
            # daemon threads, which may be mid-way through an event or a rebuild.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        elif args.command == "check":
            from .check import check, format_text      # html5lib loads only when checking
            report = check(args.site, drafts=args.drafts, external=args.external)
            print(json.dumps(report.to_json(), ensure_ascii=False, indent=2) if args.format == "json"
                  else format_text(report))
            return 1 if report.errors else 0
        elif args.command == "import":
            return _import(args)
        elif args.command == "init":
            for path in init_site(args.dir):
                print(f"created {path}")
            print(f"Now run: nashra build {args.dir}")
        elif args.command == "new":
            lang = args.lang
            if args.kind == "article":
                languages = load_config(args.site.resolve()).languages
                lang = lang or languages[0]
                if lang not in languages:
                    raise ContentError(args.site / "site.toml", None, f"language {lang!r} is not one of the site's "
                                       "languages", f"use --lang {' or --lang '.join(languages)}")
            print(f"created {new_file(args.site, args.kind, args.slug, lang)}")
    except BuildError as exc:
        print(exc.format(Path.cwd()), file=sys.stderr)
        print(f"Build failed: {len(exc.errors)} error(s); nothing was written.", file=sys.stderr)
        return 1
    except ContentError as exc:
        print(exc.format(Path.cwd()), file=sys.stderr)
        return 1
    return 0
