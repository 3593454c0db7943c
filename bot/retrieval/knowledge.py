"""The clinic's knowledge as retrievable entries: FAQ entries and article passages.

Sources: ``knowledge/faq.yml`` (reviewed question/answer pairs with paraphrases) and
``knowledge/articles/*.md`` (front matter + Markdown, split into passages by ``##``/``###``
heading and, for long sections, by paragraph). Any FAQ in JSONL or CSV (``id``, ``question``,
``answer``) loads the same way, for benchmarks and imports.

Answers are stored as written, placeholders included (``{phone}``); :func:`fill_placeholders`
fills them from the clinic profile when an answer is shown, so a changed phone number needs no
re-index.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.config import KNOWLEDGE_DIR

FAQ_FILE = "faq.yml"
ARTICLES_DIR = "articles"
# A section longer than this (in words) is split further at paragraph boundaries.
MAX_PASSAGE_WORDS = 180
_REQUIRED_FAQ_FIELDS = ("id", "question", "answer", "source")
_REQUIRED_ARTICLE_FIELDS = ("id", "title")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_HEADING = re.compile(r"^(#{2,3})\s+(.+?)\s*#*\s*$")


class KnowledgeError(ValueError):
    """The knowledge files are invalid (missing field, duplicate id, unreadable file)."""


@dataclass(frozen=True)
class Entry:
    """One retrievable unit: an FAQ entry or one passage of an article.

    ``questions`` holds the FAQ question and its paraphrases (empty for passages); ``text`` is
    the answer (FAQ) or the passage body, verbatim, placeholders unfilled.
    """

    id: str
    kind: str  # "faq" | "article"
    title: str
    text: str
    source: str
    questions: tuple[str, ...] = ()
    group: str = ""  # the article id for passages, the entry id for FAQ entries
    reviewed: str = ""
    # what "that" / "it" in a follow-up points at after this answer ("the improvement" after
    # how quickly it works); empty: the entry's id names it (bot.retrieval.followup)
    refers_to: str = ""

    def as_dict(self) -> dict:
        """A JSON-serialisable copy (the index stores entries this way, never pickled)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "text": self.text,
            "source": self.source,
            "questions": list(self.questions),
            "group": self.group,
            "reviewed": self.reviewed,
            "refers_to": self.refers_to,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> Entry:
        """Rebuild an entry from :meth:`as_dict` output."""
        return cls(
            id=data["id"],
            kind=data["kind"],
            title=data["title"],
            text=data["text"],
            source=data["source"],
            questions=tuple(data.get("questions", ())),
            group=data.get("group", "") or data["id"],
            reviewed=data.get("reviewed", ""),
            refers_to=data.get("refers_to", ""),
        )


@dataclass
class Knowledge:
    """Everything the index is built from, with a hash that identifies this exact content."""

    entries: list[Entry]
    hash: str
    files: list[Path] = field(default_factory=list)
    origin: str = ""


# --- hashing ----------------------------------------------------------------------------------


def hash_files(files: Iterable[Path], root: Path | None = None) -> str:
    """SHA-256 over the names (relative to ``root``) and bytes of ``files``, in sorted order."""
    digest = hashlib.sha256()
    for path in sorted(Path(p) for p in files):
        name = path.relative_to(root).as_posix() if root else path.name
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def knowledge_files(knowledge_dir: Path = KNOWLEDGE_DIR) -> list[Path]:
    """The files whose content defines the clinic's index (FAQ + articles, not clinic.yml)."""
    knowledge_dir = Path(knowledge_dir)
    files = []
    if (knowledge_dir / FAQ_FILE).exists():
        files.append(knowledge_dir / FAQ_FILE)
    files.extend(sorted((knowledge_dir / ARTICLES_DIR).glob("*.md")))
    return files


# --- FAQ --------------------------------------------------------------------------------------


def _text(value, where: str, name: str) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise KnowledgeError(f"{where}: field '{name}' is empty")
    if not isinstance(value, str | int | float):
        raise KnowledgeError(f"{where}: field '{name}' must be text, got {type(value).__name__}")
    return " ".join(str(value).split())


