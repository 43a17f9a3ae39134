"""Fan-out of payment status changes to every connected ``/events`` WebSocket."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

QUEUE_LIMIT = 1000


class EventHub:
    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[dict[str, Any] | None]] = set()

    def subscribe(self) -> asyncio.Queue[dict[str, Any] | None]:
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(QUEUE_LIMIT)
        self._queues.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any] | None]) -> None:
        self._queues.discard(queue)

    def publish(self, event: dict[str, Any]) -> None:
        for queue in list(self._queues):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                # A client that stopped reading is dropped; it reconnects with ?since=<last seq> and replays.
                self._queues.discard(queue)
                queue.get_nowait()
                queue.put_nowait(None)

    def close_all(self) -> None:
        for queue in list(self._queues):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(None)
        self._queues.clear()

    @property
    def subscribers(self) -> int:
        return len(self._queues)
