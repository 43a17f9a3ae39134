"""Run as a subprocess by test_ledger: one pipeline pushing the same keys as others, on one ledger.

The writers go in lock-step through file barriers in ``sync_dir``, one step per key (mode ``one``) or per
batch of 10 keys (mode ``batch``): every writer has arrived before any claims the step's keys, and every
writer has its claim answer before any sends or records the success. So for each key all writers ask for the
claim while no one has sent it yet: only the claim can stop a second send (the unchanged-hash check cannot),
and the loser's answer is BUSY. Prints ``sent unchanged busy started_ns ended_ns`` of its claim-and-send
section (CLOCK_MONOTONIC, one clock for all processes of the host).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from etl.ledger import Accepted, ClaimResult, Ledger, payload_hash

BARRIER_TIMEOUT = 60.0  # a bound against a hung peer, never reached when both run


class Barrier:
    """Writer ``me`` of ``count``: ``wait(name)`` returns once every writer has called ``wait(name)``."""

    def __init__(self, folder: Path, me: int, count: int) -> None:
        self.folder, self.me, self.count = folder, me, count

    def wait(self, name: str) -> None:
        (self.folder / f"{name}.{self.me}").touch()
        deadline = time.monotonic() + BARRIER_TIMEOUT
        others = [self.folder / f"{name}.{i}" for i in range(self.count) if i != self.me]
        while not all(p.exists() for p in others):
            if time.monotonic() > deadline:
                raise SystemExit(f"writer {self.me}: the other writers never reached barrier {name}")
            time.sleep(0.0005)


def main(url: str, sent_log: str, keys: int, sync_dir: str, mode: str, me: int, count: int) -> None:
    ledger = Ledger(url)
    run = ledger.start_run("race", "testshop")
    barrier = Barrier(Path(sync_dir), me, count)
    all_keys = [f"SKU{i:04d}" for i in range(keys)]
    step = 10 if mode == "batch" else 1
    sent = unchanged = busy = 0
    barrier.wait("start")
    started = time.monotonic_ns()
    for start in range(0, keys, step):
        batch = {k: payload_hash({"sku": k, "qty": int(k[3:])}) for k in all_keys[start : start + step]}
        barrier.wait(f"ready-{start}")
        if mode == "batch":
            results = ledger.claim_many("testshop", "inventory", batch, run_id=run)
        else:
            [(key, h)] = batch.items()
            results = {key: ledger.claim("testshop", "inventory", key, h, run_id=run)}
        barrier.wait(f"claimed-{start}")
        claimed = [k for k, r in results.items() if r is ClaimResult.CLAIMED]
        with open(sent_log, "a") as fh:  # the "platform": O_APPEND lines, one per send
            fh.writelines(f"{k} {os.getpid()}\n" for k in claimed)
        if mode == "batch":
            ledger.record_events(
                [
                    {
                        "run_id": run,
                        "platform": "testshop",
                        "entity": "inventory",
                        "key": k,
                        "outcome": "sent",
                    }
                    for k in claimed
                ]
            )
            ledger.record_many("testshop", [Accepted("inventory", k, batch[k]) for k in claimed], run)
        else:
            for k in claimed:
                ledger.record_event(
                    run_id=run, platform="testshop", entity="inventory", key=k, outcome="sent"
                )
                ledger.record_success(
                    platform="testshop", entity="inventory", key=k, payload_hash=batch[k], run_id=run
                )
        sent += len(claimed)
        unchanged += sum(1 for r in results.values() if r is ClaimResult.UNCHANGED)
        busy += sum(1 for r in results.values() if r is ClaimResult.BUSY)
    ended = time.monotonic_ns()
    ledger.finish_run(run, sent=sent, unchanged=unchanged + busy, failed=0)
    print(f"{sent} {unchanged} {busy} {started} {ended}")


if __name__ == "__main__":
    main(
        sys.argv[1],
        sys.argv[2],
        int(sys.argv[3]),
        sys.argv[4],
        sys.argv[5],
        int(sys.argv[6]),
        int(sys.argv[7]),
    )
