"""Readiness check (seed 003's pre-flight auditor): issues that block or weaken a sync, and a 0-100 score.

Scoring: start at 100, minus 40 per blocking issue, minus 10 per warning; never below 0. Info costs nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from etl.mapping import Mapping as MappingFile
from etl.odoo_read import OdooReader, read_all
from etl.progress import Progress

PENALTY = {"blocking": 40, "warning": 10, "info": 0}


@dataclass
class Issue:
    code: str
    severity: str  # blocking | warning | info
    message: str
    fix: str
    count: int = 0
    examples: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Readiness:
    score: int
    issues: list[Issue]
    counts: dict[str, int]

    @property
    def blocking(self) -> bool:
        return any(i.severity == "blocking" for i in self.issues)

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "blocking": self.blocking,
            "counts": self.counts,
            "issues": [i.as_dict() for i in self.issues],
        }


@dataclass
class PlatformCheck:
    """What a platform's own connection check found (the optional ``check_connection(config)`` hook):
    ``odoo-hub check`` shows it before Odoo's connection and stops there when it is not ``ok``."""

    ok: bool
    message: str
    details: dict[str, Any] = field(default_factory=dict)
    setting: str | None = None  # not ok because of this setting (exit 2); None: account or service (exit 1)

    def as_dict(self) -> dict[str, Any]:
        return {"success": self.ok, "message": self.message, **self.details}


ALL = "*"


def _tables(mapping: MappingFile | None, word: str) -> dict[str, Mapping[str, Any]]:
    """Non-empty lookup tables whose name contains ``word`` (an empty table maps nothing)."""
    if mapping is None:
        return {}
    return {name: table for name, table in mapping.lookups.items() if word in name.lower() and table}


def _covered(table_set: Sequence[Mapping[str, Any]], *candidates: Any) -> bool:
    keys = [str(c) for c in candidates if c not in (None, False, "")]
    return any(k in t for t in table_set for k in keys)


def _m2o_id(value: Any) -> Any:
    if isinstance(value, list | tuple) and value:
        return value[0]
    if isinstance(value, Mapping):
        return value.get("id")
    return value or None


