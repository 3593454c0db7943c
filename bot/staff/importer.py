"""Import knowledge written elsewhere into ``knowledge/`` in the project's own formats.

``python -m bot import FILE...``:

- FAQ entries from CSV (columns ``question``, ``answer``, optional ``id``, ``paraphrases``
  separated by ``|``, ``source``, ``reviewed``) or JSONL (one object per line, the same fields,
  ``paraphrases`` a list) are appended to ``faq.yml``;
- articles from Markdown, HTML or plain text become ``articles/<id>.md`` with front matter.

Nothing is written unless everything imports: the new files are checked with the same loader
the index uses (``bot.retrieval.knowledge.load_knowledge``) before they replace the old ones, so
a clinic
never ends up with a half-imported knowledge base. Re-index afterwards (``python -m bot index``).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import tempfile
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import yaml

from bot.config import KNOWLEDGE_DIR
from bot.retrieval.knowledge import (
    ARTICLES_DIR,
    FAQ_FILE,
    KnowledgeError,
    load_faq_yaml,
    load_knowledge,
    slugify,
    split_article,
)

FAQ_SUFFIXES = {".csv", ".jsonl"}
ARTICLE_SUFFIXES = {".md", ".markdown", ".html", ".htm", ".txt", ".text"}
MAX_ID_CHARS = 60
# Plain text: a heading is a short line, mostly Title Case, not ending like a sentence.
HEADING_MAX_WORDS = 12
HEADING_MAX_CHARS = 90
_SMALL_WORDS = frozenset(
    "a an and as at but by for from in into is it its of on or the to vs via with".split()
)


class ImportProblem(ValueError):
    """A file cannot be imported; the message names the file and what to fix."""


@dataclass
class ImportResult:
    """What an import added (ids) and where."""

    faq_ids: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


# --- FAQ --------------------------------------------------------------------------------------


def _faq_records(path: Path) -> list[dict]:
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        records = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ImportProblem(f"{path}:{number}: not valid JSON: {error}") from error
            if not isinstance(record, dict):
                raise ImportProblem(f"{path}:{number}: expected a JSON object")
            records.append(record)
        return records
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"question", "answer"} <= {
            (name or "").strip().lower() for name in reader.fieldnames
        }:
            raise ImportProblem(f"{path}: a CSV FAQ needs a header row with question and answer")
        return [
            {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            for row in reader
        ]


def faq_id(question: str) -> str:
    """A snake_case id from a question ("How long is a session?" -> how_long_is_a_session)."""
    words = slugify(question).split("-")
    out = ""
    for word in words:
        if out and len(out) + 1 + len(word) > MAX_ID_CHARS:
            break
        out = f"{out}_{word}" if out else word
    return out or "entry"


def faq_entries_from_file(
    path: Path, *, source: str | None = None, reviewed: str | None = None
) -> list[dict]:
    """FAQ records of a CSV/JSONL file in the faq.yml shape (id, question, paraphrases, answer,
    source, reviewed). ``source`` / ``reviewed`` fill entries that have none."""
    entries = []
    for number, record in enumerate(_faq_records(path), start=1):
        where = f"{path}: entry {number}"
        question = " ".join(str(record.get("question") or "").split())
        answer = " ".join(str(record.get("answer") or "").split())
        if not question or not answer:
            raise ImportProblem(f"{where}: question and answer must both be filled in")
        paraphrases = record.get("paraphrases") or []
        if isinstance(paraphrases, str):
            paraphrases = paraphrases.split("|")
        if not isinstance(paraphrases, list):
            raise ImportProblem(f"{where}: paraphrases must be a list (CSV: separated by |)")
        paraphrases = [" ".join(str(p).split()) for p in paraphrases if str(p).strip()]
        entry_source = " ".join(str(record.get("source") or source or "").split())
        if not entry_source:
            raise ImportProblem(
                f"{where}: no source; add a 'source' column/field or pass --source"
            )
        entries.append(
            {
                "id": str(record.get("id") or "").strip() or faq_id(question),
                "question": question,
                "paraphrases": paraphrases,
                "answer": answer,
                "source": entry_source,
                "reviewed": str(record.get("reviewed") or reviewed or date.today().isoformat()),
            }
        )
    if not entries:
        raise ImportProblem(f"{path}: no FAQ entries")
    return entries


def _quoted(text: str) -> str:
    # JSON strings are valid YAML double-quoted scalars: no escaping surprises.
    return json.dumps(text, ensure_ascii=False)


def faq_yaml(entry: dict) -> str:
    """One entry as faq.yml writes them (folded answer, quoted paraphrases)."""
    # An id YAML would read as something else ("yes", "2024", "a: b") is quoted.
    entry_id = entry["id"] if re.fullmatch(r"[A-Za-z_][\w-]*", entry["id"]) and yaml.safe_load(
        entry["id"]) == entry["id"] else _quoted(entry["id"])
    lines = [f"- id: {entry_id}", f"  question: {_quoted(entry['question'])}"]
    if entry["paraphrases"]:
        lines.append("  paraphrases:")
        lines.extend(f"    - {_quoted(p)}" for p in entry["paraphrases"])
    else:
        lines.append("  paraphrases: []")
    lines.append("  answer: >-")
    lines.extend(textwrap.wrap(entry["answer"], 84, initial_indent="    ",
                               subsequent_indent="    ", break_on_hyphens=False))
    lines.append(f"  source: {_quoted(entry['source'])}")
    lines.append(f"  reviewed: {entry['reviewed']}")
    text = "\n".join(lines) + "\n"
    parsed = yaml.safe_load(text)[0]
    if " ".join(str(parsed["answer"]).split()) != entry["answer"]:
        # Folding would change this answer (odd leading characters): quote it instead.
        start = text.index("  answer: >-")
        end = text.index("  source: ")
        text = text[:start] + f"  answer: {_quoted(entry['answer'])}\n" + text[end:]
    return text


# --- articles ---------------------------------------------------------------------------------


def _is_heading_line(line: str) -> bool:
    words = line.split()
    if not words or len(words) > HEADING_MAX_WORDS or len(line) > HEADING_MAX_CHARS:
        return False
    if not (line[0].isupper() or line[0].isdigit()) or line[-1] in ".,;:!)\"'”":
        return False
    significant = [w for w in words if w.lower() not in _SMALL_WORDS and w[0].isalpha()]
    capitalised = [w for w in significant if w[0].isupper()]
    return bool(significant) and len(capitalised) / len(significant) >= 0.6


def text_to_markdown(text: str) -> tuple[str | None, str]:
    """Plain text -> ``(title, markdown body)``.

    The first line is the title. Short Title-Case lines that do not end like a sentence become
    ``##`` headings; short lines after a line ending in ":" are list items; every other line is a
    paragraph. Lines without a letter or digit are dropped.
    """
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if any(ch.isalnum() for ch in line) or not line]
    title = next((line for line in lines if line), None)
    if title is None:
        return None, ""
    body: list[str] = []
    in_list = False
    for line in lines[lines.index(title) + 1:]:
        if not line:
            continue
        if in_list and len(line) <= HEADING_MAX_CHARS and not line.endswith(":"):
            body.append(f"- {line}")
            continue
        if in_list:
            body.append("")  # a list ends before the next paragraph or heading
        in_list = False
        if _is_heading_line(line):
            body.extend(["", f"## {line}", ""])
        else:
            body.extend([line, ""])
            in_list = line.endswith(":")
    return title, _tidy("\n".join(body))


def _tidy(markdown: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"


class _HTMLToMarkdown(HTMLParser):
    """Headings and text blocks of an HTML page; scripts, styles and navigation dropped."""

    SKIP = {"script", "style", "noscript", "template", "svg", "iframe", "nav", "footer", "head"}
    BLOCKS = {"p", "div", "li", "blockquote", "pre", "td", "th", "dd", "dt", "section",
              "article", "main", "figcaption", "br", "tr", "ul", "ol", "table", "header"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title: str | None = None
        self.blocks: list[tuple[str, str]] = []  # (kind, text): kind "h1".."h6", "p", "li"
        self._skip_depth = 0
        self._in_title = False
        self._heading: str | None = None
        self._kind = "p"
        self._buffer: list[str] = []

    def _flush(self) -> None:
        text = " ".join("".join(self._buffer).split())
        self._buffer = []
        if text:
            self.blocks.append((self._heading or self._kind, text))

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP and tag != "head":
            self._skip_depth += 1
            return
        if tag == "title":
            self._in_title = True
        elif re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self._heading = tag
        elif tag in self.BLOCKS:
            self._flush()
            self._kind = "li" if tag == "li" else "p"

    def handle_endtag(self, tag):
        if tag in self.SKIP and tag != "head":
            self._skip_depth = max(0, self._skip_depth - 1)
            return
        if tag == "title":
            self._in_title = False
        elif re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self._heading = None
        elif tag in self.BLOCKS:
            self._flush()
            self._kind = "p"

    def handle_data(self, data):
        if self._in_title:
            self.title = " ".join(((self.title or "") + " " + data).split())
        elif not self._skip_depth:
            self._buffer.append(data)

    def close(self):
        super().close()
        self._flush()


def html_to_markdown(html_text: str) -> tuple[str | None, str]:
    """HTML -> ``(title, markdown body)`` with the standard library's parser.

    Title: the first ``<h1>``, else ``<title>``. Later ``h1``/``h2`` become ``##``, ``h3``-``h6``
    ``###``; list items become ``- item``. Scripts, styles, navigation and footers are dropped.
    """
    parser = _HTMLToMarkdown()
    parser.feed(html_text)
    parser.close()
    title = None
    body: list[str] = []
    for kind, text in parser.blocks:
        if kind == "h1" and title is None:
            title = text
        elif kind in ("h1", "h2"):
            body.extend(["", f"## {text}", ""])
        elif kind.startswith("h"):
            body.extend(["", f"### {text}", ""])
        elif kind == "li":
            body.append(f"- {text}")
        else:
            body.extend(["", text, ""])
    return title or parser.title, _tidy("\n".join(body))


def markdown_article(raw: str) -> tuple[dict, str]:
    """Markdown -> ``(front matter, body)``; front matter may be absent (title from ``# ``)."""
    meta: dict = {}
    body = raw
    if raw.startswith("---"):
        head, sep, rest = raw[3:].partition("\n---")
        if sep:
            loaded = yaml.safe_load(head) or {}
            if not isinstance(loaded, dict):
                raise ImportProblem("front matter must be a mapping")
            meta, body = loaded, rest.split("\n", 1)[1] if "\n" in rest else ""
    lines = []
    for line in body.splitlines():
        match = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if match and len(match.group(1)) == 1:
            meta.setdefault("title", match.group(2))
            continue
        if match and len(match.group(1)) > 3:
            line = f"### {match.group(2)}"  # the splitter knows ## and ###
        lines.append(line)
    return meta, _tidy("\n".join(lines))


def _as_date(value):
    # A real date writes as 2026-11-20 (as in the project's files), not as a quoted string.
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return str(value)


def article_id(title: str) -> str:
    """A kebab-case article id from a title, at most ``MAX_ID_CHARS`` characters."""
    out = ""
    for word in slugify(title).split("-"):
        if out and len(out) + 1 + len(word) > MAX_ID_CHARS:
            break
        out = f"{out}-{word}" if out else word
    return out


def article_from_file(
    path: Path, *, article_id_: str | None = None, title: str | None = None,
    reviewed: str | None = None,
) -> tuple[str, str]:
    """One file -> ``(article id, the .md text to write)``."""
    raw = path.read_text(encoding="utf-8-sig")
    suffix = path.suffix.lower()
    meta: dict = {}
    if suffix in (".md", ".markdown"):
        try:
            meta, body = markdown_article(raw)
        except (ImportProblem, yaml.YAMLError) as error:
            raise ImportProblem(f"{path}: {error}") from error
        found_title = meta.get("title")
    elif suffix in (".html", ".htm"):
        found_title, body = html_to_markdown(raw)
    else:
        found_title, body = text_to_markdown(raw)
    title = " ".join(str(title or found_title or "").split())
    if not title:
        raise ImportProblem(f"{path}: no title found; pass --title")
    if not body.strip():
        raise ImportProblem(f"{path}: no text to import")
    new_id = article_id_ or str(meta.get("id") or "") or article_id(title)
    front = {
        **{k: v for k, v in meta.items() if k not in ("id", "title", "reviewed")},
        "id": new_id,
        "title": title,
        "reviewed": _as_date(reviewed or meta.get("reviewed") or date.today().isoformat()),
        "imported_from": path.name,
    }
    text = "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n" + body
    try:
        split_article(text, path)
    except KnowledgeError as error:
        raise ImportProblem(str(error)) from error
    return new_id, text


# --- the import as a whole ---------------------------------------------------------------------


def kind_of(path: Path) -> str:
    """"faq" or "article", from the file name."""
    suffix = path.suffix.lower()
    if suffix in FAQ_SUFFIXES:
        return "faq"
    if suffix in ARTICLE_SUFFIXES:
        return "article"
    raise ImportProblem(
        f"{path}: unknown file type {suffix!r} (FAQ: .csv, .jsonl; articles: .md, .html, .txt)"
    )


def import_files(
    paths: list[Path],
    knowledge_dir: Path = KNOWLEDGE_DIR,
    *,
    source: str | None = None,
    reviewed: str | None = None,
    article_id_: str | None = None,
    title: str | None = None,
    skip_existing: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Import ``paths`` into ``knowledge_dir``; all or nothing.

    An id that already exists is an error (``skip_existing``: leave the existing entry and skip
    the new one). The result is validated with :func:`bot.retrieval.knowledge.load_knowledge` in
    a copy
    before the real files are replaced.
    """
    knowledge_dir = Path(knowledge_dir)
    if (article_id_ or title) and len(paths) != 1:
        raise ImportProblem("--id and --title apply to a single file")
    faq_path = knowledge_dir / FAQ_FILE
    existing_faq = {e.id for e in load_faq_yaml(faq_path)} if faq_path.exists() else set()
    articles_dir = knowledge_dir / ARTICLES_DIR
    existing_articles = {p.stem for p in articles_dir.glob("*.md")}

    result = ImportResult()
    new_faq: list[str] = []
    new_articles: dict[str, str] = {}
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise ImportProblem(f"{path}: no such file")
        if kind_of(path) == "faq":
            for entry in faq_entries_from_file(path, source=source, reviewed=reviewed):
                if entry["id"] in existing_faq or entry["id"] in result.faq_ids:
                    if skip_existing:
                        result.skipped.append(entry["id"])
                        continue
                    raise ImportProblem(
                        f"{path}: FAQ id {entry['id']!r} already exists; give the entry its own "
                        "id or use --skip-existing"
                    )
                new_faq.append(faq_yaml(entry))
                result.faq_ids.append(entry["id"])
        else:
            new_id, text = article_from_file(
                path, article_id_=article_id_, title=title, reviewed=reviewed
            )
            if new_id in existing_articles or new_id in new_articles:
                if skip_existing:
                    result.skipped.append(new_id)
                    continue
                raise ImportProblem(
                    f"{path}: article id {new_id!r} already exists; pass --id or --skip-existing"
                )
            new_articles[new_id] = text
            result.article_ids.append(new_id)

    apply_change(knowledge_dir, lambda root: _plan_writes(root, new_faq, new_articles),
                 dry_run=dry_run, written=result.written)
    return result


def apply_change(
    knowledge_dir: Path,
    plan: Callable[[Path], dict[Path, str]],
    *,
    dry_run: bool = False,
    written: list[Path] | None = None,
    verify: Callable[[Path], None] | None = None,
) -> None:
    """Write what ``plan(root)`` returns ({file: new content}) into ``knowledge_dir``, all or
    nothing.

    The change is made first in a copy, which must load with the index's own loader and pass
    ``verify(copy)`` (raise :class:`ImportProblem` to refuse); only then are the real files
    replaced, each atomically. Every change to the clinic's knowledge (``bot import``, the
    staff console's accepted suggestions and edits) goes through here.
    """
    knowledge_dir = Path(knowledge_dir)
    with tempfile.TemporaryDirectory(prefix="knowledge-change-") as scratch:
        trial = Path(scratch) / "knowledge"
        if knowledge_dir.is_dir():
            shutil.copytree(knowledge_dir, trial)
        for target, content in plan(trial).items():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        try:
            load_knowledge(trial)
        except KnowledgeError as error:
            raise ImportProblem(f"the changed knowledge would not load: {error}") from error
        if verify is not None:
            verify(trial)
        if dry_run:
            return
        for target, content in plan(knowledge_dir).items():
            _write_atomically(target, content)
            if written is not None:
                written.append(target)


# --- changing one FAQ entry in place ------------------------------------------------------------

_ENTRY_START = re.compile(r"^- id:", re.MULTILINE)


def _entry_blocks(text: str) -> tuple[str, list[str]]:
    """``faq.yml`` as its header (comments) and one text block per entry, in file order."""
    starts = [m.start() for m in _ENTRY_START.finditer(text)]
    if not starts:
        return text, []
    ends = [*starts[1:], len(text)]
    return text[: starts[0]], [text[a:b] for a, b in zip(starts, ends, strict=True)]


def _replace_entry(faq_path: Path, entry_id: str, change: Callable[[dict], dict]) -> str:
    """The text of ``faq_path`` with entry ``entry_id`` rewritten as ``change(entry)`` returns
    it; every other entry keeps its text byte for byte."""
    header, blocks = _entry_blocks(faq_path.read_text(encoding="utf-8"))
    for number, block in enumerate(blocks):
        parsed = yaml.safe_load(block)
        entry = parsed[0] if isinstance(parsed, list) and parsed else None
        if not isinstance(entry, dict) or str(entry.get("id")) != entry_id:
            continue
        current = {
            "id": entry_id,
            "question": str(entry.get("question") or ""),
            "paraphrases": [str(p) for p in entry.get("paraphrases") or []],
            "answer": " ".join(str(entry.get("answer") or "").split()),
            "source": str(entry.get("source") or ""),
            "reviewed": str(entry.get("reviewed") or ""),
        }
        trailing = block[len(block.rstrip("\n")):] or "\n"
        blocks[number] = faq_yaml(change(current)).rstrip("\n") + trailing
        return header + "".join(blocks)
    raise ImportProblem(f"no FAQ entry with id {entry_id!r}")


def add_paraphrase(
    entry_id: str, paraphrase: str, knowledge_dir: Path = KNOWLEDGE_DIR, *,
    verify: Callable[[Path], None] | None = None,
) -> None:
    """Add ``paraphrase`` to FAQ entry ``entry_id`` (checked like an import, then written)."""
    text = " ".join(paraphrase.split())
    if not text:
        raise ImportProblem("the paraphrase is empty")

    def plan(root: Path) -> dict[Path, str]:
        def added(entry: dict) -> dict:
            known = {p.casefold() for p in [entry["question"], *entry["paraphrases"]]}
            if text.casefold() in known:
                raise ImportProblem(f"{entry_id!r} already has the paraphrase {text!r}")
            return {**entry, "paraphrases": [*entry["paraphrases"], text]}

        faq_path = root / FAQ_FILE
        current = faq_path.read_text(encoding="utf-8")
        # One added line when the entry has the usual layout; else the entry is rewritten.
        return {faq_path: _with_paraphrase_line(current, entry_id, text)
                or _replace_entry(faq_path, entry_id, added)}

    apply_change(knowledge_dir, plan, verify=verify)


def _with_paraphrase_line(text: str, entry_id: str, paraphrase: str) -> str | None:
    """``text`` with one line added under the entry's paraphrases, every other byte kept; None
    when the entry is not written in the usual layout (the caller then rewrites the entry)."""
    header, blocks = _entry_blocks(text)
    for number, block in enumerate(blocks):
        parsed = yaml.safe_load(block)
        entry = parsed[0] if isinstance(parsed, list) and parsed else None
        if not isinstance(entry, dict) or str(entry.get("id")) != entry_id:
            continue
        known = [str(entry.get("question") or ""), *map(str, entry.get("paraphrases") or [])]
        if paraphrase.casefold() in {k.casefold() for k in known}:
            raise ImportProblem(f"{entry_id!r} already has the paraphrase {paraphrase!r}")
        lines = block.split("\n")
        start = next((i for i, line in enumerate(lines) if line.startswith("  paraphrases:")),
                     None)
        if start is None or lines[start].strip() not in ("paraphrases:", "paraphrases: []"):
            return None
        end = start + 1
        while end < len(lines) and lines[end].startswith("    - "):
            end += 1
        lines[start] = "  paraphrases:"
        lines.insert(end, f"    - {_quoted(paraphrase)}")
        changed = "\n".join(lines)
        result = yaml.safe_load(changed)[0]
        if [str(p) for p in result.get("paraphrases") or []] != [
                *[str(p) for p in entry.get("paraphrases") or []], paraphrase]:
            return None
        blocks[number] = changed
        return header + "".join(blocks)
    return None


def revise_answer(
    entry_id: str, answer: str, reviewed: str, knowledge_dir: Path = KNOWLEDGE_DIR, *,
    verify: Callable[[Path], None] | None = None,
) -> dict:
    """Give FAQ entry ``entry_id`` a new answer text and review date; returns the entry as it
    was before (its ``answer`` and ``reviewed``), so the caller can keep the previous text."""
    text = " ".join(answer.split())
    if not text:
        raise ImportProblem("the answer is empty")
    try:
        date.fromisoformat(reviewed)
    except ValueError:
        raise ImportProblem(f"the review date {reviewed!r} is not a date (YYYY-MM-DD)") from None
    before: dict = {}

    def plan(root: Path) -> dict[Path, str]:
        def revised(entry: dict) -> dict:
            before.update(answer=entry["answer"], reviewed=entry["reviewed"])
            return {**entry, "answer": text, "reviewed": reviewed}

        return {root / FAQ_FILE: _replace_entry(root / FAQ_FILE, entry_id, revised)}

    apply_change(knowledge_dir, plan, verify=verify)
    return before


def _plan_writes(knowledge_dir: Path, new_faq: list[str], new_articles: dict[str, str]) -> dict:
    writes: dict[Path, str] = {}
    if new_faq:
        faq_path = knowledge_dir / FAQ_FILE
        current = faq_path.read_text(encoding="utf-8") if faq_path.exists() else ""
        if current.strip() and yaml.safe_load(current) is not None:
            current = current.rstrip("\n") + "\n\n"
        else:
            current = ""  # empty file or comments only: a list cannot follow "[]" or nothing
        writes[faq_path] = current + "\n".join(new_faq)
    for new_id, text in new_articles.items():
        writes[knowledge_dir / ARTICLES_DIR / f"{new_id}.md"] = text
    return writes


def _write_atomically(target: Path, content: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.importing")
    temp.write_text(content, encoding="utf-8")
    os.replace(temp, target)


# --- command line -------------------------------------------------------------------------------


def add_parser(subparsers) -> None:
    """Register ``import``."""
    p = subparsers.add_parser(
        "import", help="import FAQ entries (CSV, JSONL) or articles (Markdown, HTML, text)"
    )
    p.add_argument("files", nargs="+", type=Path, help="files to import")
    p.add_argument("--knowledge-dir", type=Path, default=KNOWLEDGE_DIR,
                   help=f"where to import (default {KNOWLEDGE_DIR})")
    p.add_argument("--source", help="source for FAQ entries that have none")
    p.add_argument("--reviewed", help="review date (YYYY-MM-DD) for items that have none "
                   "(default today)")
    p.add_argument("--id", dest="article_id", help="article id (one file only)")
    p.add_argument("--title", help="article title (one file only)")
    p.add_argument("--skip-existing", action="store_true",
                   help="skip items whose id already exists instead of stopping")
    p.add_argument("--dry-run", action="store_true", help="check only; write nothing")
    p.set_defaults(handler=cmd_import)


def cmd_import(args) -> int:
    """Import the files; print what was added."""
    import sys

    if args.reviewed:
        try:
            date.fromisoformat(args.reviewed)
        except ValueError:
            print(f"error: --reviewed {args.reviewed!r} is not a date (YYYY-MM-DD)",
                  file=sys.stderr)
            return 2
    try:
        result = import_files(
            args.files, args.knowledge_dir, source=args.source, reviewed=args.reviewed,
            article_id_=args.article_id, title=args.title, skip_existing=args.skip_existing,
            dry_run=args.dry_run,
        )
    except (ImportProblem, KnowledgeError, OSError, UnicodeDecodeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    verb = "Would import" if args.dry_run else "Imported"
    print(f"{verb} {len(result.faq_ids)} FAQ entries and {len(result.article_ids)} articles "
          f"into {args.knowledge_dir}.")
    for entry_id in result.faq_ids:
        print(f"  faq      {entry_id}")
    for new_id in result.article_ids:
        print(f"  article  {new_id}")
    for skipped in result.skipped:
        print(f"  skipped  {skipped} (id exists)")
    if not args.dry_run and (result.faq_ids or result.article_ids):
        print("Review the new text, then run `python -m bot check` and `python -m bot index`.")
    return 0
