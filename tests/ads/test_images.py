"""Image hashes: given hashes normalised, local files hashed, hostile entries skipped."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from lightkeeper.ads.extract.images import MAX_FILE_BYTES, extract_image_hashes, hamming


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    """A folder with a PNG, the same picture re-encoded as JPEG, another picture, and junk."""
    rng = np.random.default_rng(7)
    picture = (rng.random((96, 96, 3)) * 255).astype("uint8")
    Image.fromarray(picture).save(tmp_path / "a.png")
    Image.fromarray(picture).save(tmp_path / "a.jpg", quality=70)
    Image.fromarray((rng.random((96, 96, 3)) * 255).astype("uint8")).save(tmp_path / "b.png")
    (tmp_path / "notes.jpg").write_bytes(b"not an image at all")
    return tmp_path


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("abcdef0123456789", "abcdef0123456789"),
        ("ABCDEF0123456789", "abcdef0123456789"),
        ("0xABCDEF0123456789", "abcdef0123456789"),
        ("  abcdef0123456789 ", "abcdef0123456789"),
    ],
)
def test_normalises_given_hashes(entry: str, expected: str) -> None:
    assert extract_image_hashes([entry]) == [expected]


def test_hashes_local_files_relative_to_base_dir(photos: Path) -> None:
    hashes = extract_image_hashes(["a.png", "a.jpg", "b.png"], base_dir=photos)
    assert len(hashes) == 3 and all(len(h) == 16 for h in hashes)
    same, other = hamming(hashes[0], hashes[1]), hamming(hashes[0], hashes[2])
    assert same <= 6 < other


def test_absolute_paths_and_repeats(photos: Path) -> None:
    path = str(photos / "a.png")
    hashes = extract_image_hashes([path, path, "abcdef0123456789"])
    assert len(hashes) == 2 and hashes[1] == "abcdef0123456789"


@pytest.mark.parametrize(
    "entry",
    [
        "https://example.com/a.png",
        "data:image/png;base64,iVBORw0KGgo=",
        "notes.jpg",
        "missing.png",
        "../outside.png",
        "",
        "   ",
        "abc",
        "a.png\x00",
        "/dev/zero",
        ".",
        "0123456789abcdef0",
    ],
)
def test_skips_urls_junk_and_escapes(photos: Path, entry: str) -> None:
    (photos.parent / "outside.png").write_bytes((photos / "b.png").read_bytes())
    assert extract_image_hashes([entry], base_dir=photos) == []


def test_skips_files_over_the_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    with big.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)
    assert extract_image_hashes(["big.png"], base_dir=tmp_path) == []


def test_skips_decompression_bombs(tmp_path: Path) -> None:
    # A tiny file that declares a huge canvas: rejected from its header, never decoded.
    Image.new("1", (10_000, 10_000)).save(tmp_path / "bomb.png", optimize=True)
    assert os.path.getsize(tmp_path / "bomb.png") < MAX_FILE_BYTES
    assert extract_image_hashes(["bomb.png"], base_dir=tmp_path) == []


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("0000000000000000", "0000000000000000", 0),
        ("0000000000000000", "ffffffffffffffff", 64),
        ("0x000000000000000f", "0000000000000000", 4),
        ("8000000000000000", "0000000000000001", 2),
    ],
)
def test_hamming(a: str, b: str, distance: int) -> None:
    assert hamming(a, b) == distance


@pytest.mark.parametrize("bad", ["", "xyz", "0123", "0123456789abcdefg"])
def test_hamming_rejects_non_hashes(bad: str) -> None:
    with pytest.raises(ValueError, match="16 hex digits"):
        hamming(bad, "0000000000000000")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=10))
def test_never_raises_on_any_entries(entries: list[str]) -> None:
    for digest in extract_image_hashes(entries):
        assert len(digest) == 16 and int(digest, 16) >= 0
