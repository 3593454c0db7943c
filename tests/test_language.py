"""Spanish messages are recognised, so the assistant can say in Spanish that it answers in
English and give the clinic's phone; English messages with a Spanish word stay English."""

import pytest

from bot.language import language_undecided, looks_spanish


@pytest.mark.parametrize("text", [
    "¿Cuál es su horario los sábados?", "y el horario?", "cuanto cuesta el tratamiento",
    "aceptan seguro médico", "Necesito cambiar mi cita del jueves, por favor.",
    "no le digas a nadie",  # after a Spanish crisis reply (fourteenth round's note)
])
def test_spanish_messages(text):
    assert looks_spanish(text)


@pytest.mark.parametrize("text", [
    "what is ketamine therapy", "I want to book a cita", "special k", "the price", "",
])
def test_english_messages(text):
    assert not looks_spanish(text)


@pytest.mark.parametrize("text", ["sí", "gracias", "ok", "no", "vale"])
def test_short_replies_keep_the_conversations_language(text):
    assert language_undecided(text)


@pytest.mark.parametrize("text", ["thanks", "what is it", "cuanto cuesta el tratamiento",
                                  "how much does it cost"])
def test_messages_with_their_own_language_decide_it(text):
    assert not language_undecided(text)


def test_saying_one_speaks_little_english_is_spanish():
    """Review 11: "no hablo mucho ingles" was answered in English."""
    assert looks_spanish("no hablo mucho ingles")
    assert not looks_spanish("I don't speak much Spanish")
