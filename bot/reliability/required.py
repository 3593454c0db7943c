"""The patient channels refuse to run without the reliability layer.

The layer (honest replies when the action server fails, the strict tracker store, /health, the
request size limit) is installed by ``bot.reliability.health_channel.HealthInput``, an entry in
the credentials file. Without that entry Rasa would start happily and patients would meet its
defaults: silence when an action fails, a conversation silently restarted in memory when the
database fails. So each of the product's patient channels checks, when the server has started,
that the entry is there, and stops the server (exit status 78, "configuration") if it is not.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

logger = logging.getLogger(__name__)

EXIT_CONFIG = 78  # EX_CONFIG: a process manager should not restart into the same failure
HEALTH_ENTRY = "bot.reliability.health_channel.HealthInput"


def require_reliability_layer(blueprint: Any, channel: str) -> None:
    """Register the start-up check on ``channel``'s blueprint."""

    @blueprint.listener("after_server_start")
    async def _reliability_layer_present(app: Any, _loop: Any) -> None:
        channels = getattr(app.ctx, "input_channels", None) or []
        if any(f"{type(c).__module__}.{type(c).__name__}" == HEALTH_ENTRY for c in channels):
            return
        logger.critical(
            "The %s channel needs the reliability layer, but the credentials file has no "
            "%s entry (see credentials.yml). Without it patients would get silence when an "
            "action fails. Stopping.", channel, HEALTH_ENTRY,
        )  # fmt: skip
        sys.stdout.flush()
        sys.stderr.flush()
        logging.shutdown()
        os._exit(EXIT_CONFIG)  # Sanic's stop() would exit 0, as if all was well
