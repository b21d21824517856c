"""Pairwise precision and recall of a clustering against ground-truth labels.

Two ads form a predicted pair when they share a predicted cluster, a true pair when they share a
true label. Counting is done on the contingency table, never by listing pairs, so millions of
ads are fine. A label of None is a singleton (the ad is alone in its cluster).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PairScores:
    """Pairwise scores of one clustering."""

    precision: float
    recall: float
    f1: float
    predicted_pairs: int
    true_pairs: int
    correct_pairs: int


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _labels(values: Sequence[Hashable | None]) -> list[Hashable]:
    return [("__single__", i) if v is None else v for i, v in enumerate(values)]


def pairwise_scores(
    predicted: Sequence[Hashable | None], truth: Sequence[Hashable | None]
) -> PairScores:
    """Pairwise precision, recall and F1 of `predicted` cluster labels against `truth` labels."""
    if len(predicted) != len(truth):
        raise ValueError("predicted and truth must have the same length")
    pred, true = _labels(predicted), _labels(truth)
    predicted_pairs = sum(_pairs(n) for n in Counter(pred).values())
    true_pairs = sum(_pairs(n) for n in Counter(true).values())
    correct = sum(_pairs(n) for n in Counter(zip(pred, true, strict=True)).values())
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScores(precision, recall, f1, predicted_pairs, true_pairs, correct)
