"""schemathesis against the live TLS server's ``/openapi.json``: no server errors, answers match the document.

Bounded: 50 examples per operation and generation mode, no shrinking, Hypothesis database off.
"""

from __future__ import annotations

import time

import httpx
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks

from .conftest import API_KEY, ServerFactory, Tls, headers

MAX_EXAMPLES = 50


def test_schemathesis_finds_no_server_errors(paybridge_server: ServerFactory, tls: Tls) -> None:
    with paybridge_server(mock_delay_ms=20) as (url, app):
        document = httpx.get(f"{url}/openapi.json", headers=headers(), verify=tls.client_context()).json()
        schema = schemathesis.openapi.from_dict(document)
        session = requests.Session()
        selected = [
            checks.not_a_server_error,
            checks.status_code_conformance,
            checks.content_type_conformance,
            checks.response_schema_conformance,
            checks.response_headers_conformance,
        ]
        operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
        assert {f"{op.method.upper()} {op.path}" for op in operations} >= {
            "GET /healthz", "GET /v1/terminals", "POST /payment/start", "GET /payment/{payment_id}",
            "POST /payment/{payment_id}/cancel", "POST /v1/events/ticket",
        }  # fmt: skip
        calls = 0
        timings: dict[str, float] = {}
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

                @given(case=operation.as_strategy(generation_mode=mode))
                @settings(
                    max_examples=MAX_EXAMPLES,
                    deadline=None,
                    database=None,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck),
                )
                def run(case: schemathesis.Case) -> None:
                    nonlocal calls
                    case.call_and_validate(
                        base_url=url,
                        session=session,
                        headers={"X-Api-Key": API_KEY},
                        checks=selected,
                        timeout=10,
                        verify=str(tls.ca),
                    )
                    calls += 1

                began = time.perf_counter()
                try:
                    run()
                except Unsatisfiable:
                    # Nothing to make invalid (no parameters, no body): only possible in negative mode.
                    assert mode is GenerationMode.NEGATIVE, operation.label
                timings[f"{operation.label} {mode.value}"] = round(time.perf_counter() - began, 2)
        session.close()
        assert calls >= 100
        assert app.state.service.store.count() >= 1  # valid starts really went through
