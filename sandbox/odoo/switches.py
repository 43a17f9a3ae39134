"""Fault switches for tests and benchmarks: latency, 429/503 with Retry-After, dropped connections."""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass
class Decision:
    """What to do with one request: sleep `latency` seconds, then drop it, answer `status`, or serve it."""

    latency: float = 0.0
    drop: bool = False
    status: int | None = None
    retry_after: int = 1


class FaultSwitches:
    """Seeded and thread-safe, so a test with a seed sees the same sequence of faults every run."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.configure()

    def configure(
        self,
        latency: float = 0.0,
        error_rate: float = 0.0,
        error_codes: Iterable[int] = (429, 503),
        retry_after: int = 1,
        drop_rate: float = 0.0,
        seed: int = 0,
    ) -> None:
        codes = tuple(error_codes)
        for name, rate in (("error_rate", error_rate), ("drop_rate", drop_rate)):
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {rate}")
        if latency < 0:
            raise ValueError(f"latency must be >= 0 seconds, got {latency}")
        if error_rate and not codes:
            raise ValueError("error_codes must name at least one HTTP status when error_rate > 0")
        with self._lock:
            self.latency = latency
            self.error_rate = error_rate
            self.error_codes = codes
            self.retry_after = retry_after
            self.drop_rate = drop_rate
            self._random = random.Random(seed)
            self.counts: Counter[str] = Counter()

    def decide(self) -> Decision:
        with self._lock:
            decision = Decision(latency=self.latency, retry_after=self.retry_after)
            if self.drop_rate and self._random.random() < self.drop_rate:
                decision.drop = True
                self.counts["dropped"] += 1
            elif self.error_rate and self._random.random() < self.error_rate:
                decision.status = self._random.choice(self.error_codes)
                self.counts[str(decision.status)] += 1
            else:
                self.counts["served"] += 1
            return decision


class CallCounter(Counter[tuple[str, str]]):
    """Object calls per (model, method); `reset()` between the steps of a test."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()

    def add(self, model: str, method: str) -> None:
        with self._lock:
            self[(model, method)] += 1

    def reset(self) -> None:
        with self._lock:
            self.clear()

    def take(self) -> dict[tuple[str, str], int]:
        """The counts so far, and start over (one snapshot, no call lost in between)."""
        with self._lock:
            counts = dict(self)
            self.clear()
            return counts
