"""Repeated ids: identical content is a duplicate (skipped); different content is a new version."""

from __future__ import annotations

import hashlib
import json
from typing import Any

DUPLICATE = 0


class Deduplicator:
    """Remember a digest of each (id, content) seen, to tell duplicates from new versions.

    Keeps 8 bytes per distinct content, not the records, so memory grows slowly with the corpus.
    """

    def __init__(self) -> None:
        self._seen: dict[str, list[bytes]] = {}

    def version_of(self, ad_id: str, value: dict[str, Any]) -> int:
        """The version number of this content of `ad_id`, or DUPLICATE (0) if seen already."""
        digest = content_digest(value)
        versions = self._seen.get(ad_id)
        if versions is None:
            self._seen[ad_id] = [digest]
            return 1
        if digest in versions:
            return DUPLICATE
        versions.append(digest)
        return len(versions)


def content_digest(value: dict[str, Any]) -> bytes:
    """A short stable digest of a record's content, independent of key order."""
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(canonical.encode("utf-8", "surrogatepass"), digest_size=8).digest()
