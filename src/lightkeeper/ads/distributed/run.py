"""`analyze_dask`: the analysis of `lightkeeper analyze --engine dask`, stage by stage.

Per-ad stages run as tasks over input partitions (`ingest`), the corpus-wide stages over
shuffles (`corpus`), and every output is written by the workers as partitioned Parquet:

    DIR/ads/part-00000.parquet ...        one file per input partition, rows in input order
    DIR/templates/part-00000.parquet ...  one file per reducer
    DIR/networks/part-00000.parquet ...   one file per reducer
    DIR/quarantine/part-00000.jsonl ...   one file per input partition, lines in input order
    DIR/summary.json

Read a folder whole with ``pyarrow.parquet.read_table(DIR / "ads")`` (or any Parquet reader
that takes a directory). The summary has the local engine's keys and counts.
"""

from __future__ import annotations

import math
import shutil
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from lightkeeper import __version__
from lightkeeper.ads.distributed import ingest as ing
from lightkeeper.ads.ingest.stream import MAX_WARNING_SAMPLES
from lightkeeper.ads.pipeline import (
    TOP_N,
    AnalyzeOptions,
    check_inputs,
    prepare_output_dir,
    write_json,
)
from lightkeeper.engine.dask import DaskEngine
from lightkeeper.engine.partitions import (
    DEFAULT_PARTITION_BYTES,
    count_newlines,
    numbered,
    plan_partitions,
)
from lightkeeper.errors import OutputError

OUTPUT_FOLDERS = ("ads", "templates", "networks", "quarantine")


def analyze_dask(
    paths: Sequence[Path],
    out_dir: Path,
    *,
    options: AnalyzeOptions | None = None,
    scheduler: str | None = None,
    partitions: int | None = None,
    client: Any | None = None,
) -> dict[str, Any]:
    """Analyse the input files on a Dask cluster into `out_dir`; return the summary.

    Without `scheduler` (an address such as ``tcp://10.0.0.5:8786``) a LocalCluster of
    `options.workers` processes (default: all cores) runs for the call. `partitions` is the
    number of input partitions (default: about 64 MB of input each, and at least two per
    worker; a compressed or CSV file is always one partition). `client` reuses a
    connected distributed.Client (tests). Inputs and `out_dir` must be on storage every
    worker sees. Results equal the local engine's `analyze` (ids, templates, networks).
    """
    options = options or AnalyzeOptions()
    check_inputs(paths)
    _check_settings(options)  # a bad catalogue or setting fails before any work
    prepare_output_dir(out_dir)
    _clear_outputs(out_dir)
    started = time.perf_counter()
    clock: dict[str, float] = {}
    with DaskEngine(scheduler, workers=options.workers, client=client) as engine:
        ads, stats, n_parts = _per_ad_stages(
            engine, paths, out_dir, options=options, partitions=partitions, clock=clock
        )
        analysed = [s.analysed for s in stats]
        first_rows = [sum(analysed[:i]) for i in range(len(analysed))]
        identifiers = _identifier_summary(engine, ads, first_rows, n_parts)
        t0 = time.perf_counter()
        corpus = _corpus_stages(engine, ads, analysed, out_dir, options)
        clock["corpus"] = time.perf_counter() - t0
        workers = engine.n_workers()
    clock["total"] = time.perf_counter() - started
    summary = _summary(
        paths,
        out_dir,
        stats=stats,
        identifiers=identifiers,
        clock=clock,
        corpus=corpus,
        n_parts=n_parts,
        workers=workers,
    )
    write_json(out_dir / "summary.json", summary)
    return summary


def _check_settings(options: AnalyzeOptions) -> None:
    from lightkeeper.ads.distributed.boilerplate import check_options
    from lightkeeper.ads.distributed.networks import min_city_ads
    from lightkeeper.ads.indicators import load_catalogue
    from lightkeeper.ads.templates.cluster import TemplateOptions

    min_city_ads(load_catalogue(options.corpus.catalogue_path))
    check_options(TemplateOptions().boilerplate)


def _clear_outputs(out_dir: Path) -> None:
    # Stale part files of an earlier run with more partitions would be read as results.
    for name in OUTPUT_FOLDERS:
        folder = out_dir / name
        if folder.is_dir():
            shutil.rmtree(folder)
    for name in ("ads.parquet", "templates.parquet", "networks.parquet", "quarantine.jsonl"):
        (out_dir / name).unlink(missing_ok=True)


def _per_ad_stages(
    engine: DaskEngine,
    paths: Sequence[Path],
    out_dir: Path,
    *,
    options: AnalyzeOptions,
    partitions: int | None,
    clock: dict[str, float],
) -> tuple[list[Any], list[ing.PartStats], int]:
    t0 = time.perf_counter()
    if partitions is None:
        partitions = default_partitions(paths, workers=engine.n_workers())
    parts = plan_partitions(paths, partitions=partitions)
    parts = numbered(parts, engine.gather(engine.map(count_newlines, parts, name="newlines")))
    n = len(parts)
    validated = engine.map(ing.validated_part, parts, list(range(n)), name="validate")
    keys = engine.map(ing.dedup_keys, validated, name="dedup-keys")
    versions = engine.shuffle(
        keys, split=ing.split_by_id, combine=ing.versions_by_id, n_out=n, name="dedup"
    )
    back = engine.shuffle(
        versions,
        split=ing.split_by_partition,
        combine=ing.partition_versions,
        n_out=n,
        name="versions",
    )
    quarantine = [str(out_dir / "quarantine" / _part_name(i, "jsonl")) for i in range(n)]
    done = engine.map(
        ing.extracted_part,
        validated,
        back,
        quarantine,
        name="extract",
        default_region=options.default_region,
        catalogue_path=options.corpus.catalogue_path,
    )
    ads = engine.map(_first, done, name="ads")
    stats: list[ing.PartStats] = engine.gather(engine.map(_second, done, name="stats"))
    clock["per_ad_stages"] = time.perf_counter() - t0
    return ads, stats, n


