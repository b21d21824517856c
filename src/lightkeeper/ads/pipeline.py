"""`lightkeeper analyze`: run the pipeline stages over input files and write the outputs.

This module does the I/O around the pure stages: it streams records from ingest in batches,
extracts each batch, and writes ads.parquet, quarantine.jsonl and summary.json into the output
folder. Memory stays flat: only one batch is held at a time.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lightkeeper import __version__
from lightkeeper.ads.corpus import (
    WORKER_MODULES,
    CorpusOptions,
    release_memory,
    run_corpus_stages,
)
from lightkeeper.ads.extract.ad import DEFAULT_REGION, extract_ad
from lightkeeper.ads.extract.places import build_place_index
from lightkeeper.ads.indicators import AD_SCORES_SCHEMA, Catalogue, load_catalogue, score_ads
from lightkeeper.ads.ingest import (
    AdBatch,
    IngestBatch,
    IngestCounts,
    Rejection,
    detect_format,
    ingest_batches,
)
from lightkeeper.ads.link.personas import ad_personas
from lightkeeper.ads.report.render import render_report
from lightkeeper.ads.table import ADS_SCHEMA, ads_table
from lightkeeper.ads.types import AdRecord
from lightkeeper.engine.local import LocalEngine, refuse_main_rerun
from lightkeeper.engine.memory import calm_collector, peak_rss_mb
from lightkeeper.errors import InputError, OutputError

TOP_N = 10
ROW_GROUP_ROWS = 65_536
SCORED_ADS_SCHEMA = pa.schema(
    [*ADS_SCHEMA, pa.field("personas", pa.list_(pa.string())), *AD_SCORES_SCHEMA]
)
ProgressFn = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class AnalyzeOptions:
    """Options of one analysis run."""

    default_region: str = DEFAULT_REGION
    batch_size: int = 2000
    workers: int | None = None  # None: all cores
    corpus: CorpusOptions = field(default_factory=CorpusOptions)


@dataclass(slots=True)
class _Tally:
    """Running totals kept while batches stream through (timings are summed over workers)."""

    timings: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    top: dict[str, Counter[str]] = field(
        default_factory=lambda: {k: Counter() for k in ("phones", "emails", "handles")}
    )
    with_any: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)


def check_inputs(paths: Sequence[Path]) -> None:
    """Raise InputError unless every input exists, is a readable file of a known format."""
    if not paths:
        raise InputError("no input file given")
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file")
        if not path.is_file():
            raise InputError(f"{path}: not a regular file")
        detect_format(path)
        if not os.access(path, os.R_OK):
            raise InputError(f"{path}: not readable (permission denied)")


def prepare_output_dir(out_dir: Path) -> None:
    """Create the output folder and check it is writable, or raise OutputError."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / ".lightkeeper-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        raise OutputError(f"{out_dir}: cannot write the output folder: {e.strerror or e}") from e


def count_rows_hint(paths: Sequence[Path]) -> int | None:
    """A cheap estimate of the number of rows, for a progress bar; None when unknown."""
    total = 0
    for path in paths:
        if path.name.lower().endswith(".gz"):
            return None
        if detect_format(path) == "parquet":
            total += pq.ParquetFile(path).metadata.num_rows
            continue
        with path.open("rb") as fh:
            total += sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    return total


