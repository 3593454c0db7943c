"""Is a message written in Spanish? A small, dependency-free check for the one other language
patients here write in: the assistant answers in English and says so in Spanish.
"""

from __future__ import annotations

import re
import unicodedata

_SPANISH_WORDS = frozenset(
    "que qué el la los las de del es son por para como cómo cuanto cuánto cuánta cuesta "
    "donde dónde tienen tiene puedo quiero necesito hola gracias cita citas precio horario seguro "
    "usted ustedes mi mis con una un y o pero también tambien hablan habla español espanol "
    "buenos buenas dias días tardes noches ayuda médico medico tratamiento sesión sesion "
    "ketamina aceptan hacer cambiar mañana manana semana sábado sabado domingo "
    "hablo inglés ingles entiendo mucho poco contesta teléfono telefono hago vive ciudad otra "
    "hijo hija esposo esposa "
    # words of a crisis or an emergency, so that one is recognised and answered in Spanish
    "morir vivir matarme suicidarme quitarme vida nada nadie estoy todo todos más mas pastillas "
    "pecho respirar duele ya si sí vale bueno claro adiós adios "
    # everyday words of a reply in a Spanish conversation ("no sé si llamar, me da vergüenza")
    "se sé da miedo vergüenza verguenza llamar hablar tengo tienes esta está estás soy hay muy "
    "porque cuando ahora aqui aquí mucho hijo hija esposo esposa madre padre nunca siempre "
    "quien quién puede pueden saber creo estan están ubicados ubicada ubicación ubicacion "
    "dirección direccion clínica clinica abren cierran hora horas cuál cual "
    # a short reply after a Spanish crisis reply ("no le digas a nadie", fourteenth round's note)
    "le les lo digas dile decir digan nadie".split()
)
# Not "a": it is Spanish too ("no le digas a nadie").
_ENGLISH_WORDS = frozenset(
    "the is are do does can i you my what how when where which who an to of and or for with "
    "it this that have has be will would should please thanks hello hi".split()
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


# Accents are optional on a phone keyboard: "como" counts as "cómo".
_SPANISH_FOLDED = frozenset(_fold(w) for w in _SPANISH_WORDS)


def looks_spanish(text: str) -> bool:
    """True when the message reads as Spanish: more Spanish than English function words and at
    least two of them, or Spanish punctuation (¿ ¡) or ñ with one of them."""
    words = [w.lower() for w in _WORD.findall(text or "")]
    spanish = sum(1 for w in words if _fold(w) in _SPANISH_FOLDED)
    english = sum(1 for w in words if w in _ENGLISH_WORDS)
    marked = any(ch in (text or "") for ch in "¿¡ñÑ")
    if marked and spanish >= 1 and english == 0:
        return True
    return spanish >= 2 and spanish > english


# The entity the safety component sets and the slot the Spanish response variations read.
MESSAGE_LANGUAGE = "message_language"


def message_language(text: str, rule_ids: tuple[str, ...] = ()) -> str:
    """"es" for a message in Spanish, else "en". ``rule_ids``: the crisis rules the message
    matched; a Spanish rule (``es_...``) settles it even for a message of two words."""
    if any(rule.startswith("es_") for rule in rule_ids) or looks_spanish(text):
        return "es"
    return "en"


MAX_UNDECIDED_WORDS = 6


def language_undecided(text: str, rule_ids: tuple[str, ...] = ()) -> bool:
    """True for a short reply that is not Spanish by itself and has no English function word
    ("sí", "gracias", "ok", "no"): it is in the language the conversation was already in, so
    the ``message_language`` slot keeps its value."""
    if message_language(text, rule_ids) == "es":
        return False
    words = [w.lower() for w in _WORD.findall(text or "")]
    return len(words) <= MAX_UNDECIDED_WORDS and not any(w in _ENGLISH_WORDS for w in words)
