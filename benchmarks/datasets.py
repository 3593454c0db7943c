"""Public benchmark data the measurements read (../shared/data/), in one place."""

from __future__ import annotations

import gzip
import json

from bot.config import PROJECT_ROOT

DATA_DIR = PROJECT_ROOT.parent / "shared" / "data"
MEDQUAD_FAQ = DATA_DIR / "medquad-liveqa" / "faq.jsonl.gz"


def medquad_records(limit: int | None = None) -> list[dict]:
    """MedQuAD FAQ records (``id``, ``question``, ``answer``, ``focus``, ``qtype``...)."""
    records = []
    with gzip.open(MEDQUAD_FAQ, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                records.append(json.loads(line))
                if limit and len(records) >= limit:
                    break
    return records
