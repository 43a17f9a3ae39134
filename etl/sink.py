"""The flow every API target shares.

filter -> map -> validate -> hash compare (claim) -> adapter in batches
-> ledger (binding / event / dead letter)

Two ways in: records one by one (`process` / `process_entity`, buffered per entity), or a target's own
batches through the public steps `item` -> `skip_unchanged` -> `send` (what target-medusa does, with its
platform rules between the steps). With ``validate_changed_only=True`` a batch costs one ledger read for the
hash compare and validates only the payloads that changed; with claims on, the changed ones cost one
``claim_many`` transaction more.

Before any payload is built, `fresh` (on by default on the one-by-one path: ``source_compare``) compares
each record's source hash with the one stored next to its last accepted payload: an unchanged record costs
one hash and a share of one ledger read, no mapping. The source hash covers the record, the mapping's
fingerprint (entity spec, lookups, the code that builds payloads) and the settings (secrets left out); a
record whose source hash differs is built and compared by payload as before.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol, TypeVar, runtime_checkable

from etl.errors import MappingError, StopRun
from etl.ledger import Accepted, ClaimResult, Ledger, payload_hash, scrub
from etl.mapping import EntitySpec
from etl.mapping import Mapping as MappingFile
from etl.text import shorten
from etl.validation import PayloadInvalid, PayloadValidator

E = TypeVar("E", bound="SyncEngine")

log = logging.getLogger("etl.sink")

DEFAULT_BATCH_SIZE = 100


@dataclass
class OutboundItem:
    entity: str
    key: str
    payload: dict[str, Any]
    record: dict[str, Any]
    payload_hash: str
    odoo_model: str | None = None
    odoo_id: int | None = None
    sku: str | None = None
    stream: str | None = None
    source_hash: str | None = None  # of the record it was built from (SyncEngine.source_hash); None: unknown


Keyed = tuple[str | None, str | None, dict[str, Any]]  # (key or None, stream, record)


class Fresh(NamedTuple):
    """A record `SyncEngine.fresh` found changed (or could not tell), with its source hash."""

    stream: str | None
    record: dict[str, Any]
    source_hash: str | None


@dataclass
class SendResult:
    key: str
    ok: bool
    remote_id: str | None = None
    http_status: int | None = None
    error_code: str | None = None
    error_message: str | None = None
    response_body: Any = None  # stored (scrubbed) on the item's failed event
    reason: str | None = None  # dead-letter reason in the platform's words (default: status, code, message)
    note: str | None = None  # stored on the item's sent event (e.g. "already absent")
    method: str | None = None  # the call that carried the item, for its event
    url: str | None = None


@runtime_checkable
class Adapter(Protocol):
    """A platform's writer: sends a batch of one entity, answers one result per item."""

    def send(self, entity: str, items: list[OutboundItem]) -> list[SendResult]: ...


class DeadLettersFound(RuntimeError):
    """Raised by :meth:`SyncEngine.finish` when ``fail_on_dead_letters`` is set and records failed."""


@dataclass
class RunSummary:
    run_id: int
    sent: int = 0
    unchanged: int = 0
    failed: int = 0
    busy: int = 0
    filtered: int = 0
    deleted: int = 0
    duration_ms: float = 0.0
    failures: list[str] = field(default_factory=list)
    by_entity: dict[str, int] = field(default_factory=dict)  # sent per entity

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "sent": self.sent,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "busy": self.busy,
            "filtered": self.filtered,
            "deleted": self.deleted,
            "duration_ms": round(self.duration_ms, 1),
        }


Send = Callable[[list[OutboundItem]], list[SendResult]]


def non_finite(value: Any, path: str = "") -> str | None:
    """Path of the first infinite or NaN number in a payload (JSON has no such numbers), else None."""
    if isinstance(value, float):
        return None if math.isfinite(value) else (path or "<payload>")
    if isinstance(value, dict):
        for k, v in value.items():
            found = non_finite(v, f"{path}.{k}" if path else str(k))
            if found:
                return found
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found = non_finite(v, f"{path}[{i}]")
            if found:
                return found
    return None


