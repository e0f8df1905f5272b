"""The only writer of a build's output: nothing in the output changes before the build has succeeded.

A build into a new folder writes everything to a temporary folder that then takes the output's name. A
build into an existing folder writes only the files whose bytes are new to a temporary folder, then
moves them in and removes the files it no longer makes. It knows a file is unchanged from the last
build's record of the output (a `Manifest`, kept in .nashra-cache/), or else by reading it; with that
record it also skips rendering a page whose template and context are unchanged. Either way the output
ends byte for byte what a build into an empty folder makes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from stat import S_ISREG
from typing import NamedTuple


class Entry(NamedTuple):
    """One output file as the build left it: what it was made from (a page's template and context, as a
    digest; "" when unknown), a digest of its bytes, and its size and modification time then."""

    made_from: str
    digest: str
    size: int
    mtime_ns: int


@dataclass
class Manifest:
    """The record of a build's output folder, kept in .nashra-cache/ for the next build into it."""

    output: str = ""
    inputs: str = ""                       # a digest of every source and option (see build.source_digest)
    files: dict[str, Entry] = field(default_factory=dict)      # by path in the output ("en/index.html")
    summary: dict = field(default_factory=dict)     # what the build reported, to report again unchanged


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Staging:
    """Where a build writes: `write` and `copy` from any process, `commit` (or `discard`) once at the end.

    `previous`: the manifest of the last build into this output, when there is one to trust."""

    def __init__(self, output: Path, previous: Manifest | None = None):
        self.output = output.resolve()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.new-", dir=self.output.parent))
        self.in_place = self.output.is_dir()
        self.previous = previous.files if previous is not None and self.in_place else {}
        self.staged = str(self.path)
        self._folders: set[str] = set()      # folders made in the staging folder (by this process)

    def _as_left(self, relative: PurePosixPath, entry: Entry | None) -> Entry | None:
        """The last build's entry when the output still holds that file as it was written."""
        if entry is None:
            return None
        try:
            stat = os.stat(f"{self.output}/{relative}")      # plain strings: called for every file
        except OSError:
            return None
        same = S_ISREG(stat.st_mode) and (stat.st_size, stat.st_mtime_ns) == (entry.size, entry.mtime_ns)
        return entry if same else None

    def kept(self, relative: str | PurePosixPath) -> Entry | None:
        """The last build's entry of a file, when the output still holds it as that build left it."""
        return self._as_left(relative, self.previous.get(str(relative)))

    def unchanged(self, relative: PurePosixPath, made_from: str) -> Entry | None:
        """The entry of a file made from exactly this last time and still in the output, or None."""
        entry = self.previous.get(str(relative)) if made_from else None
        return self._as_left(relative, entry) if entry is not None and entry.made_from == made_from else None

    def _in_output(self, relative: PurePosixPath, data: bytes, hashed: str) -> tuple[int, int] | None:
        """(size, mtime) of the output's file when it holds exactly `data` already: known from the last
        build's record when the file is as that build left it, else by reading it."""
        kept = self.kept(relative)
        if kept is not None:
            return (kept.size, kept.mtime_ns) if kept.digest == hashed else None
        target = self.output / relative
        try:
            stat = os.stat(target)
        except OSError:
            return None
        if not S_ISREG(stat.st_mode) or stat.st_size != len(data):
            return None
        with open(target, "rb") as stream:
            return (stat.st_size, stat.st_mtime_ns) if stream.read() == data else None

    def write(self, relative: PurePosixPath, data: str | bytes, made_from: str = "") -> Entry:
        if isinstance(data, str):
            data = data.encode("utf-8")
        hashed = digest(data)
        found = self._in_output(relative, data, hashed) if self.in_place else None
        if found is None:
            found = self._put(str(relative), data)
        return Entry(made_from, hashed, *found)

    def _put(self, relative: str, data: bytes) -> tuple[int, int]:
        """Write a file into the staging folder; its (size, mtime), which moving it into place keeps.
        Plain os calls, and each folder made once per process: a build writes tens of thousands."""
        target = os.path.join(self.staged, relative)
        folder = os.path.dirname(target)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view):]
            stat = os.fstat(descriptor)
        finally:
            os.close(descriptor)
        return stat.st_size, stat.st_mtime_ns

    def copy(self, source: Path, relative: PurePosixPath) -> Entry:
        return self.write(relative, source.read_bytes())

    def commit(self, files: dict[str, Entry]) -> None:
        """Put the new files in place. Building afresh: the new folder replaces the old one, which is
        removed only afterwards. In place: files no longer made go, new and changed ones move in."""
        if not self.in_place:
            os.chmod(self.path, 0o755)
            old = None
            if self.output.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.old-", dir=self.output.parent))
                os.rmdir(old)
                os.rename(self.output, old)
            os.rename(self.path, self.output)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
            return
        output, staged = str(self.output), str(self.path)
        _prune(output, files)                # also a folder where a new file goes: nothing in it is made
        for relative, source in walk_files(staged):
            target = os.path.join(output, relative)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.replace(source, target)
        shutil.rmtree(self.path, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def walk_files(top: str, prefix: str = ""):
    """(path relative to `top` with "/", full path) of every file below `top`: plain strings and scandir,
    which at hundreds of thousands of files is many times quicker than pathlib."""
    with os.scandir(top) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from walk_files(entry.path, f"{prefix}{entry.name}/")
            else:
                yield prefix + entry.name, entry.path


def _prune(folder: str, keep: dict[str, Entry], prefix: str = "") -> bool:
    """Remove the files below `folder` that `keep` lacks, and the folders that leaves empty. Empty now?"""
    empty = True
    with os.scandir(folder) as found:
        entries = list(found)
    for entry in entries:
        relative = prefix + entry.name
        if entry.is_dir(follow_symlinks=False):
            if _prune(entry.path, keep, relative + "/"):
                os.rmdir(entry.path)
            else:
                empty = False
        elif relative in keep:
            empty = False
        else:
            os.unlink(entry.path)
    return empty


def output_matches(output: Path, manifest: Manifest) -> bool:
    """Whether `output` holds exactly the manifest's files, each as the build left it."""
    if not output.is_dir():
        return False
    seen = 0
    for relative, path in walk_files(str(output)):
        entry = manifest.files.get(relative)
        if entry is None:
            return False
        stat = os.stat(path)
        if (stat.st_size, stat.st_mtime_ns) != (entry.size, entry.mtime_ns):
            return False
        seen += 1
    return seen == len(manifest.files)
