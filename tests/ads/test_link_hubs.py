"""Hub detection: groups joined, the corpus-calibrated split test, masking, reasons."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from lightkeeper.ads.link.hubs import Hub, split_tests
from tests.ads.test_link import hub_corpus, link, phone, same


def test_many_groups_over_few_ads_is_a_hub_few_over_many_is_not() -> None:
    # gid 0: 10 groups over 10 ads (a footer on unrelated ads); gid 1: 3 groups over 60 ads (an
    # operator's phone over three personas); the rest: ordinary identifiers, one group each.
    groups = {0: 10, 1: 3, **dict.fromkeys(range(2, 40), 1)}
    ad_counts = np.array([10, 60] + [5] * 38, dtype=np.int64)
    tests = split_tests(groups, ad_counts, alpha=0.05)
    assert tests[0]["hub"] is True
    assert tests[1]["hub"] is False
    assert not any(tests[g]["hub"] for g in range(2, 40))
    assert tests[0]["p_value"] < tests[0]["significance"] < tests[1]["p_value"]


def test_the_split_rate_is_learned_without_the_hubs() -> None:
    groups = {0: 200, **dict.fromkeys(range(1, 30), 1)}
    ad_counts = np.array([300] + [4] * 29, dtype=np.int64)
    tests = split_tests(groups, ad_counts, alpha=0.05)
    assert tests[0]["hub"] is True
    assert tests[1]["split_rate"] < 0.02  # a hub's 199 splits do not inflate the rate


def test_a_corpus_that_splits_often_needs_more_groups() -> None:
    groups = {0: 4, **dict.fromkeys(range(1, 30), 3)}
    ad_counts = np.full(30, 8, dtype=np.int64)
    assert split_tests(groups, ad_counts, alpha=0.05)[0]["hub"] is False


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
    data = json.loads(json.dumps(hub.to_json()))
    assert data["identifier"] == "+18885550100"
    assert data["kind"] == "phone"
    assert data["stats"]["groups"] == 9
    assert Hub("x", "phone", "why").to_json()["stats"] == {}
