"""Staff commands: ``python -m bot <command>`` (``cli`` registers every command module).

Requests (``requests_cli``), knowledge checks and imports (``check``, ``importer``), the report
of what patients asked (``report``), retention and forgetting (``retention``, ``retention_cli``),
and keys (``keygen_cli``; ``bot.privacy.rotation`` for ``rotate-key``).
"""
