"""Extraction figures on a synth corpus: phone precision/recall, email and handle recall, speed.

Run: `make bench` (all benchmarks) or `.venv/bin/python -m benchmarks.bench_extract [--ads N]`.
Precision and recall are micro-averaged over (ad, identifier) pairs against the generator's truth.
Speed is ads per second of the extract stage alone, and its ratio to the floor (parse every record
and scan its text once with one compiled pattern) measured in the same run.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from benchmarks.common import corpus, floor_seconds, read_truth, write_results
from lightkeeper.ads.extract.ad import extract_ad
from lightkeeper.ads.ingest import IngestCounts, ingest
from lightkeeper.ads.types import AdRecord


def _scores(found: set[tuple[str, str]], true: set[tuple[str, str]]) -> dict[str, float]:
    correct = len(found & true)
    return {
        "precision": round(correct / len(found), 4) if found else 1.0,
        "recall": round(correct / len(true), 4) if true else 1.0,
        "found": len(found),
        "true": len(true),
    }


def run(path: Path | None = None, *, ads: int = 20_000) -> dict[str, Any]:
    """Measure extraction quality and speed; return the figures."""
    path = path or corpus(ads)
    truth = read_truth(path)
    records = [i for i in ingest([path], counts=IngestCounts()) if isinstance(i, AdRecord)]
    t0 = time.perf_counter()
    extractions = [extract_ad(r) for r in records]
    seconds = time.perf_counter() - t0
    floor = floor_seconds(path)
    found: dict[str, set[tuple[str, str]]] = {"phones": set(), "emails": set(), "handles": set()}
    true: dict[str, set[tuple[str, str]]] = {"phones": set(), "emails": set(), "handles": set()}
    for rec, ext in zip(records, extractions, strict=True):
        key = f"{rec.id}#{rec.version}"
        t = truth[(rec.id, rec.version)]
        for kind, seen in found.items():
            seen.update((key, v) for v in getattr(ext, kind))
            true[kind].update((key, v) for v in t.get(kind, []))
    figures: dict[str, Any] = {
        "corpus": path.name,
        "ads": len(records),
        **{kind: _scores(found[kind], true[kind]) for kind in found},
        "extract_seconds": round(seconds, 3),
        "extract_ads_per_second": round(len(records) / seconds, 1),
        "floor_seconds": round(floor, 3),
        "ratio_to_floor": round(seconds / floor, 2),
    }
    write_results("extract", figures)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ads", type=int, default=20_000)
    parser.add_argument("--corpus", type=Path)
    args = parser.parse_args()
    figures = run(args.corpus, ads=args.ads)
    for kind in ("phones", "emails", "handles"):
        s = figures[kind]
        print(
            f"{kind:8} precision {s['precision']:.4f}  recall {s['recall']:.4f}  ({s['true']} true)"
        )
    print(
        f"extract: {figures['extract_ads_per_second']:,.0f} ads/s, "
        f"{figures['ratio_to_floor']}x the floor ({figures['floor_seconds']} s)"
    )


if __name__ == "__main__":
    main()
