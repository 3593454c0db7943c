"""What patients asked that the assistant could not answer, which answers they found unhelpful,
and which option they picked when it offered several: grouped, without patient identities, each
group with a suggested paraphrase for an entry.

The conversations come from the tracker store (``BOT_TRACKER_DB_URL``) through the staff report's
reader (``bot.staff.report``), which already leaves out form answers and private messages and
masks contact details and introduced names.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from bot.staff.report import cluster_gaps, normalised_question, read_events, summarise

MAX_SUGGESTIONS = 50


@dataclass
class Suggestion:
    """Add ``paraphrase`` to entry ``entry_id``: what patients asked, and how often."""

    key: str
    kind: str  # "unanswered" (no answer or options) or "chosen" (the patient picked this entry)
    paraphrase: str
    examples: list[str]
    count: int
    entry_id: str | None
    score: float | None = None

    @property
    def why(self) -> str:
        """One line on where the suggestion comes from."""
        times = f"{self.count} time{'s' if self.count != 1 else ''}"
        if self.kind == "chosen":
            return f"Asked {times}; the patient picked this entry from the options offered."
        return f"Asked {times} without an answer."


@dataclass
class Unhelpful:
    """An answer patients voted on, with its counts."""

    entry_id: str
    not_helpful: int
    helpful: int


@dataclass
class Insights:
    """One page of insights."""

    days: int
    conversations: int = 0
    questions: int = 0
    private_gaps: int = 0
    suggestions: list[Suggestion] = field(default_factory=list)
    unhelpful: list[Unhelpful] = field(default_factory=list)
    tracker_configured: bool = True


def suggestion_key(kind: str, text: str) -> str:
    """A stable key for a suggestion (what a decision is stored under; holds no text)."""
    return hashlib.sha256(f"{kind}\0{normalised_question(text)}".encode()).hexdigest()[:32]


def build_insights(tracker_url: str | None, votes: dict, encoder, hidden: set[str],
                   days: int = 30) -> Insights:  # fmt: skip
    """Insights over the last ``days`` days; suggestions whose key is in ``hidden`` (accepted
    or rejected before) are left out."""
    insights = Insights(days=days, tracker_configured=bool(tracker_url))
    insights.unhelpful = sorted(
        (Unhelpful(entry, int(c.get("not_helpful", 0)), int(c.get("helpful", 0)))
         for entry, c in votes.items() if int(c.get("not_helpful", 0)) > 0),
        key=lambda u: (-u.not_helpful, u.entry_id),
    )  # fmt: skip
    if not tracker_url:
        return insights
    since = datetime.now(timezone.utc) - timedelta(days=days)
    summary = summarise(read_events(tracker_url, since=since))
    insights.conversations, insights.questions = summary.conversations, summary.user_messages
    insights.private_gaps = summary.private_gaps
    chosen: dict[tuple[str, str], list[str]] = {}
    for choice in summary.choices:
        chosen.setdefault((normalised_question(choice.text), choice.entry), []).append(choice.text)
    picked_texts = {text for text, _ in chosen}
    for (_, entry), texts in chosen.items():
        key = suggestion_key("chosen", texts[0])
        if key not in hidden:
            insights.suggestions.append(
                Suggestion(key, "chosen", texts[0], texts[:3], len(texts), entry))
    open_gaps = [g for g in summary.gaps if normalised_question(g.text) not in picked_texts]
    for cluster in cluster_gaps(open_gaps, encoder):
        key = suggestion_key("unanswered", cluster.examples[0])
        if key in hidden:
            continue
        nearest: str | None = cluster.nearest[0][0] if cluster.nearest else None
        score: float | None = cluster.nearest[0][1] if cluster.nearest else None
        insights.suggestions.append(Suggestion(key, "unanswered", cluster.examples[0],
                                               cluster.examples, cluster.count, nearest, score))
    insights.suggestions.sort(key=lambda s: (-s.count, s.kind, s.paraphrase.lower()))
    del insights.suggestions[MAX_SUGGESTIONS:]
    return insights

