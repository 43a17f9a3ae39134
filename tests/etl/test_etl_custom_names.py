"""Custom mapping functions share one namespace across targets: a taken name is refused at import."""

from __future__ import annotations

from typing import Any

import pytest

import target_linkit.mapping  # noqa: F401  (registers linkit_*)
import target_medusa.mapping  # noqa: F401
import target_odoo.linkit_mapper
import target_odoo.mapper  # noqa: F401
from etl.transforms import get_custom, register_custom


def test_a_second_function_under_a_taken_name_is_refused() -> None:
    def linkit_qty(value: Any, args: Any, ctx: Any) -> Any:
        return value

    with pytest.raises(RuntimeError, match=r"'linkit_qty'.*already registered by target_linkit\.mapping"):
        register_custom("linkit_qty")(linkit_qty)
    assert get_custom("linkit_qty").__module__ == "target_linkit.mapping"


def test_every_target_can_be_imported_in_one_process_with_its_own_functions() -> None:
    assert get_custom("odoo_linkit_qty").__module__ == "target_odoo.linkit_mapper"
    assert get_custom("linkit_qty").__module__ == "target_linkit.mapping"
