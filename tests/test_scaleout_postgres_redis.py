"""Scale-out: two Rasa server processes, one PostgreSQL tracker store, one Redis lock store.

The production configuration (endpoints.prod.yml) runs against real PostgreSQL and Redis
servers started from Debian's packages on 127.0.0.1. Messages of one conversation alternate
between the two Rasa processes, and a burst is sent to both at once; the conversation, with a
booking stored in PostgreSQL, must come out whole: every user message exactly once, in order,
each answered, no event lost or written twice.
"""

from __future__ import annotations

import concurrent.futures
import secrets
from collections.abc import Iterator

import pytest
from reliability_harness import (
    ProductionStack,
    production_stack,
    texts,
)
from sqlalchemy import create_engine, text

from bot.config import load_clinic

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[ProductionStack]:
    """Two Rasa servers sharing the production stores."""
    with production_stack(tmp_path_factory.mktemp("scaleout"), rasa_servers=2) as stack:
        yield stack


def user_texts(tracker: dict) -> list[str]:
    return [e.get("text") for e in tracker["events"] if e["event"] == "user"]


def test_two_servers_serve_one_conversation_with_a_booking(cluster):
    a, b = cluster.servers
    clinic = load_clinic()
    sender = "scaleout-" + secrets.token_hex(4)
    turns = [
        ("what is ketamine therapy", "Source:"),
        ("I'd like to book a consultation", "encrypted"),
        ("yes", "full name"),
        ("Ingrid Solberg-Achebe", "phone number or email"),
        ("(555) 610-4455", "When would suit you"),
        ("weekday afternoons", ""),
    ]
    sent = []
    for number, (message, expected) in enumerate(turns):
        server = (a, b)[number % 2]
        status, body, _ = server.send(sender, message)
        assert status == 200 and expected in texts(body), (server.url, message, body)
        sent.append(message)
    location = body[-1]["buttons"][0]["payload"]
    status, body, _ = b.send(sender, location)  # offered on A, clicked on B
    assert "Ingrid Solberg-Achebe" in texts(body)
    sent.append(location)
    status, body, _ = a.send(sender, "yes, send it")
    assert "has been sent" in texts(body) and clinic.phone_display in texts(body)
    sent.append("yes, send it")

    tracker_a, tracker_b = a.tracker(sender), b.tracker(sender)
    assert tracker_a["events"] == tracker_b["events"], "both servers read the same conversation"
    assert user_texts(tracker_a) == sent, "every message exactly once, in order"
    timestamps = [e["timestamp"] for e in tracker_a["events"]]
    assert timestamps == sorted(timestamps)
    assert tracker_a["slots"].get("full_name") is None  # cleared after submitting

    engine = create_engine(cluster.pg.url())
    with engine.connect() as conn:
        stored = conn.execute(text("select count(*) from consultation_requests")).scalar_one()
        raw = conn.execute(
            text("select name_encrypted, contact_encrypted from consultation_requests")
        )
        for row in raw:
            assert "Ingrid" not in " ".join(row) and "6104455" not in " ".join(row)
    engine.dispose()
    assert stored == 1


def test_a_burst_to_both_servers_loses_and_duplicates_nothing(cluster):
    a, b = cluster.servers
    sender = "scaleout-burst-" + secrets.token_hex(4)
    a.send(sender, "hello")
    questions = [
        "how long does a session take",
        "what are the side effects",
        "is ketamine addictive",
        "how fast does it work",
        "what is esketamine",
        "can I drive after a session",
        "how many sessions do I need",
        "does it help with anxiety",
    ]
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(questions)) as pool:
        futures = [
            pool.submit((a, b)[i % 2].send, sender, question)
            for i, question in enumerate(questions)
        ]
        results = [future.result() for future in futures]
    for status, body, _ in results:
        assert status == 200 and texts(body).strip()

    tracker = b.tracker(sender)
    said = user_texts(tracker)
    assert said[0] == "hello"
    assert sorted(said[1:]) == sorted(questions), "each message exactly once"
    # The lock serialised the turns: every user message is followed by its own reply.
    kinds = [e["event"] for e in tracker["events"] if e["event"] in ("user", "bot")]
    users = [i for i, kind in enumerate(kinds) if kind == "user"]
    for position in users:
        assert position + 1 < len(kinds) and kinds[position + 1] == "bot", kinds
    events = tracker["events"]
    repeated = [x for x, y in zip(events, events[1:], strict=False) if x == y]
    assert not repeated, "no event written twice"
