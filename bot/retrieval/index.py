"""The vector index on disk: FAISS ``index.faiss`` + ``index.json`` (entries and metadata).

Layout: ``<dir>`` is a symbolic link to ``.<dir name>.builds/<build id>/``, which holds the two
files. A build writes a new build directory and then swaps the link with one ``rename``, so a
reader (which resolves the link once, then reads both files from the same build) never sees a
half-written index or a FAISS file from one build next to metadata from another.

``index.json`` records the schema version, the model name and dimension, the knowledge hash and
where the knowledge came from, the build time and the text recipe; :func:`load_index` refuses an
index whose model or knowledge differs from what the caller expects. No pickle anywhere.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.retrieval import ann
from bot.retrieval.knowledge import (
    MAX_PASSAGE_WORDS,
    Entry,
    Knowledge,
    hash_files,
    knowledge_files,
    strip_placeholders,
)

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from bot.retrieval.embedding import Encoder

SCHEMA_VERSION = 1
INDEX_FILE = "index.faiss"
META_FILE = "index.json"
# How entries become texts. Part of the index identity: changing it forces a rebuild.
ANSWER_LEAD_WORDS = 60
RECIPE = {
    "answer_lead_words": ANSWER_LEAD_WORDS,
    "max_passage_words": MAX_PASSAGE_WORDS,
}
REBUILD_HINT = "run `make index` (or `.venv/bin/python -m bot index`) to rebuild it"


class IndexUnavailable(RuntimeError):
    """The index cannot be used; the message says why and what to do."""


class IndexMissing(IndexUnavailable):
    """No index has been built in this directory."""


class IndexCorrupt(IndexUnavailable):
    """The index files are unreadable or inconsistent with each other."""


class IndexMismatch(IndexUnavailable):
    """The index was built from other knowledge, another model, or another schema."""


# --- texts ------------------------------------------------------------------------------------


def answer_lead(text: str, words: int = ANSWER_LEAD_WORDS) -> str:
    """The first ``words`` words of an answer.

    Embedding the question with only the lead of its answer keeps the question dominant in the
    vector; measured better than the full answer (docs/retrieval.md).
    """
    return " ".join(text.split()[:words])


def vector_texts(entry: Entry) -> list[tuple[str, str]]:
    """``(role, text)`` pairs embedded for an entry.

    FAQ: the question and each paraphrase (role "question"), plus the question followed by the
    lead of the answer (role "entry"). Article passage: "title - heading: passage" ("entry").
    """
    if entry.kind == "faq":
        pairs = [("question", q) for q in entry.questions]
        lead = answer_lead(strip_placeholders(entry.text))
        pairs.append(("entry", f"{entry.questions[0]} {lead}"))
        return pairs
    return [("entry", f"{entry.title}: {strip_placeholders(entry.text)}")]


def lexical_text(entry: Entry) -> str:
    """The text BM25 sees: an FAQ entry's question and paraphrases, or a passage with its title."""
    if entry.kind == "faq":
        return " ".join(entry.questions)
    return f"{entry.title} {strip_placeholders(entry.text)}"


# --- the loaded index ---------------------------------------------------------------------------


