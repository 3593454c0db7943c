"""A message that asks nothing is told apart from a question (bot/retrieval/remarks.py)."""

import pytest

from bot.retrieval.remarks import FRUSTRATION, LOSS, STATEMENT, THANKS, WILL_CALL, kind_of_remark


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
