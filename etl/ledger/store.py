"""The sync ledger: bindings, runs, events and dead letters on any SQLAlchemy URL."""

from __future__ import annotations

import hashlib
import json
import os
import socket
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    and_,
    bindparam,
    case,
    create_engine,
    event,
    func,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from etl.ledger import schema as s
from etl.ledger.scrub import body_text, scrub, scrub_url
from etl.text import short_key

T = TypeVar("T")

PRODUCT_ENTITY = "product"  # the entity whose bindings are products (stats: products_with_odoo_id)
KEY_LIMIT = 200  # keys (and SKUs) longer than this are stored as etl.text.short_key (columns hold 255)


def payload_hash(payload: Any, *, finite: bool = False) -> str:
    """sha256 of the canonical JSON (sorted keys, no whitespace) of a payload; ``finite``: a payload with an
    infinite or NaN number (which JSON cannot carry) raises ValueError instead."""
    canon = json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str, allow_nan=not finite
    )
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()


def project_dir() -> Path:
    return Path(os.environ.get("MELTANO_PROJECT_ROOT") or Path.cwd())


def default_ledger_url() -> str:
    """``$ODOO_HUB_LEDGER_URL``, else a SQLite file ``.ledger/ledger.sqlite`` under the project."""
    url = os.environ.get("ODOO_HUB_LEDGER_URL")
    if url:
        return url
    return f"sqlite:///{project_dir() / '.ledger' / 'ledger.sqlite'}"


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


HOST = socket.gethostname()[:255]


def process_gone(pid: int) -> bool:
    """True when no process ``pid`` runs on this host any more (a killed one not yet reaped counts as gone).
    Off POSIX the answer is always False: such claims wait for their lease."""
    if os.name != "posix" or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # PermissionError: it exists, under another user
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[:1] == ["Z"]


def _claim_stale(held: Any, stale_before: datetime) -> bool:
    """A claim another run holds may be taken over: its lease is over, its run is finished, or its run's
    process on this host is gone. A claim whose run is unknown to the ledger only has its lease."""
    claimed_at = _aware(held.claimed_at)
    if claimed_at is not None and claimed_at < stale_before:
        return True
    if held.status is None:
        return False
    if held.status != "running":
        return True
    return held.host == HOST and held.pid is not None and process_gone(int(held.pid))


class ClaimResult(StrEnum):
    CLAIMED = "claimed"
    UNCHANGED = "unchanged"
    BUSY = "busy"


@dataclass(frozen=True)
class Accepted:
    """A payload the platform accepted (for :meth:`Ledger.record_many`)."""

    entity: str
    key: str
    payload_hash: str
    odoo_model: str | None = None
    odoo_id: int | None = None
    remote_id: str | None = None
    sku: str | None = None
    source_hash: str | None = None  # of the record the payload was built from (None: not known)


def _fit(item: Accepted) -> Accepted:
    """``item`` with its key and SKU as the ledger stores them (:func:`etl.text.short_key`)."""
    if len(item.key) <= KEY_LIMIT and (item.sku is None or len(item.sku) <= KEY_LIMIT):
        return item
    return replace(item, key=short_key(item.key, KEY_LIMIT), sku=_opt_key(item.sku))


def _opt_key(key: str | None) -> str | None:
    return short_key(key, KEY_LIMIT) if key is not None else None


CHUNK = 500


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


@dataclass(frozen=True)
class Binding:
    id: int
    platform: str
    entity: str
    key: str
    odoo_model: str | None
    odoo_id: int | None
    remote_id: str | None
    sku: str | None
    payload_hash: str | None
    run_id: int | None
    synced_at: datetime | None
    source_hash: str | None = None  # version 4: the record the accepted payload was built from


@dataclass(frozen=True)
class Run:
    id: int
    flow: str
    platform: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    sent: int
    unchanged: int
    failed: int
    duration_ms: float | None
    host: str | None = None  # owner of the run (version 3); None on runs from older ledgers
    pid: int | None = None


