"""The fast JSONL path gives exactly what the careful path gives: same records, same rejections
with the same reasons and lines, same accounting; and batches survive pickling unchanged."""

from __future__ import annotations

import dataclasses
import io
import json
import pickle
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lightkeeper.ads.ingest import (
    Deduplicator,
    IngestCounts,
    Rejection,
    ingest,
    ingest_batches,
    read_rows,
    validate_row,
)
from lightkeeper.ads.ingest.checked import CheckedLines, check_blocks
from lightkeeper.ads.ingest.dedup import content_digest, content_key, wire_digest
from lightkeeper.ads.ingest.readers import (
    OverLong,
    decode_json_line,
    jsonl_blocks,
)
from lightkeeper.ads.ingest.validate import STRING_LIMITS, posted_at_value
from lightkeeper.ads.ingest.wire import decode_wire, posted_at_of, wire_record
from lightkeeper.ads.types import AdRecord

Outcome = tuple[list[AdRecord], list[Rejection], dict[str, Any]]


def careful_ingest(path: Path) -> Outcome:
    """The reference: line by line, `json.loads`, `validate_row`, dedup on sorted `json.dumps`."""
    records: list[AdRecord] = []
    rejections: list[Rejection] = []
    counts = IngestCounts()
    seen: dict[str, list[str]] = {}
    fh = io.BytesIO(path.read_bytes())
    line_no = 0
    while chunk := fh.readline():
        line_no += 1
        if not chunk.strip():
            continue
        counts.lines += 1
        row = decode_json_line(chunk, str(path), line_no)
        checked = validate_row(row.value, source=row.source, line=row.line)
        reason = row.error or (checked.reason if checked.record is None else None)
        if reason is not None or checked.record is None:
            counts.quarantined += 1
            rejections.append(Rejection(row.source, row.line, reason or "", row.raw))
            continue
        canonical = json.dumps(row.value, sort_keys=True, ensure_ascii=False, default=str)
        versions = seen.setdefault(checked.record.id, [])
        if canonical in versions:
            counts.duplicates += 1
            continue
        versions.append(canonical)
        for message in checked.warnings:
            counts.add_warning(row.source, row.line, message)
        counts.analysed += 1
        record = checked.record
        if len(versions) > 1:
            counts.new_versions += 1
            record = dataclasses.replace(record, version=len(versions))
        records.append(record)
    return records, rejections, dataclasses.asdict(counts)


def careful_check(path: Path) -> CheckedLines:
    """The reference for `check_blocks`: row by row, as the Dask engine used to read."""
    out = CheckedLines()
    for row in read_rows(path):
        out.lines += 1
        checked = validate_row(row.value, source=row.source, line=row.line)
        reason = row.error or (checked.reason if checked.record is None else None)
        if reason is not None or checked.record is None:
            out.rejections.append(Rejection(row.source, row.line, reason or "", row.raw))
            continue
        out.records.append(checked.record)
        out.warnings.append(list(checked.warnings))
        out.digests.append(int.from_bytes(content_digest(row.value), "little"))
    return out


def fast_ingest(path: Path) -> Outcome:
    counts = IngestCounts()
    items = list(ingest([path], counts=counts))
    records = [i for i in items if isinstance(i, AdRecord)]
    rejections = [i for i in items if isinstance(i, Rejection)]
    return records, rejections, dataclasses.asdict(counts)


def batched_ingest(path: Path, batch_size: int) -> Outcome:
    counts = IngestCounts()
    records: list[AdRecord] = []
    rejections: list[Rejection] = []
    for batch in ingest_batches([path], counts=counts, batch_size=batch_size):
        assert len(batch.records) <= batch_size and len(batch.rejections) <= batch_size
        records.extend(pickle.loads(pickle.dumps(batch.records)))  # as a worker gets it
        rejections.extend(batch.rejections)
    return records, rejections, dataclasses.asdict(counts)


# Strings near every edge the validator checks: blank, NUL, limits, escapes, non-ASCII.
EDGE_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\t\n",
        "\u3000",
        "x",
        "x\x00y",
        "\x7f",
        "é",
        "ſ",
        "😀",
        "a\\b",
        'q"q',
        "\ud800",
        "2024-05-01T10:00:00Z",
        "2024-05-01T10:00:00z",
        "2024-13-01T10:00:00Z",
        " 2024-05-01T10:00:0Z",
        "2024-05-01",
        "2024-05-01 10:00:00+02:00",
        "last tuesday",
    ]
)
TEXT = st.one_of(EDGE_TEXT, st.text(max_size=30))
VALUE = st.one_of(
    st.none(), TEXT, TEXT, TEXT, st.integers(), st.lists(TEXT, max_size=3), st.booleans()
)
KNOWN = [*STRING_LIMITS, "images"]


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    """A valid record, often with a few fields changed to something odd."""
    record: dict[str, Any] = {"id": draw(st.sampled_from(["a", "b", "c"]))}
    record["body"] = draw(st.sampled_from(["hello", "hola", "Hi there\nCall me"]))
    for name in draw(st.lists(st.sampled_from(KNOWN), max_size=4)):
        record[name] = [draw(TEXT)] if name == "images" else draw(TEXT)
    for _ in range(draw(st.sampled_from([0, 0, 1, 2]))):
        name = draw(st.sampled_from([*KNOWN, "extra", "Title"]))
        record[name] = draw(st.one_of(EDGE_TEXT, VALUE))
    if draw(st.integers(0, 20)) == 0:
        record.pop("id")
    return record


