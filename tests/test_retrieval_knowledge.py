"""Knowledge loading: FAQ validation, article chunking, hashing, placeholders, FAQ files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.config import KNOWLEDGE_DIR, load_clinic
from bot.retrieval.knowledge import (
    MAX_PASSAGE_WORDS,
    KnowledgeError,
    fill_placeholders,
    load_faq_file,
    load_faq_yaml,
    load_knowledge,
    split_article,
)

ARTICLE = """---
id: treatment-journey
title: Your treatment, step by step
reviewed: 2026-11-20
---
An introduction paragraph.

## The consultation

A clinician talks with you first.

### What to bring

A list of your medicines.

## A long section

{long}
"""


def _long_section(paragraphs: int, words: int) -> str:
    return "\n\n".join(
        " ".join(f"p{n}word{i}" for i in range(words)) for n in range(paragraphs)
    )


def test_article_is_split_by_heading_with_ids_and_sources():
    passages = split_article(ARTICLE.format(long="Short."), Path("a.md"))
    assert [p.id for p in passages] == [
        "treatment-journey#introduction",
        "treatment-journey#the-consultation",
        "treatment-journey#what-to-bring",
        "treatment-journey#a-long-section",
    ]
    assert passages[1].source == "Your treatment, step by step - The consultation"
    assert passages[2].text == "A list of your medicines."
    assert {p.group for p in passages} == {"treatment-journey"}
    assert all(p.kind == "article" for p in passages)


def test_long_section_is_split_at_paragraphs_never_mid_paragraph():
    long = _long_section(paragraphs=5, words=70)  # 350 words > MAX_PASSAGE_WORDS
    passages = [p for p in split_article(ARTICLE.format(long=long), Path("a.md"))
                if p.id.startswith("treatment-journey#a-long-section")]
    assert [p.id for p in passages] == [
        "treatment-journey#a-long-section",
        "treatment-journey#a-long-section-2",
        "treatment-journey#a-long-section-3",
    ]
    assert all(len(p.text.split()) <= MAX_PASSAGE_WORDS for p in passages)
    joined = "\n\n".join(p.text for p in passages)
    assert joined == long  # every paragraph kept, in order, whole


def test_article_without_front_matter_is_refused(tmp_path):
    with pytest.raises(KnowledgeError, match="front matter"):
        split_article("## Heading\n\nText", tmp_path / "x.md")


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        (
            "- id: a\n  question: Q?\n  source: S\n",
            r"entry 1 \(id 'a'\): missing field\(s\): answer",
        ),
        ("- id: a\n  question: Q?\n  answer: ''\n  source: S\n", "field 'answer' is empty"),
        (
            "- {id: a, question: Q, answer: A, source: S}\n"
            "- {id: a, question: Q2, answer: A2, source: S}\n",
            "duplicate id 'a' \\(first used by entry 1\\)",
        ),
        ("- {id: a, question: Q, answer: A, source: S, paraphrases: oops}\n", "must be a list"),
        ("id: a\n", "expected a list"),
    ],
)
def test_invalid_faq_is_refused_with_a_clear_error(tmp_path, yaml_text, message):
    path = tmp_path / "faq.yml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(KnowledgeError, match=message):
        load_faq_yaml(path)


def test_the_clinic_knowledge_loads_and_is_complete():
    knowledge = load_knowledge()
    faq = [e for e in knowledge.entries if e.kind == "faq"]
    articles = {e.group for e in knowledge.entries if e.kind == "article"}
    assert len(faq) >= 40
    assert len(articles) >= 5
    assert all(len(e.questions) >= 2 for e in faq), "every FAQ entry has paraphrases"
    assert len(knowledge.hash) == 64


def test_knowledge_hash_changes_when_a_file_changes(tmp_path, retrieval_small_kb):
    copy = tmp_path / "kb"
    shutil.copytree(retrieval_small_kb, copy)
    before = load_knowledge(copy).hash
    assert load_knowledge(copy).hash == before  # stable
    article = copy / "articles" / "side-effects.md"
    article.write_text(article.read_text() + "\nOne more sentence.\n", encoding="utf-8")
    assert load_knowledge(copy).hash != before


def test_placeholders_are_filled_from_the_clinic_profile():
    values = load_clinic().placeholders()
    text = "Call {clinic_name} on {phone}. {unknown} stays; so do stray { braces } and {0}."
    filled = fill_placeholders(text, values)
    assert values["clinic_name"] in filled and values["phone"] in filled
    assert "{unknown} stays; so do stray { braces } and {0}." in filled


def test_every_clinic_answer_fills_without_leftover_placeholders():
    values = load_clinic().placeholders()
    for entry in load_knowledge(KNOWLEDGE_DIR).entries:
        filled = fill_placeholders(entry.text, values)
        for name in values:
            assert "{" + name + "}" not in filled, entry.id


def test_jsonl_and_csv_faq_files_load(tmp_path):
    jsonl = tmp_path / "faq.jsonl"
    jsonl.write_text(
        "\n".join(json.dumps({"id": str(i), "question": f"Q{i}?", "answer": f"A{i}."})
                  for i in range(3)),
        encoding="utf-8",
    )
    csv_file = tmp_path / "bench.csv"
    csv_file.write_text('id,question,answer\n1,"Is it safe?","Yes, with supervision."\n',
                        encoding="utf-8")
    from_jsonl, from_csv = load_faq_file(jsonl), load_faq_file(csv_file)
    assert [e.id for e in from_jsonl.entries] == ["0", "1", "2"]
    assert from_csv.entries[0].text == "Yes, with supervision."
    assert from_jsonl.origin.startswith("faq:")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "question": "Q?"}\n', encoding="utf-8")
    with pytest.raises(KnowledgeError, match="missing field"):
        load_faq_file(bad)
