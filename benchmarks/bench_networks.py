"""Network figures on a synth corpus: same-network pairwise precision/recall/F1, hubs, speed.

Run: `make bench` (all benchmarks) or `.venv/bin/python -m benchmarks.bench_networks [--ads N]
[--corpus FILE] [--speed-ads N ...]`. Quality is pairwise "same network" precision, recall
and F1 against the generator's `operator` label, with the template stage's ids and without
them, with hub handling on and, to show what it buys, off. Hub detection is scored against the
generator's `hub_phones` and `hub_images`. Speed is seconds per stage of linking and of the
network summary; larger sizes are timed on the corpus replicated into disjoint copies (ids,
identifiers and image hashes made distinct per copy), so no extraction is needed for them.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from benchmarks.common import CACHE, corpus, read_truth, write_results
from lightkeeper.ads.evaluate import pairwise_scores
from lightkeeper.ads.ingest import IngestCounts, ingest
from lightkeeper.ads.link import LinkConfig, LinkResult, link_ads
from lightkeeper.ads.networks import summarise_networks
from lightkeeper.ads.pipeline import extract_batch
from lightkeeper.ads.table import ADS_SCHEMA
from lightkeeper.ads.types import AdRecord
from lightkeeper.engine.local import LocalEngine

BATCH = 2_000


def extracted_ads(path: Path) -> pa.Table:
    """The extracted ads table of a corpus (ingest + extract), cached beside the corpus."""
    cached = CACHE / f"{path.name}.ads.parquet"
    if cached.exists() and cached.stat().st_mtime >= path.stat().st_mtime:
        return pq.read_table(cached)
    records = [r for r in ingest([path], counts=IngestCounts()) if isinstance(r, AdRecord)]
    batches = [records[i : i + BATCH] for i in range(0, len(records), BATCH)]
    with LocalEngine() as engine:
        tables = [
            t
            for t, _ in engine.map_batches(
                partial(extract_batch, default_region="US", catalogue_path=None), batches
            )
        ]
    table = pa.concat_tables(tables) if tables else ADS_SCHEMA.empty_table()
    CACHE.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, cached)
    return table


def template_ids(table: pa.Table) -> tuple[list[str | None], float]:
    """The template stage's ids for the table, and its seconds (None for all if unavailable)."""
    from lightkeeper.ads.templates import cluster_templates

    t0 = time.perf_counter()
    result = cluster_templates(table)
    return list(result.template_ids), time.perf_counter() - t0


def scores(result: LinkResult, operators: list[str]) -> dict[str, Any]:
    """Pairwise same-network scores and a few counts of one linking."""
    s = pairwise_scores(result.network_ids, operators)
    return {
        "precision": round(s.precision, 4),
        "recall": round(s.recall, 4),
        "f1": round(s.f1, 4),
        "networks": len(set(result.network_ids)),
        "hubs": dict(sorted(Counter(h.kind for h in result.hubs).items())),
        "seconds": {k: round(v, 3) for k, v in result.timings.items()},
    }


def hub_scores(result: LinkResult, truth: dict[tuple[str, int], dict[str, Any]]) -> dict[str, Any]:
    """Precision and recall of the hubs found against the generator's hub phones and images."""
    figures: dict[str, Any] = {}
    for kind, key in (("phone", "hub_phones"), ("image", "hub_images")):
        planted = {v for row in truth.values() for v in row.get(key) or []}
        found = set(result.hub_values.get(kind, {}))
        hit = len(found & planted)
        figures[kind] = {
            "planted": len(planted),
            "found": len(found),
            "precision": round(hit / len(found), 4) if found else 1.0,
            "recall": round(hit / len(planted), 4) if planted else 1.0,
        }
    return figures


def run(corpus: Path | None = None, *, ads: int = 20_000) -> dict[str, Any]:
    """Measure network quality and speed on one corpus (default: synth, 20,000 ads)."""
    path = corpus or _default_corpus(ads)
    table = extracted_ads(path)
    truth = read_truth(path)
    keys = zip(table["id"].to_pylist(), table["version"].to_pylist(), strict=True)
    operators = [str(truth[(i, int(v))]["operator"]) for i, v in keys]
    templates, template_seconds = template_ids(table)
    none: list[str | None] = [None] * table.num_rows
    variants: dict[str, tuple[list[str | None], LinkConfig]] = {
        "with_templates": (templates, LinkConfig()),
        "with_templates_hubs_off": (templates, LinkConfig(detect_hubs=False)),
        "no_templates": (none, LinkConfig()),
        "no_templates_hubs_off": (none, LinkConfig(detect_hubs=False)),
    }
    figures: dict[str, Any] = {"corpus": path.name, "ads": table.num_rows}
    for name, (tpl, config) in variants.items():
        result = link_ads(table, tpl, config=config)
        figures[name] = scores(result, operators)
        if name == "with_templates":
            figures["hub_detection"] = hub_scores(result, truth)
            figures["speed"] = stage_speed(table, tpl, result)
    # Without templates, images carry more of the linking: the bound shows there.
    figures["image_distance_no_templates"] = {
        k: scores(link_ads(table, none, config=LinkConfig(image_max_distance=k)), operators)
        for k in (0, 2, 4, 5, 6, 8)
    }
    figures["template_stage_seconds"] = round(template_seconds, 3)
    write_results("networks", figures)
    return figures


