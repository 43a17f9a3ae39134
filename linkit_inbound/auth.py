"""The plugin key of a request (seed 000: `X-Linkit-Plugin-Key: <key>` or `Authorization: Bearer <key>`),
checked in constant time against the plugin's own key. The key itself never reaches a log or an answer."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from linkit_inbound.settings import Settings

HEADER = "x-linkit-plugin-key"
SETTING = {
    "erp": "erp_plugin_key (env LINKIT_ERP_PLUGIN_KEY)",
    "pos": "pos_plugin_key (env LINKIT_POS_PLUGIN_KEY)",
}


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    message: str


def presented_key(headers: Mapping[str, str]) -> str | None:
    """`X-Linkit-Plugin-Key` when sent (it wins), else the token of `Authorization: Bearer <token>`."""
    own = headers.get(HEADER)
    if own is not None:
        return own.strip()
    scheme, _, token = (headers.get("authorization") or "").strip().partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def _same(given: str, expected: str | None) -> bool:
    return expected is not None and hmac.compare_digest(given.encode(), expected.encode())


def refusal(settings: Settings, plugin: str, headers: Mapping[str, str]) -> Refusal | None:
    """None when the request carries ``plugin``'s key; else why not (503 when the plugin has no key)."""
    expected = settings.plugin_key(plugin)
    if expected is None:
        return Refusal(
            503,
            "plugin_not_configured",
            f"the {plugin.upper()} plugin is not configured on this service: set {SETTING[plugin]}",
        )
    given = presented_key(headers)
    if given is None:
        return Refusal(
            401,
            "unauthorized",
            f"no plugin key: send the {plugin.upper()} plugin key in X-Linkit-Plugin-Key or "
            "Authorization: Bearer",
        )
    if _same(given, expected):
        return None
    other = "pos" if plugin == "erp" else "erp"
    if _same(given, settings.plugin_key(other)):
        return Refusal(
            401,
            "wrong_plugin",
            f"this is the {other.upper()} plugin key; the {plugin.upper()} routes take the {plugin.upper()} "
            "plugin key (configure each Linkit app with its own plugin's key)",
        )
    return Refusal(401, "unauthorized", f"wrong plugin key for the {plugin.upper()} plugin")
