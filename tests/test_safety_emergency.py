"""A medical emergency lasts a few turns (bot/safety/emergency.py)."""

import pytest

from bot.safety.emergency import (
    EMERGENCY_TURNS,
    asks_to_text_instead,
    asks_what_to_do_while_waiting,
    asks_what_to_tell_911,
    asks_whom_to_call,
    help_is_called,
    hesitates_to_call,
    in_emergency,
    reached_crisis_line,
)


def user(intent):
    return {"event": "user", "text": "...", "parse_data": {"intent": {"name": intent}}}


def bot():
    return {"event": "bot", "text": "..."}


def test_the_turns_after_an_urgent_message_are_in_the_emergency():
    events = [user("greet"), bot(), user("urgent_medical"), bot(), user("deny"), bot(),
              user("ask_question")]
    assert in_emergency(events)
    assert in_emergency([user("urgent_medical")])


def test_a_crisis_message_does_not_end_it():
    assert in_emergency([user("urgent_medical"), bot(), user("crisis"), bot(), user("affirm")])


def test_it_ends_some_turns_later_and_never_starts_without_an_urgent_message():
    later = [user("urgent_medical"), bot()] + [user("ask_question"), bot()] * EMERGENCY_TURNS
    assert not in_emergency(later)
    assert not in_emergency([user("crisis"), bot(), user("ask_question")])
    assert not in_emergency([])


