"""Hub detection: groups joined, the corpus-calibrated split test, masking, reasons."""

from __future__ import annotations

import json
from typing import Any

import networkx as nx
import numpy as np

from lightkeeper.ads.link.blocks import block_counts, peeled
from lightkeeper.ads.link.hubs import Hub, SplitModel
from tests.ads.test_link import hub_corpus, link, phone, same


def model_of(groups: list[int], ads: list[int]) -> tuple[SplitModel, np.ndarray]:
    g, a = np.array(groups, dtype=np.int64), np.array(ads, dtype=np.int64)
    model = SplitModel.fitted(g, a)
    return model, model.posterior(g, a)


def ordinary(n: int, *, seed: int = 0) -> tuple[list[int], list[int]]:
    """n advertisers' identifiers: 3-12 ads, now and then a second group."""
    rng = np.random.default_rng(seed)
    ads = rng.integers(3, 13, size=n)
    groups = 1 + rng.binomial(ads - 1, 0.02)
    return groups.tolist(), ads.tolist()


def test_many_groups_over_few_ads_is_a_hub_few_over_many_is_not() -> None:
    # 0: 10 groups over 10 ads (a footer on unrelated ads); 1: 3 groups over 60 ads (an
    # operator's phone over three personas); the rest: ordinary identifiers.
    groups, ads = ordinary(300)
    model, posterior = model_of([10, 3, *groups], [10, 60, *ads])
    assert posterior[0] > 0.99
    assert posterior[1] < 0.01
    assert (posterior[2:] < 0.5).mean() > 0.99
    assert model.split_rate < 0.05


def test_the_model_learns_both_kinds_of_identifier() -> None:
    groups, ads = ordinary(400, seed=1)
    hub_groups = [int(0.6 * n) for n in range(10, 40)]
    model, posterior = model_of(hub_groups + groups, list(range(10, 40)) + ads)
    assert 0.4 < model.hub_split_rate < 0.8
    assert 0.02 < model.hub_share < 0.15
    assert (posterior[:30] > 0.5).all()
    stats = model.stats(18, 30, float(posterior[20]))
    assert set(stats) == {
        "groups",
        "ads",
        "hub_probability",
        "split_rate",
        "hub_split_rate",
        "hub_share",
    }


def test_a_corpus_that_splits_often_needs_more_groups() -> None:
    rng = np.random.default_rng(2)
    ads = rng.integers(3, 13, size=300)
    groups = 1 + rng.binomial(ads - 1, 0.25)
    _, posterior = model_of([4, *groups.tolist()], [8, *ads.tolist()])
    assert posterior[0] < 0.5


def test_two_hubs_on_the_same_ads_are_both_found() -> None:
    # A site footer with a phone and an email on every ad: each alone joins nothing the other
    # does not, so they are scored together.
    rows = hub_corpus(10)
    for row in rows[::2]:
        row["emails"] = ["support@site.example"]
    result = link(rows)
    assert {h.identifier for h in result.hubs} == {"+18885550100", "support@site.example"}
    assert len(set(result.network_ids)) == 10


def test_a_hub_masked_by_another_is_found_in_a_later_round() -> None:
    rows = hub_corpus(10)
    for row in rows[:12:2]:  # a second site line on six of the ten footers
        row["phones"].append("+18005550199")
    result = link(rows)
    assert {h.identifier for h in result.hubs} == {"+18885550100", "+18005550199"}
    assert len(set(result.network_ids)) == 10


def test_a_phone_shared_by_two_personas_of_one_operator_still_links() -> None:
    rows: list[dict[str, Any]] = [
        {"phones": [phone(1)], "emails": ["ana@mail.example"]},
        {"phones": [phone(1)], "emails": ["ana@mail.example"]},
        {"phones": [phone(1)], "emails": ["bea@mail.example"]},
        {"phones": [phone(1)], "emails": ["bea@mail.example"]},
    ]
    result = link(rows)
    assert same(result, 0, 3)
    assert result.hubs == []


def test_hub_stats_and_json() -> None:
    rows = hub_corpus(9)
    for i, row in enumerate(rows):
        row["site"] = f"site-{'abc'[i % 3]}.example"
    templates = [f"tpl-{i // 2}" for i in range(len(rows))]
    [hub] = link(rows, templates).hubs
    assert hub.stats["templates"] == 9
    assert hub.stats["sites"] == 3
    assert hub.stats["split_rate"] > 0
    assert hub.stats["hub_probability"] > 0.5
    data = json.loads(json.dumps(hub.to_json()))
    assert data["identifier"] == "+18885550100"
    assert data["kind"] == "phone"
    assert data["stats"]["groups"] == 9
    assert Hub("x", "phone", "why").to_json()["stats"] == {}


def test_block_counts_match_networkx_biconnected_components() -> None:
    rng = np.random.default_rng(3)
    for _ in range(30):
        units, groups = int(rng.integers(2, 30)), int(rng.integers(1, 30))
        pairs = np.stack([rng.integers(0, units, 60), rng.integers(0, groups, 60)], axis=1)
        edges = np.unique(pairs, axis=0).astype(np.int64)
        graph = nx.Graph()
        graph.add_edges_from((int(u), units + int(g)) for u, g in edges)
        expected = np.zeros(units, dtype=np.int64)
        for block in nx.biconnected_components(graph):
            for node in block:
                if node < units:
                    expected[node] += 1
        assert block_counts(edges, units).tolist() == expected.tolist()
        peeled_blocks = np.zeros(units, dtype=np.int64)
        core = peeled(edges.copy(), peeled_blocks)
        if len(core):
            peeled_blocks += block_counts(core, units)
        assert peeled_blocks.tolist() == expected.tolist()
