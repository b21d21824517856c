"""Inline SVG charts for the report: a timeline, a movement map and a link graph.

Each chart is a pure function from plain values to an SVG string (`markupsafe.Markup`, so
Jinja2 inserts it as is). Every piece of text drawn is escaped with `markupsafe.escape`, no
chart refers to anything outside itself (no ids, no external hrefs, no scripts), and every
input is capped so a chart stays a few kilobytes whatever the network's size.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import networkx as nx
from markupsafe import Markup, escape

from lightkeeper.ads.report.text import one_line

MAX_BINS = 60
MAX_STOPS = 40
MAX_GRAPH_NODES = 80
MAX_GRAPH_LABELS = 6
LABEL_CHARS = 24

KIND_COLOURS = {
    "phone": "#c0392b",
    "email": "#2471a3",
    "handle": "#7d3c98",
    "image": "#1e8449",
    "template": "#d68910",
    "ad": "#5d6d7e",
    "other": "#7f8c8d",
}

_BAR_COLOUR = "#2e6f9e"
_AXIS_COLOUR = "#8a96a3"
_GRID_COLOUR = "#dfe4ea"
_ROUTE_COLOUR = "#b03a2e"


@dataclass(frozen=True, slots=True)
class Bin:
    """One bar of a timeline: the period it starts at, its label and how many ads fell in it."""

    start: date
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class MapStop:
    """One stop of a network's movement, in time order: where and a label to show."""

    label: str
    lat: float
    lon: float
    detail: str = ""


@dataclass(frozen=True, slots=True)
class GraphNode:
    """A node of a link graph: ads or an identifier (kind is a `KIND_COLOURS` key).

    An "ad" node may stand for `weight` ads that link alike; it is drawn larger, marked ×weight.
    """

    kind: str
    label: str
    weight: int = 1


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" '
        f'class="chart"><title>{escape(title)}</title>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _text(x: float, y: float, text: str, *, anchor: str = "start", cls: str = "lbl") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{cls}">{escape(text)}</text>'
    )


def _empty(width: int, height: int, title: str, message: str) -> Markup:
    return _svg(width, height, title, [_text(width / 2, height / 2, message, anchor="middle")])


# --- timeline -------------------------------------------------------------------------------


def _as_date(moment: datetime | date) -> date:
    if isinstance(moment, datetime):
        return (moment.astimezone(UTC) if moment.tzinfo else moment).date()
    return moment


def _period_start(day: date, unit: str) -> date:
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(month=1, day=1)


def _next_period(start: date, unit: str) -> date:
    if unit == "day":
        return start + timedelta(days=1)
    if unit == "week":
        return start + timedelta(days=7)
    months = {"month": 1, "quarter": 3}.get(unit, 12)
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _period_label(start: date, unit: str) -> str:
    if unit in ("day", "week"):
        return start.isoformat()
    if unit == "month":
        return start.strftime("%Y-%m")
    if unit == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


def _periods(first: date, last: date, unit: str, limit: int) -> list[date]:
    starts: list[date] = []
    current = _period_start(first, unit)
    while current <= last and len(starts) <= limit:
        starts.append(current)
        current = _next_period(current, unit)
    return starts


def count_days(moments: Iterable[datetime | date]) -> Counter[date]:
    """How many of the moments fall on each day (UTC)."""
    return Counter(_as_date(m) for m in moments)


def timeline_bins(days: Mapping[date, int], *, max_bins: int = MAX_BINS) -> list[Bin]:
    """Ad counts per day, week, month, quarter or year: the finest unit giving <= max_bins bars.

    `days` maps a day to its number of ads (see `count_days`). Periods without ads are
    included (as zero bars) so gaps in activity show.
    """
    dated = sorted(d for d, n in days.items() if n > 0)
    if not dated:
        return []
    for unit in ("day", "week", "month", "quarter", "year"):
        starts = _periods(dated[0], dated[-1], unit, max_bins)
        if len(starts) <= max_bins or unit == "year":
            break
    counts = dict.fromkeys(starts, 0)
    for day in dated:
        start = _period_start(day, unit)
        if start in counts:
            counts[start] += days[day]
    return [Bin(start, _period_label(start, unit), n) for start, n in counts.items()]