def assess(
    *,
    products: Sequence[Mapping[str, Any]],
    warehouses: Sequence[Mapping[str, Any]],
    categories: Sequence[Mapping[str, Any]],
    taxes: Sequence[Mapping[str, Any]],
    mapping: MappingFile | None,
    covered_warehouses: Sequence[str] | None = None,
    extra_issues: Sequence[Issue] = (),
) -> Readiness:
    """Readiness from raw Odoo rows (``search_read`` shapes) and the platform's mapping file.

    ``covered_warehouses``: warehouse codes the platform's settings send (``["*"]`` = all); when None, the
    mapping's warehouse lookup tables decide. ``extra_issues``: the platform's own findings (its
    ``readiness_issues`` hook), scored like the others.
    """
    issues: list[Issue] = []
    active = [p for p in products if p.get("active", True)]

    by_sku: dict[str, list[int]] = defaultdict(list)
    for p in active:
        code = (p.get("default_code") or "").strip()
        if code:
            by_sku[code].append(int(p["id"]))
    dupes = {sku: ids for sku, ids in by_sku.items() if len(ids) > 1}
    if dupes:
        issues.append(
            Issue(
                "duplicate_sku",
                "blocking",
                f"{len(dupes)} SKU(s) are used by more than one active product",
                "give each active product its own Internal Reference (default_code) in Odoo",
                len(dupes),
                [
                    f"{sku} (product ids {', '.join(map(str, ids))})"
                    for sku, ids in sorted(dupes.items())[:10]
                ],
            )
        )

    saleable = [p for p in active if p.get("sale_ok", True)]
    no_sku = [p for p in saleable if not (p.get("default_code") or "").strip()]
    if no_sku:
        issues.append(
            Issue(
                "missing_sku",
                "warning",
                f"{len(no_sku)} active saleable product(s) have no SKU and will not be synced",
                "set an Internal Reference (default_code) on them, or archive / unset 'Can be Sold'",
                len(no_sku),
                [f"{p.get('display_name') or p.get('name') or ''} (id {p['id']})" for p in no_sku[:10]],
            )
        )

    wh_tables = list(_tables(mapping, "warehouse").values())
    if covered_warehouses is not None:
        wh_tables = [{ALL: True}] if ALL in covered_warehouses else [dict.fromkeys(covered_warehouses, True)]
    if mapping is not None:
        if wh_tables == [{ALL: True}]:
            pass
        elif not wh_tables:
            issues.append(
                Issue(
                    "no_warehouse_mapping",
                    "warning",
                    "the mapping file has no warehouse lookup table (warehouse -> branch / source code)",
                    "add lookups.warehouse_<kind> keyed by warehouse code (or set the target's warehouses)",
                    len(warehouses),
                )
            )
        else:
            unmapped = [
                w for w in warehouses if not _covered(wh_tables, w.get("code"), w.get("id"), w.get("name"))
            ]
            if unmapped:
                issues.append(
                    Issue(
                        "unmapped_warehouse",
                        "warning",
                        f"{len(unmapped)} warehouse(s) have no branch / source mapping",
                        "add their codes to the warehouse lookup table of the mapping file",
                        len(unmapped),
                        [f"{w.get('code')} ({w.get('name')})" for w in unmapped[:10]],
                    )
                )

    used_categ = {_m2o_id(p.get("categ_id")) for p in saleable if p.get("default_code")} - {None}
    categ_tables = list(_tables(mapping, "categ").values())
    if mapping is not None and used_categ:
        if not categ_tables:
            issues.append(
                Issue(
                    "no_category_mapping",
                    "info",
                    "the mapping file has no category lookup table (categories sent as mapped)",
                    "add lookups.category to map Odoo categories to platform categories",
                    len(used_categ),
                )
            )
        else:
            names = {c["id"]: c.get("complete_name") or c.get("name") for c in categories}
            missing = sorted(c for c in used_categ if not _covered(categ_tables, c, names.get(c)))
            if missing:
                issues.append(
                    Issue(
                        "unmapped_category",
                        "warning",
                        f"{len(missing)} product categor(ies) in use are not in the mapping's category table",
                        "add them (by id or full name) to the category lookup table",
                        len(missing),
                        [f"{names.get(c, '?')} (id {c})" for c in missing[:10]],
                    )
                )

    used_tax: set[int] = set()
    for p in saleable:
        if p.get("default_code"):
            used_tax.update(int(t) for t in p.get("taxes_id") or [])
    tax_tables = list(_tables(mapping, "tax").values())
    if mapping is not None and used_tax:
        tax_names = {t["id"]: t.get("name") for t in taxes}
        if not tax_tables:
            issues.append(
                Issue(
                    "no_tax_mapping",
                    "warning",
                    f"{len(used_tax)} sales tax(es) are used by products; the mapping has no tax table",
                    "add lookups.tax mapping each Odoo tax (id or name) to the platform's tax class / rate",
                    len(used_tax),
                    [f"{tax_names.get(t, '?')} (id {t})" for t in sorted(used_tax)[:10]],
                )
            )
        else:
            missing_tax = sorted(t for t in used_tax if not _covered(tax_tables, t, tax_names.get(t)))
            if missing_tax:
                issues.append(
                    Issue(
                        "unmapped_tax",
                        "warning",
                        f"{len(missing_tax)} sales tax(es) in use are not in the mapping's tax table",
                        "add them (by id or name) to the tax lookup table",
                        len(missing_tax),
                        [f"{tax_names.get(t, '?')} (id {t})" for t in missing_tax[:10]],
                    )
                )
    if mapping is None:
        issues.append(
            Issue(
                "no_mapping",
                "info",
                "no target or mapping file given: warehouse, category and tax coverage not checked",
                "pass --target NAME (or --mapping FILE)",
            )
        )

    issues.extend(extra_issues)
    score = max(0, 100 - sum(PENALTY[i.severity] for i in issues))
    counts = {
        "products": len(products),
        "active_products": len(active),
        "warehouses": len(warehouses),
        "categories": len(categories),
        "taxes": len(taxes),
    }
    return Readiness(score, issues, counts)


def read_and_assess(
    client: OdooReader,
    mapping: MappingFile | None,
    progress: Progress | None = None,
    covered_warehouses: Sequence[str] | None = None,
    extra_issues: Sequence[Issue] = (),
) -> Readiness:
    """Read what the check needs from Odoo, then :func:`assess` it."""
    fields = client.fields_get("product.product", ["type"])
    wanted = [f for f in ("default_code", "name", "active", "sale_ok", "categ_id", "taxes_id") if f in fields]
    products = read_all(
        client, "product.product", [], wanted, context={"active_test": True}, progress=progress
    )
    warehouses = client.search_read("stock.warehouse", [], ["code", "name"], order="id asc")
    categories = client.search_read("product.category", [], ["complete_name", "name"], order="id asc")
    taxes = client.search_read("account.tax", [["type_tax_use", "=", "sale"]], ["name"], order="id asc")
    return assess(
        products=products,
        warehouses=warehouses,
        categories=categories,
        taxes=taxes,
        mapping=mapping,
        covered_warehouses=covered_warehouses,
        extra_issues=extra_issues,
    )
