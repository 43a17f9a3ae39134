"""The platform registry the CLI uses: ``target_<name>/platform.py`` exports ``PLATFORM``."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from etl.errors import PlatformUnavailable
from etl.ledger import Ledger
from etl.sink import Adapter

KNOWN_PLATFORMS = ("medusa", "linkit", "magento", "odoo")


@runtime_checkable
class Platform(Protocol):
    """What a target package offers to ``odoo-hub`` (check, retry, drift)."""

    name: str
    default_mapping: Path
    inventory_entity: str

    def config_from_env(self, env: Mapping[str, str]) -> dict[str, Any]: ...

    def make_adapter(self, config: Mapping[str, Any], ledger: Ledger) -> Adapter: ...

    def fetch_stock(self, config: Mapping[str, Any], skus: list[str]) -> dict[tuple[str, str], float]: ...


def get_platform(name: str) -> Platform:
    """The ``PLATFORM`` object of ``target_<name>.platform``; a clear error when there is none yet.

    ``package.module:ATTR`` loads a platform from any importable module (your own target).
    """
    if ":" in name:
        module_name, _, attr = name.partition(":")
        try:
            found = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError) as exc:
            raise PlatformUnavailable(f"cannot load platform {name!r}: {exc}") from None
        return found
    if name not in KNOWN_PLATFORMS:
        raise PlatformUnavailable(f"unknown platform {name!r}; choose one of {', '.join(KNOWN_PLATFORMS)}")
    module_name = f"target_{name}.platform"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        raise PlatformUnavailable(
            f"the {name} target is not built yet: target_{name}/platform.py (exporting PLATFORM) does not "
            "exist, so odoo-hub cannot check, retry or compare stock for it"
        ) from None
    platform = getattr(module, "PLATFORM", None)
    if platform is None:
        raise PlatformUnavailable(f"{module_name} does not export PLATFORM")
    return platform
