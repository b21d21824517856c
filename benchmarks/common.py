"""Shared helpers for the benchmarks: cached synthetic corpora, ground truth, a floor baseline."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CACHE = Path(__file__).parent / ".cache"
RESULTS = Path(__file__).parent / "results"
_ONE_PATTERN = re.compile(r"\d{3}")


def corpus(ads: int, *, seed: int = 7) -> Path:
    """Path of a synth corpus of `ads` ads, generated once and cached under benchmarks/.cache."""
    from lightkeeper.synth import write_corpus

    path = CACHE / f"synth-{ads}-{seed}.jsonl"
    if not path.exists() or not truth_path(path).exists():
        # Written under a temporary name and renamed, so an interrupted run leaves no half corpus.
        tmp = CACHE / f"partial-{ads}-{seed}.jsonl"
        tmp.parent.mkdir(parents=True, exist_ok=True)
        write_corpus(tmp, ads=ads, seed=seed)
        truth_path(tmp).replace(truth_path(path))
        tmp.replace(path)
    return path


def truth_path(corpus_path: Path) -> Path:
    """The ground-truth file the generator writes beside a corpus."""
    return corpus_path.with_name(
        corpus_path.name.removesuffix(".gz").removesuffix(".jsonl")
    ).with_suffix(".truth.jsonl")


def read_truth(corpus_path: Path) -> dict[tuple[str, int], dict[str, Any]]:
    """Ground truth keyed by (id, version)."""
    truth: dict[tuple[str, int], dict[str, Any]] = {}
    with truth_path(corpus_path).open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            truth[(row["id"], int(row.get("version", 1)))] = row
    return truth


def iter_json(path: Path) -> Iterator[dict[str, Any]]:
    """Parsed JSON lines of a file."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def floor_seconds(path: Path) -> float:
    """The least work any analysis must do: parse every record and scan its text once."""
    t0 = time.perf_counter()
    hits = 0
    for rec in iter_json(path):
        hits += len(_ONE_PATTERN.findall(f"{rec.get('title') or ''}\n{rec.get('body') or ''}"))
    return time.perf_counter() - t0 + 0.0 * hits


def write_results(name: str, figures: dict[str, Any]) -> Path:
    """Write one benchmark's figures to benchmarks/results/NAME.json."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path
