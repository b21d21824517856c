"""What the report shows, as small typed views built from rows of the output tables.

Pure functions: rows in (dicts as `pyarrow.Table.to_pylist` gives them), views out. Every list
is capped and every text cleaned and truncated here, so the template only lays views out.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from markupsafe import Markup

from lightkeeper.ads.report.charts import MapStop, movement_svg, timeline_svg
from lightkeeper.ads.report.fmt import (
    VALUE_CHARS,
    anchor_for,
    as_int,
    as_score,
    as_strings,
    format_day,
    format_moment,
)
from lightkeeper.ads.report.geo import LatLon, PlaceKey
from lightkeeper.ads.report.linkgraph import RAW_CHARS, link_graph
from lightkeeper.ads.report.load import LENGTH_SUFFIX
from lightkeeper.ads.report.text import one_line, truncate

Row = Mapping[str, Any]

MAX_IDENTIFIERS = 25  # values shown per identifier list
MAX_EVIDENCE = 25
MAX_MOVES = 40
MAX_REASONS = 10
MAX_TEMPLATES_PER_NETWORK = 5
MAX_SLOT_VALUES = 12
MAX_SAMPLE_ADS = 5
MAX_GRAPH_ADS = 60
TEMPLATE_CHARS = 1500
BODY_CHARS = 600
TITLE_CHARS = 160

_SLOT = re.compile(r"\{\{\s*([^{}]{1,40}?)\s*\}\}")

IDENTIFIER_COLUMNS = (
    ("phones", "Phones"),
    ("emails", "Emails"),
    ("handles", "Handles"),
    ("image_hashes", "Image hashes"),
    ("personas", "Personas"),
    ("sites", "Sites"),
    ("cities", "Cities"),
    ("countries", "Countries"),
)


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of template text; `slot` marks a `{{slot}}` placeholder (text is its name)."""

    text: str
    slot: bool


@dataclass(frozen=True, slots=True)
class Capped:
    """A capped list of values and how many more there are."""

    label: str
    values: list[str]
    more: int


@dataclass(frozen=True, slots=True)
class TemplateView:
    """One template: its text split into segments, its slots and when it was seen."""

    template_id: str
    anchor: str
    ad_count: int
    segments: list[Segment]
    slots: list[Capped]
    first_seen: str
    last_seen: str
    boilerplate_removed: list[str]


@dataclass(frozen=True, slots=True)
class Evidence:
    """A shared identifier or template that joins a network's ads.

    `value` is cleaned and truncated for display; `raw` is the value as the data holds it,
    to match against ads (empty when it is the same as `value`).
    """

    kind: str
    value: str
    ad_count: int
    raw: str = ""

    @property
    def key(self) -> str:
        """The value to match ads against."""
        return self.raw or self.value


@dataclass(frozen=True, slots=True)
class Stop:
    """One stop of a network's movement, for the table beside the map."""

    city: str
    country: str
    first_seen: str
    last_seen: str
    ad_count: int
    located: bool


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason of a risk score and its contribution."""

    code: str
    name: str
    contribution: float
    percent: float


@dataclass(frozen=True, slots=True)
class AdView:
    """One sample ad as shown (texts cleaned and truncated; the URL is text, never a link)."""

    ad_id: str
    version: int
    posted_at: str
    site: str
    city: str
    title: str
    body: str
    url: str
    template_id: str


@dataclass(frozen=True, slots=True)
class NetworkRow:
    """A network's line in a ranking table."""

    network_id: str
    anchor: str
    ad_count: int
    first_seen: str
    last_seen: str
    last_30: int | None
    prev_30: int | None
    growth: int | None
    risk: float | None
    places: str


@dataclass(frozen=True, slots=True)
class Ranking:
    """A titled, ordered list of networks."""

    key: str
    title: str
    explain: str
    rows: list[NetworkRow]


@dataclass(slots=True)
class NetworkView:
    """Everything the report shows about one network."""

    row: NetworkRow
    identifiers: list[Capped]
    evidence: list[Evidence]
    evidence_more: int
    moves: list[Stop]
    moves_more: int
    reasons: list[Reason]
    timeline: Markup
    movement: Markup
    graph: Markup
    templates: list[TemplateView]
    ads: list[AdView]
    ads_shown_of: int
    template_more: int = 0
    unplaced: list[str] = field(default_factory=list)
    no_city_ads: int = 0


# --- small formatting helpers ---------------------------------------------------------------


def _total(row: Row, column: str) -> int:
    """The length of a list column before the loader cut it (see `load.LENGTH_SUFFIX`)."""
    total = row.get(column + LENGTH_SUFFIX)
    return int(total) if total is not None else len(row.get(column) or [])


