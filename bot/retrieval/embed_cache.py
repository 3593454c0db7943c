"""Embedding cache: every distinct text is embedded once per model, across builds.

A rebuild after a one-entry edit embeds only the changed texts; the rest come from the cache.
Keys are SHA-256 hashes of ``model name + NUL + text``, so two models (or the fp32 and int8
ONNX variants, which have different names) never share vectors. On disk, no pickle:
``vectors-<id>.npy`` (float32 rows) + ``keys.json`` (model, dimension, that file's name, the key
of each row); a save writes a new vectors file, then renames keys.json into place, so a crash
mid-save leaves the previous cache intact.

:class:`CachedEncoder` wraps any :class:`bot.retrieval.embedding.Encoder` and is one itself, so
the index
builder uses it without knowing about the cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from bot.config import PROJECT_ROOT
from bot.settings import settings

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from bot.retrieval.embedding import Encoder

log = logging.getLogger(__name__)

CACHE_ROOT = PROJECT_ROOT / "var" / "cache" / "embeddings"
KEYS_FILE = "keys.json"  # names the vectors file (vectors-<id>.npy) of the same save
LEGACY_VECTORS_FILE = "vectors.npy"
FORMAT_VERSION = 2
CHECKPOINT_TEXTS = 2048  # texts embedded between two checks of the checkpoint clock
CHECKPOINT_SECONDS = 60.0


def text_key(model: str, text: str) -> str:
    """The cache key of ``text`` embedded by ``model`` (hex SHA-256)."""
    return hashlib.sha256(model.encode("utf-8") + b"\0" + text.encode("utf-8")).hexdigest()


def cache_root() -> Path:
    """Where caches live: ``BOT_EMBEDDING_CACHE`` if set, else ``var/cache/embeddings``."""
    return Path(settings().embedding_cache or CACHE_ROOT)


def cache_dir_for(model: str, root: Path | None = None) -> Path:
    """The directory holding ``model``'s cache under ``root`` (one directory per model)."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", model).strip("_")
    return Path(root or cache_root()) / f"{slug}-{hashlib.sha256(model.encode()).hexdigest()[:8]}"


