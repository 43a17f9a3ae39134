"""Order progress of Medusa orders reaches /odoo/webhooks/order-status once per transition."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sandbox.medusa import MedusaSandbox, serve_medusa

from .helpers import KEY, ledger_of, run_in_process
from .messages import catalogue


def sale_order(oid: int, state: str, ref: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "id": oid,
        "name": f"S{oid:05d}",
        "state": state,
        "client_order_ref": ref,
        "invoice_status": "no",
        "delivery_status": None,
        "note": None,
        **extra,
    }


def picking(pid: int, so: int | None, state: str, origin: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "id": pid,
        "name": f"WH/OUT/{pid:05d}",
        "state": state,
        "picking_type_code": None,
        "picking_type_id": {"id": 2, "name": "YourCompany: Delivery Orders"},
        "sale_id": {"id": so, "name": f"S{so:05d}"} if so else None,
        "origin": origin,
        "date_done": "2026-11-22T15:00:00Z" if state == "done" else None,
        **extra,
    }


def invoice(mid: int, origin: str, payment: str = "not_paid", state: str = "posted") -> dict[str, Any]:
    return {
        "id": mid,
        "name": f"INV/2026/{mid:05d}",
        "move_type": "out_invoice",
        "state": state,
        "invoice_origin": origin,
        "payment_state": payment,
    }


def test_transitions_are_sent_once_in_order(medusa: MedusaSandbox, config: dict[str, Any]) -> None:
    for oid, display in (("order_A", 1001), ("order_B", 1002), ("order_C", 1003)):
        medusa.state.add_order(oid, display_id=display)
    first = {
        # the tap sends account_move before sale_order: invoices wait for their order
        "account_move": [invoice(1, "S00001", "paid"), invoice(2, "S00009")],
        "sale_order": [
            sale_order(1, "sale", x_medusa_order_id="order_A"),
            sale_order(2, "cancel", "MEDUSA-1002", note="<p>Customer changed their mind</p>"),
            sale_order(3, "draft", "MEDUSA-order_C"),
            sale_order(9, "sale"),  # not from Medusa
        ],
        "stock_picking": [
            picking(10, 1, "done", carrier_tracking_ref="TRK1", carrier_id={"id": 1, "name": "FedEx"}),
            picking(11, 9, "done"),
            picking(12, 3, "assigned", "S00003"),
        ],
    }
    result = run_in_process(config, catalogue([], orders=first))
    assert result.status == 0
    assert medusa.state.events_for("order_A") == [
        "order.confirmed",
        "order.shipped",
        "order.invoiced",
        "order.paid",
    ]
    assert medusa.state.events_for("order_B") == ["order.cancelled"]
    assert medusa.state.events_for("order_C") == []
    shipped = next(e for e in medusa.state.order_events if e["event_type"] == "order.shipped")["order"]
    assert shipped == {
        "medusa_order_id": "order_A",
        "odoo_order_id": 1,
        "odoo_order_name": "S00001",
        "tracking_number": "TRK1",
        "carrier_name": "FedEx",
        "shipped_date": "2026-11-22T15:00:00Z",
    }
    cancelled = medusa.state.order_events[-1]["order"]
    assert cancelled["cancelled_reason"] == "Customer changed their mind"
    assert medusa.state.orders["order_A"]["payment_status"] == "captured"
    assert medusa.state.summary()["order_events"] == {
        "order.confirmed": 1,
        "order.shipped": 1,
        "order.invoiced": 1,
        "order.paid": 1,
        "order.cancelled": 1,
    }
    # same records again: nothing is sent twice
    count = len(medusa.state.order_events)
    assert run_in_process(config, catalogue([], orders=first)).status == 0
    assert len(medusa.state.order_events) == count
    # days later, only the picking of order C changes: the ledger still knows C came from Medusa
    later = {
        "stock_picking": [picking(12, 3, "done", "S00003")],
        "sale_order": [sale_order(3, "sale", "MEDUSA-order_C", delivery_status="full")],
    }
    assert run_in_process(config, catalogue([], orders=later)).status == 0
    assert medusa.state.events_for("order_C") == ["order.confirmed", "order.shipped", "order.delivered"]
    assert medusa.state.orders["order_C"]["status"] == "completed"
    links = {b.key: b.remote_id for b in ledger_of(config).bindings("medusa", "order_link")}
    assert links["id:3"] == "order_C" and links["name:S00002"] == "order_B"


def test_event_already_in_medusa_is_not_posted_again_where_medusa_shows_it(tmp_path: Path) -> None:
    """Killed after Medusa took the event, before the ledger noted it: a backend whose GET /odoo/orders/{id}
    carries the `metadata.odoo_<event>` flags (the sandbox's rich answers; seed 002 does not show them)
    tells, and the event is not posted again."""
    with serve_medusa(api_key=KEY, port=0, answers="rich") as rich:
        config = {"api_url": rich.url, "api_key": KEY, "ledger_url": f"sqlite:///{tmp_path}/l.sqlite"}
        order = rich.state.add_order("order_K", display_id=7)
        order["metadata"]["odoo_confirmed"] = True
        records = {"sale_order": [sale_order(5, "sale", "MEDUSA-order_K")]}
        assert run_in_process(config, catalogue([], orders=records)).status == 0
        assert rich.state.order_events == []
    assert ledger_of(config).get_binding("medusa", "order_status", "order_K:order.confirmed") is not None


def test_seed_minimal_medusa_cannot_tell_so_the_event_is_posted_once_per_run(
    medusa: MedusaSandbox, config: dict[str, Any]
) -> None:
    """Seed 002's GET /odoo/orders/{id} has no metadata: an event a killed run may have sent is posted again
    (at least once; the webhook sets flags, so the repeat changes nothing), and never again once recorded."""
    order = medusa.state.add_order("order_K", display_id=7)
    order["metadata"]["odoo_confirmed"] = True
    records = {"sale_order": [sale_order(5, "sale", "MEDUSA-order_K")]}
    assert run_in_process(config, catalogue([], orders=records)).status == 0
    assert run_in_process(config, catalogue([], orders=records)).status == 0
    assert medusa.state.events_for("order_K") == ["order.confirmed"]


def test_unknown_medusa_order_goes_to_dead_letters(medusa: MedusaSandbox, config: dict[str, Any]) -> None:
    records = {"sale_order": [sale_order(6, "sale", "MEDUSA-order_GONE")]}
    result = run_in_process(config | {"fail_on_dead_letters": True}, catalogue([], orders=records))
    assert result.status == 1
    letters = {d.entity: d for d in ledger_of(config).dead_letters("medusa")}
    # its event, and its acknowledgement (tests/medusa/test_synced.py)
    assert set(letters) == {"order_status", "order_synced"}
    letter = letters["order_status"]
    assert letter.key == "order_GONE:order.confirmed" and letter.reason.startswith("NOT_FOUND")
