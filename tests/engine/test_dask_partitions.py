"""Input partitions: every row read once, with the line numbers of the whole file."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lightkeeper.ads.ingest import RawRow, read_rows
from lightkeeper.engine.partitions import (
    count_newlines,
    numbered,
    plan_partitions,
    read_partition,
)


def _rows_by_partitions(paths: list[Path], partitions: int) -> list[RawRow]:
    parts = plan_partitions(paths, partitions=partitions)
    parts = numbered(parts, [count_newlines(p) for p in parts])
    return [row for part in parts for row in read_partition(part)]


def _rows_whole(paths: list[Path]) -> list[RawRow]:
    return [row for path in paths for row in read_rows(path)]


@pytest.fixture()
def tricky_jsonl(tmp_path: Path) -> Path:
    lines: list[bytes] = []
    for i in range(60):
        if i % 11 == 3:
            lines.append(b"")  # blank line: skipped but counted
        elif i % 13 == 5:
            lines.append(b'{"id": "broken"')
        elif i % 17 == 7:
            lines.append(b'{"id": "bad\xff utf8"}')
        else:
            body = "new in town " * (i % 7)
            lines.append(json.dumps({"id": f"ad{i}", "body": body}).encode())
    path = tmp_path / "ads.jsonl"
    path.write_bytes(b"\n".join(lines))  # no newline at the end
    return path


@pytest.mark.parametrize("partitions", [1, 2, 3, 7, 40, 500])
def test_jsonl_ranges_give_the_rows_of_the_whole_file(tricky_jsonl: Path, partitions: int) -> None:
    assert _rows_by_partitions([tricky_jsonl], partitions) == _rows_whole([tricky_jsonl])


def test_jsonl_ranges_start_at_line_starts(tricky_jsonl: Path) -> None:
    data = tricky_jsonl.read_bytes()
    parts = plan_partitions([tricky_jsonl], partitions=9)
    assert len(parts) > 1
    assert parts[0].start == 0 and parts[-1].stop == len(data)
    for before, after in itertools.pairwise(parts):
        assert before.stop == after.start
        assert data[after.start - 1 : after.start] == b"\n"


def test_mixed_formats_keep_input_order(tmp_path: Path, tricky_jsonl: Path) -> None:
    gz = tmp_path / "more.jsonl.gz"
    with gzip.open(gz, "wt", encoding="utf-8") as fh:
        fh.write("".join(json.dumps({"id": f"gz{i}", "title": "massage"}) + "\n" for i in range(5)))
    csv_path = tmp_path / "more.csv"
    csv_path.write_text("id,title\nc1,companionship\nc2,\n,no id\n", encoding="utf-8")
    table = pa.table({"id": [f"pq{i}" for i in range(25)], "body": ["relaxing massage"] * 25})
    parquet = tmp_path / "more.parquet"
    pq.write_table(table, parquet, row_group_size=4)
    paths = [tricky_jsonl, gz, csv_path, parquet]
    assert _rows_by_partitions(paths, 6) == _rows_whole(paths)
    kinds = {p.kind for p in plan_partitions(paths, partitions=6)}
    assert kinds == {"jsonl_range", "whole_file", "parquet_row_groups"}


def test_parquet_row_groups_are_numbered_from_metadata(tmp_path: Path) -> None:
    table = pa.table({"id": [f"pq{i}" for i in range(30)], "body": ["x " * 50] * 30})
    path = tmp_path / "ads.parquet"
    pq.write_table(table, path, row_group_size=7)
    parts = plan_partitions([path], target_bytes=1)
    assert [p.first_line for p in parts] == [1, 8, 15, 22, 29]
    assert _rows_by_partitions([path], 3) == _rows_whole([path])


def test_empty_file_has_one_empty_partition(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    parts = plan_partitions([path], partitions=4)
    assert len(parts) == 1
    assert list(read_partition(parts[0])) == []


def test_partitions_must_be_positive(tricky_jsonl: Path) -> None:
    with pytest.raises(ValueError):
        plan_partitions([tricky_jsonl], partitions=0)


def test_over_long_lines_are_one_row_each(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lightkeeper.ads.ingest import readers

    monkeypatch.setattr(readers, "MAX_LINE_BYTES", 64)
    lines = [json.dumps({"id": f"a{i}", "body": "x" * (10 if i % 3 else 200)}) for i in range(20)]
    path = tmp_path / "long.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole = _rows_whole([path])
    assert sum(1 for row in whole if row.error and "longer" in row.error) == 7
    for partitions in (2, 5, 13):
        assert _rows_by_partitions([path], partitions) == whole