def faq_entries(records: Iterable[Mapping], origin: str) -> list[Entry]:
    """Validate FAQ records (dicts) and turn them into entries.

    Raises :class:`KnowledgeError` naming the file, the entry and the problem: a missing or
    empty field, paraphrases that are not a list, or an id used twice.
    """
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for number, record in enumerate(records, start=1):
        where = f"{origin}: entry {number}"
        if not isinstance(record, Mapping):
            raise KnowledgeError(f"{where}: expected a mapping, got {type(record).__name__}")
        if "id" in record and record["id"] is not None:
            where = f"{origin}: entry {number} (id {record['id']!r})"
        missing = [name for name in _REQUIRED_FAQ_FIELDS if name not in record]
        if missing:
            raise KnowledgeError(f"{where}: missing field(s): {', '.join(missing)}")
        entry_id = _text(record["id"], where, "id")
        if entry_id in seen:
            raise KnowledgeError(
                f"{where}: duplicate id {entry_id!r} (first used by entry {seen[entry_id]})"
            )
        seen[entry_id] = number
        paraphrases = record.get("paraphrases") or []
        if not isinstance(paraphrases, list):
            raise KnowledgeError(f"{where}: 'paraphrases' must be a list")
        question = _text(record["question"], where, "question")
        variants = [question] + [_text(p, where, "paraphrases") for p in paraphrases]
        entries.append(
            Entry(
                id=entry_id,
                kind="faq",
                title=question,
                text=_text(record["answer"], where, "answer"),
                source=_text(record["source"], where, "source"),
                questions=tuple(dict.fromkeys(variants)),
                group=entry_id,
                reviewed=str(record.get("reviewed", "")),
                refers_to=" ".join(str(record.get("refers_to") or "").split()),
            )
        )
    return entries


def load_faq_yaml(path: Path) -> list[Entry]:
    """Entries of a ``faq.yml`` (a YAML list of entries, see CONTEXT.md for the format)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise KnowledgeError(f"{path}: not valid YAML: {error}") from error
    if data is None:
        return []
    if not isinstance(data, list):
        raise KnowledgeError(f"{path}: expected a list of FAQ entries")
    return faq_entries(data, str(path))


def load_faq_file(path: Path) -> Knowledge:
    """An FAQ in JSONL (one ``{"id","question","answer"}`` per line), CSV or YAML.

    ``source`` is optional here: a benchmark FAQ has none, so the file name stands in.
    """
    path = Path(path)
    default_source = path.stem if path.stem != "faq" else path.parent.name or path.stem
    suffix = path.suffix.lower()
    if suffix in (".yml", ".yaml"):
        entries = load_faq_yaml(path)
    else:
        if suffix == ".jsonl":
            records = []
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as error:
                    raise KnowledgeError(f"{path}:{number}: not valid JSON: {error}") from error
        elif suffix == ".csv":
            with open(path, encoding="utf-8", newline="") as handle:
                records = list(csv.DictReader(handle))
        else:
            raise KnowledgeError(f"{path}: unsupported FAQ format (use .jsonl, .csv or .yml)")
        for record in records:
            if isinstance(record, dict):
                record.setdefault("source", default_source)
                if isinstance(record.get("paraphrases"), str):
                    record["paraphrases"] = [
                        p for p in record["paraphrases"].split("|") if p.strip()
                    ]
        entries = faq_entries(records, str(path))
    if not entries:
        raise KnowledgeError(f"{path}: no FAQ entries")
    return Knowledge(entries, hash_files([path]), [path], origin=f"faq:{path.resolve()}")


# --- articles ---------------------------------------------------------------------------------


def slugify(text: str) -> str:
    """URL-style slug: lower case, words joined by hyphens ("How it works?" -> "how-it-works")."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def _front_matter(raw: str, path: Path) -> tuple[dict, str]:
    if not raw.startswith("---"):
        raise KnowledgeError(f"{path}: missing front matter (a '---' block with id and title)")
    parts = raw.split("\n---", 1)
    if len(parts) != 2:
        raise KnowledgeError(f"{path}: front matter is not closed with '---'")
    try:
        meta = yaml.safe_load(parts[0][3:]) or {}
    except yaml.YAMLError as error:
        raise KnowledgeError(f"{path}: front matter is not valid YAML: {error}") from error
    if not isinstance(meta, dict):
        raise KnowledgeError(f"{path}: front matter must be a mapping")
    missing = [name for name in _REQUIRED_ARTICLE_FIELDS if not meta.get(name)]
    if missing:
        raise KnowledgeError(f"{path}: front matter missing field(s): {', '.join(missing)}")
    body = parts[1].split("\n", 1)[1] if "\n" in parts[1] else ""
    return meta, body


