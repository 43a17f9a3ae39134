"""Odoo's RPC services over the store: `common`, `object` (execute_kw / execute), `db`, JSON-2 calls."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sandbox.odoo import business
from sandbox.odoo.errors import (
    AccessDenied,
    AccessError,
    OdooAttributeError,
    OdooError,
    OdooTypeError,
    UnknownDatabase,
)

if TYPE_CHECKING:
    from sandbox.odoo.server import OdooSandbox

VERSION_RE = re.compile(r"^(1[5-9])\.0$")


def version_info(version: str) -> dict[str, Any]:
    """`common.version()` as Odoo answers it (see recordings/version.json)."""
    major = int(version.split(".")[0])
    return {
        "server_version": version,
        "server_version_info": [major, 0, 0, "final", 0, ""],
        "server_serie": version,
        "protocol_version": 1,
    }


class Services:
    """The services of one sandbox; every method raises `OdooError` the way Odoo would."""

    def __init__(self, sandbox: OdooSandbox) -> None:
        self.sb = sandbox
        self.store = sandbox.store

    # ------------------------------------------------------------------ auth
    def check_db(self, db: Any) -> None:
        if db != self.sb.db:
            raise UnknownDatabase(str(db))

    def authenticate(self, db: Any, login: Any, password: Any, user_agent_env: Any = None) -> int | bool:
        self.check_db(db)
        for uid, user in self.store.users.items():
            if user["login"] == login and password in (user["password"], user["api_key"]):
                return uid
        return False

    def check(self, db: Any, uid: Any, password: Any) -> int:
        self.check_db(db)
        user = self.store.users.get(uid) if isinstance(uid, int) else None
        if user is None or password not in (user["password"], user["api_key"]):
            raise AccessDenied()
        return int(uid)

    def uid_for_key(self, key: str) -> int | None:
        for uid, user in self.store.users.items():
            if key and key == user["api_key"]:
                return uid
        return None

    # ------------------------------------------------------------------ dispatch
    def dispatch(self, service: str, method: str, args: list[Any]) -> Any:
        if service == "common":
            return self.common(method, args)
        if service == "object":
            return self.object(method, args)
        if service == "db":
            return self.db(method, args)
        raise OdooError(f"No such service: {service}", "dispatch_rpc")

    def common(self, method: str, args: list[Any]) -> Any:
        if method == "version":
            return version_info(self.sb.version)
        if method == "authenticate":
            return self.authenticate(*_pad(args, 4))
        if method == "login":
            return self.authenticate(*_pad(args, 3))
        if method == "about":
            return "See https://openerp.com"
        raise OdooError(f"Method not available {method}", "dispatch")

    def db(self, method: str, args: list[Any]) -> Any:
        if method == "list":
            return [self.sb.db]
        if method == "server_version":
            return self.sb.version
        raise OdooError(f"Method not available {method}", "dispatch")

    def object(self, method: str, args: list[Any]) -> Any:
        if method == "execute_kw":
            db, uid, password, model, name, *rest = _pad(args, 5)
            call_args = rest[0] if rest else []
            kwargs = (rest[1] if len(rest) > 1 else None) or {}
        elif method == "execute":
            db, uid, password, model, name, *call_args = _pad(args, 5)
            kwargs = {}
        else:
            raise OdooError(f"Method not available {method}", "dispatch")
        uid = self.check(db, uid, password)
        if not isinstance(call_args, list) or not isinstance(kwargs, dict):
            raise OdooTypeError("execute_kw expects a list of arguments and a dict of keyword arguments")
        return self.call(uid, str(model), str(name), list(call_args), dict(kwargs))

    def call(self, uid: int, model: str, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """One model method call, counted and passed to the `on_call` hook first."""
        self.store.table(model)
        if name.startswith("_"):
            shown = f"'{model}.{name}'" if self.sb.major >= 19 else name  # 19 names the model
            raise AccessError(
                f"Private methods (such as {shown}) cannot be called remotely.",
                "check_method_name",
            )
        method = METHODS.get(name) or business.METHODS.get((model, name))
        if method is None:
            if self.sb.major >= 19:  # as recorded (recordings19/faults.json unknown_method)
                raise OdooAttributeError(f"The method '{model}.{name}' does not exist", "get_public_method")
            raise OdooAttributeError(f"type object {model!r} has no attribute {name!r}", "call_kw")
        self.sb.calls.add(model, name)
        hook = self.sb.on_call
        if hook is not None:
            hook(model, name, args, kwargs)
        context = kwargs.pop("context", None) or {}
        if not isinstance(context, dict):
            raise OdooTypeError(f"context must be a dict, got {context!r}")
        try:
            with self.store.transaction(uid, context):  # one call, one transaction, as in Odoo
                return method(self.store, model, uid, context, *args, **kwargs)
        except TypeError as exc:
            raise OdooTypeError(f"{name}() {exc}", "call_kw") from exc

    def json2(self, uid: int, model: str, name: str, body: dict[str, Any]) -> Any:
        """A JSON-2 call: `ids` and `context` build the recordset, every other key is a named argument."""
        body = dict(body)
        ids = body.pop("ids", None) or []
        if name in RECORD_METHODS:
            return self.call(uid, model, name, [ids], body)
        return self.call(uid, model, name, [], body)


def _pad(args: list[Any], n: int) -> list[Any]:
    if len(args) < n:
        raise OdooTypeError(f"expected at least {n} arguments, got {len(args)}", "dispatch")
    return list(args)


Method = Callable[..., Any]


def _search_read(
    store: Any,
    model: str,
    uid: int,
    context: dict[str, Any],
    domain: Any = None,
    fields: list[str] | None = None,
    offset: int = 0,
    limit: int | None = None,
    order: str | None = None,
    load: str = "_classic_read",
) -> Any:
    return store.search_read(model, domain, fields, offset, limit, order, context, uid)


def _search(
    store: Any,
    model: str,
    uid: int,
    context: dict[str, Any],
    domain: Any = None,
    offset: int = 0,
    limit: int | None = None,
    order: str | None = None,
    count: bool = False,
) -> Any:
    if count:
        return store.search_count(model, domain, context, uid)
    return store.search(model, domain, offset, limit, order, context, uid)


def _search_count(
    store: Any, model: str, uid: int, context: dict[str, Any], domain: Any = None, limit: int | None = None
) -> Any:
    return store.search_count(model, domain, context, uid, limit)


def _read(
    store: Any,
    model: str,
    uid: int,
    context: dict[str, Any],
    ids: Any,
    fields: list[str] | None = None,
    load: str = "_classic_read",
) -> Any:
    return store.read(model, [ids] if isinstance(ids, int) else ids, fields, context, uid)


def _fields_get(
    store: Any,
    model: str,
    uid: int,
    context: dict[str, Any],
    allfields: list[str] | None = None,
    attributes: list[str] | None = None,
) -> Any:
    return store.fields_get(model, allfields, attributes)


def _create(store: Any, model: str, uid: int, context: dict[str, Any], vals_list: Any) -> Any:
    return store.create(model, vals_list, uid, context)


def _write(store: Any, model: str, uid: int, context: dict[str, Any], ids: Any, vals: Any) -> Any:
    return store.write(model, ids, vals, uid, context)


def _unlink(store: Any, model: str, uid: int, context: dict[str, Any], ids: Any) -> Any:
    return store.unlink(model, ids, uid, context)


def _name_search(
    store: Any,
    model: str,
    uid: int,
    context: dict[str, Any],
    name: str = "",
    args: Any = None,
    operator: str = "ilike",
    limit: int | None = 100,
    domain: Any = None,
) -> Any:
    return store.name_search(
        model, name, domain if domain is not None else args, operator, limit, context, uid
    )


def _exists(store: Any, model: str, uid: int, context: dict[str, Any], ids: Any) -> Any:
    table = store.table(model)
    return [rid for rid in ([ids] if isinstance(ids, int) else ids) if table.exists(rid)]


def _check_access_rights(
    store: Any, model: str, uid: int, context: dict[str, Any], operation: str, raise_exception: bool = True
) -> Any:
    try:
        store.check_access(uid, model, operation)
    except AccessError:
        if raise_exception:
            raise
        return False
    return True


def _default_get(store: Any, model: str, uid: int, context: dict[str, Any], fields_list: Any) -> Any:
    return {"active": True} if "active" in fields_list and store.table(model).has_active else {}


def _context_get(store: Any, model: str, uid: int, context: dict[str, Any]) -> Any:
    """`res.users.context_get()`: the calling user's lang and tz, as Odoo answers it."""
    if model != "res.users":
        raise OdooAttributeError(f"type object {model!r} has no attribute 'context_get'", "call_kw")
    rows = store.search_read("res.users", [["id", "=", uid]], ["lang", "tz"], context={"active_test": False})
    user = rows[0] if rows else {}
    return {"lang": user.get("lang") or "en_US", "tz": user.get("tz") or False, "uid": uid}


METHODS: dict[str, Method] = {
    "search_read": _search_read,
    "search": _search,
    "search_count": _search_count,
    "read": _read,
    "fields_get": _fields_get,
    "create": _create,
    "write": _write,
    "unlink": _unlink,
    "name_search": _name_search,
    "exists": _exists,
    "check_access_rights": _check_access_rights,
    "default_get": _default_get,
    "context_get": _context_get,
}
RECORD_METHODS = {"read", "write", "unlink", "exists", *(name for _, name in business.METHODS)}
RECORD_METHODS.discard("check_object_reference")