def long_values(rng: random.Random) -> dict[str, Any]:
    """A record with a field at or just past its limit."""
    name = rng.choice(["id", "title", "location", "language", "posted_at"])
    size = STRING_LIMITS[name] + rng.choice([0, 1])
    return {"id": "L", "body": "b", name: rng.choice("xé😀") * size}


def serialise(value: Any, rng: random.Random) -> bytes:
    """One JSON text of `value`, in one of the ways a writer might have spelt it."""
    items = list(value.items()) if isinstance(value, dict) else None
    if items is not None:
        rng.shuffle(items)
        value = dict(items)
    text = json.dumps(
        value,
        ensure_ascii=rng.random() < 0.3,
        separators=rng.choice([(",", ":"), (", ", ": ")]),
    )
    data = text.encode("utf-8", "surrogatepass")  # a lone surrogate becomes invalid UTF-8
    if rng.random() < 0.1:
        data = b" " + data + b" \r"
    if rng.random() < 0.05:
        data = data[: rng.randrange(len(data) + 1)]  # cut short
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(records(), min_size=1, max_size=25),
    st.integers(0, 2**32),
    st.booleans(),
)
def test_fast_path_matches_the_careful_path(
    tmp_path_factory: pytest.TempPathFactory,
    values: list[dict[str, Any]],
    seed: int,
    final_newline: bool,
) -> None:
    rng = random.Random(seed)
    values = values + [long_values(rng) for _ in range(2)]
    values += [rng.choice(values) for _ in range(len(values) // 2)]  # repeats: dups, versions
    rng.shuffle(values)
    lines = [serialise(v, rng) for v in values]
    lines.insert(rng.randrange(len(lines) + 1), rng.choice([b"", b"  ", b"[1]", b"{", b"\xff"]))
    path = tmp_path_factory.mktemp("fast") / "ads.jsonl"
    path.write_bytes(b"\n".join(lines) + (b"\n" if final_newline else b""))
    expected = careful_ingest(path)
    assert fast_ingest(path) == expected
    assert batched_ingest(path, rng.choice([1, 3, 1000])) == expected
    with path.open("rb") as fh:
        checked = check_blocks(
            jsonl_blocks(fh, block_bytes=rng.choice([64, 1 << 20])), source=str(path)
        )
    assert checked == careful_check(path)


def test_the_synth_like_lines_take_the_fast_path() -> None:
    line = json.dumps(
        {
            "id": "a1",
            "posted_at": "2024-01-01T07:23:38Z",
            "site": "site-a.example",
            "title": "Hola",
            "body": "Llama al 612 345 678\nHoy",
            "images": ["9e89fcc10c6af8aa"],
            "language": "es",
        },
        ensure_ascii=False,
    ).encode()
    ad = decode_wire(line)
    posted_at, warning = posted_at_of(ad.posted_at)
    assert warning is None
    record = wire_record(ad, posted_at, "f.jsonl", 7, 1)
    checked = validate_row(json.loads(line), source="f.jsonl", line=7)
    assert record == checked.record
    assert wire_digest(ad) == content_digest(json.loads(line))
    assert hash(ad) == content_key(json.loads(line))


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ({"id": "a", "body": "x"}, {"body": "x", "id": "a"}, True),
        ({"id": "a", "body": "é"}, json.loads('{"id": "a", "body": "\\u00e9"}'), True),
        ({"id": "a", "body": "x"}, {"id": "a", "body": "x", "site": None}, False),
        ({"id": "a", "body": "x", "n": 1}, {"id": "a", "body": "x", "n": 1.0}, False),
        ({"id": "a", "body": "x", "n": float("nan")}, {"id": "a", "body": "x", "n": None}, False),
        ({"id": "a", "images": ["i"]}, {"id": "a", "images": ("i",)}, True),
    ],
)
def test_content_digest_and_key_tell_contents_apart(
    a: dict[str, Any], b: dict[str, Any], same: bool
) -> None:
    assert (content_digest(a) == content_digest(b)) is same
    assert (content_key(a) == content_key(b)) is same


