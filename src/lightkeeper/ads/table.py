"""The columnar form of analysed ads (ads.parquet) and its Arrow schema."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from lightkeeper.ads.types import AdRecord, Extraction

PRICE_TYPE = pa.struct(
    [
        ("amount", pa.float64()),
        ("currency", pa.string()),
        ("unit", pa.string()),
        ("code", pa.string()),
    ]
)

ADS_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("version", pa.int32()),
        ("site", pa.string()),
        ("posted_at", pa.timestamp("us", tz="UTC")),
        ("location", pa.string()),
        ("city", pa.string()),
        ("country", pa.string()),
        ("title", pa.string()),
        ("body", pa.string()),
        ("url", pa.string()),
        ("language", pa.string()),
        ("phones", pa.list_(pa.string())),
        ("emails", pa.list_(pa.string())),
        ("handles", pa.list_(pa.string())),
        ("urls", pa.list_(pa.string())),
        ("prices", pa.list_(PRICE_TYPE)),
        ("ages", pa.list_(pa.int16())),
        ("image_hashes", pa.list_(pa.string())),
        ("extra", pa.string()),
        ("source", pa.string()),
        ("line", pa.int64()),
    ]
)


def ads_table(records: Sequence[AdRecord], extractions: Sequence[Extraction]) -> pa.Table:
    """Build the ads table for a batch of records and their extractions (same order)."""
    columns: dict[str, list[Any]] = {name: [] for name in ADS_SCHEMA.names}
    for rec, ext in zip(records, extractions, strict=True):
        _append_row(columns, rec, ext)
    return pa.Table.from_pydict(columns, schema=ADS_SCHEMA)


def _append_row(columns: dict[str, list[Any]], rec: AdRecord, ext: Extraction) -> None:
    row: dict[str, Any] = {
        "id": rec.id,
        "version": rec.version,
        "site": rec.site,
        "posted_at": rec.posted_at,
        "location": rec.location,
        "city": ext.place.city,
        "country": ext.place.country,
        "title": rec.title,
        "body": rec.body,
        "url": rec.url,
        "language": rec.language,
        "phones": ext.phones,
        "emails": ext.emails,
        "handles": ext.handles,
        "urls": ext.urls,
        "prices": [
            {"amount": p.amount, "currency": p.currency, "unit": p.unit, "code": p.code}
            for p in ext.prices
        ],
        "ages": ext.ages,
        "image_hashes": ext.image_hashes,
        "extra": rec.extra,
        "source": rec.source,
        "line": rec.line,
    }
    for name, value in row.items():
        columns[name].append(value)
