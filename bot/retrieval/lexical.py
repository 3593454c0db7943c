"""Lexical scoring: a tokenizer (stopwords + Porter stemming) and an Okapi BM25 index.

Pure Python (no numpy): the index is rebuilt from the stored texts every time an index is
loaded, which takes milliseconds for a clinic-sized knowledge base. Scores can be normalised to
[0, 1] against the best score the query could reach, so they are comparable across queries and
can be fused with cosine similarities under one fixed threshold.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

# Shorter words are not corrected: "car" is not a typo of "care".
FUZZY_MIN_LENGTH = 5
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

# No stopword list by default: measured, removing even function words ("can", "should",
# "where") costs accuracy on both evaluation sets, because they tell "where can I get tested"
# from "should I get tested" (docs/retrieval.md). Kept as a parameter for experiments.
STOPWORDS: frozenset[str] = frozenset()


def tokenize(text: str, *, stem: bool = True, stopwords: frozenset[str] = STOPWORDS) -> list[str]:
    """Lower-case word tokens of ``text`` without stopwords, Porter-stemmed when ``stem``."""
    tokens = []
    text = text.lower().replace("\u2019", "'")
    for raw in _TOKEN.findall(text):
        word = raw[:-2] if raw.endswith("'s") else raw.replace("'", "")
        if word and word not in stopwords:
            tokens.append(porter_stem(word) if stem else word)
    return tokens


class BM25:
    """Okapi BM25 over a fixed list of documents, with an inverted index for fast queries."""

    def __init__(self, documents: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75):
        """Index ``documents`` (each a list of tokens)."""
        self.k1, self.b = k1, b
        self.size = len(documents)
        lengths = [len(doc) for doc in documents]
        avg = (sum(lengths) / self.size) if self.size else 0.0
        frequencies: dict[str, list[tuple[int, int]]] = {}
        for position, doc in enumerate(documents):
            for term, count in Counter(doc).items():
                frequencies.setdefault(term, []).append((position, count))
        self.idf = {term: self._idf(len(posts)) for term, posts in frequencies.items()}
        # Typo tolerance (symmetric delete distance, as in SymSpell): every term and its one-
        # letter deletions point back to the term, so "sesion" finds "session", "brian" "brain".
        self._variants: dict[str, list[str]] = {}
        for term in sorted(frequencies, key=lambda t: -len(frequencies[t])):
            if len(term) >= FUZZY_MIN_LENGTH and not term.isdigit():
                for variant in {term, *_deletions(term)}:
                    self._variants.setdefault(variant, []).append(term)
        # Precomputed per-posting weights: a query is then a few dictionary look-ups and sums.
        self.postings: dict[str, list[tuple[int, float]]] = {}
        for term, posts in frequencies.items():
            weights = []
            for position, tf in posts:
                norm = 1 - b + b * (lengths[position] / avg if avg else 0.0)
                weights.append((position, self.idf[term] * tf * (k1 + 1) / (tf + k1 * norm)))
            self.postings[term] = weights

    def _idf(self, document_frequency: int) -> float:
        # Lucene's variant: always positive, so a very common word still counts a little.
        n = self.size
        return math.log(1 + (n - document_frequency + 0.5) / (document_frequency + 0.5))

    def correct(self, term: str) -> str:
        """``term`` itself when indexed, else the most common indexed term one edit away
        (insertion, deletion, substitution or swap of neighbours), else ``term`` unchanged."""
        if term in self.idf or len(term) < FUZZY_MIN_LENGTH or term.isdigit():
            return term
        for variant in (term, *sorted(_deletions(term))):
            matches = self._variants.get(variant)
            if matches:
                return matches[0]
        return term

    def scores(self, query: Iterable[str]) -> list[float]:
        """Raw BM25 score of every document for the query tokens (typos corrected)."""
        totals = [0.0] * self.size
        for term in map(self.correct, query):
            for position, weight in self.postings.get(term, ()):
                totals[position] += weight
        return totals

    def unknown_fraction(self, query: Sequence[str], min_length: int = 3) -> float:
        """Share of the query's words (of ``min_length``+ letters) that no document contains,
        after typo correction: "does my car insurance cover a cracked windshield" is mostly
        words the clinic's knowledge never uses."""
        words = [term for term in map(self.correct, query) if len(term) >= min_length]
        if not words:
            return 0.0
        return sum(term not in self.idf for term in words) / len(words)

    def normalised_scores(self, query: Sequence[str]) -> list[float]:
        """BM25 scores divided by the most the query could score, so 1.0 = every term matched.

        A query term absent from the collection counts with the idf of an unseen word: a query
        about something the knowledge never mentions therefore scores low, which is what the
        out-of-scope decision needs.
        """
        if not query or not self.size:
            return [0.0] * self.size
        unseen = self._idf(0)
        query = [self.correct(term) for term in query]
        ceiling = sum(self.idf.get(term, unseen) for term in query) * (self.k1 + 1)
        return [score / ceiling for score in self.scores(query)]