def analyze(
    paths: Sequence[Path],
    out_dir: Path,
    *,
    options: AnalyzeOptions = AnalyzeOptions(),
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """Analyse the input files into `out_dir` and return the summary (also in summary.json)."""
    refuse_main_rerun()
    check_inputs(paths)
    _catalogue(options.corpus.catalogue_path)  # a bad catalogue fails before any work
    prepare_output_dir(out_dir)
    started = time.perf_counter()
    counts = IngestCounts()
    tally = _Tally()
    ads_tmp = out_dir / "ads.parquet.tmp"
    _warm_up(options)
    with calm_collector(), LocalEngine(options.workers, preload=WORKER_MODULES) as engine:
        try:
            with (
                (out_dir / "quarantine.jsonl").open("w", encoding="utf-8") as quarantine,
                pq.ParquetWriter(ads_tmp, SCORED_ADS_SCHEMA, compression="zstd") as writer,
            ):
                sink = _Sink(writer, quarantine, counts, tally, progress)
                _per_ad_stage(paths, engine, sink, options)
            ads_tmp.replace(out_dir / "ads.parquet")
        except OSError as e:
            raise OutputError(f"{out_dir}: cannot write results: {e.strerror or e}") from e
        memory: dict[str, float | None] = {"per_ad": peak_rss_mb()}
        release_memory()
        # The per-ad workers' caches are not needed by the corpus stages; the new workers come
        # from a small process, so they do not keep this one's pages alive as it works.
        engine.renew()
        corpus = run_corpus_stages(out_dir, options=options.corpus, engine=engine)
    tally.timings.update(corpus.pop("corpus_stages_seconds"))
    memory.update(corpus.pop("corpus_stages_peak_rss_mb"))
    # The processes forked from this one (per-ad workers, a step's processes), counted once
    # ended; their peak counts the pages they share with this process. Workers from the
    # server process are not children of this one and are not counted here.
    memory["largest_worker"] = peak_rss_mb(children=True)
    tally.timings["total"] = time.perf_counter() - started
    summary = {
        **build_summary(paths, out_dir, counts, tally),
        "peak_rss_mb": memory,
        **corpus,
    }
    write_json(out_dir / "summary.json", summary)
    if options.corpus.report:
        t0 = time.perf_counter()
        summary["outputs"]["report"] = str(render_report(out_dir))
        summary["timings_seconds"]["report"] = round(time.perf_counter() - t0, 4)
        write_json(out_dir / "summary.json", summary)
    return summary


@dataclass(slots=True)
class _Sink:
    """Where the per-ad stage's results go: ads.parquet, the quarantine, the running totals."""

    writer: pq.ParquetWriter
    quarantine: IO[str]
    counts: IngestCounts
    tally: _Tally
    progress: ProgressFn | None

    pending: list[pa.Table] = field(default_factory=list)
    pending_rows: int = 0

    def write(self, table: pa.Table, seconds: dict[str, float]) -> None:
        """Write one batch of analysed ads and add its stage timings.

        Batches are gathered into row groups of about ROW_GROUP_ROWS rows: the corpus stages
        read the file back, and a few large row groups read (and take rows) much faster than
        one per batch."""
        t0 = time.perf_counter()
        self.pending.append(table)
        self.pending_rows += table.num_rows
        if self.pending_rows >= ROW_GROUP_ROWS:
            self.flush()
        _count_identifiers(table, self.tally)
        for stage, spent in seconds.items():
            self.tally.timings[stage] += spent
        self.tally.timings["write"] += time.perf_counter() - t0
        if self.progress is not None:
            self.progress(self.counts.lines)

    def flush(self) -> None:
        """Write the gathered batches as one row group."""
        if self.pending:
            self.writer.write_table(pa.concat_tables(self.pending))
            self.pending, self.pending_rows = [], 0

    def reject(self, item: Rejection) -> None:
        """Write one rejection to the quarantine file."""
        self.quarantine.write(json.dumps(item.to_json(), ensure_ascii=False) + "\n")
        self.tally.reasons[reason_category(item.reason)] += 1


def _warm_up(options: AnalyzeOptions) -> None:
    """Build the per-process tables once before workers fork, so they share them."""
    _catalogue(options.corpus.catalogue_path)
    build_place_index()


def _per_ad_stage(
    paths: Sequence[Path], engine: LocalEngine, sink: _Sink, options: AnalyzeOptions
) -> None:
    """Ingest in this process (each line checked, duplicates decided, in input order), the
    per-ad stages in the workers, results written in input order."""
    batches = _batches(
        ingest_batches(paths, counts=sink.counts, batch_size=options.batch_size), sink
    )
    work = partial(
        extract_batch,
        default_region=options.default_region,
        catalogue_path=options.corpus.catalogue_path,
    )
    for table, seconds in engine.map_batches(work, batches):
        sink.write(table, seconds)
    sink.flush()


def _batches(items: Iterable[IngestBatch], sink: _Sink) -> Iterator[AdBatch]:
    """The record batches, rejections written to the quarantine on the way; ingest timed."""
    t0 = time.perf_counter()
    for item in items:
        for rejection in item.rejections:
            sink.reject(rejection)
        if len(item.records):
            sink.tally.timings["ingest"] += time.perf_counter() - t0
            yield item.records
            t0 = time.perf_counter()
    sink.tally.timings["ingest"] += time.perf_counter() - t0


@lru_cache(maxsize=4)
def _catalogue(path: Path | None) -> Catalogue:
    # Loaded once per process (workers inherit it when forked), never pickled per batch.
    return load_catalogue(path)


def extract_batch(
    batch: Sequence[AdRecord], default_region: str, catalogue_path: Path | None
) -> tuple[pa.Table, dict[str, float]]:
    """The per-ad stages over one batch: extraction (and personas), then indicators and risk.

    Returns the batch's ads table and the seconds each stage took (in the worker).
    """
    t0 = time.perf_counter()
    extractions = [extract_ad(rec, default_region=default_region) for rec in batch]
    table = ads_table(batch, extractions)
    table = table.append_column("personas", ad_personas(table))
    t1 = time.perf_counter()
    scores = score_ads(table, catalogue=_catalogue(catalogue_path))
    for name in scores.column_names:
        table = table.append_column(name, scores.column(name))
    return table, {"extract": t1 - t0, "indicators": time.perf_counter() - t1}


def _count_identifiers(table: pa.Table, tally: _Tally) -> None:
    for kind in ("phones", "emails", "handles"):
        column = table.column(kind)
        tally.with_any[kind] += int(
            pc.sum(pc.greater(pc.list_value_length(column), 0)).as_py() or 0
        )
        flat = pc.list_flatten(column)
        if len(flat):
            counts = pc.value_counts(flat)
            values = counts.field("values").to_pylist()
            tally.top[kind].update(
                dict(zip(values, counts.field("counts").to_pylist(), strict=True))
            )


_DIGITS = re.compile(r"\d+")


def reason_category(reason: str) -> str:
    """Group quarantine reasons that differ only in numbers or details (for the summary)."""
    head = reason.split(":", 1)[0] if reason.startswith(("unparsable", "wrong type")) else reason
    return _DIGITS.sub("N", head)


def build_summary(
    paths: Sequence[Path], out_dir: Path, counts: IngestCounts, tally: _Tally
) -> dict[str, Any]:
    """The summary of one run: accounting, identifiers found, timings."""
    total = tally.timings["total"]
    return {
        "lightkeeper_version": __version__,
        "inputs": [str(p) for p in paths],
        "output_dir": str(out_dir),
        "counts": {
            "input_lines": counts.lines,
            "analysed": counts.analysed,
            "duplicates": counts.duplicates,
            "quarantined": counts.quarantined,
            "new_versions": counts.new_versions,
            "warnings": counts.warnings,
            "balanced": counts.balanced,
        },
        "accounting": f"{counts.lines} input lines = {counts.analysed} analysed + "
        f"{counts.duplicates} duplicates + {counts.quarantined} quarantined",
        "quarantine_reasons": dict(tally.reasons.most_common()),
        "warnings": counts.warning_samples,
        "identifiers": {
            kind: {
                "ads_with_any": tally.with_any[kind],
                "distinct": len(tally.top[kind]),
                "top": tally.top[kind].most_common(TOP_N),
            }
            for kind in ("phones", "emails", "handles")
        },
        "timings_seconds": {k: round(v, 4) for k, v in sorted(tally.timings.items())},
        "ads_per_second": round(counts.analysed / total, 1) if total > 0 else None,
        "outputs": {
            "ads": str(out_dir / "ads.parquet"),
            "quarantine": str(out_dir / "quarantine.jsonl"),
            "summary": str(out_dir / "summary.json"),
            "networks": str(out_dir / "networks.parquet"),
            "templates": str(out_dir / "templates.parquet"),
        },
    }


def write_json(path: Path, value: Any) -> None:
    """Write JSON atomically (temp file then rename)."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
