"""Repeated ids: identical content is a duplicate (skipped); different content is a new version.

Two rows have the same content when their decoded values are equal, whatever the key order,
spacing or escapes of the text they came from; an explicit null differs from an absent field.
Non-JSON values (dates, decimals from Parquet) count as their `str()`, as they always have.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import json
import math
from typing import Any

import msgspec

from lightkeeper.ads.ingest.wire import WIRE_FIELDS, WireAd

DUPLICATE = 0
_SORTED = msgspec.json.Encoder(order="sorted")


class Deduplicator:
    """Remember a key of each (id, content) seen, to tell duplicates from new versions.

    Keeps one int per distinct content, not the records, so memory grows slowly with the corpus.
    The key is Python's 64-bit hash of the content (`content_key`): it only has to agree within
    this process, and the outcome does not depend on the hash seed short of a 2**-64 collision
    between two versions of one id.
    """

    def __init__(self) -> None:
        # id -> key of its one content, or the keys of its versions in order
        self.seen: dict[str, int | list[int]] = {}

    def version_of(self, ad_id: str, value: dict[str, Any]) -> int:
        """The version number of this content of `ad_id`, or DUPLICATE (0) if seen already."""
        return self.version_of_key(ad_id, content_key(value))

    def version_of_key(self, ad_id: str, key: int) -> int:
        """As `version_of`, for a content already reduced to its `content_key`.

        A hot loop may first look `ad_id` up in `seen` itself and store `key` for a new id.
        """
        seen = self.seen.get(ad_id)
        if seen is None:
            self.seen[ad_id] = key  # most ids come once: no list for them
            return 1
        if type(seen) is int:
            if seen == key:
                return DUPLICATE
            self.seen[ad_id] = [seen, key]
            return 2
        assert isinstance(seen, list)
        if key in seen:
            return DUPLICATE
        seen.append(key)
        return len(seen)


def content_key(value: dict[str, Any]) -> int:
    """An in-process key of a record's content: equal contents, equal keys.

    A content made only of ad record v1 fields keys as its `WireAd` does (`hash(ad)`), so rows
    read by the fast JSONL path and by the careful one compare as they should.
    """
    plain = _json_value(value)
    if isinstance(plain, dict) and plain.keys() <= WIRE_FIELDS:
        ad = _as_wire(plain)
        if ad is not None:
            return hash(ad)
    return hash(_canonical(plain))


def content_digest(value: dict[str, Any]) -> bytes:
    """A short stable digest of a record's content (same in every process and run)."""
    return _blake(_canonical(_json_value(value)))


def wire_digest(ad: WireAd) -> bytes:
    """`content_digest` of the value a `WireAd` was decoded from, without that value."""
    return _blake(_SORTED.encode(ad))


def _blake(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=8).digest()


def _json_value(value: Any) -> Any:
    """The value as plain JSON data, non-JSON values turned to `str` (the old canonical form)."""
    if type(value) is dict:
        return _json_row(value)
    if _plain(value):
        return value
    return _round_trip(value)


def _json_row(row: dict[Any, Any]) -> Any:
    """`_json_value` of a dict. The common non-JSON row is a Parquet row whose times are
    datetimes: those are turned to `str` field by field, as the round trip would, without
    encoding the whole row; a row of plain JSON comes back as it is."""
    out: dict[str, Any] | None = None
    for position, (key, item) in enumerate(row.items()):
        if type(key) is not str:
            return _round_trip(row)
        if _plain(item):
            if out is not None:
                out[key] = item
            continue
        if type(item) not in _AS_STR:
            return _round_trip(row)
        if out is None:
            out = dict(itertools.islice(row.items(), position))
        out[key] = str(item)
    return row if out is None else out


# Types whose JSON form under `default=str` is their `str()`, as a string.
_AS_STR = frozenset({datetime.datetime, datetime.date, datetime.time})


def _round_trip(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _plain(value: Any) -> bool:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is float:
        return math.isfinite(value)  # msgspec writes NaN as null: keep those apart
    if kind is list:
        return all(_plain(v) for v in value)
    if kind is dict:
        return all(type(k) is str and _plain(v) for k, v in value.items())
    return False


def _canonical(value: Any) -> bytes:
    """Sorted compact JSON, or a marked `json.dumps` form for what msgspec cannot write."""
    if _plain(value):
        try:
            return _SORTED.encode(value)
        except (msgspec.EncodeError, UnicodeEncodeError, OverflowError):
            pass  # lone surrogates
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return b"\x00" + text.encode("utf-8", "surrogatepass")


def _as_wire(fields: dict[str, Any]) -> WireAd | None:
    """The `WireAd` of a dict of known fields, or None if a value has a type it cannot hold."""
    values: dict[str, Any] = {}
    for name, val in fields.items():
        if name == "images" and type(val) is list:
            if not all(type(v) is str for v in val):
                return None
            values[name] = tuple(val)
        elif val is None or type(val) is str:
            values[name] = val
        else:
            return None
    if "id" not in values or values["id"] is None:
        return None
    return WireAd(**values)
