"""The report's SVG charts: well-formed, self-contained, escaped, bounded."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from lightkeeper.ads.report.charts import (
    MAX_BINS,
    GraphNode,
    MapStop,
    count_days,
    graph_layout,
    link_graph_svg,
    movement_svg,
    timeline_bins,
    timeline_svg,
)

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="alert(1)">&amp;'


def parse(svg: str) -> ET.Element:
    """The SVG as XML (fails the test when it is not well-formed)."""
    return ET.fromstring(svg)


def assert_inert(root: ET.Element) -> None:
    """No scripts, foreign content, links, ids or event handlers anywhere in the chart."""
    for el in root.iter():
        assert el.tag.removeprefix(SVG) not in {"script", "foreignObject", "a", "image", "use"}
        for name in el.attrib:
            assert not name.lower().startswith("on")
            assert "href" not in name and name != "id"


def texts(root: ET.Element) -> list[str]:
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def day(n: int) -> datetime:
    return datetime(2024, 1, 1, 12, tzinfo=UTC) + timedelta(days=n)


def test_timeline_bins_by_day_keep_empty_days() -> None:
    bins = timeline_bins(count_days([day(0), day(0), day(3)]))
    assert [b.label for b in bins] == ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]
    assert [b.count for b in bins] == [2, 0, 0, 1]


@pytest.mark.parametrize(
    ("span_days", "first_label"),
    [(59, "2024-01-01"), (200, "2024-01-01"), (900, "2024-01"), (3000, "2024-Q1")],
)
def test_timeline_bins_coarsen_to_stay_under_the_cap(span_days: int, first_label: str) -> None:
    moments = [day(i) for i in range(0, span_days + 1, 3)] + [day(span_days)]
    bins = timeline_bins(count_days(moments))
    assert len(bins) <= MAX_BINS
    assert bins[0].label == first_label
    assert sum(b.count for b in bins) == len(moments)


def test_count_days_accepts_dates_and_naive_or_aware_datetimes() -> None:
    late = datetime(2024, 3, 2, 23, 30, tzinfo=timezone(timedelta(hours=-5)))  # 3 March in UTC
    days = count_days([date(2024, 3, 1), datetime(2024, 3, 1, 8), late])
    assert days == {date(2024, 3, 1): 2, date(2024, 3, 3): 1}


def test_timeline_bins_ignore_empty_days() -> None:
    assert timeline_bins({date(2024, 1, 1): 0}) == []


def test_timeline_svg_draws_one_bar_per_bin() -> None:
    days = count_days([day(i % 10) for i in range(40)])
    root = parse(timeline_svg(days))
    assert_inert(root)
    assert len(root.findall(f"{SVG}rect")) == len(timeline_bins(days)) == 10
    assert "2024-01-01" in texts(root)


def test_timeline_svg_without_dates_says_so() -> None:
    assert "no dated ads" in texts(parse(timeline_svg({})))


def test_movement_svg_draws_cities_once_and_an_arrow_per_move() -> None:
    stops = [
        MapStop("Houston", 29.76, -95.36),
        MapStop("Dallas", 32.78, -96.80),
        MapStop("Dallas", 32.78, -96.80),  # a second stay: no arrow to itself
        MapStop("Houston", 29.76, -95.36),
    ]
    root = parse(movement_svg(stops))
    assert_inert(root)
    assert len(root.findall(f".//{SVG}circle")) == 2
    assert len(root.findall(f".//{SVG}path")) == 2  # Houston->Dallas, Dallas->Houston
    assert {"Houston", "Dallas"} <= set(texts(root))
    assert any(t.endswith("°N") for t in texts(root))  # a graticule, no base map


def test_movement_svg_escapes_city_names() -> None:
    svg = movement_svg([MapStop(HOSTILE, 48.85, 2.35), MapStop("Lyon", 45.76, 4.83)])
    assert "<script" not in svg and "<img" not in svg
    root = parse(svg)
    assert_inert(root)
    drawn = " ".join(texts(root)) + " ".join(el.text or "" for el in root.iter(f"{SVG}title"))
    assert "<script>window" in drawn  # shown as text, not markup


def test_movement_svg_caps_stops_and_handles_none() -> None:
    many = [MapStop(f"c{i}", 10 + i * 0.1, 20 + (i % 2)) for i in range(500)]
    svg = movement_svg(many)
    assert len(parse(svg).findall(f".//{SVG}circle")) <= 40
    assert len(svg) < 40_000
    assert "no located cities" in texts(parse(movement_svg([])))


def test_graph_layout_is_deterministic_and_normalised() -> None:
    links = [(0, 3), (1, 3), (2, 4), (1, 4)]
    first, second = graph_layout(5, links), graph_layout(5, links)
    assert first == second
    assert all(0.0 <= v <= 1.0 for xy in first for v in xy)
    assert graph_layout(1, []) == [(0.5, 0.5)] and graph_layout(0, []) == []


def test_link_graph_svg_escapes_labels_and_ignores_bad_links() -> None:
    nodes = [GraphNode("ad", "a1"), GraphNode("ad", "a2", weight=5), GraphNode("phone", HOSTILE)]
    svg = link_graph_svg(nodes, [(0, 2), (1, 2), (1, 9), (2, 2)], note="2 of 90 ads shown")
    assert "<script" not in svg
    root = parse(svg)
    assert_inert(root)
    assert len(root.findall(f".//{SVG}circle")) == 3
    (edges,) = root.findall(f"{SVG}path")
    assert edges.attrib["d"].count("M") == 2
    assert "×5" in texts(root) and "2 of 90 ads shown" in texts(root)


def test_link_graph_svg_is_bounded() -> None:
    nodes = [GraphNode("ad", "x" * 10_000) for _ in range(1000)]
    svg = link_graph_svg(nodes, [(i, i + 1) for i in range(999)])
    assert len(parse(svg).findall(f".//{SVG}circle")) == 80
    assert len(svg) < 60_000
