"""The report's views: template slots, text cleaning and caps, rankings, link graphs."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pyarrow as pa
import pytest

from lightkeeper.ads.report.corpus import corpus_view
from lightkeeper.ads.report.fmt import anchor_for
from lightkeeper.ads.report.linkgraph import link_graph
from lightkeeper.ads.report.load import (
    network_ads,
    rank_networks,
    sample_positions,
    structure_counts,
)
from lightkeeper.ads.report.text import clean_text, one_line, truncate
from lightkeeper.ads.report.views import (
    Segment,
    evidence_list,
    merged_moves,
    movement,
    risk_reasons,
    template_segments,
)


def test_template_segments_mark_slots() -> None:
    assert template_segments("Hi I am {{name}}, {{ age }} years") == [
        Segment("Hi I am ", slot=False),
        Segment("name", slot=True),
        Segment(", ", slot=False),
        Segment("age", slot=True),
        Segment(" years", slot=False),
    ]


def test_template_segments_leave_braces_that_are_not_slots() -> None:
    assert template_segments("a {b} {{}} c") == [Segment("a {b} {{}} c", slot=False)]
    assert template_segments(None) == [] and template_segments("") == []


def test_template_segments_cap_length_without_cutting_a_slot() -> None:
    segments = template_segments("x" * 50 + "{{name}}" + "y" * 50, limit=60)
    assert segments[1] == Segment("name", slot=True)
    assert segments[2].text.endswith("…") and len(segments[2].text) <= 6
    assert sum(len(s.text) for s in segments) <= 60


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain", "plain"),
        ("evil\u202etxt.exe", "eviltxt.exe"),  # right-to-left override dropped
        ("zero\u200bwidth\x00nul", "zerowidthnul"),
        ("keeps\ttabs\nand lines", "keeps\ttabs\nand lines"),
        (None, ""),
    ],
)
def test_clean_text_drops_invisible_controls(raw: str | None, shown: str) -> None:
    assert clean_text(raw) == shown


def test_truncate_and_one_line() -> None:
    assert truncate("abcdef", 4) == "abc…"
    assert truncate("abc", 4) == "abc"
    assert one_line("a \n\n b\tc", 10) == "a b c"


def test_anchor_for_keeps_plain_ids_and_hashes_others() -> None:
    assert anchor_for("n", "net-91c0ab") == "n-net-91c0ab"
    odd = anchor_for("n", '"><script>')
    assert odd.startswith("n-h") and odd.replace("-", "").isalnum()
    assert anchor_for("n", "a b") != anchor_for("n", "a c")


def test_sample_positions_spread_and_bounded() -> None:
    assert sample_positions(3, 60) == [0, 1, 2]
    picks = sample_positions(1000, 60)
    assert len(picks) == 60 and picks[0] == 0 and picks[-1] == 999
    assert picks == sorted(set(picks))


def test_network_ads_counts_days_and_samples_reproducibly() -> None:
    stamp = pa.timestamp("us", tz="UTC")
    day = [datetime(2024, 1, d, 9, tzinfo=UTC) for d in (1, 1, 2, 5)]
    light = pa.table(
        {
            "network_id": ["n-2", "n-1", "n-1", "n-1", "n-1", "n-3"],
            "id": ["z", "d", "c", "b", "a", "u"],
            "version": pa.array([1, 1, 2, 1, 1, 1], pa.int32()),
            "posted_at": pa.array([day[0], day[3], day[1], day[0], None, None], stamp),
        }
    )
    ads = network_ads(light, spread=3, newest=2)
    assert ads["n-1"].days == {date(2024, 1, 1): 2, date(2024, 1, 5): 1}
    assert ads["n-1"].newest == [("d", 1), ("c", 2)]  # dated, newest first
    assert ads["n-1"].spread == [("b", 1), ("d", 1), ("a", 1)]  # over time, undated last
    assert ads["n-2"].spread == ads["n-2"].newest == [("z", 1)]
    assert ads["n-3"].days == {} and ads["n-3"].newest == [("u", 1)]
    assert network_ads(light.slice(0, 0), spread=3, newest=2) == {}


def _light(**columns: list[object]) -> pa.Table:
    return pa.table(columns)


def test_rank_networks_largest_and_growing_with_stable_ties() -> None:
    light = _light(
        network_id=["n-b", "n-a", "n-c", "n-d"],
        ad_count=[10, 10, 50, 1],
        ads_last_30_days=[8, 8, 2, 1],
        ads_prev_30_days=[1, 0, 5, 0],
    )
    ranks = rank_networks(light, top=3)
    assert "risk" not in ranks
    assert ranks["largest"] == ["n-c", "n-a", "n-b"]
    # n-a grew by 8, n-b by 7; n-c shrank and n-d is a lone ad, so neither is "growing".
    assert ranks["growing"] == ["n-a", "n-b"]


def test_rank_networks_by_risk_when_scored() -> None:
    light = _light(
        network_id=["n-1", "n-2", "n-3"], ad_count=[5, 90, 3], risk_score=[0.9, 0.2, None]
    )
    ranks = rank_networks(light, top=5)
    assert list(ranks) == ["risk", "largest"]  # risk first; no growth columns, no growth list
    assert ranks["risk"] == ["n-1", "n-2"]


def test_rank_networks_without_networks() -> None:
    assert rank_networks(pa.table({}), top=5) == {}


def test_structure_counts() -> None:
    light = _light(network_id=["a", "b", "c"], ad_count=[1, 4, 6])
    counts = dict(structure_counts(light, _light(template_id=["t"], ad_count=[7])))
    assert counts["networks"] == "3" and counts["networks of two or more ads"] == "2"
    assert counts["ads in those networks"] == "10" and counts["templates"] == "1"


def test_risk_reasons_sorted_and_capped() -> None:
    row = {
        "risk_reasons": [
            {"code": f"R{i}", "name": f"reason {i}", "contribution": i / 100} for i in range(20)
        ]
    }
    reasons = risk_reasons(row)
    assert len(reasons) == 10 and reasons[0].code == "R19"
    assert reasons[0].percent == pytest.approx(19.0)


def test_link_graph_groups_ads_that_link_alike() -> None:
    ads = [
        {"id": f"a{i}", "version": 1, "phones": ["+15550001"], "template_id": "tpl-1"}
        for i in range(5)
    ] + [{"id": "b", "version": 1, "phones": ["+15550002"], "template_id": "tpl-1"}]
    svg = link_graph(ads, [("template", "tpl-1"), ("phone", "+15550001")], total_ads=6)
    assert svg.count("<circle") == 4  # 5 alike ads as one dot, the odd ad, two identifiers
    assert "×5" in svg


def test_link_graph_matches_near_identical_image_hashes() -> None:
    ads = [{"id": "a", "version": 1, "image_hashes": ["00000000000000ff"]}]
    svg = link_graph(ads, [("image", "0000000000000000")], total_ads=1)
    assert svg.count("<path") == 1  # 8 bits apart: the same picture, so one edge


def test_link_graph_without_evidence_uses_shared_identifiers() -> None:
    ads = [
        {"id": "a", "version": 1, "emails": ["x@example.org"]},
        {"id": "b", "version": 1, "emails": ["x@example.org", "only@example.org"]},
    ]
    svg = link_graph(ads, [], total_ads=2)
    assert "x@example.org" in svg and "only@example.org" not in svg


def test_corpus_view_tolerates_an_empty_summary_and_odd_hubs() -> None:
    empty = corpus_view({}, structure=[])
    assert empty.counts == [] and empty.hubs == [] and empty.accounting == ""
    view = corpus_view(
        {
            "hubs": ["+18005550000", {"value": "x@example.org", "kind": "email", "ads": 300}],
            "warnings": [{"file": "a.jsonl", "line": 3, "warning": "future date"}],
            "posted": datetime(2024, 1, 1, tzinfo=UTC).isoformat(),
        },
        structure=[],
    )
    assert [h.identifier for h in view.hubs] == ["+18005550000", "x@example.org"]
    assert view.hubs[1].details == "ads=300"
    assert view.warnings == ["a.jsonl:3: future date"]


def test_movement_drops_stops_without_a_city_and_merges_stays() -> None:
    def stop(city: str | None, day: int, n: int) -> dict[str, object]:
        when = datetime(2024, 1, day, tzinfo=UTC)
        return {"city": city, "country": "GB" if city else None, "first_seen": when,
                "last_seen": when, "ad_count": n}  # fmt: skip

    row = {"movement": [stop("Leeds", 1, 3), stop(None, 2, 1), stop("Leeds", 3, 2),
                        stop("York", 4, 1), stop("Nowhere-upon-Sea", 5, 1)]}  # fmt: skip
    merged, no_city = merged_moves(row)
    assert [(m["city"], m["ad_count"]) for m in merged] == [
        ("Leeds", 5),
        ("York", 1),
        ("Nowhere-upon-Sea", 1),
    ]
    assert no_city == 1 and merged[0]["last_seen"].day == 3
    located = {("Leeds", "GB"): (53.8, -1.55), ("York", "GB"): (53.96, -1.08)}
    moves = movement(row, located)
    assert [s.located for s in moves.stops] == [True, True, False]
    assert [p.label for p in moves.points] == ["Leeds", "York"]
    assert moves.unplaced == ["Nowhere-upon-Sea"] and moves.no_city_ads == 1


def test_link_graph_matches_long_values_that_display_truncated() -> None:
    handle = "ig:" + "x" * 300
    ads = [{"id": "a", "version": 1, "handles": [handle]}]
    (shown,), _ = evidence_list({"evidence": [{"kind": "handle", "value": handle, "ad_count": 2}]})
    assert shown.value.endswith("…") and len(shown.value) == 100
    assert link_graph(ads, [(shown.kind, shown.key)], total_ads=1).count("<path") == 1
