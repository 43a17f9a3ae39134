"""No Odoo secret (the password, the API key, a wrong password tried) in what target-odoo and `odoo-hub` leave
behind: their stderr (logs, at DEBUG too) and stdout, and the ledger (every table dumped as SQL text, and the
raw bytes of its files). The runs go through what could carry a secret into words: transport faults and
their retries, Odoo faults worded into dead letters, a refused login, `odoo-hub retry`."""

from __future__ import annotations

import sqlite3
import xmlrpc.client
from pathlib import Path
from typing import Any

from sandbox.odoo import OdooSandbox

from .conftest import SHIPPING, Odoo
from .orders import SKUS, order, singer
from .procs import medusa_orders, run_hub, start_target, three_lines

PASSWORD = "Pw-7h1s-1s-Th3-0doo-S3cret"
API_KEY = "k3y0f7h3" * 5  # 40 characters, like Odoo's API keys
WRONG = "Wr0ng-Gu3ss-N0t-Th3-Pa55"
SECRETS = (PASSWORD, API_KEY, WRONG)


class AdminAs(Odoo):
    """conftest's XML-RPC client, logging in with the password set here."""

    def __init__(self, sb: OdooSandbox, password: str) -> None:
        self.db = sb.db
        self.password = password
        self.uid = xmlrpc.client.ServerProxy(sb.url + "/xmlrpc/2/common").authenticate(
            sb.db, "admin", password, {}
        )
        self.obj = xmlrpc.client.ServerProxy(sb.url + "/xmlrpc/2/object", allow_none=True)

    def __call__(self, model: str, method: str, *args: Any, **kw: Any) -> Any:
        return self.obj.execute_kw(self.db, self.uid, self.password, model, method, list(args), kw)


def ledger_text(ledger: Path) -> str:
    """Every table of the SQLite ledger as SQL text, then its files' raw bytes (WAL too) as text."""
    conn = sqlite3.connect(ledger)
    try:
        dump = "\n".join(conn.iterdump())
    finally:
        conn.close()
    raw = [p.read_bytes().decode("latin-1") for p in sorted(ledger.parent.glob(ledger.name + "*"))]
    return "\n".join([dump, *raw])


def assert_no_secret(where: str, text: str) -> None:
    for secret in SECRETS:
        at = text.find(secret)
        around = text[max(0, at - 200) : at + 200].replace(secret, "<SECRET>")  # never printed itself
        assert at < 0, f"{where} holds a secret: ...{around}..."


def test_no_secret_in_logs_ledger_or_output(
    sb: OdooSandbox, odoo: Odoo, config: dict[str, Any], tmp_path: Path
) -> None:
    admin = sb.store.users[2]
    admin["password"], admin["api_key"] = PASSWORD, API_KEY
    ledger = tmp_path / "ledger.sqlite"
    config |= {"password": PASSWORD, "ledger_url": f"sqlite:///{ledger}", "max_tries": 10, "batch_size": 10}
    orders = [three_lines(k) for k in range(1, 31)]
    bad = [
        order(41, items=[{"sku": "NO-SUCH-SKU", "quantity": 1, "unit_price": 1000}], total=2000),
        order(42, items=[{"sku": SKUS[0], "quantity": -2, "unit_price": 1000}]),  # Odoo refuses it
        order(43, total=99000),
    ]
    outputs: dict[str, str] = {}

    def target(name: str, cfg: dict[str, Any], data: str) -> int:
        proc = start_target(cfg, tmp_path, f"{name}.json", env={"LOGLEVEL": "DEBUG"})
        out, err = proc.communicate(data, timeout=120)
        outputs[f"{name} stdout"], outputs[f"{name} stderr"] = out, err
        return proc.returncode

    # under 10 % faults (retries logged), with orders Odoo or the guardrails refuse (dead letters)
    sb.faults.configure(error_rate=0.07, error_codes=(429, 503), drop_rate=0.03, retry_after=0, seed=5)
    status = target("password", config, singer([*orders[:20], *bad]))
    assert status == 0
    faults = sum(n for what, n in sb.faults.counts.items() if what != "served")
    sb.faults.configure()
    assert faults > 0
    # with the API key instead of the password
    with_key = {k: v for k, v in config.items() if k != "password"} | {"api_key": API_KEY}
    status = target("api_key", with_key, singer(orders[20:]))
    assert status == 0
    # a wrong password (new orders, so the run has something to write): the run stops at once
    status = target("wrong", config | {"password": WRONG}, singer([three_lines(k) for k in (51, 52)]))
    assert status == 3
    assert "refused the login" in outputs["wrong stderr"]

    env = {
        "ODOO_URL": sb.url,
        "ODOO_DB": sb.db,
        "ODOO_USERNAME": "admin",
        "ODOO_PASSWORD": PASSWORD,
        "ODOO_DELIVERY_PRODUCT": SHIPPING,
    }
    for name, args in (
        ("retry", ["retry", "--target", "odoo", "--verbose"]),
        ("dead-letters", ["dead-letters", "--json", "--all"]),
        ("history", ["history", "--json"]),
        ("stats", ["stats"]),
    ):
        proc = run_hub([*args, "--ledger", config["ledger_url"]], env, tmp_path)
        outputs[f"odoo-hub {name} stdout"], outputs[f"odoo-hub {name} stderr"] = proc.stdout, proc.stderr
    assert "MEDUSA-1041" in outputs["odoo-hub dead-letters stdout"]  # the dead letters were read

    # the runs did what they should (so their logs are worth reading)
    refs = {o["client_order_ref"] for o in medusa_orders(AdminAs(sb, PASSWORD))}
    assert refs == {f"MEDUSA-{1000 + k}" for k in range(1, 31)}
    assert "dead letter" in outputs["password stderr"] and "retrying" in outputs["password stderr"]

    assert "DEBUG" in outputs["password stderr"]
    dump = ledger_text(ledger)
    assert "NO-SUCH-SKU" in dump and "INSERT INTO" in dump  # the dump holds the dead letters' reasons

    for where, text in outputs.items():
        assert_no_secret(where, text)
    assert_no_secret("the ledger", dump)
