"""Canonical ids for groups of ads (templates, networks).

A group's id derives from its content, never from processing order: it is a short hash of the
smallest member id, so reruns, shuffled rows and other engines give the same ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from hashlib import blake2b

DIGEST_SIZE = 6


def member_id(ad_id: str, version: int) -> str:
    """The member id of one ad version, as canonical ids expect it: ``"id#version"``."""
    return f"{ad_id}#{version}"


def canonical_id(prefix: str, members: Iterable[str]) -> str:
    """The canonical id of a group: ``prefix-`` and a 12-hex hash of its smallest member id.

    `members` are ``"id#version"`` strings (see `member_id`); the group must not be empty.
    Example: ``canonical_id("net", ["b#1", "a#2"]) == canonical_id("net", ["a#2", "b#1"])``.
    """
    smallest = min(members, default=None)
    if smallest is None:
        raise ValueError("canonical_id needs at least one member")
    digest = blake2b(smallest.encode(), digest_size=DIGEST_SIZE).hexdigest()
    return f"{prefix}-{digest}"
