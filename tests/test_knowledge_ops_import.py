"""Importing FAQ entries (CSV, JSONL) and articles (text, Markdown, HTML) into knowledge/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot.config import KNOWLEDGE_DIR
from bot.retrieval.embedding import get_encoder
from bot.retrieval.index import build_index
from bot.retrieval.knowledge import hash_files, knowledge_files, load_faq_yaml, load_knowledge
from bot.retrieval.retriever import Retriever
from bot.staff.cli import main
from bot.staff.importer import ImportProblem, import_files

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
if not SEEDS.is_dir():  # the checkout may live elsewhere; the team's shared folder does not
    SEEDS = Path("/work/shared/seeds")


def run_cli(*argv: str) -> int:
    """``python -m bot import ...`` through the staff command line's registry."""
    return main(["import", *argv])


def test_the_seed_articles_import_cleanly_and_build_an_index(tmp_path):
    seeds = sorted(SEEDS.glob("*.txt"))
    assert len(seeds) == 4
    project_before = hash_files(knowledge_files(KNOWLEDGE_DIR), KNOWLEDGE_DIR)
    knowledge_dir = tmp_path / "knowledge"

    assert run_cli(*map(str, seeds), "--knowledge-dir", str(knowledge_dir),
                   "--reviewed", "2026-11-20") == 0

    articles = sorted((knowledge_dir / "articles").glob("*.md"))
    assert len(articles) == 4
    knowledge = load_knowledge(knowledge_dir)
    titles = {e.group: e.source.split(" - ")[0] for e in knowledge.entries}
    first_lines = {seed.read_text(encoding="utf-8").splitlines()[0].strip() for seed in seeds}
    assert set(titles.values()) == first_lines
    sources = {e.source for e in knowledge.entries}
    # Headings of the plain text became sections, with the title in every passage's source.
    assert "Understanding Ketamine Therapy: How It Works and Its Benefits - How Ketamine " \
           "Therapy Works" in sources
    assert "The Science Behind Ketamine’s Effects - Safety and Considerations" in sources
    assert len(knowledge.entries) >= 25
    for path in articles:
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        assert str(front["reviewed"]) == "2026-11-20" and front["imported_from"].endswith(".txt")
    # The seeds stay out of the project's own knowledge.
    assert hash_files(knowledge_files(KNOWLEDGE_DIR), KNOWLEDGE_DIR) == project_before

    index_dir = tmp_path / "index"
    build_index(knowledge, index_dir, get_encoder(), progress=False)
    retriever = Retriever.load(index_dir)
    best = retriever.rank("what happens when ketamine blocks NMDA receptors", 1)[0]
    assert best.kind == "article" and "NMDA" in best.answer


