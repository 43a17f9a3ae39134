"""The one place that says how the Geidea Web ECR service is spoken to.

Geidea publishes no contract for the Web ECR service (http://localhost:5000 on the till). The defaults below
are ASSUMPTIONS: the field names follow what Geidea ECR bridges are seen to send (``ECRNumber``, ``Amount`` as
a major-unit string, ``TransactionResponseEnglish``, ``PrimaryAccountNumber``, ``RetrievalReferenceNumber``,
``TransactionAuthCode``), the paths are placeholders. An integrator adjusts them to the Web ECR build at hand
with a JSON file named by ``GEIDEA_WEB_ECR_CONTRACT``; it is merged over the defaults key by key
(``paybridge contract`` prints the effective contract). See README "Geidea Web ECR: what is assumed".
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

DEFAULT_CONTRACT: dict[str, Any] = {
    # Endpoints. {ecr_reference} and {terminal_id} are filled in; "terminals" may be null (then the
    # configured GEIDEA_WEB_ECR_TERMINAL_ID is listed and "health" is probed for its reachability).
    "health": {"method": "GET", "path": "/api/health"},
    "terminals": {"method": "GET", "path": "/api/terminals"},
    "sale": {"method": "POST", "path": "/api/transactions/purchase"},
    "status": {"method": "GET", "path": "/api/transactions/{ecr_reference}"},
    "cancel": {"method": "POST", "path": "/api/transactions/{ecr_reference}/cancel"},
    # Extra request headers (e.g. a key the Web ECR build wants). Values are sent as given.
    "headers": {},
    # Sale request body: our value -> the Web ECR field name. Dots make nested objects.
    "request_fields": {
        "amount": "Amount",
        "currency": "Currency",
        "terminal_id": "TerminalId",
        "ecr_reference": "ECRNumber",
    },
    # Constant fields added to the sale body, e.g. {"Event": "TRANSACTION", "Operation": "PURCHASE"}.
    "request_constants": {"Operation": "PURCHASE"},
    # "major_string" sends "12.50" (SAR) / "1.250" (KWD); "minor_integer" sends 1250.
    "amount_format": "major_string",
    # Longest ECR reference the terminal takes (the Geidea TLV field is 16 characters).
    "ecr_reference_max_length": 16,
    # Seconds to wait for the sale request itself; null = GEIDEA_WEB_ECR_TIMEOUT_S. Raise it to the
    # payment timeout if your build answers the sale request only when the card is done.
    "sale_timeout_s": None,
    # Response fields: our name -> the Web ECR field. Dots walk nested objects; a nested value that is a
    # JSON string (e.g. "JsonResult") is parsed on the way.
    "response_fields": {
        "status": "TransactionResponseEnglish",
        "terminal_reference": "RetrievalReferenceNumber",
        "auth_code": "TransactionAuthCode",
        "masked_card": "PrimaryAccountNumber",
        "card_scheme": "CardNameEnglish",
        "message": "Message",
    },
    # Terminal list: where the list is and what each item's fields are called.
    "terminal_fields": {"list": "Terminals", "id": "TerminalId", "name": "Name", "status": "Status"},
    # Web ECR status words (upper-cased) -> ours. An unlisted word is treated as still processing and
    # logged, so a real charge is never marked failed by a word we did not know.
    "status_values": {
        "APPROVED": "approved",
        "ACCEPTED": "processing",
        "IN_PROGRESS": "processing",
        "PROCESSING": "processing",
        "PENDING": "processing",
        "DECLINED": "declined",
        "REJECTED": "declined",
        "CANCELLED": "cancelled",
        "CANCELED": "cancelled",
        "USER_CANCELLED_AND_TIMEOUT": "cancelled",
        "BUSY": "busy",
        "ERROR": "failed",
        "FAILED": "failed",
        "CARD_READ_ERROR": "failed",
        "NOT_FOUND": "not_found",
    },
    "terminal_status_values": {"IDLE": "idle", "READY": "idle", "BUSY": "busy", "OFFLINE": "offline"},
    # HTTP statuses with a meaning of their own.
    "busy_http_status": 409,
    "not_found_http_status": 404,
}

_ALLOWED_OUR_STATUSES = {"approved", "declined", "cancelled", "failed", "processing", "busy", "not_found"}


class ContractError(ValueError):
    pass


# Maps whose keys are the integrator's to choose: merged entry by entry (status words, field names).
_OPEN_MAPS = {"status_values", "terminal_status_values", "request_fields", "response_fields"}
# Maps replaced as a whole.
_REPLACED = {"headers", "request_constants"}


def _merge(base: dict[str, Any], override: dict[str, Any], where: str) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if key not in base:
            raise ContractError(
                f"unknown key {where}{key!r} in the Web ECR contract file (known: {sorted(base)})"
            )
        if key in _OPEN_MAPS and isinstance(value, dict):
            merged[key] = {**base[key], **value}
        elif key not in _REPLACED and isinstance(base[key], dict) and isinstance(value, dict):
            merged[key] = _merge(base[key], value, f"{where}{key}.")
        else:
            merged[key] = value
    return merged


def load_contract(path: Path | None) -> dict[str, Any]:
    """Defaults, with the integrator's JSON file merged over them (validated)."""
    contract = copy.deepcopy(DEFAULT_CONTRACT)
    if path is not None:
        try:
            override = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ContractError(f"GEIDEA_WEB_ECR_CONTRACT {str(path)!r} is not readable JSON: {exc}") from exc
        if not isinstance(override, dict):
            raise ContractError(f"GEIDEA_WEB_ECR_CONTRACT {str(path)!r} must hold a JSON object")
        contract = _merge(contract, override, "")
    for name in ("sale", "status", "cancel"):
        endpoint = contract[name]
        if not isinstance(endpoint, dict) or not str(endpoint.get("path", "")).startswith("/"):
            raise ContractError(f"Web ECR contract {name!r} needs {{'method': ..., 'path': '/...'}}")
    if contract["amount_format"] not in ("major_string", "minor_integer"):
        raise ContractError("Web ECR contract 'amount_format' must be 'major_string' or 'minor_integer'")
    bad = {k: v for k, v in contract["status_values"].items() if v not in _ALLOWED_OUR_STATUSES}
    if bad:
        raise ContractError(
            f"Web ECR contract 'status_values' maps to unknown statuses {bad}: "
            f"use {sorted(_ALLOWED_OUR_STATUSES)}"
        )
    contract["status_values"] = {str(k).upper(): v for k, v in contract["status_values"].items()}
    contract["terminal_status_values"] = {
        str(k).upper(): v for k, v in contract["terminal_status_values"].items()
    }
    return contract


def get_field(data: Any, dotted: str | None) -> Any:
    """``get_field({"a": '{"b": 1}'}, "a.b") == 1``; None when any step is missing."""
    if not dotted:
        return None
    current = data
    for step in dotted.split("."):
        if isinstance(current, str) and current.lstrip().startswith("{"):
            try:
                current = json.loads(current)
            except json.JSONDecodeError:
                return None
        if not isinstance(current, dict) or step not in current:
            return None
        current = current[step]
    return current


def set_field(data: dict[str, Any], dotted: str, value: Any) -> None:
    steps = dotted.split(".")
    for step in steps[:-1]:
        data = data.setdefault(step, {})
    data[steps[-1]] = value
