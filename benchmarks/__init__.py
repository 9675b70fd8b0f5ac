"""Benchmarks: extraction, training input pipeline, inference, scaling (see run_all.py)."""
