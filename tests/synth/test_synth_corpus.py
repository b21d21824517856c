"""The corpus files: determinism, counts, re-crawls, record schema and the `synth` command."""

from __future__ import annotations

import gc
import gzip
import json
from collections import Counter
from importlib import resources
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from lightkeeper.errors import ConfigError, OutputError
from lightkeeper.synth import corpus as corpus_module
from lightkeeper.synth.cli import register
from lightkeeper.synth.corpus import generate, truth_path_for, write_corpus

from .conftest import Pair

_JSON_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "array": list,
    "object": dict,
    "integer": int,
    "boolean": bool,
}


def _schema() -> dict[str, Any]:
    text = resources.files("lightkeeper").joinpath("data/schemas/ad-record-v1.schema.json")
    return dict(json.loads(text.read_text(encoding="utf-8")))


def _schema_errors(record: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    errors = [f"missing {key}" for key in schema["required"] if key not in record]
    if not any(all(k in record for k in alt["required"]) for alt in schema["anyOf"]):
        errors.append("needs body or title")
    for key, spec in schema["properties"].items():
        if key not in record:
            continue
        value = record[key]
        if not isinstance(value, _JSON_TYPES[spec["type"]]):
            errors.append(f"{key} is not {spec['type']}")
            continue
        if isinstance(value, str) and not spec.get("minLength", 0) <= len(value) <= spec.get(
            "maxLength", 10**9
        ):
            errors.append(f"{key} length {len(value)}")
        if isinstance(value, list):
            if len(value) > spec.get("maxItems", 10**9):
                errors.append(f"{key} has too many items")
            if not all(isinstance(item, str) for item in value):
                errors.append(f"{key} items are not strings")
    return errors


def test_schema_validator_catches_bad_records() -> None:
    schema = _schema()
    assert _schema_errors({"id": "x", "body": "hi"}, schema) == []
    assert _schema_errors({"title": "hi"}, schema) == ["missing id"]
    assert _schema_errors({"id": "x"}, schema) == ["needs body or title"]
    assert _schema_errors({"id": "x", "body": 3}, schema) == ["body is not string"]


def test_every_record_is_valid_ad_record_v1(corpus: list[Pair]) -> None:
    schema = _schema()
    for ad, _ in corpus:
        assert _schema_errors(ad, schema) == [], ad
        assert ad["language"] in ("en", "es")
        assert ad["posted_at"].startswith("2024-") and ad["posted_at"].endswith("Z")
        assert all(len(h) == 16 and int(h, 16) >= 0 for h in ad["images"])


def test_same_seed_same_bytes_and_other_seed_differs(tmp_path: Path) -> None:
    first = write_corpus(tmp_path / "a" / "ads.jsonl", ads=400, seed=5)
    second = write_corpus(tmp_path / "b" / "ads.jsonl", ads=400, seed=5)
    third = write_corpus(tmp_path / "c" / "ads.jsonl", ads=400, seed=6)
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.truth_path.read_bytes() == second.truth_path.read_bytes()
    assert first.path.read_bytes() != third.path.read_bytes()
    assert first.truth_path.read_bytes() != third.truth_path.read_bytes()


def test_gzip_output_is_deterministic_and_matches_plain(tmp_path: Path) -> None:
    plain = write_corpus(tmp_path / "ads.jsonl", ads=300, seed=9)
    packed = write_corpus(tmp_path / "z" / "ads.jsonl.gz", ads=300, seed=9)
    again = write_corpus(tmp_path / "y" / "ads.jsonl.gz", ads=300, seed=9)
    assert packed.truth_path == tmp_path / "z" / "ads.truth.jsonl"
    assert packed.path.read_bytes() == again.path.read_bytes()
    assert gzip.decompress(packed.path.read_bytes()) == plain.path.read_bytes()


def test_worker_processes_write_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(corpus_module, "BATCH", 250)  # 5 batches: enough to use the pool
    alone = write_corpus(tmp_path / "one.jsonl", ads=1200, seed=8, workers=1)
    shared = write_corpus(tmp_path / "two.jsonl", ads=1200, seed=8, workers=2)
    assert alone.path.read_bytes() == shared.path.read_bytes()
    assert alone.truth_path.read_bytes() == shared.truth_path.read_bytes()
    assert (alone.truth, alone.duplicates, alone.edits, alone.operators) == (
        shared.truth,
        shared.duplicates,
        shared.edits,
        shared.operators,
    )


def test_batches_never_share_a_phone_or_an_operator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpus_module, "BATCH", 300)
    owner: dict[str, str] = {}
    batch_of: dict[str, int] = {}
    for line, (_, truth) in enumerate(generate(1500, seed=2)):
        batch_of.setdefault(truth["operator"], line // 300)
        assert batch_of[truth["operator"]] == line // 300
        for phone in set(truth["phones"]) - set(truth["hub_phones"]):
            assert owner.setdefault(phone, truth["operator"]) == truth["operator"], phone


@pytest.mark.parametrize(
    ("name", "truth"),
    [
        ("ads.jsonl", "ads.truth.jsonl"),
        ("ads.jsonl.gz", "ads.truth.jsonl"),
        ("corpus", "corpus.truth.jsonl"),
    ],
)
def test_truth_file_name(name: str, truth: str) -> None:
    assert truth_path_for(Path("/x") / name) == Path("/x") / truth


def test_counts_match_files(tmp_path: Path) -> None:
    info = write_corpus(tmp_path / "ads.jsonl", ads=1500, seed=3)
    ads = [json.loads(line) for line in info.path.read_text(encoding="utf-8").splitlines()]
    truth = [json.loads(line) for line in info.truth_path.read_text(encoding="utf-8").splitlines()]
    assert len(ads) == info.ads == 1500
    assert len(truth) == info.truth == 1500 - info.duplicates
    assert info.duplicates >= 1 and info.edits >= 1
    assert info.edits == sum(1 for t in truth if t["version"] > 1)
    assert info.operators == len({t["operator"] for t in truth})
    keys = [(t["id"], t["version"]) for t in truth]
    assert len(keys) == len(set(keys))
    distinct_lines = []
    seen: set[str] = set()
    for line in info.path.read_text(encoding="utf-8").splitlines():
        if line not in seen:
            seen.add(line)
            distinct_lines.append(json.loads(line)["id"])
    assert distinct_lines == [t["id"] for t in truth]


def test_recrawls_repeat_or_edit_an_earlier_line(corpus: list[Pair]) -> None:
    earlier: dict[str, list[dict[str, Any]]] = {}
    duplicates = edits = 0
    for ad, truth in corpus:
        before = earlier.get(ad["id"], [])
        if truth.get("duplicate"):
            duplicates += 1
            assert ad in before
        elif truth["version"] > 1:
            edits += 1
            assert before, "an edit follows the original"
            assert all(ad != old for old in before)
            assert ad["posted_at"] == before[0]["posted_at"]
            assert truth["version"] == len({json.dumps(b, sort_keys=True) for b in before}) + 1
        else:
            assert not before, "ids are unique apart from re-crawls"
        earlier.setdefault(ad["id"], []).append(ad)
    assert 5 <= duplicates <= 30  # ~0.5% of 3,000
    assert 2 <= edits <= 20  # ~0.3%


def test_generate_streams_without_making_everything_first(monkeypatch: pytest.MonkeyPatch) -> None:
    # A hundred million ads would not fit in memory: only a batch is made before the first.
    monkeypatch.setattr(corpus_module, "BATCH", 400)
    head = list(islice(generate(10**8, seed=7), 5))
    assert len({ad["id"] for ad, _ in head}) == 5


def test_generate_leaves_the_cycle_collector_on_for_the_caller() -> None:
    assert gc.isenabled()
    for _ in islice(generate(50, seed=1), 50):
        assert gc.isenabled()
    assert gc.isenabled()


def test_negative_count_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        list(generate(-1, seed=1))


def test_zero_ads_writes_empty_files(tmp_path: Path) -> None:
    info = write_corpus(tmp_path / "empty.jsonl", ads=0, seed=1)
    assert info.path.read_bytes() == b"" and info.truth_path.read_bytes() == b""


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test application."""

    register(app)
    return app


def test_cli_writes_corpus_and_reports_on_stderr(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "dir" / "ads.jsonl"
    result = CliRunner().invoke(_app(), ["synth", "--ads", "120", "--seed", "4", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 120
    assert (tmp_path / "deep" / "dir" / "ads.truth.jsonl").exists()
    assert result.stdout == ""
    assert "Wrote 120 ads" in result.stderr and str(out) in result.stderr.replace("\n", "")


def test_cli_quiet_prints_nothing(tmp_path: Path) -> None:
    out = tmp_path / "ads.jsonl.gz"
    args = ["synth", "--ads", "50", "--seed", "4", "--out", str(out), "--quiet"]
    result = CliRunner().invoke(_app(), args)
    assert result.exit_code == 0
    assert result.output == ""
    assert len(gzip.decompress(out.read_bytes()).splitlines()) == 50


def test_cli_unwritable_path_raises_output_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    args = ["synth", "--ads", "10", "--seed", "1", "--out", str(blocker / "ads.jsonl")]
    result = CliRunner().invoke(_app(), args)
    assert result.exit_code != 0
    assert isinstance(result.exception, OutputError)
    assert f"{blocker} is not a directory" in str(result.exception)


def test_directory_as_output_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="cannot write the corpus"):
        write_corpus(tmp_path, ads=5, seed=1)


def test_cli_rejects_negative_count(tmp_path: Path) -> None:
    args = ["synth", "--ads", "-3", "--out", str(tmp_path / "a.jsonl")]
    result = CliRunner().invoke(_app(), args)
    assert result.exit_code == 2
    assert not (tmp_path / "a.jsonl").exists()


def test_ids_and_urls_are_consistent(distinct: list[Pair]) -> None:
    for ad, truth in distinct:
        assert ad["id"] == truth["id"]
        assert ad["url"].startswith(f"https://{ad['site']}/") and ad["url"].endswith(ad["id"])
    sites = Counter(ad["site"] for ad, _ in distinct)
    assert len(sites) >= 5
