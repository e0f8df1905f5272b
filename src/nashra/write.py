"""The only writer: everything goes to a temporary folder that replaces the output when the build succeeded."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath


class Staging:
    """A temporary output folder beside the real one; `commit()` swaps it in."""

    def __init__(self, output: Path):
        self.output = output.resolve()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.new-", dir=self.output.parent))

    def write(self, relative: PurePosixPath, data: str | bytes) -> None:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            data = data.encode("utf-8")
        target.write_bytes(data)

    def copy_tree(self, source: Path) -> set[PurePosixPath]:
        """Copy a static/ folder; later calls override earlier ones file by file. Returns what it copied."""
        copied = set()
        for path in sorted(source.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                relative = path.relative_to(source)
                target = self.path / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
                copied.add(PurePosixPath(relative.as_posix()))
        return copied

    def commit(self) -> None:
        """Put the new folder in place of the old one; the old one is removed only afterwards."""
        os.chmod(self.path, 0o755)
        old = None
        if self.output.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.old-", dir=self.output.parent))
            os.rmdir(old)
            os.rename(self.output, old)
        os.rename(self.path, self.output)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
