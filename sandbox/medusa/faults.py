"""Fault switches: latency, a share of 429/503 answers with Retry-After, dropped connections."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Faults:
    """What the sandbox does wrong, and how often. `configure()` changes it while serving."""

    latency: float = 0.0
    """Seconds added to every answer."""
    error_rate: float = 0.0
    """Share of requests (0..1) answered with one of `error_codes` before anything is applied."""
    error_codes: tuple[int, ...] = (429, 503)
    retry_after: float | None = 1
    """Seconds sent in `Retry-After` with an injected error (None: no header)."""
    drop_rate: float = 0.0
    """Share of requests whose connection is closed without an answer; half of them after the write
    was applied (the client cannot tell which)."""
    seed: int | None = None
    injected: Counter[str] = field(default_factory=Counter)
    _rng: random.Random = field(default_factory=random.Random)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _forced: list[str] = field(default_factory=list)

    def configure(
        self,
        *,
        latency: float | None = None,
        error_rate: float | None = None,
        error_codes: tuple[int, ...] | None = None,
        retry_after: float | None = -1,
        drop_rate: float | None = None,
        seed: int | None = None,
    ) -> Faults:
        """Change the switches given; leave the others as they are."""
        with self._lock:
            if latency is not None:
                self.latency = max(0.0, float(latency))
            if error_rate is not None:
                self.error_rate = _share("error_rate", error_rate)
            if error_codes is not None:
                self.error_codes = tuple(int(c) for c in error_codes) or (503,)
            if retry_after != -1:
                self.retry_after = retry_after
            if drop_rate is not None:
                self.drop_rate = _share("drop_rate", drop_rate)
            if seed is not None:
                self.seed = seed
                self._rng.seed(seed)
        return self

    def clear(self) -> None:
        """No faults any more."""
        self.configure(latency=0.0, error_rate=0.0, drop_rate=0.0)
        with self._lock:
            self._forced.clear()

    def force_next(self, *outcomes: str) -> None:
        """Queue exact outcomes for the next requests: "429", "503", "drop", "drop_after", "ok"."""
        with self._lock:
            self._forced.extend(outcomes)

    def decide(self) -> str | None:
        """The fault for one request: None, an error status as text, "drop" or "drop_after"."""
        with self._lock:
            if self._forced:
                outcome = self._forced.pop(0)
                choice = None if outcome == "ok" else outcome
            else:
                roll = self._rng.random()
                if roll < self.error_rate:
                    choice = str(self._rng.choice(self.error_codes))
                elif roll < self.error_rate + self.drop_rate:
                    choice = "drop" if self._rng.random() < 0.5 else "drop_after"
                else:
                    choice = None
            if choice:
                self.injected[choice] += 1
            delay = self.latency
        if delay:
            time.sleep(delay)
        return choice


def _share(name: str, value: float) -> float:
    share = float(value)
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1 (got {value})")
    return share
