"""singer-sdk's standard target tests, run against target-medusa.

They feed the SDK's own sample streams (array data, camelCase, duplicates, encoded strings, schema updates,
special characters, records before schema, missing key properties, invalid schema ...). None of those streams
is in target_medusa/mapping.json, so for this API target they prove Singer message handling (the target reads
them, ignores unmapped streams with one log line, fails where the spec says it must) and nothing about
Medusa payloads: the Medusa behaviour is proved by the other tests of this folder. No Medusa call is made, so
the configured URL is a closed loopback port.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from singer_sdk.testing import get_target_test_class

from target_medusa.target import TargetMedusa

_LEDGER_DIR = Path(tempfile.mkdtemp(prefix="medusa-sdk-"))

TestTargetMedusaStandard = get_target_test_class(
    TargetMedusa,
    config={
        "api_url": "http://127.0.0.1:9",
        "api_key": "sdk-suite-key",
        "ledger_url": f"sqlite:///{_LEDGER_DIR}/ledger.sqlite",
        "require_sync_complete": False,  # the SDK's sample streams come from no tap: they carry no end mark
    },
)