class EmbeddingCache:
    """Vectors of one model by text key; loads lazily, saves atomically."""

    def __init__(self, directory: Path, model: str, dimension: int):
        """A cache in ``directory`` for ``model`` vectors of size ``dimension``."""
        self.directory = Path(directory)
        self.model = model
        self.dimension = dimension
        self._rows: dict[str, int] = {}
        self._vectors: np.ndarray | None = None  # numpy array of the stored rows
        self._pending: list = []  # (keys, vectors) added since load
        self._loaded = False
        self._lock = threading.Lock()

    def _load(self) -> None:
        import numpy as np

        self._loaded = True
        self._vectors = np.zeros((0, self.dimension), dtype=np.float32)
        keys_path = self.directory / KEYS_FILE
        if not keys_path.exists():
            return
        try:
            header = json.loads(keys_path.read_text(encoding="utf-8"))
            # Format 1 kept its vectors in a fixed vectors.npy; read it once, saved as format 2.
            name = header.get("vectors", LEGACY_VECTORS_FILE if header.get("format") == 1 else "")
            vectors = np.load(self.directory / str(name), allow_pickle=False)
        except (OSError, ValueError) as error:
            log.warning("embedding cache %s unreadable (%s): starting empty", self.directory, error)
            return
        keys = header.get("keys", [])
        if (
            header.get("format") not in (1, FORMAT_VERSION)
            or header.get("model") != self.model
            or header.get("dimension") != self.dimension
            or vectors.dtype != np.float32
            or vectors.shape != (len(keys), self.dimension)
        ):
            log.warning("embedding cache %s is for another model or damaged: ignored",
                        self.directory)
            return
        self._vectors = vectors
        self._rows = {key: row for row, key in enumerate(keys)}

    def __len__(self) -> int:
        with self._lock:
            if not self._loaded:
                self._load()
            return len(self._rows)

    def lookup(self, keys: Sequence[str]) -> tuple[np.ndarray, list[int]]:
        """Vectors for ``keys`` (zeros where missing) and the positions that were missing."""
        import numpy as np

        with self._lock:
            if not self._loaded:
                self._load()
            self._merge()
            out = np.zeros((len(keys), self.dimension), dtype=np.float32)
            missing = []
            found_at, found_rows = [], []
            for position, key in enumerate(keys):
                row = self._rows.get(key)
                if row is None:
                    missing.append(position)
                else:
                    found_at.append(position)
                    found_rows.append(row)
            if found_rows:
                out[found_at] = cast("np.ndarray", self._vectors)[found_rows]  # set by _load
            return out, missing

    def add(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        """Remember ``vectors`` (one row per key); persisted by :meth:`save`."""
        with self._lock:
            if not self._loaded:
                self._load()
            self._pending.append((list(keys), vectors))

    def _merge(self) -> None:
        import numpy as np

        if not self._pending:
            return
        stored = cast("np.ndarray", self._vectors)  # set by _load, which runs first
        new_vectors: list[np.ndarray] = []
        for keys, vectors in self._pending:
            for key, vector in zip(keys, vectors, strict=True):
                if key not in self._rows:
                    self._rows[key] = len(stored) + len(new_vectors)
                    new_vectors.append(vector)
        if new_vectors:
            self._vectors = np.vstack([stored, np.asarray(new_vectors, dtype=np.float32)])
        self._pending = []

    def save(self, keep: Iterable[str] | None = None) -> None:
        """Write the cache to disk; with ``keep``, only those keys are kept (prunes old texts)."""
        import numpy as np

        with self._lock:
            if not self._loaded:
                self._load()
            self._merge()
            if keep is not None:
                wanted = [k for k in dict.fromkeys(keep) if k in self._rows]
                rows = [self._rows[k] for k in wanted]
                self._vectors = np.ascontiguousarray(cast("np.ndarray", self._vectors)[rows])
                self._rows = {key: row for row, key in enumerate(wanted)}
            keys: list[str | None] = [None] * len(self._rows)
            for key, row in self._rows.items():
                keys[row] = key
            self.directory.mkdir(parents=True, exist_ok=True)
            # Each save writes a new vectors file and then switches keys.json to it with one
            # rename: keys and vectors always come from the same save, even when two builds
            # save at once or one crashes half-way (a reader sees the old cache or the new one).
            vectors_name = f"vectors-{uuid.uuid4().hex}.npy"
            with open(self.directory / vectors_name, "wb") as handle:
                np.save(handle, np.ascontiguousarray(self._vectors, dtype=np.float32))
            header = {"format": FORMAT_VERSION, "model": self.model,
                      "dimension": self.dimension, "vectors": vectors_name, "keys": keys}
            keys_tmp = self.directory / f"{KEYS_FILE}.tmp-{os.getpid()}-{threading.get_ident()}"
            keys_tmp.write_text(json.dumps(header), encoding="utf-8")
            os.replace(keys_tmp, self.directory / KEYS_FILE)
            stale = [*self.directory.glob("vectors-*.npy"), self.directory / LEGACY_VECTORS_FILE]
            for old in stale:
                if old.name != vectors_name:
                    old.unlink(missing_ok=True)


@dataclass
class CacheStats:
    """What the last :meth:`CachedEncoder.encode` calls did (cumulative until reset)."""

    texts: int = 0  # texts asked for
    unique: int = 0  # distinct texts among them
    hits: int = 0  # distinct texts found in the cache
    embedded: int = 0  # distinct texts sent to the model

    def reset(self) -> None:
        """Zero every counter."""
        self.texts = self.unique = self.hits = self.embedded = 0


class CachedEncoder:
    """An :class:`~bot.retrieval.embedding.Encoder` that embeds each distinct text at most once.

    Duplicates within a call are embedded once; texts seen in earlier builds come from the
    cache. Call :meth:`save` after a build to persist new vectors.
    """

    def __init__(self, encoder: Encoder, directory: Path | None = None):
        """Wrap ``encoder``; the cache lives in ``directory`` (default: per model under var/)."""
        self.encoder = encoder
        self.name = encoder.name
        self.dimension = encoder.dimension
        self.cache = EmbeddingCache(directory or cache_dir_for(encoder.name), encoder.name,
                                    encoder.dimension)
        self.stats = CacheStats()
        self._used: set[str] = set()

    def encode(
        self, texts: Sequence[str], batch_size: int = 64, progress: bool = False
    ) -> np.ndarray:
        """Normalised embeddings of ``texts``, in order; only unseen distinct texts are embedded."""
        import numpy as np

        # The tokenizer splits on whitespace and drops it, so texts that differ only in spacing
        # ("question " vs "question") have the same embedding: embed them once.
        texts = [" ".join(t.split()) for t in texts]
        keys = [text_key(self.name, t) for t in texts]
        unique_keys = list(dict.fromkeys(keys))
        first_text = dict(zip(keys, texts, strict=True))
        vectors, missing = self.cache.lookup(unique_keys)
        bar = None
        if progress and len(missing) > CHECKPOINT_TEXTS:
            from tqdm import tqdm

            bar = tqdm(total=len(missing), desc="Embedding", unit="text")
        last_save = time.monotonic()
        # Long builds go in chunks, saved now and then: an interrupted build resumes from there.
        for start in range(0, len(missing), CHECKPOINT_TEXTS):
            part = missing[start : start + CHECKPOINT_TEXTS]
            fresh = self.encoder.encode(
                [first_text[unique_keys[i]] for i in part],
                batch_size=batch_size, progress=progress and bar is None,
            )
            vectors[part] = fresh
            self.cache.add([unique_keys[i] for i in part], fresh)
            if bar is not None:
                bar.update(len(part))
            if time.monotonic() - last_save > CHECKPOINT_SECONDS and start + len(part) < len(
                missing
            ):
                self.cache.save()
                last_save = time.monotonic()
        if bar is not None:
            bar.close()
        self.stats.texts += len(texts)
        self.stats.unique += len(unique_keys)
        self.stats.hits += len(unique_keys) - len(missing)
        self.stats.embedded += len(missing)
        self._used.update(unique_keys)
        where = {key: i for i, key in enumerate(unique_keys)}
        return np.ascontiguousarray(vectors[[where[k] for k in keys]], dtype=np.float32)

    def save(self, prune: bool = False) -> None:
        """Persist the cache; ``prune`` keeps only texts used since this wrapper was made."""
        self.cache.save(keep=self._used if prune else None)
