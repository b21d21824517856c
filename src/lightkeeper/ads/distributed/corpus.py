"""The corpus-wide stages on a cluster: templates, links, networks, risk.

Phase one: the ads tables are gathered on the client and the local engine's corpus stages run
there; the results are written back as partitioned Parquet.
"""

from __future__ import annotations

import itertools
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from lightkeeper.ads.corpus import CorpusOptions, run_corpus_stages
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

    tables: list[pa.Table] = engine.gather(ads)
    work = out_dir / ".corpus"
    work.mkdir(exist_ok=True)
    pq.write_table(pa.concat_tables(tables), work / "ads.parquet")
    result = run_corpus_stages(work, options=replace(options, report=False))
    full = pq.read_table(work / "ads.parquet")
    offsets = [sum(analysed[:i]) for i in range(len(analysed) + 1)]
    write_parts(
        [full.slice(lo, hi - lo) for lo, hi in itertools.pairwise(offsets)],
        out_dir / "ads",
    )
    write_parts([pq.read_table(work / "templates.parquet")], out_dir / "templates")
    write_parts([pq.read_table(work / "networks.parquet")], out_dir / "networks")
    shutil.rmtree(work)
    return result
