"""The lock store keeps turns of one conversation apart across processes (real Redis).

Eight lock-store clients (as eight Rasa processes would hold) issue tickets for one
conversation at the same time. Every ticket must be distinct, or two turns would run at once.
Rasa's own RedisLockStore is run the same way for comparison: it hands out duplicates (its
GET-then-SET), which is why endpoints.prod.yml uses bot.reliability.lock_store.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from db_servers import redis_server
from servers import ROOT

pytestmark = [pytest.mark.slow]

ISSUE_TICKETS = r"""
import json, sys, threading
from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from bot.reliability.lock_store import AtomicRedisLockStore

port = sys.argv[1]
config = EndpointConfig(url="127.0.0.1", port=port, db="1", key_prefix="test", type="custom")
makers = {
    "atomic": lambda: AtomicRedisLockStore(config),
    "rasa": lambda: RedisLockStore(host="127.0.0.1", port=int(port), db=1, key_prefix="rasa"),
}
result = {}
for name, make in makers.items():
    stores = [make() for _ in range(8)]
    tickets = []
    def issue(store):
        for _ in range(50):
            tickets.append(store.issue_ticket("one-conversation"))
    threads = [threading.Thread(target=issue, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Serve them all: the lock must end empty and be deleted.
    for ticket in sorted(tickets):
        stores[0].cleanup("one-conversation", ticket)
    result[name] = {"issued": len(tickets), "distinct": len(set(tickets)),
                    "left": stores[0].get_lock("one-conversation") is not None}
print(json.dumps(result))
"""


def test_concurrent_processes_never_share_a_ticket(tmp_path):
    with redis_server(tmp_path / "redis") as port:
        done = subprocess.run(
            [str(ROOT / ".venv-rasa" / "bin" / "python"), "-c", ISSUE_TICKETS, str(port)],
            capture_output=True, text=True, timeout=300, cwd=ROOT,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["atomic"] == {"issued": 400, "distinct": 400, "left": False}
    # Rasa's own store, same load: the race this module exists for (not asserted as a number,
    # it depends on timing; reported so a fixed upstream can be noticed).
    print(f"\nRasa RedisLockStore: {result['rasa']['distinct']} distinct of 400 tickets")
