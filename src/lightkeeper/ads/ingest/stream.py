"""The ingest stage: raw rows -> validated, de-duplicated records or quarantined rejections."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lightkeeper.ads.ingest.dedup import DUPLICATE, Deduplicator
from lightkeeper.ads.ingest.readers import RawRow, read_rows
from lightkeeper.ads.ingest.validate import validate_row
from lightkeeper.ads.types import AdRecord

MAX_WARNING_SAMPLES = 20


@dataclass(frozen=True, slots=True)
class Rejection:
    """A row that could not be analysed, with where it was and why."""

    source: str
    line: int
    reason: str
    raw: str

    def to_json(self) -> dict[str, Any]:
        """The quarantine-file form of this rejection."""
        return {"file": self.source, "line": self.line, "reason": self.reason, "raw": self.raw}


@dataclass(slots=True)
class IngestCounts:
    """Ingest accounting: lines == analysed + duplicates + quarantined, always."""

    lines: int = 0
    analysed: int = 0
    duplicates: int = 0
    quarantined: int = 0
    new_versions: int = 0
    warnings: int = 0
    warning_samples: list[dict[str, Any]] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        """Whether every non-blank line is accounted for."""
        return self.lines == self.analysed + self.duplicates + self.quarantined

    def add_warning(self, source: str, line: int, message: str) -> None:
        """Count a warning and keep the first few as samples for the summary."""
        self.warnings += 1
        if len(self.warning_samples) < MAX_WARNING_SAMPLES:
            self.warning_samples.append({"file": source, "line": line, "warning": message})


IngestItem = AdRecord | Rejection


def ingest(paths: Iterable[Path], *, counts: IngestCounts) -> Iterator[IngestItem]:
    """Stream validated records and rejections from the input files, updating `counts`.

    Duplicates (same id, same content) are counted and skipped; a repeated id with different
    content is yielded as a new version (version 2, 3, ...).
    """
    dedup = Deduplicator()
    for path in paths:
        for row in read_rows(path):
            counts.lines += 1
            item = _admit(row, dedup, counts)
            if item is not None:
                yield item


def _admit(row: RawRow, dedup: Deduplicator, counts: IngestCounts) -> IngestItem | None:
    if row.error is not None:
        counts.quarantined += 1
        return Rejection(row.source, row.line, row.error, row.raw)
    checked = validate_row(row.value, source=row.source, line=row.line)
    if checked.record is None:
        counts.quarantined += 1
        return Rejection(row.source, row.line, checked.reason or "invalid record", row.raw)
    version = dedup.version_of(checked.record.id, row.value)
    if version == DUPLICATE:
        counts.duplicates += 1
        return None
    for message in checked.warnings:
        counts.add_warning(row.source, row.line, message)
    counts.analysed += 1
    if version > 1:
        counts.new_versions += 1
        return replace(checked.record, version=version)
    return checked.record
