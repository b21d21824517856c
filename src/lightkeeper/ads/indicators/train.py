"""`lightkeeper train`: fit the catalogue's ad-level weights on an organisation's labelled ads.

Features are the catalogue's ad-level indicators (1 when an indicator fires in the ad); the model
is scikit-learn's L2-regularised logistic regression, the same additive log-odds model the
catalogue uses, so its coefficients are directly new weights. Both the catalogue's default
weights and the fitted ones are scored by ROC AUC on the same stratified cross-validation folds
(the fitted model is refitted on each fold's training part), so the comparison is fair.

The result is written as a NEW user catalogue file that re-weights the default (see
`catalogue.overlay_toml`); the default catalogue is never replaced, and an existing file is
never overwritten unless asked. Indicators seen in fewer than `min_count` labelled ads keep
their default weight: there is not enough data to say more about them.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from lightkeeper.ads.indicators.catalogue import (
    Catalogue,
    default_catalogue_path,
    overlay_toml,
)
from lightkeeper.ads.indicators.match import match_ads
from lightkeeper.errors import InputError, OutputError

MIN_PER_CLASS = 10
TRUE_LABELS = {"1", "true", "yes", "y", "t"}
FALSE_LABELS = {"0", "false", "no", "n", "f"}


@dataclass(frozen=True)
class TrainResult:
    """What `fit_weights` learned and how it compares with the catalogue's defaults."""

    labelled: int  # labelled ads found (all versions of a labelled id)
    positives: int
    unmatched_labels: int  # ids in the labels file with no ad
    folds: int
    auc_default: float  # ROC AUC of the catalogue's default weights (all labelled ads)
    auc_default_folds: tuple[float, ...]  # the same on each fold's held-out part
    auc_fitted_folds: tuple[float, ...]  # fitted on each fold's training part, scored held out
    intercept: float
    weights: dict[str, tuple[int, float]]  # code -> (direction, weight), fitted ones only
    kept_default: tuple[str, ...]  # codes seen too rarely to fit
    counts: dict[str, int] = field(default_factory=dict)  # code -> labelled ads showing it

    @property
    def auc_fitted(self) -> float:
        """Mean held-out ROC AUC of the fitted weights."""
        return float(np.mean(self.auc_fitted_folds))


def read_labels(path: Path) -> dict[str, int]:
    """Labels by ad id from a CSV (columns id, label) or JSONL ({"id":..., "label":...}) file.

    A label is 1/0 (also true/false, yes/no). Raises InputError on the first bad line.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as e:
        raise InputError(f"{path}: labels file not found") from e
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read the labels file: {e}") from e
    rows = (
        _jsonl_rows(text, path)
        if path.suffix.lower() in (".jsonl", ".json")
        else _csv_rows(text, path)
    )
    labels: dict[str, int] = {}
    for line, ad_id, raw in rows:
        value = str(raw).strip().lower()
        if value not in TRUE_LABELS | FALSE_LABELS or not ad_id:
            raise InputError(f"{path}:{line}: expected an id and a label 0 or 1, got {raw!r}")
        labels[ad_id] = 1 if value in TRUE_LABELS else 0
    if not labels:
        raise InputError(f"{path}: no labels found")
    return labels


def _csv_rows(text: str, path: Path) -> list[tuple[int, str, object]]:
    reader = csv.DictReader(text.splitlines())
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "id" not in fields or "label" not in fields:
        raise InputError(f"{path}: a labels CSV needs a header with the columns id and label")
    reader.fieldnames = fields
    return [
        (n + 2, (row.get("id") or "").strip(), row.get("label") or "")
        for n, row in enumerate(reader)
    ]


def _jsonl_rows(text: str, path: Path) -> list[tuple[int, str, object]]:
    rows: list[tuple[int, str, object]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{path}:{n}: not valid JSON ({e.msg})") from e
        if not isinstance(value, dict):
            raise InputError(f"{path}:{n}: expected an object with id and label")
        label = value.get("label")
        rows.append(
            (n, str(value.get("id") or ""), int(label) if isinstance(label, bool) else label)
        )
    return rows


def load_ads(sources: Sequence[Path]) -> pa.Table:
    """The ads to train on: analysis folders (their ads.parquet), ads.parquet files or ad files.

    Ad files (JSONL, CSV, Parquet records) go through ingest and extraction first.
    """
    if not sources:
        raise InputError("give the ads to train on: an analysis folder, ads.parquet or ad files")
    tables: list[pa.Table] = []
    raw: list[Path] = []
    for source in sources:
        path = source / "ads.parquet" if source.is_dir() else source
        if source.is_dir() and not path.exists():
            raise InputError(f"{source}: not an analysis folder (no ads.parquet)")
        if _is_ads_table(path):
            tables.append(pq.read_table(path, columns=["id", "version", "title", "body", "ages"]))
        else:
            raw.append(path)
    if raw:
        tables.append(_extracted(raw))
    return pa.concat_tables(tables) if len(tables) > 1 else tables[0]


def _is_ads_table(path: Path) -> bool:
    if path.suffix.lower() != ".parquet" or not path.exists():
        return False
    try:
        names = set(pq.read_schema(path).names)
    except (OSError, pa.ArrowInvalid) as e:
        raise InputError(f"{path}: not a readable Parquet file: {e}") from e
    return {"id", "version", "body", "ages"} <= names


def _extracted(paths: list[Path]) -> pa.Table:
    from lightkeeper.ads.extract.ad import extract_ad
    from lightkeeper.ads.ingest import IngestCounts, Rejection, ingest
    from lightkeeper.ads.pipeline import check_inputs
    from lightkeeper.ads.table import ads_table

    check_inputs(paths)
    records = [
        item for item in ingest(paths, counts=IngestCounts()) if not isinstance(item, Rejection)
    ]
    return ads_table(records, [extract_ad(rec) for rec in records])


def features(ads: pa.Table, *, catalogue: Catalogue) -> tuple[np.ndarray, list[str]]:
    """The 0/1 indicator matrix of `ads` (rows) by the catalogue's ad-level codes (columns)."""
    codes = [ind.code for ind in catalogue.active(level="ad")]
    column = {code: n for n, code in enumerate(codes)}
    matrix = np.zeros((ads.num_rows, len(codes)))
    for row, hits in enumerate(match_ads(ads, catalogue=catalogue)):
        for code in hits:
            matrix[row, column[code]] = 1.0
    return matrix, codes


