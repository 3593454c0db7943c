"""A message that asks nothing is told apart from a question (bot/retrieval/remarks.py)."""

import pytest

from bot.retrieval.remarks import (
    BOOK_LATER,
    FRUSTRATION,
    LOSS,
    SHOULD_I_CALL_RE,
    STATEMENT,
    THANKS,
    WILL_CALL,
    asks_for_someone_to_talk_to,
    asks_if_a_person,
    kind_of_remark,
)


@pytest.mark.parametrize("text, kind", [
    ("alright I'll call monday. thanks!", THANKS),
    ("ok cool, appreciate it", THANKS),
    ("this is ridiculous. nobody will give me a straight number", FRUSTRATION),
    ("that's not an answer", FRUSTRATION),
    ("hi. just looking into options i guess", STATEMENT),
    ("ok ill probably talk to the school counselor first", STATEMENT),
    ("I had my second infusion yesterday", STATEMENT),
    # review 15: a death told in passing gets a condolence, not "thanks for letting me know"
    ("my mom wouldve killed me for waiting this long to get help lol. she passed in the spring",
     LOSS),
    ("lost my dad last year and its been hard", LOSS),
    ("the appointment passed already i think", STATEMENT),
    # review 16: "ok ill call monday" had opened the booking form
    ("ok ill call monday", WILL_CALL),
    ("i will call you guys tomorrow then", WILL_CALL),
    ("ill call them", STATEMENT),
    # suite 20: "ok maybe ill book later" had opened the booking form
    ("ok maybe ill book later", BOOK_LATER),
    ("not ready to book yet", BOOK_LATER),
    ("i want to book now", STATEMENT),
])
def test_what_a_remark_is(text, kind):
    assert kind_of_remark(text) == kind


@pytest.mark.parametrize("text", [
    "cost",  # a keyword: the honest don't-know reply
    "how long does each infusion last",
    "i wonder if it works",
    "what is the price",
    "is it safe?",
    "ketamine nasal spray",
    "ok txt me the address",  # a request
])
def test_questions_and_keywords_are_no_remark(text):
    assert kind_of_remark(text) is None


@pytest.mark.parametrize("text, asks", [
    ("its 2am and i cant sleep. are u a real person", True),  # suite 16
    ("am i talking to a bot?", True),
    ("r u human", True),
    ("are you real doctors at the clinic", False),
    ("is this a real clinic", False),
    ("are you open saturday", False),
])
def test_asking_whether_a_person_answers(text, asks):
    assert asks_if_a_person(text) is asks


@pytest.mark.parametrize("text, asks", [
    ("is anyone there tonight i could talk to", True),  # review 18
    ("i just need to talk to someone right now", True),
    ("can i talk to someone at the clinic about billing", False),
    # the clinic's team, not a line at any hour (dev9 counted it as a crisis reply)
    ("I'd like to talk to a real person about treatment", False),
    ("my son wants to talk to his dad", False),
])
def test_asking_for_someone_to_talk_to(text, asks):
    assert asks_for_someone_to_talk_to(text) is asks


@pytest.mark.parametrize("text, asks", [
    ("should i just call the clinic instead", True),  # review 19: opened the form
    ("is it better to phone the clinic about this", True),
    ("can i call you to book an appointment", False),
])
def test_asking_whether_to_phone_the_clinic(text, asks):
    assert bool(SHOULD_I_CALL_RE.search(text)) is asks
