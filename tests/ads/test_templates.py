"""Template clustering end to end: near-duplicates, boilerplate, slots, canonical ids, order."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lightkeeper.ads.ids import canonical_id
from lightkeeper.ads.templates import (
    BoilerplateOptions,
    TemplateOptions,
    TemplateResult,
    cluster_templates,
)
from lightkeeper.ads.templates.cluster import TEMPLATES_SCHEMA

START = datetime(2025, 3, 1, tzinfo=UTC)
_VOCABULARY = (
    "sweet classy charming elegant friendly bubbly warm upscale playful lovely discreet relaxed "
    "genuine polished caring companion lady evening weekend massage relaxing soothing quiet "
    "private clean safe cozy studio downtown available tonight today visit meet call text book "
    "appointment gentlemen welcome treat spoil unwind escape conversation dinner travel music "
    "wine walks independent professional respectful mature generous kind honest new town"
)
WORDS = tuple(_VOCABULARY.split())
NAMES = ["Ana", "Bella", "Carla", "Dana", "Emma", "Fiona", "Gina", "Iris"]
CITIES = ["Houston", "Dallas", "Miami", "Atlanta"]
DISCLAIMER = (
    "No law enforcement. Fees are for time and companionship only. "
    "Anything else is between consenting adults."
)


def ads_table(bodies: list[str | None], **columns: list[object]) -> pa.Table:
    """An ads table with the columns templates read; ids a0, a1, ... unless given."""
    n = len(bodies)
    data: dict[str, list[object]] = {
        "id": [f"a{i:04d}" for i in range(n)],
        "version": [1] * n,
        "title": [None] * n,
        "body": list(bodies),
        "posted_at": [START + timedelta(hours=i) for i in range(n)],
        "city": [None] * n,
    }
    data.update(columns)
    schema = pa.schema(
        [
            ("id", pa.string()),
            ("version", pa.int32()),
            ("title", pa.string()),
            ("body", pa.string()),
            ("posted_at", pa.timestamp("us", tz="UTC")),
            ("city", pa.string()),
        ]
    )
    return pa.table(data, schema=schema)


def sentence(rng: random.Random, words: int = 8) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def templated(rng: random.Random, base: list[str], *, name: str, city: str) -> str:
    phone = f"({rng.randint(200, 999)}) 555-{rng.randint(0, 9999):04d}"
    return (
        f"Hi gentlemen, I am {name}, {rng.randint(21, 35)} years, new in {city}. "
        + " ".join(base)
        + f" Call me at {phone}, ${rng.choice([150, 200, 250])} per hour."
    )


def partition(ids: list[str | None]) -> set[frozenset[int]]:
    groups: dict[str, set[int]] = {}
    for row, tid in enumerate(ids):
        if tid is not None:
            groups.setdefault(tid, set()).add(row)
    return {frozenset(g) for g in groups.values()}


@pytest.fixture(scope="module")
def small_corpus() -> tuple[pa.Table, list[str]]:
    """Three operators writing from one template each, plus independent one-off ads."""
    rng = random.Random(3)
    bodies: list[str | None] = []
    cities: list[object] = []
    truth: list[str] = []
    for op in range(3):
        base = [sentence(rng) for _ in range(5)]
        for _ in range(4 + op):
            city = rng.choice(CITIES)
            bodies.append(templated(rng, base, name=rng.choice(NAMES), city=city))
            cities.append(city)
            truth.append(f"op{op}")
    for i in range(6):
        bodies.append(" ".join(sentence(rng) for _ in range(4)))
        cities.append(None)
        truth.append(f"solo{i}")
    return ads_table(bodies, city=cities), truth


def test_near_duplicates_with_slot_changes_cluster(
    small_corpus: tuple[pa.Table, list[str]],
) -> None:
    table, truth = small_corpus
    result = cluster_templates(table)
    expected = {
        frozenset(i for i, t in enumerate(truth) if t == label)
        for label in {t for t in truth if t.startswith("op")}
    }
    assert partition(result.template_ids) == expected
    assert all(result.template_ids[i] is None for i, t in enumerate(truth) if t.startswith("solo"))


def test_template_ids_are_canonical(small_corpus: tuple[pa.Table, list[str]]) -> None:
    table, _ = small_corpus
    result = cluster_templates(table)
    ids = table.column("id").to_pylist()
    for group in partition(result.template_ids):
        members = [f"{ids[i]}#1" for i in group]
        assert {result.template_ids[i] for i in group} == {canonical_id("tpl", members)}


def test_templates_table_describes_each_template(
    small_corpus: tuple[pa.Table, list[str]],
) -> None:
    table, _ = small_corpus
    result = cluster_templates(table)
    templates = result.templates
    assert templates.schema == TEMPLATES_SCHEMA
    assert templates.num_rows == len(partition(result.template_ids))
    rows = templates.to_pylist()
    for row in rows:
        members = [i for i, t in enumerate(result.template_ids) if t == row["template_id"]]
        assert row["ad_count"] == len(members)
        posted = [table.column("posted_at")[i].as_py() for i in members]
        assert (row["first_seen"], row["last_seen"]) == (min(posted), max(posted))
        text = row["text"]
        assert "{{phone}}" in text and "{{name}}" in text and "{{age}}" in text
        assert "Hi gentlemen, I am {{name}}" in text
        slots = {s["name"]: s["values"] for s in row["slots"]}
        member_bodies = [table.column("body")[i].as_py() for i in members]
        assert all(any(v in body for body in member_bodies) for v in slots["phone"])
        assert set(slots["name"]) <= set(NAMES)
        assert len(slots["phone"]) >= 2
    assert [r["ad_count"] for r in rows] == sorted((r["ad_count"] for r in rows), reverse=True)


def test_slot_named_city_when_members_move(small_corpus: tuple[pa.Table, list[str]]) -> None:
    table, _ = small_corpus
    texts = cluster_templates(table).templates.column("text").to_pylist()
    assert any("new in {{city}}" in text for text in texts)


def short_ads_with_shared_disclaimer(advertisers: int, seed: int) -> tuple[pa.Table, list[int]]:
    """Unrelated advertisers, each posting 1-2 short ads of their own plus the same disclaimer."""
    rng = random.Random(seed)
    bodies: list[str | None] = []
    owner: list[int] = []
    for adv in range(advertisers):
        own = sentence(rng, 6)
        for _ in range(rng.randint(1, 2)):
            bodies.append(f"{own} {DISCLAIMER} Text {rng.randint(200, 999)}-555-{adv:04d}.")
            owner.append(adv)
    return ads_table(bodies), owner


def test_different_templates_sharing_boilerplate_do_not_cluster() -> None:
    table, owner = short_ads_with_shared_disclaimer(40, seed=5)
    result = cluster_templates(table)
    for group in partition(result.template_ids):
        assert len({owner[i] for i in group}) == 1, "boilerplate joined unrelated advertisers"
    # An advertiser's own repeated ad still clusters.
    reposted = [a for a in set(owner) if owner.count(a) == 2]
    assert reposted
    assert all(result.template_ids[owner.index(a)] is not None for a in reposted)
    learned = " ".join(result.boilerplate)
    assert "No law enforcement." in learned
    assert "Fees are for time and companionship only." in learned
    assert "Anything else is between consenting adults." in learned


def test_without_learned_boilerplate_the_same_ads_would_merge() -> None:
    # The control for the test above: the disclaimer alone makes these ads look alike.
    table, owner = short_ads_with_shared_disclaimer(40, seed=5)
    never = TemplateOptions(boilerplate=BoilerplateOptions(min_ads=10**9))
    result = cluster_templates(table, options=never)
    assert result.boilerplate == []
    assert any(len({owner[i] for i in g}) > 1 for g in partition(result.template_ids))


def test_boilerplate_removed_is_listed_per_template() -> None:
    table, _ = short_ads_with_shared_disclaimer(40, seed=5)
    result = cluster_templates(table)
    for row in result.templates.to_pylist():
        assert "No law enforcement." in row["boilerplate_removed"]
        assert "No law enforcement" not in row["text"]


def test_seed_sentences_are_boilerplate_without_learning() -> None:
    table, _ = short_ads_with_shared_disclaimer(3, seed=2)
    options = TemplateOptions(
        boilerplate=BoilerplateOptions(min_ads=10**9, seed_sentences=("NO LAW   enforcement!",))
    )
    assert cluster_templates(table, options=options).boilerplate == ["No law enforcement."]


def test_large_operator_template_is_not_boilerplate() -> None:
    # One operator posting the same template hundreds of times: frequent, but not spread.
    rng = random.Random(11)
    base = [sentence(rng) for _ in range(6)]
    bodies: list[str | None] = [
        templated(rng, base, name=rng.choice(NAMES), city=rng.choice(CITIES)) for _ in range(300)
    ]
    bodies += [" ".join(sentence(rng) for _ in range(4)) for _ in range(50)]
    result = cluster_templates(ads_table(bodies))
    assert not any(b in " ".join(base) for b in result.boilerplate)
    assert len(partition(result.template_ids[:300])) == 1
    assert result.template_ids[0] is not None


def test_order_of_rows_does_not_change_partition_or_ids(
    small_corpus: tuple[pa.Table, list[str]],
) -> None:
    table, _ = short_ads_with_shared_disclaimer(30, seed=8)
    table = pa.concat_tables([table, small_corpus[0].select(table.column_names)])
    table = table.set_column(0, "id", pa.array([f"x{i:04d}" for i in range(table.num_rows)]))
    first = cluster_templates(table)
    permutation = list(range(table.num_rows))
    random.Random(1).shuffle(permutation)
    shuffled = cluster_templates(table.take(pa.array(permutation)))
    back: list[str | None] = [None] * table.num_rows
    for new_row, old_row in enumerate(permutation):
        back[old_row] = shuffled.template_ids[new_row]
    assert back == first.template_ids
    assert shuffled.templates.equals(first.templates)
    assert shuffled.boilerplate == first.boilerplate


def test_runs_are_deterministic(small_corpus: tuple[pa.Table, list[str]]) -> None:
    table, _ = small_corpus
    a, b = cluster_templates(table), cluster_templates(table)
    assert a.template_ids == b.template_ids
    assert a.templates.equals(b.templates)


def test_identical_short_ads_in_one_huge_bucket() -> None:
    # 3000 identical ads land in the same bucket of every band: linear pairs, one template.
    table = ads_table(["Available now, call 555 0100."] * 3000)
    result = cluster_templates(table)
    assert len(set(result.template_ids)) == 1
    assert result.templates.column("ad_count").to_pylist() == [3000]


def test_edge_inputs_never_raise() -> None:
    assert cluster_templates(ads_table([])).template_ids == []
    odd: list[str | None] = [
        None,
        "",
        "   ",
        "😀😀😀",
        "😀😀😀",
        "7️⃣1️⃣3️⃣",
        "word " * 50_000,
        "word " * 50_000,
        "a",
        "a",
        "\x00\ud7ff\U0010ffff",
        "...!!!???",
    ]
    result = cluster_templates(ads_table(odd))
    assert len(result.template_ids) == len(odd)
    assert result.template_ids[0] is None
    assert result.template_ids[6] == result.template_ids[7] is not None
    assert all(len(t) < 100_000 for t in result.templates.column("text").to_pylist())


def test_missing_optional_columns() -> None:
    table = ads_table(["Sweet friendly companion, call 555 0100 today."] * 2)
    minimal = table.select(["id", "body"])
    result = cluster_templates(minimal)
    assert result.template_ids[0] == result.template_ids[1] is not None
    assert result.templates.column("first_seen").to_pylist() == [None]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.none(), st.text(max_size=300)), max_size=12))
def test_arbitrary_unicode_never_raises(bodies: list[str | None]) -> None:
    result = cluster_templates(ads_table(bodies + bodies[:2]))
    assert isinstance(result, TemplateResult)
    assert len(result.template_ids) == len(bodies) + len(bodies[:2])
