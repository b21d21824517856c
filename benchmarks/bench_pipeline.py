"""End-to-end pipeline speed: `lightkeeper analyze` on 100,000 and 1,000,000 synth ads.

For each size: seconds and ads per second in total and per stage (from summary.json), peak RSS of
the main process and of the largest worker, the floor (parse every record and scan its text once
with one compiled pattern) measured in the same run, Lightkeeper's time as a ratio to that floor,
and the growth from the smallest to the largest size (near-linear: at most 12x for 10x the ads).
The report is excluded (`--no-report`), as the issue asks.

Run: `.venv/bin/python -m benchmarks.bench_pipeline [--sizes 100000,1000000]`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import corpus, floor_seconds, write_results

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from lightkeeper.ads.pipeline import AnalyzeOptions, analyze
from lightkeeper.ads.corpus import CorpusOptions
t0 = time.perf_counter()
summary = analyze([Path(sys.argv[1])], Path(sys.argv[2]),
                  options=AnalyzeOptions(corpus=CorpusOptions(report=False)))
wall = time.perf_counter() - t0
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
counts = summary["counts"]
print(json.dumps({"wall": wall, "rss_main_kb": own, "rss_worker_kb": kids,
                  "timings": summary["timings_seconds"], "analysed": counts["analysed"]}))
"""


def measure(path: Path) -> dict[str, Any]:
    """Run one analysis in a fresh process and return its figures."""
    with tempfile.TemporaryDirectory(prefix="lk-bench-") as out:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(path), out],
            capture_output=True,
            text=True,
            check=True,
        )
    child = json.loads(done.stdout.strip().splitlines()[-1])
    floor = floor_seconds(path)
    ads = child["analysed"]
    return {
        "ads": ads,
        "seconds": round(child["wall"], 2),
        "ads_per_second": round(ads / child["wall"], 1),
        "floor_seconds": round(floor, 2),
        "ratio_to_floor": round(child["wall"] / floor, 2),
        "peak_rss_main_mb": round(child["rss_main_kb"] / 1024, 1),
        "peak_rss_worker_mb": round(child["rss_worker_kb"] / 1024, 1),
        "stage_seconds": child["timings"],
    }


def run(sizes: tuple[int, ...] = (100_000, 1_000_000)) -> dict[str, Any]:
    """Measure every size; return the figures with the growth ratio."""
    runs = {str(n): measure(corpus(n)) for n in sizes}
    figures: dict[str, Any] = {"runs": runs}
    if len(sizes) > 1:
        small, large = runs[str(min(sizes))], runs[str(max(sizes))]
        figures["growth"] = {
            "ads_ratio": round(large["ads"] / small["ads"], 2),
            "time_ratio": round(large["seconds"] / small["seconds"], 2),
        }
    write_results("pipeline", figures)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100000,1000000")
    args = parser.parse_args()
    figures = run(tuple(int(s) for s in args.sizes.split(",")))
    for size, r in figures["runs"].items():
        print(
            f"{int(size):>9,} ads: {r['seconds']:>8.1f} s, {r['ads_per_second']:>8,.0f} ads/s, "
            f"{r['ratio_to_floor']:.1f}x floor, peak RSS main {r['peak_rss_main_mb']:.0f} MB, "
            f"worker {r['peak_rss_worker_mb']:.0f} MB"
        )
        stages = ", ".join(f"{k} {v:.1f}s" for k, v in sorted(r["stage_seconds"].items()))
        print(f"           stages: {stages}")
    if "growth" in figures:
        g = figures["growth"]
        print(f"growth: {g['ads_ratio']}x the ads took {g['time_ratio']}x the time")


if __name__ == "__main__":
    main()