def default_partitions(paths: Sequence[Path], *, workers: int) -> int:
    """About DEFAULT_PARTITION_BYTES of input per partition, and two partitions per worker at
    least so that every worker has work."""
    total = sum(path.stat().st_size for path in paths)
    return max(2 * workers, math.ceil(total / DEFAULT_PARTITION_BYTES))


def _first(pair: tuple[Any, Any]) -> Any:
    return pair[0]


def _second(pair: tuple[Any, Any]) -> Any:
    return pair[1]


def _part_name(index: int, suffix: str) -> str:
    return f"part-{index:05d}.{suffix}"


def _identifier_summary(
    engine: DaskEngine, ads: list[Any], first_rows: list[int], n_parts: int
) -> dict[str, Any]:
    counts = engine.map(_identifier_counts, ads, first_rows, name="identifier-counts")
    reduced = engine.shuffle(
        counts,
        split=ing.split_by_value,
        combine=_identifier_summary_part,
        n_out=n_parts,
        name="identifiers",
    )
    with_any = engine.gather(engine.map(ing.ads_with_any, ads, name="with-any"))
    return _merged_identifiers(engine.gather(reduced), with_any)


def _identifier_counts(ads: pa.Table, first_row: int) -> pa.Table:
    return ing.identifier_counts(ads, first_row=first_row)


def _identifier_summary_part(pieces: list[pa.Table]) -> dict[str, Any]:
    return ing.identifier_summary(pieces, top=TOP_N)


def _merged_identifiers(
    parts: list[dict[str, Any]], with_any: list[dict[str, int]]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in ing.IDENTIFIER_KINDS:
        # A value lives in one reducer, so the global top is among the reducers' tops.
        top = sorted((t for p in parts for t in p[kind]["top"]), key=lambda t: (-t[1], t[2]))
        out[kind] = {
            "ads_with_any": sum(w[kind] for w in with_any),
            "distinct": sum(p[kind]["distinct"] for p in parts),
            "top": [[value, count] for value, count, _ in top[:TOP_N]],
        }
    return out


def _corpus_stages(
    engine: DaskEngine,
    ads: list[Any],
    analysed: list[int],
    out_dir: Path,
    options: AnalyzeOptions,
) -> dict[str, Any]:
    from lightkeeper.ads.distributed.corpus import run_corpus_stages_dask

    return run_corpus_stages_dask(engine, ads, analysed, out_dir, options=options.corpus)


def _summary(
    paths: Sequence[Path],
    out_dir: Path,
    *,
    stats: list[ing.PartStats],
    identifiers: dict[str, Any],
    clock: dict[str, float],
    corpus: dict[str, Any],
    n_parts: int,
    workers: int,
) -> dict[str, Any]:
    total = {k: sum(getattr(s, k) for s in stats) for k in _COUNT_KEYS}
    samples = [w for s in stats for w in s.warning_samples][:MAX_WARNING_SAMPLES]
    reasons: Counter[str] = Counter()
    for s in stats:
        reasons.update(s.reasons)
    worker_seconds: dict[str, float] = {}
    for s in stats:
        for key, value in s.timings.items():
            worker_seconds[key] = worker_seconds.get(key, 0.0) + value
    timings = {**worker_seconds, **corpus.pop("corpus_stages_seconds"), **clock}
    balanced = total["lines"] == total["analysed"] + total["duplicates"] + total["quarantined"]
    return {
        "lightkeeper_version": __version__,
        "engine": {"name": "dask", "partitions": n_parts, "workers": workers},
        "inputs": [str(p) for p in paths],
        "output_dir": str(out_dir),
        "counts": {
            "input_lines": total["lines"],
            "analysed": total["analysed"],
            "duplicates": total["duplicates"],
            "quarantined": total["quarantined"],
            "new_versions": total["new_versions"],
            "warnings": total["warnings"],
            "balanced": balanced,
        },
        "accounting": f"{total['lines']} input lines = {total['analysed']} analysed + "
        f"{total['duplicates']} duplicates + {total['quarantined']} quarantined",
        "quarantine_reasons": dict(reasons.most_common()),
        "warnings": samples,
        "identifiers": identifiers,
        "timings_seconds": {k: round(v, 4) for k, v in sorted(timings.items())},
        "ads_per_second": round(total["analysed"] / clock["total"], 1) if clock["total"] else None,
        "outputs": {name: str(out_dir / name) for name in OUTPUT_FOLDERS}
        | {"summary": str(out_dir / "summary.json")},
        **corpus,
    }


_COUNT_KEYS = ("lines", "analysed", "duplicates", "quarantined", "new_versions", "warnings")


def write_parts(tables: list[pa.Table], folder: Path) -> list[str]:
    """Write tables as folder/part-NNNNN.parquet (zstd), in order; returns the paths."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        out = []
        for index, table in enumerate(tables):
            path = folder / _part_name(index, "parquet")
            pq.write_table(table, path, compression="zstd")
            out.append(str(path))
        return out
    except OSError as e:
        raise OutputError(f"{folder}: cannot write results: {e.strerror or e}") from e
