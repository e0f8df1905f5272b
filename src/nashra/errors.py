"""Errors a person can act on: which file, which line, what is wrong, what to do."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ContentError(Exception):
    """A problem in one input file. `line` is 1-based, or None for the whole file."""

    path: Path
    line: int | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        return self.format()

    def __reduce__(self):          # picklable: errors cross from worker processes
        return ContentError, (self.path, self.line, self.message, self.hint)

    def format(self, root: Path | None = None) -> str:
        path = self.path
        if root is not None:
            try:
                path = self.path.resolve().relative_to(root.resolve())
            except ValueError:
                pass
        where = f"{path}:{self.line}" if self.line else f"{path}"
        text = f"{where}: {self.message}"
        return f"{text}\n  hint: {self.hint}" if self.hint else text


class BuildError(Exception):
    """One or more content errors; the build stopped and wrote nothing."""

    def __init__(self, errors: list[ContentError]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = sorted(errors, key=lambda e: (str(e.path), e.line or 0, e.message))

    def format(self, root: Path | None = None) -> str:
        return "\n".join(e.format(root) for e in self.errors)

    def __reduce__(self):
        return BuildError, (self.errors,)


def raise_if_any(errors: list[ContentError]) -> None:
    if errors:
        raise BuildError(errors)