class SyncEngine:
    """Drives records of one platform through mapping, validation, the ledger and the adapter.

    ``claims`` (default on): each changed item is claimed in the ledger before it is sent (one ``claim_many``
    per batch), so two pipelines on one ledger never send the same record twice. A killed run's claims are
    taken over at once by a run on the same host (its process is gone) or once the run is closed; a run on
    another host waits for their lease (300 s). Off: no claim rows, for a single pipeline per ledger.
    ``validate_changed_only``: payloads are checked after the hash compare, so an unchanged one costs no
    validation. ``workers``: batches sent at once; records are buffered until ``workers`` batches are full.
    ``source_compare`` (default on): the one-by-one path counts a record unchanged without building its
    payload when its source hash is the one stored with its last accepted payload (see :meth:`fresh`).
    Hooks a subclass may override: ``fallback_key``, ``invalid_reason``, ``on_dead_letter``, ``run_status``.
    """

    def __init__(
        self,
        *,
        platform: str,
        mapping: MappingFile,
        adapter: Adapter,
        ledger: Ledger,
        validator: PayloadValidator | None = None,
        flow: str = "sync",
        config: Mapping[str, Any] | None = None,
        fail_on_dead_letters: bool = False,
        force: bool = False,
        batch_size: int = DEFAULT_BATCH_SIZE,
        workers: int = 1,
        require_schemas: bool = True,
        claims: bool = True,
        validate_changed_only: bool = False,
        busy_wait: float = 60.0,
        source_compare: bool = True,
    ) -> None:
        self.platform = platform
        self.mapping = mapping
        self.adapter = adapter
        self.ledger = ledger
        self.validator = validator
        self.config = dict(config or {})
        self.fail_on_dead_letters = fail_on_dead_letters
        self.force = force
        self.batch_size = max(1, batch_size)
        self.workers = max(1, workers)
        self.claims = claims
        self.validate_changed_only = validate_changed_only
        self.busy_wait = busy_wait
        self.source_compare = source_compare
        self._fingerprints: dict[str, str] = {}
        if validator is not None and require_schemas:
            missing = [e for e in mapping.entities if not validator.has_schema(e)]
            if missing:
                raise ValueError(
                    f"no payload schema for {platform} entities {', '.join(missing)}: add "
                    f"{validator.schema_dir}/<entity>.json or remove them from the mapping file"
                )
        self.run_id = ledger.start_run(flow, platform)
        http = getattr(adapter, "http", None)
        if http is not None and hasattr(http, "run_id"):
            http.run_id = self.run_id
        self.summary = RunSummary(self.run_id)
        self._buffers: dict[str, dict[str, Keyed]] = {}  # entity -> key -> record
        self._started = time.monotonic()
        self._finished = False

    # ------------------------------------------------------------ intake

    def process(self, stream: str, record: Mapping[str, Any]) -> None:
        """Route one tap record to every entity fed by ``stream``."""
        for spec in self.mapping.entities_for_stream(stream):
            self.process_entity(spec.name, record, stream=stream)

    def process_entity(self, entity: str, record: Mapping[str, Any], stream: str | None = None) -> None:
        """Buffer one record (by key: a later version in the same batch wins); its payload is built when the
        batch is flushed, unless its source is unchanged. A record without a key is a dead letter now."""
        spec = self.mapping.entity(entity)
        rec = dict(record)
        if not self.mapping.accepts(entity, rec):
            self.summary.filtered += 1
            return
        try:
            key = self.mapping.key_of(entity, rec)
        except MappingError:
            self.item(entity, rec, stream)  # the dead letter naming the empty key field
            return
        buf = self._buffers.setdefault(entity, {})
        buf.pop(key, None)  # a later version of the same record in one batch wins
        buf[key] = (key, stream, rec)
        if len(buf) >= self._batch_size(spec) * self.workers:
            self.flush(entity)

    def source_hash(self, entity: str, record: Mapping[str, Any]) -> str:
        """sha256 of what a payload of ``entity`` is built from: the record (canonical JSON), the mapping's
        :meth:`~etl.mapping.Mapping.fingerprint` and the settings (secrets left out: ``etl.ledger.scrub``),
        and the payload schema it is checked against (a new schema checks every payload again)."""
        fingerprint = self._fingerprints.get(entity)
        if fingerprint is None:
            settings = payload_hash(scrub(self.config))
            schema = self._schema_text(entity)
            fingerprint = payload_hash([self.mapping.fingerprint(entity), settings, schema])
            self._fingerprints[entity] = fingerprint
        return payload_hash([fingerprint, record])

    def _schema_text(self, entity: str) -> str | None:
        if self.validator is None or not self.validator.has_schema(entity):
            return None
        try:
            return self.validator.schema_path(entity).read_text(encoding="utf-8")
        except OSError:
            return None

    @classmethod
    def for_target(
        cls: type[E],
        *,
        platform: str,
        mapping: MappingFile,
        adapter: Adapter,
        ledger: Ledger,
        config: Mapping[str, Any],
        flow: str,
    ) -> E:
        """The engine of a platform target, from its settings (flow_name, else ``flow``; fail_on_dead_letters;
        batch_size; concurrency): payloads checked against ``schemas/<platform>``, only the changed ones
        validated, claims on; the adapter's HTTP exchanges (retries too) recorded as events of this run."""
        engine = cls(
            platform=platform,
            mapping=mapping,
            adapter=adapter,
            ledger=ledger,
            validator=PayloadValidator(platform),
            flow=str(config.get("flow_name") or flow),
            config=config,
            fail_on_dead_letters=bool(config.get("fail_on_dead_letters")),
            batch_size=int(config.get("batch_size", 500)),
            workers=int(config.get("concurrency", 4)),
            claims=True,
            validate_changed_only=True,
        )
        http = getattr(adapter, "http", None)
        if http is not None and getattr(http, "ledger", False) is None:
            http.ledger, http.platform = ledger, platform
        return engine

    def fresh(self, entity: str, records: Iterable[tuple[str | None, Mapping[str, Any]]]) -> list[Fresh]:
        """The ``(stream, record)`` pairs whose source changed since their last accepted payload, each with
        its source hash, in one ledger read; the others are counted unchanged (one ``unchanged`` event)
        and their payloads are never built. With ``source_compare`` off or ``force`` every record is
        returned (hash None). A record without a key is returned for :meth:`item` to make its dead letter.
        Records are compared one by one: rules that span a run's records (``one_record_per_key``) only see
        the records returned here (docs/etl.md, "The source compare")."""
        keyed: list[Keyed] = []
        for stream, record in records:
            rec = record if isinstance(record, dict) else dict(record)
            try:
                key: str | None = self.mapping.key_of(entity, rec)
            except MappingError:
                key = None
            keyed.append((key, stream, rec))
        return self._fresh(entity, keyed)[0]

    def _fresh(self, entity: str, keyed: list[Keyed]) -> tuple[list[Fresh], dict[str, str | None] | None]:
        """:meth:`fresh` of records whose keys are known (None: the record has none), and the accepted
        payload hashes it read (None when it read none)."""
        if not self.source_compare or self.force:
            return [Fresh(stream, rec, None) for _, stream, rec in keyed], None
        hashed = [(key, Fresh(stream, rec, self.source_hash(entity, rec))) for key, stream, rec in keyed]
        return self._compare_sources(entity, hashed)

    def _compare_sources(
        self, entity: str, hashed: list[tuple[str | None, Fresh]]
    ) -> tuple[list[Fresh], dict[str, str | None]]:
        """The changed records, and the accepted payload hashes read with the source hashes (one read)."""
        stored = self.ledger.binding_hashes(self.platform, entity, [k for k, _ in hashed if k is not None])
        changed = []
        for key, fresh in hashed:
            payload, source = stored.get(key, (None, None)) if key is not None else (None, None)
            if payload is None or source != fresh.source_hash:
                changed.append(fresh)
        self._count_unchanged(entity, len(hashed) - len(changed))
        return changed, {k: payload for k, (payload, _) in stored.items()}

    def item(
        self,
        entity: str,
        record: Mapping[str, Any],
        stream: str | None = None,
        *,
        validate: bool = True,
        source_hash: str | None = None,
    ) -> OutboundItem | None:
        """Key, payload (checked against the schema when ``validate``) and hash of one record (the filter is
        the caller's); a record that cannot be built or is invalid becomes a dead letter: None.
        ``source_hash`` (from :meth:`fresh`) is stored with the payload once it is accepted."""
        spec = self.mapping.entity(entity)
        rec = record if isinstance(record, dict) else dict(record)
        try:
            key = self.mapping.key_of(entity, rec)
        except MappingError as exc:
            self.dead_letter(entity, self.fallback_key(spec, rec, stream), rec, stream, str(exc), "MAPPING")
            return None
        try:
            payload = self.mapping.build(entity, rec, self.config, key=key)
            try:  # the hash's strict JSON finds an infinite or NaN number at no extra cost
                digest = payload_hash(payload, finite=True)
            except ValueError:
                raise MappingError(
                    entity=entity,
                    field=non_finite(payload) or "<payload>",
                    key=key,
                    reason="the value is infinite or not a number, which JSON cannot carry",
                    fix="correct the value in Odoo",
                ) from None
            if validate and self.validator is not None and self.validator.has_schema(entity):
                self.validator.check(entity, payload, key=key)
        except MappingError as exc:
            self.dead_letter(entity, key, rec, stream, str(exc), "MAPPING")
            return None
        except PayloadInvalid as exc:
            self.dead_letter(entity, key, rec, stream, self.invalid_reason(exc), "INVALID")
            return None
        except Exception as exc:  # whatever else goes wrong with one record is that record's, not the run's
            reason = f"{entity} {key}: could not be built: {type(exc).__name__}: {exc}"
            self.dead_letter(entity, key, rec, stream, reason, "MAPPING")
            return None
        return OutboundItem(
            entity=entity,
            key=key,
            payload=payload,
            record=rec,
            payload_hash=digest,
            odoo_model=spec.model,
            odoo_id=self.mapping.odoo_id(entity, rec),
            sku=self.mapping.sku_of(entity, rec),
            stream=stream,
            source_hash=source_hash,
        )

    def skip_unchanged(
        self,
        entity: str,
        items: Iterable[OutboundItem],
        *,
        validate: bool | None = None,
        known: Mapping[str, str | None] | None = None,
    ) -> list[OutboundItem]:
        """The items whose payload differs from the last accepted one, read in one ledger query (a later item
        of the same key wins); the others are counted unchanged (one ``unchanged`` event per call). With
        ``validate`` (default: ``validate_changed_only``) the changed payloads are checked and an invalid one
        becomes a dead letter. ``known``: the accepted payload hashes when the caller read them already."""
        latest = {i.key: i for i in items}
        if self.force:
            known = {}
        elif known is None:
            known = self.ledger.hashes(self.platform, entity, latest)
        check = None
        if validate is None:
            validate = self.validate_changed_only
        if validate and self.validator is not None and self.validator.has_schema(entity):
            check = self.validator.fast_check(entity)
        changed: list[OutboundItem] = []
        unchanged = 0
        sources: dict[str, tuple[str, str]] = {}
        for key, item in latest.items():
            if known.get(key) == item.payload_hash:
                unchanged += 1
                if item.source_hash is not None:
                    sources[key] = (item.payload_hash, item.source_hash)
                continue
            if check is not None and self.validator is not None and not check(item.payload):
                issues = self.validator.issues(entity, item.payload)
                if issues:
                    reason = self.invalid_reason(PayloadInvalid(entity, key, issues))
                    self.dead_letter(entity, key, item.record, item.stream, reason, "INVALID")
                    continue
            changed.append(item)
        self._count_unchanged(entity, unchanged)
        self.ledger.note_sources(self.platform, entity, sources)  # known by their source from now on
        return changed

    def _count_unchanged(self, entity: str, unchanged: int) -> None:
        """Count records not sent because nothing changed (one ``unchanged`` event)."""
        if unchanged:
            self.summary.unchanged += unchanged
            self.ledger.record_event(
                run_id=self.run_id,
                platform=self.platform,
                entity=entity,
                key=None,
                outcome="unchanged",
                error_message=f"{unchanged} unchanged, not sent",
            )

    def one_record_per_key(
        self,
        entity: str,
        items: Iterable[OutboundItem],
        owners: dict[str, int],
        code: str,
        why: Callable[[str, int], str],
    ) -> list[OutboundItem]:
        """Items whose key another Odoo record of this run already holds (two products, one SKU) become dead
        letters (``code``, reason ``why(key, owner id)``) before anything is sent; ``owners`` is the run's."""
        kept: list[OutboundItem] = []
        for item in items:
            if item.odoo_id is not None:
                owner = owners.setdefault(item.key, item.odoo_id)
                if owner != item.odoo_id:
                    reason = f"{code} (before sending): {why(item.key, owner)}"
                    self.dead_letter(
                        entity, f"{item.key} (odoo id {item.odoo_id})", item.record, item.stream, reason, code
                    )
                    continue
            kept.append(item)
        return kept

    # ------------------------------------------------------------ hooks

    def fallback_key(self, spec: EntitySpec, record: Mapping[str, Any], stream: str | None) -> str:
        """Dead-letter key of a record whose key cannot be read."""
        return f"{spec.model or spec.name}:{record.get(spec.id_source, record.get('id', '?'))}"

    def invalid_reason(self, exc: PayloadInvalid) -> str:
        """Dead-letter reason of a payload that breaks its schema."""
        return str(exc)

    def on_dead_letter(self, entity: str, key: str, record: Mapping[str, Any]) -> None:
        """Called for every record that went to the dead letters (before or after sending)."""

    def run_status(self) -> str:
        """The status the run is closed with."""
        return "done" if not self.summary.failed else "done_with_errors"

    def _batch_size(self, spec: EntitySpec) -> int:
        sizes = getattr(self.adapter, "batch_size", None)
        if isinstance(sizes, Mapping) and spec.name in sizes:
            return max(1, int(sizes[spec.name]))
        return spec.batch_size or self.batch_size

    # ------------------------------------------------------------ failures

    def dead_letter(
        self,
        entity: str,
        key: str,
        record: Mapping[str, Any],
        stream: str | None,
        reason: str,
        code: str | None = None,
    ) -> None:
        """A record that will not be sent: dead letter (upsert per key), a ``failed`` event, counted."""
        log.warning("%s %s -> dead letter: %s", entity, shorten(key, 60), shorten(reason))
        self.ledger.add_dead_letter(
            run_id=self.run_id,
            platform=self.platform,
            entity=entity,
            key=key,
            record=dict(record),
            reason=reason,
            stream=stream,
        )
        self.ledger.record_event(
            run_id=self.run_id,
            platform=self.platform,
            entity=entity,
            key=key,
            outcome="failed",
            error_code=code,
            error_message=reason,
        )
        self.summary.failed += 1
        self.summary.failures.append(reason)
        self.on_dead_letter(entity, key, record)

    # ------------------------------------------------------------ sending

    def buffered(self) -> int:
        """Records taken in and not sent yet (STATE must not pass them)."""
        return sum(len(b) for b in self._buffers.values())

    def flush(self, entity: str | None = None) -> None:
        """Send everything buffered (for one entity, or all): records whose source changed are built,
        compared by payload and sent."""
        for name in [entity] if entity else list(self._buffers):
            records = list(self._buffers.pop(name, {}).values())
            if not records:
                continue
            validate = not self.validate_changed_only
            changed, known = self._fresh(name, records)
            built = (
                self.item(name, f.record, f.stream, validate=validate, source_hash=f.source_hash)
                for f in changed
            )
            items = [item for item in built if item is not None]
            if self.validate_changed_only or not self.claims:
                items = self.skip_unchanged(name, items, known=known)
            self.send(name, items)

    def send(
        self,
        entity: str,
        items: list[OutboundItem],
        call: Send | None = None,
        *,
        batch_size: int | None = None,
    ) -> None:
        """Send items in batches (``workers`` at once) through ``call`` (default: the adapter's ``send``) and
        settle each in the ledger: binding, event, or dead letter. With claims, unchanged items are left out
        first; items another live run is sending (busy) are tried again once ours are sent, until that run
        settles them (then they are usually unchanged) or ``busy_wait`` runs out (then they are dead letters,
        never silently skipped: a run's STATE must not pass a record nobody sent)."""
        waited = 0.0
        while items:
            busy: list[OutboundItem] = []
            if self.claims:
                claims = self.ledger.claim_many(
                    self.platform,
                    entity,
                    {i.key: i.payload_hash for i in items},
                    run_id=self.run_id,
                    force=self.force,
                )
                busy = [i for i in items if claims[i.key] is ClaimResult.BUSY]
                same = [i for i in items if claims[i.key] is ClaimResult.UNCHANGED]
                self.summary.unchanged += len(same)
                self.ledger.note_sources(
                    self.platform,
                    entity,
                    {i.key: (i.payload_hash, i.source_hash) for i in same if i.source_hash is not None},
                )
                items = [i for i in items if claims[i.key] is ClaimResult.CLAIMED]
            self._send_claimed(entity, items, call, batch_size)
            if busy and waited >= self.busy_wait:
                self.summary.busy += len(busy)
                for item in busy:
                    self.dead_letter(
                        entity,
                        item.key,
                        item.record,
                        item.stream,
                        f"held by another run for {waited:.0f} s; `odoo-hub retry` sends it",
                        "BUSY",
                    )
                busy = []
            if busy:
                pause = min(2.0, max(0.1, waited))
                time.sleep(pause)
                waited += pause
            items = busy

    def _send_claimed(
        self, entity: str, items: list[OutboundItem], call: Send | None, batch_size: int | None
    ) -> None:
        if not items:
            return
        size = batch_size or self._batch_size(self.mapping.entity(entity))
        batches = [items[i : i + size] for i in range(0, len(items), size)]
        send: Send = call or (lambda batch: self.adapter.send(entity, batch))
        if self.workers > 1 and len(batches) > 1:
            with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="etl-sink") as pool:
                outcomes = list(pool.map(lambda b: self._send(send, entity, b), batches))
        else:
            outcomes = [self._send(send, entity, b) for b in batches]
        for batch, (results, elapsed_ms) in zip(batches, outcomes, strict=True):
            self._settle(entity, batch, results, elapsed_ms)

    def _send(
        self, send: Send, entity: str, batch: list[OutboundItem]
    ) -> tuple[dict[str, SendResult], float]:
        t0 = time.monotonic()
        try:
            answer = send(batch)
        except StopRun:  # the credential or the server is wrong: no dead letters, the run stops
            raise
        except Exception as exc:  # a whole-batch failure: every item becomes a dead letter, the run goes on
            log.warning("%s batch of %d failed: %s", entity, len(batch), exc)
            status = getattr(exc, "status", None)
            code = getattr(exc, "code", None) or type(exc).__name__
            answer = [
                SendResult(i.key, False, http_status=status, error_code=str(code), error_message=str(exc))
                for i in batch
            ]
        elapsed = (time.monotonic() - t0) * 1000
        return {r.key: r for r in answer}, elapsed

    def _settle(
        self, entity: str, batch: list[OutboundItem], results: dict[str, SendResult], elapsed_ms: float
    ) -> None:
        share = elapsed_ms / max(1, len(batch))
        accepted: list[Accepted] = []
        events: list[dict[str, Any]] = []
        failed: list[OutboundItem] = []
        for item in batch:
            res = results.get(item.key) or SendResult(
                item.key, False, error_code="NO_RESULT", error_message="the adapter returned no result for it"
            )
            base = {
                "run_id": self.run_id,
                "platform": self.platform,
                "entity": entity,
                "key": item.key,
                "http_status": res.http_status,
                "method": res.method,
                "url": res.url,
                "duration_ms": share,
            }
            if res.ok:
                accepted.append(
                    Accepted(
                        entity,
                        item.key,
                        item.payload_hash,
                        item.odoo_model,
                        item.odoo_id,
                        res.remote_id,
                        item.sku,
                        item.source_hash,
                    )
                )
                events.append({**base, "outcome": "sent", "error_message": res.note})
                continue
            reason = res.reason or f"{res.error_code or 'ERROR'}: {res.error_message or 'rejected'}"
            if res.http_status and not res.reason:
                reason = f"HTTP {res.http_status} {reason}"
            self.ledger.add_dead_letter(
                run_id=self.run_id,
                platform=self.platform,
                entity=entity,
                key=item.key,
                record=item.record,
                reason=reason,
                stream=item.stream,
            )
            events.append(
                {
                    **base,
                    "outcome": "failed",
                    "error_code": res.error_code,
                    "error_message": res.error_message,
                    "request_body": item.payload,
                    "response_body": res.response_body,
                }
            )
            self.summary.failed += 1
            self.summary.failures.append(f"{entity} {item.key}: {reason}")
            failed.append(item)
        self.ledger.record_many(self.platform, accepted, self.run_id)
        self.ledger.record_events(events)
        self.summary.sent += len(accepted)
        if accepted:
            self.summary.by_entity[entity] = self.summary.by_entity.get(entity, 0) + len(accepted)
        for item in failed:
            self.on_dead_letter(entity, item.key, item.record)

    # ------------------------------------------------------------ end

    def finish(self) -> RunSummary:
        """Flush and close the run; raise :class:`DeadLettersFound` if asked to and anything failed."""
        if self._finished:
            return self.summary
        self.flush()
        self._finished = True
        self.summary.duration_ms = (time.monotonic() - self._started) * 1000
        status = self.run_status()
        self.ledger.finish_run(
            self.run_id,
            sent=self.summary.sent,
            unchanged=self.summary.unchanged,
            failed=self.summary.failed,
            status=status,
        )
        if self.fail_on_dead_letters and self.summary.failed:
            shown = "; ".join(self.summary.failures[:3])
            raise DeadLettersFound(
                f"{self.summary.failed} record(s) went to the dead letters in run {self.run_id} "
                f"(first: {shown}); see `odoo-hub retry --run {self.run_id}`"
            )
        return self.summary

    def abort(self, reason: str) -> None:
        """Close the run as ``stopped`` (etl.errors.StopRun: the credential or the server is wrong); what was
        sent stays recorded, nothing else is flushed."""
        self._finished = True
        self.summary.failures.append(reason)
        self.summary.duration_ms = (time.monotonic() - self._started) * 1000
        self.ledger.finish_run(
            self.run_id,
            sent=self.summary.sent,
            unchanged=self.summary.unchanged,
            failed=self.summary.failed,
            status="stopped",
        )

    def retry_dead_letters(self, run_id: int | None = None) -> RunSummary:
        """Re-send open dead letters (of ``run_id`` or all) through the same mapping, schema and adapter."""
        letters = self.ledger.dead_letters(self.platform, run_id=run_id)
        force, self.force = self.force, True
        try:
            for letter in letters:
                if letter.entity not in self.mapping.entities:
                    self.ledger.fail_dead_letter(
                        letter.id,
                        f"entity {letter.entity!r} is not in the mapping file any more",
                        self.run_id,
                    )
                    self.summary.failed += 1
                    continue
                self.process_entity(letter.entity, letter.record, stream=letter.stream)
            self.flush()
        finally:
            self.force = force
        return self.finish()
