"""The Dask engine's JSONL partitions take ingest's fast path (`check_blocks`) and give exactly
what reading them row by row gave: records, warnings, digests, rejections and line counts, for
every partitioning of a file full of awkward lines."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lightkeeper.ads.distributed import ingest as ing
from lightkeeper.ads.ingest import CheckedLines, read_rows, readers
from lightkeeper.engine.partitions import (
    InputPartition,
    count_newlines,
    jsonl_partition_blocks,
    numbered,
    plan_partitions,
    read_partition,
)
from lightkeeper.errors import InputError

BOM = b"\xef\xbb\xbf"


def _ad(i: int, **fields: object) -> bytes:
    return json.dumps({"id": f"ad{i}", "body": f"new in town {i % 5}", **fields}).encode()


# One line of each kind the readers and the validator treat apart, without line ends.
AWKWARD: list[bytes] = [
    b"",  # blank: skipped, but counted for line numbers
    b"   ",
    b"\t",
    b"\r",  # blank once stripped
    b'{"id": "broken"',
    b"{",
    b"[1, 2]",
    b'"just a string"',
    b"null",
    b'{"id": "bad\xff utf8", "body": "x"}',
    b'{"id": "cut\xc3", "body": "x"}',  # a multi-byte character cut short
    b'{"id": "nul", "body": "a\\u0000b"}',
    b'{"id": "nul-title", "title": "\\u0000", "body": "b"}',
    b'{"id": "surrogate", "body": "\\ud800"}',
    b'{"id": "", "body": "no id"}',
    b'{"id": "  ", "body": "blank id"}',
    b'{"id": "no-text"}',
    b'{"id": "blank-text", "title": " ", "body": "\\n"}',
    b'{"id": 5, "body": "a number for an id"}',
    b'{"id": "extra", "body": "b", "colour": "green"}',
    b'{"id": "case", "Title": "t", "body": "b"}',
    b'{"id": "list", "body": ["not", "a", "string"]}',
    b'{"id": "images", "body": "b", "images": ["a", 5]}',
    b'{"id": "twice", "body": "first", "body": "second"}',
    b'{"id": "trailing", "body": "b"} x',
    b' {"id": "spaced", "body": "b"}  ',
    b'{"id": "null-site", "site": null, "body": "b"}',
    b'{"id": "ctrl", "body": "a\x01b"}',
    b'{"id": "nbsp", "body": "b"}\xc2\xa0',
    b'{"id": "ff", "body": "b"}\x0c',
    _ad(900, posted_at="last tuesday"),
    _ad(901, posted_at="2024-05-01 10:00:00+02:00"),
    _ad(902, posted_at="2024-13-01T10:00:00Z"),
    _ad(903, posted_at="2024-05-01T10:00:00Z", site="site-a.example", language="en"),
    _ad(904, title="x" * 1000),  # over the title limit
    _ad(905, phone="+1 555 0100", email="someone@example.org", images=["a1b2", "c3d4"]),
    json.dumps({"id": "é😀", "body": "café 😀"}, ensure_ascii=False).encode(),
    json.dumps({"id": "esc", "body": "café 😀"}, ensure_ascii=True).encode(),
]


def hostile_lines(rng: random.Random, n: int) -> list[bytes]:
    """`n` lines with line ends: well-formed ads (some repeated) mixed with every awkward kind."""
    lines: list[bytes] = []
    for i in range(n):
        pick = rng.random()
        if pick < 0.45:
            line = _ad(i % 40, location=f"city {i % 3}")  # repeats: same ids, same contents
        elif pick < 0.55 and lines:
            line = rng.choice(lines).rstrip(b"\r\n")
        else:
            line = rng.choice(AWKWARD)
        lines.append(line + rng.choice([b"\n", b"\n", b"\r\n"]))
    return lines


def write_hostile(path: Path, lines: list[bytes], *, bom: bool, final_newline: bool) -> Path:
    data = b"".join(lines)
    if not final_newline:
        data = data.rstrip(b"\r\n")
    path.write_bytes((BOM if bom else b"") + data)
    return path


def partitions_of(path: Path, n: int) -> list[InputPartition]:
    """The partitions of one file as the Dask engine plans and numbers them."""
    parts = plan_partitions([path], partitions=n)
    return numbered(parts, [count_newlines(p) for p in parts])


def row_by_row(part: InputPartition) -> CheckedLines:
    """The reference: the partition's rows read and validated one at a time (the old path)."""
    return ing._checked_rows(read_partition(part))