@dataclass(frozen=True)
class DeadLetter:
    id: int
    run_id: int | None
    platform: str
    entity: str
    key: str
    stream: str | None
    record: dict[str, Any]
    reason: str
    attempts: int
    first_failed_at: datetime
    last_tried_at: datetime
    resolved_at: datetime | None


_BINDING_HASHES = select(s.bindings.c.key, s.bindings.c.payload_hash, s.bindings.c.source_hash).where(
    s.bindings.c.platform == bindparam("platform"),  # built once: read per batch
    s.bindings.c.entity == bindparam("entity"),
    s.bindings.c.key.in_(bindparam("keys", expanding=True)),
)


def _held() -> Select[Any]:
    """A claim with the status and owner of the run holding it (outer join: the run may be unknown)."""
    c, r = s.claims.c, s.runs.c
    return select(c.key, c.run_id, c.claimed_at, r.status, r.host, r.pid).select_from(
        s.claims.outerjoin(s.runs, r.id == c.run_id)
    )


def _row(cls: type[T], row: Any) -> T:
    data = dict(row._mapping)
    for name, value in data.items():
        if isinstance(value, datetime):
            data[name] = _aware(value)
    if cls is DeadLetter:
        data["record"] = json.loads(data["record"])
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in data.items() if k in names})


