"""Related fields in incremental syncs: a variant is re-emitted when only its template changed."""

from __future__ import annotations

import datetime as dt
import typing as t
from collections import Counter

import pytest
from tap_helpers import Run, run_tap, sandbox_config

from sandbox.odoo import serve_odoo
from tap_odoo import streams
from tap_odoo.related import any_parent_changed, before_second_after, next_bound, related_links

ODOO_FORMAT = "%Y-%m-%d %H:%M:%S"


@pytest.fixture
def sb() -> t.Iterator[t.Any]:
    with serve_odoo(products=0, version="17.0", seed=1, port=0) as sandbox:
        yield sandbox


def minutes_ago(minutes: int) -> str:
    """A write time whose second is over (settled), as Odoo writes it."""
    return (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes)).strftime(ODOO_FORMAT)


def variants(sb: t.Any, template_id: int) -> set[int]:
    found = sb.store.search(
        "product.product", [["product_tmpl_id", "=", template_id]], context={"active_test": False}
    )
    return set(found)


def write_template(sb: t.Any, template_id: int, vals: dict[str, t.Any], now: str | None = None) -> None:
    """Write a template and put its variants' previous write_date back.

    Odoo 17 stamps the variants of a written template (product.product.write_date depends on
    product_tmpl_id.write_date, see the recorded fields_get), but most related fields have no such
    dependency (a category's name, a partner's country...). Undoing the stamp turns the template into such a
    parent, so these tests exercise the general mechanism on the richest recorded data.
    """
    table = sb.store.tables["product.product"]
    before = {pid: sb.store.value("product.product", pid, "write_date") for pid in variants(sb, template_id)}
    sb.store.write("product.template", [template_id], vals, now=now)
    for pid, write_date in before.items():
        table.set_write_date(pid, write_date)


def emitted(run: Run) -> Counter[int]:
    return Counter(run.ids("product_product"))


def test_template_change_re_emits_its_variants_once(sb: t.Any) -> None:
    config = sandbox_config(sb, models=["product.product"], page_size=20)
    first = run_tap(config)
    assert len(first.records("product_product")) == 72
    bounds = first.state["bookmarks"]["product_product"]["related_since"]
    assert set(bounds) == {"product_tmpl_id", "categ_id"}  # name, list_price, ... and cost_method
    second = run_tap(config, state=first.state)
    assert second.records("product_product") == []
    done = second.state["bookmarks"]["product_product"]["bookmark_ids"]
    at_bookmark = done[0][0]  # emitted at the bookmark's own second: left out by the write_date pass

    tmpl_a = sb.store.value("product.product", at_bookmark, "product_tmpl_id")
    tmpl_b = 9  # a template with five variants
    when = minutes_ago(5)
    assert when > max(bounds.values()).replace("T", " ")[:19]
    write_template(sb, tmpl_a, {"name": "Renamed on the template", "list_price": 99.5}, now=when)
    write_template(sb, tmpl_b, {"list_price": 12.25}, now=when)
    expected = variants(sb, tmpl_a) | variants(sb, tmpl_b)
    assert at_bookmark in expected and len(expected) == 6

    off_config = {**config, "track_related_changes": False}
    off = run_tap(off_config, state=second.state)
    assert off.records("product_product") == []  # the write_date pass alone never sees the change

    third = run_tap(config, state=second.state)
    assert emitted(third) == Counter(expected)  # each variant once
    by_id = {r["id"]: r for r in third.records("product_product")}
    assert by_id[at_bookmark]["name"] == "Renamed on the template"
    assert by_id[at_bookmark]["list_price"] == 99.5
    assert all(by_id[pid]["list_price"] == 12.25 for pid in variants(sb, tmpl_b))
    assert (
        third.state["bookmarks"]["product_product"]["replication_key_value"]
        == (second.state["bookmarks"]["product_product"]["replication_key_value"])
    )

    fourth = run_tap(config, state=third.state)
    assert fourth.records("product_product") == []  # the template change is not re-read forever

    # changes on models the variants do not read related fields from: nothing extra
    sb.store.write("uom.uom", [1], {"name": "Units (renamed)"}, now=minutes_ago(4))
    sb.store.write("res.partner", [1], {"name": "Someone else"}, now=minutes_ago(4))
    fifth = run_tap(config, state=fourth.state)
    assert fifth.records("product_product") == []

    # a category change reaches the variants through categ_id (cost_method = categ_id.property_cost_method)
    category = sb.store.value("product.product", at_bookmark, "categ_id")
    in_category = set(
        sb.store.search("product.product", [["categ_id", "=", category]], context={"active_test": False})
    )
    sb.store.write("product.category", [category], {"name": "Renamed category"}, now=minutes_ago(3))
    assert run_tap(off_config, state=fifth.state).records("product_product") == []
    sixth = run_tap(config, state=fifth.state)
    assert emitted(sixth) == Counter(in_category)


def test_variant_and_its_template_changed_together_is_emitted_once(sb: t.Any) -> None:
    config = sandbox_config(sb, models=["product.product"], page_size=3)
    first = run_tap(config)
    template = 16  # two variants
    both = sorted(variants(sb, template))
    assert len(both) == 2
    write_template(sb, template, {"list_price": 7.5})  # now: an unsettled second
    sb.store.write("product.product", [both[0]], {"barcode": "4006381333931"})
    second = run_tap(config, state=first.state)
    assert emitted(second) == Counter(both)  # one from the write_date pass, one from the template's change
    assert {r["list_price"] for r in second.records("product_product")} == {7.5}


