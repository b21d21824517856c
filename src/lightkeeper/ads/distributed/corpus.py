"""The corpus-wide stages on a cluster: templates, links, networks, risk; outputs written.

Each stage runs distributed (`template_stage`, `link_stage`, `networks`); every output file
is written by the worker that holds its part, so nothing but small tables (hub decision,
boilerplate, image hashes, figures) passes through the client.
"""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from lightkeeper.ads.corpus import MAX_HUBS_LISTED, CorpusOptions
from lightkeeper.ads.distributed import networks as nw
from lightkeeper.ads.distributed.link_stage import LinkStage, run_link_stage
from lightkeeper.ads.distributed.template_stage import run_template_stage
from lightkeeper.ads.indicators import Catalogue, load_catalogue
from lightkeeper.ads.templates.cluster import TemplateOptions
from lightkeeper.engine.dask import DaskEngine
from lightkeeper.errors import OutputError


def run_corpus_stages_dask(
    engine: DaskEngine,
    ads: list[Any],
    analysed: list[int],
    out_dir: Path,
    *,
    options: CorpusOptions,
) -> dict[str, Any]:
    """Templates, links, networks and risk of the ads partitions; writes the outputs."""
    timings: dict[str, float] = {}
    first_rows = [sum(analysed[:i]) for i in range(len(analysed))]
    catalogue = load_catalogue(options.catalogue_path)
    least = nw.min_city_ads(catalogue)
    stage = run_template_stage(engine, ads, first_rows, analysed, options=TemplateOptions())
    timings.update(stage.seconds)
    t0 = time.perf_counter()
    linked = run_link_stage(engine, ads, stage.template_ids, first_rows, config=options.link)
    timings.update(linked.seconds)
    timings["link"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    scored_ads, networks = _networks_and_risk(
        engine, ads, stage.template_ids, linked, first_rows, catalogue=catalogue, least=least
    )
    sizes = [s for s in engine.gather(engine.map(_sizes, networks, name="net-sizes")) if s]
    timings["networks_and_risk"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    _write_all(engine, out_dir, ads=scored_ads, templates=stage.templates, networks=networks)
    timings["write_corpus"] = time.perf_counter() - t0
    all_sizes = [x for s in sizes for x in s]
    return {
        "corpus_stages_seconds": timings,
        "templates": stage.summary,
        "networks": {
            "count": len(all_sizes),
            "multi_ad": sum(1 for s in all_sizes if s > 1),
            "largest": max(all_sizes, default=0),
        },
        "hubs": [hub.to_json() for hub in linked.hubs[:MAX_HUBS_LISTED]],
        "gathered_on_client": linked.sizes,
    }


def _networks_and_risk(
    engine: DaskEngine,
    ads: list[Any],
    template_ids: list[Any],
    linked: LinkStage,
    first_rows: list[int],
    *,
    catalogue: Catalogue,
    least: int | None,
) -> tuple[list[Any], list[Any]]:
    n = len(ads)
    medians: dict[str, tuple[int, float]] = {}
    if least is not None:
        prices = engine.map(nw.price_rows, ads, name="net-prices")
        reduced = engine.shuffle(
            prices, split=nw.split_by_key, combine=nw.key_medians, n_out=n, name="net-medians"
        )
        for table in engine.gather(reduced):
            for key, count, median in zip(
                *(table.column(c).to_pylist() for c in ("key", "count", "median")), strict=True
            ):
                medians[key] = (count, median)
    latest = [t for t in engine.gather(engine.map(nw.latest_posted, ads, name="net-latest")) if t]
    context = {
        "hubs": linked.hubs,
        "hub_values": linked.hub_values,
        "latest": max(latest, default=None),
        "medians": medians,
        "least": least,
    }
    context_f = engine.scatter(context)
    tagged = engine.map(
        nw.with_ids, ads, template_ids, linked.network_ids, first_rows, name="net-tag"
    )
    ads_by_net = engine.shuffle(
        tagged, split=nw.split_by_network, combine=nw.concat_pieces, n_out=n, name="net-ads"
    )
    edges_home = engine.shuffle(
        linked.edges,
        split=partial(nw.split_edges_home, offsets=first_rows),
        combine=nw.concat_pieces,
        n_out=n,
        name="net-edges-home",
    )
    edges = engine.map(
        nw.edges_with_network, linked.network_ids, edges_home, first_rows, name="net-edges-tag"
    )
    edges_by_net = engine.shuffle(
        edges, split=nw.split_by_network, combine=nw.concat_pieces, n_out=n, name="net-edges"
    )
    groups = engine.map(
        nw.network_group,
        ads_by_net,
        edges_by_net,
        [context_f] * n,
        name="net-summaries",
        catalogue=catalogue,
    )
    home = engine.shuffle(
        groups,
        split=partial(nw.split_scored_home, offsets=first_rows),
        combine=nw.partition_ads,
        n_out=n,
        name="net-ads-home",
    )
    return home, engine.map(nw.network_rows, groups, name="net-rows")


def _sizes(networks: pa.Table) -> list[int]:
    if "ad_count" not in networks.column_names:
        return []
    return [int(x) for x in networks.column("ad_count").to_pylist()]


def _write_all(
    engine: DaskEngine, out_dir: Path, *, ads: list[Any], templates: list[Any], networks: list[Any]
) -> None:
    jobs = []
    for name, parts in (("ads", ads), ("templates", templates), ("networks", networks)):
        paths = [str(out_dir / name / f"part-{i:05d}.parquet") for i in range(len(parts))]
        jobs += engine.map(write_part, parts, paths, name=f"write-{name}")
    engine.gather(jobs)


def write_part(table: pa.Table, path: str) -> int:
    """Write one part file (zstd) from a worker; an empty part without columns is skipped."""
    if not table.num_columns:
        return 0
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".parquet.tmp")
        pq.write_table(table, tmp, compression="zstd")
        tmp.replace(target)
    except OSError as e:
        raise OutputError(f"{target.parent}: cannot write results: {e.strerror or e}") from e
    return int(table.num_rows)
