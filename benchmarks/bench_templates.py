"""Template clustering figures on a synth corpus: same-template pairwise precision/recall/F1, speed.

Run: `make bench` (all benchmarks) or `.venv/bin/python -m benchmarks.bench_templates [--ads N]
[--speed-ads N ...]`. Quality is pairwise "same template" precision, recall and F1 against the
generator's `template` label (an ad the stage leaves alone counts as a singleton), with the
learned boilerplate and, to show what it buys, without it. Speed is microseconds per ad of the
whole stage and of each step. Baselines measured in the same run: MinHash signatures of the same
shingles by the classic permutation method and by datasketch's per-document objects.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from benchmarks.common import corpus, read_truth, write_results
from lightkeeper.ads.evaluate import pairwise_scores
from lightkeeper.ads.ingest import IngestCounts, ingest
from lightkeeper.ads.table import ADS_SCHEMA
from lightkeeper.ads.templates import (
    BoilerplateOptions,
    TemplateOptions,
    TemplateResult,
    cluster_templates,
)
from lightkeeper.ads.templates.cluster import canonical_order, prepare_corpus
from lightkeeper.ads.templates.minhash import minhash_signatures
from lightkeeper.ads.templates.shingles import shingle_hashes
from lightkeeper.ads.types import AdRecord

BASELINE_ADS = 2_000  # datasketch is slow: its baseline runs on a prefix of the corpus
# The ads columns the template stage reads, typed as in ads.parquet.
_READ = ("id", "version", "site", "posted_at", "location", "city", "title", "body")
COLUMNS = pa.schema([ADS_SCHEMA.field(name) for name in _READ])


def ads_table(path: Path) -> pa.Table:
    """The columns the template stage reads, straight from ingest (no extraction needed)."""
    records = [r for r in ingest([path], counts=IngestCounts()) if isinstance(r, AdRecord)]
    return pa.Table.from_pydict(
        {
            "id": [r.id for r in records],
            "version": [r.version for r in records],
            "site": [r.site for r in records],
            "posted_at": [r.posted_at.astimezone(UTC) if r.posted_at else None for r in records],
            "location": [r.location for r in records],
            "city": [(r.location or "").split(",")[0].strip() or None for r in records],
            "title": [r.title for r in records],
            "body": [r.body for r in records],
        },
        schema=COLUMNS,
    )


def _scores(result: TemplateResult, truth: list[str]) -> dict[str, Any]:
    s = pairwise_scores(result.template_ids, truth)
    return {
        "precision": round(s.precision, 4),
        "recall": round(s.recall, 4),
        "f1": round(s.f1, 4),
        "predicted_pairs": s.predicted_pairs,
        "true_pairs": s.true_pairs,
        "templates": result.templates.num_rows,
        "boilerplate_sentences": len(result.boilerplate),
    }


def _timed(table: pa.Table, options: TemplateOptions | None = None) -> tuple[TemplateResult, float]:
    t0 = time.perf_counter()
    result = cluster_templates(table, options=options)
    return result, time.perf_counter() - t0


def minhash_baselines(table: pa.Table, *, num_perm: int = 128) -> dict[str, float]:
    """Microseconds per ad to sign the same shingle sets three ways (on a prefix)."""
    from datasketch import MinHash

    table = table.slice(0, BASELINE_ADS).take(
        pa.array(canonical_order(table.slice(0, BASELINE_ADS)))
    )
    prep = prepare_corpus(table)
    owner = prep.sentence_ad[prep.token_sentence]
    shingles, offsets = shingle_hashes(prep.token_hash, owner, table.num_rows, k=3)
    n = table.num_rows
    out: dict[str, float] = {}
    for method in ("oph", "perm"):
        t0 = time.perf_counter()
        minhash_signatures(shingles, offsets, num_perm=num_perm, method=method)
        out[f"{method}_us_per_ad"] = round((time.perf_counter() - t0) / n * 1e6, 2)
    t0 = time.perf_counter()
    as_bytes = shingles.view(np.uint8).reshape(-1, 8)
    for j in range(n):
        sketch = MinHash(num_perm=num_perm, seed=1)
        sketch.update_batch([bytes(row) for row in as_bytes[offsets[j] : offsets[j + 1]]])
    out["datasketch_us_per_ad"] = round((time.perf_counter() - t0) / n * 1e6, 2)
    out["datasketch_over_oph"] = round(out["datasketch_us_per_ad"] / out["oph_us_per_ad"], 1)
    return out


def speed(ads: int) -> dict[str, Any]:
    """Microseconds per ad of the whole stage and of its steps on a synth corpus of `ads` ads."""
    table = ads_table(corpus(ads))
    result, seconds = _timed(table)
    n = table.num_rows
    return {
        "ads": n,
        "seconds": round(seconds, 3),
        "us_per_ad": round(seconds / n * 1e6, 1),
        "steps_us_per_ad": {k: round(v / n * 1e6, 1) for k, v in result.timings.items()},
    }


def run(corpus_path: Path | None = None, *, ads: int = 20_000) -> dict[str, Any]:
    """Measure template quality and speed on one corpus; return the figures."""
    path = corpus_path or corpus(ads)
    table = ads_table(path)
    truth_rows = read_truth(path)
    truth = [
        str(truth_rows[(i, v)]["template"])
        for i, v in zip(
            table.column("id").to_pylist(), table.column("version").to_pylist(), strict=True
        )
    ]
    result, seconds = _timed(table)
    unlearned = TemplateOptions(boilerplate=BoilerplateOptions(min_ads=2**62))
    without, _ = _timed(table, unlearned)
    n = table.num_rows
    figures: dict[str, Any] = {
        "corpus": path.name,
        "ads": n,
        "same_template": _scores(result, truth),
        "same_template_without_boilerplate_learning": _scores(without, truth),
        "seconds": round(seconds, 3),
        "us_per_ad": round(seconds / n * 1e6, 1),
        "steps_us_per_ad": {k: round(v / n * 1e6, 1) for k, v in result.timings.items()},
        "minhash": minhash_baselines(table),
    }
    write_results("templates", figures)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ads", type=int, default=20_000)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--speed-ads", type=int, nargs="*", default=[], help="extra sizes to time")
    args = parser.parse_args()
    figures = run(args.corpus, ads=args.ads)
    for name in ("same_template", "same_template_without_boilerplate_learning"):
        s = figures[name]
        print(
            f"{name:44} precision {s['precision']:.4f}  recall {s['recall']:.4f}  "
            f"F1 {s['f1']:.4f}  ({s['templates']} templates, {s['boilerplate_sentences']} "
            "boilerplate sentences)"
        )
    print(f"{figures['ads']} ads: {figures['us_per_ad']} us/ad  steps {figures['steps_us_per_ad']}")
    print(f"MinHash signatures: {figures['minhash']}")
    for size in args.speed_ads:
        timing = speed(size)
        figures[f"speed_{size}"] = timing
        print(
            f"{timing['ads']} ads: {timing['us_per_ad']} us/ad  steps {timing['steps_us_per_ad']}"
        )
    write_results("templates", figures)


if __name__ == "__main__":
    main()
