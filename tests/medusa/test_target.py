"""target-medusa against the Medusa sandbox, driven by Singer messages in tap-odoo's shape."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sandbox.medusa import MedusaSandbox
from target_medusa.target import TargetMedusa

from .helpers import KEY, ledger_of, run_in_process, start_target
from .messages import catalogue, product, recorded_products, stock_row


def test_catalogue_and_stock_arrive_then_unchanged_rerun_sends_nothing(
    medusa: MedusaSandbox, config: dict[str, Any]
) -> None:
    products = recorded_products() + [product(i) for i in range(1, 301)]
    stock = [stock_row(p["default_code"], p["id"], 12.7) for p in products if p["default_code"]]
    stock += [stock_row(p["default_code"], p["id"], 3, "GW1", 7) for p in products if p["default_code"]]
    data = catalogue(products, stock)
    first = run_in_process(config, data)
    assert first.status == 0 and first.summary is not None
    sellable = [
        p for p in products if p["default_code"] and p["type"] in ("product", "consu") and p["active"]
    ]
    assert set(medusa.state.products) == {p["default_code"] for p in sellable}
    chair = medusa.state.products["FURN_7777"]  # recorded Odoo 17 product: Office Chair, 70.0, 0.01 kg
    assert (chair["title"], chair["price"], chair["weight"], chair["currency_code"]) == (
        "Office Chair",
        70000,
        10,
        "kwd",
    )
    assert chair["category_handle"] == "office-furniture" and chair["metadata"]["odoo_id"] == 5
    assert chair["images"][0]["url"] == "http://odoo.example/web/image/product.product/5/image_1920"
    gen = medusa.state.products["GEN-000001"]
    assert gen["price"] == 1250 and gen["cost_price"] == 500 and gen["barcode"] == "6290000000001"
    assert medusa.state.stock()["GEN-000001"] == 15  # 12.7 + 3 over both warehouses, whole units
    final_state = json.loads(first.stdout.strip().splitlines()[-1])  # the tap's last STATE, passed on
    assert final_state["bookmarks"]["stock_levels"] == {"done": True} and "sync_complete" in final_state
    writes = medusa.state.write_count()
    second = run_in_process(config, data)
    assert second.summary is not None and second.summary.sent == 0
    assert second.summary.unchanged == first.summary.sent
    assert medusa.state.write_count() == writes
    assert all(n == 1 for n in medusa.state.created.values())
    third = run_in_process(
        config, catalogue([product(1, list_price=99.5)], [stock_row("GEN-000002", 100002, 40)])
    )
    assert third.summary is not None and third.summary.sent == 2
    assert medusa.state.products["GEN-000001"]["price"] == 99500 and medusa.state.stock()["GEN-000002"] == 40


def test_stock_settings_quantity_field_safety_stock_and_warehouses(
    medusa: MedusaSandbox, config: dict[str, Any]
) -> None:
    products = [product(i) for i in range(1, 4)]
    stock = [
        stock_row("GEN-000001", 100001, 10),
        stock_row("GEN-000001", 100001, 100, "GW1", 7),
        stock_row("GEN-000002", 100002, 1),
        stock_row("GEN-000003", 100003, -4),
    ]
    config |= {
        "quantity_field": "virtual_available",
        "safety_stock": 3,
        "warehouses": ["WH"],
        "location_id": "sloc_01MAIN",
    }
    assert run_in_process(config, catalogue(products, stock)).status == 0
    # forecast = on hand + 5; only WH; minus safety stock 3; never below 0
    assert medusa.state.stock() == {"GEN-000001": 12, "GEN-000002": 3, "GEN-000003": 0}


BAD = {
    "no SKU": (product(1, default_code=None), "default_code"),
    "negative price": (product(2, list_price=-5.0), "$.price"),
    "price beyond Number.MAX_SAFE_INTEGER": (product(3, list_price=1e20), "9007199254740991"),
    "price 1e300": (product(4, list_price=1e300), "1e+300"),
    "infinite price": (product(6, list_price=float("inf")), "finite"),
    "duplicate SKU": (product(5, default_code="GEN-000010"), "DUPLICATE_SKU"),
}


@pytest.mark.parametrize("fail_on_dead_letters", [False, True])
def test_bad_records_go_to_dead_letters_with_reasons(
    medusa: MedusaSandbox, config: dict[str, Any], fail_on_dead_letters: bool
) -> None:
    good = [product(i) for i in range(10, 20)]
    config["fail_on_dead_letters"] = fail_on_dead_letters
    result = run_in_process(config, catalogue(good + [rec for rec, _ in BAD.values()]))
    assert result.status == (1 if fail_on_dead_letters else 0)
    assert set(medusa.state.products) == {p["default_code"] for p in good}
    letters = ledger_of(config).dead_letters("medusa")
    assert len(letters) == len(BAD)
    reasons = " | ".join(d.reason for d in letters)
    for _, needle in BAD.values():
        assert needle in reasons
    run = ledger_of(config).history(1, "medusa")[0]
    assert (run.failed, run.status) == (len(BAD), "failed" if fail_on_dead_letters else "done")


def test_medusa_refusals_are_retried_alone_then_dead_lettered_with_medusa_code(
    medusa: MedusaSandbox, config: dict[str, Any]
) -> None:
    medusa.state.products["GEN-000002"] = {
        "sku": "GEN-000002",
        "odoo_product_id": 999,
        "title": "Someone else",
        "price": 1,
        "id": "prod_x",
        "variant_id": "v",
        "handle": "x",
    }
    result = run_in_process(config, catalogue([product(i) for i in range(1, 5)]))
    assert result.status == 0
    assert medusa.state.products["GEN-000002"]["odoo_product_id"] == 999
    assert {"GEN-000001", "GEN-000003", "GEN-000004"} <= set(medusa.state.products)
    single = [r for r in medusa.state.requests if r.path == "/odoo/products"]
    assert [r.status for r in single] == [409]  # the failed bulk item went again alone
    (letter,) = ledger_of(config).dead_letters("medusa")
    assert letter.key == "GEN-000002" and letter.reason.startswith("DUPLICATE_SKU")
    # fixed in Medusa: the next run sends it and resolves the dead letter
    medusa.state.products.pop("GEN-000002")
    assert run_in_process(config, catalogue([product(i) for i in range(1, 5)])).summary.sent == 1  # type: ignore[union-attr]
    assert ledger_of(config).dead_letters("medusa") == []


def test_archived_and_deleted_products(medusa: MedusaSandbox, config: dict[str, Any]) -> None:
    products = [product(i) for i in range(1, 5)]
    assert run_in_process(config, catalogue(products)).status == 0
    changed = [product(1, active=False), product(2, _sdc_deleted_at="2026-11-23T10:00:00Z"), product(3)]
    run_in_process(config, catalogue(changed))  # on_archive = leave (default)
    assert len(medusa.state.products) == 4
    config["on_archive"] = "delete"
    result = run_in_process(config, catalogue([*changed, product(77, active=False)]))
    assert (
        result.summary is not None and result.summary.deleted == 3
    )  # 77 was never in Medusa: already absent
    assert set(medusa.state.products) == {"GEN-000003", "GEN-000004"}
    assert sorted(medusa.state.deleted_skus) == ["GEN-000001", "GEN-000002"]
    again = run_in_process(config, catalogue(changed))
    assert again.summary is not None and again.summary.deleted == 0  # not deleted twice
    # deleted in Odoo: tap-odoo (detect_deletions) sends only the id; the ledger knows its SKU
    gone = run_in_process(config, catalogue([{"id": 100004, "_sdc_deleted_at": "2026-11-23T11:00:00Z"}]))
    assert (
        gone.summary is not None and gone.summary.deleted == 1 and "GEN-000004" not in medusa.state.products
    )
    back = run_in_process(config, catalogue([product(1)]))  # unarchived in Odoo: created again
    assert back.summary is not None and back.summary.sent == 1 and "GEN-000001" in medusa.state.products


@pytest.mark.parametrize(
    ("bad", "setting"),
    [
        ({"api_url": "ftp://x"}, "api_url"),
        ({"batch_size": 5000}, "batch_size"),
        ({"currency": "dinar"}, "currency"),
        ({"quantity_field": "qty"}, "quantity_field"),
        ({"api_key": " "}, "api_key"),
        ({"on_archive": "purge"}, "on_archive"),
    ],
)
def test_config_errors_name_the_setting(config: dict[str, Any], bad: dict[str, Any], setting: str) -> None:
    with pytest.raises(Exception) as caught:
        TargetMedusa(config=config | bad, validate_config=True)
    text = str(caught.value) + " ".join(str(e) for e in getattr(caught.value, "errors", []))
    assert setting in text and KEY not in text


def test_cli_config_error_exits_2_without_the_key(tmp_path: Path, config: dict[str, Any]) -> None:
    proc = start_target(config | {"api_url": "not a url"}, tmp_path)
    out, err = proc.communicate("", timeout=60)
    assert proc.returncode == 2
    assert "setting api_url" in err and KEY not in err + out


def test_secret_never_in_logs_or_ledger(
    medusa: MedusaSandbox, config: dict[str, Any], tmp_path: Path
) -> None:
    medusa.faults.force_next("503", "ok")
    medusa.faults.configure(retry_after=0)
    proc = start_target(config, tmp_path)
    out, err = proc.communicate(catalogue([product(1), product(2, list_price=-1.0)]), timeout=60)
    assert proc.returncode == 0, err
    assert KEY not in out + err
    events = ledger_of(config).events(limit=1000)
    assert events and KEY not in json.dumps(events, default=str)
    # every HTTP exchange is an event with its status and bodies: the 503 and the retried bulk call
    exchanges = [e for e in events if e["outcome"] in ("http", "retry")]
    bulk = [e for e in exchanges if e["url"].endswith("/odoo/products/bulk")]
    assert sorted((e["outcome"], e["http_status"]) for e in bulk) == [("http", 200), ("retry", 503)]
    ok = next(e for e in bulk if e["http_status"] == 200)
    assert (
        "GEN-000001" in json.dumps(ok["request_body"])
        and ok["response_body"]
        and ok["duration_ms"] is not None
    )


def test_cli_about_lists_settings() -> None:
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "target-medusa"), "--about", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0
    settings = json.loads(proc.stdout)["settings"]["properties"]
    assert {
        "api_url",
        "api_key",
        "currency",
        "quantity_field",
        "safety_stock",
        "on_archive",
        "batch_size",
        "concurrency",
        "fail_on_dead_letters",
        "odoo_base_url",
        "brand_field",
        "warehouses",
    } <= set(settings)


def test_stock_item_refused_in_bulk_is_retried_alone_then_dead_lettered(
    medusa: MedusaSandbox, config: dict[str, Any]
) -> None:
    products = [product(i) for i in range(1, 4)]
    assert run_in_process(config, catalogue(products)).status == 0
    medusa.state.products.pop("GEN-000002")  # removed in Medusa by hand: Odoo still has it
    medusa.state.inventory.pop("GEN-000002")
    stock = [stock_row(p["default_code"], p["id"], 9) for p in products]
    assert run_in_process(config, catalogue([], stock)).status == 0
    assert medusa.state.stock() == {"GEN-000001": 9, "GEN-000003": 9}
    single = [r for r in medusa.state.requests if r.path == "/odoo/inventory/update"]
    assert [r.status for r in single] == [404]
    (letter,) = ledger_of(config).dead_letters("medusa")
    assert (letter.entity, letter.key) == ("inventory", "GEN-000002")
    assert letter.reason.startswith("SKU_NOT_FOUND")


def test_stock_only_for_skus_medusa_can_have(medusa: MedusaSandbox, config: dict[str, Any]) -> None:
    assert run_in_process(config, catalogue([product(1), product(2)])).status == 0
    # 1: archived in Odoo, left in Medusa (on_archive = leave): its stock still follows Odoo
    # 3: archived before it ever reached Medusa: no stock call, no dead letter
    rows = [
        stock_row("GEN-000001", 100001, 0),
        stock_row("GEN-000002", 100002, 4),
        stock_row("GEN-000003", 100003, 8),
    ]
    result = run_in_process(config, catalogue([product(1, active=False), product(3, active=False)], rows))
    assert result.status == 0 and medusa.state.stock() == {"GEN-000001": 0, "GEN-000002": 4}
    assert ledger_of(config).dead_letters("medusa") == []


def test_stock_job_skips_skus_no_catalogue_run_put_in_medusa(
    medusa: MedusaSandbox, config: dict[str, Any]
) -> None:
    """The stock job runs apart from the catalogue job (meltano.yml): it must not dead-letter the stock of
    products the catalogue never sent (archived, filtered), as `make demo` once did with SKU_NOT_FOUND."""
    assert run_in_process(config, catalogue([product(1), product(2, active=False)])).status == 0
    rows = [stock_row("GEN-000001", 100001, 5), stock_row("GEN-000002", 100002, 7)]
    result = run_in_process(config, catalogue([], rows))  # a stock-only run: no product records at all
    assert result.status == 0
    assert medusa.state.stock() == {"GEN-000001": 5}
    assert ledger_of(config).dead_letters("medusa") == []
    assert [r.status for r in medusa.state.requests if r.path == "/odoo/inventory/update"] == []
