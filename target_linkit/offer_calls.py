"""Linkit offers one by one: `POST /offers` answers the offer's Linkit id (`data.id`), which a later change
(`PUT /offers/{id}`) and the deactivation of a program deleted in Odoo (`PATCH /offers/{id}/status`) need.

G15: Linkit does not publish whether `remote_offer_id` is returned or filterable (the sandbox, by default,
neither returns nor filters it). So the id comes from the create answer and is bound in the ledger. A create
refused because Linkit already has that `remote_offer_id` (409: an earlier create whose answer was lost, or
a new ledger) is sent through `POST /offers/bulk`, the upsert by `remote_offer_id`, and its id is looked up
by name (`GET /offers?search=`) among offers with the same fields; an offer changed in Linkit's admin is
put back as Odoo has it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from etl.http import HttpError
from etl.sink import OutboundItem, SendResult
from target_linkit.answers import OneByOne, failed_call, read_bulk_answer

SAME = ("name", "offer_type", "target_scope", "target_iv_id", "discount_type", "discount_value")


class OfferWriter(OneByOne):
    """Creates, replaces, takes over or deactivates one offer per call."""

    def one(self, item: OutboundItem, linkit_id: str | None) -> SendResult:
        if linkit_id:
            path = f"/offers/{linkit_id}"
            try:
                self.http.call("PUT", path, json=item.payload, entity=item.entity, key=item.key)
                return SendResult(item.key, True, linkit_id, 200, method="PUT", url=path)
            except HttpError as exc:
                if exc.status != 404:  # 404: deleted in Linkit, created again below
                    return failed_call(item.key, exc)
        try:
            answer = self.http.call("POST", "/offers", json=item.payload, entity=item.entity, key=item.key)
        except HttpError as exc:
            return self._upsert(item) if exc.status == 409 else failed_call(item.key, exc)
        data = answer.get("data") if isinstance(answer, Mapping) else None
        new_id = data.get("id") if isinstance(data, Mapping) else None
        return SendResult(item.key, True, str(new_id) if new_id else None, 201, method="POST", url="/offers")

    def _upsert(self, item: OutboundItem) -> SendResult:
        try:
            answer = self.http.call("POST", "/offers/bulk", json={"offers": [item.payload]})
        except HttpError as exc:
            return failed_call(item.key, exc, " (the bulk upsert by remote_offer_id after a 409 on create)")
        success, message, _ = read_bulk_answer("/offers/bulk", answer, 1)
        if not success:
            return SendResult(
                item.key,
                False,
                http_status=200,
                error_code="ITEM_FAILED",
                method="POST",
                url="/offers/bulk",
                error_message=message,
                reason=f"ITEM_FAILED: Linkit refused it: {message}",
            )
        return SendResult(item.key, True, self.find(item.payload), 200, method="POST", url="/offers/bulk")

    def find(self, payload: Mapping[str, Any]) -> str | None:
        """The Linkit id of the one offer named like the payload with the same terms (else None)."""
        try:
            answer = self.http.call("GET", "/offers", params={"search": payload["name"], "limit": 100})
        except HttpError:
            return None
        rows = [r for r in answer.get("data") or [] if isinstance(r, Mapping)]
        same = [r for r in rows if all(r.get(k) == payload.get(k) for k in SAME)]
        return str(same[0]["id"]) if len(same) == 1 and same[0].get("id") else None

    def deactivate(self, items: list[OutboundItem], ids: Mapping[str, str | None]) -> list[SendResult]:
        """`PATCH /offers/{id}/status {status: inactive}` for programs deleted in Odoo."""
        return self.http.map(lambda item: self._deactivate(item, ids.get(item.key)), items)

    def _deactivate(self, item: OutboundItem, linkit_id: str | None) -> SendResult:
        if not linkit_id:
            return SendResult(
                item.key,
                False,
                error_code="NO_LINKIT_ID",
                error_message="its Linkit offer id is unknown",
                reason="NO_LINKIT_ID: deleted in Odoo, but the Linkit id of its offer is unknown (G15: it "
                "was taken over after a 409 and not found by name); deactivate it in Linkit's admin",
            )
        path = f"/offers/{linkit_id}/status"
        try:
            self.http.call("PATCH", path, json={"status": "inactive"}, entity=item.entity, key=item.key)
        except HttpError as exc:
            if exc.status == 404:  # already gone in Linkit: nothing left to deactivate
                return SendResult(
                    item.key, True, linkit_id, 404, note="already absent", method="PATCH", url=path
                )
            return failed_call(item.key, exc)
        return SendResult(item.key, True, linkit_id, 200, method="PATCH", url=path)