class Ledger:
    """One ledger database. Creates and upgrades its schema on open (versioned, see ``schema.MIGRATIONS``)."""

    SCHEMA_VERSION = s.SCHEMA_VERSION

    def __init__(self, url: str | None = None, *, create: bool = True, upgrade_to: int | None = None) -> None:
        self.url = url or default_ledger_url()
        parsed = make_url(self.url)
        self.dialect = parsed.get_backend_name()
        kwargs: dict[str, Any] = {"pool_pre_ping": True, "future": True}
        if self.dialect == "sqlite":
            db = parsed.database
            if db and db != ":memory:":
                Path(db).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": 60, "check_same_thread": False}
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.dialect == "sqlite":
            self._sqlite_setup(self.engine)
        if create:
            self.migrate(upgrade_to or s.SCHEMA_VERSION)

    def __repr__(self) -> str:
        return f"Ledger({make_url(self.url).render_as_string(hide_password=True)!r})"

    @staticmethod
    def _sqlite_setup(engine: Engine) -> None:
        # pysqlite's own transaction handling does not cover DDL and defers BEGIN; take it over so every
        # transaction is BEGIN IMMEDIATE: writers from several processes queue on the lock (busy timeout)
        # instead of failing half-way, and WAL lets readers go on meanwhile.
        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    def migrate(self, target: int | None = None) -> int:
        """Create or upgrade the schema to ``target`` (default: latest) under a lock; returns the version."""
        target = target or s.SCHEMA_VERSION
        with self._tx() as conn:
            if self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(726354)"))
            version = s.current_version(conn)
            if version > s.SCHEMA_VERSION:
                raise RuntimeError(
                    f"ledger schema version {version} is newer than this odoo-hub ({s.SCHEMA_VERSION}); "
                    "upgrade odoo-hub"
                )
            for number, step in s.MIGRATIONS:
                if version < number <= target:
                    step(conn)
                    s.set_version(conn, number)
                    version = number
        return version

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return s.current_version(conn)

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------ runs

    def start_run(self, flow: str, platform: str) -> int:
        with self._tx() as conn:
            res = conn.execute(
                s.runs.insert().values(
                    flow=flow,
                    platform=platform,
                    status="running",
                    started_at=_now(),
                    host=HOST,
                    pid=os.getpid(),
                    sent=0,
                    unchanged=0,
                    failed=0,
                )
            )
            return int(res.inserted_primary_key[0])  # type: ignore[index]

    def finish_run(
        self, run_id: int, *, sent: int, unchanged: int, failed: int, status: str = "done"
    ) -> None:
        with self._tx() as conn:
            started = conn.execute(select(s.runs.c.started_at).where(s.runs.c.id == run_id)).scalar_one()
            finished = _now()
            duration = (finished - (_aware(started) or finished)).total_seconds() * 1000
            conn.execute(
                s.runs.update()
                .where(s.runs.c.id == run_id)
                .values(
                    status=status,
                    finished_at=finished,
                    sent=sent,
                    unchanged=unchanged,
                    failed=failed,
                    duration_ms=round(duration, 3),
                )
            )

    def get_run(self, run_id: int) -> Run | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(s.runs).where(s.runs.c.id == run_id)).first()
        return _row(Run, row) if row else None

    def history(self, limit: int = 20, platform: str | None = None) -> list[Run]:
        q = select(s.runs).order_by(s.runs.c.id.desc()).limit(limit)
        if platform:
            q = q.where(s.runs.c.platform == platform)
        with self.engine.connect() as conn:
            return [_row(Run, r) for r in conn.execute(q)]

    # ------------------------------------------------------------ bindings

    def get_binding(self, platform: str, entity: str, key: str) -> Binding | None:
        with self.engine.connect() as conn:
            return self._binding(conn, platform, entity, short_key(key, KEY_LIMIT))

    @staticmethod
    def _binding(conn: Connection, platform: str, entity: str, key: str) -> Binding | None:
        b = s.bindings.c
        row = conn.execute(
            select(s.bindings).where(and_(b.platform == platform, b.entity == entity, b.key == key))
        ).first()
        return _row(Binding, row) if row else None

    def bindings(self, platform: str | None = None, entity: str | None = None) -> list[Binding]:
        q = select(s.bindings).order_by(s.bindings.c.id)
        if platform:
            q = q.where(s.bindings.c.platform == platform)
        if entity:
            q = q.where(s.bindings.c.entity == entity)
        with self.engine.connect() as conn:
            return [_row(Binding, r) for r in conn.execute(q)]

    def claim(
        self,
        platform: str,
        entity: str,
        key: str,
        payload_hash: str,
        *,
        run_id: int,
        force: bool = False,
        lease_seconds: float = 300,
    ) -> ClaimResult:
        """Reserve ``key`` for sending, atomically; ``UNCHANGED`` if the last accepted payload has this hash.

        The claim row is inserted first and the binding is read after it, in one transaction, so a pipeline
        that finished the same record meanwhile is always seen: two processes never both send it. A claim
        another run holds is ``BUSY`` unless it is stale: its run is closed, its run's process on this host
        is gone (killed), or it is older than ``lease_seconds`` (the bound for runs on other hosts).
        """
        c = s.claims.c
        key = short_key(key, KEY_LIMIT)
        where = and_(c.platform == platform, c.entity == entity, c.key == key)
        now = _now()
        with self._tx() as conn:
            try:
                with conn.begin_nested():
                    conn.execute(
                        s.claims.insert().values(
                            platform=platform,
                            entity=entity,
                            key=key,
                            run_id=run_id,
                            payload_hash=payload_hash,
                            claimed_at=now,
                        )
                    )
            except IntegrityError:
                held = conn.execute(_held().where(where)).first()
                if held is None:
                    return (
                        ClaimResult.BUSY
                    )  # released between our insert and read: let the caller retry later
                stale = _claim_stale(held, now - timedelta(seconds=lease_seconds))
                if held.run_id != run_id and not stale:
                    return ClaimResult.BUSY
                taken = conn.execute(
                    s.claims.update()
                    .where(and_(where, c.run_id == held.run_id, c.claimed_at == held.claimed_at))
                    .values(run_id=run_id, payload_hash=payload_hash, claimed_at=now)
                ).rowcount
                if taken != 1:
                    return ClaimResult.BUSY
            binding = self._binding(conn, platform, entity, key)
            if not force and binding is not None and binding.payload_hash == payload_hash:
                conn.execute(s.claims.delete().where(where))
                return ClaimResult.UNCHANGED
        return ClaimResult.CLAIMED

    def hashes(self, platform: str, entity: str, keys: Iterable[str]) -> dict[str, str | None]:
        """key -> hash of the last accepted payload, for the keys that have a binding (chunked reads)."""
        stored = {short_key(k, KEY_LIMIT): k for k in keys}  # as stored -> as asked
        b = s.bindings.c
        out: dict[str, str | None] = {}
        with self.engine.connect() as conn:
            for part in _chunks(list(stored)):
                rows = conn.execute(
                    select(b.key, b.payload_hash).where(
                        and_(b.platform == platform, b.entity == entity, b.key.in_(part))
                    )
                )
                out.update({stored[row.key]: row.payload_hash for row in rows})
        return out

    def binding_hashes(
        self, platform: str, entity: str, keys: Iterable[str]
    ) -> dict[str, tuple[str | None, str | None]]:
        """key -> (hash of the last accepted payload, hash of the source it was built from), for the keys
        that have a binding (chunked reads): :meth:`hashes` and the source hashes of
        :meth:`etl.sink.SyncEngine.fresh` in one read."""
        stored = {(k if len(k) <= KEY_LIMIT else short_key(k, KEY_LIMIT)): k for k in keys}
        out: dict[str, tuple[str | None, str | None]] = {}
        if not stored:
            return out
        with self.engine.connect() as conn:
            for part in _chunks(list(stored)):
                rows = conn.execute(_BINDING_HASHES, {"platform": platform, "entity": entity, "keys": part})
                out.update({stored[key]: (payload, source) for key, payload, source in rows})
        return out

    def note_sources(self, platform: str, entity: str, sources: Mapping[str, tuple[str, str]]) -> None:
        """Store ``{key: (payload_hash, source_hash)}`` on the bindings whose accepted payload has that hash:
        a record that builds the accepted payload again is known by its source hash from now on (one
        transaction; a binding another run changed meanwhile is left alone)."""
        if not sources:
            return
        b = s.bindings.c
        rows = [{"k": short_key(k, KEY_LIMIT), "h": h, "sh": sh} for k, (h, sh) in sources.items()]
        with self._tx() as conn:
            conn.execute(
                s.bindings.update()
                .where(
                    and_(
                        b.platform == platform,
                        b.entity == entity,
                        b.key == bindparam("k"),
                        b.payload_hash == bindparam("h"),
                    )
                )
                .values(source_hash=bindparam("sh")),
                rows,
            )

    def claim_many(
        self,
        platform: str,
        entity: str,
        items: Mapping[str, str],
        *,
        run_id: int,
        force: bool = False,
        lease_seconds: float = 300,
    ) -> dict[str, ClaimResult]:
        """:meth:`claim` for a batch ``{key: payload_hash}`` in one transaction (same guarantees)."""
        if not items:
            return {}
        stored = {k: short_key(k, KEY_LIMIT) for k in items}
        if any(k != v for k, v in stored.items()):
            found = self.claim_many(
                platform,
                entity,
                {stored[k]: h for k, h in items.items()},
                run_id=run_id,
                force=force,
                lease_seconds=lease_seconds,
            )
            return {k: found[stored[k]] for k in items}
        c = s.claims.c
        now = _now()
        stale_before = now - timedelta(seconds=lease_seconds)
        result: dict[str, ClaimResult] = {}
        keys = list(items)
        with self._tx() as conn:
            held: dict[str, Any] = {}
            for part in _chunks(keys):
                for row in conn.execute(
                    _held().where(and_(c.platform == platform, c.entity == entity, c.key.in_(part)))
                ):
                    held[row.key] = row
            free = [k for k in keys if k not in held]
            rows = [
                {
                    "platform": platform,
                    "entity": entity,
                    "key": k,
                    "run_id": run_id,
                    "payload_hash": items[k],
                    "claimed_at": now,
                }
                for k in free
            ]
            try:
                with conn.begin_nested():
                    if rows:
                        conn.execute(s.claims.insert(), rows)
                for k in free:
                    result[k] = ClaimResult.CLAIMED
            except IntegrityError:  # another pipeline claimed some of them just now: one by one
                for one in rows:
                    try:
                        with conn.begin_nested():
                            conn.execute(s.claims.insert().values(**one))
                        result[str(one["key"])] = ClaimResult.CLAIMED
                    except IntegrityError:
                        result[str(one["key"])] = ClaimResult.BUSY
            for k, h in held.items():
                mine = h.run_id == run_id
                if not mine and not _claim_stale(h, stale_before):
                    result[k] = ClaimResult.BUSY
                    continue
                taken = conn.execute(
                    s.claims.update()
                    .where(
                        and_(
                            c.platform == platform,
                            c.entity == entity,
                            c.key == k,
                            c.run_id == h.run_id,
                            c.claimed_at == h.claimed_at,
                        )
                    )
                    .values(run_id=run_id, payload_hash=items[k], claimed_at=now)
                ).rowcount
                result[k] = ClaimResult.CLAIMED if taken == 1 else ClaimResult.BUSY
            claimed = [k for k, r in result.items() if r is ClaimResult.CLAIMED]
            if claimed and not force:
                b = s.bindings.c
                unchanged: list[str] = []
                for part in _chunks(claimed):
                    for row in conn.execute(
                        select(b.key, b.payload_hash).where(
                            and_(b.platform == platform, b.entity == entity, b.key.in_(part))
                        )
                    ):
                        if row.payload_hash == items[row.key]:
                            unchanged.append(row.key)
                for part in _chunks(unchanged):
                    conn.execute(
                        s.claims.delete().where(
                            and_(c.platform == platform, c.entity == entity, c.key.in_(part))
                        )
                    )
                for k in unchanged:
                    result[k] = ClaimResult.UNCHANGED
        return {k: result[k] for k in keys}

    def record_many(self, platform: str, accepted: Iterable[Accepted], run_id: int | None) -> None:
        """:meth:`record_success` for a batch, in one transaction."""
        items = [_fit(a) for a in accepted]
        if not items:
            return
        now = _now()
        b, c, d = s.bindings.c, s.claims.c, s.dead_letters.c
        by_entity: dict[str, list[Accepted]] = {}
        for item in items:
            by_entity.setdefault(item.entity, []).append(item)
        with self._tx() as conn:
            for entity, group in by_entity.items():
                keys = [a.key for a in group]
                existing: set[str] = set()
                for part in _chunks(keys):
                    existing.update(
                        r.key
                        for r in conn.execute(
                            select(b.key).where(
                                and_(b.platform == platform, b.entity == entity, b.key.in_(part))
                            )
                        )
                    )
                inserts = [
                    {
                        "platform": platform,
                        "entity": entity,
                        "key": a.key,
                        "odoo_model": a.odoo_model,
                        "odoo_id": a.odoo_id,
                        "remote_id": a.remote_id,
                        "sku": a.sku,
                        "payload_hash": a.payload_hash,
                        "source_hash": a.source_hash,
                        "run_id": run_id,
                        "synced_at": now,
                    }
                    for a in group
                    if a.key not in existing
                ]
                if inserts:
                    conn.execute(s.bindings.insert(), inserts)
                updates = [
                    {
                        "k": a.key,
                        "h": a.payload_hash,
                        "sh": a.source_hash,
                        "r": run_id,
                        "t": now,
                        "rid": a.remote_id,
                        "om": a.odoo_model,
                        "oid": a.odoo_id,
                        "sku": a.sku,
                    }
                    for a in group
                    if a.key in existing
                ]
                if updates:
                    conn.execute(
                        s.bindings.update()
                        .where(and_(b.platform == platform, b.entity == entity, b.key == bindparam("k")))
                        .values(
                            payload_hash=bindparam("h"),
                            source_hash=bindparam("sh"),  # replaced, even by None: it was another record's
                            run_id=bindparam("r"),
                            synced_at=bindparam("t"),
                            remote_id=func.coalesce(bindparam("rid"), b.remote_id),
                            odoo_model=func.coalesce(bindparam("om"), b.odoo_model),
                            odoo_id=func.coalesce(bindparam("oid"), b.odoo_id),
                            sku=func.coalesce(bindparam("sku"), b.sku),
                        ),
                        updates,
                    )
                for part in _chunks(keys):
                    conn.execute(
                        s.claims.delete().where(
                            and_(c.platform == platform, c.entity == entity, c.key.in_(part))
                        )
                    )
                    conn.execute(
                        s.dead_letters.update()
                        .where(
                            and_(
                                d.platform == platform,
                                d.entity == entity,
                                d.key.in_(part),
                                d.resolved_at.is_(None),
                            )
                        )
                        .values(resolved_at=now, last_tried_at=now)
                    )

    def release_many(self, platform: str, entity: str, keys: Iterable[str], *, run_id: int) -> None:
        c = s.claims.c
        with self._tx() as conn:
            for part in _chunks([short_key(k, KEY_LIMIT) for k in keys]):
                conn.execute(
                    s.claims.delete().where(
                        and_(c.platform == platform, c.entity == entity, c.key.in_(part), c.run_id == run_id)
                    )
                )

    def release(self, platform: str, entity: str, key: str, *, run_id: int) -> None:
        c = s.claims.c
        key = short_key(key, KEY_LIMIT)
        with self._tx() as conn:
            conn.execute(
                s.claims.delete().where(
                    and_(c.platform == platform, c.entity == entity, c.key == key, c.run_id == run_id)
                )
            )

    def record_success(
        self,
        *,
        platform: str,
        entity: str,
        key: str,
        payload_hash: str,
        run_id: int | None,
        odoo_model: str | None = None,
        odoo_id: int | None = None,
        remote_id: str | None = None,
        sku: str | None = None,
        source_hash: str | None = None,
    ) -> None:
        """Remember the accepted payload (binding), release the claim, resolve an open dead letter.
        ``source_hash``: of the record the payload was built from (None clears an older record's)."""
        key = short_key(key, KEY_LIMIT)
        sku = _opt_key(sku)
        now = _now()
        values: dict[str, Any] = {
            "payload_hash": payload_hash,
            "source_hash": source_hash,
            "run_id": run_id,
            "synced_at": now,
        }
        for name, value in (
            ("odoo_model", odoo_model),
            ("odoo_id", odoo_id),
            ("remote_id", remote_id),
            ("sku", sku),
        ):
            if value is not None:
                values[name] = value
        b, c, d = s.bindings.c, s.claims.c, s.dead_letters.c
        with self._tx() as conn:
            updated = conn.execute(
                s.bindings.update()
                .where(and_(b.platform == platform, b.entity == entity, b.key == key))
                .values(**values)
            ).rowcount
            if not updated:
                conn.execute(s.bindings.insert().values(platform=platform, entity=entity, key=key, **values))
            conn.execute(
                s.claims.delete().where(and_(c.platform == platform, c.entity == entity, c.key == key))
            )
            conn.execute(
                s.dead_letters.update()
                .where(
                    and_(d.platform == platform, d.entity == entity, d.key == key, d.resolved_at.is_(None))
                )
                .values(resolved_at=now, last_tried_at=now)
            )

    # ------------------------------------------------------------ events

    def record_event(
        self,
        *,
        run_id: int | None,
        platform: str,
        entity: str | None,
        key: str | None,
        outcome: str,
        http_status: int | None = None,
        error_code: str | None = None,
        error_message: str | None = None,
        request_body: Any = None,
        response_body: Any = None,
        duration_ms: float | None = None,
        method: str | None = None,
        url: str | None = None,
    ) -> None:
        with self._tx() as conn:
            conn.execute(
                s.events.insert().values(
                    run_id=run_id,
                    platform=platform,
                    entity=entity,
                    key=_opt_key(key),
                    outcome=outcome,
                    http_status=http_status,
                    error_code=error_code,
                    error_message=body_text(error_message) if error_message else None,
                    request_body=body_text(request_body),
                    response_body=body_text(response_body),
                    duration_ms=duration_ms,
                    method=method,
                    url=scrub_url(url)[:1024] if url else None,
                    created_at=_now(),
                )
            )

    def record_events(self, rows: list[dict[str, Any]]) -> None:
        """Many record-level events in one transaction (same keys as :meth:`record_event`)."""
        if not rows:
            return
        now = _now()
        prepared = []
        for r in rows:
            prepared.append(
                {
                    "run_id": r.get("run_id"),
                    "platform": r["platform"],
                    "entity": r.get("entity"),
                    "key": _opt_key(r.get("key")),
                    "outcome": r["outcome"],
                    "http_status": r.get("http_status"),
                    "error_code": r.get("error_code"),
                    "error_message": body_text(r["error_message"]) if r.get("error_message") else None,
                    "request_body": body_text(r.get("request_body")),
                    "response_body": body_text(r.get("response_body")),
                    "duration_ms": r.get("duration_ms"),
                    "method": r.get("method"),
                    "url": scrub_url(r["url"])[:1024] if r.get("url") else None,
                    "created_at": now,
                }
            )
        with self._tx() as conn:
            conn.execute(s.events.insert(), prepared)

    def events(
        self, run_id: int | None = None, limit: int = 100, outcome: str | None = None
    ) -> list[dict[str, Any]]:
        q = select(s.events).order_by(s.events.c.id.desc()).limit(limit)
        if run_id is not None:
            q = q.where(s.events.c.run_id == run_id)
        if outcome:
            q = q.where(s.events.c.outcome == outcome)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    # ------------------------------------------------------------ dead letters

    def add_dead_letter(
        self,
        *,
        run_id: int | None,
        platform: str,
        entity: str,
        key: str,
        record: Mapping[str, Any],
        reason: str,
        stream: str | None = None,
    ) -> int:
        """Store (or re-open and count) the dead letter of ``key``; also releases its claim. A key longer than
        200 characters is stored as :func:`etl.text.short_key` (stable: the same record meets its letter)."""
        key = short_key(key, KEY_LIMIT)
        now = _now()
        d, c = s.dead_letters.c, s.claims.c
        where = and_(d.platform == platform, d.entity == entity, d.key == key)
        record_text = json.dumps(scrub(dict(record)), ensure_ascii=False, default=str)
        reason = body_text(reason) or ""
        with self._tx() as conn:
            conn.execute(
                s.claims.delete().where(and_(c.platform == platform, c.entity == entity, c.key == key))
            )
            row = conn.execute(select(d.id).where(where)).first()
            if row is not None:
                conn.execute(
                    s.dead_letters.update()
                    .where(d.id == row.id)
                    .values(
                        run_id=run_id,
                        record=record_text,
                        reason=reason,
                        stream=stream,
                        attempts=d.attempts + 1,
                        last_tried_at=now,
                        resolved_at=None,
                    )
                )
                return int(row.id)
            res = conn.execute(
                s.dead_letters.insert().values(
                    run_id=run_id,
                    platform=platform,
                    entity=entity,
                    key=key,
                    stream=stream,
                    record=record_text,
                    reason=reason,
                    attempts=1,
                    first_failed_at=now,
                    last_tried_at=now,
                )
            )
            return int(res.inserted_primary_key[0])  # type: ignore[index]

    def dead_letters(
        self, platform: str | None = None, run_id: int | None = None, include_resolved: bool = False
    ) -> list[DeadLetter]:
        d = s.dead_letters.c
        q = select(s.dead_letters).order_by(d.id)
        if platform:
            q = q.where(d.platform == platform)
        if run_id is not None:
            q = q.where(d.run_id == run_id)
        if not include_resolved:
            q = q.where(d.resolved_at.is_(None))
        with self.engine.connect() as conn:
            return [_row(DeadLetter, r) for r in conn.execute(q)]

    def resolve_dead_letter(self, dl_id: int) -> None:
        with self._tx() as conn:
            conn.execute(
                s.dead_letters.update().where(s.dead_letters.c.id == dl_id).values(resolved_at=_now())
            )

    def fail_dead_letter(self, dl_id: int, reason: str, run_id: int | None = None) -> None:
        d = s.dead_letters.c
        values: dict[str, Any] = {"reason": body_text(reason) or "", "attempts": d.attempts + 1}
        values["last_tried_at"] = _now()
        if run_id is not None:
            values["run_id"] = run_id
        with self._tx() as conn:
            conn.execute(s.dead_letters.update().where(d.id == dl_id).values(**values))

    # ------------------------------------------------------------ reporting

    def stats(self, platform: str | None = None) -> dict[str, Any]:
        """Seed 001's figures over record-level outcomes (sent / failed events), and what is bound.

        ``products_with_odoo_id`` (seed 001's name) counts the bindings of the ``product`` entity that carry
        an Odoo id: platform products bound to an Odoo product (per platform; summed without ``platform``).
        ``bindings_per_entity`` counts every binding by ``"<platform>/<entity>"`` (stock rows, order events,
        order links... each under its own name).
        """
        e, b, r = s.events.c, s.bindings.c, s.runs.c
        ev = select(
            func.count().label("total"),
            func.sum(case((e.outcome == "sent", 1), else_=0)).label("ok"),
            func.avg(e.duration_ms).label("avg"),
            func.max(e.created_at).label("last"),
        ).where(e.outcome.in_(("sent", "failed")))
        bound = b.remote_id.is_not(None) | b.payload_hash.is_not(None)
        pq = (
            select(func.count())
            .select_from(s.bindings)
            .where(bound, b.entity == PRODUCT_ENTITY, b.odoo_id.is_not(None))
        )
        bq = (
            select(b.platform, b.entity, func.count().label("n"))
            .where(bound)
            .group_by(b.platform, b.entity)
            .order_by(b.platform, b.entity)
        )
        rq = select(func.count()).select_from(s.runs)
        dq = select(func.count()).select_from(s.dead_letters).where(s.dead_letters.c.resolved_at.is_(None))
        if platform:
            ev = ev.where(e.platform == platform)
            pq = pq.where(b.platform == platform)
            bq = bq.where(b.platform == platform)
            rq = rq.where(r.platform == platform)
            dq = dq.where(s.dead_letters.c.platform == platform)
        with self.engine.connect() as conn:
            row = conn.execute(ev).one()
            products = conn.execute(pq).scalar_one()
            per_entity = {f"{row.platform}/{row.entity}": int(row.n) for row in conn.execute(bq)}
            run_count = conn.execute(rq).scalar_one()
            open_dead = conn.execute(dq).scalar_one()
        total = int(row.total or 0)
        ok = int(row.ok or 0)
        last = _aware(row.last) if isinstance(row.last, datetime) else row.last
        return {
            "total_syncs": total,
            "successful_syncs": ok,
            "failed_syncs": total - ok,
            "success_rate": round(ok * 100.0 / total, 2) if total else None,
            "avg_duration_ms": round(float(row.avg), 1) if row.avg is not None else None,
            "last_sync_at": last.isoformat().replace("+00:00", "Z") if isinstance(last, datetime) else last,
            "products_with_odoo_id": int(products),
            "bindings_per_entity": per_entity,
            "runs": int(run_count),
            "open_dead_letters": int(open_dead),
        }
