"""Odoo customers (`res.partner`) -> Linkit customers, one call per customer.

G14: Linkit publishes no customer write, no bulk customers route and no external-id field; it looks
customers up by email or phone, which it keeps unique. So each customer is created with `POST /customers`
(its Linkit id, from the answer's `data.id`, is bound to the Odoo partner id in the ledger) and changed
later with `PATCH /customers/{id}`. A create Linkit refuses as a duplicate (409: a customer with that
email or phone exists, e.g. made in Linkit, or by a run whose answer was lost) is settled by finding that
customer (`GET /customers?search=`, which needs `X-Organization-ID`: setting `organization_id`) and
changing it; a customer deleted in Linkit (404 on PATCH) is created again.
"""

from __future__ import annotations

from typing import Any

from etl.http import HttpError
from etl.sink import OutboundItem, SendResult
from target_linkit.answers import OneByOne, failed_call


class CustomerWriter(OneByOne):
    """Creates, changes or takes over one customer per call."""

    def one(self, item: OutboundItem, linkit_id: str | None) -> SendResult:
        if linkit_id:
            try:
                return self._patch(item, linkit_id)
            except HttpError as exc:
                if exc.status != 404:
                    return failed_call(item.key, exc)
        try:
            answer = self.http.call("POST", "/customers", json=item.payload, entity="customers", key=item.key)
        except HttpError as exc:
            if exc.status == 409:
                return self._adopt(item, exc)
            return failed_call(item.key, exc)
        data = answer.get("data") if isinstance(answer, dict) else None
        new_id = data.get("id") if isinstance(data, dict) else None
        if not new_id:
            return SendResult(
                item.key,
                False,
                error_code="UNREADABLE_ANSWER",
                error_message=f"Linkit's answer to POST /customers carries no data.id: {str(answer)[:200]}",
                method="POST",
                url="/customers",
            )
        return SendResult(item.key, True, str(new_id), 201, method="POST", url="/customers")

    def _patch(self, item: OutboundItem, linkit_id: str) -> SendResult:
        path = f"/customers/{linkit_id}"
        self.http.call("PATCH", path, json=item.payload, entity="customers", key=item.key)
        return SendResult(item.key, True, linkit_id, 200, method="PATCH", url=path)

    def _adopt(self, item: OutboundItem, conflict: HttpError) -> SendResult:
        """A 409 on create: the customer with this email (or phone) is ours to keep up to date."""
        email, phone = item.payload.get("email"), item.payload.get("phone")
        try:
            found = self.find(str(email or phone))
        except HttpError as exc:
            hint = (
                "; finding that customer needs the setting organization_id (Linkit's GET /customers requires "
                "X-Organization-ID)"
                if exc.status == 400
                else ""
            )
            return failed_call(
                item.key, conflict, f" (and GET /customers failed: HTTP {exc.status} {exc.message})" + hint
            )
        same = [
            c
            for c in found
            if (email and str(c.get("email") or "").lower() == str(email).lower())
            or (not email and phone and c.get("phone") == phone)
        ]
        if len(same) != 1:
            return failed_call(
                item.key,
                conflict,
                f"; {len(same)} Linkit customers match {email or phone}, so none was taken over: merge them "
                "in Linkit or correct the email/phone in Odoo",
            )
        try:
            return self._patch(item, str(same[0]["id"]))
        except HttpError as exc:
            return failed_call(item.key, exc)

    def find(self, text: str) -> list[dict[str, Any]]:
        """Customers matching `search` (every page)."""
        out: list[dict[str, Any]] = []
        page = 1
        while True:
            answer = self.http.call("GET", "/customers", params={"search": text, "page": page, "limit": 100})
            out += [c for c in answer.get("data") or [] if isinstance(c, dict)]
            if not answer.get("has_next"):
                return out
            page += 1
