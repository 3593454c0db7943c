"""The NLU pipeline on the retrieval encoder, run in the Rasa environment on the trained model.

Asserts the routing rule itself (a table of cases), and what it does on the clinic evaluation
set: in-scope questions routed to an intent that does not reach the retrieval layer, other than
the explicit acts that rightly answer them their own way, at most 6 of 291; out-of-scope
messages sent to a form or small talk: none. docs/nlu.md records the measured numbers.
"""

import json
import subprocess
import textwrap
from pathlib import Path

import pytest
from servers import prepare_model

ROOT = Path(__file__).resolve().parent.parent
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"

pytestmark = pytest.mark.skipif(not RASA_PYTHON.exists(), reason="needs .venv-rasa")

# Intents whose own reply answers what these evaluation entries are about (the e2e test uses
# the same list): booking questions start the form, contact questions get the contact details,
# individual advice gets the safety refusal with an offer to book.
OTHER_FEATURES = {
    "book_consultation": {"how_to_book", "consultation_process"},
    "ask_human": {"contact_clinic", "locations_hours"},
    "medical_advice": {"medications_current", "is_it_right_for_me", "who_should_not_have_it"},
}
RETRIEVAL_INTENTS = {"ask_question", "out_of_scope", "nlu_fallback", "crisis_topic"}
MAX_IN_SCOPE_ROUTED_AWAY = 6

PARSE_SCRIPT = textwrap.dedent("""
    import asyncio, json, sys
    from rasa.core.agent import load_agent

    async def main():
        agent = await load_agent(sys.argv[1])
        out = []
        for text in json.load(sys.stdin):
            parsed = await agent.parse_message(text)
            out.append({"intent": parsed["intent"]["name"], "routing": parsed.get("routing")})
        print(json.dumps(out))

    asyncio.run(main())
""")

RULE_SCRIPT = textwrap.dedent("""
    import json, sys
    from bot.nlu.intent_classifier import SemanticIntentClassifier

    component = SemanticIntentClassifier(SemanticIntentClassifier.get_default_config(), None, None)
    print(json.dumps([component.goes_to_retrieval(*case) for case in json.load(sys.stdin)]))
""")


def _run(script: str, payload, *args: str):
    result = subprocess.run([str(RASA_PYTHON), "-c", script, *args], input=json.dumps(payload),
                            capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_routing_rule():
    cases = [
        # (intent, classifier confidence, similarity to the closest FAQ question) -> retrieval?
        (("thanks", 0.9, 0.85), True),             # small talk never takes a known question
        (("inform", 0.99, 0.79), False),           # a confident form answer stays one
        (("book_consultation", 0.95, 0.9), False),  # a confident explicit act keeps priority
        (("ask_human", 0.5, 0.65), True),          # an unsure guess does not take a question
        (("ask_human", 0.5, 0.4), False),          # ...unless nothing in the knowledge is close
        (("cancel_booking", 0.7, 0.95), False),
    ]
    decided = _run(RULE_SCRIPT, [list(case) for case, _ in cases])
    assert decided == [expected for _, expected in cases]


@pytest.fixture(scope="module")
def evaluation():
    import yaml

    model = prepare_model()
    data = yaml.safe_load((ROOT / "tests/eval/clinic_questions.yml").read_text(encoding="utf-8"))
    in_scope = data["in_scope"]
    texts = [item["q"] for item in in_scope] + list(data["out_of_scope"])
    parsed = _run(PARSE_SCRIPT, texts, str(model))
    return in_scope, parsed[: len(in_scope)], data["out_of_scope"], parsed[len(in_scope):]


def test_in_scope_questions_reach_the_knowledge(evaluation):
    in_scope, parsed, _, _ = evaluation
    away = [
        (item["q"], result["intent"]) for item, result in zip(in_scope, parsed, strict=True)
        if result["intent"] not in RETRIEVAL_INTENTS
        and not OTHER_FEATURES.get(result["intent"], set()) & set(item["expected"])
    ]
    print(f"\nin-scope questions routed away: {len(away)} of {len(in_scope)}: {away}")
    assert len(away) <= MAX_IN_SCOPE_ROUTED_AWAY, away


def test_out_of_scope_messages_never_reach_a_form_or_small_talk(evaluation):
    _, _, out_of_scope, parsed = evaluation
    wrong = [(text, result["intent"]) for text, result in zip(out_of_scope, parsed, strict=True)
             if result["intent"] not in RETRIEVAL_INTENTS]
    assert wrong == []


def test_a_clause_that_asks_to_book_or_for_a_person_is_that_act():
    """One clause of a longer message asks for an explicit act; the rest is no question the
    knowledge is close to. A question the knowledge answers keeps its route."""
    messages = {
        "can I book for my husband? he hates talking on the phone": "book_consultation",
        "I want to talk to someone. my insurance is aetna": "ask_human",
        "is ketamine safe? my friend said its addictive": "ask_question",
        "I have anxiety and depression, can ketamine help with both": "ask_question",
    }
    parsed = _run(PARSE_SCRIPT, list(messages), str(prepare_model()))
    assert [p["intent"] for p in parsed] == list(messages.values()), parsed
    # The fifth round's data (booking for someone who cannot call themselves) taught the
    # classifier this phrasing; the clause rule still decides where it does not.
    assert parsed[0]["routing"]["by"] in ("clause", "classifier")
