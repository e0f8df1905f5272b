"""What static hosts are told: the `_headers` and `_redirects` files (Netlify, Cloudflare Pages and others).

netlify.toml in the repository carries the same rules for the sample site (a test compares them).

Headers. Every response gets the headers no other rule sets (nosniff, referrer and permissions policies).
Pages get a Content-Security-Policy that allows only the site's own files, and a short Cache-Control;
fingerprinted assets and the search index (every file name carries a content hash) a long, immutable one.
Hosts differ on overlapping rules that set the same header (Netlify lets the later win, Cloudflare Pages
joins both values), so no two rules that can match one path set the same header: pages are matched per
language and depth (`:name` is exactly one path segment), embed views being the only pages four segments
deep that may be framed by any site.

Redirects. `/` goes to the visitor's language by Accept-Language (Netlify's Language condition), else to
the default language; a missing page gets its language's 404 page. Hosts without redirects use the HTML
fallback at / (root.html) and the 404.html files: /404.html (GitHub Pages) and /<lang>/404.html.
"""

from __future__ import annotations

from . import assets
from .embed import LOADER_SCRIPT
from .urls import FEED_FILES, Urls

# Only the site's own files; data: for inline SVG images in CSS; no plugins; forms and <base> stay on the site.
_POLICY = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
           "frame-ancestors {ancestors}")
EVERY_RESPONSE = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
PAGE = {"Content-Security-Policy": _POLICY.format(ancestors="'self'"),
        "Cache-Control": "public, max-age=0, must-revalidate"}
EMBED_VIEW = {"Content-Security-Policy": _POLICY.format(ancestors="*"),
              "Cache-Control": "public, max-age=0, must-revalidate"}
OEMBED = {"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=3600"}
FEED = {"Cache-Control": "public, max-age=600"}
IMMUTABLE = {"Cache-Control": "public, max-age=31536000, immutable"}
# The embed loader keeps its address (partners paste it), so it may not be cached for long.
LOADER = {"Cache-Control": "public, max-age=3600"}


def header_rules(languages: tuple[str, ...]) -> list[tuple[str, dict[str, str]]]:
    """(path pattern, headers) for a site in these languages, before the base path."""
    rules = [("/*", EVERY_RESPONSE), ("/", PAGE)]
    for lang in languages:
        rules += [
            (f"/{lang}", PAGE),                                   # home
            (f"/{lang}/:section", PAGE),                          # indexes, search, free pages, 404.html, feeds
            (f"/{lang}/:section/:slug", PAGE),                    # articles, actors, countries, home pages
            (f"/{lang}/:section/:slug/page/:n", PAGE),            # further pages of an actor or country
            (f"/{lang}/:section/:slug/embed", EMBED_VIEW),
            (f"/{lang}/:section/:slug/oembed.json", OEMBED),
        ] + [(f"/{lang}/:section/:slug/{name}", FEED) for name in FEED_FILES.values()]
    rules += [("/404.html", PAGE), (f"/{assets.FOLDER}/*", IMMUTABLE), ("/search/*", IMMUTABLE),
              (f"/{LOADER_SCRIPT}", LOADER)]
    return rules


def headers_file(urls: Urls, languages: tuple[str, ...]) -> str:
    """The `_headers` file, under the base path."""
    lines = ["# Written by nashra build: security headers on every page, long caching for fingerprinted files,",
             "# embed views may be framed by any site, other pages only by this one."]
    for path, headers in header_rules(languages):
        lines.append((urls.base_path + path).rstrip("/") or "/")
        lines += [f"  {name}: {value}" for name, value in headers.items()]
    return "\n".join(lines) + "\n"


def redirect_rules(urls: Urls, languages: tuple[str, ...]) -> list[tuple[str, str, int, bool, dict]]:
    """(from, to, status, force, conditions): the visitor's language at /, and each language's 404 page."""
    root = urls.root()
    rules = [(root, urls.home(lang), 302, True, {"Language": [lang]}) for lang in languages]
    rules.append((root, urls.home(languages[0]), 302, True, {}))
    rules += [(f"{urls.home(lang)}*", urls.not_found(lang), 404, False, {}) for lang in languages]
    rules.append((f"{root}*", urls.not_found(languages[0]), 404, False, {}))
    return rules


def redirects_file(urls: Urls, languages: tuple[str, ...]) -> str:
    """The `_redirects` file: first match wins; `!` forces a redirect over an existing file (/index.html)."""
    lines = ["# Written by nashra build: / by the visitor's language, then 404 pages by language."]
    for source, target, status, force, conditions in redirect_rules(urls, languages):
        condition = " ".join(f"{name}={','.join(values)}" for name, values in conditions.items())
        lines.append(f"{source}  {target}  {status}{'!' if force else ''}  {condition}".rstrip())
    return "\n".join(lines) + "\n"