def test_content_digest_is_stable_across_runs() -> None:
    # Partitions of the Dask engine compare digests made in different processes.
    assert content_digest({"id": "a", "body": "x"}).hex() == "fdc16df957cdfb26"


def test_deduplicator_numbers_versions() -> None:
    dedup = Deduplicator()
    seq = [{"id": "a", "body": "1"}, {"id": "a", "body": "2"}, {"body": "1", "id": "a"}]
    seq += [{"id": "b", "body": "1"}, {"id": "a", "body": "3"}, {"id": "a", "body": "2"}]
    assert [dedup.version_of(v["id"], v) for v in seq] == [1, 2, 0, 1, 3, 0]


@pytest.mark.parametrize("block_bytes", [1, 2, 3, 7, 64, 1 << 20])
def test_blocks_cut_lines_like_readline(block_bytes: int) -> None:
    data = b'{"a": 1}\n\n  \r\n{"b":\r 2}\nx' * 3 + b"\n" + b"tail"
    lines: list[bytes] = []
    for block in jsonl_blocks(io.BytesIO(data), block_bytes=block_bytes):
        assert not isinstance(block, OverLong)
        lines.extend(block)
    assert lines == io.BytesIO(data).readlines()


def test_over_long_lines_across_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    from lightkeeper.ads.ingest import readers

    monkeypatch.setattr(readers, "MAX_LINE_BYTES", 10)
    data = b"0123456789\n" + b"x" * 25 + b"\nok\n" + b"y" * 11
    for block_bytes in (1, 4, 10, 64):
        blocks = list(jsonl_blocks(io.BytesIO(data), block_bytes=block_bytes))
        flat: list[object] = []
        for block in blocks:
            flat.extend(block if isinstance(block, list) else [block])
        assert flat == [b"0123456789\n", OverLong(b"x" * 11), b"ok\n", OverLong(b"y" * 11)]


def test_unterminated_last_line_keeps_its_error_column(tmp_path: Path) -> None:
    path = tmp_path / "ads.jsonl"
    path.write_bytes(b'{"id": "a", "body": "x"}\n{"id":')
    _, rejections, counts = fast_ingest(path)
    assert rejections[0].reason == "unparsable JSON: Expecting value at column 7"
    assert counts["lines"] == 2 and counts["quarantined"] == 1


@pytest.mark.parametrize(
    "text",
    [
        "2024-05-01T10:00:00Z",
        "2024-13-01T10:00:00Z",
        "2024-05-01T10:00:0ZZ",
        " 2024-05-01T10:00:0Z",
        "2024-05-01T10:00:00z",
        "2024-05-01T10:00:00+02:00",
        "2024-05-01",
        "",
        "soon",
    ],
)
def test_posted_at_fast_form_agrees_with_the_parser(text: str) -> None:
    parsed, warnings = posted_at_value(text)
    assert posted_at_of(text) == (parsed, warnings[0] if warnings else None)


def test_batch_pickles_as_raw_lines(tmp_path: Path) -> None:
    path = tmp_path / "ads.jsonl"
    rows = [{"id": f"a{i}", "title": "t", "body": "b" * 200} for i in range(50)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    (batch,) = ingest_batches([path], counts=IngestCounts(), batch_size=100)
    size = len(pickle.dumps(batch.records))
    assert size < path.stat().st_size + 50 * 16
    assert [r.id for r in pickle.loads(pickle.dumps(batch.records))] == [r["id"] for r in rows]
    assert batch.records[0].body == "b" * 200
    assert len(pickle.dumps(batch.records)) == size  # reading it does not grow what is sent


def test_fast_records_are_ordinary_frozen_records() -> None:
    ad = decode_wire(b'{"id": "a", "title": "t", "images": ["i"], "phone": null}\n')
    record = wire_record(ad, None, "f.jsonl", 3, 2)
    expected = AdRecord(id="a", version=2, title="t", images=("i",), source="f.jsonl", line=3)
    assert type(record) is AdRecord and record == expected and hash(record) == hash(expected)
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.title = "changed"  # type: ignore[misc]
    assert dataclasses.replace(record, version=3).version == 3
    assert pickle.loads(pickle.dumps(record)) == expected


def test_parquet_rejection_keeps_the_raw_row(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "ads.parquet"
    pq.write_table(pa.table({"id": ["a", ""], "title": ["ok", "x" * 2000]}), path)
    _, rejections, counts = fast_ingest(path)
    (row,) = [r for r in read_rows(path) if r.line == 2]
    assert [(r.line, r.reason, r.raw) for r in rejections] == [(2, "missing id", row.raw)]
    assert row.raw.endswith("…") and counts["quarantined"] == 1
