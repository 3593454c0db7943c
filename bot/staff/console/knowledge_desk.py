"""Changes staff make to the knowledge from the console: accept or reject a suggested
paraphrase, edit an answer and its review date. Each change is checked (``bot check``) in a copy
before it is written (``bot import``'s :func:`bot.staff.importer.apply_change`), the index is
rebuilt, and the running action server picks the new index up by itself (hot reload,
``bot/retrieval/reload.py``) within ``BOT_INDEX_RELOAD_SECONDS``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from bot.retrieval.knowledge import FAQ_FILE, Entry, hash_files, knowledge_files, load_faq_yaml
from bot.staff.check import CheckReport, configured_check_settings, run_check
from bot.staff.console.db import Database, as_utc, utcnow
from bot.staff.console.models import KnowledgeRevision, SuggestionDecision
from bot.staff.importer import ImportProblem, add_paraphrase, revise_answer


class ChangeRefused(ValueError):
    """The change would break the knowledge; the message lists what the check found."""


@dataclass(frozen=True)
class Revision:
    """An answer's text before and after one edit."""

    at: object
    actor: str
    previous_answer: str
    previous_reviewed: str
    new_answer: str
    new_reviewed: str


class KnowledgeDesk:
    """The console's access to ``knowledge_dir`` and the index built from it."""

    def __init__(self, knowledge_dir: Path, index_dir: Path, database: Database, encoder=None):
        self.knowledge_dir = Path(knowledge_dir)
        self.index_dir = Path(index_dir)
        self.database = database
        self._encoder = encoder
        self._write_lock = threading.Lock()  # one change at a time: each starts from the last
        self._check_cache: tuple[str, CheckReport] | None = None

    @property
    def encoder(self):
        """The retrieval encoder (loaded on first use: the console starts fast)."""
        if self._encoder is None:
            from bot.retrieval.embedding import get_encoder

            self._encoder = get_encoder()
        return self._encoder

    # --- reading ----------------------------------------------------------------------------

    def faq_entries(self) -> list[Entry]:
        """The FAQ entries, in file order."""
        return load_faq_yaml(self.knowledge_dir / FAQ_FILE)

    def entry(self, entry_id: str) -> Entry | None:
        """One FAQ entry, or None."""
        return next((e for e in self.faq_entries() if e.id == entry_id), None)

    def check(self) -> CheckReport:
        """``bot check`` on the knowledge as it is now (cached until a file changes)."""
        files = knowledge_files(self.knowledge_dir)
        fingerprint = hash_files(files, self.knowledge_dir) if files else ""
        if self._check_cache is None or self._check_cache[0] != fingerprint:
            report = run_check(self.knowledge_dir, configured_check_settings())
            self._check_cache = (fingerprint, report)
        return self._check_cache[1]

    def revisions(self, entry_id: str) -> list[Revision]:
        """Earlier texts of an entry's answer, newest first."""
        query = (select(KnowledgeRevision).where(KnowledgeRevision.entry_id == entry_id)
                 .order_by(KnowledgeRevision.id.desc()))  # fmt: skip
        with self.database.session() as session:
            return [Revision(as_utc(r.at), r.actor, r.previous_answer, r.previous_reviewed,
                             r.new_answer, r.new_reviewed) for r in session.scalars(query)]

    def decided_keys(self) -> set[str]:
        """Keys of suggestions accepted or rejected before (hidden from the insights)."""
        with self.database.session() as session:
            return set(session.scalars(select(SuggestionDecision.key)))

    # --- changing ---------------------------------------------------------------------------

    def accept(self, key: str, entry_id: str, paraphrase: str, actor: str) -> None:
        """Add ``paraphrase`` to ``entry_id`` if the check passes and the entry then answers it;
        re-index; remember the decision. Raises ChangeRefused."""
        wording = " ".join(paraphrase.split())

        def verify(trial: Path) -> None:
            report = run_check(trial, configured_check_settings())
            problems = [f"{f.entry}: {f.message}" for f in report.errors()]
            problems += [
                f"the assistant would not answer it with {entry_id}: {f.message}"
                for f in report.findings
                if f.check == "paraphrase-miss" and f.entry == entry_id
                and f.message.startswith(repr(wording))
            ]
            if problems:
                raise ImportProblem("; ".join(problems))

        with self._write_lock:
            if self.entry(entry_id) is None:
                raise ChangeRefused(f"there is no FAQ entry {entry_id!r}")
            try:
                add_paraphrase(entry_id, wording, self.knowledge_dir, verify=verify)
            except ImportProblem as problem:
                raise ChangeRefused(str(problem)) from problem
            self._reindex()
            self._decide(key, "accepted", entry_id, actor)

    def reject(self, key: str, actor: str) -> None:
        """Hide a suggestion for good."""
        self._decide(key, "rejected", None, actor)

    def revise(self, entry_id: str, answer: str, reviewed: str, actor: str) -> None:
        """A new answer text and review date, checked before saving; the old text is kept."""

        def verify(trial: Path) -> None:
            report = run_check(trial, configured_check_settings())
            if report.errors():
                raise ImportProblem("; ".join(f"{f.entry}: {f.message}" for f in report.errors()))

        with self._write_lock:
            try:
                before = revise_answer(entry_id, answer, reviewed, self.knowledge_dir,
                                       verify=verify)  # fmt: skip
            except ImportProblem as problem:
                raise ChangeRefused(str(problem)) from problem
            self._reindex()
            with self.database.session() as session:
                session.add(KnowledgeRevision(
                    at=utcnow(), actor=actor, entry_id=entry_id,
                    previous_answer=before["answer"], previous_reviewed=before["reviewed"],
                    new_answer=" ".join(answer.split()), new_reviewed=reviewed,
                ))
                session.commit()

    def _reindex(self) -> None:
        from bot.retrieval.index import build_index
        from bot.retrieval.knowledge import load_knowledge

        build_index(load_knowledge(self.knowledge_dir), self.index_dir, self.encoder,
                    progress=False)  # fmt: skip

    def _decide(self, key: str, decision: str, entry_id: str | None, actor: str) -> None:
        with self.database.session() as session:
            session.merge(SuggestionDecision(key=key, decision=decision, entry_id=entry_id,
                                             decided_by=actor, decided_at=utcnow()))  # fmt: skip
            session.commit()


def review_age_days(reviewed: str, today: date | None = None) -> int | None:
    """Days since ``reviewed`` (YYYY-MM-DD), or None when it is not a date."""
    try:
        return ((today or date.today()) - date.fromisoformat(str(reviewed)[:10])).days
    except ValueError:
        return None
