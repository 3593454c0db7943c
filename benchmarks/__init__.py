"""Benchmarks and evaluation tooling, outside the runtime package (``python -m bot bench``,
``eval`` and ``benchmark`` load them on demand; no server imports them)."""
