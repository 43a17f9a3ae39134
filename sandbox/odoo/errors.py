"""Odoo's exceptions as the real server puts them on the wire (XML-RPC faults, JSON-RPC envelopes, JSON-2)."""

from __future__ import annotations

import xmlrpc.client
from typing import Any

from sandbox.odoo.recordings import load_json

# Frames of a real Odoo 17 traceback, as recorded; the sandbox ends them with its own exception line.
_XMLRPC_HEAD = (
    "Traceback (most recent call last):\n"
    '  File "/opt/odoo17/server/odoo/addons/base/controllers/rpc.py", line 150, in xmlrpc_2\n'
    "    response = self._xmlrpc(service)\n"
    "               ^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "/opt/odoo17/server/odoo/addons/base/controllers/rpc.py", line 130, in _xmlrpc\n'
    "    result = dispatch_rpc(service, method, params)\n"
    "             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "/opt/odoo17/server/odoo/http.py", line 388, in dispatch_rpc\n'
    "    return dispatch(method, params)\n"
    "           ^^^^^^^^^^^^^^^^^^^^^^^^\n"
)
_JSONRPC_HEAD = (
    "Traceback (most recent call last):\n"
    '  File "/opt/odoo17/server/odoo/http.py", line 1722, in _serve_db\n'
    "    return service_model.retrying(self._serve_ir_http, self.env)\n"
    "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "/opt/odoo17/server/odoo/addons/base/controllers/rpc.py", line 158, in jsonrpc\n'
    "    return dispatch_rpc(service, method, args)\n"
    "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
)
_SANDBOX_FRAME = '  File "sandbox/odoo", line 1, in {where}\n    raise {short}({message!r})\n'


class OdooError(Exception):
    """An error the way Odoo reports it.

    `name` is the qualified Python name Odoo shows in JSON-RPC (`odoo.exceptions.AccessError`,
    `builtins.ValueError`); `fault_code` the XML-RPC faultCode Odoo 17 uses for that class
    (1 = any other exception, with a traceback; 2 = UserError and subclasses; 3 = AccessDenied;
    4 = AccessError);
    `status` the HTTP status of the JSON-2 API.
    """

    name = "builtins.Exception"
    fault_code = 1
    status = 500

    def __init__(self, message: str, where: str = "execute_kw") -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    @property
    def short_name(self) -> str:
        module, _, cls = self.name.rpartition(".")
        return cls if module == "builtins" else self.name

    def traceback(self, head: str) -> str:
        return (
            head
            + _SANDBOX_FRAME.format(where=self.where, short=self.short_name, message=self.message)
            + (f"{self.short_name}: {self.message}\n")
        )

    def fault(self) -> xmlrpc.client.Fault:
        """The XML-RPC fault: the bare message for Odoo's own exceptions, a traceback for the others."""
        text = self.traceback(_XMLRPC_HEAD) if self.fault_code == 1 else self.message
        return xmlrpc.client.Fault(self.fault_code, text)

    def data(self, context: dict[str, Any] | None = None) -> dict[str, Any]:
        return {
            "name": self.name,
            "debug": self.traceback(_JSONRPC_HEAD),
            "message": self.message,
            "arguments": [self.message],
            "context": context or {},
        }

    def jsonrpc_error(self, context: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `error` member of a /jsonrpc answer, exactly Odoo's envelope."""
        return {"code": 200, "message": "Odoo Server Error", "data": self.data(context)}


class UserError(OdooError):
    name = "odoo.exceptions.UserError"
    fault_code = 2
    status = 422


class ValidationError(UserError):
    name = "odoo.exceptions.ValidationError"


class MissingError(UserError):
    name = "odoo.exceptions.MissingError"
    status = 404


class AccessDenied(OdooError):
    name = "odoo.exceptions.AccessDenied"
    fault_code = 3
    status = 401

    def __init__(self, message: str = "Access Denied", where: str = "check") -> None:
        super().__init__(message, where)


class AccessError(OdooError):
    name = "odoo.exceptions.AccessError"
    fault_code = 4
    status = 403


class OdooValueError(OdooError):
    name = "builtins.ValueError"
    status = 500  # JSON-2 (19 only) answers 500 for it (recordings19/faults.json)


class OdooAttributeError(OdooError):
    name = "builtins.AttributeError"
    status = 404


class OdooTypeError(OdooError):
    name = "builtins.TypeError"
    status = 500  # JSON-2 (19 only) answers 500 for it (recordings19/faults.json)


class UnknownDatabase(OdooError):
    name = "psycopg2.OperationalError"

    def __init__(self, db: str) -> None:
        super().__init__(
            'connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: '
            f'FATAL:  database "{db}" does not exist',
            "registry",
        )


class Unauthorized(OdooError):
    """JSON-2 only: a missing or wrong bearer key."""

    name = "werkzeug.exceptions.Unauthorized"
    status = 401

    def data(self, context: dict[str, Any] | None = None) -> dict[str, Any]:
        out = super().data(context)
        out["arguments"] = [self.message, 401]
        return out


class NotFound(OdooError):
    name = "werkzeug.exceptions.NotFound"
    status = 404


def recorded_fault(key: str) -> dict[str, Any]:
    """One recorded fault of faults.json (faultCode, faultString, faultString_last_line, request)."""
    data: dict[str, Any] = load_json("faults.json")[key]
    return data


DEFAULT_GROUPS = [  # as recorded for product.product (recordings/faults.json)
    "Administration/Settings",
    "Inventory/Administrator",
    "Invoicing/Billing Administrator",
    "Manufacturing/Administrator",
    "Point of Sale/Administrator",
    "Purchase/Administrator",
    "Sales/Administrator",
]
ACCESS_GROUPS = {  # models whose groups differ, as recorded (recordings/writes/writes.json)
    "account.tax": ["Invoicing/Billing Administrator"],
}


def access_groups_text(model: str, description: str, operation: str) -> str:
    """The AccessError text Odoo 17 gives a user without write rights (as recorded)."""
    verb = {"create": "create", "write": "modify", "unlink": "delete", "read": "read"}[operation]
    groups = ACCESS_GROUPS.get(model, DEFAULT_GROUPS)
    lines = "".join(f"\t- {g}\n" for g in groups)
    return (
        f"You are not allowed to {verb} '{description}' ({model}) records.\n\n"
        f"This operation is allowed for the following groups:\n{lines}\n"
        "Contact your administrator to request access if necessary."
    )
