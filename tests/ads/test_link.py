"""link_ads: shared identifiers, images, templates and versions join ads; hubs do not."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa
import pytest

from lightkeeper.ads.ids import canonical_id
from lightkeeper.ads.link import LinkConfig, LinkResult, link_ads
from lightkeeper.ads.table import ADS_SCHEMA
from lightkeeper.errors import InputError

START = datetime(2024, 3, 1, tzinfo=UTC)
_LIST_COLUMNS = ("phones", "emails", "handles", "urls", "prices", "ages", "image_hashes")


def ad_table(rows: Sequence[dict[str, Any]]) -> pa.Table:
    """An ads table (ADS_SCHEMA) from partial rows: ids ad000.., hourly times, empty lists."""
    full = []
    for i, row in enumerate(rows):
        base: dict[str, Any] = dict.fromkeys(ADS_SCHEMA.names)
        base.update({name: [] for name in _LIST_COLUMNS})
        base.update(
            id=f"ad{i:03d}",
            version=1,
            site="site-a.example",
            posted_at=START + timedelta(hours=i),
            title=f"Ad number {i}",
            body="Relaxing massage, call for details.",
            source="test.jsonl",
            line=i + 1,
        )
        base.update(row)
        full.append(base)
    return pa.Table.from_pylist(full, schema=ADS_SCHEMA)


def link(
    rows: Sequence[dict[str, Any]], templates: Sequence[str | None] | None = None, **options: Any
) -> LinkResult:
    table = ad_table(rows)
    return link_ads(table, templates or [None] * table.num_rows, config=LinkConfig(**options))


def same(result: LinkResult, a: int, b: int) -> bool:
    return result.network_ids[a] == result.network_ids[b]


def phone(n: int) -> str:
    return f"+1713555{n:04d}"


def image(n: int) -> str:
    return f"{(n * 0x9E3779B97F4A7C15) % 2**64:016x}"


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("phones", "+17135550101"),
        ("emails", "ana@mail.example"),
        ("handles", "instagram:ana_x"),
        ("image_hashes", "8f3c2a1b4d5e6f70"),
    ],
)
def test_a_shared_identifier_joins_ads(column: str, value: str) -> None:
    result = link([{column: [value]}, {}, {column: [value]}])
    assert same(result, 0, 2)
    assert not same(result, 0, 1)
    kinds = {"phones": "phone", "emails": "email", "handles": "handle", "image_hashes": "image"}
    assert result.edges.to_pylist() == [{"src": 0, "dst": 2, "kind": kinds[column], "value": value}]


def test_an_ad_alone_is_its_own_network() -> None:
    result = link([{}, {}])
    assert len(set(result.network_ids)) == 2
    assert result.network_ids[0] == canonical_id("net", ["ad000#1"])


def test_near_identical_images_join_and_distant_ones_do_not() -> None:
    base = 0x8F3C2A1B4D5E6F70
    near = base ^ 0b1011  # 3 bits apart
    far = base ^ 0xFFFF_0000_FF00  # 24 bits apart
    rows = [{"image_hashes": [f"{h:016x}"]} for h in (base, near, far)]
    result = link(rows)
    assert same(result, 0, 1)
    assert not same(result, 0, 2)
    image_edges = [e for e in result.edges.to_pylist() if e["kind"] == "image"]
    assert image_edges == [{"src": 0, "dst": 1, "kind": "image", "value": f"{base:016x}"}]


def test_image_distance_bound_is_configurable() -> None:
    base = 0x0123456789ABCDEF
    rows = [{"image_hashes": [f"{h:016x}"]} for h in (base, base ^ 0b11111)]  # 5 bits apart
    assert same(link(rows, image_max_distance=5), 0, 1)
    assert not same(link(rows, image_max_distance=4), 0, 1)


def test_versions_of_one_ad_join() -> None:
    result = link([{"id": "x1", "version": 1}, {"id": "x2"}, {"id": "x1", "version": 2}])
    assert same(result, 0, 2)
    assert not same(result, 0, 1)
    assert result.network_ids[0] == canonical_id("net", ["x1#1", "x1#2"])
    assert not same(link([{"id": "x1"}, {"id": "x1", "version": 2}], link_versions=False), 0, 1)


def test_templates_join_ads_unless_switched_off() -> None:
    rows = [{}, {}, {}]
    templates = ["tpl-a", None, "tpl-a"]
    assert same(link(rows, templates), 0, 2)
    assert not same(link(rows, templates, link_templates=False), 0, 2)
    edges = link(rows, templates).edges.to_pylist()
    assert edges == [{"src": 0, "dst": 2, "kind": "template", "value": "tpl-a"}]


def test_links_chain_through_different_identifiers() -> None:
    rows = [
        {"phones": [phone(1)]},
        {"phones": [phone(1)], "emails": ["b@mail.example"]},
        {"emails": ["b@mail.example"], "handles": ["kik:bee"]},
        {"handles": ["kik:bee"]},
    ]
    result = link(rows)
    assert len(set(result.network_ids)) == 1


def hub_corpus(advertisers: int = 12) -> list[dict[str, Any]]:
    """Independent advertisers (own phone on two ads each), one ad of each shows a site line."""
    rows = []
    for a in range(advertisers):
        own = phone(100 + a)
        city = ("Houston", "Dallas", "Miami")[a % 3]
        rows.append({"phones": [own, "+18885550100"], "city": city, "country": "US"})
        rows.append({"phones": [own], "city": city, "country": "US"})
    return rows


def test_a_hub_phone_does_not_join_unrelated_advertisers() -> None:
    rows = hub_corpus()
    result = link(rows)
    assert len(set(result.network_ids)) == 12
    assert all(same(result, 2 * a, 2 * a + 1) for a in range(12))
    [hub] = result.hubs
    assert (hub.identifier, hub.kind) == ("+18885550100", "phone")
    assert "12 otherwise separate groups" in hub.reason
    assert hub.stats["ads"] == 12
    assert hub.stats["groups"] == 12
    assert hub.stats["cities"] == 3
    assert hub.stats["co_identifiers"] == 12
    assert result.hub_values["phone"] == {"+18885550100": "+18885550100"}
    assert all(e["value"] != "+18885550100" for e in result.edges.to_pylist())


def test_without_hub_detection_the_hub_merges_everyone() -> None:
    result = link(hub_corpus(), detect_hubs=False)
    assert len(set(result.network_ids)) == 1
    assert result.hubs == []


def test_the_allow_list_keeps_a_hub_linking() -> None:
    result = link(hub_corpus(), allow=frozenset({"+18885550100"}))
    assert len(set(result.network_ids)) == 1
    assert result.hubs == []


def test_the_deny_list_makes_a_hub_of_any_identifier() -> None:
    rows = [{"phones": [phone(1)]}, {"phones": [phone(1)]}, {"emails": ["x@y.example"]}]
    result = link(rows, deny=frozenset({phone(1)}))
    assert not same(result, 0, 1)
    [hub] = result.hubs
    assert (hub.identifier, hub.reason) == (phone(1), "on the deny list")
    assert hub.stats["ads"] == 2


def test_the_deny_list_matches_any_hash_of_an_image_cluster() -> None:
    base = 0x5555AAAA5555AAAA
    rows = [{"image_hashes": [f"{base:016x}"]}, {"image_hashes": [f"{base ^ 1:016x}"]}]
    result = link(rows, deny=frozenset({f"{base ^ 1:016x}"}))
    assert not same(result, 0, 1)
    assert [h.kind for h in result.hubs] == ["image"]
    assert set(result.hub_values["image"]) == {f"{base:016x}", f"{base ^ 1:016x}"}


def test_a_placeholder_number_is_a_hub() -> None:
    rows = [{"phones": ["+10000000000"]}, {"phones": ["+10000000000"]}]
    result = link(rows)
    assert not same(result, 0, 1)
    assert [(h.identifier, h.reason) for h in result.hubs] == [
        ("+10000000000", "placeholder value")
    ]


def test_an_operator_phone_over_a_few_personas_is_no_hub() -> None:
    # One operator: phone P on two personas, each with its own photo; they must stay together.
    rows = []
    for persona, photo in (("Ana", image(1)), ("Bea", image(2))):
        for _ in range(4):
            rows.append({"phones": [phone(7)], "image_hashes": [photo], "title": persona})
    rows += hub_corpus(8)
    result = link(rows)
    assert len({result.network_ids[i] for i in range(8)}) == 1
    assert [h.identifier for h in result.hubs] == ["+18885550100"]


def test_network_ids_are_canonical_under_row_shuffles() -> None:
    rows = [
        *hub_corpus(6),
        {"id": "v1", "version": 1, "emails": ["a@b.example"]},
        {"id": "v1", "version": 2},
        {"emails": ["a@b.example"], "image_hashes": [image(3)]},
        {"image_hashes": [image(3)]},
    ]
    for i, row in enumerate(rows):
        row.setdefault("id", f"row{i:02d}")
    first = link(rows)
    by_member = dict(
        zip([(r["id"], r.get("version", 1)) for r in rows], first.network_ids, strict=True)
    )
    shuffled = rows[:]
    random.Random(5).shuffle(shuffled)
    second = link(shuffled)
    again = dict(
        zip([(r["id"], r.get("version", 1)) for r in shuffled], second.network_ids, strict=True)
    )
    assert again == by_member
    smallest = canonical_id("net", ["row00#1", "row01#1"])
    assert by_member[("row00", 1)] == smallest


def test_template_ids_must_match_the_rows() -> None:
    with pytest.raises(InputError, match="one per ad"):
        link_ads(ad_table([{}, {}]), [None], config=LinkConfig())


def test_timings_cover_every_stage() -> None:
    result = link([{}])
    assert set(result.timings) == {"identifiers", "images", "hubs", "components"}
