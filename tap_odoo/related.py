"""Related fields and incremental syncs: re-read the records whose parent changed.

A related non-stored field (product.product ``list_price`` is ``product_tmpl_id.list_price``) shows a
value of another record. Writing that record bumps its own ``write_date``, not the one of the records
that show the value, so ``write_date >= bookmark`` never sees them again. For each many2one path
through which a stream reads related fields, and whose model has ``write_date``, the stream also reads
the records with ``<path>.write_date >= <bound>`` (a dotted domain), where the bound per path is kept in
the state as ``related_since``. That second pass leaves out what the ``write_date`` pass emitted.
"""

from __future__ import annotations

import typing as t
from collections.abc import Callable, Iterable, Mapping

from tap_odoo.paging import next_second

Domain = list[t.Any]
FieldsGet = Mapping[str, Mapping[str, t.Any]]


def related_links(
    fields_get: FieldsGet, names: Iterable[str], fields_of: Callable[[str], FieldsGet | None]
) -> dict[str, str]:
    """Many2one paths (``product_tmpl_id``, ``company_id.partner_id``) the related non-stored fields
    among ``names`` are read through, each with the model at its end. Only models with ``write_date``.

    ``fields_of(model)`` gives the fields (type, relation, store, related) of a model on the path, or
    None if unknown. A hop must be searchable: stored, or related itself (non-stored computed fields
    without a search method cannot be in a domain).
    """
    links: dict[str, str] = {}
    for name in names:
        spec = fields_get.get(name) or {}
        related = spec.get("related")
        if not related or spec.get("store"):
            continue
        hops = (related.split(".") if isinstance(related, str) else [str(part) for part in related])[:-1]
        model_fields: FieldsGet | None = fields_get
        path: list[str] = []
        for hop in hops:
            field = (model_fields or {}).get(hop) or {}
            relation = field.get("relation")
            searchable = field.get("store", True) or field.get("related")  # a dotted domain goes through it
            if field.get("type") != "many2one" or not relation or not searchable:
                break
            model_fields = fields_of(str(relation))
            if not model_fields or "write_date" not in model_fields:
                break
            path.append(hop)
            links.setdefault(".".join(path), str(relation))
    return links


def any_parent_changed(bounds: Mapping[str, str]) -> Domain:
    """``path.write_date >= bound`` for any of the paths (one domain, so no record is read twice)."""
    leaves: Domain = [[f"{path}.write_date", ">=", bound] for path, bound in bounds.items()]
    return ["|"] * (len(leaves) - 1) + leaves


def before_second_after(start: str) -> Domain:
    """Records written before the second after ``start`` (Odoo may keep microseconds, so a record "at"
    ``start``'s second may be later than ``start`` itself). Of those, the ``write_date >= start`` pass
    emitted the ones at that second that the previous run had not (see ``OdooStream._parent_changes``).
    """
    return [["write_date", "<", next_second(start)]]


def next_bound(latest: str, settled: bool, previous: str | None) -> str:
    """Lower bound for the next run: past ``latest`` once no write can land in its second any more,
    else ``latest`` itself (that second is read again). Never below the previous bound.
    """
    bound = next_second(latest) if settled else latest
    return max(bound, previous) if previous else bound
