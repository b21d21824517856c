"""The corpus-wide stages on a cluster: templates, links, networks, risk; outputs written.

Templates run distributed (`template_stage`). Linking, network summaries and risk still run
on the client over the gathered ads table (the local engine's functions), and their results
go back out as partitioned Parquet.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

import pyarrow as pa

from lightkeeper.ads import corpus as _corpus
from lightkeeper.ads.corpus import MAX_HUBS_LISTED, CorpusOptions
from lightkeeper.ads.distributed.link_stage import run_link_stage
from lightkeeper.ads.distributed.template_stage import run_template_stage
from lightkeeper.ads.indicators import load_catalogue
from lightkeeper.ads.link.link import LinkResult
from lightkeeper.ads.link.personas import ad_personas
from lightkeeper.ads.networks import summarise_networks
from lightkeeper.ads.templates.cluster import TemplateOptions
from lightkeeper.engine.dask import DaskEngine


def run_corpus_stages_dask(
    engine: DaskEngine,
    ads: list[Any],
    analysed: list[int],
    out_dir: Path,
    *,
    options: CorpusOptions,
) -> dict[str, Any]:
    """Templates, links, networks and risk of the ads partitions; writes the outputs."""
    from lightkeeper.ads.distributed.run import write_parts

    timings: dict[str, float] = {}
    first_rows = [sum(analysed[:i]) for i in range(len(analysed))]
    stage = run_template_stage(engine, ads, first_rows, analysed, options=TemplateOptions())
    timings.update(stage.seconds)
    t0 = time.perf_counter()
    linked = run_link_stage(engine, ads, stage.template_ids, first_rows, config=options.link)
    timings.update(linked.seconds)
    timings["link"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    table = pa.concat_tables(engine.gather(ads))
    template_ids: list[str | None] = pa.chunked_array(
        engine.gather(stage.template_ids), pa.string()
    ).to_pylist()
    network_ids = pa.chunked_array(engine.gather(linked.network_ids), pa.string()).to_pylist()
    edges = pa.concat_tables(engine.gather(linked.edges))
    link = LinkResult(network_ids, edges, linked.hubs, linked.hub_values)
    timings["gather"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    networks = summarise_networks(table, link.network_ids, template_ids, link)
    timings["networks"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    table = table.append_column("template_id", pa.array(template_ids, pa.string()))
    table = table.append_column("network_id", pa.array(link.network_ids, pa.string()))
    if "personas" not in table.column_names:  # the per-ad stage normally found them
        table = table.append_column("personas", ad_personas(table))
    timings["personas"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    # The local engine's risk step (network scores, then network context on each ad).
    table, networks = _corpus._scored(table, networks, load_catalogue(options.catalogue_path))
    timings["risk"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    offsets = [*first_rows, sum(analysed)]
    write_parts(
        [table.slice(lo, hi - lo) for lo, hi in itertools.pairwise(offsets)], out_dir / "ads"
    )
    write_parts(engine.gather(stage.templates), out_dir / "templates")
    write_parts([networks], out_dir / "networks")
    timings["write_corpus"] = time.perf_counter() - t0
    sizes = networks.column("ad_count").to_pylist()
    return {
        "corpus_stages_seconds": timings,
        "templates": stage.summary,
        "networks": {
            "count": networks.num_rows,
            "multi_ad": sum(1 for s in sizes if s > 1),
            "largest": max(sizes, default=0),
        },
        "hubs": [hub.to_json() for hub in link.hubs[:MAX_HUBS_LISTED]],
    }
