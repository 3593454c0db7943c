"""Load test on loopback: N concurrent conversations through the real servers, every reply checked.

    .venv/bin/python scripts/load_test.py                    # starts both servers, 1/10/50 users
    .venv/bin/python scripts/load_test.py --users 1 10 --conversations 40 --json

Each virtual user holds whole conversations (a greeting, then two questions from the clinic's
evaluation set) on its own sender id. Before the load, every message is sent once on its own
(one user): that reply is the reference, and under load each reply must be exactly the same
text, buttons included; a different reply, a non-200 status or a timeout is an error. Reported
per level: messages, throughput (messages/s), latency p50/p95/p99, errors, and the resident
memory (RSS, all processes of its group) of the action server and the Rasa server afterwards.
Bounded: ``--conversations`` per level (at least the number of users) and ``--max-seconds``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the project's packages, as in tests
from benchmarks.stats import percentile  # noqa: E402 - after the path it needs

GREETING = "hi"
QUESTIONS_PER_CONVERSATION = 2


@dataclass
class Level:
    """The numbers of one concurrency level."""

    users: int
    conversations: int
    messages: int = 0
    errors: int = 0
    seconds: float = 0.0
    throughput: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    rss_mb: dict[str, float] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)



def questions(limit: int = 24) -> list[str]:
    """Questions from the clinic's evaluation set, spread over its topics."""
    data = yaml.safe_load((ROOT / "tests" / "eval" / "clinic_questions.yml").read_text())
    in_scope = [item["q"] for item in data["in_scope"]]
    stride = max(1, len(in_scope) // limit)
    return in_scope[::stride][:limit]


def shape(messages: Any) -> list[tuple[str, tuple[str, ...]]]:
    """What a patient sees of a reply: texts and button payloads, in order."""
    if not isinstance(messages, list):
        return [("<not a list>", ())]
    return [
        (m.get("text") or "", tuple(b.get("payload", "") for b in m.get("buttons") or []))
        for m in messages
    ]


async def send(
    session: aiohttp.ClientSession, url: str, sender: str, text: str
) -> tuple[int, Any, float]:
    """One REST message; (status, body, seconds)."""
    started = time.perf_counter()
    async with session.post(url, json={"sender": sender, "message": text}) as answer:
        body = await answer.json(content_type=None)
        return answer.status, body, time.perf_counter() - started


async def reference_replies(rasa_url: str, pool: list[str]) -> dict[tuple[bool, str], list]:
    """Each message's reply at rest: (first message of a conversation?, text) -> reply shape."""
    url = f"{rasa_url}/webhooks/rest/webhook"
    reference: dict[tuple[bool, str], list] = {}
    timeout = aiohttp.ClientTimeout(total=300)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        for number, question in enumerate(pool):
            sender = f"load-reference-{number}-{os.getpid()}"
            status, body, _ = await send(session, url, sender, GREETING)
            if status != 200:
                raise RuntimeError(f"reference greeting failed with {status}")
            reference[(True, GREETING)] = shape(body)
            status, body, _ = await send(session, url, sender, question)
            if status != 200:
                raise RuntimeError(f"reference question failed with {status}")
            reference[(False, question)] = shape(body)
    return reference


async def run_level(
    rasa_url: str,
    users: int,
    conversations: int,
    pool: list[str],
    reference: dict[tuple[bool, str], list],
    max_seconds: float,
) -> Level:
    """Drive ``conversations`` conversations with ``users`` at a time; check every reply."""
    url = f"{rasa_url}/webhooks/rest/webhook"
    level = Level(users=users, conversations=conversations)
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for number in range(conversations):
        queue.put_nowait(number)
    deadline = time.monotonic() + max_seconds
    stamp = f"{os.getpid()}-{users}-{time.time_ns()}"

    def error(message: str) -> None:
        level.errors += 1
        if len(level.error_samples) < 5:
            level.error_samples.append(message)

    async def user(session: aiohttp.ClientSession) -> None:
        while time.monotonic() < deadline:
            try:
                number = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            sender = f"load-{stamp}-{number}"
            script = [GREETING] + [
                pool[(number * QUESTIONS_PER_CONVERSATION + k) % len(pool)]
                for k in range(QUESTIONS_PER_CONVERSATION)
            ]
            for position, text in enumerate(script):
                try:
                    status, body, seconds = await send(session, url, sender, text)
                except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                    error(f"{type(exc).__name__} on {text!r}")
                    continue
                level.messages += 1
                latencies.append(seconds)
                if status != 200:
                    error(f"status {status} on {text!r}")
                elif shape(body) != reference[(position == 0, text)]:
                    error(f"reply to {text!r} differs from its reply at rest")

    timeout = aiohttp.ClientTimeout(total=300)
    connector = aiohttp.TCPConnector(limit=users)
    started = time.perf_counter()
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        await asyncio.gather(*(user(session) for _ in range(users)))
    level.seconds = round(time.perf_counter() - started, 2)
    if not queue.empty():
        error(f"time limit: {queue.qsize()} conversations not started")
    level.throughput = round(level.messages / level.seconds, 2) if level.seconds else 0.0
    for name, pct in (("p50_ms", 50), ("p95_ms", 95), ("p99_ms", 99), ("max_ms", 100)):
        setattr(level, name, round(percentile(latencies, pct) * 1000, 1))
    return level


def group_rss_mb(port: int) -> float:
    """Resident memory of the process whose command line names ``port``, with its group."""
    leader = None
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"--port" in argv and str(port).encode() in argv:
            leader = int(entry.name)
            break
    if leader is None:
        return 0.0
    try:
        group = os.getpgid(leader)
    except OSError:
        return 0.0
    total_kb = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != group:
                continue
            status = (entry / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total_kb += int(line.split()[1])
    return round(total_kb / 1024, 1)


def port_of(url: str) -> int:
    """The port of an http://host:port URL."""
    return int(url.rsplit(":", 1)[1].split("/")[0])


async def measure(
    rasa_url: str,
    action_url: str,
    levels: list[int],
    conversations: int,
    max_seconds: float,
) -> list[Level]:
    """Reference pass, then each concurrency level in turn."""
    pool = questions()
    reference = await reference_replies(rasa_url, pool)
    results = []
    for users in levels:
        level = await run_level(
            rasa_url, users, max(users, conversations), pool, reference, max_seconds
        )
        level.rss_mb = {
            "action_server": group_rss_mb(port_of(action_url)),
            "rasa_server": group_rss_mb(port_of(rasa_url)),
        }
        results.append(level)
    return results


def table(levels: list[Level]) -> str:
    """A Markdown table of the results."""
    lines = [
        "| users | conversations | messages | errors | msg/s | p50 ms | p95 ms | p99 ms | max ms "
        "| RSS action server MB | RSS Rasa MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for lv in levels:
        lines.append(
            f"| {lv.users} | {lv.conversations} | {lv.messages} | {lv.errors} | {lv.throughput} "
            f"| {lv.p50_ms} | {lv.p95_ms} | {lv.p99_ms} | {lv.max_ms} "
            f"| {lv.rss_mb.get('action_server')} | {lv.rss_mb.get('rasa_server')} |"
        )
    return "\n".join(lines)


def load_dotenv(path: Path) -> None:
    """Channel settings credentials.yml reads, from the git-ignored .env `make` writes (only
    variables not already set)."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() and not key.lstrip().startswith("#"):
            os.environ.setdefault(key.strip(), value.strip())


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, start the servers unless given, run the levels, print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--conversations", type=int, default=50,
                        help="conversations per level (at least the number of users)")
    parser.add_argument("--max-seconds", type=float, default=600, help="time limit per level")
    parser.add_argument("--rasa-url", help="use running servers (needs --action-url too)")
    parser.add_argument("--action-url", help="the running action server, for its memory")
    parser.add_argument("--model", type=Path, help="model to serve (default: make index train)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)  # fmt: skip

    if args.rasa_url:
        results = asyncio.run(
            measure(args.rasa_url, args.action_url or "", args.users, args.conversations,
                    args.max_seconds)
        )  # fmt: skip
    else:
        sys.path.insert(0, str(ROOT / "tests"))
        from servers import start_assistant

        load_dotenv(ROOT / ".env")
        # Every simulated patient comes from the one loopback address: the per-address and
        # per-conversation limits (120 and 20 a minute) would answer most of them with 429.
        os.environ.setdefault("RATE_LIMIT_PER_CONVERSATION", "100000/60")
        os.environ.setdefault("RATE_LIMIT_PER_ADDRESS", "100000/60")
        with tempfile.TemporaryDirectory(prefix="load-") as workdir:
            print("Starting the action server and the Rasa server...", file=sys.stderr)
            with start_assistant(Path(workdir), model=args.model) as assistant:
                results = asyncio.run(
                    measure(assistant.rasa_url, assistant.action_url, args.users,
                            args.conversations, args.max_seconds)
                )  # fmt: skip
    if args.json:
        print(json.dumps([asdict(level) for level in results], indent=2))
    else:
        print(table(results))
        for level in results:
            for sample in level.error_samples:
                print(f"error at {level.users} users: {sample}")
    return 1 if any(level.errors for level in results) else 0


if __name__ == "__main__":
    sys.exit(main())