def _default_corpus(ads: int) -> Path:
    return corpus(ads)


def stage_speed(
    table: pa.Table, templates: list[str | None], result: LinkResult | None = None
) -> dict[str, Any]:
    """Seconds per stage of linking and summarising, and ads per second overall."""
    if result is None:
        result = link_ads(table, templates, config=LinkConfig())
    t0 = time.perf_counter()
    summarise_networks(table, result.network_ids, templates, result)
    summary = time.perf_counter() - t0
    seconds = {**result.timings, "summary": summary}
    total = sum(seconds.values())
    return {
        "ads": table.num_rows,
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "total_seconds": round(total, 3),
        "ads_per_second": round(table.num_rows / total) if total else None,
    }


def replicated(
    table: pa.Table, templates: list[str | None], copies: int
) -> tuple[pa.Table, list[str | None]]:
    """`copies` disjoint copies of a corpus: ids, identifiers, templates, images made distinct."""
    rng = np.random.default_rng(17)
    tables: list[pa.Table] = []
    tpl: list[str | None] = []
    for c in range(copies):
        mask = int(rng.integers(1, 2**63)) if c else 0
        suffix = f"~{c}" if c else ""
        copy = table
        for name in ("id", "phones", "emails", "handles"):
            copy = _suffixed(copy, name, suffix)
        copy = copy.set_column(
            copy.schema.get_field_index("image_hashes"),
            "image_hashes",
            _masked_hashes(copy["image_hashes"].combine_chunks(), mask),
        )
        tables.append(copy)
        tpl.extend(None if t is None else f"{t}{suffix}" for t in templates)
    return pa.concat_tables(tables), tpl


def _suffixed(table: pa.Table, name: str, suffix: str) -> pa.Table:
    if not suffix:
        return table
    column = table[name].combine_chunks()
    if pa.types.is_list(column.type):
        values = pc.binary_join_element_wise(pc.list_flatten(column), suffix, "")
        column = pa.ListArray.from_arrays(column.offsets, values)
    else:
        column = pc.binary_join_element_wise(column, suffix, "")
    return table.set_column(table.schema.get_field_index(name), name, column)


def _masked_hashes(column: pa.ListArray, mask: int) -> pa.ListArray:
    if not mask:
        return column
    flat = pc.list_flatten(column).to_pylist()
    values = pa.array([f"{int(h, 16) ^ mask:016x}" if len(h) == 16 else h for h in flat])
    return pa.ListArray.from_arrays(column.offsets, values)


def speed(table: pa.Table, templates: list[str | None], ads: int) -> dict[str, Any]:
    """Stage seconds on about `ads` ads made of disjoint copies of `table`."""
    copies = max(1, round(ads / table.num_rows))
    big, big_templates = replicated(table, templates, copies)
    return stage_speed(big, big_templates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ads", type=int, default=20_000)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--speed-ads", type=int, nargs="*", default=[100_000], help="sizes to time")
    args = parser.parse_args()
    figures = run(args.corpus, ads=args.ads)
    print(
        f"{figures['ads']} ads ({figures['corpus']}), "
        f"template stage {figures['template_stage_seconds']} s"
    )
    for name in (
        "with_templates",
        "with_templates_hubs_off",
        "no_templates",
        "no_templates_hubs_off",
    ):
        s = figures[name]
        print(
            f"{name:26} precision {s['precision']:.4f}  recall {s['recall']:.4f}  F1 {s['f1']:.4f}"
            f"  ({s['networks']} networks, hubs {s['hubs']})"
        )
    for kind, h in figures["hub_detection"].items():
        print(
            f"hub {kind}s: {h['found']} found, {h['planted']} planted, precision {h['precision']}, "
            f"recall {h['recall']}"
        )
    for k, s in figures["image_distance_no_templates"].items():
        print(
            f"no templates, image distance <= {k}: precision {s['precision']:.4f}  "
            f"recall {s['recall']:.4f}  F1 {s['f1']:.4f}  images {s['seconds'].get('images')} s"
        )
    table = extracted_ads(args.corpus or _default_corpus(args.ads))
    templates, _ = template_ids(table)
    for size in [figures["ads"], *args.speed_ads]:
        timing = figures["speed"] if size == figures["ads"] else speed(table, templates, size)
        figures[f"speed_{timing['ads']}"] = timing
        print(
            f"{timing['ads']} ads: {timing['total_seconds']} s, {timing['ads_per_second']} ads/s;"
            f" seconds {timing['seconds']}"
        )
    write_results("networks", figures)


if __name__ == "__main__":
    main()
