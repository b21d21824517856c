"""The analysis pipeline on a Dask cluster (`lightkeeper analyze --engine dask`).

`analyze_dask` runs the same stage functions as `lightkeeper.ads.pipeline.analyze`, as tasks
over partitions of the input, and writes partitioned Parquet; see `run` for the layout.
"""

from lightkeeper.ads.distributed.run import analyze_dask

__all__ = ["analyze_dask"]