def timeline_svg(days: Mapping[date, int], *, width: int = 1080, height: int = 130) -> Markup:
    """A bar chart of when a network's ads were posted: `days` as `timeline_bins` takes it."""
    bins = timeline_bins(days)
    title = "Ads over time"
    if not bins:
        return _empty(width, height, title, "no dated ads")
    left, right, top, bottom = 36, 8, 10, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(b.count for b in bins)
    step = plot_w / len(bins)
    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        f'stroke="{_AXIS_COLOUR}"/>',
        _text(left - 4, top + 8, str(peak), anchor="end"),
        _text(left - 4, top + plot_h, "0", anchor="end"),
    ]
    for i, b in enumerate(bins):
        bar_h = plot_h * b.count / peak if peak else 0
        x = left + i * step + step * 0.1
        body.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" width="{max(step * 0.8, 1):.1f}" '
            f'height="{bar_h:.1f}" fill="{_BAR_COLOUR}"><title>'
            f"{escape(b.label)}: {b.count} ads</title></rect>"
        )
    for i in sorted({0, len(bins) // 2, len(bins) - 1}):
        anchor = "start" if i == 0 else "end" if i == len(bins) - 1 else "middle"
        x = left + (i + (0 if anchor == "start" else 1 if anchor == "end" else 0.5)) * step
        body.append(_text(x, height - 6, bins[i].label, anchor=anchor))
    return _svg(width, height, title, body)


# --- movement map ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Frame:
    """An equirectangular window onto the globe, fitted to a width and height in pixels."""

    lon0: float
    lat1: float
    scale: float  # pixels per degree of latitude
    xscale: float  # pixels per degree of longitude (scale times cos of the mid latitude)
    width: int
    height: int

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        return (lon - self.lon0) * self.xscale, (self.lat1 - lat) * self.scale


def _frame(stops: Sequence[MapStop], width: int, height: int) -> _Frame:
    """Fit the stops into the map, leaving room on the right for city labels."""
    left, right, top, bottom = 24, 96, 16, 22
    inner_w, inner_h = width - left - right, height - top - bottom
    lats, lons = [s.lat for s in stops], [s.lon for s in stops]
    mid_lat, mid_lon = (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2
    squash = max(math.cos(math.radians(mid_lat)), 0.2)
    # A floor on the span so one city does not fill the map; the smaller scale keeps the aspect.
    lat_span = max(max(lats) - min(lats), 2.0)
    lon_span = max(max(lons) - min(lons), 2.0 / squash)
    scale = min(inner_h / lat_span, inner_w / (lon_span * squash))
    return _Frame(
        lon0=mid_lon - (left + inner_w / 2) / (scale * squash),
        lat1=mid_lat + (top + inner_h / 2) / scale,
        scale=scale,
        xscale=scale * squash,
        width=width,
        height=height,
    )


def _graticule_step(span: float) -> float:
    for step in (0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 45.0):
        if span / step <= 8:
            return step
    return 90.0


def _degrees(value: float, positive: str, negative: str) -> str:
    hemisphere = positive if value >= 0 else negative
    return f"{abs(value):g}°{hemisphere}"


def _graticule(frame: _Frame) -> list[str]:
    lon_span = frame.width / frame.xscale
    lat_span = frame.height / frame.scale
    step = _graticule_step(max(lon_span, lat_span))
    lines: list[str] = []
    lon = math.ceil(frame.lon0 / step) * step
    while lon <= frame.lon0 + lon_span:
        x, _ = frame.xy(0, lon)
        lines.append(
            f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{frame.height}" stroke="{_GRID_COLOUR}"/>'
        )
        lines.append(_text(x + 2, frame.height - 4, _degrees(lon, "E", "W"), cls="grid"))
        lon += step
    lat = math.floor(frame.lat1 / step) * step
    while lat >= frame.lat1 - lat_span:
        _, y = frame.xy(lat, 0)
        lines.append(
            f'<line x1="0" y1="{y:.1f}" x2="{frame.width}" y2="{y:.1f}" stroke="{_GRID_COLOUR}"/>'
        )
        lines.append(_text(2, y - 2, _degrees(lat, "N", "S"), cls="grid"))
        lat -= step
    return lines


def _arrow(p: tuple[float, float], q: tuple[float, float], order: int, note: str) -> str:
    """A curved arrow from p to q (bent to the left, so A->B and B->A stay apart)."""
    dx, dy = q[0] - p[0], q[1] - p[1]
    length = math.hypot(dx, dy)
    if length < 1:
        return ""
    ux, uy = dx / length, dy / length
    cx, cy = (p[0] + q[0]) / 2 + uy * length * 0.15, (p[1] + q[1]) / 2 - ux * length * 0.15
    # End the curve at the edge of the destination dot; the head points along the last tangent.
    tx, ty = q[0] - cx, q[1] - cy
    tl = math.hypot(tx, ty) or 1.0
    tx, ty = tx / tl, ty / tl
    tip = (q[0] - tx * 5, q[1] - ty * 5)
    base = (tip[0] - tx * 8, tip[1] - ty * 8)
    left = (base[0] - ty * 4, base[1] + tx * 4)
    right = (base[0] + ty * 4, base[1] - tx * 4)
    mx, my = 0.25 * p[0] + 0.5 * cx + 0.25 * q[0], 0.25 * p[1] + 0.5 * cy + 0.25 * q[1]
    return (
        f"<g><title>{escape(note)}</title>"
        f'<path d="M{p[0]:.1f},{p[1]:.1f} Q{cx:.1f},{cy:.1f} {base[0]:.1f},{base[1]:.1f}" '
        f'fill="none" stroke="{_ROUTE_COLOUR}" stroke-width="1.5" opacity="0.8"/>'
        f'<polygon points="{tip[0]:.1f},{tip[1]:.1f} {left[0]:.1f},{left[1]:.1f} '
        f'{right[0]:.1f},{right[1]:.1f}" fill="{_ROUTE_COLOUR}"/>'
        f"{_text(mx, my - 3, str(order), anchor='middle', cls='step')}</g>"
    )


def movement_svg(stops: Sequence[MapStop], *, width: int = 520, height: int = 300) -> Markup:
    """A map of a network's moves between cities: a lon/lat graticule, labelled dots, arrows.

    `stops` are in time order (the first `MAX_STOPS` are drawn); a city visited twice is one
    dot with arrows in and out. Plain equirectangular projection, no base map: it needs
    nothing from the network.
    """
    title = "Movement between cities"
    stops = list(stops[:MAX_STOPS])
    if not stops:
        return _empty(width, height, title, "no located cities")
    frame = _frame(stops, width, height)
    body = _graticule(frame)
    points = [frame.xy(s.lat, s.lon) for s in stops]
    step = 0
    for i in range(1, len(stops)):
        if points[i] != points[i - 1]:
            step += 1
            note = f"{step}. {one_line(stops[i - 1].label, 40)} → {one_line(stops[i].label, 40)}"
            body.append(_arrow(points[i - 1], points[i], step, note))
    seen: set[tuple[float, float]] = set()
    for stop, (x, y) in zip(stops, points, strict=True):
        if (x, y) in seen:
            continue
        seen.add((x, y))
        tip = one_line(f"{stop.label} {stop.detail}", 120)
        body.append(
            f'<g><title>{escape(tip)}</title><circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" '
            f'fill="#1b2631" stroke="#fff" stroke-width="1.5"/>'
            f"{_text(x + 7, y + 4, one_line(stop.label, LABEL_CHARS), cls='city')}</g>"
        )
    return _svg(width, height, title, body)


# --- link graph -----------------------------------------------------------------------------


def graph_layout(
    n_nodes: int, links: Sequence[tuple[int, int]], *, seed: int = 7
) -> list[tuple[float, float]]:
    """Positions in [0, 1]² for a graph's nodes (networkx spring layout, fixed seed).

    A hidden hub pulls every node weakly towards the middle, so a lone node or a small
    separate component does not fly off and squeeze the rest into a corner.
    """
    if n_nodes == 0:
        return []
    if n_nodes == 1:
        return [(0.5, 0.5)]
    graph = nx.Graph()
    graph.add_nodes_from(range(n_nodes + 1))
    graph.add_edges_from(links, weight=1.0)
    graph.add_edges_from(((n_nodes, i) for i in range(n_nodes)), weight=0.05)
    pos = nx.spring_layout(graph, seed=seed, k=1.2 / math.sqrt(n_nodes), iterations=100)
    xs = [float(pos[i][0]) for i in range(n_nodes)]
    ys = [float(pos[i][1]) for i in range(n_nodes)]
    x0, y0 = min(xs), min(ys)
    sx, sy = (max(xs) - x0) or 1.0, (max(ys) - y0) or 1.0
    return [((x - x0) / sx, (y - y0) / sy) for x, y in zip(xs, ys, strict=True)]


def _labelled(nodes: Sequence[GraphNode], links: Sequence[tuple[int, int]]) -> set[int]:
    """The identifier nodes that get a text label: the most linked few (others: tooltip only)."""
    degree: Counter[int] = Counter(i for link in links for i in link)
    named = [i for i, node in enumerate(nodes) if node.kind != "ad"]
    named.sort(key=lambda i: (-degree[i], i))
    return set(named[:MAX_GRAPH_LABELS])


def _radius(node: GraphNode) -> float:
    if node.kind != "ad":
        return 6.0
    return min(3.5 + 2.2 * math.sqrt(node.weight - 1), 14.0)


def link_graph_svg(
    nodes: Sequence[GraphNode],
    links: Sequence[tuple[int, int]],
    *,
    width: int = 520,
    height: int = 300,
    note: str = "",
) -> Markup:
    """A small graph of how a network's ads link: ad dots joined to the identifiers they share.

    `links` index into `nodes`. Beyond `MAX_GRAPH_NODES` nodes the rest are dropped (the
    caller samples ads first and says so in `note`, drawn under the graph).
    """
    title = "How the ads link"
    nodes = list(nodes[:MAX_GRAPH_NODES])
    links = [(a, b) for a, b in links if a < len(nodes) and b < len(nodes) and a != b]
    if not nodes:
        return _empty(width, height, title, "no ads")
    pad, foot = 16, 18 if note else 0
    raw = graph_layout(len(nodes), links)
    pos = [(pad + x * (width - 2 * pad), pad + y * (height - 2 * pad - foot)) for x, y in raw]
    # All edges as one path: a tenth of the bytes of one <line> per edge.
    edges = "".join(
        f"M{pos[a][0]:.0f} {pos[a][1]:.0f}L{pos[b][0]:.0f} {pos[b][1]:.0f}" for a, b in links
    )
    body = [f'<path d="{edges}" stroke="#aab7c4" stroke-width="1" fill="none"/>'] if edges else []
    labelled = _labelled(nodes, links)
    for i, (node, (x, y)) in enumerate(zip(nodes, pos, strict=True)):
        colour = KIND_COLOURS.get(node.kind, KIND_COLOURS["other"])
        radius = _radius(node)
        tip = one_line(f"{node.kind}: {node.label}", 160)
        if node.kind != "ad" and i not in labelled:
            label = ""
        elif node.kind != "ad":
            # Labels face inwards so they stay inside the picture.
            side, anchor = (-1, "end") if x > width * 0.6 else (1, "start")
            text = one_line(node.label, 18)
            label = _text(x + side * (radius + 2), y + 3, text, anchor=anchor, cls="node")
        else:
            label = _text(x, y + 3, f"×{node.weight}", anchor="middle", cls="count")
            label = label if node.weight > 1 else ""
        body.append(
            f'<g><title>{escape(tip)}</title><circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" '
            f'fill="{colour}" stroke="#fff" stroke-width="1"/>{label}</g>'
        )
    if note:
        body.append(_text(pad, height - 4, one_line(note, 80), cls="grid"))
    return _svg(width, height, title, body)
