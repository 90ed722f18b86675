"""Synthetic corpora: deterministic, valid projects of any size for scale tests and benchmarks."""