def _paragraphs(lines: list[str]) -> list[str]:
    text = "\n".join(lines)
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def _chunks(paragraphs: list[str], max_words: int) -> list[str]:
    """Group consecutive paragraphs into chunks of at most ``max_words`` (a longer paragraph
    stays whole: it is never cut mid-sentence)."""
    chunks: list[list[str]] = []
    words = 0
    for paragraph in paragraphs:
        size = len(paragraph.split())
        if chunks and words + size <= max_words:
            chunks[-1].append(paragraph)
            words += size
        else:
            chunks.append([paragraph])
            words = size
    return ["\n\n".join(chunk) for chunk in chunks]


def split_article(raw: str, path: Path, max_words: int = MAX_PASSAGE_WORDS) -> list[Entry]:
    """Split one Markdown article into passages.

    Each ``##``/``###`` heading starts a section (text before the first heading is the
    "Introduction"); a section longer than ``max_words`` is split at paragraph boundaries into
    parts ``<slug>``, ``<slug>-2``, ... Passage id: ``<article id>#<section slug>``; source:
    ``<article title> - <section heading>``.
    """
    meta, body = _front_matter(raw, path)
    article_id, title = str(meta["id"]).strip(), " ".join(str(meta["title"]).split())
    sections: list[tuple[str, list[str]]] = [("Introduction", [])]
    for line in body.splitlines():
        match = _HEADING.match(line)
        if match:
            sections.append((match.group(2).strip(), []))
        elif line.startswith("# "):
            continue  # a stray top-level title duplicates the front matter's
        else:
            sections[-1][1].append(line)
    passages: list[Entry] = []
    used: set[str] = set()
    for heading, lines in sections:
        paragraphs = _paragraphs(lines)
        if not paragraphs:
            continue
        slug = slugify(heading)
        base, n = slug, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        for part, chunk in enumerate(_chunks(paragraphs, max_words), start=1):
            passage_slug = slug if part == 1 else f"{slug}-{part}"
            passages.append(
                Entry(
                    id=f"{article_id}#{passage_slug}",
                    kind="article",
                    title=f"{title} - {heading}",
                    text=chunk,
                    source=f"{title} - {heading}",
                    group=article_id,
                    reviewed=str(meta.get("reviewed", "")),
                )
            )
    if not passages:
        raise KnowledgeError(f"{path}: article has no text")
    return passages


def load_articles(articles_dir: Path) -> list[Entry]:
    """Passages of every ``*.md`` article in ``articles_dir``; article ids must be unique."""
    passages: list[Entry] = []
    seen: dict[str, Path] = {}
    for path in sorted(Path(articles_dir).glob("*.md")):
        article = split_article(path.read_text(encoding="utf-8"), path)
        article_id = article[0].group
        if article_id in seen:
            raise KnowledgeError(
                f"{path}: duplicate article id {article_id!r} (also {seen[article_id]})"
            )
        seen[article_id] = path
        passages.extend(article)
    return passages


def load_knowledge(knowledge_dir: Path = KNOWLEDGE_DIR) -> Knowledge:
    """The clinic's FAQ entries and article passages, validated, with the knowledge hash."""
    knowledge_dir = Path(knowledge_dir)
    files = knowledge_files(knowledge_dir)
    if not files:
        raise KnowledgeError(f"{knowledge_dir}: no {FAQ_FILE} and no articles/*.md")
    entries: list[Entry] = []
    if (knowledge_dir / FAQ_FILE).exists():
        entries.extend(load_faq_yaml(knowledge_dir / FAQ_FILE))
    entries.extend(load_articles(knowledge_dir / ARTICLES_DIR))
    ids: set[str] = set()
    for entry in entries:
        if entry.id in ids:
            raise KnowledgeError(f"{knowledge_dir}: id {entry.id!r} is used twice")
        ids.add(entry.id)
    origin = f"knowledge:{knowledge_dir.resolve()}"
    return Knowledge(entries, hash_files(files, knowledge_dir), files, origin=origin)


# --- answer-time text -------------------------------------------------------------------------


class _KeepUnknown(dict):
    """format_map mapping that leaves unknown ``{names}`` as they are instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill_placeholders(text: str, values: Mapping[str, str]) -> str:
    """Fill ``{clinic_name}``-style placeholders; unknown names and stray braces stay verbatim."""
    try:
        return text.format_map(_KeepUnknown(values))
    except (ValueError, IndexError, AttributeError, KeyError):
        # Stray or unbalanced braces ("{", "{0}", "{a.b}"): fill only the well-formed names.
        return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


def strip_placeholders(text: str) -> str:
    """Text for embedding and lexical indexing: ``{phone}`` -> ``phone`` (the name, no braces)."""
    return _PLACEHOLDER.sub(lambda m: m.group(1).replace("_", " "), text)
