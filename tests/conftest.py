"""Fixtures: tiny sites written inline (make_site) and built for real (built)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nashra.build import build

from helpers import write_site


@pytest.fixture
def make_site(tmp_path):
    """make_site({"content/articles/a.ar.md": "..."}) -> site folder with the default site.toml, actors, countries."""
    def make(files: dict[str, str] | None = None, with_defaults: bool = True, name: str = "site") -> Path:
        return write_site(tmp_path / name, files or {}, with_defaults)
    return make


@pytest.fixture
def built(make_site):
    """built(files) -> the output folder of a successful build."""
    def run(files: dict[str, str] | None = None, **kwargs) -> Path:
        root = make_site(files)
        report = build(root, **kwargs)
        return report.output
    return run