def test_related_links_follow_many2one_paths_to_models_with_write_date() -> None:
    models: dict[str, dict[str, dict[str, t.Any]]] = {
        "product.template": {
            "write_date": {"type": "datetime"},
            "categ_id": {"type": "many2one", "relation": "product.category"},
            "seller_ids": {"type": "one2many", "relation": "product.supplierinfo"},
        },
        "product.category": {"write_date": {"type": "datetime"}},
        "no.dates": {"name": {"type": "char"}},
    }
    own = {
        "product_tmpl_id": {"type": "many2one", "relation": "product.template", "store": True},
        "odd_id": {"type": "many2one", "relation": "no.dates", "store": True},
        "name": {"type": "char", "related": "product_tmpl_id.name", "store": False},
        "categ_name": {"type": "char", "related": "product_tmpl_id.categ_id.name", "store": False},
        "stored": {"type": "char", "related": "odd_id.name", "store": True},
        "no_dates": {"type": "char", "related": "odd_id.name", "store": False},
        "sellers": {"type": "many2many", "related": "product_tmpl_id.seller_ids", "store": False},
        "own_alias": {"type": "char", "related": "name", "store": False},
    }
    links = related_links(own, list(own), models.get)
    assert links == {"product_tmpl_id": "product.template", "product_tmpl_id.categ_id": "product.category"}
    assert related_links(own, ["stored", "no_dates", "own_alias"], models.get) == {}


def test_domains_and_bounds() -> None:
    assert any_parent_changed({"a": "2026-01-01 00:00:00"}) == [["a.write_date", ">=", "2026-01-01 00:00:00"]]
    assert any_parent_changed({"a": "x", "b.c": "y"}) == [
        "|",
        ["a.write_date", ">=", "x"],
        ["b.c.write_date", ">=", "y"],
    ]
    assert before_second_after("2026-01-01 10:00:00") == [["write_date", "<", "2026-01-01 10:00:01"]]
    assert next_bound("2026-01-01 10:00:00", True, None) == "2026-01-01 10:00:01"
    assert next_bound("2026-01-01 10:00:00", False, None) == "2026-01-01 10:00:00"
    assert next_bound("2026-01-01 10:00:00", True, "2026-02-01 00:00:00") == "2026-02-01 00:00:00"


def test_a_parent_domain_the_server_refuses_is_a_warning_not_a_failed_stream(
    sb: t.Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    config = sandbox_config(sb, models=["product.product"], page_size=20)
    first = run_tap(config)
    write_template(sb, 9, {"list_price": 3.0}, now=minutes_ago(5))
    sb.store.write("product.product", [1], {"barcode": "4006381333931"}, now=minutes_ago(5))

    def refused(bounds: dict[str, str]) -> list[t.Any]:
        return [["product_tmpl_id.no_such_field", ">=", next(iter(bounds.values()))]]

    monkeypatch.setattr(streams, "any_parent_changed", refused)
    second = run_tap(config, state=first.state)
    assert second.ids("product_product") == [1]  # the write_date pass still ran
    assert "cannot re-read the records whose product_tmpl_id changed" in caplog.text
    before = first.state["bookmarks"]["product_product"]["related_since"]
    assert second.state["bookmarks"]["product_product"]["related_since"] == before  # tried again next run

    monkeypatch.undo()
    third = run_tap(config, state=second.state)
    assert set(third.ids("product_product")) == variants(sb, 9)


def test_parent_change_pass_misses_nothing_while_records_change() -> None:
    """Variants deleted and rewritten between the pages of the parent-change pass: every surviving
    variant whose template changed comes in this run or the next, and none twice in one run."""
    with serve_odoo(products=300, version="17.0", seed=3, port=0) as sb:
        config = sandbox_config(sb, models=["product.product"], page_size=25)
        first = run_tap(config)
        templates = sorted(
            {
                sb.store.value("product.product", pid, "product_tmpl_id")
                for pid in first.ids("product_product")
            }
        )
        when = minutes_ago(5)
        for template in templates[-200:]:
            write_template(sb, template, {"list_price": 1.5}, now=when)
        changed = sorted(set().union(*(variants(sb, template) for template in templates[-200:])))
        calls = {"n": 0}

        def mutate(model: str, method: str, args: list[t.Any], kwargs: dict[str, t.Any]) -> None:
            if model != "product.product" or method != "search_read" or "product_tmpl_id" not in str(args):
                return
            calls["n"] += 1
            k = calls["n"] - 1
            if k:
                sb.store.unlink("product.product", changed[3 * k : 3 * k + 3])  # already read (id order)
                sb.store.write("product.product", [changed[-k]], {"barcode": f"moved-{k}"})  # not yet read

        sb.on_call = mutate
        second = run_tap(config, state=first.state)
        sb.on_call = None
        assert calls["n"] > 3  # several pages
        third = run_tap(config, state=second.state)
        surviving = set(
            sb.store.search("product.product", [["id", "in", changed]], context={"active_test": False})
        )
        assert max(emitted(second).values()) == 1
        assert surviving <= set(second.ids("product_product")) | set(third.ids("product_product"))
        assert set(second.ids("product_product")) <= set(changed)
