"""Whose crisis it is (bot/safety/subject.py): the helper's replies go to someone writing about
another person in danger, never to a person in danger themselves."""

import pytest

from bot.safety.subject import crisis_subject, stated_crisis_subject


@pytest.mark.parametrize("text, subject", [
    ("my son just texted me that he wants to die", "other"),
    # written after the ninth round, tried end to end: both got the general first reply
    ("my roomate just told me hes gonna end it tonite, what do i say to him", "other"),
    ("mi esposa dice que ya no quiere seguir viviendo y se encerro en el baño", "other"),
    ("mi hijo dice que se quiere matar", "other"),
    ("I want to kill myself", "self"),
    ("im gonna end it tonight", "self"),
    ("me quiero morir", "self"),
    ("ya no quiero vivir, mi esposa no sabe", "self"),
    ("my son says he wants to die and honestly I want to die too", "self"),
    # review 15: a goodbye message someone else sent
    ("my friend just texted me a goodbye message", "other"),
    ("i just texted my friend a goodbye message", "self"),
    # suite 16: a goodbye texted, and "sorry for everything", by someone else
    ("my best friend just texted me goodbye and said shes sorry for everything", "other"),
    ("i texted my mom goodbye", "self"),
    # review 19: a mother saving her pills, a brother with a gun
    ("im writing for my mom, shes 80. she wants to go be with dad and she has been saving her "
     "pills", "other"),
    ("he has a gun and thinks about using it on himself sometimes", "other"),
    # suite 17: a goodbye posted online, and her own words quoted
    ("my sister just posted on instagram saying goodbye to everyone and now she isnt answering "
     "her phone", "other"),
    ("my best friend just texted me 'im sorry for everything, take care of my cat'. im scared",
     "other"),
    ("i posted saying goodbye to everyone", "self"),
    # suite 21: someone else's words reported, also when they are in the first person
    ("my roommate just sent me a text saying shes sorry for everything and goodbye. im at work. "
     "what do i do", "other"),
    ("my brother posted on facebook 'i wont be a burden much longer' and then deleted it",
     "other"),
    ('my friend texted me "i want to die"', "other"),
    ("i want to die and my mom said thats dramatic", "self"),
    # review 24: someone else told of throughout, the writer only as the one helping
    ("my dad is 70 and keeps talking about how his life insurance will take care of mom. today he "
     "gave me his watch and said he wont need it", "other"),
    ("my friend just posted on insta a pic of a bunch of pills with \"goodnight forever\" i dont "
     "know where she lives exactly, she moved last month", "other"),
    ("My sister called me crying and then said shes taking all her lamictal. I called 911 already "
     "and gave them her address", "other"),
    ("my boyfriend left me and now im done with everything, he doesnt care", "self"),
    ("my dad (68) said goodbye to everyone at dinner tonight like it was the last time and hes "
     "been giving stuff away. he has a shotgun in the closet", "other"),
    ("my husband left and I have nothing to live for, he took the kids", "self"),
    # suite 22
    ("my best friend just texted me she has a bottle of pills and shes going to take them all "
     "tonight", "other"),
])
def test_someone_else_in_danger_is_told_from_the_writer_s_own_words(text, subject):
    assert crisis_subject((), text) == subject


@pytest.mark.parametrize("text, subject", [
    # review 16: English "he" is someone else, Spanish "he pensado" is the writer
    ("my husband has a gun and he keeps saying everyone would be better off without him",
     "other"),
    ("he pensado en quitarme la vida", "self"),
])
def test_whose_crisis_a_rule_verdict_is(text, subject):
    from bot.safety.crisis import detect_crisis

    assert crisis_subject(detect_crisis(text).categories, text) == subject


@pytest.mark.parametrize("text, subject", [
    # a follow-up that names nobody at risk leaves the conversation's subject as it was
    ("she lives 2 hrs away and now she wont pick up", None),
    ("what do i do now", None),
    ("my sister just texted me that she wants to die", "other"),
    ("honestly i want to die too", "self"),
])
def test_only_words_that_say_whose_crisis_it_is_set_it(text, subject):
    assert stated_crisis_subject(text) == subject


def test_a_verdict_about_someone_else_is_their_crisis():
    from bot.safety.crisis import detect_crisis

    text = "my sister just posted something online that reads like a goodbye note"
    assert crisis_subject(detect_crisis(text).categories, text) == "other"
    own = "i posted something online that reads like a goodbye note"
    assert crisis_subject(detect_crisis(own).categories, own) == "self"



def test_letters_written_to_ones_kids_are_the_writers_own_crisis():
    """Review 21: "i found a new home for my cat today and wrote letters to my kids" got the
    helper's reply ("i found" had been read as a question's frame, leaving no first person)."""
    from bot.safety.crisis import detect_crisis
    text = ("i found a new home for my cat today and wrote letters to my kids. feels good to have "
            "things in order")
    verdict = detect_crisis(text)
    assert verdict.is_crisis and crisis_subject(verdict.categories, text) == "self"


def test_where_someone_is_is_no_report_of_their_crisis():
    """Review 21: a veteran's "My wife is asleep. Dont want to wake her" after his own crisis is
    no crisis of hers; the conversation's subject stands."""
    assert stated_crisis_subject("My wife is asleep. Dont want to wake her") is None
