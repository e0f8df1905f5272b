"""How .nashra-cache/ keeps large things with little memory: records pickled a slice at a time, and bytes
end to end in one file, which the next build maps into memory.

A build that reuses most of those bytes then reads in only the pages it uses, and when it saves them again
the system copies them file to file (os.copy_file_range), not through the build's memory. A blocks file is
written once under a new name and never changed: a build still mapping the last one is not disturbed.
"""

from __future__ import annotations

import itertools
import mmap
import os
import pickle
import secrets
from pathlib import Path
from typing import Iterable


SLICE = 10_000                           # entries of a long list or dict pickled at once (see write_record)


def write_record(stream, record: dict) -> None:
    """Pickle `record` to `stream`, its long lists and dicts a slice at a time: the pickler remembers every
    object it has written, which for the groups' millions of reads at 30,000 articles took 100 MB more
    while they were saved."""
    long = {name: value for name, value in record.items() if isinstance(value, (list, dict)) and len(value) > SLICE}
    head = {name: value for name, value in record.items() if name not in long}
    sizes = {name: ("list" if isinstance(value, list) else "dict", len(value)) for name, value in long.items()}
    pickle.dump((head, sizes), stream, protocol=pickle.HIGHEST_PROTOCOL)
    for value in long.values():
        items = iter(value if isinstance(value, list) else value.items())
        while piece := list(itertools.islice(items, SLICE)):
            pickle.dump(piece if isinstance(value, list) else dict(piece), stream, protocol=pickle.HIGHEST_PROTOCOL)


def read_record(stream) -> dict:
    """The record write_record wrote. Raises pickle's errors, EOFError or ValueError when it is not one."""
    record, sizes = pickle.load(stream)
    if not isinstance(record, dict):
        raise ValueError("not a record")
    for name, (kind, size) in sizes.items():
        whole = record[name] = [] if kind == "list" else {}
        add = whole.extend if kind == "list" else whole.update
        while len(whole) < size:
            add(pickle.load(stream))
    return record


class MappedFile:
    """A blocks file, open (for copy_file_range) and mapped into memory, read only."""

    def __init__(self, path: Path):
        self.stream = open(path, "rb")
        size = os.fstat(self.stream.fileno()).st_size
        self.map = mmap.mmap(self.stream.fileno(), 0, access=mmap.ACCESS_READ) if size else b""

    def block(self, start: int, length: int) -> MappedBlock:
        return MappedBlock(self, start, length)


class MappedBlock:
    """Part of a MappedFile, read where it is."""

    __slots__ = ("file", "start", "length")

    def __init__(self, file: MappedFile, start: int, length: int):
        self.file, self.start, self.length = file, start, length

    def __len__(self) -> int:
        return self.length


Piece = bytes | bytearray | memoryview | MappedBlock


def view(block: Piece) -> memoryview:
    """A piece's bytes, without copying them."""
    if isinstance(block, MappedBlock):
        return memoryview(block.file.map)[block.start:block.start + block.length]
    return memoryview(block)


def dump(path: Path, record: dict, pieces: Iterable[Piece]) -> None:
    """Write `pieces` end to end to a new blocks file beside `path`, then at `path` `record` with "blocks"
    (that file's name) and "layout" (where each piece went: (start, length)), each file whole or not at
    all. Other blocks files of `path` are removed."""
    blocks = path.with_name(f"{path.name}.blocks-{secrets.token_hex(6)}")
    layout = []
    with open(blocks.with_suffix(".tmp"), "wb") as stream:
        run: MappedBlock | None = None         # mapped pieces end to end in their file are copied at once
        at = 0
        for piece in pieces:
            layout.append((at, len(piece)))
            at += len(piece)
            if isinstance(piece, MappedBlock) and run is not None and run.file is piece.file \
                    and run.start + run.length == piece.start:
                run.length += piece.length
                continue
            if run is not None:
                _write(stream, run)
            run = MappedBlock(piece.file, piece.start, piece.length) if isinstance(piece, MappedBlock) else None
            if run is None:
                stream.write(piece)
        if run is not None:
            _write(stream, run)
    os.replace(blocks.with_suffix(".tmp"), blocks)
    temporary = path.with_suffix(".tmp")
    with open(temporary, "wb") as stream:
        write_record(stream, {**record, "blocks": blocks.name, "layout": layout})
    os.replace(temporary, path)
    for old in path.parent.glob(f"{path.name}.blocks-*"):
        if old != blocks:
            old.unlink(missing_ok=True)


def load(path: Path) -> tuple[dict, list[MappedBlock]]:
    """The record `dump` wrote to `path`, and its pieces, mapped from their file. Raises OSError, or
    pickle's errors, when either is missing or unreadable."""
    with open(path, "rb") as stream:
        record = read_record(stream)
    source = MappedFile(path.with_name(record["blocks"]))
    return record, [source.block(start, length) for start, length in record["layout"]]


def _write(stream, block: MappedBlock) -> None:
    """A mapped block appended to `stream`: copied by the system where it can, else through the map."""
    stream.flush()
    copy = getattr(os, "copy_file_range", None)
    start, left = block.start, block.length
    try:
        while copy is not None and left:
            done = copy(block.file.stream.fileno(), stream.fileno(), left, start)
            if not done:
                break
            start, left = start + done, left - done
    except OSError:
        pass                                   # not between these files: copied below
    stream.seek(0, os.SEEK_END)
    if left:                                   # no copy_file_range, or it stopped short
        with view(block) as whole:
            stream.write(whole[start - block.start:])
