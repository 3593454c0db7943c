"""Rasa's Redis lock store, with every change to a conversation's lock made atomically.

Rasa 3.6's ``RedisLockStore`` reads a conversation's ticket lock, changes it in Python and
writes it back (GET then SET). Two Rasa processes receiving messages of one conversation at
the same moment can both read the same lock, both issue ticket N, and both believe it is their
turn: the two turns then run at once and one turn's events are lost when the other saves the
tracker (seen in tests/test_scaleout_postgres_redis.py). Here each change (issue a ticket,
drop expired ones, finish serving, clean up) runs in a Redis transaction that watches the
lock's key and retries when another process changed it in between.

Configured in endpoints.prod.yml::

    lock_store:
      type: bot.reliability.lock_store.AtomicRedisLockStore
      url: ${REDIS_HOST}
      port: ${REDIS_PORT}
      password: ${REDIS_PASSWORD}
      db: 1
      key_prefix: clinic

A ticket expires ``TICKET_LOCK_LIFETIME`` seconds (Rasa's setting, default 60) after it was
issued, waiting included; set it above the longest queue a conversation can build up (the
deployment guide uses 120).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

_INT_SETTINGS = ("port", "db", "socket_timeout")


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` whose lock changes are Redis transactions (WATCH / MULTI / EXEC)."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        settings: dict[str, Any] = dict(endpoint_config.kwargs)
        for name in _INT_SETTINGS:  # ${VAR} values arrive as strings
            if name in settings and settings[name] is not None:
                settings[name] = (
                    float(settings[name]) if name == "socket_timeout" else int(settings[name])
                )
        super().__init__(host=endpoint_config.url or "localhost", **settings)

    def _change(
        self,
        conversation_id: str,
        change: Callable[[TicketLock | None], tuple[TicketLock | None, Any]],
    ) -> Any:
        """Apply ``change`` to the stored lock atomically; a returned None lock deletes it."""
        key = self.key_prefix + conversation_id

        def transaction(pipe: Any) -> Any:
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            new_lock, result = change(lock)
            pipe.multi()
            if new_lock is None:
                pipe.delete(key)
            else:
                pipe.set(key, new_lock.dumps())
            return result

        return self.red.transaction(transaction, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Issue the next ticket for ``conversation_id`` (creating its lock when needed)."""

        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except Exception as error:  # noqa: BLE001 - Rasa expects LockError here
            raise LockError(f"Error while acquiring lock: {type(error).__name__}") from error

    def update_lock(self, conversation_id: str) -> None:
        """Drop expired tickets."""

        def expire(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, expire)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Remove ``ticket_number`` from the lock."""

        def finish(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Finish ``ticket_number``; delete the lock in the same step when no one waits."""

        def finish_and_tidy(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, finish_and_tidy)
