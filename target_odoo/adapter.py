"""Talks to Odoo, and only that: tap-odoo's client (one Odoo client in the house: XML-RPC, JSON-RPC or
JSON-2, retries on transport faults, never on an Odoo fault), with what a writer needs around it.

A refused login, or an Odoo that cannot be reached after the client's retries, is :class:`StopRun`: no
record would fare better, so none becomes a dead letter. An Odoo fault (ValidationError, AccessError,
MissingError ...) is the record's and is raised as :class:`OdooFault` for the writer to word.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from etl.errors import StopRun
from tap_odoo.client import OdooClient
from tap_odoo.errors import OdooAuthError, OdooError, OdooFault, OdooHTTPError, OdooTransportError

__all__ = ["AnswerLost", "OdooApi", "OdooFault", "first_line"]

WRITES = frozenset({"create", "write", "unlink"})
NOT_APPLIED = frozenset({429, 503})  # refused before the call ran: safe to send again


class AnswerLost(RuntimeError):
    """A write whose answer never came (dropped connection, timeout): Odoo may or may not have applied it.
    It is never sent again blindly; the writer looks at what Odoo has and goes on from there."""


LOG = logging.getLogger("target_odoo.adapter")


def first_line(fault: OdooFault) -> str:
    """Odoo's own words of a fault, short enough for a dead-letter reason."""
    text = fault.message.strip().splitlines()
    return " ".join(line.strip() for line in text[-3:] if line.strip())[:400] if text else str(fault)


class OdooApi:
    """One Odoo database as one user, for writing."""

    def __init__(self, client: OdooClient, *, context: Mapping[str, Any] | None = None) -> None:
        self.client = client
        self.context = dict(context or {})
        self._fields: dict[str, dict[str, dict[str, Any]]] = {}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> OdooApi:
        context: dict[str, Any] = {}
        if config.get("lang"):
            context["lang"] = config["lang"]
        if config.get("company_id"):
            context["allowed_company_ids"] = [int(config["company_id"])]
        return cls(OdooClient.from_config(config), context=context)

    def call(
        self, model: str, method: str, args: Sequence[Any] = (), kwargs: Mapping[str, Any] | None = None
    ) -> Any:
        """``model.method(*args, **kwargs)`` with the target's context merged into ``kwargs['context']``."""
        kw = dict(kwargs or {})
        if self.context:
            kw["context"] = {**self.context, **dict(kw.get("context") or {})}
        write = method in WRITES or method.startswith(("action_", "button_"))
        try:
            if write:
                return self._write(model, method, list(args), kw)
            return self.client.execute_kw(model, method, list(args), kw)
        except OdooFault:
            raise
        except OdooTransportError as exc:
            raise StopRun(
                f"Odoo at {self.client.url} cannot be reached ({exc}) after the retries; nothing was written "
                "past this point. Check url and that the server is up, then run again."
            ) from None
        except OdooAuthError as exc:
            raise StopRun(f"Odoo refused the login: {exc}; check username and password / api_key") from None
        except OdooHTTPError as exc:
            raise StopRun(
                f"Odoo at {self.client.url} cannot be reached ({exc}) after the retries; nothing was written "
                "past this point. Check url and that the server is up, then run again."
            ) from None
        except OdooError as exc:
            raise StopRun(f"Odoo at {self.client.url}: {exc}") from None

    def _write(self, model: str, method: str, args: list[Any], kw: dict[str, Any]) -> Any:
        """A write, sent once per try: a 429 or 503 says Odoo (or its proxy) refused it before applying it,
        so it is sent again after Retry-After or a backoff; a dropped connection, a timeout or a 502/504 may
        come after Odoo applied it: :class:`AnswerLost`, never a blind re-send."""
        tries = max(1, self.client.max_tries)
        for attempt in range(tries):
            try:
                return self.client.execute_kw(model, method, args, kw, retry=False)
            except OdooTransportError as exc:
                if exc.status in NOT_APPLIED and attempt < tries - 1:
                    time.sleep(min(30.0, exc.retry_after or self.client.backoff_factor * 2**attempt))
                    continue
                raise AnswerLost(f"{model}.{method}: {exc}") from None
        raise AssertionError("unreachable")

    # ---------------------------------------------------------------- reads
    def search_read(
        self,
        model: str,
        domain: Sequence[Any],
        fields: Sequence[str],
        *,
        context: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        kwargs: dict[str, Any] = {"fields": list(fields)}
        if context:
            kwargs["context"] = dict(context)
        return list(self.call(model, "search_read", [list(domain)], kwargs))

    def find_in(
        self, model: str, field: str, values: Iterable[Any], fields: Sequence[str], *, op: str = "="
    ) -> list[dict[str, Any]]:
        """Records whose ``field`` matches any of ``values`` in one call (archived ones too): ``in`` for
        ``=``, a chain of ``|`` leaves for ``=ilike`` (case-insensitive email)."""
        wanted = sorted({v for v in values if v not in (None, "")}, key=str)
        if not wanted:
            return []
        if op == "=":
            domain: list[Any] = [[field, "in", wanted]]
        elif field == "email" and op == "=ilike" and "email_normalized" in self.fields(model):
            # Odoo keeps the lower-cased address, indexed: one `in`, not a scan per `=ilike` leaf
            domain = [["email_normalized", "in", sorted({str(v).strip().lower() for v in wanted})]]
        else:
            domain = ["|"] * (len(wanted) - 1) + [[field, op, v] for v in wanted]
        active = {"active_test": False} if "active" in self.fields(model) else None
        return self.search_read(model, domain, ["id", field, *fields], context=active)

    def read_ids(self, model: str, ids: Iterable[int], fields: Sequence[str]) -> dict[int, dict[str, Any]]:
        """Records by id, archived ones too, in one search_read (a deleted id is simply absent)."""
        wanted = sorted({int(i) for i in ids if i})
        if not wanted:
            return {}
        active = {"active_test": False} if "active" in self.fields(model) else None
        rows = self.search_read(model, [["id", "in", wanted]], list(fields), context=active)
        return {int(r["id"]): r for r in rows}

    def fields(self, model: str) -> dict[str, dict[str, Any]]:
        """fields_get of ``model`` (type, required, relation), read once."""
        if model not in self._fields:
            self._fields[model] = dict(
                self.call(model, "fields_get", [], {"attributes": ["type", "required", "relation", "string"]})
            )
        return self._fields[model]

    # ---------------------------------------------------------------- writes
    def create(self, model: str, vals: list[dict[str, Any]]) -> list[int]:
        """``create`` of a list (one call; Odoo answers the ids in order)."""
        if not vals:
            return []
        got = self.call(model, "create", [vals])
        return [int(i) for i in (got if isinstance(got, list) else [got])]

    def write(self, model: str, ids: list[int], vals: Mapping[str, Any]) -> None:
        self.call(model, "write", [ids, dict(vals)])

    def method(
        self, model: str, method: str, ids: list[int], *, context: Mapping[str, Any] | None = None
    ) -> Any:
        """A button method (``action_confirm``, ``action_cancel``, ``button_confirm`` ...) on ``ids``."""
        return self.call(model, method, [ids], {"context": dict(context)} if context else None)

    def close(self) -> None:
        self.client.close()