def fit_weights(
    ads: pa.Table,
    labels: dict[str, int],
    *,
    catalogue: Catalogue,
    folds: int = 5,
    min_count: int = 5,
    seed: int = 0,
) -> TrainResult:
    """Fit the ad-level weights on the labelled ads and compare them with the defaults.

    Raises InputError when too few labelled ads of either class are found.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    ids = ads.column("id").to_pylist()
    rows = [n for n, ad_id in enumerate(ids) if ad_id in labels]
    y = np.array([labels[ids[n]] for n in rows], dtype=int)
    positives = int(y.sum())
    if min(positives, len(y) - positives) < max(MIN_PER_CLASS, folds):
        raise InputError(
            f"found {positives} positive and {len(y) - positives} negative labelled ads; "
            f"training needs at least {max(MIN_PER_CLASS, folds)} of each"
        )
    x, codes = features(ads.take(pa.array(rows, pa.int64())), catalogue=catalogue)
    default = x @ np.array([catalogue.get(code).contribution for code in codes])
    splits = list(StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(x, y))
    auc_default, auc_fitted = [], []
    for train, test in splits:
        model = LogisticRegression(max_iter=1000).fit(x[train], y[train])
        auc_fitted.append(float(roc_auc_score(y[test], model.decision_function(x[test]))))
        auc_default.append(float(roc_auc_score(y[test], default[test])))
    model = LogisticRegression(max_iter=1000).fit(x, y)
    counts = {code: int(x[:, n].sum()) for n, code in enumerate(codes)}
    weights = {
        code: (1 if coef >= 0 else -1, round(abs(float(coef)), 4))
        for code, coef in zip(codes, model.coef_[0], strict=True)
        if counts[code] >= min_count
    }
    return TrainResult(
        labelled=len(y),
        positives=positives,
        unmatched_labels=len(set(labels) - {ids[n] for n in rows}),
        folds=folds,
        auc_default=float(roc_auc_score(y, default)),
        auc_default_folds=tuple(auc_default),
        auc_fitted_folds=tuple(auc_fitted),
        intercept=round(float(model.intercept_[0]), 4),
        weights=weights,
        kept_default=tuple(code for code in codes if code not in weights),
        counts=counts,
    )


def write_fitted(result: TrainResult, out: Path, *, labels: Path, force: bool = False) -> Path:
    """Write the fitted weights as a new user catalogue file at `out` and return its path.

    Never writes over the default catalogue, nor over an existing file unless `force`.
    """
    if out.resolve() == default_catalogue_path().resolve():
        raise OutputError(f"{out}: refusing to replace the default catalogue; choose another file")
    if out.exists() and not force:
        raise OutputError(f"{out}: already exists; choose another file or pass --force")
    header = (
        "Lightkeeper catalogue re-weighting, fitted by `lightkeeper train` (logistic regression).\n"
        f"Labels: {labels.name}; {result.labelled} labelled ads, {result.positives} positive.\n"
        f"Cross-validated ROC AUC ({result.folds} folds): fitted {result.auc_fitted:.3f}, "
        f"catalogue defaults {float(np.mean(result.auc_default_folds)):.3f}.\n"
        "The intercept reflects the base rate of the labelled sample, not of all ads.\n"
        "Kept at their default weight (seen in too few ads): "
        f"{', '.join(result.kept_default) or 'none'}.\n"
        "Use it as a user catalogue file: it is merged over the default catalogue."
    )
    meta: dict[str, str | int | float] = {
        "labels": labels.name,
        "labelled": result.labelled,
        "positives": result.positives,
        "folds": result.folds,
        "auc_fitted": round(result.auc_fitted, 4),
        "auc_default": round(float(np.mean(result.auc_default_folds)), 4),
    }
    text = overlay_toml(
        intercepts={"ad": result.intercept}, weights=result.weights, header=header, meta=meta
    )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as e:
        raise OutputError(f"{out}: cannot write the fitted catalogue: {e.strerror or e}") from e
    return out
