"""What the consent text promises, checked where the data ends up.

Three patients book a consultation, one over each channel (REST, SMS signed with Twilio's own
library, the widget's socket.io protocol), against the production stores of endpoints.prod.yml:
PostgreSQL for conversations and requests, Redis for locks. Then every place the product keeps
or writes anything is searched for their names, phone numbers and e-mail address, in the forms
they typed and the forms the product normalises them to:

- every column of every table of both PostgreSQL databases;
- every key and value in Redis;
- both servers' logs;
- the staff report (text, JSON and HTML).

Zero hits in clear. The requests are still there and readable with the key (what staff open),
and the conversations still open with the key, so the search is not passing on empty stores.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from channel_clients import PollingSocket, send_sms
from reliability_harness import (
    ProductionStack,
    logs,
    production_stack,
    texts,
)
from servers import ROOT
from sqlalchemy import create_engine, inspect, text

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REDIS_PASSWORD = secrets.token_hex(12)
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
CONFIRMED = "has been sent"
WIDGET_EVENT, BOT_EVENT = "user_uttered", "bot_uttered"

REST_PATIENT = {"name": "Quentin Marlowe", "typed": "(214) 555-0142", "stored": "+12145550142"}
SMS_PATIENT = {"name": "Ottilie Brandvold", "typed": "ottilie.brandvold@example.org",
               "stored": "ottilie.brandvold@example.org", "phone": "+14695550187"}  # fmt: skip
WIDGET_PATIENT = {"name": "Evander Quist", "typed": "972.555.0163", "stored": "+19725550163"}

SECRETS = [
    REST_PATIENT["name"], REST_PATIENT["typed"], REST_PATIENT["stored"], "555-0142",
    SMS_PATIENT["name"], SMS_PATIENT["typed"], SMS_PATIENT["phone"], "4695550187",
    WIDGET_PATIENT["name"], WIDGET_PATIENT["typed"], WIDGET_PATIENT["stored"], "555.0163",
    "Quentin", "Marlowe", "Ottilie", "Brandvold", "Evander", "Quist",
]


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> Iterator[ProductionStack]:
    """Action server + Rasa server on the production stores; all three channels open (REST is
    in credentials.yml, not in production's: it covers the third way in)."""
    with production_stack(tmp_path_factory.mktemp("privacy")) as stack:
        yield stack


def book_over_rest(production: SimpleNamespace) -> None:
    sender = "privacy-rest-" + secrets.token_hex(4)

    def say(message: str) -> list:
        status, body, _ = production.rasa.send(sender, message)
        assert status == 200, (message, status, body)
        return body

    for message, expected in [("I'd like to book a consultation", "encrypted"),
                              ("yes", "full name"),
                              (REST_PATIENT["name"], "phone number or email"),
                              (REST_PATIENT["typed"], "When would suit you")]:  # fmt: skip
        assert expected in texts(say(message)), message
    body = say("weekday mornings")
    summary = texts(say(body[-1]["buttons"][0]["payload"]))
    assert REST_PATIENT["name"] in summary, summary
    assert CONFIRMED in texts(say("yes, send it"))


def book_over_sms(production: SimpleNamespace) -> None:
    phone = SMS_PATIENT["phone"]

    def say(message: str) -> str:
        return "\n".join(send_sms(production, phone, message))

    for message, expected in [("I'd like to book a consultation", "encrypted"),
                              ("yes", "full name"),
                              (SMS_PATIENT["name"], "phone number or email"),
                              (SMS_PATIENT["typed"], "When would suit you"),
                              ("weekday evenings", "1")]:  # fmt: skip
        reply = say(message)
        assert expected in reply, (message, reply)
    assert SMS_PATIENT["name"] in say("1")  # the first location; the summary
    assert CONFIRMED in say("yes")


def book_over_widget(production: SimpleNamespace) -> None:
    socket = PollingSocket(production.rasa_url)
    try:
        socket.start_session()

        def say(message: str, expected: str) -> dict:
            socket.emit(WIDGET_EVENT, {"message": message})
            seen = []
            while True:  # a turn may send several messages; wait for the one expected
                reply = socket.wait_for(BOT_EVENT)
                seen.append(reply)
                if expected in (reply.get("text") or ""):
                    return reply

        say("I'd like to book a consultation", "encrypted")
        say("yes", "full name")
        say(WIDGET_PATIENT["name"], "phone number or email")
        say(WIDGET_PATIENT["typed"], "When would suit you")
        socket.emit(WIDGET_EVENT, {"message": "weekday afternoons"})
        while not (reply := socket.wait_for(BOT_EVENT)).get("buttons"):
            pass
        say(reply["buttons"][0]["payload"], WIDGET_PATIENT["name"])
        say("yes", CONFIRMED)
    finally:
        socket.close()


def every_database_value(url: str) -> str:
    """Every column of every row of every table at ``url``, as text."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            dumped = []
            for table in inspect(engine).get_table_names():
                for row in conn.execute(text(f'select * from "{table}"')):
                    dumped.append(" ".join(str(value) for value in row))
            return "\n".join(dumped)
    finally:
        engine.dispose()


def every_redis_value(port: int, password: str) -> str:
    """Every key of every Redis database with its value (the lock store's tickets)."""
    script = (
        "import redis, sys\n"
        "for db in range(16):\n"
        "    client = redis.Redis(host='127.0.0.1', port=int(sys.argv[1]), password=sys.argv[2],"
        " db=db)\n"
        "    for key in client.scan_iter():\n"
        "        print(repr(key), repr(client.dump(key)))\n"
    )
    done = subprocess.run(  # redis-py is in the Rasa environment (its lock store's client)
        [str(RASA_PYTHON), "-c", script, str(port), password],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def staff_report(production: SimpleNamespace, tmp_path: Path) -> tuple[str, dict]:
    """What ``python -m bot report`` prints (text and JSON) and the pages it writes; and the
    JSON numbers."""
    url = production.pg.url(database="rasa")
    out = []
    for extra in ([], ["--json"]):
        html = tmp_path / f"report{len(extra)}.html"
        done = subprocess.run(
            [sys.executable, "-m", "bot", "report", "--tracker-store", url, "--html", str(html),
             *extra],
            capture_output=True, text=True, cwd=ROOT, timeout=600, env=production.env,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        out += [done.stdout, done.stderr, html.read_text(encoding="utf-8")]
    return "\n".join(out), json.loads(done.stdout)


def test_three_bookings_leave_no_name_phone_or_email_in_clear_anywhere(production, tmp_path):
    book_over_rest(production)
    book_over_sms(production)
    book_over_widget(production)

    report_text, report = staff_report(production, tmp_path)
    places = {
        "requests database": every_database_value(production.pg.url()),
        "conversations database": every_database_value(production.pg.url(database="rasa")),
        "redis": every_redis_value(production.redis_port, production.redis_password),
        "server logs": logs(production.workdir),
        "staff report": report_text,
    }
    found = {place: [s for s in SECRETS if s.lower() in content.lower()]
             for place, content in places.items()}  # fmt: skip
    assert found == {place: [] for place in places}

    # Not a search of empty places: the report read the three bookings from the sealed
    # conversations, and staff read the three requests with the key.
    assert report["bookings"]["stored"] == 3 and report["user_messages"] >= 20, report
    done = subprocess.run([sys.executable, "-m", "bot", "requests", "list", "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env=production.env)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    for patient in (REST_PATIENT, SMS_PATIENT, WIDGET_PATIENT):
        assert patient["name"] in done.stdout and patient["stored"] in done.stdout
