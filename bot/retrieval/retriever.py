"""Answer a patient's question from the clinic's knowledge: answer, clarify, or "I don't know".

Usage (the contract the actions rely on)::

    from bot.retrieval.retriever import get_retriever, RetrievalUnavailable
    r = get_retriever()      # process-wide, lazy, thread-safe; loads the model and the index
    d = r.decide(text)       # Decision(kind="answer"|"clarify"|"none", ...)
    r.get(entry_id)          # Candidate | None

Scoring (measurements in docs/retrieval.md): each entry gets a dense score (cosine between the
query and the entry's vectors: the best of its question and paraphrases blended with its
question-plus-answer-lead vector; a passage has only its own vector) and a lexical score (BM25
over the entry's questions or passage text, normalised to [0, 1] against the best the query
could score). The two are fused linearly with fixed weights, so the fused score has the same
meaning for every query and one threshold decides.

This module imports nothing heavy at import time: numpy, faiss and torch load with the index.
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import RetrievalSettings
from bot.settings import served_index_dir, served_knowledge_dir

if TYPE_CHECKING:  # pragma: no cover
    from bot.retrieval.embedding import Encoder
    from bot.retrieval.index import VectorIndex

MAX_QUERY_CHARS = 2000
TOP_K = 10
# Below this many vectors every vector is scored (exact and cheap); above, the top rows only.
FULL_SCAN_ROWS = 50_000
# Used when knowledge/clinic.yml does not set them; the values chosen in docs/retrieval.md.
DEFAULT_LEXICAL_WEIGHT = 0.4
DEFAULT_QUESTION_WEIGHT = 0.75
DEFAULT_UNKNOWN_WORD_PENALTY = 0.15

NOTICE_EMPTY = "Please type your question in words, for example: \"How long does a session take?\""
NOTICE_TOO_LONG = (
    "Your message is too long for me to search ({length:,} characters; the limit is "
    f"{MAX_QUERY_CHARS:,}). Please ask one question in a sentence or two."
)
NOTICE_BINARY = (
    "Your message contains characters I can't read. Please type your question as plain text."
)
NOTICE_NO_WORDS = (
    "I can only search for questions written in words. Please type your question, for "
    "example: \"Is ketamine therapy safe?\""
)


class RetrievalUnavailable(RuntimeError):
    """The retrieval layer cannot answer: index missing, corrupt or built from other knowledge."""


# Entries whose answer carries what to do in an emergency: when one is among the options of a
# choice, it is the answer (a patient with street ketamine must not have to pick it first).
SAFETY_FIRST_ENTRIES = frozenset({"ketamine_outside_clinic"})


@dataclass(frozen=True)
class Candidate:
    """One possible answer: an FAQ entry or an article passage, with its fused score."""

    id: str
    kind: str  # "faq" | "article"
    title: str
    answer: str  # verbatim text, placeholders filled
    source: str
    score: float
    refers_to: str = ""  # what "that" in a follow-up means after this answer (followup.py)

    def to_dict(self) -> dict:
        """JSON-ready copy."""
        return asdict(self)


@dataclass(frozen=True)
class Decision:
    """What to do with a question: ``answer`` with ``best``, ``clarify`` between ``options``,
    or ``none`` (say "I don't know"; ``notice`` explains bad input)."""

    kind: str  # "answer" | "clarify" | "none"
    query: str
    best: Candidate | None = None
    options: list[Candidate] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    notice: str | None = None

    def to_dict(self) -> dict:
        """JSON-ready copy."""
        return asdict(self)


# --- input guards ---------------------------------------------------------------------------------

_TAG = re.compile(r"<[^<>]{0,500}>")
_SPACE = re.compile(r"\s+")


def clean_query(text: str | bytes | None) -> tuple[str, str | None]:
    """Normalise a raw message; return ``(clean text, notice)``, notice set when unusable.

    Refused (with a notice): empty or blank, binary (undecodable bytes, NUL or many control
    characters), longer than ``MAX_QUERY_CHARS`` after cleaning (refused rather than cut: a cut
    message could be answered about something its writer did not ask), and messages without a
    single letter or digit (emoji or punctuation only). HTML tags are stripped, entities decoded.
    """
    if text is None:
        return "", NOTICE_EMPTY
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            return "", NOTICE_BINARY
    if not isinstance(text, str):
        return "", NOTICE_EMPTY
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r")
    if "\x00" in text or "\ufffd" in text or controls > max(2, len(text) // 20):
        return "", NOTICE_BINARY
    text = html.unescape(_TAG.sub(" ", text))
    text = unicodedata.normalize("NFKC", text)
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text)
    text = _SPACE.sub(" ", text).strip()
    if not text:
        return "", NOTICE_EMPTY
    if len(text) > MAX_QUERY_CHARS:
        return text[:MAX_QUERY_CHARS], NOTICE_TOO_LONG.format(length=len(text))
    if not any(unicodedata.category(ch)[0] in "LN" for ch in text):
        return text, NOTICE_NO_WORDS
    return text, None


# --- the retriever ------------------------------------------------------------------------------


class Retriever:
    """Ranks the clinic's entries for a question and decides what to reply."""

    def __init__(
        self,
        index: VectorIndex,
        encoder: Encoder,
        settings: RetrievalSettings,
        placeholders: dict[str, str] | None = None,
    ):
        """Prepare scoring for a loaded index (BM25 is rebuilt here from the stored texts)."""
        import numpy as np

        from bot.retrieval.embedding import known_words
        from bot.retrieval.index import lexical_text
        from bot.retrieval.lexical import BM25, Speller, tokenize

        self.index = index
        self.encoder = encoder
        self.settings = settings
        self.placeholders = dict(placeholders or {})
        self.lexical_weight = float(settings.extra.get("lexical_weight", DEFAULT_LEXICAL_WEIGHT))
        self.question_weight = float(
            settings.extra.get("question_weight", DEFAULT_QUESTION_WEIGHT)
        )
        self.unknown_word_penalty = float(
            settings.extra.get("unknown_word_penalty", DEFAULT_UNKNOWN_WORD_PENALTY)
        )
        self.entries = index.entries
        self._by_id = {entry.id: i for i, entry in enumerate(self.entries)}
        self._first_of_group: dict[str, int] = {}
        for i, entry in enumerate(self.entries):
            self._first_of_group.setdefault(entry.group, i)
        self._row_entry = np.asarray(index.row_entry, dtype=np.int64)
        roles = np.asarray(index.row_role)
        self._question_rows = roles == "question"
        self._entry_rows = ~self._question_rows
        # Only entries with paraphrases blend in their best question match: a lone question is
        # already part of the entry's question-plus-answer vector (docs/retrieval.md).
        self._has_paraphrases = np.array([len(e.questions) > 1 for e in self.entries], dtype=bool)
        self._tokenize = tokenize
        self.speller = Speller(
            (text for e in self.entries for text in (e.title, e.text, *e.questions)),
            known_words(),
        )
        self._bm25 = BM25([tokenize(lexical_text(entry)) for entry in self.entries])

    @classmethod
    def load(
        cls,
        index_dir: Path | None = None,
        *,
        knowledge_dir: Path | None = None,
        encoder: Encoder | None = None,
        settings: RetrievalSettings | None = None,
    ) -> Retriever:
        """Load the index in ``index_dir`` (default: the clinic's) and check it is current.

        The clinic's index must match the files in ``knowledge/`` today; any other index is
        checked against the knowledge it records as its origin. Raises
        :class:`RetrievalUnavailable` with a message saying what to do.
        """
        import faiss

        from bot.config import load_clinic, load_retrieval_settings
        from bot.retrieval.embedding import get_encoder
        from bot.retrieval.index import IndexUnavailable, current_hash, load_index, read_meta
        from bot.retrieval.knowledge import hash_files, knowledge_files

        if index_dir is None and knowledge_dir is None:
            knowledge_dir = served_knowledge_dir()
        index_dir = Path(index_dir or served_index_dir())
        encoder = encoder or get_encoder()
        # Queries are searched one at a time and FAISS parallelises over queries, so a second
        # thread only adds OpenMP wake-ups: on a busy 2-core server 0.3 ms became 90 ms
        # (docs/performance.md).
        faiss.omp_set_num_threads(1)
        try:
            expected: str | None
            if knowledge_dir is not None:
                files = knowledge_files(Path(knowledge_dir))
                expected = hash_files(files, Path(knowledge_dir)) if files else "no knowledge files"
            else:
                meta = read_meta(index_dir)
                expected = current_hash(meta) if meta else None
            index = load_index(index_dir, knowledge_hash=expected, model_name=encoder.name)
            settings = settings or load_retrieval_settings()
            placeholders = load_clinic().placeholders()
        except IndexUnavailable as error:
            raise RetrievalUnavailable(str(error)) from error
        except (OSError, KeyError, TypeError, ValueError) as error:
            message = f"the clinic configuration is unreadable: {error}"
            raise RetrievalUnavailable(message) from error
        retriever = cls(index, encoder, settings, placeholders)
        encoder.encode(["warm up"])  # load the model now, not on a patient's first question
        return retriever

    # -- scoring --

    def _candidate(self, position: int, score: float) -> Candidate:
        from bot.retrieval.knowledge import fill_placeholders

        entry = self.entries[position]
        return Candidate(
            id=entry.id,
            kind=entry.kind,
            title=fill_placeholders(entry.title, self.placeholders),
            answer=fill_placeholders(entry.text, self.placeholders),
            source=entry.source,
            score=round(float(score), 4),
            refers_to=entry.refers_to,
        )

    def scores(self, text: str, vector=None):
        """Fused score of every entry for an already-cleaned query (numpy array).

        ``vector``: the query's embedding when already computed (shape ``(1, dimension)``).
        """
        import numpy as np

        text = self.speller.correct(text)
        if vector is None:
            vector = self.encoder.encode([text])
        count = self.index.count
        rows = count if count <= FULL_SCAN_ROWS else max(1000, 50 * TOP_K)
        sims, ids = self.index.search(vector, rows)
        sims, ids = sims[0], ids[0]
        found = ids >= 0  # an approximate (IVF) index pads with -1 when it finds fewer rows
        sims, ids = sims[found], ids[found]
        floor = float(sims[-1]) if rows < count and len(sims) else -1.0
        all_sims = np.full(count, floor, dtype=np.float32)
        all_sims[ids] = sims
        n = len(self.entries)
        best_question = np.full(n, -1.0, dtype=np.float32)
        questions = self._question_rows
        np.maximum.at(best_question, self._row_entry[questions], all_sims[questions])
        own = np.full(n, -1.0, dtype=np.float32)
        np.maximum.at(own, self._row_entry[self._entry_rows], all_sims[self._entry_rows])
        qw = self.question_weight
        dense = np.where(self._has_paraphrases, qw * best_question + (1 - qw) * own, own)
        tokens = self._tokenize(text)
        lexical = np.asarray(self._bm25.normalised_scores(tokens), dtype=np.float32)
        lw = self.lexical_weight
        # Words the knowledge never uses lower every score alike: the ranking is unchanged, but
        # "how do I treat my dog's anxiety" falls below the answer threshold.
        penalty = self.unknown_word_penalty * self._bm25.unknown_fraction(tokens)
        return (1 - lw) * dense + lw * lexical - penalty

    def rank(self, text: str, k: int = TOP_K, vector=None) -> list[Candidate]:
        """The ``k`` best entries for ``text`` (cleaned first), best first; [] for bad input."""
        import numpy as np

        clean, notice = clean_query(text)
        if notice or k <= 0:
            return []
        fused = self.scores(clean, vector)
        k = min(k, len(fused))
        top = np.argpartition(-fused, k - 1)[:k] if k < len(fused) else np.arange(len(fused))
        top = top[np.lexsort((top, -fused[top]))]  # by score, ties by knowledge order
        return [self._candidate(int(i), fused[i]) for i in top]

    def decide(self, text: str | bytes | None) -> Decision:
        """Rank the entries and decide: answer, clarify (2-3 options) or none.

        ``answer``: the best score reaches ``answer_threshold`` and no entry of another FAQ entry
        or article is within ``clarify_margin`` of it. ``clarify``: some are; the options are
        the best and those close to it (at most ``max_options``). ``none``: below the threshold,
        or unusable input (``notice`` says why).
        """
        clean, notice = clean_query(text)
        if notice:
            return Decision(kind="none", query=clean, notice=notice)
        return self.decide_ranked(clean, self.rank(clean, TOP_K))

    def decide_ranked(
        self,
        query: str,
        candidates: list[Candidate],
        settings: RetrievalSettings | None = None,
    ) -> Decision:
        """The decision rule alone, on an existing ranking (evaluation sweeps thresholds here)."""
        settings = settings or self.settings
        if not candidates or candidates[0].score < settings.answer_threshold:
            return Decision(kind="none", query=query, candidates=candidates)
        best = candidates[0]
        options = [best]
        groups = {self.group_of(best.id)}
        for candidate in candidates[1:]:
            if len(options) >= max(2, settings.max_options):
                break
            group = self.group_of(candidate.id)
            # Two passages of one article are not a real choice for the patient.
            if group in groups or best.score - candidate.score > settings.clarify_margin:
                continue
            groups.add(group)
            options.append(candidate)
        safety_first = next((o for o in options if o.id in SAFETY_FIRST_ENTRIES), None)
        if len(options) >= 2 and safety_first is not None:
            # "my buddy gave me some ketamine to try": the answer that says what to do if it was
            # taken (911, Poison Control) is given, not offered among others (suite 11).
            return Decision("answer", query, safety_first, [], candidates)
        if len(options) >= 2:
            return Decision("clarify", query, best, options, candidates)
        return Decision("answer", query, best, [], candidates)

    def group_of(self, entry_id: str) -> str | None:
        """The article id of a passage, the entry's own id for an FAQ entry, None if unknown."""
        position = self._by_id.get(entry_id)
        return None if position is None else self.entries[position].group

    def known_ids(self) -> set[str]:
        """Every entry id, plus ``article:<id>`` for each article (as evaluation sets name them)."""
        articles = {f"article:{e.group}" for e in self.entries if e.kind == "article"}
        return set(self._by_id) | articles

    def get(self, entry_id: str) -> Candidate | None:
        """The entry with this id (an article id gives its first passage); None if unknown.

        ``score`` is 1.0: the patient chose it (a clarify button), nothing was ranked.
        """
        position = self._by_id.get(entry_id, self._first_of_group.get(entry_id))
        return None if position is None else self._candidate(position, 1.0)


_hot = None  # bot.retrieval.reload.HotIndex over the clinic's index, created on first use
_lock = threading.Lock()


def get_retriever() -> Retriever:
    """The process-wide retriever of the clinic's index, loaded on first use (thread-safe).

    Call it per request: when ``make index`` publishes a new build, a later call returns a
    retriever of the new build, loaded in the background while the old one keeps answering
    (``bot/retrieval/reload.py``; at most one check of the index link every few seconds).
    Raises :class:`RetrievalUnavailable` when the index is missing, corrupt or out of date; a
    later call tries again (after staff ran ``make index``).
    """
    global _hot
    if _hot is None:
        with _lock:
            if _hot is None:
                from bot.retrieval.reload import HotIndex

                _hot = HotIndex(Retriever.load, served_index_dir())
    return _hot.current()


def reset_retriever() -> None:
    """Forget the process-wide retriever; the next :func:`get_retriever` loads the index again."""
    global _hot
    with _lock:
        _hot = None
