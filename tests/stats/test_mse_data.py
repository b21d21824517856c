"""Reading capture histories: tables, records, and the errors a user can cause."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lightkeeper.errors import InputError
from lightkeeper.stats.mse import (
    cell_counts,
    parse_capture_table,
    parse_records,
    read_capture_table,
    read_records,
)


def test_table_keeps_row_order_and_drops_zero_rows() -> None:
    table = parse_capture_table("A,B,Count\n0,1,5\n1,0,0\n1,1,2\n1,0,7\n")
    assert table.lists == ("A", "B")
    assert table.histories.tolist() == [[0, 1], [1, 1], [1, 0]]
    assert table.counts.tolist() == [5, 2, 7]
    assert cell_counts(table).tolist() == [7, 5, 2]


def test_count_column_may_be_anywhere_and_named_freq() -> None:
    table = parse_capture_table("freq,X,Y\n3,1,0\n4.0,0,1\n1,1,1\n")
    assert table.lists == ("X", "Y")
    assert table.observed == 8


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A,B\n1,0\n", "no count column"),
        ("A,B,count\n1,2,3\n", "must be 0 or 1"),
        ("A,B,count\n1,0,-3\n", "negative"),
        ("A,B,count\n1,0,2.5\n", "whole number"),
        ("A,B,count\n1,0,many\n", "not a number"),
        ("A,B,count\n0,0,4\n", "on no list"),
        ("A,B,count\n1,0\n", "expected 3 fields"),
        ("A,A,count\n1,0,4\n", "unique"),
        ("A,B,count\n", "no rows"),
        ("", "empty"),
        ("A,B,count\n1,0,0\n", "no positive counts"),
        ("count\n4\n", "no list columns"),
    ],
)
def test_bad_tables_raise_input_error(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_capture_table(text)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        read_capture_table(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="directory"):
        read_capture_table(tmp_path)


def test_non_utf8_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(b"A,B,count\n1,0,3\n\xff\xfe,1,2\n")
    with pytest.raises(InputError, match="UTF-8"):
        read_capture_table(path)


def test_records_count_each_person_once_per_list(tmp_path: Path) -> None:
    path = tmp_path / "records.csv"
    path.write_text(
        "agency,person_id,note\n"
        "police,p1,x\npolice,p1,again\nngo,p1,x\nngo,p2,x\nshelter,p3,x\npolice,p3,x\n"
    )
    table = read_records(path, list_col="agency", key_col="person_id")
    assert table.lists == ("police", "ngo", "shelter")
    assert table.observed == 3
    assert sorted(map(tuple, table.histories.tolist())) == [(0, 1, 0), (1, 0, 1), (1, 1, 0)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("list,id\nA,1\n", "no column 'key'"),
        ("list,key\nA,\n", "empty"),
        ("list,key\n", "no records"),
    ],
)
def test_bad_records_raise_input_error(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_records(text)


@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b", "c", "d"]), st.integers(0, 30).map(str)),
        min_size=1,
        max_size=80,
    )
)
def test_records_histories_match_a_direct_count(pairs: list[tuple[str, str]]) -> None:
    text = "list,key\n" + "".join(f"{name},{key}\n" for name, key in pairs)
    table = parse_records(text)
    people: dict[str, set[str]] = {}
    for name, key in pairs:
        people.setdefault(key, set()).add(name)
    assert table.observed == len(people)
    on_each = {name: sum(name in s for s in people.values()) for name in table.lists}
    per_list = table.counts @ table.histories
    assert dict(zip(table.lists, per_list.tolist(), strict=True)) == on_each
    assert np.all(table.counts > 0)
