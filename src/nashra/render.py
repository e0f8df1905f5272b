"""Jinja2 environment, theme lookup and overrides; a page job -> HTML."""

from __future__ import annotations

import traceback
from pathlib import Path

import jinja2

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


def environment(site_root: Path, theme: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in layered(site_root, theme, "templates")]),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True,
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
