"""What patients asked, from Rasa's SQL tracker store: ``python -m bot report``.

Reads the ``events`` table (``sender_id``, ``type_name``, ``timestamp``, ``intent_name``,
``action_name``, ``data`` JSON) and reports:

- questions the assistant could not answer (decision ``none``) or had to ask about
  (``clarify``), grouped by meaning (MiniLM embeddings, average-linkage agglomerative clustering
  on cosine distance) with counts and a few examples: the entries staff should add or reword;
- answers given per knowledge entry;
- consultation bookings started (``consultation_form`` activated), submitted
  (``action_submit_consultation_request`` ran) and stored (the submit action marked its reply
  ``booking_outcome: stored``);
- crisis messages and replies, as counts only;
- "Did this answer help?" votes from the website chat, helpful / not helpful per entry (all
  time, from the requests database: ``bot.feedback.store``; no conversation is linked to them).

The decisions come from the metadata the answer action puts on its messages
(:mod:`bot.retrieval.answer_log`). Message text appears only as examples of unanswered questions,
with
e-mail addresses and phone numbers masked; nothing from a message classified as a crisis or a
crisis-topic question, a medical-advice request, or a form answer is ever shown.
"""

from __future__ import annotations

import html
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from bot.booking.slots import BOOKING_OUTCOME_KEY, PERSONAL_SLOTS
from bot.config import PROJECT_ROOT
from bot.privacy.crypto import DecryptionError, KeyConfigurationError
from bot.privacy.tracker_events import open_stored_event
from bot.retrieval.answer_log import METADATA_KEY
from bot.settings import settings

TRACKER_DB_ENV = "BOT_TRACKER_DB_URL"  # the same variable as bot.staff.retention
DEFAULT_HTML = PROJECT_ROOT / "var" / "reports" / "report.html"
FORM = "consultation_form"
SUBMIT_ACTION = "action_submit_consultation_request"
CRISIS_INTENTS = frozenset({"crisis"})
# Never shown as examples: personal crises, questions about crisis topics, medical details.
PRIVATE_INTENTS = frozenset(
    {"crisis", "crisis_topic", "medical_advice", "urgent_medical", "personal"}
)
CRISIS_ACTION = re.compile(r"^utter_crisis$")
SIDE_CONVERSATION_MARK = "~"  # bot.channels.channel_state keeps channel state under <id>~<channel>
GAP_DECISIONS = ("none", "clarify")
DEFAULT_SIMILARITY = 0.6
MAX_EXAMPLES = 3

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\(?\d[\d\s().-]{5,}\d")


# A name a patient introduces themselves with: "my name is Jane Roe", "I'm Jane", "this is Sam".
_NAME_WORD = r"[A-Z][\w'-]+"
_INTRODUCED_NAME = re.compile(
    rf"\b((?i:my name is|my name's|name is|i am|i'm|im|this is|it's|call me|signed)[,:]?\s+)"
    rf"({_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}})"
)


def redact(text: str) -> str:
    """Mask e-mail addresses, phone-like numbers and introduced names in an example question."""
    text = _PHONE.sub("[number]", _EMAIL.sub("[email]", text))
    return _INTRODUCED_NAME.sub(lambda m: m.group(1) + "[name]", text)


# --- reading the tracker store ------------------------------------------------------------------


def read_events(url: str, since: datetime | None = None, until: datetime | None = None):
    """Events of the tracker store at SQLAlchemy ``url``, in the order they were stored.

    Yields dicts with ``sender_id``, ``type_name``, ``timestamp``, ``intent_name``,
    ``action_name`` and ``data`` (decoded JSON).
    """
    from sqlalchemy import create_engine
    from sqlalchemy import select as sql_select

    from bot.privacy.tracker_events import events_table

    events = events_table()
    engine = create_engine(url)
    try:
        query = sql_select(events).order_by(events.c.id)
        if since is not None:
            query = query.where(events.c.timestamp >= since.timestamp())
        if until is not None:
            query = query.where(events.c.timestamp < until.timestamp())
        with engine.connect() as connection:
            for row in connection.execute(query).mappings():
                try:
                    data = open_stored_event(row["data"], row["sender_id"], row["type_name"])
                except json.JSONDecodeError:  # not an event Rasa wrote; a key error is raised
                    data = {}
                yield {
                    "sender_id": row["sender_id"], "type_name": row["type_name"],
                    "timestamp": row["timestamp"], "intent_name": row["intent_name"],
                    "action_name": row["action_name"], "data": data,
                }
    finally:
        engine.dispose()


# --- summarising --------------------------------------------------------------------------------


@dataclass
class Gap:
    """One question answered with ``none`` or ``clarify``."""

    text: str
    decision: str
    candidates: list  # [[entry id, score], ...] best first, as the answer action recorded them


@dataclass
class Choice:
    """A question the assistant answered with options, and the entry the patient picked."""

    text: str
    entry: str


@dataclass
class Cluster:
    """Questions of one meaning: how often, examples, and what retrieval offered instead."""

    count: int
    examples: list[str]
    decisions: dict[str, int]
    nearest: list[tuple[str, float]]  # (entry id, its best score): the top candidates asked


@dataclass
class Summary:
    """The numbers of one report."""

    conversations: int = 0
    user_messages: int = 0
    first: float | None = None
    last: float | None = None
    decisions: Counter = field(default_factory=Counter)
    answers: Counter = field(default_factory=Counter)
    index_versions: Counter = field(default_factory=Counter)
    gaps: list[Gap] = field(default_factory=list)
    private_gaps: int = 0
    bookings_started: int = 0
    bookings_submitted: int = 0
    booking_outcomes: Counter = field(default_factory=Counter)
    crisis_messages: int = 0
    crisis_conversations: int = 0
    crisis_replies: int = 0
    clusters: list[Cluster] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)
    # entry id -> {"helpful": n, "not_helpful": n, "versions": {index version: [yes, no]}}
    votes: dict = field(default_factory=dict)

    @property
    def bookings_stored(self) -> int | None:
        """Requests the submit action confirmed as stored; None when it does not say."""
        if not self.booking_outcomes and self.bookings_submitted:
            return None
        return self.booking_outcomes.get("stored", 0)