def capped_values(
    label: str, values: Any, *, limit: int = MAX_IDENTIFIERS, total: int | None = None
) -> Capped:
    """A labelled list of values, cleaned, truncated to VALUE_CHARS each and capped.

    `total` is the full number of values when `values` was already cut short.
    """
    strings = as_strings(values)
    shown = strings[:limit]
    more = max((total if total is not None else len(strings)) - len(shown), 0)
    return Capped(label, [one_line(v, VALUE_CHARS) for v in shown], more)


# --- templates ------------------------------------------------------------------------------


def template_segments(text: str | None, *, limit: int = TEMPLATE_CHARS) -> list[Segment]:
    """The template text split into plain runs and `{{slot}}` placeholders, capped at `limit`.

    The cap counts characters of plain runs and slot names; a cut run ends with an ellipsis.
    Placeholders are never cut in half.
    """
    segments: list[Segment] = []
    budget, position, raw = limit, 0, text or ""
    for match in _SLOT.finditer(raw):
        budget = _add_plain(segments, raw[position : match.start()], budget)
        if budget <= 0:
            return segments
        name = one_line(match.group(1), 40)
        segments.append(Segment(name, slot=True))
        budget -= len(name)
        position = match.end()
    _add_plain(segments, raw[position:], budget)
    return segments


def _add_plain(segments: list[Segment], text: str, budget: int) -> int:
    if not text:
        return budget
    shown = truncate(text, budget)
    if shown:
        segments.append(Segment(shown, slot=False))
    return budget - len(text)


def template_view(row: Row) -> TemplateView:
    """The view of one row of templates.parquet."""
    slots = [
        capped_values(one_line(s.get("name"), 40), s.get("values"), limit=MAX_SLOT_VALUES)
        for s in (row.get("slots") or [])[:MAX_SLOT_VALUES]
    ]
    template_id = str(row.get("template_id") or "")
    return TemplateView(
        template_id=one_line(template_id, VALUE_CHARS),
        anchor=anchor_for("t", template_id),
        ad_count=as_int(row.get("ad_count")) or 0,
        segments=template_segments(row.get("text")),
        slots=slots,
        first_seen=format_day(row.get("first_seen")),
        last_seen=format_day(row.get("last_seen")),
        boilerplate_removed=[
            one_line(line, 160) for line in as_strings(row.get("boilerplate_removed"))[:5]
        ],
    )


# --- networks -------------------------------------------------------------------------------


def network_row(row: Row) -> NetworkRow:
    """A network's line in the rankings, from its row of networks.parquet."""
    last, prev = as_int(row.get("ads_last_30_days")), as_int(row.get("ads_prev_30_days"))
    cities = as_strings(row.get("cities"))
    places = ", ".join(one_line(c, 40) for c in cities[:3]) + (" …" if len(cities) > 3 else "")
    network_id = str(row.get("network_id") or "")
    return NetworkRow(
        network_id=one_line(network_id, VALUE_CHARS),
        anchor=anchor_for("n", network_id),
        ad_count=as_int(row.get("ad_count")) or 0,
        first_seen=format_day(row.get("first_seen")),
        last_seen=format_day(row.get("last_seen")),
        last_30=last,
        prev_30=prev,
        growth=None if last is None or prev is None else last - prev,
        risk=as_score(row.get("risk_score")),
        places=places,
    )


def evidence_list(row: Row) -> tuple[list[Evidence], int]:
    """The evidence joining a network's ads, most shared first, capped."""
    raw = [e for e in (row.get("evidence") or []) if e is not None]
    top = heapq.nsmallest(
        MAX_EVIDENCE,
        raw,
        key=lambda e: (-(as_int(e.get("ad_count")) or 0), str(e.get("kind")), str(e.get("value"))),
    )
    items = [
        Evidence(
            kind=one_line(e.get("kind"), 30),
            value=one_line(e.get("value"), VALUE_CHARS),
            ad_count=as_int(e.get("ad_count")) or 0,
            raw=_raw_if_changed(e.get("value")),
        )
        for e in top
    ]
    return items, _total(row, "evidence") - len(items)


def _raw_if_changed(value: Any) -> str:
    raw = "" if value is None else str(value)
    return "" if raw == one_line(raw, VALUE_CHARS) else raw[:RAW_CHARS]


def risk_reasons(row: Row) -> list[Reason]:
    """The reasons behind a network's risk score, largest contribution first, capped."""
    reasons = []
    for r in row.get("risk_reasons") or []:
        if r is None:
            continue
        contribution = as_score(abs(float(r.get("contribution") or 0.0))) or 0.0
        reasons.append(
            Reason(
                code=one_line(r.get("code"), 40),
                name=one_line(r.get("name"), 120),
                contribution=float(r.get("contribution") or 0.0),
                percent=round(contribution * 100, 1),
            )
        )
    reasons.sort(key=lambda r: -abs(r.contribution))
    return reasons[:MAX_REASONS]


@dataclass(frozen=True, slots=True)
class Movement:
    """A network's movement: table rows, map stops, cities without coordinates, ads with no city."""

    stops: list[Stop]
    more: int
    points: list[MapStop]
    unplaced: list[str]
    no_city_ads: int


