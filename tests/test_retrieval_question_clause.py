"""The one question of a message that also makes a remark (bot/retrieval/question_clause.py)."""

import pytest

from bot.retrieval.question_clause import asked_question


@pytest.mark.parametrize("text, question", [
    ("waiting for results is killing me lol, how fast does it work", "how fast does it work"),
    ("my wife says im crazy for trying this. is it even legal", "is it even legal"),
    ("thanks, what are your hours", "what are your hours"),
    ("how much does this cost im a broke college student", "how much does this cost"),
    ("im dying to know what the first appt is like", "what the first appt is like"),
    ("does insurance cover it or am i gonna have to sell a kidney lol", "does insurance cover it"),
    # suite 21, at the contact step: the condition is no part of the question
    ("wait how much does this cost before i give my number", "wait how much does this cost"),
])
def test_the_question_after_a_remark(text, question):
    assert asked_question(text) == question


@pytest.mark.parametrize("text", [
    "how fast does it work",  # one sentence
    "how much is it? and do you take insurance?",  # two questions: answered one by one
    "I have been feeling low for months",  # no question
    "is it ok if im pregnant",  # the question needs what follows "if"
])
def test_no_single_question_after_a_remark(text):
    assert asked_question(text) is None


def test_a_choice_gives_way_only_to_a_far_clearer_question_alone(clinic_retriever):
    from actions.answer import ActionAnswerQuestion

    def decided(text):
        return ActionAnswerQuestion._the_question_alone(clinic_retriever, text,
                                                        clinic_retriever.decide(text))

    greeting_first = decided("Hello. My doctor mentioned ketamine for my depression. How many "
                             "sessions does it take?")
    assert greeting_first.kind == "answer" and greeting_first.best.id == "course_of_treatment"
    # the question alone is how fast it works (it once led by little towards "how soon can I
    # get in", and a choice was right); since "how fast?" is a paraphrase of that entry, the
    # answer, never the appointment's
    speed = decided("i cant wait another 6 weeks for a new med to start working. how fast is "
                    "this")
    assert speed.kind in ("answer", "clarify") and speed.best.id == "how_fast_it_works"
