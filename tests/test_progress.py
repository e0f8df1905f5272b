"""Progress: plain lines in a log, a bar on a terminal, nothing for a build of a moment."""

from __future__ import annotations

import io
import re

from nashra.build import build
from nashra.progress import Progress

from helpers import article


def site_files(n: int) -> dict[str, str]:
    return {f"content/articles/s{i:03d}.ar.md": article(f"خبر {i}", date=f"2025-01-{1 + i % 28:02d}") for i in range(n)}


def test_a_log_gets_one_line_per_stage_with_its_count(make_site, tmp_path):
    log = io.StringIO()
    build(make_site(site_files(30)), tmp_path / "out", progress=Progress(log, delay=0, tty=False))
    lines = log.getvalue().splitlines()
    assert [line.split(" ")[0] for line in lines] == ["load", "model", "link", "markup", "index", "render+write"]
    assert lines[3].startswith("markup (30) done in ") and re.match(r"render\+write \([\d,]+\) done in", lines[5])


def test_a_terminal_gets_a_bar_that_ends_cleared(make_site, tmp_path):
    screen = io.StringIO()
    progress = Progress(screen, delay=0, tty=True)
    progress.drawn = -1.0
    build(make_site(site_files(30)), tmp_path / "out", progress=progress, workers=1)
    text = screen.getvalue()
    assert "\n" not in text and text.endswith("\r\033[K")
    assert re.search(r"\r\033\[K(markup|load|render\+write) ", text)


def test_a_quick_build_shows_nothing(make_site, tmp_path):
    log = io.StringIO()
    build(make_site(site_files(3)), tmp_path / "out", progress=Progress(log, delay=60, tty=False))
    assert log.getvalue() == ""
