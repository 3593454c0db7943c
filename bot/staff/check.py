"""Knowledge check: find what would make the assistant answer badly, before patients do.

``python -m bot check`` reports, per FAQ entry or article:

errors (exit status 1)
  ``collision``        two entries' questions/paraphrases are so alike (embedding cosine with
                       the real model at or above ``collision_similarity``, or the same words) that
                       retrieval cannot tell them apart: one of them answers the other's question
  ``missing-source``   an FAQ entry without a source (every answer is shown with its source)
  ``invalid``          a missing field, duplicate id, unreadable file, unknown ``{placeholder}``
  ``crisis-numbers``   a crisis or emergency response in domain.yml does not name the crisis
                       line / emergency number configured in the clinic file
warnings (errors too with ``--strict``)
  ``paraphrase-miss``  one of an entry's own questions/paraphrases, asked through the real
                       retrieval decision, is not answered with that entry (clarify, another
                       entry, or "I don't know")
  ``long-answer``      longer than ``max_answer_chars`` (default 320: one SMS screen) once
                       placeholders are filled
  ``stale-review``     ``reviewed`` older than ``max_review_age_days`` (default 365), missing,
                       or in the future
  ``bare-yes-no``      the answer opens with a bare "Yes" or "No": given to a question it
                       matched only roughly ("does it help with OCD?" -> "Yes, ... anxiety"),
                       it affirms what the patient did not ask; state the fact instead

Defaults can be set per clinic in an optional ``knowledge_check:`` section of the clinic file
(``max_answer_chars``, ``max_review_age_days``, ``collision_similarity``); flags override them.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import yaml

from bot.config import KNOWLEDGE_DIR, PROJECT_ROOT, clinic_file, load_clinic
from bot.retrieval.knowledge import (
    ARTICLES_DIR,
    FAQ_FILE,
    KnowledgeError,
    fill_placeholders,
    load_knowledge,
    split_article,
)
from bot.settings import served_index_dir, served_knowledge_dir

ERROR, WARNING = "error", "warning"
DEFAULT_MAX_ANSWER_CHARS = 320
DEFAULT_MAX_REVIEW_AGE_DAYS = 365
# MiniLM puts different questions on one topic at 0.85-0.93 (measured on the clinic's FAQ);
# 0.95 and above is the same question in other words.
DEFAULT_COLLISION_SIMILARITY = 0.95
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
DOMAIN_FILE = PROJECT_ROOT / "domain.yml"


@dataclass(frozen=True)
class Finding:
    """One problem: which check, how bad, which entry, and what to do about it."""

    check: str
    severity: str
    entry: str
    message: str


@dataclass
class CheckSettings:
    """Limits of the check (see the module docstring)."""

    max_answer_chars: int = DEFAULT_MAX_ANSWER_CHARS
    max_review_age_days: int = DEFAULT_MAX_REVIEW_AGE_DAYS
    collision_similarity: float = DEFAULT_COLLISION_SIMILARITY
    strict: bool = False
    use_model: bool = True
    today: date = field(default_factory=date.today)


@dataclass
class CheckReport:
    """Everything one check run found."""

    knowledge_dir: str
    faq_entries: int = 0
    articles: int = 0
    passages: int = 0
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    strict: bool = False

    def errors(self) -> list[Finding]:
        """Findings that fail the check (warnings too under ``--strict``)."""
        return [f for f in self.findings if f.severity == ERROR or self.strict]

    @property
    def passed(self) -> bool:
        """True when nothing fails the check."""
        return not self.errors()

    def to_dict(self) -> dict:
        """JSON-ready copy, with the counts and the verdict."""
        return {
            "knowledge_dir": self.knowledge_dir,
            "faq_entries": self.faq_entries,
            "articles": self.articles,
            "passages": self.passages,
            "errors": sum(1 for f in self.findings if f.severity == ERROR),
            "warnings": sum(1 for f in self.findings if f.severity == WARNING),
            "strict": self.strict,
            "passed": self.passed,
            "notes": self.notes,
            "findings": [asdict(f) for f in self.findings],
        }

    def text(self) -> str:
        """The report for a terminal or a CI log."""
        lines = [
            f"Knowledge check of {self.knowledge_dir}: {self.faq_entries} FAQ entries, "
            f"{self.articles} articles ({self.passages} passages)"
        ]
        for severity, heading in ((ERROR, "ERRORS"), (WARNING, "WARNINGS")):
            found = [f for f in self.findings if f.severity == severity]
            if not found:
                continue
            lines.append(f"{heading} ({len(found)})")
            for finding in sorted(found, key=lambda f: (f.check, f.entry)):
                lines.append(f"  {finding.check:<16} {finding.entry}: {finding.message}")
        lines.extend(f"note: {note}" for note in self.notes)
        errors = sum(1 for f in self.findings if f.severity == ERROR)
        warnings = len(self.findings) - errors
        verdict = "PASSED" if self.passed else "FAILED"
        mode = " (strict: warnings count as errors)" if self.strict else ""
        lines.append(f"{errors} error(s), {warnings} warning(s): {verdict}{mode}")
        return "\n".join(lines)


def configured_settings(path: Path | None = None) -> dict:
    """The optional ``knowledge_check:`` section of the clinic file ({} when absent)."""
    try:
        data = yaml.safe_load(Path(path or clinic_file()).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}
    section = data.get("knowledge_check") if isinstance(data, dict) else None
    return dict(section) if isinstance(section, dict) else {}


# --- checks on the files alone --------------------------------------------------------------------


def configured_check_settings(
    max_answer_chars: int | None = None,
    max_review_age_days: int | None = None,
    collision_similarity: float | None = None,
    strict: bool = False,
    use_model: bool = True,
) -> CheckSettings:
    """The check's limits: each given value, else the clinic's configuration, else the
    default."""
    configured = configured_settings()
    return CheckSettings(
        max_answer_chars=int(max_answer_chars or configured.get(
            "max_answer_chars", DEFAULT_MAX_ANSWER_CHARS)),
        max_review_age_days=int(max_review_age_days or configured.get(
            "max_review_age_days", DEFAULT_MAX_REVIEW_AGE_DAYS)),
        collision_similarity=float(collision_similarity or configured.get(
            "collision_similarity", DEFAULT_COLLISION_SIMILARITY)),
        strict=strict,
        use_model=use_model,
    )


def _review_finding(entry: str, value, settings: CheckSettings) -> Finding | None:
    if value in (None, ""):
        return Finding("stale-review", WARNING, entry, "no 'reviewed' date")
    try:
        reviewed = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        return Finding("stale-review", WARNING, entry, f"'reviewed' is not a date: {value!r}")
    age = (settings.today - reviewed).days
    if age < 0:
        return Finding("stale-review", WARNING, entry, f"reviewed {reviewed} is in the future")
    if age > settings.max_review_age_days:
        return Finding(
            "stale-review", WARNING, entry,
            f"last reviewed {reviewed} ({age} days ago; limit {settings.max_review_age_days})",
        )
    return None


def _placeholder_findings(entry: str, text: str, known: dict) -> list[Finding]:
    unknown = sorted({name for name in _PLACEHOLDER.findall(text) if name not in known})
    return [
        Finding("invalid", ERROR, entry,
                f"unknown placeholder {{{name}}} would be shown to patients as typed "
                f"(known: {', '.join(sorted(known))})")
        for name in unknown
    ]


_BARE_YES_NO = re.compile(r"^(?:yes|no)\b[\s,.!:;-]", re.IGNORECASE)


def check_faq_file(path: Path, settings: CheckSettings, placeholders: dict) -> tuple[int, list]:
    """Field-level checks of ``faq.yml`` that report every problem, not just the first.

    Returns ``(number of entries, findings)``.
    """
    try:
        records = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        return 0, [Finding("invalid", ERROR, path.name, f"not readable as YAML: {error}")]
    if records is None:
        return 0, []
    if not isinstance(records, list):
        return 0, [Finding("invalid", ERROR, path.name, "expected a list of FAQ entries")]
    findings: list[Finding] = []
    seen: set[str] = set()
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            findings.append(Finding("invalid", ERROR, f"entry {number}", "not a mapping"))
            continue
        entry = str(record.get("id") or f"entry {number}")
        if not record.get("id"):
            findings.append(Finding("invalid", ERROR, entry, "no id"))
        elif entry in seen:
            findings.append(Finding("invalid", ERROR, entry, "id used twice"))
        seen.add(entry)
        for name in ("question", "answer"):
            if not str(record.get(name) or "").strip():
                findings.append(Finding("invalid", ERROR, entry, f"no {name}"))
        if not str(record.get("source") or "").strip():
            findings.append(Finding(
                "missing-source", ERROR, entry,
                "no source: patients see every answer with its source; add e.g. "
                "source: \"Patient FAQ: Treatment basics\"",
            ))
        paraphrases = record.get("paraphrases")
        if paraphrases is not None and not isinstance(paraphrases, list):
            findings.append(Finding("invalid", ERROR, entry, "paraphrases must be a list"))
        review = _review_finding(entry, record.get("reviewed"), settings)
        if review:
            findings.append(review)
        answer = " ".join(str(record.get("answer") or "").split())
        findings.extend(_placeholder_findings(entry, answer, placeholders))
        shown = fill_placeholders(answer, placeholders)
        if _BARE_YES_NO.match(answer):
            findings.append(Finding(
                "bare-yes-no", WARNING, entry,
                "opens with a bare Yes/No: to a differently worded question it affirms what the "
                "patient did not ask; start with the fact itself",
            ))
        if len(shown) > settings.max_answer_chars:
            findings.append(Finding(
                "long-answer", WARNING, entry,
                f"{len(shown)} characters once placeholders are filled "
                f"(limit {settings.max_answer_chars}: one SMS screen)",
            ))
    return len(records), findings


def check_articles(articles_dir: Path, settings: CheckSettings, placeholders: dict):
    """Each article parses, has a unique id, a current review date and known placeholders.

    Returns ``(articles, passages, findings)``.
    """
    findings: list[Finding] = []
    ids: dict[str, str] = {}
    articles = passages = 0
    for path in sorted(Path(articles_dir).glob("*.md")):
        try:
            raw = path.read_text(encoding="utf-8")
            parts = split_article(raw, path)
        except (OSError, UnicodeDecodeError, KnowledgeError) as error:
            findings.append(Finding("invalid", ERROR, f"articles/{path.name}", str(error)))
            continue
        article = parts[0].group
        if article in ids:
            findings.append(Finding("invalid", ERROR, f"article:{article}",
                                    f"id used by both {ids[article]} and {path.name}"))
        ids[article] = path.name
        articles += 1
        passages += len(parts)
        meta = yaml.safe_load(raw[3:].split("\n---", 1)[0]) or {}
        review = _review_finding(f"article:{article}", meta.get("reviewed"), settings)
        if review:
            findings.append(review)
        findings.extend(_placeholder_findings(f"article:{article}", raw, placeholders))
    return articles, passages, findings


# --- checks with the real model and the real retrieval decision ---------------------------------


def _normalised(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def check_collisions(knowledge, encoder, threshold: float) -> list[Finding]:
    """Pairs of FAQ entries with a question/paraphrase each that the model cannot tell apart.

    One finding per pair of entries (its most similar pair of wordings).
    """
    import numpy as np

    faq = [e for e in knowledge.entries if e.kind == "faq"]
    texts = [q for e in faq for q in e.questions]
    owner = np.asarray([i for i, e in enumerate(faq) for _ in e.questions])
    if len(texts) < 2:
        return []
    vectors = encoder.encode(texts)
    similarity = vectors @ vectors.T  # unit vectors: inner product = cosine
    norms = [_normalised(t) for t in texts]
    worst: dict[tuple[int, int], tuple[float, int, int]] = {}
    rows, cols = np.nonzero(np.triu(similarity >= threshold, k=1))
    candidates = list(zip(rows.tolist(), cols.tolist(), strict=True))
    by_words: dict[str, int] = {}
    for i, words in enumerate(norms):
        if words in by_words:
            candidates.append((by_words[words], i))
        by_words.setdefault(words, i)
    for a, b in candidates:
        ea, eb = int(owner[a]), int(owner[b])
        if ea == eb:
            continue
        score = 1.0 if norms[a] == norms[b] else float(similarity[a, b])
        key = (min(ea, eb), max(ea, eb))
        if key not in worst or score > worst[key][0]:
            worst[key] = (score, a, b) if ea < eb else (score, b, a)
    findings = []
    for (ea, eb), (score, a, b) in sorted(worst.items()):
        findings.append(Finding(
            "collision", ERROR, f"{faq[ea].id} ~ {faq[eb].id}",
            f"{texts[a]!r} and {texts[b]!r} are too alike to tell apart (similarity "
            f"{score:.3f}, limit {threshold}); reword one, or merge the entries",
        ))
    return findings


def check_paraphrases(knowledge, retriever) -> list[Finding]:
    """Ask each FAQ entry's question and paraphrases through the real decision; report those
    not answered with the entry itself."""
    findings = []
    for entry in knowledge.entries:
        if entry.kind != "faq":
            continue
        for wording in entry.questions:
            decision = retriever.decide(wording)
            if decision.kind == "answer" and decision.best and decision.best.id == entry.id:
                continue
            if decision.kind == "answer":
                what = f"answered with {decision.best.id} ({decision.best.score:.3f})"
            elif decision.kind == "clarify":
                options = ", ".join(f"{o.id} {o.score:.3f}" for o in decision.options)
                what = f"clarify between {options}"
            else:
                top = decision.candidates[0] if decision.candidates else None
                what = "I don't know" + (f" (best {top.id} {top.score:.3f})" if top else "")
            findings.append(Finding("paraphrase-miss", WARNING, entry.id, f"{wording!r} -> {what}"))
    return findings


def _retriever_for(knowledge, knowledge_dir: Path | None, encoder, scratch: Path):
    """A retriever over exactly ``knowledge``: the clinic's index when it is current, otherwise
    a temporary index built in ``scratch`` (so the check runs before ``index`` too)."""
    from bot.retrieval.index import build_index, is_up_to_date
    from bot.retrieval.retriever import Retriever

    if (
        knowledge_dir is not None
        and Path(knowledge_dir).resolve() == served_knowledge_dir().resolve()
        and is_up_to_date(served_index_dir(), knowledge, encoder.name)
    ):
        return Retriever.load(encoder=encoder), "the clinic's index"
    build_index(knowledge, scratch / "index", encoder, progress=False)
    return Retriever.load(scratch / "index", encoder=encoder), "a temporary index"


def _usable_knowledge(knowledge_dir: Path):
    """The entries and passages that load despite errors elsewhere (invalid FAQ records and
    unreadable articles left out, a missing source stood in for), so one run reports the
    model's findings too. None when nothing loads."""
    from bot.retrieval.knowledge import Knowledge, faq_entries, hash_files, knowledge_files

    records = []
    try:
        loaded = yaml.safe_load((knowledge_dir / FAQ_FILE).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        loaded = None
    seen: set[str] = set()
    for record in loaded if isinstance(loaded, list) else []:
        if not isinstance(record, dict) or not all(
            str(record.get(name) or "").strip() for name in ("id", "question", "answer")
        ) or str(record["id"]) in seen:
            continue
        seen.add(str(record["id"]))
        paraphrases = record.get("paraphrases")
        records.append({
            **record,
            "source": str(record.get("source") or "").strip() or "(missing source)",
            "paraphrases": [p for p in paraphrases if isinstance(p, str) and p.strip()]
            if isinstance(paraphrases, list) else [],
        })
    try:
        entries = faq_entries(records, str(knowledge_dir / FAQ_FILE))
    except KnowledgeError:
        entries = []
    for path in sorted((knowledge_dir / ARTICLES_DIR).glob("*.md")):
        try:
            parts = split_article(path.read_text(encoding="utf-8"), path)
        except (OSError, UnicodeDecodeError, KnowledgeError):
            continue
        if parts[0].group not in seen:
            seen.add(parts[0].group)
            entries.extend(parts)
    if not entries:
        return None
    files = knowledge_files(knowledge_dir)
    return Knowledge(entries, hash_files(files, knowledge_dir), files,
                     origin=f"knowledge:{knowledge_dir.resolve()}")


# domain.yml responses the Rasa server sends itself, and the numbers each must name.
CRISIS_RESPONSES = {"utter_crisis": ("crisis_line", "emergency_number"),
                    "utter_crisis_followup": ("crisis_line",),
                    "utter_crisis_followup_reworded": ("crisis_line",),
                    "utter_crisis_booking": ("crisis_line", "emergency_number"),
                    "utter_distress_check_in": ("crisis_line",),
                    "utter_safety_resources": ("crisis_line",),
                    "utter_urgent_medical": ("emergency_number",),
                    "utter_medication_mistake": ("emergency_number",),
                    "utter_crisis_line_reached": ("crisis_line", "emergency_number"),
                    "utter_crisis_text_options": ("crisis_line", "emergency_number"),
                    "utter_what_to_tell_911": ("crisis_line", "emergency_number"),
                    "utter_while_help_comes": ("crisis_line", "emergency_number"),
                    "utter_emergency_no_vomiting": ("crisis_line", "emergency_number"),
                    "utter_emergency_driving": ("crisis_line", "emergency_number"),
                    "utter_emergency_no_home_remedies": ("crisis_line", "emergency_number"),
                    "utter_emergency_naloxone": ("crisis_line", "emergency_number"),
                    "utter_emergency_position": ("crisis_line", "emergency_number"),
                    "utter_clinic_cannot_reach_out": ("crisis_line", "emergency_number"),
                    "utter_emergency_dont_wait": ("crisis_line", "emergency_number"),
                    "utter_emergency_seizure": ("crisis_line", "emergency_number"),
                    "utter_emergency_epipen": ("crisis_line", "emergency_number"),
                    "utter_cannot_pass_messages": ("crisis_line", "emergency_number"),
                    "utter_fear_of_help": ("crisis_line", "emergency_number"),
                    "utter_helper_going_there": ("crisis_line", "emergency_number"),
                    "utter_helper_police": ("crisis_line", "emergency_number"),
                    "utter_helper_blocked": ("crisis_line", "emergency_number"),
                    "utter_how_much_is_too_much": ("crisis_line", "emergency_number"),
                    "utter_emoji_safety_check": ("crisis_line", "emergency_number"),
                    "utter_emergency_what_to_tell": ("crisis_line",
                                                     "emergency_number")}  # fmt: skip


def check_crisis_numbers(domain_path: Path, profile) -> list[Finding]:
    """Each crisis / emergency response variant names the configured numbers (the clinic file
    is where a clinic outside the US changes them; the reviewed texts must follow)."""
    try:
        responses = (yaml.safe_load(domain_path.read_text(encoding="utf-8")) or {}).get(
            "responses") or {}  # fmt: skip
    except (OSError, yaml.YAMLError) as error:
        return [Finding("crisis-numbers", ERROR, domain_path.name, f"not readable: {error}")]
    findings = []
    for name, numbers in CRISIS_RESPONSES.items():
        variants = responses.get(name) or []
        if not variants:
            findings.append(Finding("crisis-numbers", ERROR, name, "missing from domain.yml"))
        for number, variant in enumerate(variants, 1):
            text = variant.get("text") or ""
            for field_name in numbers:
                value = getattr(profile, field_name)
                if not re.search(rf"(?<!\d){re.escape(value)}(?!\d)", text):
                    findings.append(Finding(
                        "crisis-numbers", ERROR, f"{name} (variant {number})",
                        f"does not name the {field_name.replace('_', ' ')} {value} of the "
                        "clinic file"))  # fmt: skip
    return findings


def run_check(
    knowledge_dir: Path = KNOWLEDGE_DIR, settings: CheckSettings | None = None
) -> CheckReport:
    """Run every check on ``knowledge_dir`` and return the report."""
    settings = settings or CheckSettings()
    knowledge_dir = Path(knowledge_dir)
    report = CheckReport(str(knowledge_dir), strict=settings.strict)
    profile = load_clinic()
    placeholders = profile.placeholders()
    report.findings.extend(check_crisis_numbers(DOMAIN_FILE, profile))
    faq_path = knowledge_dir / FAQ_FILE
    if faq_path.exists():
        report.faq_entries, found = check_faq_file(faq_path, settings, placeholders)
        report.findings.extend(found)
    report.articles, report.passages, found = check_articles(
        knowledge_dir / ARTICLES_DIR, settings, placeholders
    )
    report.findings.extend(found)
    if not settings.use_model:
        report.notes.append("collisions and paraphrases not checked (--no-model)")
        return report
    lenient = False
    try:
        knowledge = load_knowledge(knowledge_dir)
    except KnowledgeError as error:
        if not any(f.severity == ERROR for f in report.findings):
            report.findings.append(Finding("invalid", ERROR, knowledge_dir.name, str(error)))
        knowledge, lenient = _usable_knowledge(knowledge_dir), True
        if knowledge is None:
            report.notes.append("collisions and paraphrases not checked: fix the errors first")
            return report
        report.notes.append(
            f"collisions and paraphrases checked on the {len(knowledge.entries)} entries and "
            "passages that load despite the errors"
        )
    from bot.retrieval.embedding import get_encoder

    encoder = get_encoder()
    report.findings.extend(check_collisions(knowledge, encoder, settings.collision_similarity))
    with tempfile.TemporaryDirectory(prefix="knowledge-check-") as scratch:
        retriever, which = _retriever_for(
            knowledge, None if lenient else knowledge_dir, encoder, Path(scratch)
        )
        report.findings.extend(check_paraphrases(knowledge, retriever))
    s = retriever.settings
    report.notes.append(
        f"paraphrases asked through {which} (answer threshold {s.answer_threshold}, "
        f"clarify margin {s.clarify_margin})"
    )
    return report


# --- command line -------------------------------------------------------------------------------


def add_parser(subparsers) -> None:
    """Register ``check``."""
    p = subparsers.add_parser(
        "check", help="check the knowledge: collisions, paraphrase misses, long answers, "
        "missing sources, old reviews (exit 1 on errors)",
    )
    p.add_argument("--knowledge-dir", type=Path, default=KNOWLEDGE_DIR,
                   help=f"knowledge to check (default {KNOWLEDGE_DIR})")
    p.add_argument("--max-answer-chars", type=int,
                   help=f"longest answer without a warning (default {DEFAULT_MAX_ANSWER_CHARS})")
    p.add_argument("--max-review-age-days", type=int,
                   help=f"oldest review without a warning (default {DEFAULT_MAX_REVIEW_AGE_DAYS})")
    p.add_argument("--collision-similarity", type=float,
                   help="similarity counted as a collision "
                   f"(default {DEFAULT_COLLISION_SIMILARITY})")
    p.add_argument("--strict", action="store_true", help="warnings fail the check too")
    p.add_argument("--no-model", action="store_true",
                   help="file checks only (no collisions or paraphrase checks; fast)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(handler=cmd_check)


def cmd_check(args) -> int:
    """Run the check; exit status 1 when it fails, 0 when it passes."""
    settings = configured_check_settings(
        max_answer_chars=args.max_answer_chars,
        max_review_age_days=args.max_review_age_days,
        collision_similarity=args.collision_similarity,
        strict=args.strict,
        use_model=not args.no_model,
    )
    if not args.knowledge_dir.is_dir():
        print(f"error: {args.knowledge_dir} is not a directory", file=sys.stderr)
        return 2
    report = run_check(args.knowledge_dir, settings)
    print(json.dumps(report.to_dict(), indent=2) if args.json else report.text())
    return 0 if report.passed else 1
