"""``geidea_web_ecr`` mode: drive the terminal through Geidea's Web ECR HTTP service on the till PC.

Paths and field names come from :mod:`paybridge.web_ecr_contract` (adjustable per Web ECR build).
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from .models import TerminalResult, major_amount
from .terminal import T_BUSY, T_NOT_FOUND, T_PROCESSING, Terminal, TerminalError
from .web_ecr_contract import get_field, set_field

log = logging.getLogger("paybridge.web_ecr")


class WebEcrTerminal(Terminal):
    mode = "geidea_web_ecr"

    def __init__(
        self, base_url: str, terminal_id: str, contract: dict[str, Any], timeout_s: float,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:  # fmt: skip
        self.terminal_id = terminal_id
        self.contract = contract
        self.timeout_s = timeout_s
        self.client = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout_s,
            headers=dict(contract.get("headers") or {}),
            transport=transport,
        )

    async def close(self) -> None:
        await self.client.aclose()

    def _path(self, endpoint: str, **values: str) -> tuple[str, str]:
        spec = self.contract[endpoint]
        return str(spec.get("method", "GET")).upper(), str(spec["path"]).format(**values)

    async def _call(
        self,
        endpoint: str,
        *,
        body: dict[str, Any] | None = None,
        timeout: float | None = None,
        **values: str,
    ) -> tuple[int, Any]:
        method, path = self._path(endpoint, **values)
        try:
            response = await self.client.request(method, path, json=body, timeout=timeout or self.timeout_s)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise TerminalError(
                f"Web ECR service not reachable at {self.client.base_url} ({type(exc).__name__})"
            ) from exc
        except httpx.TimeoutException as exc:
            raise TerminalError(f"Web ECR {method} {path} timed out", maybe_started=True) from exc
        except httpx.HTTPError as exc:
            raise TerminalError(
                f"Web ECR {method} {path} failed: {type(exc).__name__}", maybe_started=True
            ) from exc
        try:
            data = response.json() if response.content else {}
        except ValueError:
            data = {"Message": response.text[:200]}
        return response.status_code, data

    def _result(self, data: Any) -> TerminalResult:
        fields = self.contract["response_fields"]
        raw_status = get_field(data, fields.get("status"))
        if raw_status is None:
            status = T_PROCESSING
        else:
            status = self.contract["status_values"].get(str(raw_status).strip().upper())
            if status is None:
                log.warning(
                    "Web ECR status %r is not in the contract's status_values; treated as processing. "
                    "Add it to GEIDEA_WEB_ECR_CONTRACT status_values.",
                    raw_status,
                )
                status = T_PROCESSING

        def text(name: str) -> str | None:
            value = get_field(data, fields.get(name))
            return None if value in (None, "") else str(value)

        message = text("message") or (str(raw_status) if raw_status is not None else None)
        return TerminalResult(
            status,
            terminal_reference=text("terminal_reference"),
            auth_code=text("auth_code"),
            masked_card=text("masked_card"),
            card_scheme=text("card_scheme"),
            message=message,
            raw=data if isinstance(data, dict) else {"body": data},
        )

    def _classify(self, code: int, data: Any, *, what: str) -> TerminalResult:
        if code == self.contract["busy_http_status"]:
            result = self._result(data)
            return TerminalResult(T_BUSY, message=result.message or "terminal busy", raw=result.raw)
        if code == self.contract["not_found_http_status"]:
            return TerminalResult(T_NOT_FOUND, message="the Web ECR service has no record of this sale")
        if 200 <= code < 300:
            return self._result(data)
        if code >= 500:
            raise TerminalError(f"Web ECR {what} answered HTTP {code}", maybe_started=what == "sale")
        detail = self._result(data).message or f"HTTP {code}"
        return TerminalResult(
            "failed",
            message=f"Web ECR refused the {what}: {detail}",
            raw=data if isinstance(data, dict) else {},
        )

    async def list_terminals(self) -> list[dict[str, Any]]:
        fields = self.contract["terminal_fields"]
        try:
            if self.contract.get("terminals"):
                code, data = await self._call("terminals")
                items = get_field(data, fields["list"]) if isinstance(data, dict) else data
                if 200 <= code < 300 and isinstance(items, list):
                    states = self.contract["terminal_status_values"]
                    return [
                        {
                            "id": str(get_field(item, fields["id"]) or ""),
                            "name": str(get_field(item, fields["name"]) or ""),
                            "status": states.get(
                                str(get_field(item, fields["status"]) or "").upper(), "unknown"
                            ),
                            "mode": self.mode,
                        }
                        for item in items
                        if isinstance(item, dict)
                    ]
            if self.contract.get("health"):
                code, _ = await self._call("health")
                status = "unknown" if 200 <= code < 300 else "offline"
            else:
                status = "unknown"
        except TerminalError:
            status = "offline"
        return [{"id": self.terminal_id, "name": "Geidea terminal", "status": status, "mode": self.mode}]

    async def start_sale(
        self, *, terminal_id: str, ecr_reference: str, amount_minor: int, currency: str
    ) -> TerminalResult:
        names = self.contract["request_fields"]
        amount: str | int = (
            major_amount(amount_minor, currency)
            if self.contract["amount_format"] == "major_string"
            else amount_minor
        )
        body: dict[str, Any] = dict(self.contract.get("request_constants") or {})
        values = {
            "amount": amount,
            "currency": currency,
            "terminal_id": terminal_id,
            "ecr_reference": ecr_reference,
        }
        for ours, value in values.items():
            if names.get(ours):
                set_field(body, names[ours], value)
        code, data = await self._call(
            "sale", body=body, timeout=self.contract.get("sale_timeout_s"), ecr_reference=ecr_reference,
            terminal_id=terminal_id,
        )  # fmt: skip
        return self._classify(code, data, what="sale")

    async def status(self, *, terminal_id: str, ecr_reference: str) -> TerminalResult:
        code, data = await self._call("status", ecr_reference=ecr_reference, terminal_id=terminal_id)
        return self._classify(code, data, what="status query")

    async def cancel(self, *, terminal_id: str, ecr_reference: str) -> TerminalResult:
        code, _data = await self._call("cancel", ecr_reference=ecr_reference, terminal_id=terminal_id)
        if code >= 500:
            raise TerminalError(f"Web ECR cancel answered HTTP {code}")
        # The cancel answer alone is not trusted: the status endpoint says what really happened.
        return await self.status(terminal_id=terminal_id, ecr_reference=ecr_reference)
