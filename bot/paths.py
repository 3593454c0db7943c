"""Where the project's files are, resolved from this module (never the working directory)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge"
DEFAULT_INDEX_DIR = PROJECT_ROOT / "var" / "index"
