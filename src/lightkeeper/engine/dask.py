"""The Dask engine: stage functions run as tasks on a Dask cluster (distributed futures).

It offers the engine primitives over lists of partitions held on the workers (futures):

- `map`: apply a function to each partition (or to each plain item, e.g. an input piece);
- `shuffle`: group records by key across partitions (a hash-partition shuffle: each input
  partition is split into `n_out` pieces, piece j of every input goes to output j);
- `connected_components`: components of an edge list spread over partitions
  (`lightkeeper.engine.dask_graph`), never collected on one worker.

Futures are used rather than dask.dataframe: each step is an explicit task over Arrow tables
or numpy arrays, so a loop (components run rounds until nothing changes) costs the same in
every round, and the data never passes through pandas. Without a scheduler address the engine
starts a LocalCluster for its lifetime; with one it connects to that cluster and leaves it up.
"""

from __future__ import annotations

import logging
import operator
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from lightkeeper.errors import ConfigError

SplitFn = Callable[[Any, int], list[Any]]
CombineFn = Callable[[list[Any]], Any]


class DaskEngine:
    """Runs stage functions on a Dask cluster: a LocalCluster of `workers` processes by default.

    Use as a context manager. `scheduler` is the address of a running dask-scheduler
    (``tcp://host:8786``); the cluster must see the same input and output paths (shared
    storage) and have lightkeeper installed. `client` reuses a connected Client (tests).
    """

    def __init__(
        self,
        scheduler: str | None = None,
        *,
        workers: int | None = None,
        client: Any | None = None,
    ) -> None:
        self.scheduler = scheduler
        self.workers = workers
        self._client: Any | None = client
        self._owns_client = client is None
        self._cluster: Any | None = None

    def __enter__(self) -> DaskEngine:
        if self._client is not None:
            return self
        try:
            from distributed import Client, LocalCluster
        except ImportError as e:  # pragma: no cover - the extra is installed in CI
            raise ConfigError(
                "the dask engine needs the dask extra: pip install 'lightkeeper[dask]'"
            ) from e
        if self.scheduler:
            try:
                self._client = Client(self.scheduler, timeout="30s")  # type: ignore[no-untyped-call]
            except (OSError, TimeoutError) as e:
                raise ConfigError(f"cannot reach the Dask scheduler {self.scheduler}: {e}") from e
        else:
            from lightkeeper.engine.local import default_workers

            self._cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=self.workers or default_workers(),
                threads_per_worker=1,
                processes=True,
                # Any free port: a dashboard address of None still binds the default 8787.
                dashboard_address=":0",
                silence_logs=logging.ERROR,
            )
            self._client = Client(self._cluster)  # type: ignore[no-untyped-call]
        return self

    def __exit__(self, *exc: object) -> None:
        if self._owns_client and self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    @property
    def client(self) -> Any:
        """The connected distributed.Client."""
        if self._client is None:
            raise RuntimeError("the Dask engine is not started: use it in a with block")
        return self._client

    def n_workers(self) -> int:
        """Workers currently connected (at least 1)."""
        return max(1, len(self.client.scheduler_info(n_workers=-1).get("workers", {})))

    def map(
        self, fn: Callable[..., Any], *iterables: Sequence[Any], name: str, **kwargs: Any
    ) -> list[Any]:
        """Futures of fn(a, b, ..., **kwargs) for the items of the iterables taken in step.

        Items may be plain values or futures (a task then runs where its data is).
        """
        count = min((len(items) for items in iterables), default=0)
        if count == 0:
            return []
        lists = [list(items) for items in iterables]
        return list(self.client.map(fn, *lists, key=_keys(name, count), **kwargs))

    def submit(self, fn: Callable[..., Any], *args: Any, name: str, **kwargs: Any) -> Any:
        """The future of one task fn(*args, **kwargs)."""
        return self.client.submit(fn, *args, key=_keys(name, 1)[0], **kwargs)

    def put(self, value: Any) -> Any:
        """A future of `value`, stored on one worker (for data made on the client)."""
        # Wrapped in a list: scatter would spread a list, or a dict by its keys, item by item.
        return self.client.scatter([value], hash=False)[0]

    def scatter(self, value: Any) -> Any:
        """A future of `value` copied to every worker (for a table every task reads)."""
        return self.client.scatter([value], broadcast=True, hash=False)[0]

    def gather(self, futures: Sequence[Any]) -> list[Any]:
        """The values of the futures, on the client: only for small results."""
        return list(self.client.gather(list(futures)))

    def shuffle(
        self,
        parts: Sequence[Any],
        *,
        split: SplitFn,
        combine: CombineFn,
        n_out: int,
        name: str,
    ) -> list[Any]:
        """Regroup records across partitions: output j = combine([piece j of every input]).

        `split(part, n_out)` returns `n_out` pieces (piece j holds the records whose key
        hashes to j); it and `combine` must be importable functions (or partials of them).
        Pieces stay on the worker that made them until an output task fetches them.
        """
        if n_out < 1:
            raise ValueError("n_out must be at least 1")
        splits = self.map(split, list(parts), name=f"{name}-split", n_out=n_out)
        columns: list[list[Any]] = [[] for _ in range(n_out)]
        for index, future in enumerate(splits):
            pieces = self.client.map(
                operator.getitem,
                [future] * n_out,
                range(n_out),
                key=_keys(f"{name}-piece{index}", n_out),
            )
            for j, piece in enumerate(pieces):
                columns[j].append(piece)
        return [
            self.submit(_combine, combine, *column, name=f"{name}-combine") for column in columns
        ]

    def connected_components(self, edge_parts: Sequence[Any], *, n_out: int) -> list[Any]:
        """Component labels of the nodes of an edge list spread over partitions.

        `edge_parts` are futures of (E, 2) int64 arrays of node pairs. Returns `n_out`
        futures of (N, 2) int64 arrays (node, label) partitioned by node, where label is the
        smallest node of the component; nodes without edges are not listed.
        """
        from lightkeeper.engine.dask_graph import connected_components_futures

        return connected_components_futures(self, edge_parts, n_out=n_out)


def _combine(combine: CombineFn, *pieces: Any) -> Any:
    return combine(list(pieces))


def _keys(name: str, count: int) -> list[str]:
    token = uuid.uuid4().hex[:12]
    return [f"{name}-{token}-{i}" for i in range(count)]
