"""DIR/report.html: one self-contained page about the corpus and its networks.

The page loads nothing: styles are inline, charts are inline SVG, there is no script, and a
Content-Security-Policy meta tag forbids every request and every script, so even text that
slipped through escaping could neither run nor phone home. All ad text goes through Jinja2
autoescaping (SVG text through `markupsafe.escape`) and is truncated; every list is capped,
so a corpus of a million ads still yields a page of a few megabytes at most.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2
import pyarrow as pa

from lightkeeper import __version__
from lightkeeper.ads.report.charts import KIND_COLOURS
from lightkeeper.ads.report.corpus import CorpusView, corpus_view
from lightkeeper.ads.report.geo import locate_cities
from lightkeeper.ads.report.load import (
    AD_LIGHT_COLUMNS,
    RANK_COLUMNS,
    NetworkAds,
    network_ads,
    parquet_columns,
    rank_networks,
    read_columns,
    read_summary,
    rows_by,
    structure_counts,
)
from lightkeeper.ads.report.views import (
    MAX_GRAPH_ADS,
    MAX_SAMPLE_ADS,
    MAX_TEMPLATES_PER_NETWORK,
    NetworkView,
    Ranking,
    TemplateView,
    movement_places,
    network_row,
    network_view,
    template_view,
)
from lightkeeper.errors import OutputError

MAX_TOP = 50  # per ranking: at most 150 networks, a few MB
AD_FULL_COLUMNS = (
    *("id", "version", "site", "posted_at", "city", "country", "title", "body", "url"),
    *("phones", "emails", "handles", "image_hashes", "template_id", "network_id"),
)
# The page may load nothing and run nothing; base-uri and form-action are not covered by
# default-src, so they are closed too.
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)

RANKING_TEXT = {
    "risk": ("Highest-risk networks", "Ordered by risk score (0 to 1); reasons in each network."),
    "largest": ("Largest networks", "Ordered by number of ads."),
    "growing": (
        "Fastest-growing networks",
        "Ads in the last 30 days minus ads in the 30 days before (relative to the newest ad).",
    ),
}


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything the report template lays out."""

    title: str
    version: str
    corpus: CorpusView
    rankings: list[Ranking]
    networks: list[NetworkView]
    templates: list[TemplateView]
    has_risk: bool
    notes: list[str]
    csp: str = CSP
    kind_colours: list[tuple[str, str]] = field(
        default_factory=lambda: [(k, v) for k, v in KIND_COLOURS.items() if k != "other"]
    )


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    source = (
        files("lightkeeper.ads.report")
        .joinpath("templates", "report.html.j2")
        .read_text(encoding="utf-8")
    )
    env = jinja2.Environment(
        autoescape=True,  # ad text is hostile: every value is escaped unless it is Markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = _num
    return env.from_string(source)


def _num(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def render_html(data: ReportData) -> str:
    """The report page for the given data (pure: no I/O)."""
    return _template().render(data=data)


def render_report(out_dir: Path, *, top: int = 20) -> Path:
    """Write out_dir/report.html from the outputs of `lightkeeper analyze` and return its path.

    Reads ads.parquet, networks.parquet, templates.parquet and summary.json from `out_dir`;
    any of them may be absent or lack optional columns (risk_score, risk_reasons, template_id),
    and the report then says what is missing. Shows `top` networks per ranking (at most 50).
    Raises InputError for an unreadable input and OutputError when the page cannot be written.
    """
    data = load_report_data(out_dir, top=min(max(top, 1), MAX_TOP))
    path = out_dir / "report.html"
    tmp = out_dir / "report.html.tmp"
    try:
        tmp.write_text(render_html(data), encoding="utf-8")
        tmp.replace(path)
    except OSError as e:
        raise OutputError(f"{path}: cannot write the report: {e.strerror or e}") from e
    return path


def load_report_data(out_dir: Path, *, top: int) -> ReportData:
    """Read what the report shows from an output folder (see `render_report`)."""
    ads_path, nets_path = out_dir / "ads.parquet", out_dir / "networks.parquet"
    tpl_path = out_dir / "templates.parquet"
    notes = [f"{p.name} is missing." for p in (ads_path, nets_path, tpl_path) if not p.exists()]
    summary = read_summary(out_dir / "summary.json")
    if not summary:
        notes.append("summary.json is missing or empty.")
    light = read_columns(nets_path, RANK_COLUMNS)
    tpl_counts = read_columns(tpl_path, ("template_id", "ad_count"))
    ranks = rank_networks(light, top=top)
    net_rows = _network_rows(nets_path, _ordered_union(ranks))
    corpus_tpls, tpl_ids = _templates_to_show(tpl_counts, net_rows.values(), top=top)
    tpl_table = read_columns(tpl_path, parquet_columns(tpl_path), where=("template_id", tpl_ids))
    templates = {key: template_view(row) for key, row in rows_by(tpl_table, "template_id").items()}
    return ReportData(
        title="Lightkeeper report",
        version=__version__,
        corpus=corpus_view(summary, structure=structure_counts(light, tpl_counts)),
        rankings=[
            Ranking(key, *RANKING_TEXT[key], rows=[network_row(net_rows[i]) for i in ids])
            for key, ids in ranks.items()
        ],
        networks=_network_views(ads_path, list(net_rows.values()), templates),
        templates=[templates[t] for t in corpus_tpls if t in templates],
        has_risk="risk" in ranks,
        notes=notes,
    )


def _ordered_union(ranks: dict[str, list[str]]) -> list[str]:
    # Rankings come risk first when scored, so detail sections follow risk when there is one.
    return list(dict.fromkeys(i for ids in ranks.values() for i in ids))


def _network_rows(path: Path, ids: list[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    rows = rows_by(
        read_columns(path, parquet_columns(path), where=("network_id", ids)), "network_id"
    )
    return {i: rows[i] for i in ids if i in rows}


def _templates_to_show(
    counts: pa.Table, networks: Iterable[Mapping[str, Any]], *, top: int
) -> tuple[list[str], set[str]]:
    """The corpus' largest templates (in order) and every template id the report shows."""
    if counts.num_rows == 0:
        return [], set()
    size = dict(
        zip(
            (str(t) for t in counts.column("template_id").to_pylist()),
            (int(n or 0) for n in counts.column("ad_count").to_pylist()),
            strict=True,
        )
    )
    corpus = sorted(size, key=lambda t: (-size[t], t))[:top]
    wanted = set(corpus)
    for row in networks:
        ids = [str(t) for t in row.get("template_ids") or [] if t is not None]
        wanted.update(sorted(ids, key=lambda t: (-size.get(t, 0), t))[:MAX_TEMPLATES_PER_NETWORK])
    return corpus, wanted


def _network_views(
    ads_path: Path, rows: list[dict[str, Any]], templates: Mapping[str, TemplateView]
) -> list[NetworkView]:
    ids = [str(r["network_id"]) for r in rows]
    light = read_columns(ads_path, AD_LIGHT_COLUMNS, where=("network_id", ids))
    by_net = network_ads(light, spread=MAX_GRAPH_ADS, newest=MAX_SAMPLE_ADS)
    wanted = {ad_id for n in by_net.values() for ad_id, _ in n.spread + n.newest}
    full = read_columns(ads_path, AD_FULL_COLUMNS, where=("id", wanted)) if wanted else None
    ads = {
        (str(r["id"]), int(r.get("version") or 1)): r for r in (full.to_pylist() if full else [])
    }
    located = locate_cities(movement_places(rows))
    empty = NetworkAds({}, [], [])
    views = []
    for row, net in zip(rows, ids, strict=True):
        sampled = by_net.get(net, empty)
        views.append(
            network_view(
                row,
                days=sampled.days,
                graph_ads=[ads[k] for k in sampled.spread if k in ads],
                sample_ads=[ads[k] for k in sampled.newest if k in ads],
                templates=templates,
                located=located,
            )
        )
    return views
