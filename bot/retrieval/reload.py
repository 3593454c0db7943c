"""Hot reload: a running process follows the index directory without a restart.

``python -m bot index`` publishes every build as a new directory and swaps the index link to it
with one ``rename`` (bot/retrieval/index.py), so the link's target identifies a build.
:class:`HotIndex`
holds one loaded retriever and, at most every ``check_every`` seconds, compares that target with
the one it loaded (one ``readlink``: cheap enough to do on the request path). When it changed, a
background thread loads the new build in full while requests keep being served by the old one;
the swap is a single reference assignment under a lock. A request therefore always runs on one
complete retriever, old or new, never on a half-loaded one.

A build that fails to load (for example ``knowledge/`` was edited again after indexing, so the
index no longer matches the files) is refused: the old retriever keeps serving, a warning is
logged, and the same build is tried again only after ``retry_after`` seconds.

Standard library only: the action server imports this before anything heavy is needed.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.settings import settings

logger = logging.getLogger(__name__)

DEFAULT_CHECK_SECONDS = 2.0
DEFAULT_RETRY_SECONDS = 60.0
CHECK_SECONDS_ENV = "BOT_INDEX_RELOAD_SECONDS"
META_FILE = "index.json"  # as written by bot/retrieval/index.py


def disk_version(index_dir: Path) -> str | None:
    """A cheap fingerprint of the build currently published in ``index_dir``; None if none.

    For a linked index (how bot/retrieval/index.py publishes) it is the link's target, a directory
    name unique per build; for a plain directory, the identity and mtime of its metadata file.
    """
    index_dir = Path(index_dir)
    try:
        if index_dir.is_symlink():
            return os.readlink(index_dir)
        stat = (index_dir / META_FILE).stat()
    except OSError:
        return None
    return f"{stat.st_ino}-{stat.st_mtime_ns}-{stat.st_size}"


def version_of(retriever: Any) -> str | None:
    """The version of the index a retriever serves, for log records and reports.

    ``<first 12 hex of the knowledge hash>@<build time>``: which knowledge, built when. None
    when the object carries no index metadata (a test double).
    """
    return meta_version(getattr(getattr(retriever, "index", None), "meta", None))


def meta_version(meta: Any) -> str | None:
    """The version (see :func:`version_of`) of an index's metadata; None without metadata."""
    if not isinstance(meta, dict):
        return None
    knowledge = str(meta.get("knowledge_hash") or "unknown")[:12]
    built = str(meta.get("built_at") or "unknown")
    for sep in ("-", ":"):
        built = built.replace(sep, "")
    return f"{knowledge}@{built.replace('+0000', 'Z')}"


def _check_seconds() -> float:
    return settings().index_reload_seconds


class HotIndex:
    """One retriever at a time, replaced atomically when a new index build is published.

    ``load`` builds a complete retriever from ``index_dir`` (it raises when the index is missing
    or does not match the knowledge); the first load happens on the first :meth:`current` call,
    in the caller's thread, and its error propagates (a later call tries again).
    ``background=False`` loads a new build in the thread that noticed it (tests, scripts).
    """

    def __init__(
        self,
        load: Callable[[], Any],
        index_dir: Path,
        *,
        check_every: float | None = None,
        retry_after: float = DEFAULT_RETRY_SECONDS,
        background: bool = True,
    ):
        """Prepare; nothing is loaded until :meth:`current` is first called."""
        self._load = load
        self.index_dir = Path(index_dir)
        self.check_every = _check_seconds() if check_every is None else max(0.0, check_every)
        self.retry_after = retry_after
        self.background = background
        self._lock = threading.Lock()
        self._retriever: Any = None
        self._loaded_from: str | None = None  # disk_version() of the build in use
        self._next_check = 0.0
        self._failed: dict[str, float] = {}  # build -> when it may be tried again
        self._loader: threading.Thread | None = None
        self.swaps = 0

    # -- the request path --

    def current(self) -> Any:
        """The retriever to use for one whole request (loads it on first use).

        Starts a reload when a new build is on disk; never waits for one once a retriever
        exists. Hold on to the returned object for the whole request.
        """
        retriever = self._retriever
        if retriever is None:
            with self._lock:
                if self._retriever is None:
                    version = disk_version(self.index_dir)
                    self._retriever = self._load()
                    self._loaded_from = version
                    self._next_check = time.monotonic() + self.check_every
                    logger.info("retrieval index loaded (version %s)", self.version)
                return self._retriever
        now = time.monotonic()
        if now >= self._next_check:
            self._maybe_reload(now)
        return self._retriever

    @property
    def version(self) -> str | None:
        """Version of the index in use (see :func:`version_of`); None before the first load."""
        return version_of(self._retriever) if self._retriever is not None else None

    def decide(self, text):
        """``current().decide(text)``: the retriever facade keeps answering across swaps."""
        return self.current().decide(text)

    def get(self, entry_id: str):
        """``current().get(entry_id)``."""
        return self.current().get(entry_id)

    # -- reloading --

    def _maybe_reload(self, now: float) -> None:
        with self._lock:
            if now < self._next_check:
                return  # another request checked meanwhile
            self._next_check = now + self.check_every
            if self._loader is not None and self._loader.is_alive():
                return
            version = disk_version(self.index_dir)
            if version is None or version == self._loaded_from:
                return
            if self._failed.get(version, 0.0) > now:
                return
            if not self.background:
                self._reload(version)
                return
            self._loader = threading.Thread(
                target=self._reload, args=(version,), name="index-reload", daemon=True
            )
            self._loader.start()

    def _reload(self, version: str) -> None:
        started = time.perf_counter()
        try:
            fresh = self._load()
        except Exception as error:  # noqa: BLE001 - a bad build must never take the old one down
            self._failed[version] = time.monotonic() + self.retry_after
            # The message names files and hashes only, never a patient's text.
            logger.warning(
                "new retrieval index not loaded, still serving version %s: %s",
                self.version, error,
            )
            return
        with self._lock:
            old = self.version
            self._retriever = fresh
            self._loaded_from = version
            self.swaps += 1
        logger.info(
            "retrieval index switched from version %s to %s (loaded in %.2f s)",
            old, self.version, time.perf_counter() - started,
        )

    def wait_for_reload(self, timeout: float = 30.0) -> bool:
        """Check now and wait until the build published on disk is the one in use.

        True when it is (whoever started the reload); False when that build was refused or
        ``timeout`` passed. For tests and scripts that must know the switch happened (requests
        never wait).
        """
        deadline = time.monotonic() + timeout
        while True:
            self._next_check = 0.0
            self.current()
            loader = self._loader
            if loader is not None:
                loader.join(max(0.0, deadline - time.monotonic()))
            published = disk_version(self.index_dir)
            if published is not None and published == self._loaded_from:
                return True
            if published in self._failed or time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
