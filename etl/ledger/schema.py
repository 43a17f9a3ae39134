"""Ledger tables (SQLAlchemy Core) and the versioned migrations that create and upgrade them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    inspect,
    select,
)

metadata = MetaData()

meta = Table(
    "odoo_hub_meta",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", String(255), nullable=False),
)


def _runs_table(md: MetaData, *, v3: bool) -> Table:
    cols: list[Column[Any]] = [
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("flow", String(128), nullable=False),
        Column("platform", String(64), nullable=False),
        Column("status", String(32), nullable=False),
        Column("started_at", DateTime(timezone=True), nullable=False),
        Column("finished_at", DateTime(timezone=True)),
        Column("sent", Integer, nullable=False, default=0),
        Column("unchanged", Integer, nullable=False, default=0),
        Column("failed", Integer, nullable=False, default=0),
        Column("duration_ms", Float),
    ]
    if v3:  # version 3: the run's owner, so its claims can be taken over once its process is gone
        cols += [Column("host", String(255)), Column("pid", Integer)]
    return Table("odoo_hub_runs", md, *cols)


runs = _runs_table(metadata, v3=True)


def _bindings_table(md: MetaData, *, v4: bool) -> Table:
    cols: list[Column[Any]] = [
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("platform", String(64), nullable=False),
        Column("entity", String(64), nullable=False),
        Column("key", String(255), nullable=False),
        Column("odoo_model", String(128)),
        Column("odoo_id", Integer),
        Column("remote_id", String(255)),
        Column("sku", String(255)),
        Column("payload_hash", String(64)),
        Column("run_id", Integer),
        Column("synced_at", DateTime(timezone=True)),
    ]
    if v4:  # version 4: hash of the source record the accepted payload was built from (etl.sink.source_hash)
        cols.append(Column("source_hash", String(64)))
    return Table(
        "odoo_hub_bindings",
        md,
        *cols,
        UniqueConstraint("platform", "entity", "key", name="uq_odoo_hub_bindings_key"),
    )


bindings = _bindings_table(metadata, v4=True)


def _events_table(md: MetaData, *, v2: bool) -> Table:
    cols: list[Column[Any]] = [
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("run_id", Integer),
        Column("platform", String(64), nullable=False),
        Column("entity", String(64)),
        Column("key", String(255)),
        Column("outcome", String(32), nullable=False),
        Column("http_status", Integer),
        Column("error_code", String(128)),
        Column("error_message", Text),
        Column("request_body", Text),
        Column("response_body", Text),
        Column("duration_ms", Float),
        Column("created_at", DateTime(timezone=True), nullable=False),
    ]
    if v2:
        cols += [Column("method", String(16)), Column("url", String(1024))]
    return Table("odoo_hub_events", md, *cols)


events = _events_table(metadata, v2=True)

dead_letters = Table(
    "odoo_hub_dead_letters",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer),
    Column("platform", String(64), nullable=False),
    Column("entity", String(64), nullable=False),
    Column("key", String(255), nullable=False),
    Column("stream", String(128)),
    Column("record", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("attempts", Integer, nullable=False, default=1),
    Column("first_failed_at", DateTime(timezone=True), nullable=False),
    Column("last_tried_at", DateTime(timezone=True), nullable=False),
    Column("resolved_at", DateTime(timezone=True)),
    UniqueConstraint("platform", "entity", "key", name="uq_odoo_hub_dead_letters_key"),
)

# version 2: claims (two pipelines on one ledger never send the same record at once), event method/url
claims = Table(
    "odoo_hub_claims",
    metadata,
    Column("platform", String(64), primary_key=True),
    Column("entity", String(64), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("run_id", Integer, nullable=False),
    Column("payload_hash", String(64), nullable=False),
    Column("claimed_at", DateTime(timezone=True), nullable=False),
)
idx_events_run = Index("ix_odoo_hub_events_run", events.c.run_id)
idx_dead_open = Index("ix_odoo_hub_dead_letters_open", dead_letters.c.platform, dead_letters.c.resolved_at)


def _v1(conn: Connection) -> None:
    v1 = MetaData()
    for table in (
        meta,
        _runs_table(v1, v3=False),
        _bindings_table(v1, v4=False),
        dead_letters,
        _events_table(v1, v2=False),
    ):
        table.create(conn, checkfirst=True)


def _add_columns(conn: Connection, table: Table, columns: list[Column[Any]]) -> None:
    have = {c["name"] for c in inspect(conn).get_columns(table.name)}
    preparer = conn.dialect.identifier_preparer
    for col in columns:
        if col.name not in have:
            coltype = col.type.compile(dialect=conn.dialect)
            conn.exec_driver_sql(
                f"ALTER TABLE {preparer.quote(table.name)} ADD {preparer.quote(col.name)} {coltype}"
            )


def _v2(conn: Connection) -> None:
    claims.create(conn, checkfirst=True)
    _add_columns(conn, events, [events.c.method, events.c.url])
    idx_events_run.create(conn, checkfirst=True)
    idx_dead_open.create(conn, checkfirst=True)


def _v3(conn: Connection) -> None:
    _add_columns(conn, runs, [runs.c.host, runs.c.pid])


def _v4(conn: Connection) -> None:
    _add_columns(conn, bindings, [bindings.c.source_hash])


MIGRATIONS: list[tuple[int, Callable[[Connection], None]]] = [(1, _v1), (2, _v2), (3, _v3), (4, _v4)]
SCHEMA_VERSION = MIGRATIONS[-1][0]


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table(meta.name):
        return 0
    row = conn.execute(select(meta.c.value).where(meta.c.name == "schema_version")).first()
    return int(row[0]) if row else 0


def set_version(conn: Connection, version: int) -> None:
    updated = conn.execute(
        meta.update().where(meta.c.name == "schema_version").values(value=str(version))
    ).rowcount
    if not updated:
        conn.execute(meta.insert().values(name="schema_version", value=str(version)))
