"""End to end over REST and signed SMS: the questions people ask during a medical emergency,
a pet into a medicine, pills in emoji, distress inside the booking form, and a current patient
who asks to book their next session.

Review 22 and suite 20 (fifteenth round): "my husband can drive me to the ER, is that ok" got
"glad help is on the way", "should i make her throw up" and "what do i say" got "I don't know",
a 4-year-old who chewed klonopin got the refusal of medical advice, a cat into lorazepam got the
suicide-crisis reply, six pill emoji got "I can only search for questions written in words", "im
having a really really bad night" at the time question was stored as the time, and "can't you
just book it for me" from a current patient opened the consultation form.
"""

import pytest
from channel_clients import new_phone, new_sender, reply_text, send_sms

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CONSENT_QUESTION = "Is that OK with you?"


def test_driving_to_the_er_and_what_to_tell_them_are_answered(assistant):
    sender = new_sender("emergency")
    first = reply_text(assistant.send(sender, "I got my second infusion this morning and now my "
                                              "chest feels tight and my heart is going really "
                                              "fast, like 140"))
    assert "911" in first, first
    drive = reply_text(assistant.send(sender, "my husband can drive me to the ER its like 15 min "
                                              "away, is that ok"))
    assert "call 911 now rather than driving" in drive and "glad help" not in drive, drive
    tell = reply_text(assistant.send(sender, "ok what do i tell them"))
    assert "what was taken" in tell and "911" in tell, tell


def test_a_child_into_a_medicine_gets_poison_control_and_no_vomiting_by_text(assistant):
    phone = new_phone()
    first = " ".join(send_sms(assistant, phone, "my 4 yr old got into my purse and chewed some of "
                                                "my klonopin, not sure how many"))
    assert "911" in first and "1-800-222-1222" in first, first
    vomit = " ".join(send_sms(assistant, phone, "should i make her throw up"))
    assert "Don't make them throw up" in vomit and "1-800-222-1222" in vomit, vomit
    say = " ".join(send_sms(assistant, phone, "ok calling. what do i say"))
    assert "what was taken" in say or "Tell them" in say, say


def test_naloxone_and_a_home_remedy_are_answered(assistant):
    sender = new_sender("emergency")
    assistant.send(sender, "he took a bunch of pills and his lips are blue")
    narcan = reply_text(assistant.send(sender, "we have narcan, should I use it?"))
    assert "naloxone" in narcan and "911" in narcan, narcan
    other = new_sender("emergency")
    assistant.send(other, "hey i had my infusion 3 hrs ago and i have this itchy rash on my neck "
                          "and arms and my lips feel tingly")
    remedy = reply_text(assistant.send(other, "its not that bad, can i just take a benadryl and "
                                              "sleep"))
    assert "home remedy" in remedy and "911" in remedy, remedy


def test_a_cat_into_a_medicine_gets_the_vet_lines_not_the_crisis_reply(assistant):
    sender = new_sender("pet")
    first = reply_text(assistant.send(sender, "my cat knocked my bottle of lorazepam over and i "
                                              "think she ate one or two. shes acting wobbly"))
    assert "426-4435" in first and "Suicide & Crisis Lifeline" not in first, first
    vomit = reply_text(assistant.send(sender, "should i make her throw up with peroxide"))
    assert "vet" in vomit, vomit
    topic = reply_text(assistant.send(sender, "ok. unrelated but do you do evening appointments"))
    assert "426-4435" not in topic, topic


def test_pills_in_emoji_get_a_safety_check_by_text(assistant):
    phone = new_phone()
    reply = " ".join(send_sms(assistant, phone, "\U0001f48a\U0001f48a\U0001f48a\U0001f48a"
                                                "\U0001f48a\U0001f48a \U0001f6cf\ufe0f"))
    assert "911" in reply and "988" in reply, reply


def test_a_bad_night_typed_at_the_time_question_is_not_stored_as_the_time(assistant):
    sender = new_sender("booking")
    assistant.send(sender, "i want to request a consult")
    assistant.send(sender, "yes")
    assistant.send(sender, "Alex Kim")
    assistant.send(sender, "555-303-1122")
    heavy = reply_text(assistant.send(sender, "im having a really really bad night, everything "
                                              "feels too heavy"))
    assert "988" in heavy and "When would suit you best" in heavy, heavy
    time = reply_text(assistant.send(sender, "tuesday afternoon"))
    assert "Which of our locations" in time, time


def test_a_current_patient_books_a_session_by_phone_and_a_consultation_by_form(assistant):
    sender = new_sender("patient")
    assistant.send(sender, "hi im already a patient, had my 3rd infusion last wednesday. when is "
                           "my next one supposed to be")
    session = reply_text(assistant.send(sender, "can't you just book it for me for next "
                                                "thursday"))
    assert "(555) 555-0100" in session and CONSENT_QUESTION not in session, session
    consult = reply_text(assistant.send(sender, "actually i'd like to request a consultation for "
                                                "my sister"))
    assert CONSENT_QUESTION in consult, consult


