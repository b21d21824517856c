"""Ingest: read ad records from files, validate them, and quarantine what is bad.

Readers stream raw rows (`RawRow`) from JSONL, JSONL.gz, CSV and Parquet; `validate_row` turns a
raw row into an `AdRecord` or a rejection reason; `Deduplicator` sorts repeated ids into
duplicates and new versions. `ingest` chains them and keeps the accounting; `ingest_batches`
does the same in batches that are cheap to hand to worker processes. Well-formed JSONL lines
take a fast path (`wire`) that gives the same records and accounting as the careful one;
`check_blocks` is that fast path without the duplicate check, for the Dask engine.
"""

from lightkeeper.ads.ingest.batch import AdBatch
from lightkeeper.ads.ingest.checked import CheckedLines, check_blocks
from lightkeeper.ads.ingest.dedup import Deduplicator
from lightkeeper.ads.ingest.readers import RawRow, detect_format, read_rows
from lightkeeper.ads.ingest.stream import (
    IngestBatch,
    IngestCounts,
    IngestItem,
    Rejection,
    ingest,
    ingest_batches,
)
from lightkeeper.ads.ingest.validate import Validated, validate_row

__all__ = [
    "AdBatch",
    "CheckedLines",
    "Deduplicator",
    "IngestBatch",
    "IngestCounts",
    "IngestItem",
    "RawRow",
    "Rejection",
    "Validated",
    "check_blocks",
    "detect_format",
    "ingest",
    "ingest_batches",
    "read_rows",
    "validate_row",
]
