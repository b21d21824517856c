"""What the corpus stages read back from ads.parquet: only the fields they use, unchanged."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from lightkeeper.ads.corpus import _reason_evidence
from lightkeeper.ads.indicators.risk import REASON_TYPE


def test_reason_evidence_keeps_code_and_evidence_of_every_reason(tmp_path: Path) -> None:
    reasons: list[list[dict[str, object]] | None] = [
        [
            {"code": "A1", "name": "Name one", "contribution": 0.4, "evidence": "first"},
            {"code": "B2", "name": "Name two", "contribution": 0.1, "evidence": None},
        ],
        [],
        None,
        [{"code": "C3", "name": "Name three", "contribution": 0.2, "evidence": "ünïcode"}],
    ]
    table = pa.table(
        {
            "id": ["a", "b", "c", "d"],
            "risk_reasons": pa.array(reasons, pa.list_(REASON_TYPE)),
            "risk_score": [0.4, 0.0, 0.0, 0.2],
        }
    )
    path = tmp_path / "ads.parquet"
    pq.write_table(table, path, row_group_size=2)  # two row groups: the result is one chunk
    got = _reason_evidence(path)
    assert got.num_chunks == 1
    assert [f.name for f in got.type.value_type] == ["code", "evidence"]
    expected = [
        None if row is None else [{"code": r["code"], "evidence": r["evidence"]} for r in row]
        for row in reasons
    ]
    assert got.to_pylist() == expected
