"""Reading a follow-up with the previous answer's topic (bot/retrieval/followup.py)."""

from types import SimpleNamespace

import pytest

from bot.retrieval.followup import previous_entry, reads_better, resolved_query, topic_words


def _bot(entry, decision="answer"):
    return {"event": "bot", "text": "...", "metadata": {"retrieval": {"decision": decision,
                                                                      "entry": entry}}}


def test_the_previous_answer_is_found_within_two_turns():
    events = [{"event": "user"}, _bot("common_side_effects"), {"event": "user"}]
    assert previous_entry(events) == "common_side_effects"
    older = [{"event": "user"}, _bot("cost"), {"event": "user"}, {"event": "bot", "text": "hi"},
             {"event": "user"}, {"event": "bot", "text": "ok"}, {"event": "user"}]
    assert previous_entry(older) is None
    assert previous_entry([{"event": "user"}, _bot("cost", "clarify"), {"event": "user"}]) is None


def test_a_short_plural_follow_up_is_read_with_the_topic():
    title = "What are the side effects of ketamine therapy?"
    assert topic_words(title) == "side effects"
    assert resolved_query("how long do they last", title) == "how long do side effects last"
    assert resolved_query("is it legal", title) is None  # "it" is the treatment itself
    # "they" who do something are people
    assert resolved_query("isnt that the stuff they use on horses tho",
                          "Can ketamine help with PTSD?") is None
    assert resolved_query("how long do they last, and what should I do if they get worse "
                          "after I get home", title) is None  # long: a question of its own


def test_asking_whether_the_clinic_offers_it_is_read_with_the_topic():
    title = "What is esketamine nasal spray?"
    assert resolved_query("do you offer it?", title) == "do you offer esketamine nasal spray?"
    assert resolved_query("do you guys provide that", title) == (
        "do you guys provide esketamine nasal spray")
    assert resolved_query("how long does that take", title) is None  # not asked of the clinic
    assert resolved_query("do you offer it", "What is ketamine therapy?") is None  # no topic
    assert resolved_query("ok so do you do that", title) == "ok so do you do esketamine nasal spray"
    # suite 14: the message names what "that" is
    assert resolved_query("ok what about spravato, do you do that",
                          "Where is the clinic and when is it open?") is None


def test_what_comes_after_the_topic_is_read_with_it():
    title = "How many sessions will I need?"
    assert resolved_query("and after that?", title, "course_of_treatment") == (
        "and after course of treatment?")
    assert resolved_query("what happens after that", title, "course_of_treatment") == (
        "what happens after course of treatment")
    assert resolved_query("can i drive after that session", title) is None


def test_the_resolved_reading_wins_only_when_it_answers_better():
    answer = lambda score: SimpleNamespace(kind="answer", best=SimpleNamespace(score=score))  # noqa: E731
    none = SimpleNamespace(kind="none", best=None)
    assert reads_better(none, answer(0.6))
    assert reads_better(answer(0.6), answer(0.7))
    assert not reads_better(answer(0.7), answer(0.6))
    assert not reads_better(answer(0.7), none)


def test_that_feeling_and_how_long_that_lasts_name_the_previous_entry():
    title = "What does a ketamine session feel like?"
    assert resolved_query("how long does that feeling last", title, "dissociation") == (
        "how long does dissociation last")
    assert resolved_query("how long does that last", "What are the side effects?",
                          "common_side_effects") == "how long does common side effects last"
    assert resolved_query("does that include talk therapy", title, "dissociation") is None


def test_an_entry_names_what_that_means_after_its_answer():
    # after "how quickly does it work?", "that" is the improvement, not the speed
    title = "How quickly does ketamine therapy work?"
    assert resolved_query("and how long does that last?", title, "how_fast_it_works",
                          "the improvement") == "and how long does the improvement last?"
    assert resolved_query("and how long does that last?", title, "how_fast_it_works") == (
        "and how long does how fast it works last?")


def test_asking_to_hear_the_answer_again():
    from bot.retrieval.followup import asks_to_repeat

    for text in ("could you say that again in simpler words?", "repeat that please",
                 "come again?", "can you explain it in plain english"):
        assert asks_to_repeat(text), text
    for text in ("say hi to the team", "how long does it last again", "what is ketamine"):
        assert not asks_to_repeat(text), text


def test_asking_for_simpler_words():
    from bot.retrieval.followup import asks_to_repeat

    for text in ("that's way too complicated. can you say it simpler?",
                 "explain that like I'm 10", "sorry can you repeat that"):
        assert asks_to_repeat(text), text


def test_asking_to_have_it_done_is_read_with_the_topic():
    """Review 18: "can you just do it for me?" after the answer that appointments cannot be
    changed here got the pricing answer."""
    title = "Can I reschedule or cancel an appointment I already have?"
    assert resolved_query("can you just do it for me? my name is Tom Becker", title) == (
        "can you just do reschedule cancel appointment already for me? my name is Tom Becker")
    assert resolved_query("what should i do about it", title) is None


def test_a_judgement_asked_of_it_is_read_with_the_topic():
    """Suite 16: "was it bad that i did that" after the answer about ketamine taken outside a
    clinic got "not sure how I can help"."""
    title = "What if I took ketamine outside a clinic?"
    assert resolved_query("i feel fine now tho. was it bad that i did that", title,
                          "ketamine_outside_clinic") == (
        "i feel fine now tho. was ketamine outside clinic bad that i did that")
    assert resolved_query("is it bad to eat before", title, "ketamine_outside_clinic") is None


@pytest.mark.parametrize("text, reading", [
    ("yeah i have them most days lately", "yeah i have suicidal thoughts most days lately"),
    ("i have a plan", "i have a plan to act on my suicidal thoughts"),
    # suite 21: said by someone who had had them for years
    ("theyre worse this week tbh", "my suicidal thoughts worse this week tbh"),
    ("how long do they last", None),
])
def test_a_disclosure_is_read_with_the_previous_answer_s_topic(text, reading):
    from bot.retrieval.followup import said_of_the_topic
    assert said_of_the_topic(text, "suicidal thoughts") == reading
