"""The columnar form of analysed ads (ads.parquet) and its Arrow schema."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from lightkeeper.ads.types import AdRecord, Extraction, Price

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
    """Build the ads table for a batch of records and their extractions (same order).

    Built column by column: one list (or one flat array and its offsets) per column converts to
    Arrow in a single call, where a dict per row would cost more than some extractors.
    """
    if len(records) != len(extractions):
        raise ValueError(f"{len(records)} records but {len(extractions)} extractions")
    places = [ext.place for ext in extractions]
    columns: dict[str, Any] = {
        "id": [rec.id for rec in records],
        "version": [rec.version for rec in records],
        "site": [rec.site for rec in records],
        "posted_at": [rec.posted_at for rec in records],
        "location": [rec.location for rec in records],
        "city": [place.city for place in places],
        "country": [place.country for place in places],
        "title": [rec.title for rec in records],
        "body": [rec.body for rec in records],
        "url": [rec.url for rec in records],
        "language": [rec.language for rec in records],
        "phones": [ext.phones for ext in extractions],
        "emails": [ext.emails for ext in extractions],
        "handles": [ext.handles for ext in extractions],
        "urls": [ext.urls for ext in extractions],
        "prices": _prices_column([ext.prices for ext in extractions]),
        "ages": [ext.ages for ext in extractions],
        "image_hashes": [ext.image_hashes for ext in extractions],
        "extra": [rec.extra for rec in records],
        "source": [rec.source for rec in records],
        "line": [rec.line for rec in records],
    }
    arrays = [
        value if isinstance(value, pa.Array) else pa.array(value, type=field.type)
        for field, value in zip(ADS_SCHEMA, columns.values(), strict=True)
    ]
    return pa.Table.from_arrays(arrays, schema=ADS_SCHEMA)


def _prices_column(prices: list[list[Price]]) -> pa.Array:
    """The prices column from flat arrays of the struct's fields and the offsets of each ad."""
    offsets = [0]
    total = 0
    for ad_prices in prices:
        total += len(ad_prices)
        offsets.append(total)
    flat = [price for ad_prices in prices for price in ad_prices]
    fields = [
        pa.array([p.amount for p in flat], type=pa.float64()),
        pa.array([p.currency for p in flat], type=pa.string()),
        pa.array([p.unit for p in flat], type=pa.string()),
        pa.array([p.code for p in flat], type=pa.string()),
    ]
    values = pa.StructArray.from_arrays(fields, fields=list(PRICE_TYPE))
    return pa.ListArray.from_arrays(pa.array(offsets, type=pa.int32()), values)