def summarise(events: Iterable[dict]) -> Summary:
    """Count decisions, answers, bookings and crises; collect the unanswered questions."""
    summary = Summary()
    senders: set[str] = set()
    crisis_senders: set[str] = set()
    latest_user: dict[str, dict] = {}
    asked: dict[str, object] = {}  # the form question each conversation's next message answers
    clarified: dict[str, str] = {}  # each conversation's question last answered with options
    for event in events:
        sender, kind, data = event["sender_id"], event["type_name"], event["data"] or {}
        if SIDE_CONVERSATION_MARK in (sender or ""):
            continue
        timestamp = event["timestamp"]
        if timestamp is not None:
            summary.first = timestamp if summary.first is None else min(summary.first, timestamp)
            summary.last = timestamp if summary.last is None else max(summary.last, timestamp)
        if kind == "user":
            senders.add(sender)
            summary.user_messages += 1
            parsed = (data.get("parse_data") or {}).get("intent") or {}
            intent = event["intent_name"] or parsed.get("name")
            # A message typed at the form's name, contact, time or location question is personal
            # whatever the NLU made of it: counted, never shown (a name is no "question").
            personal = asked.get(sender) in PERSONAL_SLOTS
            latest_user[sender] = {"text": data.get("text") or "",
                                   "intent": "personal" if personal else intent}
            if intent in CRISIS_INTENTS:
                summary.crisis_messages += 1
                crisis_senders.add(sender)
        elif kind == "bot":
            metadata = data.get("metadata") or {}
            gaps_before = len(summary.gaps)
            _count_bot_message(summary, metadata, latest_user.get(sender))
            _note_choice(summary, metadata, sender, clarified, gaps_before)
        elif kind == "action":
            name = event["action_name"] or data.get("name") or ""
            if CRISIS_ACTION.match(name):
                summary.crisis_replies += 1
            elif name == SUBMIT_ACTION:
                summary.bookings_submitted += 1
        elif kind == "slot" and data.get("name") == "requested_slot":
            asked[sender] = data.get("value")
        elif kind == "active_loop" and (event["action_name"] or data.get("name")) == FORM:
            summary.bookings_started += 1
    summary.conversations = len(senders)
    summary.crisis_conversations = len(crisis_senders)
    return summary


