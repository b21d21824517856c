"""Paths and loaders for the published MSE tables used by the statistics tests."""

from __future__ import annotations

from pathlib import Path

from lightkeeper.stats.mse import CaptureTable, read_capture_table

DATA = Path(__file__).parent / "data"
DATASETS = ("UKdat", "UKdat_5", "NewOrl", "NewOrl_5", "Artificial_3")


def load(name: str) -> CaptureTable:
    """One of the shared capture-history tables."""
    return read_capture_table(DATA / f"{name}.csv")
