"""A bounded load test: concurrent conversations through the real servers, every reply checked.

The full measurement (1, 10 and 50 users, memory) is ``scripts/load_test.py``; its numbers are
in docs/performance-load.md. This test runs a small level in CI: 10 users, 20 conversations,
each reply identical to the same message's reply at rest, no error, within a time bound.
"""

from __future__ import annotations

import asyncio
import importlib.util
import sys

import pytest
from servers import ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def load_script():
    spec = importlib.util.spec_from_file_location("load_test", ROOT / "scripts" / "load_test.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["load_test"] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def test_ten_concurrent_users_get_the_same_replies_as_one(assistant):
    load = load_script()
    [level] = asyncio.run(
        load.measure(assistant.rasa_url, assistant.action_url, [10], 20, max_seconds=600)
    )
    print("\n" + load.table([level]))
    assert level.messages == 20 * 3
    assert level.errors == 0, level.error_samples
    assert level.rss_mb["rasa_server"] > 0 and level.rss_mb["action_server"] > 0