def _note_choice(summary: Summary, metadata: dict, sender: str, clarified: dict[str, str],
                 gaps_before: int) -> None:
    """Pair a question answered with options with the option the patient then picked."""
    record = metadata.get(METADATA_KEY)
    if len(summary.gaps) > gaps_before and summary.gaps[-1].decision == "clarify":
        clarified[sender] = summary.gaps[-1].text
    elif isinstance(record, dict) and record.get("decision") == "chosen" and record.get("entry"):
        if sender in clarified:
            summary.choices.append(Choice(redact(clarified.pop(sender)), str(record["entry"])))
    elif isinstance(record, dict) and record.get("decision"):
        clarified.pop(sender, None)  # another question: the options are no longer the topic


def _count_bot_message(summary: Summary, metadata: dict, user: dict | None) -> None:
    outcome = metadata.get(BOOKING_OUTCOME_KEY)
    if isinstance(outcome, str):
        summary.booking_outcomes[outcome] += 1
    record = metadata.get(METADATA_KEY)
    if not isinstance(record, dict):
        return
    decision = str(record.get("decision"))
    if record.get("notice"):
        summary.decisions["unusable input"] += 1
        return
    summary.decisions[decision] += 1
    if record.get("index"):
        summary.index_versions[str(record["index"])] += 1
    if decision in ("answer", "chosen") and record.get("entry"):
        summary.answers[str(record["entry"])] += 1
    if decision in GAP_DECISIONS and user is not None:
        if user["intent"] in PRIVATE_INTENTS:
            summary.private_gaps += 1
        elif user["text"].strip():
            summary.gaps.append(Gap(user["text"], decision, list(record.get("candidates") or [])))


# --- grouping by meaning ------------------------------------------------------------------------


def normalised_question(text: str) -> str:
    """The words of ``text``, lower case: questions that differ only in case or punctuation
    are the same question."""
    return " ".join(re.findall(r"\w+", text.lower()))


def cluster_gaps(gaps: list[Gap], encoder, similarity: float = DEFAULT_SIMILARITY) -> list[Cluster]:
    """Group questions by meaning, largest group first.

    Identical questions (same words, any case or punctuation) count once per asking but are
    embedded once. Average-linkage agglomerative clustering on cosine distance: two groups merge
    while their questions are, on average, at least ``similarity`` alike.
    """
    if not gaps:
        return []
    import numpy as np

    by_text: dict[str, list[Gap]] = {}
    for gap in gaps:
        by_text.setdefault(normalised_question(gap.text) or gap.text, []).append(gap)
    keys = list(by_text)
    if len(keys) == 1:
        labels = np.zeros(1, dtype=int)
    else:
        from sklearn.cluster import AgglomerativeClustering

        vectors = encoder.encode([by_text[k][0].text for k in keys])
        labels = AgglomerativeClustering(
            n_clusters=None, metric="cosine", linkage="average",
            distance_threshold=1.0 - similarity,
        ).fit_predict(vectors)
    clusters = []
    for label in sorted(set(labels.tolist())):
        members = [keys[i] for i in np.flatnonzero(labels == label)]
        members.sort(key=lambda k: -len(by_text[k]))  # most asked wording first
        asked = [g for k in members for g in by_text[k]]
        often = Counter(g.candidates[0][0] for g in asked if g.candidates)
        best: dict[str, float] = {}
        for g in asked:
            if g.candidates:
                entry, score = g.candidates[0][0], float(g.candidates[0][1])
                best[entry] = max(score, best.get(entry, score))
        clusters.append(Cluster(
            count=len(asked),
            examples=[redact(by_text[k][0].text) for k in members[:MAX_EXAMPLES]],
            decisions=dict(Counter(g.decision for g in asked)),
            nearest=[(e, round(best[e], 3)) for e, _ in often.most_common(2)],
        ))
    clusters.sort(key=lambda c: (-c.count, c.examples[0].lower()))
    return clusters


# --- rendering ----------------------------------------------------------------------------------


def _when(timestamp: float | None) -> str:
    if timestamp is None:
        return "-"
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _stored_text(summary: Summary) -> str:
    stored = summary.bookings_stored
    return "not recorded by the submit action" if stored is None else str(stored)


def _nearest_text(cluster: Cluster) -> str:
    # The score tells staff whether the entry is close (needs paraphrases) or unrelated.
    return ", ".join(f"{entry} ({score:.2f})" for entry, score in cluster.nearest) or "-"


