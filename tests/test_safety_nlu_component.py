"""The Rasa NLU component, run in the Rasa environment (.venv-rasa) on real rasa Messages.

It must overrule a confident model for a crisis, never remove a crisis the model found, mark
informational questions and medical-advice requests, and leave everything else alone.
"""

import json
import subprocess
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"

pytestmark = pytest.mark.skipif(not RASA_PYTHON.exists(), reason="needs .venv-rasa")

SCRIPT = textwrap.dedent("""
    import json, sys
    from rasa.shared.nlu.training_data.message import Message
    from bot.safety.nlu_component import SafetyClassifier

    component = SafetyClassifier(SafetyClassifier.get_default_config())
    out = []
    for case in json.load(sys.stdin):
        message = Message(data={"text": case["text"]})
        message.set("intent", {"name": case["model"], "confidence": case["confidence"]})
        message.set("intent_ranking", [{"name": n, "confidence": c} for n, c in case["ranking"]])
        component.process([message])
        out.append({"intent": message.get("intent"), "safety": message.get("safety"),
                    "ranking": message.get("intent_ranking"),
                    "output": "safety" in message.as_dict(only_output_properties=True)})
    print(json.dumps(out))
""")


def run_cases(cases):
    result = subprocess.run([str(RASA_PYTHON), "-c", SCRIPT], input=json.dumps(cases),
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def results():
    cases = [
        # 0: a crisis the model is sure is a question
        {"text": "kms, nothing matters", "model": "ask_question", "confidence": 0.99,
         "ranking": [["ask_question", 0.99], ["greet", 0.01]]},
        # 1: a crisis the fallback classifier had turned into nlu_fallback
        {"text": "i want to die", "model": "nlu_fallback", "confidence": 0.6,
         "ranking": [["nlu_fallback", 0.6], ["crisis", 0.4], ["ask_question", 0.35]]},
        # 2: the model found a crisis the rules do not know: it stays
        {"text": "i'm on the bridge right now", "model": "crisis", "confidence": 0.99,
         "ranking": [["crisis", 0.99], ["ask_question", 0.01]]},
        # 3: a confident model crisis hidden under fallback comes back
        {"text": "i'm on the bridge right now", "model": "nlu_fallback", "confidence": 0.6,
         "ranking": [["nlu_fallback", 0.6], ["crisis", 0.99]]},
        # 4: an informational question
        {"text": "can ketamine help with suicidal thoughts?", "model": "ask_question",
         "confidence": 0.95, "ranking": [["ask_question", 0.95]]},
        # 5: medical advice
        {"text": "can I take ketamine with my sertraline?", "model": "ask_question",
         "confidence": 0.97, "ranking": [["ask_question", 0.97]]},
        # 6: a figure of speech stays what the model said
        {"text": "this traffic is killing me", "model": "out_of_scope", "confidence": 0.8,
         "ranking": [["out_of_scope", 0.8], ["crisis", 0.15]]},
        # 7: a button payload is not checked
        {"text": "/affirm", "model": "affirm", "confidence": 1.0, "ranking": [["affirm", 1.0]]},
        # 8: an unsure model crisis on a figure of speech does not count: retrieval answers
        {"text": "my phone battery is dead", "model": "crisis", "confidence": 0.7,
         "ranking": [["crisis", 0.7], ["out_of_scope", 0.3]]},
    ]
    return run_cases(cases)


def test_rules_overrule_a_confident_model(results):
    assert results[0]["intent"] == {"name": "crisis", "confidence": 1.0}
    assert results[0]["ranking"][0]["name"] == "crisis"
    assert results[0]["safety"]["decided_by"] == "rules"
    assert results[0]["output"]  # the verdict reaches the tracker (and the action server)


def test_a_crisis_turned_into_fallback_is_restored(results):
    assert results[1]["intent"]["name"] == "crisis"


def test_a_confident_model_crisis_is_never_removed(results):
    assert results[2]["intent"]["name"] == "crisis"
    assert results[2]["safety"]["decided_by"] == "model"
    assert results[3]["intent"]["name"] == "crisis"


def test_informational_question_becomes_crisis_topic(results):
    assert results[4]["intent"]["name"] == "crisis_topic"
    assert results[4]["safety"]["crisis"]["level"] == "concern"


def test_medical_advice_is_marked(results):
    assert results[5]["intent"] == {"name": "medical_advice", "confidence": 1.0}
    assert "interaction" in results[5]["safety"]["medical"]["categories"]


def test_figures_of_speech_and_payloads_are_left_alone(results):
    assert results[6]["intent"]["name"] == "out_of_scope"
    assert results[7]["intent"]["name"] == "affirm"
    assert results[7]["safety"] is None


def test_verdict_holds_no_message_text(results):
    assert "traffic" not in json.dumps(results[6]["safety"])
    assert "sertraline" not in json.dumps(results[5]["safety"])


def test_an_unsure_model_crisis_does_not_count(results):
    assert results[8]["intent"]["name"] == "nlu_fallback"
    assert results[8]["safety"]["model_crisis_confidence"] == 0.7
