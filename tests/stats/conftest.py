"""Shared fixtures for the statistics tests: the published MSE tables and their reference."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lightkeeper.stats.mse import CaptureTable, read_capture_table

DATA = Path(__file__).parent / "data"
DATASETS = ("UKdat", "UKdat_5", "NewOrl", "NewOrl_5", "Artificial_3")


@pytest.fixture(scope="session")
def reference() -> dict[str, Any]:
    """SparseMSE 2.0.2's results on the shared data sets."""
    data: dict[str, Any] = json.loads((DATA / "reference.json").read_text())
    return data


def load(name: str) -> CaptureTable:
    """One of the shared capture-history tables."""
    return read_capture_table(DATA / f"{name}.csv")
