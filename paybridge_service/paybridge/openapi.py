"""The OpenAPI 3.0 document served at ``/openapi.json`` (hand-written; tested by schemathesis)."""

from __future__ import annotations

from typing import Any

from .currencies import EXPONENTS
from .models import ALL_STATUSES

_NULLABLE_STR = {"type": "string", "nullable": True}


def _json(schema_ref: str, description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}},
    }
    if headers:
        response["headers"] = headers
    return response


def _errors(*codes: int) -> dict[str, Any]:
    text = {
        400: "Body is not JSON",
        401: "Missing or wrong X-Api-Key (or X-Odoo-Session when required)",
        404: "No such payment",
        409: "Conflict: terminal busy, idempotency key reused with other values, or not cancellable",
        413: "Body too large",
        422: "A field is invalid (error.field names it)",
        502: "The terminal could not be reached",
    }
    return {str(code): _json("Error", text[code]) for code in codes}


def openapi_document(version: str) -> dict[str, Any]:
    payment_id = {
        "name": "payment_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": "Payment id as returned by POST /payment/start (pay_ + 32 hex digits)",
    }
    replayed = {"Idempotent-Replayed": {"schema": {"type": "string", "enum": ["true", "false"]}}}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Paybridge",
            "version": version,
            "description": (
                "Local HTTPS agent between the Odoo POS in the browser and a Geidea card terminal. "
                "Every route but /healthz needs the X-Api-Key header. The /events WebSocket (not described "
                "by OpenAPI) takes a one-time ticket from POST /v1/events/ticket as ?ticket=... Every error, "
                "including an unknown route (404 not_found) and a wrong method (405 method_not_allowed, with "
                "an Allow header), is the Error object."
            ),
        },
        "security": [{"ApiKey": []}],
        "paths": {
            "/healthz": {
                "get": {
                    "summary": "Liveness (no key)",
                    "security": [],
                    "responses": {"200": _json("Health", "Service is up")},
                }
            },
            "/v1/terminals": {
                "get": {
                    "summary": "Terminals this service can drive",
                    "responses": {"200": _json("TerminalList", "Terminals"), **_errors(401)},
                }
            },
            "/v1/events/ticket": {
                "post": {
                    "summary": "One-time ticket for the /events WebSocket (a browser cannot set its headers)",
                    "responses": {"200": _json("Ticket", "Ticket"), **_errors(401, 413)},
                }
            },
            "/payment/start": {
                "post": {
                    "summary": "Start a card payment (idempotent per idempotency_key)",
                    "parameters": [
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "required": False,
                            "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,128}$"},
                            "description": "Instead of the body's idempotency_key (both given: must match)",
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/StartPayment"}}
                        },
                    },
                    "responses": {
                        "201": _json("Payment", "Payment created and sent to the terminal", replayed),
                        "200": _json(
                            "Payment", "Same idempotency key seen before: the existing payment", replayed
                        ),
                        **_errors(400, 401, 409, 413, 422),
                    },
                }
            },
            "/payment/{payment_id}": {
                "get": {
                    "summary": "A payment with its status history",
                    "parameters": [payment_id],
                    "responses": {"200": _json("PaymentWithHistory", "The payment"), **_errors(401, 404)},
                }
            },
            "/payment/{payment_id}/cancel": {
                "post": {
                    "summary": "Cancel a payment still on the terminal",
                    "parameters": [payment_id],
                    "responses": {
                        "200": _json("Payment", "Cancelled"),
                        **_errors(401, 404, 409, 413, 502),
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "ApiKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
            },
            "schemas": {
                "Health": {
                    "type": "object",
                    "required": ["status", "mode", "version"],
                    "properties": {
                        "status": {"type": "string", "enum": ["ok"]},
                        "mode": {"type": "string", "enum": ["mock", "geidea_web_ecr"]},
                        "version": {"type": "string"},
                    },
                },
                "Terminal": {
                    "type": "object",
                    "required": ["id", "name", "status", "mode"],
                    "properties": {
                        "id": {"type": "string"},
                        "name": {"type": "string"},
                        "status": {"type": "string", "enum": ["idle", "busy", "offline", "unknown"]},
                        "mode": {"type": "string"},
                    },
                },
                "TerminalList": {
                    "type": "object",
                    "required": ["terminals"],
                    "properties": {
                        "terminals": {"type": "array", "items": {"$ref": "#/components/schemas/Terminal"}}
                    },
                },
                "Ticket": {
                    "type": "object",
                    "required": ["ticket", "expires_in"],
                    "properties": {"ticket": {"type": "string"}, "expires_in": {"type": "number"}},
                },
                "StartPayment": {
                    "type": "object",
                    "required": ["amount_minor", "currency", "order_reference"],
                    "properties": {
                        "amount_minor": {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": 999_999_999,
                            "description": "Amount in minor units (halalas, fils, cents)",
                        },
                        "currency": {
                            "type": "string",
                            "enum": sorted(EXPONENTS),
                            "example": "SAR",
                            "description": (
                                "Active ISO 4217 code, upper case. Refused (422, error.field currency): "
                                "anything else, XXX (no currency), XTS (testing), precious metals and units "
                                "of account (XAU, XAG, XPD, XPT, XDR, XBA-XBD, XSU, XUA, XAD) and the fund "
                                "codes (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI, UYW)"
                            ),
                        },
                        "order_reference": {"type": "string", "minLength": 1, "maxLength": 64},
                        "terminal_id": {
                            "type": "string",
                            "pattern": "^[A-Za-z0-9_.:-]{1,64}$",
                            "description": "Omit for the configured terminal",
                        },
                        "idempotency_key": {
                            "type": "string",
                            "pattern": "^[\\x21-\\x7e]{1,128}$",
                            "description": "New per payment attempt; here or in the Idempotency-Key header",
                        },
                    },
                },
                "Payment": {
                    "type": "object",
                    "required": [
                        "id",
                        "status",
                        "amount_minor",
                        "currency",
                        "order_reference",
                        "terminal_id",
                    ],
                    "properties": {
                        "id": {"type": "string"},
                        "status": {"type": "string", "enum": list(ALL_STATUSES)},
                        "amount_minor": {"type": "integer"},
                        "currency": {"type": "string"},
                        "order_reference": {"type": "string"},
                        "terminal_id": {"type": "string"},
                        "idempotency_key": {"type": "string"},
                        "ecr_reference": {"type": "string", "description": "Reference sent to the terminal"},
                        "terminal_reference": _NULLABLE_STR,
                        "auth_code": _NULLABLE_STR,
                        "masked_card": _NULLABLE_STR,
                        "card_scheme": _NULLABLE_STR,
                        "failure_reason": _NULLABLE_STR,
                        "message": _NULLABLE_STR,
                        "created_at": {"type": "string", "format": "date-time"},
                        "updated_at": {"type": "string", "format": "date-time"},
                    },
                },
                "PaymentWithHistory": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Payment"},
                        {
                            "type": "object",
                            "required": ["history"],
                            "properties": {
                                "history": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["seq", "status", "at", "detail"],
                                        "properties": {
                                            "seq": {"type": "integer"},
                                            "status": {"type": "string", "enum": list(ALL_STATUSES)},
                                            "at": {"type": "string"},
                                            "detail": {"type": "object"},
                                        },
                                    },
                                }
                            },
                        },
                    ]
                },
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                                "field": {"type": "string"},
                            },
                        },
                        "payment": {"$ref": "#/components/schemas/Payment"},
                    },
                },
            },
        },
    }
