"""Perceptual hashes of ad images: given as 16 hex digits, or computed from local image files.

The same photo re-posted across ads (re-encoded, resized, lightly edited) keeps a near-identical
64-bit perceptual hash, so hashes compared with `hamming` link ads through shared photos.

Image entries come from hostile input: a path may name a huge file, a device, a decompression
bomb or something that is not an image. Those are skipped, never raised: only regular files up
to MAX_FILE_BYTES, of a few common formats, up to MAX_PIXELS pixels are decoded, and relative
paths may not climb out of `base_dir`.
"""

from __future__ import annotations

import re
import stat
import warnings
from collections.abc import Sequence
from pathlib import Path

import imagehash
from PIL import Image

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF")
_HEX_HASH = re.compile(r"(?:0[xX])?([0-9a-fA-F]{16})")
_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:(?://|[^\\/])")


def extract_image_hashes(images: Sequence[str], *, base_dir: Path | None = None) -> list[str]:
    """64-bit perceptual hashes (16 lower-case hex digits) of an ad's images, in order, no repeats.

    An entry is either a hash (16 hex digits, optional "0x") or a path to a local image file,
    hashed with imagehash.phash; relative paths are resolved against `base_dir` (the current
    directory when None). URLs, missing, unreadable, oversized and non-image files are skipped.
    """
    hashes: dict[str, None] = {}
    for entry in images:
        digest = _hash_of_entry(entry.strip(), base_dir=base_dir) if entry else None
        if digest is not None:
            hashes[digest] = None
    return list(hashes)


def hamming(a: str, b: str) -> int:
    """Number of differing bits between two 64-bit hashes written as 16 hex digits.

    Raises ValueError if either is not 16 hex digits (an optional "0x" prefix is accepted).
    """
    return (_hash_value(a) ^ _hash_value(b)).bit_count()


def _hash_value(digest: str) -> int:
    """The integer value of a 16-hex-digit hash."""
    match = _HEX_HASH.fullmatch(digest.strip())
    if match is None:
        raise ValueError(f"not a 64-bit hash of 16 hex digits: {digest[:40]!r}")
    return int(match.group(1), 16)


def _hash_of_entry(entry: str, *, base_dir: Path | None) -> str | None:
    """The normalised hash written in `entry`, or the phash of the file it names, or None."""
    match = _HEX_HASH.fullmatch(entry)
    if match is not None:
        return match.group(1).lower()
    if not entry or _URL.match(entry) or "\x00" in entry:
        return None
    path = _local_path(entry, base_dir=base_dir)
    return None if path is None else _phash_of_file(path)


def _local_path(entry: str, *, base_dir: Path | None) -> Path | None:
    """The regular file `entry` names; None if outside `base_dir`, missing, special or too big."""
    try:
        path = Path(entry)
        if not path.is_absolute() and base_dir is not None:
            root = base_dir.resolve()
            path = (root / path).resolve()
            if not path.is_relative_to(root):
                return None
        info = path.stat()
    except (OSError, ValueError, RuntimeError):
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
        return None
    return path


def _phash_of_file(path: Path) -> str | None:
    """imagehash.phash of the image at `path` as 16 hex digits, or None if it cannot be decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path, formats=_FORMATS) as image:
                width, height = image.size
                if width * height > MAX_PIXELS or width < 1 or height < 1:
                    return None
                return str(imagehash.phash(image))
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning):
        return None
    except Exception:
        return None