def test_a_knock_to_the_head_after_a_session_then_sleeping_it_off(assistant):
    """Review 24: a fall with a lump on the day of a session, then "kinda dizzy" and "can i just
    sleep it off", got "I don't know" and reassurance about dizziness."""
    phone = new_phone()
    first = " ".join(send_sms(assistant, phone, "after my session today i slipped in the shower "
                                                "and banged my head, theres a lump"))
    assert "911" in first, first
    dizzy = " ".join(send_sms(assistant, phone, "kinda dizzy"))
    assert "911" in dizzy and "fade" not in dizzy, dizzy
    sleep = " ".join(send_sms(assistant, phone, "can i just sleep it off"))
    assert "sleep it off" in sleep and "911" in sleep, sleep


def test_a_seizure_and_an_adrenaline_pen_are_answered(assistant):
    """Review 24: "do i put something in his mouth?" and "i have an epipen, should i use it"
    got "call 911 now" with nothing on the question."""
    sender = new_sender("emergency")
    assistant.send(sender, "my dad had a seizure like 2 min ago, hes breathing but not really "
                           "responding")
    mouth = reply_text(assistant.send(sender, "do i put something in his mouth?"))
    assert "anything in their mouth" in mouth.lower() and "911" in mouth, mouth
    other = new_sender("emergency")
    assistant.send(other, "cant breathe well, my throat feels tight and my face is swelling. i "
                          "took a new medicine an hour ago")
    pen = reply_text(assistant.send(other, "i have an epipen from my allergist, should i use it"))
    assert "EpiPen" in pen and "911" in pen, pen


def test_someone_else_breathing_fast_with_grey_lips_is_an_emergency(assistant):
    """Review 25: a wife "breathing very fast ... her lips look a little grey" after a treatment
    got the answer about an age limit."""
    sender = new_sender("emergency")
    first = reply_text(assistant.send(sender, "My wife is breathing very fast and cant catch her "
                                              "breath, her lips look a little grey. She had "
                                              "ketamine treatment today."))
    assert "911" in first, first
    side = reply_text(assistant.send(sender, "Should I put her on her side?"))
    assert "side" in side and "911" in side, side


def test_a_misspelled_overdose_gets_the_emergency_reply_and_then_911_now(assistant):
    """Last round's final read: "i tooke like 10 of my sleping pils" got the crisis reply (988)
    and not Poison Control; "wat do i do" then got the crisis follow-up, not "call 911 now"."""
    sender = new_sender("emergency")
    first = reply_text(assistant.send(sender, "i tooke like 10 of my sleping pils an hour ago"))
    assert "1-800-222-1222" in first and "911" in first, first
    then = reply_text(assistant.send(sender, "wat do i do"))
    assert "911" in then and "don't know" not in then, then



def test_i_called_now_what_and_a_shower_to_wake_him_are_answered(assistant):
    """Review 26: "i called, now what" got "call 911 now" again; "should i put him in the shower
    to wake him up" got no word on the shower."""
    sender = new_sender("emergency")
    assistant.send(sender, "my boyfriend snorted some ketamine his friend brought over and now "
                           "hes barely talking and his lips look kinda blue")
    called = reply_text(assistant.send(sender, "i called, now what"))
    assert "call 911 now" not in called.lower(), called
    shower = reply_text(assistant.send(sender, "they said 10 min, should i put him in the "
                                               "shower to wake him up"))
    assert "shower" in shower and "1-800-222-1222" in shower, shower


def test_a_parents_heart_pills_doubled_by_accident_gets_poison_control(assistant):
    """Review 26: "my dad took like double his heart pills by accident, hes 80" got the reply
    for someone else's suicidal crisis."""
    phone = new_phone()
    first = " ".join(send_sms(assistant, phone, "my dad took like double his heart pills by "
                                                "accident, hes 80"))
    assert "1-800-222-1222" in first and "ask directly about suicide" not in first.lower(), first


def test_symptoms_after_a_second_troche_taken_at_home_are_an_emergency(assistant):
    """Review 27: "now the room is spinning and i feel sick" after a second home troche got
    "not sure how I can help"."""
    sender = new_sender("emergency")
    assistant.send(sender, "hey so i took my ketamine troche at home and then took another one "
                           "an hour later cause i didnt feel anything")
    reply = reply_text(assistant.send(sender, "now the room is spinning and i feel sick"))
    assert "911" in reply and "1-800-222-1222" in reply, reply


def test_a_pet_acting_wobbly_and_a_mix_up_remedy_are_answered(assistant):
    """Review 27: "hes acting weird and wobbly" after a dog into a ketamine spray got "I don't
    know"; "can i give her coffee to bring it up" after a mix-up got the answer on parking."""
    sender = new_sender("pet")
    assistant.send(sender, "my dog ate some of my ketamine nasal spray bottle?? idk how much")
    wobbly = reply_text(assistant.send(sender, "hes acting weird and wobbly"))
    assert "vet" in wobbly.lower(), wobbly
    phone = new_phone()
    send_sms(assistant, phone, "my mom took double her blood pressure pills by mistake")
    coffee = " ".join(send_sms(assistant, phone, "can i give her coffee to bring it up"))
    assert "coffee" in coffee and "1-800-222-1222" in coffee, coffee


def test_a_child_into_pills_in_spanish_gets_the_spanish_emergency_reply(assistant):
    """Review 27: three turns of the Spanish "I only answer in English"."""
    phone = new_phone()
    reply = " ".join(send_sms(assistant, phone, "mi hijo se tomo unas pastillas de mi mama, "
                                                "tiene 4 años"))
    assert "911" in reply and "1-800-222-1222" in reply and "solo responde" not in reply, reply
