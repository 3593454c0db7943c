"""How fast one conversation and one client address may send messages, on every channel.

A person types a few messages a minute; a script sends hundreds, each one a model prediction,
a database write and possibly a fake consultation request for staff to call back. Each channel
asks :class:`MessageLimits` before a message reaches Rasa and, over a limit, answers with
:func:`bot.replies.too_fast` (REST: 429 and ``Retry-After``) instead of processing it.

A message that needs help now (crisis or medical emergency, ``bot.safety.help_now``) is never
held back by a limit: it goes on to the crisis reply as always.

Limits are ``COUNT/SECONDS`` (a sliding window), read once from the environment:

- ``RATE_LIMIT_PER_CONVERSATION`` (default 20/60): messages of one conversation (a widget
  session, a REST sender, an SMS number);
- ``RATE_LIMIT_PER_ADDRESS`` (default 120/60): messages from one client address, whatever the
  conversation (a script opening new conversations). Behind a reverse proxy the address is
  the proxy's unless Sanic is told to trust its header (``SANIC_PROXIES_COUNT=1`` and
  ``SANIC_REAL_IP_HEADER=x-real-ip``, docs/deployment.md). SMS has no client address of its
  own (every request comes from Twilio): its number is its conversation.

The counts live in the memory of each Rasa process (bounded: the least recently seen keys
are forgotten first); with several processes behind a load balancer each allows its share.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

from bot.settings import settings

CONVERSATION_ENV = "RATE_LIMIT_PER_CONVERSATION"
ADDRESS_ENV = "RATE_LIMIT_PER_ADDRESS"
DEFAULT_PER_CONVERSATION = "20/60"
DEFAULT_PER_ADDRESS = "120/60"
MAX_TRACKED_KEYS = 50_000  # per limit; bounds memory under a flood of new senders


@dataclass(frozen=True)
class Limit:
    """At most ``count`` messages in any ``seconds``-long window."""

    count: int
    seconds: float

    @classmethod
    def parse(cls, text: str, name: str = "limit") -> Limit:
        """``"20/60"`` -> 20 messages per 60 seconds. Raises ``ValueError`` saying what is wrong."""
        count, slash, seconds = text.strip().partition("/")
        try:
            limit = cls(int(count), float(seconds)) if slash else None
        except ValueError:
            limit = None
        if limit is None or limit.count < 1 or not (0 < limit.seconds < math.inf):
            raise ValueError(f"{name} must be COUNT/SECONDS, e.g. 20/60 (got {text!r})")
        return limit


class SlidingWindow:
    """The times of the last ``limit.count`` allowed messages of each key."""

    def __init__(self, limit: Limit, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = MAX_TRACKED_KEYS) -> None:  # fmt: skip
        self.limit = limit
        self._clock = clock
        self._max_keys = max_keys
        self._times: OrderedDict[str, deque[float]] = OrderedDict()

    def wait_seconds(self, key: str) -> float:
        """0 when ``key`` may send now, else how long until it may."""
        times = self._times.get(key)
        if times is None or len(times) < self.limit.count:
            return 0.0
        return max(0.0, times[0] + self.limit.seconds - self._clock())

    def record(self, key: str) -> None:
        """Count one message of ``key`` now."""
        times = self._times.pop(key, None) or deque(maxlen=self.limit.count)
        times.append(self._clock())
        self._times[key] = times  # most recently seen last
        while len(self._times) > self._max_keys:
            self._times.popitem(last=False)


class MessageLimits:
    """The per-conversation and per-address limits of one channel."""

    def __init__(self, per_conversation: Limit, per_address: Limit,
                 clock: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        self.conversations = SlidingWindow(per_conversation, clock)
        self.addresses = SlidingWindow(per_address, clock)

    @classmethod
    def from_env(cls) -> MessageLimits:
        """The limits the environment sets (defaults: 20/60 per conversation, 120/60 per address).

        Raises ``ValueError`` for a malformed value, so a typo stops the server at start.
        """
        config = settings()
        return cls(
            Limit.parse(config.rate_limit_per_conversation, CONVERSATION_ENV),
            Limit.parse(config.rate_limit_per_address, ADDRESS_ENV),
        )

    def admit(self, conversation: str, address: str | None = None) -> float:
        """Count the message and return 0 when it may go on; else the seconds to wait.

        A refused message is not counted, so a sender who waits is served again.
        """
        wait = self.conversations.wait_seconds(conversation)
        if address:
            wait = max(wait, self.addresses.wait_seconds(address))
        if wait > 0:
            return wait
        self.conversations.record(conversation)
        if address:
            self.addresses.record(address)
        return 0.0
