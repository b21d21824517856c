"""Template clustering in batches: the same result whatever the batch sizes and the engine."""

from __future__ import annotations

import random

import numpy as np
import pyarrow as pa
import pytest

from lightkeeper.ads.templates import boilerplate, cluster
from lightkeeper.ads.templates.cluster import TemplateResult, cluster_templates
from lightkeeper.engine.local import LocalEngine

_VOCABULARY = (
    "sweet classy charming elegant friendly warm upscale playful lovely discreet relaxed "
    "genuine polished caring companion evening weekend massage quiet private clean cozy "
    "studio downtown available tonight visit meet call text book appointment welcome"
)
WORDS = tuple(_VOCABULARY.split())
NAMES = ["Ana", "Bella", "Carla", "Dana", "Emma"]
STOCK = "No law enforcement. Fees are for time only. Anything else is between adults."


def corpus(n_operators: int = 12, seed: int = 5) -> pa.Table:
    """Operators each reposting one template (names, phones and prices change), with a
    stock disclaimer pasted into many ads, plus one-off ads; rows shuffled."""
    rng = random.Random(seed)
    bodies: list[str] = []
    for op in range(n_operators):
        base = [" ".join(rng.choice(WORDS) for _ in range(8)).capitalize() + "." for _ in range(4)]
        for _ in range(2 + op % 5):
            phone = f"({rng.randint(200, 999)}) 555-{rng.randint(0, 9999):04d}"
            extra = STOCK if rng.random() < 0.5 else ""
            bodies.append(
                f"Hi, I am {rng.choice(NAMES)}. {' '.join(base)} Call {phone}, "
                f"${rng.choice([150, 200])} per hour. {extra}"
            )
    for _ in range(15):
        bodies.append(" ".join(rng.choice(WORDS) for _ in range(20)) + ". " + STOCK)
    rng.shuffle(bodies)
    n = len(bodies)
    return pa.table(
        {
            "id": [f"a{i:04d}" for i in range(n)],
            "version": pa.array([1] * n, pa.int32()),
            "title": [None] * n,
            "body": bodies,
            "city": [rng.choice(["Leeds", "Madrid", None]) for _ in range(n)],
        }
    )


def same(a: TemplateResult, b: TemplateResult) -> bool:
    return (
        a.template_ids == b.template_ids
        and a.templates.equals(b.templates)
        and a.boilerplate == b.boilerplate
    )


def test_batch_sizes_do_not_change_the_result(monkeypatch: pytest.MonkeyPatch) -> None:
    table = corpus()
    whole = cluster_templates(table)
    assert whole.templates.num_rows >= 5
    monkeypatch.setattr(cluster, "TOKENISE_ROWS", 7)
    monkeypatch.setattr(cluster, "DESCRIBE_ROWS", 5)
    monkeypatch.setattr(cluster, "BATCH_ROWS", 11)
    monkeypatch.setattr(boilerplate, "_CHUNK_ENTRIES", 4)
    monkeypatch.setattr(boilerplate, "_CHUNK_PAIRS", 16)
    assert same(cluster_templates(table), whole)


def test_engine_workers_do_not_change_the_result(monkeypatch: pytest.MonkeyPatch) -> None:
    table = corpus(seed=8)
    whole = cluster_templates(table)
    monkeypatch.setattr(cluster, "TOKENISE_ROWS", 9)
    monkeypatch.setattr(cluster, "DESCRIBE_ROWS", 6)
    monkeypatch.setattr(boilerplate, "_CHUNK_ENTRIES", 4)  # several chunks for map_shared
    for workers in (1, 2):
        with LocalEngine(workers) as engine:
            assert same(cluster_templates(table, engine=engine), whole)


def test_unread_columns_are_ignored() -> None:
    table = corpus(seed=3)
    wider = table.append_column("extra", pa.array([[1, 2]] * table.num_rows))
    assert same(cluster_templates(wider), cluster_templates(table))


def test_growing_array_keeps_every_batch_in_order() -> None:
    grower = cluster._Growing(3)  # far too small: it must grow
    parts = [np.arange(k, k + 5, dtype=np.uint64) for k in range(0, 50, 5)]
    for part in parts:
        grower.add(part)
    assert np.array_equal(grower.result(), np.concatenate(parts))
    roomy = cluster._Growing(1000)  # far too large: the result is trimmed to its values
    roomy.add(np.arange(4, dtype=np.uint32))
    out = roomy.result()
    assert out.dtype == np.uint32
    assert out.tolist() == [0, 1, 2, 3]


def test_features_give_back_the_corpus() -> None:
    table = corpus(seed=2)
    rows = np.array([5, 0, 7], dtype=np.int64)
    full = cluster.prepare_corpus(table)
    features = cluster.Features.of_corpus(full, table.num_rows)
    part = features.corpus(rows)
    again = cluster.prepare_corpus(table.take(pa.array(rows)))
    for name in ("sentence_ad", "sentence_start", "sentence_end", "sentence_hash", "token_hash"):
        assert np.array_equal(getattr(part, name), getattr(again, name)), name
    assert np.array_equal(part.token_sentence, again.token_sentence)


def test_grouping_gives_the_ids_before_describing() -> None:
    table = corpus(seed=4)
    whole = cluster_templates(table)
    with LocalEngine(2) as engine:
        groups = cluster.group_templates(table, engine=engine)
        assert groups.template_ids == whole.template_ids
        assert any(tid is not None for tid in groups.template_ids)
        assert same(groups.describe(), whole)


def test_grouping_an_empty_table_describes_nothing() -> None:
    groups = cluster.group_templates(corpus().slice(0, 0))
    assert groups.template_ids == []
    result = groups.describe()
    assert result.template_ids == []
    assert result.templates.num_rows == 0


def test_grouping_without_the_text_describes_with_it_given_again() -> None:
    table = corpus(seed=9)
    whole = cluster_templates(table)
    texts = table.select(["title", "body"])
    groups = cluster.group_templates(table, keep_text=False)
    assert groups.template_ids == whole.template_ids
    with pytest.raises(ValueError, match="needs the texts"):
        groups.describe()
    assert same(groups.describe(texts), whole)
