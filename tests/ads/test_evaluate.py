"""Pairwise clustering scores."""

import pytest

from lightkeeper.ads.evaluate import pairwise_scores


def test_perfect_clustering_scores_one() -> None:
    s = pairwise_scores(["a", "a", "b", None], ["x", "x", "y", "z"])
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)
    assert s.true_pairs == 1


def test_merged_clusters_lose_precision_not_recall() -> None:
    s = pairwise_scores(["a", "a", "a", "a"], ["x", "x", "y", "y"])
    assert s.predicted_pairs == 6 and s.correct_pairs == 2
    assert s.precision == pytest.approx(2 / 6) and s.recall == 1.0


def test_split_clusters_lose_recall_not_precision() -> None:
    s = pairwise_scores([None, None, "b", "b"], ["x", "x", "x", "x"])
    assert s.precision == 1.0 and s.recall == pytest.approx(1 / 6)


def test_lengths_must_match() -> None:
    with pytest.raises(ValueError, match="same length"):
        pairwise_scores(["a"], [])
