"""The sync ledger on SQLite and on a real PostgreSQL server; SQL Server DDL/statements compiled."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mssql
from sqlalchemy.schema import CreateIndex, CreateTable

from etl.ledger import Accepted, ClaimResult, Ledger, payload_hash, scrub
from etl.ledger import schema as s

HERE = Path(__file__).resolve().parent


def test_payload_hash_is_canonical() -> None:
    assert payload_hash({"a": 1, "b": [1, 2]}) == payload_hash({"b": [1, 2], "a": 1})
    assert payload_hash({"a": 1}) != payload_hash({"a": 2})
    assert len(payload_hash({})) == 64


def test_schema_created_versioned_and_sqlite_in_wal(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sub' / 'ledger.sqlite'}"
    ledger = Ledger(url)
    assert ledger.schema_version() == s.SCHEMA_VERSION == 4
    with ledger.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        tables = set(sa.inspect(conn).get_table_names())
    assert {"odoo_hub_bindings", "odoo_hub_runs", "odoo_hub_events", "odoo_hub_dead_letters"} <= tables
    Ledger(url)  # opening again is a no-op
    assert ledger.schema_version() == 4


def test_default_url_under_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from etl.ledger import default_ledger_url

    monkeypatch.delenv("ODOO_HUB_LEDGER_URL", raising=False)
    monkeypatch.setenv("MELTANO_PROJECT_ROOT", str(tmp_path))
    assert default_ledger_url() == f"sqlite:///{tmp_path}/.ledger/ledger.sqlite"
    monkeypatch.setenv("ODOO_HUB_LEDGER_URL", "postgresql+psycopg://u@h/db")
    assert default_ledger_url() == "postgresql+psycopg://u@h/db"


def test_upgrade_from_version_1_keeps_data(ledger_url: str) -> None:
    old = Ledger(ledger_url, upgrade_to=1)
    assert old.schema_version() == 1
    with old.engine.begin() as conn:
        cols = {c["name"] for c in sa.inspect(conn).get_columns("odoo_hub_events")}
        assert "method" not in cols and not sa.inspect(conn).has_table("odoo_hub_claims")
        conn.execute(
            s.bindings.insert().values(
                platform="p", entity="product", key="A", payload_hash="h1", remote_id="r1"
            )
        )
    old.close()
    new = Ledger(ledger_url)
    assert new.schema_version() == 4
    assert new.get_binding("p", "product", "A").remote_id == "r1"  # type: ignore[union-attr]
    run = new.start_run("sync", "p")
    assert new.claim("p", "product", "A", "h1", run_id=run) is ClaimResult.UNCHANGED
    new.record_event(
        run_id=run, platform="p", entity="product", key="A", outcome="http", method="POST", url="/x"
    )
    assert new.events(run)[0]["method"] == "POST"


def test_upgrade_from_version_2_keeps_data_and_records_run_owners(ledger_url: str) -> None:
    old = Ledger(ledger_url, upgrade_to=2)
    assert old.schema_version() == 2
    v2_runs = s._runs_table(sa.MetaData(), v3=False)
    with old.engine.begin() as conn:
        assert "pid" not in {c["name"] for c in sa.inspect(conn).get_columns("odoo_hub_runs")}
        old_run = conn.execute(
            v2_runs.insert().values(
                flow="f",
                platform="p",
                status="running",
                started_at=sa.func.now(),
                sent=3,
                unchanged=0,
                failed=0,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        conn.execute(s.bindings.insert().values(platform="p", entity="product", key="A", payload_hash="h1"))
        conn.execute(
            s.claims.insert().values(
                platform="p",
                entity="product",
                key="B",
                run_id=old_run,
                payload_hash="h",
                claimed_at=sa.func.now(),
            )
        )
    old.close()
    new = Ledger(ledger_url)
    assert new.schema_version() == 4
    kept = new.get_run(old_run)
    assert kept is not None and kept.sent == 3 and kept.host is None and kept.pid is None
    assert new.get_binding("p", "product", "A").payload_hash == "h1"  # type: ignore[union-attr]
    run = new.start_run("sync", "p")
    mine = new.get_run(run)
    assert mine is not None and mine.host == socket.gethostname() and mine.pid == os.getpid()
    # a claim of a pre-v3 running run has no owner to check: its lease still binds
    assert new.claim_many("p", "product", {"A": "h1", "B": "h"}, run_id=run) == {
        "A": ClaimResult.UNCHANGED,
        "B": ClaimResult.BUSY,
    }


def test_upgrade_from_version_3_adds_source_hashes_and_keeps_bindings(ledger_url: str) -> None:
    old = Ledger(ledger_url, upgrade_to=3)
    assert old.schema_version() == 3
    v3_bindings = s._bindings_table(sa.MetaData(), v4=False)
    with old.engine.begin() as conn:
        assert "source_hash" not in {c["name"] for c in sa.inspect(conn).get_columns("odoo_hub_bindings")}
        conn.execute(
            v3_bindings.insert().values(
                platform="p", entity="product", key="A", payload_hash="h1", remote_id="r1", odoo_id=5
            )
        )
    old.close()
    new = Ledger(ledger_url)
    assert new.schema_version() == 4
    kept = new.get_binding("p", "product", "A")
    assert kept is not None and (kept.payload_hash, kept.remote_id, kept.odoo_id) == ("h1", "r1", 5)
    assert kept.source_hash is None and new.binding_hashes("p", "product", ["A"]) == {"A": ("h1", None)}
    # a record that builds the accepted payload again is known by its source from then on
    new.note_sources("p", "product", {"A": ("h1", "s1")})
    new.note_sources("p", "product", {"A": ("not-the-accepted-one", "s2")})  # left alone
    assert new.binding_hashes("p", "product", ["A", "B"]) == {"A": ("h1", "s1")}
    new.record_many("p", [Accepted("product", "B", "h2", source_hash="s3")], run_id=None)
    new.record_many("p", [Accepted("product", "A", "h3")], run_id=None)  # a payload of unknown source
    assert new.binding_hashes("p", "product", ["A", "B"]) == {"A": ("h3", None), "B": ("h2", "s3")}
    new.record_success(platform="p", entity="product", key="B", payload_hash="h4", run_id=None)
    assert new.binding_hashes("p", "product", ["B"]) == {"B": ("h4", None)}


def _holder(url: str, keys: list[str]) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "claim_holder.py"), url, *keys],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip().isdigit(), proc.stderr.read() if proc.stderr else line
    return proc, int(line)


@pytest.mark.timeout(120)
def test_claims_of_a_live_process_hold_and_of_a_killed_one_are_taken_at_once(ledger_url: str) -> None:
    Ledger(ledger_url).close()
    proc, holder_run = _holder(ledger_url, ["K1", "K2", "K3"])
    ledger = Ledger(ledger_url)
    run = ledger.start_run("products", "testshop")
    try:
        # the holder is alive: its claims are busy, one by one and batched
        assert ledger.claim("testshop", "product", "K1", "h", run_id=run) is ClaimResult.BUSY
        assert set(ledger.claim_many("testshop", "product", {"K2": "h", "K3": "h"}, run_id=run).values()) == {
            ClaimResult.BUSY
        }
    finally:
        proc.kill()  # kill -9: its run stays "running", its claims stay in the table
        proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert ledger.get_run(holder_run).status == "running"  # type: ignore[union-attr]
    # its process is gone on this host: taken over at once, well inside the 300 s lease
    assert ledger.claim("testshop", "product", "K1", "h", run_id=run) is ClaimResult.CLAIMED
    assert ledger.claim_many("testshop", "product", {"K2": "h", "K3": "h", "K4": "h"}, run_id=run) == {
        k: ClaimResult.CLAIMED for k in ("K2", "K3", "K4")
    }
    with ledger.engine.connect() as conn:
        holders = {r.key: r.run_id for r in conn.execute(sa.select(s.claims.c.key, s.claims.c.run_id))}
    assert holders == {k: run for k in ("K1", "K2", "K3", "K4")}


def test_claims_of_a_finished_run_are_free_and_other_hosts_wait_for_the_lease(ledger_url: str) -> None:
    ledger = Ledger(ledger_url)
    done = ledger.start_run("products", "testshop")
    assert (
        ledger.claim_many("testshop", "product", {"A": "h", "B": "h"}, run_id=done)["A"]
        is ClaimResult.CLAIMED
    )
    ledger.finish_run(done, sent=0, unchanged=0, failed=0, status="failed")  # closed without releasing
    run = ledger.start_run("products", "testshop")
    assert ledger.claim("testshop", "product", "A", "h2", run_id=run) is ClaimResult.CLAIMED
    assert ledger.claim_many("testshop", "product", {"B": "h2"}, run_id=run) == {"B": ClaimResult.CLAIMED}
    # a running run on another host: its pid means nothing here, only the lease frees its claims
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(gone.stdout)
    elsewhere = ledger.start_run("products", "testshop")
    with ledger.engine.begin() as conn:
        conn.execute(s.runs.update().where(s.runs.c.id == elsewhere).values(host="other-host", pid=dead_pid))
    assert ledger.claim("testshop", "product", "C", "h", run_id=elsewhere) is ClaimResult.CLAIMED
    assert ledger.claim("testshop", "product", "C", "h2", run_id=run) is ClaimResult.BUSY
    assert ledger.claim_many("testshop", "product", {"C": "h2"}, run_id=run) == {"C": ClaimResult.BUSY}
    assert ledger.claim_many("testshop", "product", {"C": "h2"}, run_id=run, lease_seconds=0) == {
        "C": ClaimResult.CLAIMED
    }
    # the same pid on this host is gone: taken at once
    with ledger.engine.begin() as conn:
        conn.execute(s.runs.update().where(s.runs.c.id == elsewhere).values(host=socket.gethostname()))
    assert ledger.claim("testshop", "product", "D", "h", run_id=elsewhere) is ClaimResult.CLAIMED
    assert ledger.claim("testshop", "product", "D", "h2", run_id=run) is ClaimResult.CLAIMED


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'l.sqlite'}"
    ledger = Ledger(url)
    with ledger.engine.begin() as conn:
        s.set_version(conn, 99)
    with pytest.raises(RuntimeError, match="newer than this odoo-hub"):
        Ledger(url)


def test_bindings_unchanged_claims_and_dead_letters(ledger_url: str) -> None:
    ledger = Ledger(ledger_url)
    run = ledger.start_run("products", "testshop")
    h1, h2 = payload_hash({"price": 1}), payload_hash({"price": 2})
    assert ledger.claim("testshop", "product", "FURN_1", h1, run_id=run) is ClaimResult.CLAIMED
    assert ledger.claim("testshop", "product", "FURN_1", h1, run_id=run + 100) is ClaimResult.BUSY
    ledger.record_success(
        platform="testshop",
        entity="product",
        key="FURN_1",
        payload_hash=h1,
        run_id=run,
        odoo_model="product.product",
        odoo_id=7,
        remote_id="prod_1",
        sku="FURN_1",
    )
    b = ledger.get_binding("testshop", "product", "FURN_1")
    assert b is not None and (b.remote_id, b.odoo_id, b.sku, b.payload_hash) == ("prod_1", 7, "FURN_1", h1)
    assert b.synced_at is not None and b.synced_at.tzinfo is not None
    # same payload again: not sent; a changed one is; force sends the same one again
    assert ledger.claim("testshop", "product", "FURN_1", h1, run_id=run) is ClaimResult.UNCHANGED
    assert ledger.claim("testshop", "product", "FURN_1", h1, run_id=run, force=True) is ClaimResult.CLAIMED
    ledger.release("testshop", "product", "FURN_1", run_id=run)
    assert ledger.claim("testshop", "product", "FURN_1", h2, run_id=run) is ClaimResult.CLAIMED
    # a stale claim (crashed pipeline) is taken over after its lease
    assert (
        ledger.claim("testshop", "product", "FURN_1", h2, run_id=run + 1, lease_seconds=0)
        is ClaimResult.CLAIMED
    )

    dl = ledger.add_dead_letter(
        run_id=run,
        platform="testshop",
        entity="product",
        key="FURN_2",
        record={"id": 8, "default_code": "FURN_2", "password": "hunter2"},
        reason="$.price: -1 < 0",
    )
    again = ledger.add_dead_letter(
        run_id=run, platform="testshop", entity="product", key="FURN_2", record={"id": 8}, reason="still bad"
    )
    assert again == dl
    [letter] = ledger.dead_letters("testshop")
    assert (letter.attempts, letter.reason, letter.record) == (2, "still bad", {"id": 8})
    ledger.fail_dead_letter(dl, "third time")
    assert ledger.dead_letters()[0].attempts == 3
    ledger.record_success(platform="testshop", entity="product", key="FURN_2", payload_hash=h1, run_id=run)
    assert ledger.dead_letters() == []
    assert ledger.dead_letters(include_resolved=True)[0].resolved_at is not None


def test_history_stats_and_scrubbed_events(ledger_url: str) -> None:
    ledger = Ledger(ledger_url)
    run = ledger.start_run("inventory", "testshop")
    for i, outcome in enumerate(["sent", "sent", "sent", "failed"]):
        ledger.record_event(
            run_id=run,
            platform="testshop",
            entity="inventory",
            key=f"K{i}",
            outcome=outcome,
            http_status=200 if outcome == "sent" else 422,
            duration_ms=100.0 * (i + 1),
            request_body={"sku": f"K{i}", "api_key": "sk_live_123", "auth": {"password": "pw"}},
            response_body='{"token": "abc", "ok": true}',
            error_message="Authorization: Bearer sk_live_123 rejected" if outcome == "failed" else None,
            url="https://shop.example/x?access_token=sk_live_123&sku=1",
        )
    ledger.record_success(platform="testshop", entity="inventory", key="K0", payload_hash="h", run_id=run)
    ledger.finish_run(run, sent=3, unchanged=5, failed=1)
    [hist] = ledger.history()
    assert (hist.flow, hist.sent, hist.unchanged, hist.failed, hist.status) == ("inventory", 3, 5, 1, "done")
    assert hist.finished_at is not None and hist.duration_ms is not None and hist.duration_ms >= 0
    stats = ledger.stats()
    assert stats["total_syncs"] == 4 and stats["successful_syncs"] == 3 and stats["failed_syncs"] == 1
    assert stats["success_rate"] == 75.0 and stats["avg_duration_ms"] == 250.0
    assert stats["last_sync_at"].endswith("Z")
    # a stock binding is not a product: seed 001's products_with_odoo_id counts product bindings only
    assert stats["products_with_odoo_id"] == 0 and stats["bindings_per_entity"] == {"testshop/inventory": 1}
    assert ledger.stats("other")["total_syncs"] == 0
    dumped = json.dumps(ledger.events(run), default=str)
    assert (
        "sk_live_123" not in dumped
        and "hunter" not in dumped
        and '"pw"' not in dumped
        and "abc" not in dumped
    )
    assert "***" in dumped and "K1" in dumped


def test_scrub() -> None:
    assert scrub({"Authorization": "Bearer x", "a": [{"client_secret": "s", "b": 1}]}) == {
        "Authorization": "***",
        "a": [{"client_secret": "***", "b": 1}],
    }
    assert scrub("Bearer abc.def") == "Bearer ***"


def _race(url: str, tmp_path: Path, mode: str, keys: int, writers: int = 2) -> tuple[list[str], list[str]]:
    """``writers`` ledger_writer.py processes in lock-step on one ledger: (sent log lines, their reports)."""
    log = tmp_path / "sent.log"
    sync = tmp_path / "barriers"
    sync.mkdir()
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                str(HERE / "ledger_writer.py"),
                url,
                str(log),
                str(keys),
                str(sync),
                mode,
                str(me),
                str(writers),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for me in range(writers)
    ]
    outs = []
    for proc in procs:
        out, err = proc.communicate(timeout=150)
        assert proc.returncode == 0, err
        outs.append(out.strip())
    return log.read_text().splitlines(), outs


@pytest.mark.timeout(180)
@pytest.mark.parametrize("mode", ["one", "batch"])
def test_two_processes_never_send_a_record_twice(ledger_url: str, tmp_path: Path, mode: str) -> None:
    """Two writers ask for every key at the same moment, before either has sent it: exactly one sends it.

    The writers' barriers (ledger_writer.py) put both claims of a key between the same two points, before
    any send or recorded success, so no timing lets the unchanged-hash check stand in for the claim: without
    claims every key would be sent twice. Each writer reports its counts and the span of its claim-and-send
    section.
    """
    keys = 150
    Ledger(ledger_url).close()
    lines, outs = _race(ledger_url, tmp_path, mode, keys)
    sent_per_key = Counter(line.split()[0] for line in lines)
    assert sorted(sent_per_key) == [f"SKU{i:04d}" for i in range(keys)], "every key sent"
    assert max(sent_per_key.values()) == 1, [k for k, n in sent_per_key.items() if n > 1]
    reports = [list(map(int, o.split())) for o in outs]
    counts = [r[:3] for r in reports]  # sent, unchanged, busy per writer
    # each key: one writer sent it, the other was told BUSY (the claim was held), never UNCHANGED
    assert [unchanged for _, unchanged, _ in counts] == [0, 0], counts
    assert [sent + busy for sent, _, busy in counts] == [keys, keys], counts
    assert sum(sent for sent, _, _ in counts) == keys and sum(busy for _, _, busy in counts) == keys
    pids = Counter(line.split()[1] for line in lines)
    assert sorted(pids.values()) == sorted(sent for sent, _, _ in counts if sent)
    # the two claim-and-send sections overlapped in time (CLOCK_MONOTONIC is one clock for the host)
    spans = [(r[3], r[4]) for r in reports]
    assert max(start for start, _ in spans) < min(end for _, end in spans), spans
    ledger = Ledger(ledger_url)
    assert len(ledger.bindings("testshop")) == keys
    assert len(ledger.history()) == 2 and all(r.status == "done" for r in ledger.history())
    sent_events = Counter(e["key"] for e in ledger.events(limit=1000) if e["outcome"] == "sent")
    assert sent_events == sent_per_key


def test_sql_server_ddl_and_statements_compile() -> None:
    dialect = mssql.pyodbc.dialect()
    ddl = [str(CreateTable(t).compile(dialect=dialect)) for t in s.metadata.sorted_tables]
    ddl += [str(CreateIndex(i).compile(dialect=dialect)) for t in s.metadata.sorted_tables for i in t.indexes]
    joined = "\n".join(ddl)
    assert "CREATE TABLE odoo_hub_bindings" in joined and "IDENTITY" in joined
    assert "NVARCHAR(255)" in joined or "VARCHAR(255)" in joined
    assert "DATETIMEOFFSET" in joined  # timezone-aware timestamps
    assert "[key]" in joined  # reserved word quoted
    # every statement shape the ledger issues compiles for SQL Server
    c = s.claims.c
    stmts = [
        s.claims.insert().values(
            platform="p", entity="e", key="k", run_id=1, payload_hash="h", claimed_at=sa.func.now()
        ),
        s.claims.update().where(sa.and_(c.platform == "p", c.run_id == 1)).values(run_id=2),
        s.bindings.update().where(s.bindings.c.key == "k").values(payload_hash="h"),
        s.dead_letters.update().values(attempts=s.dead_letters.c.attempts + 1),
        sa.select(s.runs).order_by(s.runs.c.id.desc()).limit(20),
        sa.select(sa.func.sum(sa.case((s.events.c.outcome == "sent", 1), else_=0))).where(
            s.events.c.outcome.in_(("sent", "failed"))
        ),
    ]
    compiled = [str(st.compile(dialect=dialect)) for st in stmts]
    assert "TOP" in compiled[4] and "CASE WHEN" in compiled[5]
    # the v2 ALTER the migration issues
    coltype = s.events.c.url.type.compile(dialect=dialect)
    assert coltype in ("VARCHAR(1024)", "NVARCHAR(1024)")


def test_batched_claims_hashes_and_record_many(ledger_url: str) -> None:
    ledger = Ledger(ledger_url)
    run = ledger.start_run("products", "testshop")
    items = {f"K{i}": payload_hash({"i": i}) for i in range(1200)}  # more than one 500-key chunk
    assert set(ledger.claim_many("testshop", "product", items, run_id=run).values()) == {ClaimResult.CLAIMED}
    other = ledger.start_run("products", "testshop")
    busy = ledger.claim_many("testshop", "product", {"K1": items["K1"], "NEW": "h"}, run_id=other)
    assert busy == {"K1": ClaimResult.BUSY, "NEW": ClaimResult.CLAIMED}
    ledger.record_many(
        "testshop",
        [
            Accepted("product", k, h, odoo_model="product.product", odoo_id=i, remote_id=f"r{i}", sku=k)
            for i, (k, h) in enumerate(items.items())
        ],
        run,
    )
    hashes = ledger.hashes("testshop", "product", [*items, "NONE"])
    assert len(hashes) == 1200 and hashes["K5"] == items["K5"] and "NONE" not in hashes
    changed = {**items, "K3": "new-hash"}
    again = ledger.claim_many("testshop", "product", changed, run_id=other)
    assert again["K3"] is ClaimResult.CLAIMED and again["K4"] is ClaimResult.UNCHANGED
    assert sum(r is ClaimResult.UNCHANGED for r in again.values()) == 1199
    forced = ledger.claim_many("testshop", "product", {"K4": items["K4"]}, run_id=other, force=True)
    assert forced == {"K4": ClaimResult.CLAIMED}
    ledger.add_dead_letter(run_id=run, platform="testshop", entity="product", key="K3", record={}, reason="x")
    ledger.record_many(
        "testshop", [Accepted("product", "K3", "new-hash")], other
    )  # keeps remote id, resolves
    b = ledger.get_binding("testshop", "product", "K3")
    assert b is not None and (b.remote_id, b.payload_hash, b.odoo_id) == ("r3", "new-hash", 3)
    assert ledger.dead_letters() == []
    ledger.release_many("testshop", "product", ["K4"], run_id=other)
    assert ledger.claim("testshop", "product", "K4", "zz", run_id=run) is ClaimResult.CLAIMED


def test_every_statement_the_ledger_issues_compiles_for_sql_server(tmp_path: Path) -> None:
    """Run the whole ledger API on SQLite, capture each Core statement, compile it for mssql+pyodbc."""
    ledger = Ledger(f"sqlite:///{tmp_path / 'l.sqlite'}")
    captured: list[sa.sql.ClauseElement] = []

    @sa.event.listens_for(ledger.engine, "before_execute")
    def _capture(conn: object, clause: object, *args: object) -> None:
        if isinstance(clause, sa.sql.ClauseElement):
            captured.append(clause)

    run = ledger.start_run("f", "p")
    ledger.claim("p", "e", "k", "h", run_id=run)
    ledger.claim("p", "e", "k", "h", run_id=run + 1, lease_seconds=0)
    ledger.record_success(platform="p", entity="e", key="k", payload_hash="h", run_id=run, remote_id="r")
    ledger.claim("p", "e", "k", "h", run_id=run)
    ledger.claim_many("p", "e", {"a": "1", "k": "h"}, run_id=run)
    ledger.claim_many("p", "e", {"a": "1"}, run_id=run + 5, lease_seconds=0)
    ledger.record_many("p", [Accepted("e", "a", "1"), Accepted("e", "b", "2")], run)
    ledger.release("p", "e", "a", run_id=run)
    ledger.release_many("p", "e", ["a"], run_id=run)
    ledger.hashes("p", "e", ["a", "b"])
    ledger.record_event(run_id=run, platform="p", entity="e", key="k", outcome="sent", duration_ms=1)
    ledger.record_events([{"run_id": run, "platform": "p", "outcome": "failed"}])
    dl = ledger.add_dead_letter(run_id=run, platform="p", entity="e", key="x", record={}, reason="r")
    ledger.add_dead_letter(run_id=run, platform="p", entity="e", key="x", record={}, reason="r2")
    ledger.fail_dead_letter(dl, "again", run_id=run)
    ledger.resolve_dead_letter(dl)
    ledger.dead_letters("p", run_id=run, include_resolved=True)
    ledger.finish_run(run, sent=1, unchanged=0, failed=1)
    ledger.get_run(run)
    ledger.history(5, "p")
    ledger.bindings("p", "e")
    ledger.events(run, outcome="sent")
    ledger.stats("p")
    kinds = {type(c).__name__ for c in captured}
    assert {"Insert", "Update", "Delete", "Select"} <= kinds and len(captured) > 40
    dialect = mssql.pyodbc.dialect()
    for clause in captured:
        sql = str(clause.compile(dialect=dialect))
        assert "LIMIT" not in sql and "ON CONFLICT" not in sql, sql
