"""`odoo-hub` through its real entry point (subprocess), against the Odoo sandbox and a loopback platform."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import requests
from etl_shop import MAPPING, ShopServer, write_files
from test_etl_sink import engine

from etl.ledger import Ledger
from sandbox.odoo import OdooSandbox, serve_odoo

HERE = Path(__file__).resolve().parent
ODOO_HUB = shutil.which("odoo-hub", path=str(Path(os.__file__).parents[0])) or str(
    Path(__file__).resolve().parents[2] / ".venv" / "bin" / "odoo-hub"
)
TOKEN = "shop-secret-token"
SHOP = "etl_shop:PLATFORM"


def run(args: list[str], env: dict[str, str], expect: int | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([ODOO_HUB, *args], env=env, capture_output=True, text=True, timeout=120)
    if expect is not None:
        assert proc.returncode == expect, (
            f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        )
    return proc


def base_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ODOO_", "SHOP_"))}
    env["PYTHONPATH"] = str(HERE)
    env["ODOO_HUB_LEDGER_URL"] = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    return env


def odoo_env(env: dict[str, str], sb: OdooSandbox, password: str | None = None) -> dict[str, str]:
    return {
        **env,
        "ODOO_URL": sb.url,
        "ODOO_DB": sb.db,
        "ODOO_USERNAME": "admin",
        "ODOO_PASSWORD": password or sb.users["admin"]["password"],
    }


def shop_env(env: dict[str, str], shop: ShopServer, tmp_path: Path) -> tuple[dict[str, str], Path]:
    mapping, schemas = write_files(tmp_path)
    return {**env, "SHOP_URL": shop.url, "SHOP_TOKEN": TOKEN, "SHOP_SCHEMAS": str(schemas)}, mapping


def test_check_connection_and_readiness_on_the_sandbox(odoo_sandbox: OdooSandbox, tmp_path: Path) -> None:
    env = odoo_env(base_env(tmp_path), odoo_sandbox)
    proc = run(["check", "--json"], env, expect=0)
    data = json.loads(proc.stdout)
    conn = data["connection"]
    assert conn["success"] and conn["odoo_version"] == "17.0" and conn["database"] == "demo17"
    assert isinstance(conn["user_id"], int) and conn["protocol"] in ("xmlrpc", "jsonrpc", "json2")
    issues = {i["code"]: i for i in data["readiness"]["issues"]}
    assert "duplicate_sku" not in issues and data["ok"] is True
    assert issues["missing_sku"]["severity"] == "warning" and issues["missing_sku"]["count"] > 0
    assert data["readiness"]["score"] == 90
    assert "reading product.product: " in proc.stderr  # progress goes to stderr, stdout stays pure JSON
    assert "reading" not in run(["check", "--json", "--quiet"], env, expect=0).stderr
    text = run(["check"], env, expect=0).stdout
    assert "Odoo connection: OK" in text and "Readiness: score 90/100" in text and "missing_sku" in text


def test_check_blocks_on_duplicate_skus_and_reports_mapping_coverage(tmp_path: Path) -> None:
    with serve_odoo(products=0) as sb:
        coded = sb.store.search_read("product.product", [["default_code", "!=", False]], ["default_code"])
        codes = [p["default_code"] for p in coded][:2]
        dup_id = sb.store.search_read("product.product", [["default_code", "=", codes[1]]], ["id"])[0]["id"]
        sb.store.write("product.product", [dup_id], {"default_code": codes[0]})
        doc = json.loads(json.dumps(MAPPING))
        doc["lookups"]["warehouse_location"] = {"WH": "loc_main"}  # CHIC1 not mapped
        doc["lookups"]["category"] = {"All / Saleable / Office Furniture": "office"}
        mapping = tmp_path / "mine.json"
        mapping.write_text(json.dumps(doc))
        env = odoo_env(base_env(tmp_path), sb)
        proc = run(["check", "--json", "--target", SHOP, "--mapping", str(mapping)], env, expect=1)
    data = json.loads(proc.stdout)
    issues = {i["code"]: i for i in data["readiness"]["issues"]}
    assert issues["duplicate_sku"]["severity"] == "blocking" and data["ok"] is False
    assert issues["duplicate_sku"]["examples"][0].startswith(codes[0])
    assert issues["unmapped_warehouse"]["examples"] == ["CHIC1 (Chicago 1)"]
    assert issues["unmapped_category"]["count"] >= 1
    assert data["readiness"]["score"] <= 100 - 40 - 10 - 10


def test_check_wrong_password_and_missing_settings(odoo_sandbox: OdooSandbox, tmp_path: Path) -> None:
    env = odoo_env(base_env(tmp_path), odoo_sandbox, password="not-the-password-123")
    proc = run(["check"], env, expect=2)
    assert "FAILED" in proc.stdout and "refused the login" in proc.stdout
    assert "not-the-password-123" not in proc.stdout + proc.stderr
    env = base_env(tmp_path)
    proc = run(["check"], {**env, "ODOO_URL": odoo_sandbox.url}, expect=2)
    assert "ODOO_DB (or --odoo-db) is not set" in proc.stderr
    proc = run(
        ["check", "--odoo-db", "demo17", "--odoo-username", "admin"],
        {**env, "ODOO_URL": "http://x"},
        expect=2,
    )
    assert "ODOO_PASSWORD or ODOO_API_KEY is not set" in proc.stderr


def test_targets_without_a_platform_say_so(tmp_path: Path) -> None:
    proc = run(["retry", "--target", "magento"], base_env(tmp_path), expect=2)
    assert "the magento target is not built yet" in proc.stderr
    proc = run(["drift", "--target", "nowhere"], base_env(tmp_path), expect=2)
    assert "unknown platform 'nowhere'" in proc.stderr


def test_bad_mapping_file_fails_at_start_naming_the_entry(shop: ShopServer, tmp_path: Path) -> None:
    env, _ = shop_env(base_env(tmp_path), shop, tmp_path)
    bad = json.loads(json.dumps(MAPPING))
    bad["entities"]["product"]["fields"][1]["transform"] = "nope"
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    proc = run(["retry", "--target", SHOP, "--mapping", str(tmp_path / "bad.json")], env, expect=2)
    assert "entities.product.fields[1] (title)" in proc.stderr and "unknown transform" in proc.stderr


def _sync(shop: ShopServer, tmp_path: Path, records: list[dict[str, Any]]) -> int:
    eng = engine(shop, Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}"), tmp_path)
    for rec in records:
        eng.process("product_template", rec)
    return eng.finish().run_id


def test_history_stats_dead_letters_and_retry(shop: ShopServer, tmp_path: Path) -> None:
    shop.blocked = {"B-2", "C-3"}
    records = [
        {"id": i, "default_code": sku, "name": sku, "list_price": 1, "sale_ok": True}
        for i, sku in enumerate(["A-1", "B-2", "C-3", "D-4"])
    ]
    run_id = _sync(shop, tmp_path, records)
    env, mapping = shop_env(base_env(tmp_path), shop, tmp_path)

    hist = json.loads(run(["history", "--json"], env, expect=0).stdout)
    assert [(h["id"], h["sent"], h["failed"], h["status"]) for h in hist] == [
        (run_id, 2, 2, "done_with_errors")
    ]
    assert "done_with_errors" in run(["history"], env, expect=0).stdout
    stats = json.loads(run(["stats", "--json"], env, expect=0).stdout)
    assert (stats["total_syncs"], stats["successful_syncs"], stats["failed_syncs"]) == (4, 2, 2)
    assert stats["success_rate"] == 50.0 and stats["open_dead_letters"] == 2
    assert stats["products_with_odoo_id"] == 2 and stats["bindings_per_entity"] == {"shop/product": 2}
    shown = run(["stats"], env, expect=0).stdout
    assert "success rate %" in shown and "products with odoo id" in shown and "bindings shop/product" in shown
    letters = json.loads(run(["dead-letters", "--json"], env, expect=0).stdout)
    assert sorted(d["key"] for d in letters) == ["B-2", "C-3"]

    shop.blocked = {"C-3"}  # B-2 fixed on the platform side
    proc = run(
        ["retry", "--run", str(run_id), "--target", SHOP, "--mapping", str(mapping), "--json"], env, expect=1
    )
    data = json.loads(proc.stdout)
    assert (data["retried"], data["sent"], data["failed"], data["still_failing"]) == (2, 1, 1, ["C-3"])
    assert "B-2" in shop.items
    text = run(["dead-letters"], env, expect=0).stdout
    assert "C-3" in text and "BLOCKED" in text and "B-2" not in text
    shop.blocked = set()
    proc = run(["retry", "--target", SHOP, "--mapping", str(mapping)], env, expect=0)
    assert "1 sent, 0 failed" in proc.stdout
    assert run(["retry", "--target", SHOP, "--mapping", str(mapping)], env, expect=0).stdout.strip() == (
        "no open dead letters"
    )
    assert TOKEN not in json.dumps(Ledger(env["ODOO_HUB_LEDGER_URL"]).events(limit=1000), default=str)


def test_drift_statuses_thresholds_and_fix(
    odoo_sandbox: OdooSandbox, shop: ShopServer, tmp_path: Path
) -> None:
    env, mapping = shop_env(odoo_env(base_env(tmp_path), odoo_sandbox), shop, tmp_path)
    args = ["drift", "--target", SHOP, "--mapping", str(mapping), "--json"]
    first = json.loads(run([*args, "--all"], env, expect=1).stdout)
    rows = first["rows"]
    total = first["summary"]["total"]
    assert total > 3 and first["summary"]["not_found"] == total
    ok, warn, crit = rows[0], rows[1], rows[2]
    seed = [
        {"sku": ok["sku"], "location": ok["location"], "quantity": ok["odoo_qty"]},
        {"sku": warn["sku"], "location": warn["location"], "quantity": warn["odoo_qty"] + 0.5},
        {"sku": crit["sku"], "location": crit["location"], "quantity": crit["odoo_qty"] + 50},
    ]
    auth = {"Authorization": f"Bearer {TOKEN}"}
    requests.post(f"{shop.url}/admin/stock", json={"stock": seed}, headers=auth, timeout=5).raise_for_status()
    second = json.loads(run(args, env, expect=1).stdout)
    assert second["summary"] == {"ok": 1, "warning": 1, "critical": 1, "not_found": total - 3, "total": total}
    assert {r["status"] for r in second["rows"]} == {"warning", "critical", "not_found"}  # ok rows hidden
    crit_row = next(r for r in second["rows"] if r["status"] == "critical")
    assert crit_row["diff"] == 50.0
    text = run(["drift", "--target", SHOP, "--mapping", str(mapping), "--rows", "2"], env, expect=1).stdout
    table_rows = [line for line in text.splitlines() if line.startswith(("CRITICAL", "NOT_FOUND", "WARNING"))]
    assert table_rows[0].startswith("CRITICAL") and len(table_rows) == 2
    assert f"... and {total - 1 - 2} more" in text
    relaxed = json.loads(run([*args, "--critical", "100", "--warning", "1"], env, expect=1).stdout)
    assert relaxed["summary"]["critical"] == 0 and relaxed["summary"]["warning"] == 1  # 0.5 <= 1 is ok now
    fixed = run([*args, "--fix"], env, expect=0)
    assert json.loads(fixed.stdout)["fix"]["sent"] == total - 1
    after = json.loads(run(args, env, expect=0).stdout)
    assert after["summary"]["ok"] == total and after["rows"] == []
    text = run(["drift", "--target", SHOP, "--mapping", str(mapping)], env, expect=0).stdout
    assert f"drift over {total} SKU x location: {total} ok" in text