def assert_same_as_row_by_row(path: Path, n: int) -> None:
    """Every partition gives what the row-by-row path gives, and together the whole file's."""
    parts = partitions_of(path, n)
    assert all(p.kind == "jsonl_range" for p in parts)
    whole = ing._checked_rows(read_rows(path))
    joined = CheckedLines()
    for index, part in enumerate(parts):
        expected = row_by_row(part)
        got = ing.validated_part(part, index)
        assert got.index == index
        assert got.lines == expected.lines
        assert got.records == expected.records
        assert got.warnings == expected.warnings
        assert got.rejections == expected.rejections
        assert got.keys.column("digest").to_pylist() == expected.digests
        assert got.keys.column("id").to_pylist() == [r.id for r in expected.records]
        positions = got.keys.column("position").to_pylist()
        assert positions == [(index << ing.POSITION_BITS) + i for i in range(len(positions))]
        joined.lines += got.lines
        joined.records += got.records
        joined.warnings += got.warnings
        joined.digests += got.keys.column("digest").to_pylist()
        joined.rejections += got.rejections
    assert joined == whole


@pytest.fixture()
def hostile(tmp_path: Path) -> Path:
    lines = hostile_lines(random.Random(5), 400)
    return write_hostile(tmp_path / "ads.jsonl", lines, bom=True, final_newline=False)


@pytest.mark.parametrize("n", [1, 2, 3, 7, 25, 1000])
def test_partitions_of_a_hostile_file_match_the_row_by_row_path(hostile: Path, n: int) -> None:
    assert_same_as_row_by_row(hostile, n)


def test_the_hostile_file_holds_every_edge_case(hostile: Path) -> None:
    # Guards the comparison above against a fixture that lost its awkward lines.
    parts = partitions_of(hostile, 7)
    assert len(parts) == 7 and parts[3].first_line > 1
    got = [ing.validated_part(p, i) for i, p in enumerate(parts)]
    reasons = " | ".join(r.reason for g in got for r in g.rejections)
    for expected in ["invalid UTF-8", "unparsable JSON", "BOM"]:
        assert expected in reasons
    assert any(w for g in got for w in g.warnings)
    assert hostile.read_bytes().startswith(BOM) and not hostile.read_bytes().endswith(b"\n")
    assert b"\r\n" in hostile.read_bytes() and b"\n\n" in hostile.read_bytes()
    first = got[0].rejections[0]
    assert first.line == 1 and "BOM" in first.reason  # the BOM spoils the first line only


def test_an_over_long_line_mid_file(tmp_path: Path) -> None:
    huge = b'{"id": "h", "body": "' + b"y" * (readers.MAX_LINE_BYTES + 10) + b'"}'
    lines = hostile_lines(random.Random(9), 60)
    lines.insert(31, huge + b"\n")
    path = write_hostile(tmp_path / "long.jsonl", lines, bom=False, final_newline=True)
    for n in (1, 3, 9):
        assert_same_as_row_by_row(path, n)
    got = [ing.validated_part(p, i) for i, p in enumerate(partitions_of(path, 3))]
    over = [r for g in got for r in g.rejections if "longer than" in r.reason]
    assert [r.line for r in over] == [32]


def test_lowered_line_limit_and_small_blocks(
    hostile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A 64-byte limit also makes jsonl_blocks read 64 bytes at a time: lines cross blocks.
    monkeypatch.setattr(readers, "MAX_LINE_BYTES", 64)
    for n in (1, 4, 13):
        assert_same_as_row_by_row(hostile, n)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32),
    size=st.integers(0, 80),
    n=st.integers(1, 12),
    bom=st.booleans(),
    final_newline=st.booleans(),
    max_line=st.sampled_from([48, 120, 400, readers.MAX_LINE_BYTES]),
)
def test_any_partitioning_matches_the_row_by_row_path(
    tmp_path_factory: pytest.TempPathFactory,
    *,
    seed: int,
    size: int,
    n: int,
    bom: bool,
    final_newline: bool,
    max_line: int,
) -> None:
    lines = hostile_lines(random.Random(seed), size)
    path = tmp_path_factory.mktemp("parts") / "ads.jsonl"
    write_hostile(path, lines, bom=bom, final_newline=final_newline)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(readers, "MAX_LINE_BYTES", max_line)
        assert_same_as_row_by_row(path, n)


def test_blocks_hold_only_the_bytes_of_their_range(hostile: Path) -> None:
    data = hostile.read_bytes()
    for part in partitions_of(hostile, 5):
        blocks = list(jsonl_partition_blocks(part))
        assert all(isinstance(b, list) for b in blocks)
        text = b"".join(line for block in blocks if isinstance(block, list) for line in block)
        assert text == data[part.start : part.stop]


def test_an_unreadable_file_fails_as_the_row_path_does(tmp_path: Path) -> None:
    path = tmp_path / "ads.jsonl"
    path.write_bytes(_ad(1) + b"\n" + _ad(2) + b"\n")
    part = partitions_of(path, 1)[0]
    path.unlink()
    with pytest.raises(InputError) as old:
        row_by_row(part)
    with pytest.raises(InputError) as new:
        ing.validated_part(part, 0)
    assert str(new.value) == str(old.value)
    assert "cannot read" in str(new.value)


def test_other_kinds_are_not_jsonl_ranges(tmp_path: Path) -> None:
    path = tmp_path / "ads.jsonl.gz"
    part = InputPartition(str(path), 0, "whole_file")
    with pytest.raises(ValueError, match="not a JSONL range"):
        list(jsonl_partition_blocks(part))
