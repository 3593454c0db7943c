"""The Rasa NLU component, run in the Rasa environment (.venv-rasa) on real rasa Messages.

It must overrule a confident model for a crisis, add a crisis the semantic score finds only when
the message is no figure of speech, no denial and no clinic question, mark informational
questions and medical-advice requests, and leave everything else alone.
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
        if "semantic" in case:
            probability, nearest, other = case["semantic"]
            message.set("semantic_crisis", {"probability": probability,
                                            "nearest_similarity": nearest,
                                            "nearest_other_similarity": other})
        if "clauses" in case:
            message.set("semantic_crisis_clauses", [
                {"probability": p, "nearest_similarity": n, "nearest_other_similarity": o}
                for p, n, o in case["clauses"]])
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
        # 1: phrasing no rule knows, close in meaning to the crisis examples: a crisis
        {"text": "tonight the waiting is over for good", "model": "ask_question",
         "confidence": 0.6, "ranking": [["ask_question", 0.6]], "semantic": [0.97, 0.62, 0.3]},
        # 2: a high semantic score on a denial does not count
        {"text": "I'm not suicidal, I just want to know more about treatment",
         "model": "ask_question", "confidence": 0.9, "ranking": [["ask_question", 0.9]],
         "semantic": [0.95, 0.6, 0.4]},
        # 3: a high semantic score on a message closer to an ordinary example does not count
        {"text": "how long does the dissociation last", "model": "ask_question",
         "confidence": 0.9, "ranking": [["ask_question", 0.9]], "semantic": [0.93, 0.5, 0.85]},
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
        # 8: a figure of speech with a high semantic score stays what the model said
        {"text": "my kids are going to be the death of me", "model": "ask_question",
         "confidence": 0.8, "ranking": [["ask_question", 0.8]], "semantic": [0.98, 0.55, 0.3]},
        # 9: below the threshold the semantic score does not count
        {"text": "I feel stuck and flat lately", "model": "ask_question", "confidence": 0.8,
         "ranking": [["ask_question", 0.8]], "semantic": [0.5, 0.5, 0.3]},
        # 10: hopelessness in small talk goes to the answer action, marked as distress
        {"text": "thanks. whats the point anyway", "model": "thanks", "confidence": 0.9,
         "ranking": [["thanks", 0.9]]},
        # 11: hopelessness the medical-advice rules would refuse ("for me") is distress
        {"text": "nothing is ever going to get better for me", "model": "ask_question",
         "confidence": 0.7, "ranking": [["ask_question", 0.7]]},
        # 13 (below): a high semantic score short of a crisis, about as close to a crisis
        # example as to anything else, marks distress
        # 12: hopelessness with a booking request keeps the booking
        {"text": "i feel so hopeless, can i book a consultation", "model": "book_consultation",
         "confidence": 0.9, "ranking": [["book_consultation", 0.9]]},
        # (the drinking message once used here has a distress rule of its own since dev2's
        # conversation lost its resources to a retrained score, thirteenth round)
        {"text": "Most nights now I sit in the car for an hour before going inside",
         "model": "ask_question", "confidence": 0.6, "ranking": [["ask_question", 0.6]],
         "semantic": [0.85, 0.35, 0.38]},
        # 14: the same score on a figure of speech marks nothing
        {"text": "my kids are going to be the death of me, drinking most nights",
         "model": "ask_question",
         "confidence": 0.6, "ranking": [["ask_question", 0.6]], "semantic": [0.85, 0.35, 0.38]},
        # 15: plain low mood with a crisis-high score is not a crisis (no word of danger)
        {"text": "Some days I can't get out of bed.", "model": "ask_question",
         "confidence": 0.8, "ranking": [["ask_question", 0.8]], "semantic": [0.96, 0.6, 0.5]},
        # 16: the same score with a word of danger still is
        {"text": "Some days I can't get out of bed. I've figured out how to make it stop",
         "model": "ask_question", "confidence": 0.8, "ranking": [["ask_question", 0.8]],
         "semantic": [0.96, 0.6, 0.5]},
        # 17: plain low mood whose second clause alone scores as a crisis: no word of danger in
        # the message, so no clause makes it one (dev11)
        {"text": "some days i can't get out of bed, i just lie there and stare at the ceiling",
         "model": "ask_question", "confidence": 0.8, "ranking": [["ask_question", 0.8]],
         "semantic": [0.5, 0.5, 0.5], "clauses": [[0.5, 0.5, 0.5], [0.95, 0.6, 0.4]]},
        # 18: the same shape with a word of danger in that clause still is
        {"text": "some days i can't get out of bed, i just lie there and count the pills again",
         "model": "ask_question", "confidence": 0.8, "ranking": [["ask_question", 0.8]],
         "semantic": [0.5, 0.5, 0.5], "clauses": [[0.5, 0.5, 0.5], [0.95, 0.6, 0.4]]},
        # 19: a medication list with its doses, whose first clause alone scores as a crisis
        # (dev12): no amount or act, so no crisis
        {"text": "I take 300mg of lithium and 50 of seroquel. can I still do ketamine?",
         "model": "ask_question", "confidence": 0.8, "ranking": [["ask_question", 0.8]],
         "semantic": [0.38, 0.64, 0.78], "clauses": [[0.91, 0.72, 0.68], [0.0, 0.72, 0.83]]},
        # 20: the same list taken all at once still is
        {"text": "I took 300mg of lithium and 50 of seroquel all at once. what happens now",
         "model": "ask_question", "confidence": 0.8, "ranking": [["ask_question", 0.8]],
         "semantic": [0.38, 0.64, 0.78], "clauses": [[0.91, 0.72, 0.68], [0.0, 0.72, 0.83]]},
        # 21: leftover pills to get rid of, with a crisis-high score on the whole message (dev13)
        {"text": "I have about 60 leftover oxycodone from my knee surgery. What's the safest way "
                 "to get rid of them?", "model": "ask_question", "confidence": 0.8,
         "ranking": [["ask_question", 0.8]], "semantic": [0.9, 0.62, 0.45]},
        # 22: a misspelled overdose that only the learned score catches (review 14)
        {"text": "took a hole bunch of my sleepin pils like 20 min ago", "model": "ask_question",
         "confidence": 0.9, "ranking": [["ask_question", 0.9]], "semantic": [0.95, 0.55, 0.5]},
        # 23: "ok ill call monday" read as a yes to an offer to book (review 16)
        {"text": "ok ill call monday", "model": "affirm", "confidence": 0.9,
         "ranking": [["affirm", 0.9]]},
        # 24: hopelessness at the summary read as a form answer (review 17)
        {"text": "i dont even know why im bothering, nothing ever helps and i just want it all "
                 "to stop", "model": "inform", "confidence": 0.7, "ranking": [["inform", 0.7]]},
        # 25-26: a clinic question with one clause a little closer to a crisis example than to
        # anything else, and no word of danger in it (suite 17, the scores the model gave)
        {"text": "im feeling a little steadier now. i think i want to actually try treatment, "
                 "can i book a consult", "model": "book_consultation", "confidence": 0.9,
         "ranking": [["book_consultation", 0.9]], "semantic": [0.0046, 0.517, 0.6878],
         "clauses": [[0.9708, 0.4481, 0.4193], [0.0, 0.4864, 0.7383]]},
        {"text": "im 20 and still on my parents health insurance. if i get this will they see it",
         "model": "ask_question", "confidence": 0.9, "ranking": [["ask_question", 0.9]],
         "semantic": [0.8291, 0.5784, 0.7454],
         "clauses": [[0.9676, 0.6641, 0.5906], [0.0018, 0.3814, 0.4825]]},
        # 27: the same shape with a clause clearly closer to a crisis example (dev10)
        {"text": "I've written letters to my kids and my sister. Just want to make sure the "
                 "clinic stops calling my number after this week", "model": "ask_question",
         "confidence": 0.9, "ranking": [["ask_question", 0.9]], "semantic": [0.5, 0.55, 0.693],
         "clauses": [[0.97, 0.81, 0.587], [0.1, 0.5, 0.7]]},
        # 28: texting instead of calling read as a booking request (suite 17, in a crisis)
        {"text": "can i just text instead of calling someone", "model": "book_consultation",
         "confidence": 0.63, "ranking": [["book_consultation", 0.63]]},
    ]
    return run_cases(cases)


def test_a_misspelled_overdose_the_score_catches_gets_the_emergency_reply(results):
    assert results[22]["intent"]["name"] == "urgent_medical"
    assert results[22]["safety"]["decided_by"] == "semantic"
    assert results[1]["intent"]["name"] == "crisis"  # no amount taken: the crisis reply


def test_plain_low_mood_is_not_made_a_crisis_by_the_score_alone(results):
    assert results[15]["intent"]["name"] == "ask_question"
    assert results[16]["intent"]["name"] == "crisis"
    assert results[16]["safety"]["decided_by"] == "semantic"


def test_a_clause_of_plain_low_mood_is_not_made_a_crisis_by_its_score(results):
    assert results[17]["intent"]["name"] == "ask_question"
    assert results[18]["intent"]["name"] == "crisis"


def test_a_medication_list_with_doses_is_not_made_a_crisis_by_a_clause_score(results):
    assert results[19]["intent"]["name"] != "crisis"
    assert results[20]["intent"]["name"] == "crisis"
    assert results[21]["intent"]["name"] != "crisis"


def test_rules_overrule_a_confident_model(results):
    assert results[0]["intent"] == {"name": "crisis", "confidence": 1.0}
    assert results[0]["ranking"][0]["name"] == "crisis"
    assert results[0]["safety"]["decided_by"] == "rules"
    assert results[0]["output"]  # the verdict reaches the tracker (and the action server)


def test_the_semantic_score_adds_a_crisis_the_rules_miss(results):
    assert results[1]["intent"]["name"] == "crisis"
    assert results[1]["safety"]["decided_by"] == "semantic"


def test_the_semantic_score_never_raises_a_denial_or_a_clinic_question(results):
    assert results[2]["intent"]["name"] == "ask_question"
    assert results[3]["intent"]["name"] == "ask_question"


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


def test_figures_of_speech_and_low_scores_do_not_count(results):
    assert results[8]["intent"]["name"] == "ask_question"
    assert results[9]["intent"]["name"] == "ask_question"
    assert results[9]["safety"]["decided_by"] == "model"


def test_distress_is_marked_and_small_talk_with_it_reaches_the_answer_action(results):
    for number in (10, 11):
        assert results[number]["intent"]["name"] == "ask_question", results[number]
        assert results[number]["safety"]["distress"], results[number]
        assert results[number]["safety"]["decided_by"] == "distress"
    assert results[12]["intent"]["name"] == "book_consultation"
    assert results[12]["safety"]["distress"] == ["hopeless_worthless_empty"]
    assert results[9]["safety"]["distress"] == []
    assert results[13]["safety"]["distress"] == ["semantic"]
    assert results[13]["intent"]["name"] == "ask_question"
    assert results[14]["safety"]["distress"] == []


def test_saying_one_will_phone_is_no_yes_to_booking(results):
    assert results[23]["intent"]["name"] == "ask_question"


def test_hopelessness_at_a_form_step_is_no_form_answer(results):
    assert results[24]["intent"]["name"] == "ask_question"
    assert results[24]["safety"]["distress"]



def test_a_clinic_question_is_not_made_a_crisis_by_a_clause_without_danger(results):
    assert results[25]["intent"]["name"] == "book_consultation"
    assert results[26]["intent"]["name"] == "ask_question"
    assert results[27]["intent"]["name"] == "crisis"
    assert results[27]["safety"]["decided_by"] == "semantic"


def test_asking_to_text_instead_of_calling_is_no_booking_request(results):
    assert results[28]["intent"]["name"] == "ask_question"
