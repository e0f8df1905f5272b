"""Fingerprinted stylesheets and scripts: css/nashra.css is also written as assets/css/nashra.<hash>.css.

Pages link the fingerprinted copy, which hosts may cache for a year (hosting.py): a new build that changes
the file changes its name. The plain copy stays where it was, for hand-written links, and the embed loader
is never fingerprinted: partners paste its address into their pages.
"""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath

from .embed import LOADER_SCRIPT

FOLDER = "assets"
SUFFIXES = (".css", ".js")
STABLE = frozenset({LOADER_SCRIPT})


def static_files(folders: list[Path]) -> dict[PurePosixPath, Path]:
    """Every file of the static folders, most specific first (the site's own override the theme's)."""
    found: dict[PurePosixPath, Path] = {}
    for folder in reversed(folders):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                found[PurePosixPath(path.relative_to(folder).as_posix())] = path
    return found


def fingerprinted_name(relative: PurePosixPath, data: bytes) -> PurePosixPath:
    digest = hashlib.blake2b(data, digest_size=5).hexdigest()
    return PurePosixPath(FOLDER) / relative.parent / f"{relative.stem}.{digest}{relative.suffix}"


def fingerprint(files: dict[PurePosixPath, Path]) -> dict[PurePosixPath, tuple[PurePosixPath, bytes]]:
    """Static path -> (its fingerprinted path, its bytes), for the stylesheets and scripts."""
    out = {}
    for relative, path in files.items():
        if relative.suffix in SUFFIXES and str(relative) not in STABLE and relative.parts[0] != FOLDER:
            data = path.read_bytes()
            out[relative] = (fingerprinted_name(relative, data), data)
    return out
