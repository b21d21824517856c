"""Ingest: read ad records from files, validate them, and quarantine what is bad.

Readers stream raw rows (`RawRow`) from JSONL, JSONL.gz, CSV and Parquet; `validate_row` turns a
raw row into an `AdRecord` or a rejection reason; `Deduplicator` sorts repeated ids into
duplicates and new versions. `ingest` chains them and keeps the accounting.
"""

from lightkeeper.ads.ingest.dedup import Deduplicator
from lightkeeper.ads.ingest.readers import RawRow, detect_format, read_rows
from lightkeeper.ads.ingest.stream import IngestCounts, IngestItem, Rejection, ingest
from lightkeeper.ads.ingest.validate import Validated, validate_row

__all__ = [
    "Deduplicator",
    "IngestCounts",
    "IngestItem",
    "RawRow",
    "Rejection",
    "Validated",
    "detect_format",
    "ingest",
    "read_rows",
    "validate_row",
]