def merged_moves(row: Row) -> tuple[list[dict[str, Any]], int]:
    """The stops with a known city, consecutive stays in one city merged, and the ads with none.

    An ad that names no city between two in the same city is not a move; dropping such stops
    keeps the movement about where the network went.
    """
    merged: list[dict[str, Any]] = []
    no_city = 0
    for m in row.get("movement") or []:
        if m is None:
            continue
        count = as_int(m.get("ad_count")) or 0
        if not m.get("city"):
            no_city += count
            continue
        if merged and (merged[-1]["city"], merged[-1]["country"]) == (m["city"], m.get("country")):
            merged[-1]["last_seen"] = m.get("last_seen") or merged[-1]["last_seen"]
            merged[-1]["ad_count"] += count
            continue
        merged.append({**m, "country": m.get("country"), "ad_count": count})
    return merged, no_city


def movement(row: Row, located: Mapping[PlaceKey, LatLon]) -> Movement:
    """The network's moves as table rows and map stops (located cities only), capped."""
    merged, no_city = merged_moves(row)
    cut = max(_total(row, "movement") - len(row.get("movement") or []), 0)
    stops, points, unplaced = [], [], []
    for m in merged[:MAX_MOVES]:
        where = located.get((m["city"], m["country"]))
        label = one_line(m["city"], 40)
        first, last = format_day(m.get("first_seen")), format_day(m.get("last_seen"))
        stops.append(
            Stop(
                city=label,
                country=one_line(m["country"], 8),
                first_seen=first,
                last_seen=last,
                ad_count=m["ad_count"],
                located=where is not None,
            )
        )
        if where is not None:
            points.append(MapStop(label, where[0], where[1], detail=f"{first} – {last}"))
        elif label not in unplaced:
            unplaced.append(label)
    more = max(len(merged) - MAX_MOVES, 0) + cut
    return Movement(stops, more, points, unplaced, no_city)


def movement_places(rows: Sequence[Row]) -> set[PlaceKey]:
    """Every (city, country) the movement of the given networks shows (to locate in one pass)."""
    return {(m["city"], m["country"]) for row in rows for m in merged_moves(row)[0][:MAX_MOVES]}


def ad_view(ad: Row) -> AdView:
    """One sample ad, cleaned and truncated for display."""
    return AdView(
        ad_id=one_line(str(ad.get("id") or ""), VALUE_CHARS),
        version=as_int(ad.get("version")) or 1,
        posted_at=format_moment(ad.get("posted_at")),
        site=one_line(ad.get("site"), 60),
        city=one_line(", ".join(as_strings([ad.get("city"), ad.get("country")])), 60),
        title=one_line(ad.get("title"), TITLE_CHARS),
        body=truncate(ad.get("body"), BODY_CHARS),
        url=one_line(ad.get("url"), 200),
        template_id=one_line(ad.get("template_id"), VALUE_CHARS),
    )


def network_view(
    row: Row,
    *,
    days: Mapping[date, int],
    graph_ads: Sequence[Row],
    sample_ads: Sequence[Row],
    templates: Mapping[str, TemplateView],
    located: Mapping[PlaceKey, LatLon],
) -> NetworkView:
    """Everything shown for one network, from its networks.parquet row and some of its ads.

    `days` counts its ads per posting day (for the timeline); `graph_ads` is a sample
    (at most MAX_GRAPH_ADS) for the link graph; `sample_ads` the few ads shown in full.
    """
    base = network_row(row)
    evidence, evidence_more = evidence_list(row)
    moves = movement(row, located)
    tpl_ids = as_strings(row.get("template_ids"))
    tpls = sorted(
        (templates[t] for t in tpl_ids if t in templates), key=lambda t: (-t.ad_count, t.anchor)
    )
    return NetworkView(
        row=base,
        identifiers=[
            capped_values(label, row.get(col), total=_total(row, col))
            for col, label in IDENTIFIER_COLUMNS
        ],
        evidence=evidence,
        evidence_more=evidence_more,
        moves=moves.stops,
        moves_more=moves.more,
        reasons=risk_reasons(row),
        timeline=timeline_svg(days),
        movement=movement_svg(moves.points),
        graph=link_graph(
            graph_ads,
            [(e.kind, e.key) for e in evidence],
            total_ads=max(base.ad_count, len(graph_ads)),
        ),
        templates=tpls[:MAX_TEMPLATES_PER_NETWORK],
        template_more=max(_total(row, "template_ids") - MAX_TEMPLATES_PER_NETWORK, 0),
        ads=[ad_view(ad) for ad in sample_ads[:MAX_SAMPLE_ADS]],
        ads_shown_of=base.ad_count,
        unplaced=moves.unplaced,
        no_city_ads=moves.no_city_ads,
    )
