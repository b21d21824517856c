"""The link graph of a network: its sampled ads joined to the identifiers that link them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup

from lightkeeper.ads.report.charts import GraphNode, link_graph_svg
from lightkeeper.ads.report.fmt import as_strings

Row = Mapping[str, Any]

MAX_GRAPH_IDENTIFIERS = 16
RAW_CHARS = 2000  # an identifier longer than this is matched on its first RAW_CHARS characters
IMAGE_HAMMING = 10  # bits: near-identical image hashes count as the same image in the graph

_HEX16 = re.compile(r"[0-9a-fA-F]{16}")


def _family(kind: str) -> str:
    lowered = kind.lower()
    for family in ("phone", "email", "handle", "image", "template"):
        if lowered.startswith(family):
            return family
    return "other"


def _ad_identifiers(ad: Row) -> dict[str, set[str]]:
    columns = {"phone": "phones", "email": "emails", "handle": "handles", "image": "image_hashes"}
    found = {
        kind: {v[:RAW_CHARS] for v in as_strings(ad.get(col))} for kind, col in columns.items()
    }
    found["template"] = {v[:RAW_CHARS] for v in as_strings([ad.get("template_id")])}
    found["other"] = set().union(*found.values())
    return found


def _near_image(value: str, hashes: set[str]) -> bool:
    if value in hashes:
        return True
    if not _HEX16.fullmatch(value):
        return False
    target = int(value, 16)
    return any(
        _HEX16.fullmatch(h) and (int(h, 16) ^ target).bit_count() <= IMAGE_HAMMING for h in hashes
    )


def _shared_identifiers(ads: Sequence[Row]) -> list[tuple[str, str]]:
    """Identifiers held by two or more of the ads (when the network lists no evidence)."""
    counts: Counter[tuple[str, str]] = Counter()
    for ad in ads:
        ids = _ad_identifiers(ad)
        counts.update((kind, v) for kind, values in ids.items() if kind != "other" for v in values)
    shared = [(key, n) for key, n in counts.items() if n >= 2]
    shared.sort(key=lambda item: (-item[1], item[0]))
    return [key for key, _ in shared]


def link_graph(
    ads: Sequence[Row], identifiers: Sequence[tuple[str, str]], *, total_ads: int
) -> Markup:
    """The link graph of a network: its (sampled) ads joined to the identifiers that link them.

    Ads linked to exactly the same identifiers are drawn as one dot sized by their number, so
    the graph shows the structure (which identifiers bridge which groups of ads), not clutter.
    """
    keys = ([(_family(kind), value) for kind, value in identifiers] or _shared_identifiers(ads))[
        :MAX_GRAPH_IDENTIFIERS
    ]
    groups: dict[tuple[int, ...], list[str]] = {}
    for ad in ads:
        held = _ad_identifiers(ad)
        signature = tuple(j for j, key in enumerate(keys) if _holds(held, key))
        groups.setdefault(signature, []).append(f"{ad.get('id')} v{ad.get('version')}")
    # Identifiers that none of the sampled ads hold would float alone: leave them out.
    used = sorted({j for signature in groups for j in signature})
    slot = {j: len(groups) + k for k, j in enumerate(used)}
    nodes = [
        GraphNode("ad", _group_label(members), weight=len(members)) for members in groups.values()
    ]
    nodes += [GraphNode(*keys[j]) for j in used]
    links = [(i, slot[j]) for i, signature in enumerate(groups) for j in signature]
    note = f"{len(ads)} of {total_ads} ads shown" if total_ads > len(ads) else ""
    return link_graph_svg(nodes, links, note=note)


def _holds(held: Mapping[str, set[str]], key: tuple[str, str]) -> bool:
    kind, value = key
    return _near_image(value, held["image"]) if kind == "image" else value in held[kind]


def _group_label(members: Sequence[str]) -> str:
    head = ", ".join(members[:3])
    return f"{len(members)} ads: {head}, …" if len(members) > 3 else head
