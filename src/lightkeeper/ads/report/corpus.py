"""The corpus summary of the report, from summary.json (whatever keys it has)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lightkeeper.ads.report.fmt import VALUE_CHARS, as_int
from lightkeeper.ads.report.text import capped, one_line

MAX_HUBS = 50
MAX_SUMMARY_ITEMS = 30
MAX_WARNINGS = 10


@dataclass(frozen=True, slots=True)
class Hub:
    """A hub identifier the linker refused to link on."""

    identifier: str
    kind: str
    reason: str
    details: str


@dataclass(frozen=True, slots=True)
class CorpusView:
    """The corpus summary: counts, accounting, quarantine reasons, identifiers and hubs."""

    counts: list[tuple[str, str]]
    accounting: str
    quarantine: list[tuple[str, int]]
    identifiers: list[tuple[str, int, int, str]]
    hubs: list[Hub]
    hubs_more: int
    structure: list[tuple[str, str]]
    timings: list[tuple[str, str]]
    warnings: list[str]


def _number(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4g}"
    return one_line(str(value), VALUE_CHARS)


def _find_hubs(summary: Mapping[str, Any]) -> list[Any]:
    if isinstance(summary.get("hubs"), list):
        return list(summary["hubs"])
    for value in summary.values():
        if isinstance(value, Mapping) and isinstance(value.get("hubs"), list):
            return list(value["hubs"])
    return []


def hub_view(item: Any) -> Hub:
    """A hub identifier from the summary (a dict with identifier/kind/reason, or a plain value)."""
    if not isinstance(item, Mapping):
        return Hub(one_line(str(item), VALUE_CHARS), "", "", "")
    identifier = item.get("identifier", item.get("value", ""))
    rest = {k: v for k, v in item.items() if k not in ("identifier", "value", "kind", "reason")}
    stats = rest.pop("stats", None)
    if isinstance(stats, Mapping):
        rest.update(stats)
    details = ", ".join(f"{k}={_number(v)}" for k, v in list(rest.items())[:8])
    return Hub(
        identifier=one_line(str(identifier), VALUE_CHARS),
        kind=one_line(str(item.get("kind") or ""), 30),
        reason=one_line(str(item.get("reason") or ""), 200),
        details=one_line(details, 300),
    )


def corpus_view(summary: Mapping[str, Any], *, structure: list[tuple[str, str]]) -> CorpusView:
    """The corpus summary from summary.json (tolerating absent keys) and network/template counts."""
    counts = summary.get("counts") or {}
    reasons = summary.get("quarantine_reasons") or {}
    idents = summary.get("identifiers") or {}
    raw_hubs, hubs_more = capped(_find_hubs(summary), MAX_HUBS)
    timings = summary.get("timings_seconds") or {}
    return CorpusView(
        counts=[
            (one_line(str(k).replace("_", " "), 40), _number(v))
            for k, v in list(counts.items())[:MAX_SUMMARY_ITEMS]
        ],
        accounting=one_line(str(summary.get("accounting") or ""), 300),
        quarantine=[
            (one_line(str(k), 120), as_int(v) or 0)
            for k, v in list(reasons.items())[:MAX_SUMMARY_ITEMS]
        ],
        identifiers=[
            (
                one_line(str(kind), 30),
                as_int(info.get("ads_with_any")) or 0,
                as_int(info.get("distinct")) or 0,
                one_line(", ".join(_top_entry(t) for t in (info.get("top") or [])[:5]), 300),
            )
            for kind, info in list(idents.items())[:MAX_SUMMARY_ITEMS]
            if isinstance(info, Mapping)
        ],
        hubs=[hub_view(h) for h in raw_hubs],
        hubs_more=hubs_more,
        structure=structure,
        timings=[
            (one_line(str(k), 40), _number(v)) for k, v in list(timings.items())[:MAX_SUMMARY_ITEMS]
        ],
        warnings=[_warning_text(w) for w in (summary.get("warnings") or [])[:MAX_WARNINGS]],
    )


def _warning_text(warning: Any) -> str:
    if isinstance(warning, Mapping):
        where = f"{warning.get('file', '')}:{warning.get('line', '')}"
        return one_line(f"{where}: {warning.get('warning', '')}", 200)
    return one_line(str(warning), 200)


def _top_entry(entry: Any) -> str:
    if isinstance(entry, list | tuple) and len(entry) == 2:
        return f"{one_line(str(entry[0]), 60)} ({_number(entry[1])})"
    return one_line(str(entry), 60)
