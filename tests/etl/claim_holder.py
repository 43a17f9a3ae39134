"""Run as a subprocess by test_etl_ledger: a pipeline that claims keys, says so, then waits to be killed."""

from __future__ import annotations

import sys

from etl.ledger import Ledger


def main(url: str, keys: list[str]) -> None:
    ledger = Ledger(url)
    run = ledger.start_run("holder", "testshop")
    ledger.claim_many("testshop", "product", {k: "h-holder" for k in keys}, run_id=run)
    print(run, flush=True)
    sys.stdin.read()  # hold the claims until killed (or stdin closes)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
