"""Benchmarks: figures the issues name, measured against baselines run in the same process."""
