"""Synthetic ad corpus: realistic, deterministic ads with a truth file, and no real data."""

from lightkeeper.synth.corpus import CorpusInfo, generate, write_corpus

__all__ = ["CorpusInfo", "generate", "write_corpus"]
