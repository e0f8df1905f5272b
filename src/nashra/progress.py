"""How far a build is: a bar on a terminal, plain lines in a log (CI), nothing for a build of a moment.

The build calls `stage(name, total)` as each stage starts and `advance(n)` as work is done; stages with no
total show as done when they end.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 24


class Progress:
    def __init__(self, stream: TextIO | None = None, delay: float = 1.5, tty: bool | None = None):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.delay = delay                     # show nothing before this many seconds
        self.started = time.perf_counter()
        self.name, self.total, self.done = "", 0, 0
        self.stage_started = self.started
        self.drawn = 0.0
        self.shown = False

    def stage(self, name: str, total: int = 0) -> None:
        self._end_stage()
        self.name, self.total, self.done = name, total, 0
        self.stage_started = time.perf_counter()
        self._draw()

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._draw()

    def finish(self) -> None:
        self._end_stage()
        if self.tty and self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()

    def _late(self) -> bool:
        return time.perf_counter() - self.started >= self.delay

    def _draw(self) -> None:
        now = time.perf_counter()
        if not self.tty or not self.name or not self._late() or now - self.drawn < 0.1:
            return
        self.drawn, self.shown = now, True
        if self.total:
            filled = WIDTH * min(self.done, self.total) // self.total
            bar = f"[{'=' * filled}{' ' * (WIDTH - filled)}] {self.done:,}/{self.total:,}"
        else:
            bar = "…"
        self.stream.write(f"\r\033[K{self.name} {bar}  {now - self.started:.1f} s")
        self.stream.flush()

    def _end_stage(self) -> None:
        """In a log, one line per stage once the build has taken a while; on a terminal the bar moves on."""
        if not self.name or self.tty or not self._late():
            return
        count = f" ({self.total:,})" if self.total else ""
        self.stream.write(f"{self.name}{count} done in {time.perf_counter() - self.stage_started:.2f} s\n")
        self.stream.flush()
        self.shown = True
