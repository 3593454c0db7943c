"""Files that hold personal data are created readable by their owner only."""

from __future__ import annotations

import os


def create_owner_only(path: str) -> None:
    """Create an empty file with mode 0600 (and its directory) unless it exists.

    SQLite would otherwise create a database file with the umask's mode (often world-readable).
    Raises ``OSError`` when the file cannot be created.
    """
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)
