"""Run as a subprocess by test_ledger: one pipeline pushing the same keys as another, on one ledger."""

from __future__ import annotations

import os
import sys
import time

from etl.ledger import Accepted, ClaimResult, Ledger, payload_hash


def main(url: str, sent_log: str, keys: int, go_at: float, mode: str) -> None:
    ledger = Ledger(url)
    run = ledger.start_run("race", "testshop")
    while time.time() < go_at:  # start both writers together
        time.sleep(0.005)
    sent = unchanged = busy = 0
    if mode == "batch":
        all_keys = [f"SKU{i:04d}" for i in range(keys)]
        for start in range(0, keys, 10):
            batch = {k: payload_hash({"sku": k, "qty": int(k[3:])}) for k in all_keys[start : start + 10]}
            results = ledger.claim_many("testshop", "inventory", batch, run_id=run)
            claimed = [k for k, r in results.items() if r is ClaimResult.CLAIMED]
            with open(sent_log, "a") as fh:
                fh.writelines(f"{k} {os.getpid()}\n" for k in claimed)
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
            sent += len(claimed)
            unchanged += sum(1 for r in results.values() if r is ClaimResult.UNCHANGED)
            busy += sum(1 for r in results.values() if r is ClaimResult.BUSY)
    for i in range(keys if mode == "one" else 0):
        key = f"SKU{i:04d}"
        h = payload_hash({"sku": key, "qty": i})
        result = ledger.claim("testshop", "inventory", key, h, run_id=run)
        if result is ClaimResult.CLAIMED:
            with open(sent_log, "a") as fh:  # the "platform": O_APPEND lines, one per send
                fh.write(f"{key} {os.getpid()}\n")
            ledger.record_event(run_id=run, platform="testshop", entity="inventory", key=key, outcome="sent")
            ledger.record_success(
                platform="testshop", entity="inventory", key=key, payload_hash=h, run_id=run
            )
            sent += 1
        elif result is ClaimResult.UNCHANGED:
            unchanged += 1
        else:
            busy += 1
    ledger.finish_run(run, sent=sent, unchanged=unchanged + busy, failed=0)
    print(f"{sent} {unchanged} {busy}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
