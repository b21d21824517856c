"""Content keys of rows with non-JSON values (Parquet times): the fast conversion agrees with
the JSON round trip it stands in for."""

from __future__ import annotations

import datetime
import decimal
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from lightkeeper.ads.ingest.dedup import _json_value, _round_trip, content_digest, content_key

_PLAIN = st.none() | st.booleans() | st.integers() | st.text(max_size=8) | st.floats()
_ODD = (
    st.datetimes(timezones=st.none() | st.just(datetime.UTC))
    | st.dates()
    | st.times()
    | st.decimals(allow_nan=False, places=2)
)
_VALUES = st.recursive(_PLAIN | _ODD, lambda inner: st.lists(inner, max_size=3), max_leaves=6)
_KEYS = st.text(max_size=6) | st.integers(0, 3)


def _same(a: Any, b: Any) -> bool:
    # NaN is not equal to itself: compare the JSON text both give.
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


@given(st.dictionaries(_KEYS, _VALUES, max_size=6))
def test_json_value_is_the_round_trip(row: dict[Any, Any]) -> None:
    assert _same(_json_value(row), _round_trip(row))


@given(_VALUES)
def test_json_value_of_any_value_is_the_round_trip(value: Any) -> None:
    assert _same(_json_value(value), _round_trip(value))


def test_a_parquet_row_keys_as_its_text_form() -> None:
    when = datetime.datetime(2026, 11, 28, 13, 5, tzinfo=datetime.UTC)
    parquet_row = {"id": "a1", "posted_at": when, "title": "t", "images": ["x"]}
    text_row = {"id": "a1", "posted_at": str(when), "title": "t", "images": ["x"]}
    assert content_key(parquet_row) == content_key(text_row)
    assert content_digest(parquet_row) == content_digest(text_row)
    other = {**parquet_row, "price": decimal.Decimal("1.50")}
    assert content_digest(other) == content_digest({**text_row, "price": "1.50"})
