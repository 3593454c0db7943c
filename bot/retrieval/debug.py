"""Staff debug mode: after each answer, show why the assistant chose it.

``make shell-debug`` runs ``make shell`` with ``BOT_DEBUG_RETRIEVAL=1``; the answer action then
adds one extra message with the retrieval decision, the score against the thresholds, the
source and the runners-up. It only ever appears in ``rasa shell`` (input channel ``cmdline``):
even if the variable leaked into a production action server, patients on the website or SMS
would never see it.
"""

from __future__ import annotations

from typing import Any

from bot.settings import settings

ENV_FLAG = "BOT_DEBUG_RETRIEVAL"
STAFF_CHANNELS = frozenset({"cmdline"})
RUNNERS_UP = 4


def enabled(input_channel: str | None) -> bool:
    """True when debug output is switched on and the message came from the staff shell."""
    return settings().debug_retrieval and input_channel in STAFF_CHANNELS


def _candidate_line(candidate: Any) -> str:
    return f"{candidate.score:.3f}  {candidate.kind}:{candidate.id}  ({candidate.source})"


def format_decision(decision: Any, settings: Any | None = None) -> str:
    """The retrieval decision as a few plain-text lines for staff."""
    if settings is None:
        from bot.config import load_retrieval_settings

        settings = load_retrieval_settings()
    best = decision.best
    lines = [
        f"[debug] decision: {decision.kind}"
        + (f" (best score {best.score:.3f})" if best is not None else "")
        + f"; answer threshold {settings.answer_threshold:.2f},"
        f" clarify margin {settings.clarify_margin:.2f}"
    ]
    if decision.notice:
        lines.append(f"[debug] input notice: {decision.notice}")
    if best is not None:
        lines.append(f"[debug] best: {_candidate_line(best)}")
    if decision.kind == "clarify" and decision.options:
        lines.append("[debug] offered: " + ", ".join(o.id for o in decision.options))
    chosen = {best.id} if best is not None else set()
    runners_up = [c for c in decision.candidates if c.id not in chosen][:RUNNERS_UP]
    if runners_up:
        lines.append("[debug] runners-up:")
        lines.extend(f"  {position}. {_candidate_line(c)}" for position, c in
                     enumerate(runners_up, 2))
    elif not decision.candidates:
        lines.append("[debug] no candidates")
    return "\n".join(lines)


def show(dispatcher: Any, decision: Any, tracker: Any) -> None:
    """Send the debug lines after the answer, when staff debug mode applies to this message."""
    if enabled(tracker.get_latest_input_channel()):
        dispatcher.utter_message(text=format_decision(decision))
