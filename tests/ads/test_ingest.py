"""Ingest: every hostile line is quarantined with a reason; accounting always balances."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lightkeeper.ads.ingest import IngestCounts, Rejection, ingest, validate_row
from lightkeeper.ads.ingest.readers import MAX_LINE_BYTES, RAW_KEEP
from lightkeeper.ads.ingest.validate import parse_posted_at
from lightkeeper.ads.types import AdRecord
from lightkeeper.errors import InputError

GOOD = {"id": "a1", "title": "Sweet companion", "body": "Call 713 555 0123", "site": "s"}


def run(paths: list[Path]) -> tuple[list[AdRecord], list[Rejection], IngestCounts]:
    counts = IngestCounts()
    items = list(ingest(paths, counts=counts))
    records = [i for i in items if isinstance(i, AdRecord)]
    rejections = [i for i in items if isinstance(i, Rejection)]
    return records, rejections, counts


def write_lines(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"{not json", "unparsable JSON"),
        (b"[1, 2, 3]", "not a JSON object but an array"),
        (b'"just a string"', "not a JSON object but a string"),
        (b"42", "not a JSON object but a number"),
        (b"null", "not a JSON object but null"),
        (b'{"title": "no id here"}', "missing id"),
        (b'{"id": "", "title": "empty id"}', "missing id"),
        (b'{"id": "x1"}', "no text"),
        (b'{"id": "x2", "title": "   ", "body": ""}', "no text"),
        (b'{"id": 7, "title": "numeric id"}', "wrong type: 'id' must be a string"),
        (b'{"id": "x3", "title": ["a"]}', "wrong type: 'title' must be a string"),
        (b'{"id": "x4", "title": "t", "images": "abc"}', "wrong type: 'images'"),
        (b'{"id": "x5", "title": "t", "images": [1]}', "wrong type: 'images' items"),
        (b'{"id": "x6", "title": "t\\u0000x"}', "NUL byte in field 'title'"),
        (b'{"id": "x7", "title": "\xff\xfe bad"}', "invalid UTF-8"),
        (json.dumps({"id": "x8", "title": "t" * 10_001}).encode(), "over the limit of 10000"),
        (json.dumps({"id": "i" * 257, "title": "t"}).encode(), "'id' has 257 characters"),
        (
            json.dumps({"id": "x9", "title": "t", "images": ["a"] * 201}).encode(),
            "'images' has 201 items",
        ),
        (b'{"id": "x10", "title": "t", "location": {"city": "x"}}', "'location' must be a string"),
    ],
)
def test_bad_line_is_quarantined_with_reason(tmp_path: Path, line: bytes, reason: str) -> None:
    path = write_lines(tmp_path / "ads.jsonl", [json.dumps(GOOD).encode(), line])
    records, rejections, counts = run([path])
    assert [r.id for r in records] == ["a1"]
    assert len(rejections) == 1
    assert reason in rejections[0].reason
    assert rejections[0].line == 2
    assert rejections[0].source == str(path)
    assert counts.balanced and counts.lines == 2


def test_accounting_balances_on_a_hostile_mix(tmp_path: Path) -> None:
    lines = [
        json.dumps(GOOD).encode(),
        b"",
        b"   ",
        json.dumps(GOOD).encode(),  # duplicate
        json.dumps({**GOOD, "body": "edited"}).encode(),  # new version
        b"{broken",
        b'{"id": "b", "body": "x", "posted_at": "last tuesday"}',
        b"\xc3\x28",
        b'{"id": "c", "body": "ok", "posted_at": "2024-05-01"}',
    ]
    path = write_lines(tmp_path / "mix.jsonl", lines)
    records, rejections, counts = run([path])
    assert counts.lines == 7  # blank lines are ignored
    assert (counts.analysed, counts.duplicates, counts.quarantined) == (4, 1, 2)
    assert counts.balanced
    assert [(r.id, r.version) for r in records] == [("a1", 1), ("a1", 2), ("b", 1), ("c", 1)]
    assert records[2].posted_at is None and counts.warnings == 1
    assert "last tuesday" in counts.warning_samples[0]["warning"]
    assert records[3].posted_at is not None and records[3].posted_at.year == 2024
    assert {r.line for r in rejections} == {6, 8}


def test_raw_line_is_truncated_in_quarantine(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "a.jsonl", [b"{" + b"x" * 50_000])
    _, rejections, _ = run([path])
    assert len(rejections[0].raw) <= RAW_KEEP + 1


def test_over_long_line_is_quarantined_and_reading_goes_on(tmp_path: Path) -> None:
    huge = b'{"id": "h", "body": "' + b"y" * (MAX_LINE_BYTES + 10) + b'"}'
    path = write_lines(tmp_path / "a.jsonl", [huge, json.dumps(GOOD).encode()])
    records, rejections, counts = run([path])
    assert [r.id for r in records] == ["a1"]
    assert "line longer than" in rejections[0].reason
    assert counts.balanced and counts.lines == 2


def test_gzip_csv_and_parquet_give_the_same_records(tmp_path: Path) -> None:
    rows = [
        {"id": "1", "title": "Hola", "body": "Llama 612 345 678", "images": ["aa00ff00aa00ff00"]},
        {"id": "2", "title": 'Hi, "quoted"', "body": "multi\nline body", "location": "Madrid"},
    ]
    gz = tmp_path / "ads.jsonl.gz"
    with gzip.open(gz, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in rows)
    csv_path = tmp_path / "ads.csv"
    import csv

    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["id", "title", "body", "location", "images"])
        writer.writeheader()
        for r in rows:
            writer.writerow({**r, "images": "|".join(r.get("images", []))})
    pq_path = tmp_path / "ads.parquet"
    pq.write_table(pa.Table.from_pylist(rows), pq_path)
    results = [run([p])[0] for p in (gz, csv_path, pq_path)]
    for records in results:
        assert [(r.id, r.title, r.body, r.images) for r in records] == [
            (r.id, r.title, r.body, r.images) for r in results[0]
        ]
    assert results[0][0].images == ("aa00ff00aa00ff00",)
    assert results[1][1].line == 3  # the CSV header is line 1


def test_csv_row_with_wrong_field_count_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "ads.csv"
    path.write_text('id,title\n1,hello\n2,hello,extra\n\n3,"ok"\n', encoding="utf-8")
    records, rejections, counts = run([path])
    assert [r.id for r in records] == ["1", "3"]
    assert "wrong number of CSV fields" in rejections[0].reason
    assert rejections[0].line == 3
    assert counts.balanced and counts.lines == 3


def test_csv_invalid_utf8_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "ads.csv"
    path.write_bytes(b"id,title\n1,ok\n2,bad \xff byte\n")
    records, rejections, _ = run([path])
    assert [r.id for r in records] == ["1"]
    assert rejections[0].reason == "invalid UTF-8"


def test_parquet_wrong_types_are_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "ads.parquet"
    pq.write_table(pa.table({"id": [1, 2], "title": ["a", "b"]}), path)
    records, rejections, counts = run([path])
    assert not records and len(rejections) == 2 and counts.balanced
    assert "'id' must be a string" in rejections[0].reason


def test_unknown_fields_are_kept_as_extra() -> None:
    checked = validate_row({"id": "e", "body": "x", "price_tier": 3, "tags": ["a"]})
    assert checked.record is not None
    assert json.loads(checked.record.extra or "{}") == {"price_tier": 3, "tags": ["a"]}


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2024-05-01T10:00:00Z", "2024-05-01T10:00:00+00:00"),
        ("2024-05-01T12:00:00+02:00", "2024-05-01T10:00:00+00:00"),
        ("2024-05-01", "2024-05-01T00:00:00+00:00"),
        ("2024-05-01 10:00:00", "2024-05-01T10:00:00+00:00"),
        ("yesterday", None),
        ("2024-13-01", None),
        ("", None),
    ],
)
def test_posted_at_parsing(text: str, iso: str | None) -> None:
    parsed = parse_posted_at(text)
    assert (parsed.isoformat() if parsed else None) == iso


@pytest.mark.parametrize("name", ["ads.txt", "ads.xlsx"])
def test_unknown_format_is_a_clear_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("x")
    with pytest.raises(InputError, match="unknown input format"):
        run([path])


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        run([tmp_path / "missing.jsonl"])


def test_corrupt_gzip_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "ads.jsonl.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(InputError, match="cannot read"):
        run([path])
