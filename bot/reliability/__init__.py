"""Reliability: honest replies when a part fails, health checks, input guards, data retention.

Modules imported by the Rasa process (``action_endpoint``, ``health_channel``, ``rest_channel``,
``tracker_store``) use only what ``.venv-rasa`` has; the retention command runs in either
environment.
"""
