"""A tiny commerce platform for the etl tests: a real loopback HTTP API, its adapter and its Platform object.

Used in-process by test_sink and, through ``odoo-hub --target shop:PLATFORM`` with ``tests/etl`` on
PYTHONPATH, by the CLI tests. The API: ``POST /items/bulk`` (per-item errors), ``POST /stock/bulk``,
``GET /stock``, ``POST /admin/block`` (make SKUs fail), ``GET /admin/state``.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from etl.http import HttpClient
from etl.ledger import Ledger
from etl.sink import OutboundItem, SendResult

HERE = Path(__file__).resolve().parent

MAPPING: dict[str, Any] = {
    "platform": "shop",
    "version": 1,
    "lookups": {"warehouse_location": {"WH": "loc_main", "CHIC1": "loc_chicago"}},
    "entities": {
        "product": {
            "streams": ["product_template", "product_product"],
            "model": "product.template",
            "key": "default_code",
            "sku_source": "default_code",
            "filter": [{"source": "default_code", "op": "present"}, {"source": "sale_ok", "op": "truthy"}],
            "fields": [
                {"target": "sku", "source": "default_code", "type": "direct", "required": True},
                {"target": "title", "source": "name", "type": "transform", "transform": "translated"},
                {
                    "target": "price",
                    "source": "list_price",
                    "type": "transform",
                    "transform": "minor_units",
                    "args": {"currency": "KWD"},
                    "required": True,
                },
                {"target": "weight_g", "source": "weight", "type": "transform", "transform": "kg_to_g"},
                {
                    "target": "category",
                    "source": "categ_id",
                    "type": "transform",
                    "transform": "m2o_last_name",
                },
            ],
        },
        "inventory": {
            "streams": ["stock_levels"],
            "model": "product.product",
            "key": ["default_code", "warehouse_code"],
            "id_source": "product_id",
            "sku_source": "default_code",
            "filter": [{"source": "default_code", "op": "present"}],
            "fields": [
                {"target": "sku", "source": "default_code", "type": "direct", "required": True},
                {
                    "target": "location",
                    "source": "warehouse_code",
                    "type": "transform",
                    "transform": "lookup",
                    "args": {"table": "warehouse_location"},
                    "required": True,
                },
                {
                    "target": "quantity",
                    "source": "qty_available",
                    "type": "transform",
                    "transform": "subtract",
                    "args": {"config_key": "safety_stock", "min": 0},
                    "required": True,
                },
            ],
        },
    },
}

PRODUCT_SCHEMA = {
    "type": "object",
    "required": ["sku", "title", "price"],
    "properties": {"sku": {"type": "string", "minLength": 1}, "price": {"type": "integer", "minimum": 0}},
}
INVENTORY_SCHEMA = {
    "type": "object",
    "required": ["sku", "location", "quantity"],
    "properties": {"quantity": {"type": "number", "minimum": 0}},
}


def write_files(directory: Path) -> tuple[Path, Path]:
    """The shop's mapping file and schema dir, written under ``directory``."""
    schemas = directory / "schemas"
    schemas.mkdir(parents=True, exist_ok=True)
    (schemas / "product.json").write_text(json.dumps(PRODUCT_SCHEMA))
    (schemas / "inventory.json").write_text(json.dumps(INVENTORY_SCHEMA))
    mapping = directory / "mapping.json"
    mapping.write_text(json.dumps(MAPPING))
    return mapping, schemas


class ShopServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.items: dict[str, dict[str, Any]] = {}
        self.stock: dict[tuple[str, str], float] = {}
        self.blocked: set[str] = set()
        self.calls: list[tuple[str, int]] = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> ShopServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ShopServer

    def log_message(self, *args: Any) -> None:
        pass

    def _reply(self, status: int, body: Any) -> None:
        out = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def do_GET(self) -> None:
        if self.path.startswith("/stock"):
            rows = [{"sku": s, "location": loc, "quantity": q} for (s, loc), q in self.server.stock.items()]
            return self._reply(200, {"stock": rows})
        if self.path == "/admin/state":
            return self._reply(200, {"items": self.server.items, "calls": self.server.calls})
        return self._reply(404, {"code": "NOT_FOUND", "message": self.path})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        if self.headers.get("Authorization") != "Bearer shop-secret-token":
            return self._reply(401, {"code": "UNAUTHORIZED", "message": "bad token"})
        srv = self.server
        with srv.lock:
            if self.path == "/admin/block":
                srv.blocked = set(body["skus"])
                return self._reply(200, {"blocked": sorted(srv.blocked)})
            if self.path == "/admin/stock":
                for row in body["stock"]:
                    srv.stock[(row["sku"], row["location"])] = row["quantity"]
                return self._reply(200, {})
            srv.calls.append((self.path, len(body.get("items", []))))
            errors: list[dict[str, Any]] = []
            ids: list[str | None] = []
            for i, item in enumerate(body.get("items", [])):
                if item["sku"] in srv.blocked:
                    errors.append({"index": i, "code": "BLOCKED", "message": f"SKU {item['sku']} is blocked"})
                    ids.append(None)
                elif self.path == "/items/bulk":
                    srv.items[item["sku"]] = item
                    ids.append(f"item_{item['sku']}")
                elif self.path == "/stock/bulk":
                    srv.stock[(item["sku"], item["location"])] = item["quantity"]
                    ids.append(None)
            return self._reply(200, {"ids": ids, "errors": errors})


class ShopAdapter:
    """Sends product and inventory batches to the shop's bulk endpoints."""

    batch_size: Mapping[str, int] = {"product": 20, "inventory": 50}

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def send(self, entity: str, items: list[OutboundItem]) -> list[SendResult]:
        path = "/items/bulk" if entity == "product" else "/stock/bulk"
        resp = self.http.post(path, json={"items": [i.payload for i in items]}, entity=entity)
        answer = resp.json()
        errors = {e["index"]: e for e in answer["errors"]}
        out = []
        for n, item in enumerate(items):
            if n in errors:
                out.append(
                    SendResult(
                        item.key,
                        False,
                        http_status=422,
                        error_code=errors[n]["code"],
                        error_message=errors[n]["message"],
                        response_body=errors[n],
                    )
                )
            else:
                out.append(SendResult(item.key, True, remote_id=answer["ids"][n], http_status=200))
        return out


class ShopPlatform:
    name = "shop"
    default_mapping = HERE / "shop_mapping.json"  # tests pass --mapping
    inventory_entity = "inventory"

    @property
    def schema_dir(self) -> str | None:
        return os.environ.get("SHOP_SCHEMAS")

    def config_from_env(self, env: Mapping[str, str]) -> dict[str, Any]:
        if not env.get("SHOP_URL"):
            raise ValueError("SHOP_URL is not set: the shop's base URL")
        return {
            "url": env["SHOP_URL"],
            "token": env.get("SHOP_TOKEN", ""),
            "safety_stock": int(env.get("SHOP_SAFETY_STOCK", "0")),
        }

    def make_adapter(self, config: Mapping[str, Any], ledger: Ledger) -> ShopAdapter:
        http = HttpClient(
            config["url"],
            headers={"Authorization": f"Bearer {config['token']}"},
            ledger=ledger,
            platform="shop",
            backoff_base=0.01,
            max_retries=2,
        )
        return ShopAdapter(http)

    def fetch_stock(self, config: Mapping[str, Any], skus: list[str]) -> dict[tuple[str, str], float]:
        with HttpClient(config["url"], headers={"Authorization": f"Bearer {config['token']}"}) as http:
            rows = http.get("/stock").json()["stock"]
        return {(r["sku"], r["location"]): float(r["quantity"]) for r in rows if r["sku"] in set(skus)}

    def stock_of(self, payload: Mapping[str, Any]) -> tuple[str, str, float]:
        return payload["sku"], payload["location"], float(payload["quantity"])


PLATFORM = ShopPlatform()
