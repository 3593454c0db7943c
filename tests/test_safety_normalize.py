"""Normalisation: the spellings people really type map onto the forms the rules match."""

import pytest

from bot.safety.normalize import normalize, normalize_variants


@pytest.mark.parametrize(
    ("raw", "expected_in_some_form"),
    [
        ("I'M SO DONE", "im so done"),
        ("I\u2019m fine", "im fine"),                      # curly apostrophe
        ("dont", "dont"),
        ("don't", "dont"),
        ("i am tired", "im tired"),
        ("soooo tired", "so tired"),
        ("killllll", "kill"),
        ("k1ll mys3lf", "kill myself"),
        ("$uicide", "suicide"),
        ("su\u200bicide", "suicide"),                      # zero-width space inside the word
        ("s.u.i.c.i.d.e", "suicide"),
        ("k i l l myself", "kill myself"),
        ("suicde", "suicide"),
        ("sucidal", "suicidal"),
        ("suiside", "suicide"),
        ("overdoes on pills", "overdose on pills"),
        ("my self", "myself"),
        ("wanna die", "want to die"),
        ("im gonna", "im going to"),
        ("want 2 die", "want to die"),
        ("kms", "kill myself"),
        ("self-harm", "self harm"),
        ("selfharm", "self harm"),
        ("\uff49 \uff41\uff4d", "im"),                     # full-width letters (NFKC)
    ],
)
def test_normalised_forms(raw, expected_in_some_form):
    assert any(expected_in_some_form in form for form in normalize_variants(raw))


@pytest.mark.parametrize(
    ("raw", "unchanged_word"),
    [
        ("my bill is overdue", "overdue"),        # one edit from "overdose", a real word
        ("the steak was overdone", "overdone"),
        ("when does it subside", "subside"),      # close to "suicide"
        ("he overdoes it at the gym", "overdoes"),
        ("I took 20mg", "20mg"),                  # doses are not leetspeak
        ("call 988", "988"),
        ("unlike SSRIs", "unlike"),
    ],
)
def test_real_words_and_numbers_are_kept(raw, unchanged_word):
    assert unchanged_word in normalize(raw).split()


def test_empty_and_odd_input_is_safe():
    assert normalize("") == ""
    assert normalize("   \n\t ") == ""
    assert normalize("!!!???") == ""
    assert normalize("\U0001F622\U0001F622") == ""
