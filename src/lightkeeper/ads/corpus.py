"""The corpus-wide stages of `analyze`: templates, linking, networks, risk, report.

They run after the per-ad stages have written ads.parquet: each needs the whole corpus (a
template or a network spans ads from anywhere in the input). This module reads ads.parquet
back, calls the pure stage functions in order and writes their results.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, is_dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.parquet as pq

from lightkeeper.ads.indicators import Catalogue, load_catalogue, score_ads, score_networks
from lightkeeper.ads.indicators.combine import with_network_context
from lightkeeper.ads.link.config import LinkConfig
from lightkeeper.ads.link.link import LinkResult, link_ads
from lightkeeper.ads.networks import summarise_networks
from lightkeeper.ads.templates.cluster import (
    Engine,
    TemplateGroups,
    TemplateResult,
    group_templates,
)
from lightkeeper.engine.local import LocalEngine
from lightkeeper.engine.memory import peak_rss_mb, trim_heap

T = TypeVar("T")
# What the engine's workers run in the corpus stages: imported once by the server process the
# renewed workers come from (see `LocalEngine.renew`).
WORKER_MODULES = ("lightkeeper.ads.templates.cluster",)
MAX_HUBS_LISTED = 200
MAX_BOILERPLATE_LISTED = 50


@dataclass(frozen=True, slots=True)
class CorpusOptions:
    """Options of the corpus-wide stages."""

    link: LinkConfig = field(default_factory=LinkConfig)
    catalogue_path: Path | None = None
    report: bool = True


@dataclass(slots=True)
class _Stages:
    """Seconds spent in each corpus stage and the peak memory of this process after it."""

    seconds: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: dict[str, float | None] = field(default_factory=dict)

    def add(self, stage: str, started: float) -> None:
        """Count the time since `started` (perf_counter) to `stage`; note the peak memory."""
        spent = self.seconds.get(stage, 0.0) + time.perf_counter() - started
        self.seconds[stage] = round(spent, 4)
        self.peak_rss_mb[stage] = peak_rss_mb()


def _timed(timings: _Stages, stage: str, fn: Callable[[], T]) -> T:
    t0 = time.perf_counter()
    result = fn()
    timings.add(stage, t0)
    return result


# What each corpus stage reads from the per-ad table: the stages never hold the whole table (at a
# million ads the text and the reasons alone are ~600 MB); the final write streams the per-ad
# table back in batches and joins the corpus results onto it row by row.
TEMPLATE_COLUMNS = ("id", "version", "title", "body", "posted_at", "city")
_NOT_FOR_STRUCTURE = frozenset({"title", "body", "url", "source", "extra", "risk_reasons"})
WRITE_BATCH_ROWS = 65_536


def run_corpus_stages(
    out_dir: Path, *, options: CorpusOptions, engine: Engine | None = None
) -> dict[str, Any]:
    """Templates, links, networks and risk for the ads in out_dir/ads.parquet.

    `engine` (see `lightkeeper.engine.local.LocalEngine`) runs the stages' batch work on its
    workers; the outputs do not depend on it. A `LocalEngine` is closed once the templates are
    described (the last steps run here, and its workers' memory is given back).

    Rewrites ads.parquet with template_id, network_id, indicators, risk_score and risk_reasons;
    writes templates.parquet and networks.parquet; returns what the summary should add.
    """
    timings = _Stages()
    source = out_dir / "ads.parquet"
    catalogue = _timed(timings, "load_catalogue", lambda: load_catalogue(options.catalogue_path))
    names = pq.read_schema(source).names
    groups = _timed(
        timings,
        "templates",
        # The text (half the memory at this point) is let go once tokenised and read again
        # for describing.
        lambda: group_templates(
            _read_contiguous(source, TEMPLATE_COLUMNS), engine=engine, keep_text=False
        ),
    )
    # Linking needs only the template ids: this process links and builds networks while a
    # thread has the templates described on the engine's workers. Risk and the rewrite of
    # ads.parquet wait for the describing to end, so their memory and its are not held at once.
    if isinstance(engine, LocalEngine):
        # Fresh workers for describing (what grouping left in the old ones is given back),
        # started here, before the describing thread starts.
        engine.renew()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="describe") as describer:
        described = describer.submit(_described, groups, source)
        structure, link, networks = _link_stages(
            source, names, groups.template_ids, options=options, timings=timings
        )
        templates = _timed(timings, "describe_wait", described.result)
    del groups, described
    if isinstance(engine, LocalEngine):
        engine.close()  # risk and the rewrite run here: the workers' memory is given back
    release_memory()
    network_ids = pa.array(link.network_ids, pa.string())
    t0 = time.perf_counter()
    networks = _network_risk(source, structure, network_ids, networks, catalogue)
    timings.add("risk", t0)
    del structure
    template_ids = pa.array(templates.template_ids, pa.string())
    _timed(
        timings,
        "write",
        lambda: _write_streamed(
            out_dir,
            source,
            ids=(template_ids, network_ids),
            networks=networks,
            templates=templates.templates,
            catalogue=catalogue,
        ),
    )
    return _corpus_summary(timings, templates, networks, link)


def _described(groups: TemplateGroups, source: Path) -> TemplateResult:
    """The templates of `groups`, described with their text read again from `source`."""
    return groups.describe(_read_contiguous(source, ("title", "body")))


def _link_stages(
    source: Path,
    names: Sequence[str],
    template_ids: list[str | None],
    *,
    options: CorpusOptions,
    timings: _Stages,
) -> tuple[pa.Table, LinkResult, pa.Table]:
    """Link and networks over the columns they read (no text, no reasons)."""
    t0 = time.perf_counter()
    structure = _read_contiguous(source, [n for n in names if n not in _NOT_FOR_STRUCTURE])
    timings.add("read_ads", t0)
    link = _timed(timings, "link", lambda: link_ads(structure, template_ids, config=options.link))
    networks = _timed(
        timings,
        "networks",
        lambda: summarise_networks(structure, link.network_ids, template_ids, link),
    )
    # The evidence edges are in the networks table now; the summary needs only the hubs.
    link = replace(link, edges=link.edges.schema.empty_table())
    release_memory()
    return structure, link, networks


def _network_risk(
    source: Path,
    structure: pa.Table,
    network_ids: pa.Array,
    networks: pa.Table,
    catalogue: Catalogue,
) -> pa.Table:
    """`networks` with their risk columns, from the ads' network ids and reasons."""
    ads = structure.append_column("network_id", network_ids)
    ads = ads.append_column("risk_reasons", _reason_evidence(source))
    return _scored_networks(ads, networks, catalogue)


# What network risk reads of each ad's reasons (their names and weights come from the catalogue).
_REASON_FIELDS = ("code", "evidence")


def _reason_evidence(path: Path) -> pa.ChunkedArray:
    """Each ad's risk reasons with only the fields network risk reads: a third less to hold
    than the whole reasons (their names repeat in every ad). One chunk where it fits."""
    parquet = pq.ParquetFile(path)
    leaves = [
        column.path
        for column in (parquet.schema.column(i) for i in range(parquet.metadata.num_columns))
        if column.path.startswith("risk_reasons.") and column.name in _REASON_FIELDS
    ]
    return _contiguous(parquet.read(columns=leaves)).column("risk_reasons")


def _corpus_summary(
    timings: _Stages, templates: TemplateResult, networks: pa.Table, link: LinkResult
) -> dict[str, Any]:
    return {
        "corpus_stages_seconds": timings.seconds,
        "corpus_stages_peak_rss_mb": timings.peak_rss_mb,
        "templates": _templates_summary(templates),
        "networks": _networks_summary(networks),
        "hubs": _hubs_summary(link),
    }


def _read(path: Path, columns: Sequence[str]) -> pa.Table:
    return pq.read_table(path, columns=list(columns))


# Arrow string arrays hold at most 2 GiB of text in one chunk.
_MAX_CONTIGUOUS_BYTES = 1 << 30


def _read_contiguous(path: Path, columns: Sequence[str]) -> pa.Table:
    """The columns with each in one chunk where it fits: taking scattered rows from a column of
    many chunks (one per row group) costs a pass over all of them, every time."""
    return _contiguous(_read(path, columns))


def _contiguous(table: pa.Table) -> pa.Table:
    """`table` with each column in one chunk where it fits (see `_read_contiguous`), the memory
    of the chunks given back."""
    if table.nbytes > _MAX_CONTIGUOUS_BYTES:
        return table
    combined = table.combine_chunks()
    del table
    release_memory()
    return combined


def release_memory() -> None:
    """Hand the memory Arrow's pool and the C heap hold but no longer use back to the system
    (both keep freed pages for reuse: after a read-and-combine that is as much as the table
    itself, after the per-ad stage the buffers of every batch received from the workers)."""
    pa.default_memory_pool().release_unused()
    trim_heap()


def _scored_networks(ads: pa.Table, networks: pa.Table, catalogue: Catalogue) -> pa.Table:
    """`networks` with their risk columns (see `score_networks`)."""
    net_scores = score_networks(ads, networks, catalogue=catalogue)
    for name in net_scores.column_names:
        if name != "network_id":
            networks = networks.append_column(name, net_scores.column(name))
    return networks


def _write_streamed(
    out_dir: Path,
    source: Path,
    *,
    ids: tuple[pa.Array, pa.Array],
    networks: pa.Table,
    templates: pa.Table,
    catalogue: Catalogue,
) -> None:
    """ads.parquet rewritten batch by batch with the corpus columns; networks and templates."""
    template_ids, network_ids = ids
    tmp = out_dir / "ads.parquet.tmp"
    writer: pq.ParquetWriter | None = None
    start = 0
    try:
        for batch in pq.ParquetFile(source).iter_batches(batch_size=WRITE_BATCH_ROWS):
            rows = batch.num_rows
            table = pa.Table.from_batches([batch])
            table = table.append_column("template_id", template_ids.slice(start, rows))
            table = table.append_column("network_id", network_ids.slice(start, rows))
            table = with_network_context(table, networks, catalogue=catalogue)
            if writer is None:
                writer = pq.ParquetWriter(tmp, table.schema, compression="zstd")
            writer.write_table(table)
            start += rows
    finally:
        if writer is not None:
            writer.close()
    tmp.replace(source)
    _write(out_dir, networks, templates)


def score_corpus(
    ads: pa.Table, networks: pa.Table, catalogue: Catalogue
) -> tuple[pa.Table, pa.Table]:
    """Risk of networks, then of ads in their networks' context (scores ads' text if needed).

    `ads` needs network_id (and personas, indicators, risk_score, risk_reasons when the per-ad
    stage scored them); returns both tables with their risk columns.
    """
    if "risk_score" not in ads.column_names:  # the per-ad stage normally scored the text
        scores = score_ads(ads, catalogue=catalogue)
        for name in scores.column_names:
            ads = ads.append_column(name, scores.column(name))
    net_scores = score_networks(ads, networks, catalogue=catalogue)
    for name in net_scores.column_names:
        if name != "network_id":
            networks = networks.append_column(name, net_scores.column(name))
    return with_network_context(ads, networks, catalogue=catalogue), networks


def _write(out_dir: Path, networks: pa.Table, templates: pa.Table) -> None:
    for name, table in (("networks", networks), ("templates", templates)):
        tmp = out_dir / f"{name}.parquet.tmp"
        pq.write_table(table, tmp, compression="zstd")
        tmp.replace(out_dir / f"{name}.parquet")


def _templates_summary(result: TemplateResult) -> dict[str, Any]:
    ads_in = sum(1 for t in result.template_ids if t is not None)
    return {
        "count": result.templates.num_rows,
        "ads_in_templates": ads_in,
        "boilerplate_lines": len(result.boilerplate),
        "boilerplate_sample": result.boilerplate[:MAX_BOILERPLATE_LISTED],
    }


def _networks_summary(networks: pa.Table) -> dict[str, Any]:
    sizes = networks.column("ad_count").to_pylist()
    return {
        "count": networks.num_rows,
        "multi_ad": sum(1 for s in sizes if s > 1),
        "largest": max(sizes, default=0),
    }


def _hubs_summary(link: LinkResult) -> list[dict[str, Any]]:
    return [_plain(hub) for hub in link.hubs[:MAX_HUBS_LISTED]]


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        return [_plain(v) for v in value]
    return value
