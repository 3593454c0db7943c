"""Custom actions run by the Rasa action server (``python -m rasa_sdk --actions actions``).

Each module holds thin action classes; the work happens in ``bot``.
"""