def test_the_answer_actions_own_emergency_reply_keeps_the_emergency():
    """Review 19: confusion told after the session gets the emergency reply from the answer
    action, and "can it wait till monday?" must stay in the emergency."""
    events = [{"event": "user", "text": "its now like 9pm and im really confused",
               "parse_data": {"intent": {"name": "ask_question"}}},
              {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_urgent_medical"}},
              {"event": "user", "text": "can it wait till monday?",
               "parse_data": {"intent": {"name": "ask_question"}}}]
    assert in_emergency(events)


def test_help_called_ends_it():
    events = [user("urgent_medical"), bot(), {"event": "user", "text": "ok I called 911",
                                              "parse_data": {"intent": {"name": "affirm"}}}]
    assert not in_emergency(events)


@pytest.mark.parametrize("text, called", [
    ("ok i called them. can i still come on tuesday?", True),
    ("the ambulance is on its way", True),
    ("we're at the ER now", True),
    ("i called the clinic yesterday and nobody answered", False),
    ("ok calling", True),
    ("im on the phone with them", True),
    ("can you call me", False),
    ("calling about my appointment", False),
    ("the ambulance just got here", True),
    ("EMTs arrived", True),
    ("they came to my house last year", False),
    # review 19: a refusal is no help on its way
    ("im not going to the hospital tho they will lock me up", False),
    ("im not calling 911", False),
])
def test_what_says_help_was_called(text, called):
    assert help_is_called(text) is called


@pytest.mark.parametrize("text, called", [
    ("ok ill call them", True),  # suite 13: after the Poison Control number
    ("im going to call 911 now", True),
    ("ill call them tomorrow to book", False),
])
def test_saying_one_will_call_now_counts(text, called):
    assert help_is_called(text) is called


@pytest.mark.parametrize("text, hesitant", [
    ("i dont want to get in trouble for calling", True),  # suite 13: had opened the form
    ("im scared to call 911", True),
    ("i dont want to call the clinic, can i book here", False),
])
def test_fear_of_calling_for_help(text, hesitant):
    assert hesitates_to_call(text) is hesitant


@pytest.mark.parametrize("text, emergency", [
    ("my roommate used a bunch of his ketamine spray and i cant wake him up", True),
    ("i took like 20 of my sleeping pills about an hour ago", True),
    ("I think I overdosed on ketamine", True),
    ("I swallowed the whole bottle", True),
    ("im going to take all my pills tonight", False),  # not taken yet: the crisis reply
    # an overdose already taken is an emergency first, also with words of wanting to die
    # (review 14: 911 and Poison Control were last in the crisis reply); 988 is in the reply
    ("i took all my pills and i want to die", True),
    ("i took like 30 of my trazodone an hour ago i just want to sleep forever", True),
    # self-harm with bleeding that does not stop: 911 or the ER first (review 14)
    ("i cut again last night, its pretty deep and wont stop bleeding", True),
    ("i cut again last night", False),
    ("my brother says he is going to kill himself", False),  # someone else's crisis
])
def test_which_crisis_verdicts_are_a_medical_emergency(text, emergency):
    from bot.safety.crisis import detect_crisis
    from bot.safety.emergency import needs_emergency_reply

    verdict = detect_crisis(text)
    assert verdict.is_crisis
    assert needs_emergency_reply(verdict.categories, verdict.rules, text) is emergency


@pytest.mark.parametrize("text, taken", [
    ("took a hole bunch of my sleepin pils like 20 min ago", True),
    ("i tooke like 10 of my sleping pils an hour ago", True),
    ("i swallowd like 30 of my moms xanax and now im scared", True),
    ("ate a whole bottle of tylenol", True),
    ("i popped all of my klonopin", True),
    ("i took a lot of my pills", True),
    ("i took my meds this morning and i still want to die", False),
    ("i took a lot of time to think and i want to die", False),
    ("it took a lot to write this", False),
    ("took 2 advil", False),
])
def test_an_amount_already_taken_in_the_writers_spelling(text, taken):
    from bot.safety.emergency import took_a_lot_already

    assert took_a_lot_already(text) is taken


@pytest.mark.parametrize("text, reached", [
    ("ok i called 988", True),
    ("texting the lifeline now", True),
    ("i texted 988 and im talking to someone", True),
    ("should i call 988", False),
    ("i havent called 988", False),
    ("i called 988 yesterday and they were useless", False),
])
def test_the_crisis_line_reached(text, reached):
    assert reached_crisis_line(text) is reached


@pytest.mark.parametrize("text, reaching", [
    ("ok maybe ill text them", True),  # review 14: it had opened the consultation form
    ("ill call 988 tonight", True),
    ("i might call them later", True),
    ("ill text you my number", False),
    ("can i talk to someone at the clinic", False),
])
def test_saying_one_will_reach_the_crisis_line(text, reaching):
    from bot.safety.emergency import will_reach_out

    assert will_reach_out(text) is reaching


@pytest.mark.parametrize("text, called", [
    ("ya llamé al 911", True),  # review 15
    ("ya viene la ambulancia", True),
    ("llamé al médico ayer", False),
    ("ok pulling over calling", True),  # review 17: it had opened the booking form
    ("ok my sister will drive me to er", True),
    ("i was calling about my bill", False),
])
def test_help_called_in_spanish(text, called):
    from bot.safety.emergency import help_is_called

    assert help_is_called(text) is called


def test_asking_what_calling_988_is_like_is_not_having_called():
    from bot.safety.emergency import reached_crisis_line

    assert not reached_crisis_line("what would even happen if I called 988")  # review 15
    assert reached_crisis_line("ok i called 988")


@pytest.mark.parametrize("text, danger", [
    ("he is in the garage right now", True),  # review 16, after "my husband has a gun"
    ("esta en el baño encerrado", True),
    ("shes in the bathroom and wont come out", True),
    ("she wont put it down", True),  # review 17, a knife
    ("she wont answer the phone", False),
    ("she went to the bathroom to wash up", False),
    ("he is in the car with me, we are driving to the er", False),
    ("he's leaving right now", True),  # review 28: about to drive his car into a wall
    ("he told me to get out", True),  # review 28: the gun in his hand
    ("shes leaving for work now", False),
])
def test_someone_else_alone_with_the_means_now(text, danger):
    from bot.safety.emergency import someone_in_danger_now

    assert someone_in_danger_now(text) is danger


def test_i_called_them_after_ones_own_crisis_is_the_crisis_line():
    from bot.safety.emergency import called_them_about_oneself

    assert called_them_about_oneself("i called them. they were nice", "self", False)
    assert not called_them_about_oneself("i called them", "other", False)  # 911 for someone
    assert not called_them_about_oneself("i called them", "self", True)  # in an emergency



@pytest.mark.parametrize("text, asks", [
    ("what number do i call", True),  # review 19: the grandson on the bridge
    ("should i call the clinic, shes a patient there", True),  # a locked door
    ("i dont know what to do", True),
    ("what do i do if i miss a session", False),
])
def test_the_helper_asking_whom_to_call(text, asks):
    from bot.safety.emergency import asks_whom_to_call

    assert asks_whom_to_call(text) is asks


@pytest.mark.parametrize("text, asks", [
    ("can i just text instead of calling someone", True),  # suite 17, a teen in crisis
    ("do i have to call", True),
    ("i cant talk on the phone", True),
    ("is it ok if i text", True),
    ("can i text you my number", False),
    ("i dont want to call my mom", False),
    ("ok ill try texting", False),
    ("can i book a consult", False),
    ("fine whats the text number", True),  # review 21, after refusing to call
])
def test_asking_to_text_instead_of_calling(text, asks):
    assert asks_to_text_instead(text) is asks


@pytest.mark.parametrize("text", ["who do i call about this", "what number do i call now",
                                  "911 or just go there myself? im like 10 min out"])
def test_asking_whom_to_call(text):
    assert asks_whom_to_call(text)


@pytest.mark.parametrize("text, asks", [
    ("what do i tell 911", True),
    ("what do i even tell 911", True),  # review 21
    ("i dont know her address exactly just her apartment complex", True),
    ("what time do you open", False),
])
def test_what_to_tell_911(text, asks):
    assert asks_what_to_tell_911(text) is asks


@pytest.mark.parametrize("text, asks", [
    ("what should i do while i wait, im 40 min away", True),  # review 21
    ("is there anything i can do in the meantime", True),
    ("what should i do", False),
])
def test_what_to_do_while_help_comes(text, asks):
    assert asks_what_to_do_while_waiting(text) is asks


@pytest.mark.parametrize("text", ["ok i called campus police too",
                                  "ok i called the police in her town and they are going to "
                                  "check on her"])
def test_police_called_is_help_called(text):
    assert help_is_called(text)


@pytest.mark.parametrize("text, reply", [
    ("should i make her throw up", "utter_emergency_no_vomiting"),
    ("should i make her throw up with peroxide", "utter_emergency_no_vomiting"),
    ("something to make him vomit?", "utter_emergency_no_vomiting"),
    ("my husband can drive me to the ER its like 15 min away, is that ok",
     "utter_emergency_driving"),
    ("should i drive to the hospital", "utter_emergency_driving"),
    ("ok can i drive to the ER myself its close", "utter_emergency_driving"),
    ("its not that bad, can i just take a benadryl and sleep", "utter_emergency_no_home_remedies"),
    ("should I give her coffee to keep her up", "utter_emergency_no_home_remedies"),
    ("we have narcan, should I use it?", "utter_emergency_naloxone"),
    ("i think hes breathing. do i roll him over or what", "utter_emergency_position"),  # suite 22
    ("should i put her on her side?", "utter_emergency_position"),
    ("ok calling. what do i say", "utter_emergency_what_to_tell"),
    ("ok what do i tell them", "utter_emergency_what_to_tell"),
    ("what do we tell them when they get here", "utter_emergency_what_to_tell"),  # suite 25
    ("my sister will drive me to er", None),  # help on its way, not a question
    ("should i just let him sleep it off on the couch", "utter_emergency_dont_wait"),
    # review 24
    ("hes snoring kinda loud, can i just let him sleep it off", "utter_emergency_dont_wait"),
    ("can it wait till tomorrow, we can call the clinic then", "utter_emergency_dont_wait"),
    ("do i put something in his mouth?", "utter_emergency_seizure"),
    ("i have an epipen from my allergist, should i use it", "utter_emergency_epipen"),
    ("hes telling me to stop fussing, should i just put ice on it",
     "utter_emergency_no_home_remedies"),
    ("what are your hours", None),
    ("can i take one of the propranolol i have left from an old prescription",
     "utter_emergency_no_home_remedies"),  # review 23
])
def test_questions_in_an_emergency_get_their_own_answer(text, reply):
    """Review 22: "should i make her throw up", "can my husband drive me", "benadryl and
    sleep?", "we have narcan" got "glad help is on the way", "I don't know" or 911 once more."""
    from bot.safety.emergency import emergency_question_reply
    assert emergency_question_reply(text) == reply


@pytest.mark.parametrize("text, called", [
    ("ems is here now", True),  # suite 20
    ("my husband can drive me to the ER its like 15 min away, is that ok", False),  # a question
    ("ok my sister will drive me to er", True),
])
def test_help_on_its_way_and_a_question_about_driving(text, called):
    assert help_is_called(text) is called


@pytest.mark.parametrize("text, reached", [
    ("ok i called. talking to a guy now, he was a marine", True),  # suite 20: opened the form
    ("ok i called", True),
    ("im talking to someone now", True),
    ("is texting 988 actually a real person or a bot like u", False),  # a question
    ("i called my mom", False),
    ("i called the clinic yesterday", False),
])
def test_the_crisis_line_reached_in_few_words(text, reached):
    from bot.safety.emergency import reached_crisis_line
    assert reached_crisis_line(text) is reached


@pytest.mark.parametrize("text, asks", [
    ("shes a patient at your clinic, can someone there call her", True),
    ("can someone from the clinic check on him please", True),
    ("can i call you guys tomorrow", False),
    ("can you call me back", False),
])
def test_a_helper_asking_the_clinic_to_reach_the_person(text, asks):
    from bot.safety.emergency import asks_the_clinic_to_reach_out
    assert asks_the_clinic_to_reach_out(text) is asks


@pytest.mark.parametrize("text, fears", [
    # review 24
    ("will 988 call the police on me?", True),
    ("i dont want an ambulance showing up at work", True),
    ("im 17, will they tell my parents", True),
    ("i dont want to go to the hospital they will lock me up", True),
    ("ok i called the police", False),
    ("the police are here now", False),
])
def test_fear_of_what_help_will_do(text, fears):
    """Review 24: the fear that stops the call, answered after a crisis reply."""
    from bot.safety.emergency import fears_what_help_will_do
    assert fears_what_help_will_do(text) is fears


@pytest.mark.parametrize("text, asks", [
    ("will you tell my doctor about this", True),  # review 24
    ("can you let my therapist know", True),
    ("can you tell me about cost", False),
])
def test_a_message_to_pass_on(text, asks):
    from bot.safety.emergency import asks_to_pass_a_message
    assert asks_to_pass_a_message(text) is asks


def test_what_else_to_do_while_waiting():
    """Review 24: "What else do I do while I wait" after 911 was called got the booking answer."""
    from bot.safety.emergency import asks_what_to_do_while_waiting
    assert asks_what_to_do_while_waiting("What else do I do while I wait")
    assert not asks_what_to_do_while_waiting("what else do you offer")


@pytest.mark.parametrize("text, going", [
    ("should i drive up tonight", True),  # review 25: a father who gave his things away
    ("should i go over there myself or call the police?", True),
    ("should i drive her to the er", False),  # the emergency's driving question
])
def test_a_helper_asking_whether_to_go_there(text, going):
    from bot.safety.emergency import asks_about_going_there
    assert asks_about_going_there(text) is going


@pytest.mark.parametrize("text, blocked", [
    ("he wont let me call anyone", True),
    ("he says he doesn't want me to call anyone", True),
    ("she took my phone", True),
    ("he wants me to call his sister", False),
])
def test_a_helper_stopped_from_calling(text, blocked):
    from bot.safety.emergency import blocked_from_calling

    assert blocked_from_calling(text) is blocked


@pytest.mark.parametrize("text, asks", [
    ("how much would be too much", True),
    ("how many pills would be lethal", True),
    ("how much is too much to pay for this", False),
    ("how much does it cost", False),
])
def test_how_much_is_too_much(text, asks):
    from bot.safety.emergency import asks_how_much_is_too_much

    assert asks_how_much_is_too_much(text) is asks


@pytest.mark.parametrize("text, called", [
    ("i called, now what", True),
    ("ok i called", True),
    ("they said 10 min", True),
    ("i called my mom yesterday", False),
    ("i called the clinic but nobody answered", False),
])
def test_help_called_in_few_words(text, called):
    from bot.safety.emergency import help_is_called

    assert help_is_called(text) is called


@pytest.mark.parametrize("text, danger", [
    ("he locked the door and wont answer", True),
    ("should i break the door down", True),
    ("hes asleep in the bedroom", False),
    ("she stopped answering me", False),  # the welfare check (suite 22)
])
def test_someone_shut_in_who_does_not_answer_is_in_danger_now(text, danger):
    """Review 27: a roommate with a razor who "locked the door and wont answer" got the general
    helper follow-up, not 911 now."""
    from bot.safety.emergency import someone_in_danger_now

    assert someone_in_danger_now(text) is danger
