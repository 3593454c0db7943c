"""Custom actions run by the Rasa action server (``python -m rasa_sdk --actions actions``).

Each module holds thin action classes; the work happens in ``bot``.
"""

import logging
import os

# `python -m rasa_sdk` sets up logging in its main process only; actions run in Sanic worker
# processes, where records below WARNING would otherwise be dropped (e.g. the answer action's
# "retrieval decision=... index=<version>" line).
if not logging.getLogger().handlers:
    logging.basicConfig(
        level=os.environ.get("BOT_LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)-8s %(name)s  - %(message)s",
    )