class Speller:
    """Corrects misspelt words of a query towards the knowledge's own vocabulary.

    A word is left alone when it is short, part of the knowledge, or a known English word (the
    embedding model's word list): "hearing" must not become "healing". Only an unknown word one
    edit away from a knowledge word is replaced ("sesion" -> "session", "depresion" ->
    "depression"), so the embedding sees the word the patient meant.
    """

    _WORD = re.compile(r"[A-Za-z]+")

    def __init__(self, texts: Iterable[str], known_words: Iterable[str] = ()):
        """Learn the vocabulary of ``texts``; ``known_words`` are never corrected."""
        counts = Counter(w for text in texts for w in self._WORD.findall(text.lower()))
        self.vocabulary = set(counts)
        self.known = frozenset(known_words)
        self._variants: dict[str, str] = {}
        for word, _ in counts.most_common():
            if len(word) >= FUZZY_MIN_LENGTH:
                for variant in (word, *_deletions(word)):
                    self._variants.setdefault(variant, word)

    def word(self, word: str) -> str:
        """The correction of one lower-case word (itself when nothing fits)."""
        if len(word) < FUZZY_MIN_LENGTH or word in self.vocabulary or word in self.known:
            return word
        for variant in (word, *sorted(_deletions(word))):
            if variant in self._variants:
                return self._variants[variant]
        return word

    def correct(self, text: str) -> str:
        """``text`` with misspelt words replaced (everything else unchanged)."""

        def fix(match: re.Match) -> str:
            word = match.group(0)
            fixed = self.word(word.lower())
            return word if fixed == word.lower() else fixed

        return self._WORD.sub(fix, text)


def _deletions(term: str) -> set[str]:
    return {term[:i] + term[i + 1 :] for i in range(len(term))}


# --- Porter stemmer (M. F. Porter, 1980), the original algorithm --------------------------------

_VOWELS = frozenset("aeiou")


def _is_consonant(word: str, i: int) -> bool:
    ch = word[i]
    if ch in _VOWELS:
        return False
    if ch == "y":
        return i == 0 or not _is_consonant(word, i - 1)
    return True


def _measure(stem: str) -> int:
    """Number of vowel-consonant sequences (Porter's m)."""
    m, previous_vowel = 0, False
    for i in range(len(stem)):
        consonant = _is_consonant(stem, i)
        if consonant and previous_vowel:
            m += 1
        previous_vowel = not consonant
    return m


def _has_vowel(stem: str) -> bool:
    return any(not _is_consonant(stem, i) for i in range(len(stem)))


def _double_consonant(word: str) -> bool:
    return len(word) >= 2 and word[-1] == word[-2] and _is_consonant(word, len(word) - 1)


def _cvc(word: str) -> bool:
    if len(word) < 3:
        return False
    return (
        _is_consonant(word, len(word) - 3)
        and not _is_consonant(word, len(word) - 2)
        and _is_consonant(word, len(word) - 1)
        and word[-1] not in "wxy"
    )


def _replace(word: str, rules: Sequence[tuple[str, str]], min_measure: int) -> str:
    for suffix, replacement in rules:
        if word.endswith(suffix):
            stem = word[: len(word) - len(suffix)]
            return stem + replacement if _measure(stem) > min_measure else word
    return word


_STEP2 = (
    ("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("izer", "ize"),
    ("abli", "able"), ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous"),
    ("ization", "ize"), ("ation", "ate"), ("ator", "ate"), ("alism", "al"), ("iveness", "ive"),
    ("fulness", "ful"), ("ousness", "ous"), ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"),
)
_STEP3 = (
    ("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"),
    ("ful", ""), ("ness", ""),
)
_STEP4 = (
    "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou",
    "ism", "ate", "iti", "ous", "ive", "ize",
)


@lru_cache(maxsize=65536)
def porter_stem(word: str) -> str:
    """The Porter stem of a lower-case word ("infusions" -> "infus", "working" -> "work")."""
    if len(word) <= 2:
        return word
    # Step 1a: plurals.
    if word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("ies"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    # Step 1b: -ed, -ing.
    if word.endswith("eed"):
        if _measure(word[:-3]) > 0:
            word = word[:-1]
    else:
        for suffix in ("ed", "ing"):
            if word.endswith(suffix) and _has_vowel(word[: -len(suffix)]):
                word = word[: -len(suffix)]
                if word.endswith(("at", "bl", "iz")):
                    word += "e"
                elif _double_consonant(word) and word[-1] not in "lsz":
                    word = word[:-1]
                elif _measure(word) == 1 and _cvc(word):
                    word += "e"
                break
    # Step 1c: y -> i after a vowel-bearing stem.
    if word.endswith("y") and _has_vowel(word[:-1]):
        word = word[:-1] + "i"
    word = _replace(word, _STEP2, 0)
    word = _replace(word, _STEP3, 0)
    # Step 4: strip a suffix when the stem is long enough (m > 1).
    for suffix in _STEP4:
        if word.endswith(suffix):
            stem = word[: -len(suffix)]
            if _measure(stem) > 1 and (suffix != "ion" or stem.endswith(("s", "t"))):
                word = stem
            break
    # Step 5: final -e and -ll.
    if word.endswith("e"):
        stem = word[:-1]
        if _measure(stem) > 1 or (_measure(stem) == 1 and not _cvc(stem)):
            word = stem
    if _measure(word) > 1 and _double_consonant(word) and word.endswith("l"):
        word = word[:-1]
    return word