def render_text(summary: Summary, top: int = 20) -> str:
    """The report as plain text."""
    s = summary
    answered = s.decisions.get("answer", 0) + s.decisions.get("chosen", 0)
    lines = [
        f"Conversations: {s.conversations}   patient messages: {s.user_messages}   "
        f"period: {_when(s.first)} to {_when(s.last)}",
        "",
        "Retrieval decisions: " + (", ".join(
            f"{name} {count}" for name, count in s.decisions.most_common()) or "none recorded"),
        f"  answered {answered}, clarify {s.decisions.get('clarify', 0)}, "
        f"I don't know {s.decisions.get('none', 0)}",
    ]
    if s.index_versions:
        lines.append("  index versions: " + ", ".join(
            f"{v} ({n})" for v, n in s.index_versions.most_common()))
    lines += ["", f"Unanswered or unclear questions, grouped by meaning ({len(s.gaps)} asked, "
                  f"{len(s.clusters)} groups):"]
    for n, cluster in enumerate(s.clusters[:top], start=1):
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(cluster.decisions.items()))
        near = _nearest_text(cluster)
        lines.append(f"  {n:>2}. x{cluster.count}  ({kinds}; nearest entry: {near})")
        lines.extend(f"        \"{example}\"" for example in cluster.examples)
    if len(s.clusters) > top:
        lines.append(f"  ... {len(s.clusters) - top} more groups (see the HTML report)")
    if s.private_gaps:
        lines.append(f"  (+{s.private_gaps} unanswered crisis-topic or medical questions, "
                     "counted only)")
    lines += ["", "Answers per entry:"]
    lines += [f"  {count:>5}  {entry}" for entry, count in s.answers.most_common(top)] or [
        "  (none)"]
    lines += ["", "Did the answer help? (website votes, all time; most 'not helpful' first):"]
    lines += [f"  helpful {v['helpful']:>4}  not helpful {v['not_helpful']:>4}  {entry}"
              for entry, v in _votes_ranked(s)[:top]] or ["  (no votes)"]  # fmt: skip
    lines += [
        "",
        f"Bookings: started {s.bookings_started}, submitted {s.bookings_submitted}, "
        f"stored {_stored_text(s)}",
        f"Crisis: {s.crisis_messages} crisis messages in {s.crisis_conversations} "
        f"conversations; {s.crisis_replies} crisis replies sent",
    ]
    return "\n".join(lines)


def _votes_ranked(summary: Summary) -> list[tuple[str, dict]]:
    """Entries with votes, the most often unhelpful first (then the least often helpful)."""
    return sorted(summary.votes.items(),
                  key=lambda item: (-item[1]["not_helpful"], item[1]["helpful"], item[0]))


