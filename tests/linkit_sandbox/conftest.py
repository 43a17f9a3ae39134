"""Fixtures: a Linkit sandbox on a free port (default, minimal answers) and a session with the token."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from sandbox.linkit import LinkitSandbox, serve_linkit

TOKEN = "test-linkit-token"


@pytest.fixture
def linkit() -> Iterator[LinkitSandbox]:
    with serve_linkit(api_token=TOKEN, port=0) as sandbox:
        yield sandbox


@pytest.fixture
def api(linkit: LinkitSandbox) -> Iterator[Api]:
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {TOKEN}"
        yield Api(linkit.api_url, session)


class Api:
    """`api.post("/products/bulk", json=...)` against `<sandbox>/api/v1`."""

    def __init__(self, base: str, session: requests.Session) -> None:
        self.base = base
        self.session = session

    def request(self, method: str, path: str, **kw: object) -> requests.Response:
        return self.session.request(method, self.base + path, timeout=5, **kw)  # type: ignore[arg-type]

    def get(self, path: str, **kw: object) -> requests.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: object) -> requests.Response:
        return self.request("POST", path, **kw)

    def patch(self, path: str, **kw: object) -> requests.Response:
        return self.request("PATCH", path, **kw)

    def put(self, path: str, **kw: object) -> requests.Response:
        return self.request("PUT", path, **kw)

    def delete(self, path: str, **kw: object) -> requests.Response:
        return self.request("DELETE", path, **kw)
