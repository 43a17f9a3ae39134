"""Progress lines on stderr for long work (a live line on a terminal, a line every few seconds otherwise)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, enabled: bool = True, stream: TextIO | None = None, every: float = 2.0) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.every = 0.2 if self.tty else every
        self._last = 0.0
        self._label = ""

    def update(self, label: str, done: int, total: int | None = None, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < self.every:
            return
        self._last = now
        self._label = label
        text = f"{label}: {done}" + (f"/{total}" if total is not None else "")
        if self.tty:
            self.stream.write("\r\033[K" + text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def done(self, label: str, count: int) -> None:
        if not self.enabled:
            return
        text = f"{label}: {count} done"
        self.stream.write(("\r\033[K" if self.tty else "") + text + "\n")
        self.stream.flush()
