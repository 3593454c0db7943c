"""Twilio's retries and replays: each inbound SMS (its MessageSid) is handled once.

Twilio retries a webhook it thinks failed, and a captured, validly signed request can be sent
again; either would make the assistant answer twice and record the message twice. The set is
per Rasa process and bounded (the oldest are forgotten first), which covers retries, which come
within seconds to minutes; several Rasa processes behind one number would need a shared store.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict


class SeenMessages:
    """Message ids seen in the last ``ttl_seconds``, at most ``capacity`` of them."""

    def __init__(self, ttl_seconds: float = 24 * 3600, capacity: int = 50_000) -> None:
        """An empty set."""
        self._ttl = ttl_seconds
        self._capacity = capacity
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, message_id: str, now: float | None = None) -> bool:
        """True the first time ``message_id`` comes (and remembers it); False for a replay."""
        now = time.monotonic() if now is None else now
        with self._lock:
            while self._seen and (len(self._seen) >= self._capacity
                                  or next(iter(self._seen.values())) < now - self._ttl):
                self._seen.popitem(last=False)
            if message_id in self._seen:
                return False
            self._seen[message_id] = now
            return True
