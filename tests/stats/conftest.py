"""Shared fixtures for the statistics tests."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.stats.mse_fixtures import DATA


@pytest.fixture(scope="session")
def reference() -> dict[str, Any]:
    """SparseMSE 2.0.2's results on the shared data sets (reference.json)."""
    data: dict[str, Any] = json.loads((DATA / "reference.json").read_text())
    return data
