"""Benchmarks of nianbao: `python -m bench` writes BENCHMARKS.md (see bench/__main__.py)."""
