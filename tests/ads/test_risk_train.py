"""`lightkeeper train`: labels, fitting, the comparison with the defaults, the new file."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from lightkeeper.ads.indicators.catalogue import default_catalogue_path, load_catalogue
from lightkeeper.ads.indicators.cli import register
from lightkeeper.ads.indicators.train import fit_weights, load_ads, read_labels, write_fitted
from lightkeeper.errors import InputError, OutputError


def labelled_ads(n=240, seed=5):
    """Ads whose label follows 'ask for' strongly and 'young' weakly; 'latina' is noise."""
    rng = np.random.default_rng(seed)
    ids, bodies, labels = [], [], {}
    for i in range(n):
        risky = i % 2 == 0
        words = ["relaxing massage"]
        if rng.random() < (0.8 if risky else 0.1):
            words.append("ask for Mia")
        if rng.random() < (0.4 if risky else 0.25):
            words.append("young")
        if rng.random() < 0.3:
            words.append("latina")
        ids.append(f"ad{i}")
        bodies.append(", ".join(words))
        labels[f"ad{i}"] = int(risky)
    ads = pa.table(
        {
            "id": ids,
            "version": pa.array([1] * n, pa.int32()),
            "title": pa.array([None] * n, pa.string()),
            "body": bodies,
            "ages": pa.array([[]] * n, pa.list_(pa.int16())),
        }
    )
    return ads, labels


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


def test_read_labels_csv_and_jsonl(tmp_path):
    csv_file = tmp_path / "l.csv"
    csv_file.write_text("ID,Label\na,1\nb,0\nc,true\n")
    assert read_labels(csv_file) == {"a": 1, "b": 0, "c": 1}
    jsonl = tmp_path / "l.jsonl"
    jsonl.write_text('{"id": "a", "label": 1}\n\n{"id": "b", "label": false}\n')
    assert read_labels(jsonl) == {"a": 1, "b": 0}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("l.csv", "id,label\na,maybe\n", "l.csv:2"),
        ("l.csv", "ad,risky\na,1\n", "header"),
        ("l.jsonl", '{"id": "a", "label": 1}\nnot json\n', "l.jsonl:2"),
        ("l.csv", "id,label\n", "no labels"),
    ],
)
def test_bad_labels_are_reported(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        read_labels(path)


def test_fit_learns_and_compares_on_the_same_folds(cat):
    ads, labels = labelled_ads()
    result = fit_weights(ads, labels, catalogue=cat, folds=4)
    assert result.labelled == 240 and result.positives == 120
    assert len(result.auc_fitted_folds) == len(result.auc_default_folds) == 4
    assert result.auc_fitted > 0.85
    third = result.weights["SX_THIRD_PERSON"]
    assert third[0] == 1 and third[1] > 1.0
    assert result.weights["SX_THIRD_PERSON"][1] > result.weights["SX_YOUTH"][1]
    assert "SX_MINOR_AGE" in result.kept_default  # never seen: keeps its default


def test_too_few_labels(cat):
    ads, labels = labelled_ads(n=12)
    with pytest.raises(InputError, match="at least 10 of each"):
        fit_weights(ads, labels, catalogue=cat)


def test_fitted_file_is_new_and_loads_over_the_default(tmp_path, cat):
    ads, labels = labelled_ads()
    result = fit_weights(ads, labels, catalogue=cat, folds=3)
    out = write_fitted(result, tmp_path / "fitted.toml", labels=tmp_path / "labels.csv")
    merged = load_catalogue(out)
    assert merged.intercept("ad") == result.intercept
    assert merged.get("SX_THIRD_PERSON").weight == result.weights["SX_THIRD_PERSON"][1]
    assert merged.get("SX_MINOR_AGE").weight == cat.get("SX_MINOR_AGE").weight
    assert "cross-validated" in out.read_text().lower()
    with pytest.raises(OutputError, match="already exists"):
        write_fitted(result, out, labels=out)
    with pytest.raises(OutputError, match="default catalogue"):
        write_fitted(result, default_catalogue_path(), labels=out, force=True)
    assert load_catalogue().get("SX_THIRD_PERSON").weight == cat.get("SX_THIRD_PERSON").weight


def test_load_ads_from_an_analysis_folder(tmp_path):
    ads, _ = labelled_ads(n=4)
    (tmp_path / "run").mkdir()
    pq.write_table(ads, tmp_path / "run" / "ads.parquet")
    assert load_ads([tmp_path / "run"]).num_rows == 4
    with pytest.raises(InputError, match="not an analysis folder"):
        load_ads([tmp_path])


def test_train_command(tmp_path):
    ads, labels = labelled_ads()
    pq.write_table(ads, tmp_path / "ads.parquet")
    label_file = tmp_path / "labels.jsonl"
    label_file.write_text(
        "".join(json.dumps({"id": k, "label": v}) + "\n" for k, v in labels.items())
    )
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)  # a second command keeps `train` a subcommand
    out = tmp_path / "mine.toml"
    args = ["train", str(tmp_path / "ads.parquet"), "--labels", str(label_file), "--out", str(out)]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["written"] == str(out) and out.exists()
    assert summary["auc_fitted"] > 0.85 and 0.5 <= summary["auc_default"] <= 1
    again = CliRunner().invoke(app, args)
    assert isinstance(again.exception, OutputError)
    forced = CliRunner().invoke(app, [*args, "--force"])
    assert forced.exit_code == 0
    assert "catalogue is unchanged" in " ".join(forced.output.split())
