"""``python -m bot rotate-key``: every stored value re-encrypted under the active data key.

Run after the servers restarted with the new ``BOT_DATA_KEY`` and the old one in
``BOT_DATA_KEYS_PREVIOUS`` (docs/booking.md, "Replacing the data key"). It rewrites the
consultation requests' encrypted columns and re-seals the tracker store's events (also events
from before sealing, still in clear); when it reports nothing left under another key, the old
key can leave the ring. Safe to run again, and while the servers run (they write under the
active key; a conversation event is rewritten in place, its conversation untouched).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.privacy.crypto import Cipher

# Imports of SQLAlchemy and the cipher happen in the functions: `python -m bot --help` and
# the other commands load this module and must stay fast (bot/staff/cli.py).
TRACKER_DB_ENV = "BOT_TRACKER_DB_URL"
BATCH = 500


@dataclass
class Rotation:
    """What ``rotate-key`` rewrote."""

    key_id: str
    request_values: int = 0
    events: int = 0
    events_in_clear: int = 0
    conversations_checked: bool = False

    def text(self, dry_run: bool) -> str:
        """The report staff read (counts only)."""
        verb = "would re-encrypt" if dry_run else "re-encrypted"
        lines = [
            f"active key: {self.key_id}",
            f"consultation requests: {verb} {self.request_values} values",
        ]
        if not self.conversations_checked:
            lines.append(f"conversations: not checked (give --tracker-store or set "
                         f"{TRACKER_DB_ENV})")  # fmt: skip
            return "\n".join(lines)
        lines.append(f"conversations: {verb} {self.events} events ({self.events_in_clear} were "
                     "in clear)")  # fmt: skip
        if not dry_run:
            lines.append(
                f"every stored value is now under key {self.key_id}: the previous keys can "
                "be removed from BOT_DATA_KEYS_PREVIOUS"
            )
        return "\n".join(lines)


def reseal_events(url: str, cipher: Cipher, dry_run: bool = False) -> tuple[int, int]:
    """Re-seal every event of the tracker store at ``url`` not sealed under the active key.

    Returns (events rewritten, of which were in clear). One transaction per batch.
    """
    from sqlalchemy import select, update

    from bot.privacy.tracker_events import is_sealed, open_event, seal_event
    from bot.staff.retention import TrackerEvents

    store = TrackerEvents(url)
    table, rewritten, in_clear, last_id = store.events, 0, 0, 0
    try:
        if not store.exists():
            return 0, 0
        while True:
            with store.engine.begin() as conn:
                rows = conn.execute(
                    select(table.c.id, table.c.sender_id, table.c.type_name, table.c.data)
                    .where(table.c.id > last_id).order_by(table.c.id).limit(BATCH)
                ).all()
                if not rows:
                    return rewritten, in_clear
                for row in rows:
                    last_id = row.id
                    if row.data and cipher.is_current(row.data):
                        continue
                    in_clear += not is_sealed(row.data)
                    rewritten += 1
                    data = open_event(row.data, row.sender_id, row.type_name, cipher)
                    if dry_run:
                        continue
                    conn.execute(update(table).where(table.c.id == row.id).values(
                        data=seal_event(data, row.sender_id, row.type_name, cipher)))
    finally:
        store.dispose()


def rotate(tracker_url: str | None, dry_run: bool = False) -> Rotation:
    """Re-encrypt the requests and (when ``tracker_url`` is given) the conversations."""
    from bot.booking.store import RequestStore
    from bot.privacy.crypto import get_cipher

    cipher = get_cipher()
    result = Rotation(cipher.key_id)
    store = RequestStore(cipher=cipher)
    try:
        result.request_values = store.reencrypt_all(dry_run)
    finally:
        store.dispose()
    if tracker_url:
        result.events, result.events_in_clear = reseal_events(tracker_url, cipher, dry_run)
        result.conversations_checked = True
    return result


def add_parser(subparsers) -> None:
    """Register ``rotate-key``."""
    p = subparsers.add_parser(
        "rotate-key", help="re-encrypt every stored request and conversation under BOT_DATA_KEY "
        "(after adding the old key to BOT_DATA_KEYS_PREVIOUS)",
    )
    p.add_argument("--tracker-store", metavar="URL",
                   help=f"SQLAlchemy URL of the conversations (default ${TRACKER_DB_ENV})")
    p.add_argument("--dry-run", action="store_true", help="count, change nothing")
    p.set_defaults(handler=cmd_rotate_key)


def cmd_rotate_key(args) -> int:
    """Rotate, print the counts; exit 1 with the reason when something cannot be read."""
    from bot.booking.store import StorageError
    from bot.privacy.crypto import DecryptionError, KeyConfigurationError
    from bot.settings import settings

    tracker_url = args.tracker_store or settings().tracker_db_url
    try:
        result = rotate(tracker_url, args.dry_run)
    except KeyConfigurationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except DecryptionError as error:
        print(f"error: a stored value cannot be read with the key ring ({error}); nothing of "
              "its batch was changed", file=sys.stderr)  # fmt: skip
        return 1
    except StorageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(result.text(args.dry_run))
    return 0
