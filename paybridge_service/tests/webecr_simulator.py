"""A Geidea Web ECR simulator that speaks Paybridge's default contract (paybridge/web_ecr_contract.py).

Nobody has published the real Web ECR contract, so this simulator is the executable statement of what the
adapter assumes. Outcomes by the amount's last two minor-unit digits, like the mock: 01 declined, 02 never
decided (until cancelled), 03 busy (HTTP 409); anything else approved ``decide_after`` seconds after the sale.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


@dataclass
class SimSale:
    body: dict[str, Any]
    amount_minor: int
    started: float
    cancelled: bool = False


@dataclass
class WebEcrSimulator:
    terminal_id: str = "GD-TID-0001"
    decide_after: float = 0.2
    paths: dict[str, str] = field(
        default_factory=lambda: {
            "health": "/api/health",
            "terminals": "/api/terminals",
            "sale": "/api/transactions/purchase",
            "status": "/api/transactions/{ecr_reference}",
            "cancel": "/api/transactions/{ecr_reference}/cancel",
        }
    )
    reference_field: str = "ECRNumber"
    status_field: str = "TransactionResponseEnglish"
    sales: dict[str, SimSale] = field(default_factory=dict)
    sale_requests: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _outcome(self, sale: SimSale) -> dict[str, Any]:
        ref = str(sale.body[self.reference_field])
        if sale.cancelled:
            return {self.status_field: "CANCELLED", "ECRNumber": ref}
        code = sale.amount_minor % 100
        if code == 2 or time.monotonic() - sale.started < self.decide_after:
            return {self.status_field: "IN_PROGRESS", "ECRNumber": ref}
        if code == 1:
            declined = {
                "PrimaryAccountNumber": "522222******2222",
                "RetrievalReferenceNumber": "000000000001",
            }
            return {self.status_field: "DECLINED", "ECRNumber": ref, **declined}
        return {
            self.status_field: "APPROVED",
            "ECRNumber": ref,
            "PrimaryAccountNumber": "411111******1111",
            "RetrievalReferenceNumber": "412345678901",
            "TransactionAuthCode": "A1B2C3",
            "CardNameEnglish": "VISA",
            "CardAcceptorTerminalId": self.terminal_id,
        }

    def app(self) -> Starlette:
        async def health(request: Request) -> JSONResponse:
            return JSONResponse({"Status": "OK"})

        async def terminals(request: Request) -> JSONResponse:
            busy = any(self._outcome(s)[self.status_field] == "IN_PROGRESS" for s in self.sales.values())
            return JSONResponse({"Terminals": [{"TerminalId": self.terminal_id, "Name": "Counter 1",
                                                "Status": "BUSY" if busy else "IDLE"}]})  # fmt: skip

        async def sale(request: Request) -> JSONResponse:
            body = await request.json()
            with self.lock:
                self.sale_requests.append(body)
                amount_minor = int(Decimal(str(body["Amount"])) * 100)
                if amount_minor % 100 == 3 or any(
                    self._outcome(s)[self.status_field] == "IN_PROGRESS" for s in self.sales.values()
                ):
                    return JSONResponse(
                        {self.status_field: "BUSY", "Message": "Terminal busy"}, status_code=409
                    )
                entry = SimSale(body, amount_minor, time.monotonic())
                self.sales[str(body[self.reference_field])] = entry
            return JSONResponse(self._outcome(entry))

        async def status(request: Request) -> JSONResponse:
            entry = self.sales.get(request.path_params["ecr_reference"])
            if entry is None:
                return JSONResponse({"Message": "unknown ECR number"}, status_code=404)
            return JSONResponse(self._outcome(entry))

        async def cancel(request: Request) -> JSONResponse:
            entry = self.sales.get(request.path_params["ecr_reference"])
            if entry is None:
                return JSONResponse({"Message": "unknown ECR number"}, status_code=404)
            if self._outcome(entry)[self.status_field] == "IN_PROGRESS":
                entry.cancelled = True
            return JSONResponse(self._outcome(entry))

        p = self.paths
        return Starlette(
            routes=[
                Route(p["health"], health),
                Route(p["terminals"], terminals),
                Route(p["sale"], sale, methods=["POST"]),
                Route(p["status"], status),
                Route(p["cancel"], cancel, methods=["POST"]),
            ]
        )
