"""Jinja2 environment, theme lookup and overrides; a page job -> HTML."""

from __future__ import annotations

import traceback
from pathlib import Path

import jinja2
import markupsafe

from .errors import BuildError, ContentError

PACKAGE_THEMES = Path(__file__).parent / "themes"
# An editable install (pip install -e .) runs from the source tree, where the theme lives at the root.
SOURCE_THEMES = Path(__file__).resolve().parents[2] / "themes"


def theme_dir(site_root: Path, name: str) -> Path:
    """The site's own themes/<name>/ first, then the theme shipped inside nashra."""
    for folder in (site_root / "themes", PACKAGE_THEMES, SOURCE_THEMES):
        if (folder / name / "templates").is_dir():
            return folder / name
    raise BuildError([ContentError(site_root / "site.toml", None, f"theme {name!r} not found",
                                   f"put it in {site_root / 'themes' / name}/templates, or use theme = \"default\"")])


def layered(site_root: Path, theme: Path, sub: str) -> list[Path]:
    """Folders to look in, most specific first: the site's own, then the theme's."""
    return [p for p in (site_root / sub, theme / sub) if p.is_dir()]


def _escape(value) -> markupsafe.Markup:
    """markupsafe.escape without its Python-level Markup constructor for plain text, the common case:
    a build escapes millions of values."""
    if value.__class__ is str:
        return _new_markup(markupsafe.Markup, _escape_text(value))
    return markupsafe.escape(value)


_new_markup = str.__new__
# markupsafe's own escaping of text (its C speedup where built); the public escape() where it is missing.
_escape_text = getattr(markupsafe, "_escape_inner", None) or (lambda text: str(markupsafe.escape(text)))


class _Template(jinja2.Template):
    @classmethod
    def from_code(cls, environment, code, globals, uptodate=None):
        """A compiled template whose output escaping is _escape (the same escaping, quicker)."""
        template = super().from_code(environment, code, globals, uptodate)
        template.root_render_func.__globals__["escape"] = _escape
        return template


class _Environment(jinja2.Environment):
    """Jinja with a quicker `page.title` for the plain dicts the planner hands templates.

    Jinja looks `x.y` up as an attribute first and as a key after: on a dict that raises and catches an
    AttributeError for every lookup, a tenth of a build's time. A key that is no dict method is the same
    value either way, so it is looked up first; anything else goes Jinja's way."""

    template_class = _Template

    def getattr(self, obj, attribute):
        if obj.__class__ is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except (KeyError, TypeError):
                pass
        return super().getattr(obj, attribute)


_DICT_ATTRIBUTES = frozenset(dir(dict))


def environment(site_root: Path, theme: Path) -> jinja2.Environment:
    """Templates are read once: a build makes a new environment, and so does `nashra serve` when a
    template changes (live.py), so Jinja need not check each file's time on every page."""
    return _Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in layered(site_root, theme, "templates")]),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, auto_reload=False,
    )


def render_page(env: jinja2.Environment, template: str, context: dict) -> str:
    """A page from its template. A template that does not compile or fails while rendering raises
    BuildError with the template file and line."""
    try:
        return env.get_template(template).render(context)
    except jinja2.TemplateError as exc:
        raise BuildError([template_error(exc, template)]) from None


def template_error(exc: jinja2.TemplateError, template: str) -> ContentError:
    """Where a template went wrong: the file and line Jinja names, or else the innermost template frame
    of the traceback (an undefined variable while rendering)."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if filename is None:
        for frame, number in traceback.walk_tb(exc.__traceback__):
            name = frame.f_code.co_filename
            if name.endswith((".html", ".xml", ".txt")) and Path(name).is_file():
                filename, line = name, number
    return ContentError(Path(filename) if filename else Path("templates") / template, line,
                        f"template error: {exc.message or type(exc).__name__}",
                        "fix the template (the site's templates/ overrides the theme's file of the same name)")