@dataclass
class VectorIndex:
    """A loaded index: FAISS vectors, their rows' entries and roles, and the metadata."""

    directory: Path
    meta: dict
    entries: list[Entry]
    row_entry: list[int]
    row_role: list[str]
    faiss_index: Any  # a faiss.Index (faiss has no type information)

    @property
    def count(self) -> int:
        """Number of vectors."""
        return int(self.faiss_index.ntotal)

    def search(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Inner-product search; ``k`` larger than the index is clamped (no -1 rows returned)."""
        k = max(0, min(int(k), self.count))
        if k == 0:
            import numpy as np

            return np.zeros((len(vectors), 0), "float32"), np.zeros((len(vectors), 0), "int64")
        return ann.search(self.faiss_index, vectors, k)


def read_meta(directory: Path) -> dict | None:
    """The metadata of the index in ``directory``, or None when there is none (or unreadable)."""
    path = Path(directory).resolve() / META_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def current_hash(meta: dict) -> str | None:
    """The hash of the knowledge an index was built from, recomputed from today's files.

    None when the origin no longer exists (then the index cannot be checked against it).
    """
    origin = meta.get("origin", "")
    kind, _, where = origin.partition(":")
    if kind == "knowledge" and Path(where).is_dir():
        files = knowledge_files(Path(where))
        return hash_files(files, Path(where)) if files else None
    if kind == "faq" and Path(where).is_file():
        return hash_files([Path(where)])
    return None


def check_meta(
    meta: dict, *, knowledge_hash: str | None = None, model_name: str | None = None
) -> None:
    """Raise :class:`IndexMismatch` when ``meta`` is not for this schema, model or knowledge."""
    if meta.get("schema_version") != SCHEMA_VERSION or meta.get("recipe") != RECIPE:
        raise IndexMismatch(
            f"the index was built by another version of the indexer "
            f"(schema {meta.get('schema_version')}, expected {SCHEMA_VERSION}): {REBUILD_HINT}"
        )
    if model_name is not None and meta.get("model") != model_name:
        raise IndexMismatch(
            f"the index was built with model {meta.get('model')!r}, but this process uses "
            f"{model_name!r}: {REBUILD_HINT}"
        )
    if knowledge_hash is not None and meta.get("knowledge_hash") != knowledge_hash:
        raise IndexMismatch(
            "the index was built from other knowledge than the current files "
            f"(index {str(meta.get('knowledge_hash'))[:12]}, knowledge {knowledge_hash[:12]}): "
            f"{REBUILD_HINT}"
        )


def load_index(
    directory: Path, *, knowledge_hash: str | None = None, model_name: str | None = None
) -> VectorIndex:
    """Load and validate the index in ``directory``.

    ``knowledge_hash`` / ``model_name``: what the caller expects; a different value in the index
    raises :class:`IndexMismatch`. Missing files raise :class:`IndexMissing`, unreadable or
    inconsistent ones :class:`IndexCorrupt`.
    """
    import faiss

    directory = Path(directory)
    build = directory.resolve()  # resolve once: both files come from the same build
    meta_path, faiss_path = build / META_FILE, build / INDEX_FILE
    if not meta_path.exists() or not faiss_path.exists():
        raise IndexMissing(f"no retrieval index in {directory}: {REBUILD_HINT}")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        entries = [Entry.from_dict(e) for e in meta["entries"]]
        row_entry = [int(row[0]) for row in meta["vectors"]]
        row_role = [str(row[1]) for row in meta["vectors"]]
    except (OSError, ValueError, KeyError, TypeError, IndexError) as error:
        raise IndexCorrupt(
            f"the index metadata in {directory} is unreadable ({error}): {REBUILD_HINT}"
        ) from error
    check_meta(meta, knowledge_hash=knowledge_hash, model_name=model_name)
    try:
        vectors = faiss.read_index(str(faiss_path))
    except RuntimeError as error:
        raise IndexCorrupt(f"{faiss_path} is unreadable ({error}): {REBUILD_HINT}") from error
    if (
        vectors.ntotal != len(row_entry)
        or vectors.d != meta.get("dimension")
        or any(not 0 <= i < len(entries) for i in row_entry)
    ):
        raise IndexCorrupt(
            f"{faiss_path} does not match {META_FILE} ({vectors.ntotal} vectors of dimension "
            f"{vectors.d}, metadata lists {len(row_entry)} of {meta.get('dimension')}): "
            f"{REBUILD_HINT}"
        )
    return VectorIndex(directory, meta, entries, row_entry, row_role, vectors)


# --- building -----------------------------------------------------------------------------------


def is_up_to_date(directory: Path, knowledge: Knowledge, model_name: str) -> bool:
    """True when ``directory`` already holds a readable index of exactly this knowledge/model."""
    meta = read_meta(directory)
    if meta is None or not (Path(directory).resolve() / INDEX_FILE).exists():
        return False
    try:
        check_meta(meta, knowledge_hash=knowledge.hash, model_name=model_name)
    except IndexMismatch:
        return False
    return meta.get("origin") == knowledge.origin


def build_index(
    knowledge: Knowledge, directory: Path, encoder: Encoder, *, progress: bool = True
) -> dict:
    """Embed every entry of ``knowledge`` and publish the index in ``directory`` atomically.

    Identical texts are embedded once. Returns the metadata written to ``index.json``.
    """
    import numpy as np

    from bot.retrieval.embed_cache import CachedEncoder

    rows: list[tuple[int, str]] = []
    texts: list[str] = []
    for position, entry in enumerate(knowledge.entries):
        for role, text in vector_texts(entry):
            rows.append((position, role))
            texts.append(text)
    # Texts embedded by an earlier build (same model) come from the cache: a one-entry edit
    # re-embeds one entry's texts, not the whole knowledge base.
    cached = encoder if isinstance(encoder, CachedEncoder) else CachedEncoder(encoder)
    unique = list(dict.fromkeys(texts))
    started = time.perf_counter()
    unique_vectors = cached.encode(unique, progress=progress)
    where = {text: i for i, text in enumerate(unique)}
    vectors = np.ascontiguousarray(unique_vectors[[where[t] for t in texts]], dtype=np.float32)
    # Inner product on unit-length vectors is cosine similarity: exact search up to
    # ann.EXACT_LIMIT vectors, an IVF index with measured recall above.
    flat, ann_info = ann.build(vectors)
    meta = {
        "schema_version": SCHEMA_VERSION,
        "model": encoder.name,
        "dimension": int(vectors.shape[1]),
        "knowledge_hash": knowledge.hash,
        "origin": knowledge.origin,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "embed_seconds": round(time.perf_counter() - started, 3),
        "recipe": RECIPE,
        "entry_count": len(knowledge.entries),
        "vector_count": len(rows),
        "texts_embedded": cached.stats.embedded,
        "search_index": ann_info.to_dict(),
        "entries": [entry.as_dict() for entry in knowledge.entries],
        "vectors": [[position, role] for position, role in rows],
    }
    _publish(Path(directory), flat, meta)
    if cached is not encoder:
        cached.save()
    return meta


def _publish(directory: Path, flat, meta: dict) -> None:
    import faiss

    directory = directory.absolute()
    builds = directory.parent / f".{directory.name}.builds"
    builds.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    build = builds / f"{stamp}-{uuid.uuid4().hex[:8]}"
    staging = builds / f".staging-{build.name}"
    staging.mkdir()
    try:
        faiss.write_index(flat, str(staging / INDEX_FILE))
        with open(staging / META_FILE, "w", encoding="utf-8") as handle:
            json.dump(meta, handle, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.rename(staging, build)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    previous = directory.resolve() if directory.is_symlink() else None
    if directory.exists() and not directory.is_symlink():
        # An index directory from before links were used: move it aside once.
        os.rename(directory, builds / f"legacy-{stamp}-{uuid.uuid4().hex[:8]}")
    link = directory.parent / f".{directory.name}.link-{uuid.uuid4().hex[:8]}"
    os.symlink(os.path.relpath(build, directory.parent), link)
    os.replace(link, directory)  # the atomic switch
    # Keep the build a reader may have just resolved (the previous one); drop older ones.
    keep = {build.resolve(), previous}
    for old in builds.iterdir():
        if old.resolve() not in keep and not old.name.startswith(".staging-"):
            shutil.rmtree(old, ignore_errors=True)


def index_problem(index_dir: Path | None = None) -> str | None:
    """Why the clinic's index cannot be used (files and metadata only, no model), or None.

    The action server runs this at start: with no index, unreadable metadata, or an index built
    from other knowledge or by another indexer it stops with what to run, instead of starting
    and telling every patient it cannot answer.
    """
    from bot.retrieval.knowledge import hash_files, knowledge_files
    from bot.settings import served_index_dir, served_knowledge_dir

    index_dir = Path(index_dir or served_index_dir())
    knowledge_dir = served_knowledge_dir()
    meta = read_meta(index_dir)
    if meta is None or not (index_dir.resolve() / INDEX_FILE).exists():
        return f"no readable retrieval index in {index_dir}: {REBUILD_HINT}"
    files = knowledge_files(knowledge_dir)
    try:
        check_meta(meta, knowledge_hash=hash_files(files, knowledge_dir) if files else None)
    except IndexMismatch as error:
        return str(error)
    return None
