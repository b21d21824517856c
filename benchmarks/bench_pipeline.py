"""End-to-end pipeline speed: `lightkeeper analyze` on 100,000 and 1,000,000 synth ads.

For each size: seconds and ads per second in total and per stage (from summary.json), peak RSS of
the main process and of the largest worker, the peak memory of the whole run (the summed PSS of
the main process and its workers, sampled; see `tree_memory`), the floor (parse every record and
scan its text once with one compiled pattern) measured in the same run, Lightkeeper's time as a
ratio to that floor, and the growth from the smallest to the largest size (near-linear: at most
12x for 10x the ads). The report is excluded (`--no-report`), as the issue asks.

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

from benchmarks import tree_memory
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
                  "timings": summary["timings_seconds"], "analysed": counts["analysed"],
                  "stage_peak_rss_mb": summary.get("peak_rss_mb", {})}))
"""


def measure(path: Path) -> dict[str, Any]:
    """Run one analysis in a fresh process and return its figures."""
    with tempfile.TemporaryDirectory(prefix="lk-bench-") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(path), out],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        with tree_memory.TreeMemory(proc.pid) as memory:
            stdout, stderr = proc.communicate()
        if proc.returncode != 0:
            raise subprocess.CalledProcessError(proc.returncode, proc.args, stdout, stderr)
    child = json.loads(stdout.strip().splitlines()[-1])
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
        "peak_pss_all_mb": memory.peak_mb if tree_memory.supported() else None,
        "stage_seconds": child["timings"],
        "stage_peak_rss_mb": child["stage_peak_rss_mb"],
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


# Where each stage runs: the per-ad stages' seconds are summed over the workers.
# The templates are described on the workers while the main process links and builds networks;
# describe_wait is what is left of the describing after that.
_WHERE = {
    "extract": "workers",
    "indicators": "workers",
    "templates": "all",
    "describe_wait": "workers",
}
_ORDER = (
    "ingest",
    "extract",
    "indicators",
    "read_ads",
    "templates",
    "link",
    "networks",
    "describe_wait",
    "risk",
    "write",
)


def stage_table(run: dict[str, Any]) -> str:
    """Seconds, ads per second and peak RSS of the main process after each stage."""
    ads = run["ads"]
    peaks = run.get("stage_peak_rss_mb", {})
    rows = [f"    {'stage':<16}{'where':<9}{'seconds':>9}{'ads/s':>11}{'peak RSS main':>15}"]
    seconds_of = run["stage_seconds"]
    stages = [s for s in _ORDER if s in seconds_of] + sorted(set(seconds_of) - set(_ORDER))
    for stage in stages:
        seconds = seconds_of[stage]
        if stage == "total" or seconds < 0.05:
            continue
        rate = f"{ads / seconds:,.0f}"
        peak = peaks.get(stage)
        peak_text = f"{peak:,.0f} MB" if peak else "-"
        where = _WHERE.get(stage, "main")
        rows.append(f"    {stage:<16}{where:<9}{seconds:>9.1f}{rate:>11}{peak_text:>15}")
    per_ad = peaks.get("per_ad")
    if per_ad:
        rows.append(f"    peak RSS of the main process after the per-ad stages: {per_ad:,.0f} MB")
    return "\n".join(rows)


def report(figures: dict[str, Any]) -> str:
    """The printed form of the figures (also what `make bench` copies into the README)."""
    lines: list[str] = []
    for size, r in figures["runs"].items():
        lines.append(
            f"{int(size):>9,} ads: {r['seconds']:>8.1f} s, {r['ads_per_second']:>8,.0f} ads/s, "
            f"{r['ratio_to_floor']:.1f}x floor ({r['floor_seconds']:.1f} s), "
            f"peak RSS main {r['peak_rss_main_mb']:.0f} MB, "
            f"largest worker {r['peak_rss_worker_mb']:.0f} MB"
        )
        if r.get("peak_pss_all_mb"):
            lines.append(
                f"    peak memory of the run, all processes (summed PSS): "
                f"{r['peak_pss_all_mb']:,.0f} MB"
            )
        lines.append(stage_table(r))
    if "growth" in figures:
        g = figures["growth"]
        lines.append(f"growth: {g['ads_ratio']}x the ads took {g['time_ratio']}x the time")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100000,1000000")
    args = parser.parse_args()
    figures = run(tuple(int(s) for s in args.sizes.split(",")))
    print(report(figures))


if __name__ == "__main__":
    main()
