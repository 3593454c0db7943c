"""Custom actions run by the action server (``python -m bot.reliability.action_server``, which is
rasa_sdk's server behind a shared-token check).

Each module holds thin action classes; the work happens in ``bot``.
"""

import logging

from bot.settings import settings

# `python -m rasa_sdk` sets up logging in its main process only; actions run in Sanic worker
# processes, where records below WARNING would otherwise be dropped (e.g. the answer action's
# "retrieval decision=... index=<version>" line).
if not logging.getLogger().handlers:
    logging.basicConfig(
        level=settings().log_level,
        format="%(asctime)s %(levelname)-8s %(name)s  - %(message)s",
    )
