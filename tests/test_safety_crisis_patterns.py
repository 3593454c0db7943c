"""The crisis pattern table (bot/safety/crisis_patterns.yml) against its own cases.

Every entry carries messages it must match and near misses it must not match; they are its
specification, checked here through the public detector. A rule's must_match case has to be
detected with that rule's category (as a crisis or, for a mention_only rule, possibly as an
informational concern); its must_not_match case must not be caught by that rule (another rule
may catch it). A figure of speech, negated act or denial must match its cases (normalised) and
leave them without a crisis of their own. The table's shape is checked too: unique ids, a
must_match case everywhere, and a loader that refuses a malformed table.
"""

import re

import pytest
import yaml

from bot.safety.crisis import (
    BLANK_CATEGORIES,
    DISTRESS,
    PATTERNS_FILE,
    RULE_CATEGORIES,
    detect_crisis,
    detect_distress,
    has_figure_or_denial,
    load_pattern_table,
)
from bot.safety.normalize import normalize_variants

TABLE = load_pattern_table()
RULES = TABLE.of(*RULE_CATEGORIES)
BLANKS = TABLE.of(*BLANK_CATEGORIES)
DISTRESS_ENTRIES = TABLE.of(DISTRESS)


def _cases(patterns, field):
    return [pytest.param(pattern, text, id=f"{pattern.id}: {text}")
            for pattern in patterns for text in getattr(pattern, field)]


def _matches(pattern, text):
    return any(pattern.regex.search(form) for form in normalize_variants(text))


@pytest.mark.parametrize(("pattern", "text"), _cases(RULES, "must_match"))
def test_rule_detects_its_must_match_cases(pattern, text):
    verdict = detect_crisis(text)
    assert pattern.id in verdict.rules, verdict
    assert pattern.category in verdict.categories, verdict
    assert verdict.needs_resources


@pytest.mark.parametrize(("pattern", "text"), _cases(RULES, "must_not_match"))
def test_rule_leaves_its_must_not_match_cases(pattern, text):
    verdict = detect_crisis(text)
    assert pattern.id not in verdict.rules, verdict


@pytest.mark.parametrize(("pattern", "text"), _cases(BLANKS, "must_match"))
def test_figure_negation_or_denial_matches_and_defuses_its_cases(pattern, text):
    assert _matches(pattern, text)
    assert has_figure_or_denial(text)
    assert not detect_crisis(text).is_crisis, detect_crisis(text)


@pytest.mark.parametrize(("pattern", "text"), _cases(BLANKS, "must_not_match"))
def test_figure_negation_or_denial_leaves_its_must_not_match_cases(pattern, text):
    assert not _matches(pattern, text)


@pytest.mark.parametrize(("pattern", "text"), _cases(DISTRESS_ENTRIES, "must_match"))
def test_distress_entry_marks_its_must_match_cases_without_a_crisis(pattern, text):
    assert pattern.id in detect_distress(text)
    assert not detect_crisis(text).needs_resources, detect_crisis(text)


@pytest.mark.parametrize(("pattern", "text"), _cases(DISTRESS_ENTRIES, "must_not_match"))
def test_distress_entry_leaves_its_must_not_match_cases(pattern, text):
    assert pattern.id not in detect_distress(text)


def test_ids_are_unique_and_every_pattern_has_a_must_match_case():
    raw = yaml.safe_load(PATTERNS_FILE.read_text(encoding="utf-8"))["patterns"]
    ids = [entry["id"] for entry in raw]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    assert [entry["id"] for entry in raw if not entry.get("must_match")] == []
    assert [pattern.id for pattern in TABLE.patterns] == ids


def test_every_category_has_patterns_and_the_table_is_read_once():
    categories = {pattern.category for pattern in TABLE.patterns}
    assert categories == set(RULE_CATEGORIES) | set(BLANK_CATEGORIES) | {DISTRESS}
    assert len(RULES) >= 30 and len(BLANKS) >= 30
    assert load_pattern_table() is TABLE
    # every {NAME} was replaced by its vocabulary entry
    placeholder = re.compile(r"\{[A-Z][A-Z0-9_]*\}")
    assert [p.id for p in TABLE.patterns if placeholder.search(p.regex.pattern)] == []


def test_mention_only_rules_are_the_ones_a_question_can_merely_mention():
    mention_only = {pattern.id for pattern in RULES if pattern.mention_only}
    assert {"suicide_mention", "self_harm_mention", "overdose_mention"} <= mention_only
    assert detect_crisis("can ketamine help with suicidal thoughts?").level == "concern"
    assert detect_crisis("I want to kill myself").is_crisis


GOOD_ENTRY = """
  - id: an_entry
    category: suicidal_ideation
    regex: ['\\bwant ', '{THING}\\b']
    must_match: ["I want out"]
"""
VOCABULARY = "vocabulary:\n  THING: out\n  THIRD_PERSON: he\n  ACCIDENT: shaving\n"


def _table(tmp_path, entries, vocabulary=VOCABULARY):
    path = tmp_path / "patterns.yml"
    path.write_text(vocabulary + "patterns:" + entries, encoding="utf-8")
    return load_pattern_table(path)


def test_a_small_table_loads_with_pieces_joined_and_vocabulary_expanded(tmp_path):
    table = _table(tmp_path, GOOD_ENTRY)
    (entry,) = table.patterns
    assert entry.regex.pattern == r"\bwant out\b"
    assert entry.must_match == ("I want out",) and entry.must_not_match == ()
    assert not entry.mention_only


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        (GOOD_ENTRY + GOOD_ENTRY, "duplicate id"),
        (GOOD_ENTRY.replace("suicidal_ideation", "sadness"), "unknown category"),
        (GOOD_ENTRY.replace("{THING}", "{NOTHING}"), "unknown vocabulary entry"),
        (GOOD_ENTRY.replace("'\\bwant '", "'(want '"), "does not compile"),
        (GOOD_ENTRY.replace("must_match", "must_matches"), "unknown keys"),
        (GOOD_ENTRY.replace('["I want out"]', "[no]"), "quoted strings"),
        (GOOD_ENTRY.replace("an_entry", "An Entry"), "snake_case"),
        (GOOD_ENTRY.replace("suicidal_ideation", "denial") + "    mention_only: true\n",
         "only on a rule"),
    ],
)
def test_a_malformed_table_is_refused_with_the_entry_named(tmp_path, entries, message):
    with pytest.raises(ValueError, match=message):
        _table(tmp_path, entries)


def test_the_vocabulary_the_code_uses_must_be_there(tmp_path):
    with pytest.raises(ValueError, match="ACCIDENT"):
        _table(tmp_path, GOOD_ENTRY, vocabulary="vocabulary:\n  THING: out\n  THIRD_PERSON: he\n")