def _bar_chart(rows: list[tuple[str, int]], title: str, width: int = 640) -> str:
    """A horizontal bar chart as inline SVG (labels escaped)."""
    if not rows:
        return f"<p class='empty'>{html.escape(title)}: nothing recorded.</p>"
    bar_h, gap, label_w = 22, 6, 250
    height = len(rows) * (bar_h + gap) + 30
    peak = max(count for _, count in rows) or 1
    parts = [
        f"<svg role='img' aria-label='{html.escape(title, quote=True)}' width='{width}' "
        f"height='{height}' viewBox='0 0 {width} {height}' xmlns='http://www.w3.org/2000/svg'>",
        f"<text x='0' y='16' class='t'>{html.escape(title)}</text>",
    ]
    for i, (label, count) in enumerate(rows):
        y = 28 + i * (bar_h + gap)
        length = max(2, int((width - label_w - 60) * count / peak))
        short = label if len(label) <= 38 else label[:36] + "…"
        parts.append(
            f"<text x='{label_w - 8}' y='{y + 15}' text-anchor='end' class='l'>"
            f"{html.escape(short)}</text>"
            f"<rect x='{label_w}' y='{y}' width='{length}' height='{bar_h}' class='b'>"
            f"<title>{html.escape(label)}: {count}</title></rect>"
            f"<text x='{label_w + length + 6}' y='{y + 15}' class='l'>{count}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;max-width:960px;
color:#1d2733}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d5dde5}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e3e8ee;padding:.35rem;
text-align:left;vertical-align:top}.n{text-align:right;width:4rem}.muted{color:#5b6b7b}
svg .b{fill:#3b7dd8}svg .t{font-weight:600;font-size:14px}svg .l{font-size:12px;fill:#1d2733}
.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #d5dde5;border-radius:6px;
padding:.6rem 1rem;min-width:8rem}.card b{display:block;font-size:1.4rem}
"""


def render_html(summary: Summary, top: int = 30) -> str:
    """A self-contained HTML page (inline CSS and SVG; no scripts, fonts or links)."""
    s = summary
    e = html.escape
    answered = s.decisions.get("answer", 0) + s.decisions.get("chosen", 0)
    cards = [
        ("Conversations", s.conversations), ("Patient messages", s.user_messages),
        ("Answered", answered), ("Clarify", s.decisions.get("clarify", 0)),
        ("I don't know", s.decisions.get("none", 0)),
        ("Bookings started", s.bookings_started), ("Bookings stored", _stored_text(s)),
        ("Crisis messages", s.crisis_messages),
    ]
    out = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<title>Clinic assistant report</title>", f"<style>{_CSS}</style></head><body>",
        "<h1>Clinic assistant report</h1>",
        f"<p class='muted'>{e(_when(s.first))} to {e(_when(s.last))}. Generated "
        f"{e(_when(datetime.now(timezone.utc).timestamp()))}.</p>",
        "<div class='cards'>" + "".join(
            f"<div class='card'>{e(name)}<b>{e(str(value))}</b></div>" for name, value in cards
        ) + "</div>",
        "<h2>Questions the assistant could not answer, by meaning</h2>",
        "<p class='muted'>Each group is one topic patients asked about. Large groups are the "
        "entries to add (or the paraphrases to add to the nearest entry). E-mail addresses and "
        "numbers are masked; crisis and medical questions are never shown.</p>",
        _bar_chart([(c.examples[0], c.count) for c in s.clusters[:15]], "Largest groups"),
        "<table><tr><th class='n'>Asked</th><th>Examples</th><th>Decisions</th>"
        "<th>Nearest entry</th></tr>",
    ]
    for cluster in s.clusters[:top]:
        out.append(
            f"<tr><td class='n'>{cluster.count}</td><td>"
            + "<br>".join(e(x) for x in cluster.examples)
            + "</td><td>" + e(", ".join(f"{k} {v}" for k, v in sorted(cluster.decisions.items())))
            + "</td><td>" + e(_nearest_text(cluster)) + "</td></tr>"
        )
    out.append("</table>")
    if s.private_gaps:
        out.append(f"<p class='muted'>Plus {s.private_gaps} unanswered crisis-topic or medical "
                   "questions (counted only).</p>")
    out += [
        "<h2>Answers per entry</h2>",
        _bar_chart(s.answers.most_common(top), "Answers given"),
        "<h2>Did the answer help?</h2>",
        "<p class='muted'>Votes under answers in the website chat, all time. Counted per entry; "
        "no vote is linked to a conversation.</p>",
        "<table><tr><th>Entry</th><th class='n'>Helpful</th><th class='n'>Not helpful</th></tr>"
        + "".join(f"<tr><td>{e(entry)}</td><td class='n'>{v['helpful']}</td>"
                  f"<td class='n'>{v['not_helpful']}</td></tr>"
                  for entry, v in _votes_ranked(s)[:top])
        + "</table>",
        "<h2>Decisions</h2>",
        _bar_chart(s.decisions.most_common(), "Retrieval decisions"),
        "<h2>Bookings</h2>",
        _bar_chart(
            [("Form started", s.bookings_started), ("Submitted", s.bookings_submitted)]
            + ([("Stored", s.bookings_stored)] if s.bookings_stored is not None else []),
            "Consultation requests",
        ),
        "<h2>Crisis</h2>",
        f"<p>{s.crisis_messages} crisis messages in {s.crisis_conversations} conversations; "
        f"{s.crisis_replies} crisis replies sent. Counts only: no text is shown.</p>",
    ]
    if s.index_versions:
        out.append("<h2>Index versions</h2><p class='muted'>" + e(", ".join(
            f"{v} ({n} replies)" for v, n in s.index_versions.most_common())) + "</p>")
    out.append("</body></html>")
    return "\n".join(out)


def to_dict(summary: Summary) -> dict:
    """JSON-ready numbers (examples included, already masked)."""
    s = summary
    return {
        "conversations": s.conversations, "user_messages": s.user_messages,
        "first": s.first, "last": s.last, "decisions": dict(s.decisions),
        "answers": dict(s.answers), "index_versions": dict(s.index_versions),
        "gaps": len(s.gaps), "private_gaps": s.private_gaps,
        "clusters": [c.__dict__ for c in s.clusters],
        "bookings": {"started": s.bookings_started, "submitted": s.bookings_submitted,
                     "stored": s.bookings_stored, "outcomes": dict(s.booking_outcomes)},
        "crisis": {"messages": s.crisis_messages, "conversations": s.crisis_conversations,
                   "replies": s.crisis_replies},
        "votes": s.votes,
    }


def build_report(
    url: str, *, since: datetime | None = None, until: datetime | None = None,
    similarity: float = DEFAULT_SIMILARITY, encoder=None,
) -> Summary:
    """Read the tracker store at ``url`` and return the summary with its question groups."""
    summary = summarise(read_events(url, since, until))
    if summary.gaps:
        if encoder is None:
            from bot.retrieval.embedding import get_encoder

            encoder = get_encoder()
        summary.clusters = cluster_gaps(summary.gaps, encoder, similarity)
    return summary


# --- command line -------------------------------------------------------------------------------


def _day(value: str) -> datetime:
    return datetime.combine(date.fromisoformat(value), datetime.min.time(), timezone.utc)


def add_parser(subparsers) -> None:
    """Register ``report``."""
    p = subparsers.add_parser(
        "report", help="what patients asked: unanswered questions by meaning, answers per "
        "entry, bookings, crisis counts (from the SQL tracker store)",
    )
    p.add_argument("--tracker-store", metavar="URL",
                   help=f"SQLAlchemy URL of Rasa's SQL tracker store, e.g. sqlite:///rasa.db "
                   f"(default ${TRACKER_DB_ENV})")
    p.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="from this day (UTC)")
    p.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="before this day (UTC)")
    p.add_argument("--html", type=Path, default=DEFAULT_HTML,
                   help=f"where to write the HTML page (default {DEFAULT_HTML})")
    p.add_argument("--similarity", type=float, default=DEFAULT_SIMILARITY,
                   help=f"how alike questions of one group are, 0-1 (default {DEFAULT_SIMILARITY})")
    p.add_argument("--top", type=int, default=20, help="groups and entries listed (default 20)")
    p.add_argument("--json", action="store_true", help="print the numbers as JSON instead")
    p.add_argument("--votes-db", metavar="URL",
                   help="SQLAlchemy URL of the requests database holding the answer votes "
                   "(default $BOT_DATABASE_URL)")
    p.set_defaults(handler=cmd_report)


def cmd_report(args) -> int:
    """Print the report and write the HTML page."""
    url = args.tracker_store or settings().tracker_db_url
    if not url:
        print(f"error: give --tracker-store URL (or set {TRACKER_DB_ENV}); the report needs "
              "Rasa's SQL tracker store (endpoints.yml: tracker_store type SQL)", file=sys.stderr)
        return 2
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).is_file():
        print(f"error: no database at {url[len('sqlite:///'):]}", file=sys.stderr)
        return 2
    try:
        summary = build_report(url, since=args.since, until=args.until,
                               similarity=args.similarity)
    except KeyConfigurationError as error:
        print(f"error: the conversations are encrypted: {error}", file=sys.stderr)
        return 2
    except DecryptionError:
        print("error: a stored conversation cannot be opened with this data key (set "
              "BOT_DATA_KEY to the key the assistant runs with)", file=sys.stderr)
        return 2
    except Exception as error:  # noqa: BLE001 - a database error message can quote stored data
        print(f"error: could not read the tracker store ({type(error).__name__})", file=sys.stderr)
        return 2
    summary.votes = _read_votes(args.votes_db or settings().database_url)
    if args.json:
        print(json.dumps(to_dict(summary), ensure_ascii=False, indent=2))
    else:
        print(render_text(summary, args.top))
    args.html.parent.mkdir(parents=True, exist_ok=True)
    args.html.write_text(render_html(summary, max(args.top, 30)), encoding="utf-8")
    print(f"HTML report: {args.html}", file=sys.stderr if args.json else sys.stdout)
    return 0


def _read_votes(url: str) -> dict:
    """The answer votes, or none (with a warning) when the requests database cannot be read."""
    from bot.feedback.store import VoteStorageError, read_counts

    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).is_file():
        return {}
    try:
        return read_counts(url)
    except VoteStorageError as error:
        print(f"warning: answer votes not included: {error}", file=sys.stderr)
        return {}