def write_faq(path: Path) -> str:
    text = (
        "# Our clinic's FAQ (a comment staff wrote)\n\n"
        "- id: parking\n  question: Where can I park?\n  paraphrases: []\n"
        "  answer: Behind the building.\n  source: Front desk\n  reviewed: 2026-11-01\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text


def test_faq_entries_from_csv_and_jsonl_are_appended_with_ids(tmp_path):
    knowledge_dir = tmp_path / "knowledge"
    original = write_faq(knowledge_dir / "faq.yml")
    csv_file = tmp_path / "faq.csv"
    csv_file.write_text(
        "question,answer,paraphrases,source\n"
        '"Do you have evening appointments?","Yes, on Thursdays until 7 pm.",'
        '"open late|after work appointments","Front desk"\n',
        encoding="utf-8",
    )
    jsonl = tmp_path / "faq.jsonl"
    jsonl.write_text(json.dumps({
        "id": "wheelchair_access", "question": "Is the clinic wheelchair accessible?",
        "paraphrases": ["step free access"], "answer": "Yes: ramp: and a lift, \"level\" doors.",
    }) + "\n", encoding="utf-8")

    result = import_files([csv_file, jsonl], knowledge_dir, source="Access guide",
                          reviewed="2026-11-22")

    assert result.faq_ids == ["do_you_have_evening_appointments", "wheelchair_access"]
    text = (knowledge_dir / "faq.yml").read_text(encoding="utf-8")
    assert text.startswith(original)  # the staff's comment and entries are untouched
    entries = {e.id: e for e in load_faq_yaml(knowledge_dir / "faq.yml")}
    evening = entries["do_you_have_evening_appointments"]
    assert evening.questions == ("Do you have evening appointments?", "open late",
                                 "after work appointments")
    assert (evening.text, evening.source, evening.reviewed) == (
        "Yes, on Thursdays until 7 pm.", "Front desk", "2026-11-22")
    wheelchair = entries["wheelchair_access"]
    assert wheelchair.text == "Yes: ramp: and a lift, \"level\" doors."
    assert wheelchair.source == "Access guide"


def test_a_failing_import_writes_nothing(tmp_path):
    knowledge_dir = tmp_path / "knowledge"
    original = write_faq(knowledge_dir / "faq.yml")
    good = tmp_path / "good.md"
    good.write_text("# Travel\n\n## By bus\n\nLine 4 stops outside.\n", encoding="utf-8")
    clash = tmp_path / "clash.jsonl"
    clash.write_text(json.dumps({"id": "parking", "question": "Parking?", "answer": "Yes.",
                                 "source": "x"}) + "\n", encoding="utf-8")
    no_source = tmp_path / "nosource.csv"
    no_source.write_text("question,answer\nIs there wifi?,Yes.\n", encoding="utf-8")

    with pytest.raises(ImportProblem, match="'parking' already exists"):
        import_files([good, clash], knowledge_dir)
    with pytest.raises(ImportProblem, match="no source"):
        import_files([no_source], knowledge_dir)
    assert run_cli(str(no_source), "--knowledge-dir", str(knowledge_dir)) == 2

    assert (knowledge_dir / "faq.yml").read_text(encoding="utf-8") == original
    assert not (knowledge_dir / "articles").exists()
    skipped = import_files([good, clash], knowledge_dir, skip_existing=True)
    assert skipped.skipped == ["parking"] and skipped.article_ids == ["travel"]


def test_html_keeps_headings_and_drops_scripts_styles_and_navigation(tmp_path):
    page = tmp_path / "aftercare.html"
    page.write_text(
        "<html><head><title>Site title</title><style>p{color:red}</style>"
        "<script>var tracking = 'secret';</script></head><body>"
        "<nav><a href='/'>Home</a> <a href='/book'>Book now</a></nav>"
        "<h1>After your session</h1><p>Rest for the <b>remainder</b> of the day.</p>"
        "<h2>Getting home</h2><p>Arrange a ride &amp; bring a friend.</p>"
        "<ul><li>No driving</li><li>Drink water</li></ul>"
        "<h4>Questions</h4><p>Call us.</p><footer>© Clinic</footer></body></html>",
        encoding="utf-8",
    )
    knowledge_dir = tmp_path / "knowledge"
    result = import_files([page], knowledge_dir, reviewed="2026-11-20")

    assert result.article_ids == ["after-your-session"]
    text = (knowledge_dir / "articles" / "after-your-session.md").read_text(encoding="utf-8")
    for gone in ("tracking", "color:red", "Book now", "©", "Site title"):
        assert gone not in text
    passages = {e.source: e.text for e in load_knowledge(knowledge_dir).entries}
    assert passages["After your session - Introduction"] == "Rest for the remainder of the day."
    assert passages["After your session - Getting home"] == (
        "Arrange a ride & bring a friend.\n\n- No driving - Drink water")
    assert passages["After your session - Questions"] == "Call us."


def test_markdown_with_and_without_front_matter(tmp_path):
    plain = tmp_path / "visiting.md"
    plain.write_text("# Visiting us\n\nWe are on Main Street.\n\n#### Parking\n\nBehind.\n",
                     encoding="utf-8")
    fronted = tmp_path / "x.md"
    fronted.write_text("---\nid: costs-explained\ntitle: Costs explained\nreviewed: 2026-10-01\n"
                       "---\nAsk the clinic for prices.\n", encoding="utf-8")
    knowledge_dir = tmp_path / "knowledge"

    result = import_files([plain, fronted], knowledge_dir)

    assert result.article_ids == ["visiting-us", "costs-explained"]
    entries = {e.id: e for e in load_knowledge(knowledge_dir).entries}
    assert entries["visiting-us#parking"].source == "Visiting us - Parking"
    assert entries["costs-explained#introduction"].reviewed == "2026-10-01"
