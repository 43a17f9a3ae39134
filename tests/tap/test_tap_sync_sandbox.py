"""tap-odoo against the loopback Odoo sandbox: protocols, incremental runs, deletions, paging under writes."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
import typing as t
from pathlib import Path

import jsonschema
import pytest
from tap_helpers import run_tap, sandbox_config

from sandbox.odoo import serve_odoo
from tap_odoo.client import OdooClient
from tap_odoo.errors import OdooAuthError
from tap_odoo.ranges import iter_ranges


@pytest.fixture(scope="module")
def sb17() -> t.Iterator[t.Any]:
    """A read-only Odoo 17 sandbox shared by the tests that do not write."""
    with serve_odoo(products=0, version="17.0", seed=1, port=0) as sb:
        yield sb


@pytest.fixture
def fresh() -> t.Iterator[t.Any]:
    """A sandbox of its own for a test that writes under the tap."""
    with serve_odoo(products=0, version="17.0", seed=1, port=0) as sb:
        yield sb


@pytest.mark.parametrize(
    ("version", "protocol", "secret", "expected"),
    [
        ("17.0", "xmlrpc", "password", "xmlrpc"),
        ("17.0", "jsonrpc", "password", "jsonrpc"),
        ("17.0", "auto", "api_key", "jsonrpc"),
        ("19.0", "auto", "api_key", "json2"),
        ("19.0", "auto", "password", "jsonrpc"),
        ("19.0", "json2", "api_key", "json2"),
    ],
)
def test_check_and_read_over_every_protocol(version: str, protocol: str, secret: str, expected: str) -> None:
    with serve_odoo(products=0, version=version, seed=1, port=0) as sb:
        creds = {secret: sb.users["admin"][secret]}
        client = OdooClient(url=sb.url, database=sb.db, username="admin", protocol=protocol, **creds)
        info = client.check()
        assert info["protocol"] == expected
        assert info["uid"] == sb.users["admin"]["uid"]
        assert info["server_version"] == version
        assert info["database"] == sb.db
        rows = client.search_read("product.product", [], ["name", "categ_id"], limit=5, order="id asc")
        assert len(rows) == 5 and isinstance(rows[0]["categ_id"], list)
        client.close()


def test_wrong_password_names_url_db_user_never_the_secret(sb17: t.Any, tmp_path: Path) -> None:
    secret = "definitely-wrong-pw"
    client = OdooClient(url=sb17.url, database=sb17.db, username="admin", password=secret, protocol="jsonrpc")
    with pytest.raises(OdooAuthError) as err:
        client.check()
    assert sb17.url in str(err.value) and sb17.db in str(err.value) and "'admin'" in str(err.value)
    assert secret not in str(err.value)

    config = tmp_path / "config.json"
    config.write_text(json.dumps(sandbox_config(sb17, password=secret, models=["product.product"])))
    done = subprocess.run(
        [sys.executable, "-m", "tap_odoo", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "refused the login" in done.stderr and sb17.url in done.stderr
    assert secret not in done.stderr + done.stdout
    assert '"type":"RECORD"' not in done.stdout


def test_records_match_schema_and_contract(sb17: t.Any) -> None:
    config = sandbox_config(
        sb17,
        models=["product.product", "product.template", "sale.order", "stock.picking", "account.move"],
        stock_levels=True,
        page_size=25,
    )
    run = run_tap(config)
    schemas = {m["stream"]: m["schema"] for m in run.messages if m["type"] == "SCHEMA"}
    assert set(schemas) == {
        "product_product",
        "product_template",
        "sale_order",
        "stock_picking",
        "account_move",
        "stock_levels",
    }
    for stream, schema in schemas.items():
        validator = jsonschema.Draft7Validator(
            schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
        )
        for record in run.records(stream):
            errors = list(validator.iter_errors(record))
            assert not errors, f"{stream}: {errors[0].message}"
    products = run.records("product_product")
    assert len(products) == 72  # every product, archived ones included (active_records: all)
    assert len(set(run.ids("product_product"))) == 72
    sample = next(p for p in products if p["categ_id"])
    assert set(sample["categ_id"]) == {"id", "name"}
    assert sample["write_date"].endswith("+00:00")
    levels = run.records("stock_levels")
    assert levels and {
        "product_id",
        "warehouse_id",
        "warehouse_code",
        "qty_available",
        "default_code",
    } <= set(levels[0])
    assert len({(r["product_id"], r["warehouse_id"]) for r in levels}) == len(levels)


def test_second_run_emits_only_changed_records_and_archivals(fresh: t.Any) -> None:
    config = sandbox_config(fresh, models=["product.product"], page_size=20)
    first = run_tap(config)
    assert len(first.records("product_product")) == 72
    second = run_tap(config, state=first.state)
    assert second.records("product_product") == []  # nothing changed: nothing re-emitted

    ids = sorted(first.ids("product_product"))
    fresh.store.write("product.product", [ids[3]], {"name": "Renamed by test"})
    fresh.store.write("product.product", [ids[10]], {"active": False})  # archived
    third = run_tap(config, state=second.state)
    changed = {r["id"]: r for r in third.records("product_product")}
    assert set(changed) == {ids[3], ids[10]}
    assert changed[ids[3]]["name"] == "Renamed by test"
    assert changed[ids[10]]["active"] is False


def test_start_date_is_honoured(sb17: t.Any) -> None:
    config = sandbox_config(sb17, models=["product.product"], start_date="2026-11-22T13:41:00Z")
    run = run_tap(config)
    records = run.records("product_product")
    assert records
    assert all(r["write_date"] >= "2026-11-22T13:41:00+00:00" for r in records)
    assert len(records) < 72


def test_full_sync_streams_have_no_bookmark(sb17: t.Any) -> None:
    config = sandbox_config(sb17, models=["uom.uom"], full_sync_streams=["uom_uom"])
    run = run_tap(config)
    assert len(run.records("uom_uom")) == 26
    assert "replication_key_value" not in run.state["bookmarks"].get("uom_uom", {})
    again = run_tap(config, state=run.state)
    assert len(again.records("uom_uom")) == 26


def test_deletions_are_emitted_and_state_is_compact(fresh: t.Any) -> None:
    config = sandbox_config(fresh, models=["product.product"], detect_deletions=["product.*"])
    first = run_tap(config)
    state = first.state["bookmarks"]["product_product"]
    known = list(iter_ranges(state["known_ids"]))
    assert sorted(known) == sorted(first.ids("product_product"))
    assert len(state["known_ids"]) < len(known) / 4  # ranges, not one entry per id

    assert all(r.get("_sdc_deleted_at") is None for r in first.records("product_product"))

    gone = sorted(first.ids("product_product"))[5:8]
    fresh.store.unlink("product.product", gone)
    started = dt.datetime.now(dt.UTC)
    second = run_tap(config, state=first.state)
    ended = dt.datetime.now(dt.UTC)
    marked = [r for r in second.records("product_product") if r.get("_sdc_deleted_at") is not None]
    assert sorted(r["id"] for r in marked) == gone  # exactly the deleted ids, each once
    for record in marked:
        stamp = dt.datetime.fromisoformat(record["_sdc_deleted_at"])  # ISO-8601, with its UTC offset
        assert stamp.utcoffset() == dt.timedelta(0), record
        assert started <= stamp <= ended, (record, started, ended)  # stamped by this run, not before it
    everything = fresh.store.search_read("product.product", [], ["id"], context={"active_test": False})
    present = {r["id"] for r in everything}
    assert not present & set(gone)
    live = [r for r in second.records("product_product") if r.get("_sdc_deleted_at") is None]
    assert {r["id"] for r in live} <= present  # no present record is marked deleted, none deleted is live
    third = run_tap(config, state=second.state)
    assert all(r.get("_sdc_deleted_at") is None for r in third.records("product_product"))


def _sync_under_writes(pagination: str) -> tuple[set[int], set[int]]:
    """Sync product.product while the server deletes and rewrites records between pages.

    Returns (ids emitted, ids of records that exist at the end and were never deleted).
    """
    with serve_odoo(products=400, version="17.0", seed=3, port=0) as sb:
        client = OdooClient(url=sb.url, database=sb.db, username="admin", password="admin")
        order = client.search(
            "product.product", [], order="write_date asc, id asc", context={"active_test": False}
        )
        client.close()
        calls = {"n": 0}

        def mutate(model: str, method: str, args: list[t.Any], kwargs: dict[str, t.Any]) -> None:
            if model != "product.product" or method != "search_read":
                return
            calls["n"] += 1
            if calls["n"] == 1:
                return
            k = calls["n"] - 2
            # delete three records the tap has already read (they sort first) ...
            sb.store.unlink("product.product", order[3 * k : 3 * k + 3])
            # ... and rewrite one it has not read yet, which moves it to the end
            sb.store.write("product.product", [order[-1 - k]], {"name": f"touched {k}"})

        sb.on_call = mutate
        config = sandbox_config(
            sb,
            models=["product.product"],
            page_size=50,
            pagination=pagination,
            fields={"product.product": ["name", "default_code"]},
        )
        run = run_tap(config)
        sb.on_call = None
        surviving = {
            row["id"]
            for row in sb.store.search_read("product.product", [], ["id"], context={"active_test": False})
        }
        return set(run.ids("product_product")), surviving


def test_keyset_paging_misses_nothing_while_records_change() -> None:
    emitted, surviving = _sync_under_writes("keyset")
    assert surviving - emitted == set()


def test_offset_paging_loses_records_while_records_change() -> None:
    emitted, surviving = _sync_under_writes("offset")
    lost = surviving - emitted
    assert lost, "offset paging was expected to skip records shifted by deletions"


def test_refused_field_is_dropped_with_a_warning(sb17: t.Any, caplog: pytest.LogCaptureFixture) -> None:
    # a field the catalog knows but the server refuses (e.g. its module was uninstalled since discovery)
    tap_config = sandbox_config(sb17, models=["uom.uom"])
    from tap_odoo.tap import TapOdoo

    tap = TapOdoo(config=tap_config)
    stream = tap.streams["uom_uom"]
    fields_get = dict(stream.fields_get)  # type: ignore[attr-defined]
    fields_get["x_removed"] = {"type": "char", "string": "Gone", "store": True}
    stream.fields_get = fields_get  # type: ignore[attr-defined]
    stream.field_names = [*stream.field_names, "x_removed"]  # type: ignore[attr-defined]
    with caplog.at_level("WARNING"):
        records = list(stream.get_records(None))
    assert len(records) == 26
    assert "x_removed" in caplog.text and "refused" in caplog.text
    assert all("x_removed" not in r for r in records)


def test_transient_429_503_are_retried(fresh: t.Any) -> None:
    fresh.faults.configure(error_rate=0.3, error_codes=(429, 503), retry_after=0, seed=7)
    config = sandbox_config(fresh, models=["product.product"], page_size=10, max_tries=8)
    run = run_tap(config)
    assert len(run.records("product_product")) == 72
    assert sum(fresh.faults.counts.values()) > 0


def test_company_lang_and_domains_reach_the_server(fresh: t.Any) -> None:
    seen: list[dict[str, t.Any]] = []

    def spy(model: str, method: str, args: list[t.Any], kwargs: dict[str, t.Any]) -> None:
        if model == "sale.order" and method == "search_read":
            seen.append({"domain": args[0] if args else kwargs.get("domain"), **kwargs})

    fresh.on_call = spy
    config = sandbox_config(
        fresh,
        models=["sale.order"],
        lang="fr_BE",
        company_ids=[1],
        domains={"sale.order": [["state", "=", "sale"]]},
    )
    run = run_tap(config)
    fresh.on_call = None
    assert seen
    call = seen[0]
    assert call["context"]["lang"] == "fr_BE"
    assert call["context"]["allowed_company_ids"] == [1]
    assert ["state", "=", "sale"] in call["domain"]
    assert ["company_id", "in", [1, False]] in call["domain"]
    assert all(r["state"] == "sale" for r in run.records("sale_order"))


def test_stock_levels_incremental_rereads_only_changed_products(fresh: t.Any) -> None:
    config = sandbox_config(fresh, models=["stock.warehouse"], stock_levels=True)
    first = run_tap(config)
    levels = first.records("stock_levels")
    assert levels
    quant = fresh.store.search_read("stock.quant", [], ["product_id", "quantity"], limit=1)[0]
    product_id = quant["product_id"][0]
    fresh.store.write("stock.quant", [quant["id"]], {"quantity": quant["quantity"] + 5})
    second = run_tap(config, state=first.state)
    again = second.records("stock_levels")
    assert again, "the changed product was not re-read"
    reread = {r["product_id"] for r in again}
    # the changed product, plus at most those whose moves share the bookmark's second (re-read on purpose)
    assert product_id in reread
    assert len(reread) <= 3 < len({r["product_id"] for r in levels})


def test_stream_maps_and_flattening(sb17: t.Any) -> None:
    config = sandbox_config(
        sb17,
        models=["product.product"],
        fields={"product.product": ["name", "default_code", "categ_id"]},
        stream_maps={"product_product": {"sku": "default_code", "default_code": None}},
        flattening_enabled=True,
        flattening_max_depth=1,
    )
    run = run_tap(config)
    records = run.records("product_product")
    assert len(records) == 72
    sample = next(r for r in records if r["sku"])
    assert "default_code" not in sample
    assert "categ_id__id" in sample and "categ_id__name" in sample
    schema = next(m["schema"] for m in run.messages if m["type"] == "SCHEMA")
    assert "sku" in schema["properties"] and "categ_id__name" in schema["properties"]


def test_cli_test_flag_reports_connection(sb17: t.Any, tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps(sandbox_config(sb17, models=["uom.uom"])))
    done = subprocess.run(
        [sys.executable, "-m", "tap_odoo", "--config", str(config), "--test"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Connection check" in done.stderr
    for part in ("'server_version': '17.0'", "'uid': 2", f"'database': '{sb17.db}'", "'protocol': 'jsonrpc'"):
        assert part in done.stderr
    assert "'password'" not in done.stderr


@pytest.mark.parametrize("prefetch", [True, False])
@pytest.mark.parametrize("pagination", ["keyset", "offset"])
def test_every_page_is_read(sb17: t.Any, prefetch: bool, pagination: str) -> None:
    config = sandbox_config(
        sb17, models=["product.product", "uom.uom"], page_size=7, prefetch=prefetch, pagination=pagination
    )
    config["full_sync_streams"] = ["uom.uom"]  # id keyset for full-table streams
    run = run_tap(config)
    assert sorted(run.ids("product_product")) == sorted(set(run.ids("product_product")))
    assert len(run.ids("product_product")) == 72
    assert len(run.ids("uom_uom")) == 26


def test_discover_then_sync_with_a_catalog_and_state(sb17: t.Any, tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps(sandbox_config(sb17, models=["product.product", "uom.uom"])))
    tap = [sys.executable, "-m", "tap_odoo", "--config", str(config)]
    discovered = subprocess.run([*tap, "--discover"], capture_output=True, text=True, timeout=60, check=True)
    catalog = json.loads(discovered.stdout)
    entries = {s["tap_stream_id"]: s for s in catalog["streams"]}
    assert set(entries) == {"product_product", "uom_uom"}
    product = entries["product_product"]
    assert product["key_properties"] == ["id"]
    assert product["replication_key"] == "write_date"
    # select product_product with only name + default_code; deselect uom_uom
    for entry in catalog["streams"]:
        for meta in entry["metadata"]:
            crumb = meta["breadcrumb"]
            if not crumb:
                meta["metadata"]["selected"] = entry["tap_stream_id"] == "product_product"
            elif entry["tap_stream_id"] == "product_product":
                meta["metadata"]["selected"] = crumb[-1] in ("name", "default_code")
    catalog_path = tmp_path / "catalog.json"
    catalog_path.write_text(json.dumps(catalog))
    state_path = tmp_path / "state.json"
    state_path.write_text(json.dumps({}))

    def sync() -> str:
        command = [*tap, "--catalog", str(catalog_path), "--state", str(state_path)]
        return subprocess.run(command, capture_output=True, text=True, timeout=60, check=True).stdout

    messages = [json.loads(line) for line in sync().splitlines()]
    records = [m["record"] for m in messages if m["type"] == "RECORD"]
    assert {m["stream"] for m in messages if m["type"] == "RECORD"} == {"product_product"}
    assert len(records) == 72
    assert set(records[0]) == {"id", "name", "default_code", "write_date"}
    state = [m for m in messages if m["type"] == "STATE"][-1]["value"]
    state_path.write_text(json.dumps(state))
    assert '"type":"RECORD"' not in sync()


def test_dropped_connections_are_retried(fresh: t.Any) -> None:
    fresh.faults.configure(drop_rate=0.25, seed=11)
    config = sandbox_config(fresh, models=["product.product"], page_size=10, max_tries=8)
    run = run_tap(config)
    assert len(run.records("product_product")) == 72


@pytest.mark.parametrize(("active", "expected"), [("active", True), ("archived", False)])
def test_active_records_filter(fresh: t.Any, active: str, expected: bool) -> None:
    ids = [r["id"] for r in fresh.store.search_read("product.product", [], ["id"], limit=3)]
    fresh.store.write("product.product", ids, {"active": False})
    run = run_tap(sandbox_config(fresh, models=["product.product"], active_records=active))
    records = run.records("product_product")
    assert records and all(r["active"] is expected for r in records)
    assert (set(ids) <= set(run.ids("product_product"))) is (not expected)


def test_recent_bookmark_second_is_read_again(fresh: t.Any) -> None:
    config = sandbox_config(fresh, models=["uom.uom"])
    first = run_tap(config)
    assert "bookmark_ids" in first.state["bookmarks"]["uom_uom"]  # an old second: settled
    fresh.store.write("uom.uom", [1], {"name": "Unit (renamed)"})
    second = run_tap(config, state=first.state)
    assert second.ids("uom_uom") == [1]
    # the bookmark is now a second that may still receive writes: the next run reads it again
    assert "bookmark_ids" not in second.state["bookmarks"]["uom_uom"]
    third = run_tap(config, state=second.state)
    assert third.ids("uom_uom") == [1]


@pytest.mark.parametrize("protocol", ["xmlrpc", "jsonrpc", "json2"])
def test_faults_parse_the_same_over_every_protocol(protocol: str) -> None:
    from tap_odoo.errors import OdooFault

    with serve_odoo(products=0, version="19.0", seed=1, port=0) as sb:
        secret = {"api_key": sb.users["admin"]["api_key"]} if protocol == "json2" else {"password": "admin"}
        client = OdooClient(
            url=sb.url, database=sb.db, username="admin", protocol=protocol, max_tries=1, **secret
        )
        with pytest.raises(OdooFault) as unknown_model:
            client.search_read("no.such.model", [], ["id"], limit=1)
        assert unknown_model.value.is_unknown_model
        with pytest.raises(OdooFault) as unknown_field:
            client.search_read("product.product", [], ["id", "no_such_field"], limit=1)
        assert unknown_field.value.refused_fields() == ["no_such_field"]
        assert client.search("product.product", [["id", "<", 5]], order="id asc") == [1, 2, 3, 4]
        client.close()
        wrong = "0" * 40 if protocol == "json2" else "not-the-password"
        bad = OdooClient(
            url=sb.url,
            database=sb.db,
            username="admin",
            protocol=protocol,
            max_tries=1,
            password=None if protocol == "json2" else wrong,
            api_key=wrong if protocol == "json2" else None,
        )
        with pytest.raises(OdooAuthError) as err:
            bad.check()
        assert wrong not in str(err.value)


@pytest.mark.parametrize("version", ["15.0", "16.0", "18.0", "19.0"])
def test_every_supported_version_as_a_read_only_user(version: str) -> None:
    with serve_odoo(products=20, version=version, seed=1, port=0) as sb:
        config = sandbox_config(
            sb,
            username="demo",
            password=sb.users["demo"]["password"],
            models=["product.product", "sale.order", "stock.picking"],
            stock_levels=True,
        )
        if version == "19.0":
            config["api_key"] = sb.users["demo"]["api_key"]
        run = run_tap(config)
        assert run.tap.client.protocol == ("json2" if version == "19.0" else "jsonrpc")
        assert len(run.records("product_product")) == (70 if version == "19.0" else 92)  # 19: its recordings
        assert run.records("sale_order") and run.records("stock_picking") and run.records("stock_levels")


def test_unknown_field_in_settings_is_named(sb17: t.Any, caplog: pytest.LogCaptureFixture) -> None:
    from tap_odoo.tap import TapOdoo

    config = sandbox_config(
        sb17, models=["product.product"], extra_fields={"product.product": ["qty_availabel"]}
    )
    with caplog.at_level("WARNING"):
        tap = TapOdoo(config=config)
        assert "product_product" in tap.streams
    assert "extra_fields.product.product" in caplog.text and "qty_availabel" in caplog.text
    assert "did you mean qty_available" in caplog.text


def test_bookmark_ids_survive_a_run_that_adds_to_the_same_second(fresh: t.Any) -> None:
    config = sandbox_config(fresh, models=["uom.uom"])
    first = run_tap(config)
    state = first.state["bookmarks"]["uom_uom"]
    second_at_bookmark = sorted(iter_ranges(state["bookmark_ids"]))
    assert second_at_bookmark
    # a new record stamped with the bookmark's (old, settled) second
    stamp = state["replication_key_value"].replace("T", " ")[:19]
    fresh.store.create(
        "uom.uom", [{"name": "Crate", "category_id": 1, "uom_type": "bigger", "factor_inv": 12.0}], now=stamp
    )
    second = run_tap(config, state=first.state)
    new_ids = second.ids("uom_uom")
    assert len(new_ids) == 1 and new_ids[0] not in second_at_bookmark
    third = run_tap(config, state=second.state)
    assert third.ids("uom_uom") == []  # neither the old nor the new record of that second again


@pytest.mark.parametrize("prefetch", [True, False])
def test_next_page_is_fetched_while_the_current_one_is_written(sb17: t.Any, prefetch: bool) -> None:
    """With prefetch, page k+1 is read while the writer still holds page k, never more than one page ahead.

    The server's `on_call` hook notes, as each page's search_read starts, how many records the writer had
    asked for. No wall-clock bound to meet: the writer holds the first record until page 2's read has started
    (an Event; its timeout only bounds a broken build), and what is recorded is the same on every run. The
    1 s waits for a read that must not happen pass whatever the timing; they give a build that reads too
    far ahead (or with prefetch off) the time to show it.
    """
    from tap_odoo.tap import TapOdoo

    page = 10
    asked = 0  # records the writer has asked for so far (the one it is waiting for included)
    asked_at_read: list[int] = []  # per search_read of product.product, in order: `asked` when it started
    page_read = {2: threading.Event(), 3: threading.Event()}

    def hook(model: str, name: str, args: list[t.Any], kwargs: dict[str, t.Any]) -> None:
        if (model, name) == ("product.product", "search_read"):
            asked_at_read.append(asked)
            if len(asked_at_read) in page_read:
                page_read[len(asked_at_read)].set()

    tap = TapOdoo(config=sandbox_config(sb17, models=["product.product"], page_size=page, prefetch=prefetch))
    stream = tap.streams["product_product"]
    sb17.on_call = hook
    try:
        records = iter(stream.get_records(None))
        asked = 1
        next(records)  # the writer holds the first record of page 1 ...
        if prefetch:  # ... and page 2 is read meanwhile
            assert page_read[2].wait(timeout=30), "page 2 was not read while page 1 was being written"
            # page 3 cannot start before the writer takes page 2, whatever the timing; the wait only gives a
            # build that reads further ahead the time to show it
            assert not page_read[3].wait(timeout=1), "page 3 was read while the writer was still on page 1"
            assert asked_at_read == [1, 1]
        else:  # ... and nothing reads page 2 before the writer asks for it (the same kind of wait)
            assert not page_read[2].wait(timeout=1), "page 2 was read ahead with prefetch off"
            assert asked_at_read == [1]
        written = 1
        while True:
            asked += 1
            if next(records, None) is None:
                break
            written += 1
    finally:
        sb17.on_call = None
    assert written == 72
    pages = len(asked_at_read)
    assert pages == -(-written // page)  # one search_read per page (the last one short)
    if prefetch:
        # page n (1-based) is read once the writer took page n-2, i.e. asked for a record of page n-1:
        # ahead of the writer, never more than one page
        assert asked_at_read[0] == 1
        for n in range(2, pages + 1):
            assert page * (n - 2) < asked_at_read[n - 1] <= page * (n - 1) + 1, asked_at_read
    else:
        # each page is read only when the writer asks for its first record
        assert asked_at_read == [page * n + 1 for n in range(pages)]
