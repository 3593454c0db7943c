"""Custom actions run by the action server (``python -m bot.reliability.action_server``, which is
rasa_sdk's server behind a shared-token check and the start-up checks).

Each module holds thin action classes; the work happens in ``bot``. Nothing runs at import.
"""
