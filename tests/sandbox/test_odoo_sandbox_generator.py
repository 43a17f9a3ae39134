"""Generated data: consistent relations, deterministic values, writes on generated rows, 1M products."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

import pytest
from odoo_sandbox_clients import execute

from sandbox.odoo import OdooSandbox, serve_odoo

ALL = {"active_test": False}
N = 1000


@pytest.fixture(scope="module")
def sb() -> Iterator[OdooSandbox]:
    with serve_odoo(products=N, seed=3) as sandbox:
        yield sandbox


def generated(sb: OdooSandbox, model: str) -> range:
    lazy = sb.store.tables[model].lazy
    assert lazy is not None
    return range(lazy.lo, lazy.hi)


def test_counts(sb: OdooSandbox) -> None:
    count = lambda model: execute(sb, model, "search_count", [], context=ALL)  # noqa: E731
    assert count("product.product") == 72 + N
    assert count("product.template") == 67 + N
    assert count("res.partner") == 42 + N // 10
    assert count("sale.order") == 24 + N // 10
    assert count("sale.order.line") == 50 + 2 * (N // 10)
    assert count("stock.quant") == 50 + N
    assert count("stock.move") == 50 + N // 2
    assert count("stock.warehouse") == 4
    archived = execute(sb, "product.product", "search_count", [("active", "=", False)])
    assert archived == N // 50


def test_relations_are_consistent(sb: OdooSandbox) -> None:
    products = execute(
        sb,
        "product.product",
        "read",
        list(generated(sb, "product.product"))[::37],
        fields=["product_tmpl_id", "stock_quant_ids", "categ_id", "name", "default_code"],
    )
    for p in products:
        tmpl = execute(
            sb, "product.template", "read", [p["product_tmpl_id"][0]], fields=["product_variant_ids", "name"]
        )[0]
        assert tmpl["product_variant_ids"] == [p["id"]] and tmpl["name"] == p["name"]
        quants = execute(
            sb, "stock.quant", "read", p["stock_quant_ids"], fields=["product_id", "location_id"]
        )
        assert [q["product_id"][0] for q in quants] == [p["id"]]
        loc = execute(sb, "stock.location", "read", [quants[0]["location_id"][0]], fields=["usage"])
        assert loc[0]["usage"] == "internal"
        assert execute(sb, "product.category", "search_count", [("id", "=", p["categ_id"][0])]) == 1
    orders = execute(
        sb,
        "sale.order",
        "read",
        list(generated(sb, "sale.order"))[::9],
        fields=["order_line", "partner_id", "amount_untaxed"],
    )
    for order in orders:
        lines = execute(
            sb,
            "sale.order.line",
            "read",
            order["order_line"],
            fields=["order_id", "product_id", "price_subtotal"],
        )
        assert len(lines) == 2 and {line["order_id"][0] for line in lines} == {order["id"]}
        assert order["amount_untaxed"] == pytest.approx(sum(line["price_subtotal"] for line in lines))
        assert execute(
            sb, "product.product", "search_count", [("id", "=", lines[0]["product_id"][0])], context=ALL
        )
        assert execute(sb, "res.partner", "search_count", [("id", "=", order["partner_id"][0])]) == 1
    by_partner = execute(sb, "sale.order", "search", [("partner_id", "=", orders[0]["partner_id"][0])])
    partner = execute(sb, "res.partner", "read", [orders[0]["partner_id"][0]], fields=["sale_order_ids"])[0]
    assert sorted(partner["sale_order_ids"]) == sorted(by_partner)
    for move in execute(
        sb, "stock.move", "read", list(generated(sb, "stock.move"))[::50], fields=["product_id"]
    ):
        product = execute(sb, "product.product", "read", [move["product_id"][0]], fields=["stock_move_ids"])[
            0
        ]
        assert product["stock_move_ids"] == [move["id"]]


def test_quantities_of_generated_products(sb: OdooSandbox) -> None:
    pid = generated(sb, "product.product")[12]
    quant = execute(
        sb,
        "stock.quant",
        "search_read",
        [("product_id", "=", pid)],
        fields=["location_id", "quantity", "reserved_quantity"],
    )[0]
    wh = execute(
        sb, "stock.warehouse", "search_read", [("lot_stock_id", "=", quant["location_id"][0])], fields=["id"]
    )
    got = execute(
        sb,
        "product.product",
        "read",
        [pid],
        fields=["qty_available", "free_qty", "incoming_qty"],
        context={"warehouse": wh[0]["id"]},
    )[0]
    assert got["qty_available"] == quant["quantity"]
    assert got["free_qty"] == quant["quantity"] - quant["reserved_quantity"]
    assert got["incoming_qty"] > 0  # index 12: move 6 (even) comes into that warehouse


def test_write_date_bisect_matches_a_full_scan(sb: OdooSandbox) -> None:
    rows = execute(
        sb, "product.product", "search_read", [], fields=["write_date"], order="id asc", context=ALL
    )
    cut = rows[len(rows) // 2]["write_date"]
    want = sorted((r["write_date"], r["id"]) for r in rows if r["write_date"] > cut)
    got = execute(
        sb,
        "product.product",
        "search_read",
        [("write_date", ">", cut)],
        fields=["write_date"],
        order="write_date asc, id asc",
        context=ALL,
    )
    assert [(r["write_date"], r["id"]) for r in got] == want
    assert len({r["write_date"] for r in rows}) < len(rows)  # ties inside one second exist


def test_same_seed_same_data_other_seed_other_prices() -> None:
    def prices(seed: int) -> list[float]:
        with serve_odoo(products=50, seed=seed) as sb:
            ids = list(generated(sb, "product.product"))
            return [
                r["list_price"] for r in execute(sb, "product.product", "read", ids, fields=["list_price"])
            ]

    assert prices(5) == prices(5)
    assert prices(5) != prices(6)


def test_writes_and_unlinks_on_generated_rows() -> None:
    with serve_odoo(products=200) as sb:
        pids = generated(sb, "product.product")
        first, second = pids[0], pids[1]
        execute(sb, "product.product", "write", [first], {"name": "Changed", "list_price": 99.0})
        last = execute(
            sb,
            "product.product",
            "search_read",
            [],
            fields=["name", "list_price"],
            order="write_date desc, id desc",
            limit=1,
        )[0]
        assert last == {"id": first, "name": "Changed", "list_price": 99.0}
        execute(sb, "product.product", "unlink", [second])
        assert execute(sb, "product.product", "read", [second], fields=["id"]) == []
        assert execute(sb, "product.product", "search_count", [("id", "=", second)], context=ALL) == 0
        order = generated(sb, "sale.order")[0]
        line = execute(sb, "sale.order.line", "create", {"order_id": order, "product_id": first})
        assert line in execute(sb, "sale.order", "read", [order], fields=["order_line"])[0]["order_line"]


MILLION = textwrap.dedent(
    """
    import json, resource, time, xmlrpc.client
    started = time.perf_counter()
    from sandbox.odoo import serve_odoo
    with serve_odoo(products=1_000_000) as sb:
        ready = time.perf_counter() - started
        obj = xmlrpc.client.ServerProxy(sb.url + "/xmlrpc/2/object")
        t = time.perf_counter()
        page = obj.execute_kw(sb.db, 2, "admin", "product.product", "search_read",
            [[["write_date", ">", "2026-11-22 14:15:00"]]],
            {"fields": ["name", "default_code", "list_price", "qty_available"], "limit": 500,
             "order": "write_date asc, id asc"})
        page_s = time.perf_counter() - t
        count = obj.execute_kw(sb.db, 2, "admin", "product.product", "search_count", [[]],
                               {"context": {"active_test": False}})
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stats = {"start_s": ready, "rss_mb": rss_mb, "count": count, "page": len(page), "page_s": page_s}
    print(json.dumps(stats))
    """
)


def test_one_million_products_start_fast_and_small(
    record_property: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """1,000,000 generated products in a fresh process: start time and peak RSS (printed and recorded)."""
    out = subprocess.run(
        [sys.executable, "-c", MILLION], capture_output=True, text=True, timeout=120, check=True
    )
    stats = json.loads(out.stdout.strip().splitlines()[-1])
    for key, value in stats.items():
        record_property(key, value)
    with capsys.disabled():
        print(
            f"\n[odoo sandbox, 1,000,000 products] start {stats['start_s']:.2f} s, "
            f"peak RSS {stats['rss_mb']:.0f} MB, keyset page of 500 in {stats['page_s']:.3f} s"
        )
    assert stats["count"] == 1_000_072 and stats["page"] == 500
    assert stats["start_s"] < 20 and stats["rss_mb"] < 3072 and stats["page_s"] < 5
