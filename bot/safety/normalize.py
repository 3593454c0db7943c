"""Text normalisation shared by the safety detectors (standard library only).

People in distress type fast, on phones, in slang: "im soooo done", "k1ll mys3lf",
"sucidal", "i dont wanna wake up". Every detector matches patterns against the forms
produced here, never against the raw text, so each pattern is written once for the
canonical spelling:

* Unicode NFKC, lower case, zero-width and soft-hyphen characters removed, curly quotes
  straightened.
* Apostrophes dropped, so "don't" and "dont" are the same token ("dont", "im", "ive",
  "id", "shes"). Patterns are written in this apostrophe-free spelling.
* Leetspeak inside words that mix letters with digits or symbols ("k1ll", "$uicide").
* Letters spelled out one by one ("k i l l", "s.u.i.c.i.d.e") joined back together.
* Chat shorthand expanded ("wanna" -> "want to", "u" -> "you", "rn" -> "right now").
* Close misspellings of a few key words corrected ("suicde", "sucidal", "overdoes on").
* Runs of three or more identical letters collapsed. Because "soooo" should become "so"
  but "killlll" should become "kill", two variants are produced (runs -> 1 letter and
  runs -> 2 letters) and detectors match either.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_ZERO_WIDTH = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\ufeff\u00ad\u180e"))
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                       "$": "s", "!": "i", "|": "l", "+": "t"})
# A "word" in leet sense: letters mixed with digits/symbols, e.g. "k1ll", "su1c1de", "$uicide".
_LEET_WORD = re.compile(r"(?<![\w$@!|+])[a-z0-9$@!|+]*[a-z][a-z0-9$@!|+]*")
_HAS_LEET = re.compile(r"[0-9$@!|+]")
_DOSE_LIKE = re.compile(r"^\d+[a-z]{1,3}$|^[a-z]{1,3}\d+$")  # "20mg", "5ml", "x2": keep as is

# Chat shorthand, applied to whole tokens after punctuation is gone.
_SHORTHAND = {
    "wanna": "want to", "wana": "want to", "wnna": "want to", "gonna": "going to",
    "gona": "going to", "gunna": "going to", "gna": "going to", "finna": "going to",
    "imma": "im going to", "ima": "im going to", "tryna": "trying to",
    "gotta": "got to", "hafta": "have to", "outta": "out of", "kinda": "kind of",
    "sorta": "sort of", "lemme": "let me", "gimme": "give me", "dunno": "dont know",
    "u": "you", "ur": "your", "youre": "you are", "r": "are", "ppl": "people",
    "b4": "before", "bc": "because", "bcuz": "because", "cuz": "because", "coz": "because",
    "cos": "because", "abt": "about", "tmrw": "tomorrow", "tmr": "tomorrow", "tmrrw": "tomorrow",
    "tonite": "tonight", "rn": "right now", "atm": "right now", "pls": "please", "plz": "please",
    "idc": "i dont care", "idk": "i dont know", "ik": "i know", "w": "with", "wo": "without",
    "smth": "something", "sth": "something", "nothin": "nothing", "nuthin": "nothing",
    "evry1": "everyone", "every1": "everyone", "some1": "someone", "no1": "no one",
    "noone": "no one", "any1": "anyone", "any more": "anymore", "bf": "boyfriend",
    "gf": "girlfriend", "bff": "best friend", "bestie": "best friend", "mom": "mother",
    "mum": "mother", "mommy": "mother", "dad": "father", "daddy": "father", "sis": "sister",
    "bro": "brother", "meds": "medication", "medicine": "medication", "pillz": "pills",
    "thx": "thanks", "ty": "thank you", "aint": "isnt", "myslf": "myself", "mysef": "myself",
    "ma": "my", "mah": "my", "selfharm": "self harm", "selfharming": "self harming",
    "selfharmed": "self harmed", "sewerslide": "suicide", "sewer slide": "suicide",
    "suicidee": "suicide", "kms": "kill myself", "kmss": "kill myself",
    "ded": "dead", "dyin": "dying", "killin": "killing", "cuttin": "cutting",
    "nvm": "never mind", "tho": "though", "thru": "through", "sum": "some", "b": "be",
    "lfe": "life", "lif": "life", "lyfe": "life", "lyf": "life", "liife": "life",
    "feelin": "feeling", "thinkin": "thinking", "livin": "living", "tryin": "trying",
    "goin": "going", "doin": "doing", "wakin": "waking", "cryin": "crying",
    # misspellings of what an overdose is told with ("i tooke 10 of my sleping pils")
    "pils": "pills", "pilz": "pills", "tooke": "took", "tookd": "took",
    "sleping": "sleeping", "sleepin": "sleeping", "slepping": "sleeping", "medicin": "medication",
    "medecine": "medication", "medicne": "medication", "perscription": "prescription",
    "prescripton": "prescription", "tablts": "tablets", "tablits": "tablets",
    "swalowed": "swallowed", "swallowd": "swallowed", "swalloed": "swallowed",
    "acident": "accident",
    # texting slang of crisis words (dev21: "thinkin bout endin it all", "sui thoughts",
    # "been sh'ing again", "make it thru the nite")
    "bout": "about", "endin": "ending", "nite": "night", "2nite": "tonight", "tnite": "tonight",
    "sui": "suicidal", "shing": "self harming",
    "accidant": "accident", "acidentally": "accidentally", "accidentaly": "accidentally",
}
# Multi-word joins and splits, applied to the space-separated text.
_PHRASES = [
    (re.compile(r"\bmy self\b"), "myself"),
    (re.compile(r"\bmy slef\b"), "myself"),
    (re.compile(r"\bhim self\b"), "himself"),
    (re.compile(r"\bher self\b"), "herself"),
    (re.compile(r"\bthem ?sel(?:f|ves|fs)\b"), "themselves"),
    (re.compile(r"\bthemself\b"), "themselves"),
    (re.compile(r"\bsewer ?slide\b"), "suicide"),
    (re.compile(r"\bself ?(harm(?:ing|ed|s)?)\b"), r"self \1"),
    (re.compile(r"\bsh (again|urges?|scars?|relapse|thoughts)\b"), r"self harm \1"),
    (re.compile(r"\b(relapsed|relapsing|relapse|clean from|urges? to|did|doing) sh\b"),
     r"\1 self harm"),
    (re.compile(r"\bo d\b"), "od"),
    (re.compile(r"\bod d\b"), "overdosed"),
    (re.compile(r"\bi m\b"), "im"),
    (re.compile(r"\bi am\b"), "im"),
    (re.compile(r"\bdo not\b"), "dont"),
    (re.compile(r"\bdoes not\b"), "doesnt"),
    (re.compile(r"\bcan ?not\b"), "cant"),
    (re.compile(r"\bwill not\b"), "wont"),
    (re.compile(r"\bwould not\b"), "wouldnt"),
    (re.compile(r"\bis not\b"), "isnt"),
    (re.compile(r"\bdid not\b"), "didnt"),
    (re.compile(r"\bany more\b"), "anymore"),
    (re.compile(r"\bno one\b|\bnobody\b"), "noone"),
    (re.compile(r"\b(want|going|need|trying|try|plan|planning|how|ready|about|have|got|wish)"
                r" 2\b"), r"\1 to"),
    (re.compile(r"\bkill my ?self\b"), "kill myself"),
]

# Key words whose close misspellings are corrected; the guard list holds real words that
# sit one edit away and must stay as they are ("overdue", "overdone", "subside").
_VOCAB = ("suicide", "suicidal", "suicidally", "overdose", "overdosed", "overdosing",
          "overdoses", "myself", "unalive", "unaliving", "unalived", "wrists", "cutting",
          "himself", "herself", "themselves", "hopeless", "worthless")
_GUARD = frozenset({
    "overdue", "overdone", "overdoing", "overdoes", "overrode", "overdrive", "overdraw",
    "subside", "decide", "suicides", "yourself", "itself", "unlike", "unalike", "curing",
    "cutting", "putting", "getting", "setting", "sitting", "letting", "butting", "gutting",
    "hitting", "cuttings", "hopeful", "homeless", "helpless", "careless", "priceless",
    "worthies", "wrist", "writs", "herself", "himself", "themselves", "muself",
})
_SUICIDE_PHONETIC = re.compile(
    r"^s+(?:u|oo|ou|ew)+[iey]*(?:c|s|ss|sc|z)+[iey]+d+(?:e|al|le|el|ul|ally|e?s)?$")


def _edit_distance_at_most_one(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (len(diff) == 2 and diff[1] == diff[0] + 1
                and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


@lru_cache(maxsize=4096)
def _correct(token: str) -> str:
    if len(token) < 6 or token in _GUARD or token in _VOCAB:
        return token
    if _SUICIDE_PHONETIC.match(token):
        return "suicidal" if token.endswith(("al", "ally", "le", "el", "ul")) else "suicide"
    for word in _VOCAB:
        if _edit_distance_at_most_one(token, word):
            return word
    return token


def _deleet(match: re.Match) -> str:
    word = match.group(0)
    if not _HAS_LEET.search(word) or _DOSE_LIKE.match(word):
        return word
    if not re.search(r"[a-z]", word.rstrip("!|")):
        return word
    core = word.rstrip("!.")  # a trailing "!" is punctuation, not an "i"
    return core.translate(_LEET) + word[len(core):]


def _join_spelled_out(text: str) -> str:
    # "k i l l", "d i e": three or more single letters in a row form one word.
    def join(match: re.Match) -> str:
        letters = match.group(0)
        return letters if re.fullmatch(r"(?:[ia] ?)+", letters) else letters.replace(" ", "")

    return re.sub(r"\b(?:[a-z] ){2,}[a-z]\b", join, text)


def _base(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").translate(_ZERO_WIDTH).translate(_QUOTES)
    text = text.lower()
    # Accents are folded, not dropped: Spanish "tomé" must stay "tome", not become "tom".
    text = "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))
    text = _LEET_WORD.sub(_deleet, text)
    # "od'd" / "OD'ed" must not turn into the word "odd"
    text = re.sub(r"\bo\.?d\.?'(?:d|ed)\b", "overdosed", text)
    text = re.sub(r"'", "", text)                       # "don't" -> "dont", "i'm" -> "im"
    text = re.sub(r"(?<=\b[a-z])\.(?=[a-z]\b)", " ", text)  # "s.u.i.c.i.d.e"
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return _join_spelled_out(text)


def _finish(text: str) -> str:
    tokens = [_SHORTHAND.get(t, t) for t in text.split()]
    text = " ".join(_correct(t) if " " not in t else t for t in tokens)
    for pattern, repl in _PHRASES:
        text = pattern.sub(repl, text)
    # "want too die", "going 2 end it": "too"/"2" for "to" before a verb
    text = re.sub(r"\b(want|wanted|going|need|trying|try|tried|plan|planning|how|ready|about|"
                  r"have|got|wish|deserve|decided|like|love|used) (?:too|2)\b", r"\1 to", text)
    # "dye" for "die" is a common slip; dyeing hair or fabric is not
    text = re.sub(r"\bdye\b(?! (?:my|her|his|your|their|the|it|hair|them|fabric|clothes))",
                  "die", text)
    # "overdoes it" is a real phrase ("he overdoes it at the gym"), "overdoes on" is a typo
    text = re.sub(r"\boverdoes\b(?! it\b)", "overdose", text)
    return re.sub(r"\s+", " ", text).strip()


def normalize_variants(text: str) -> tuple[str, ...]:
    """Return the distinct normalised forms of text that detectors should match against.

    The forms differ only in how letter runs are collapsed ("soooo" -> "so", "killll" ->
    "kill"); each is lower case, apostrophe-free, punctuation-free and single-spaced.
    """
    base = _base(text)
    one = _finish(re.sub(r"([a-z])\1{2,}", r"\1", base))
    two = _finish(re.sub(r"([a-z])\1{2,}", r"\1\1", base))
    return (one,) if one == two else (one, two)


def normalize(text: str) -> str:
    """Return the main normalised form of text (letter runs collapsed to one letter)."""
    return normalize_variants(text)[0]


def said(pattern: re.Pattern[str], text: str) -> bool:
    """True when ``pattern`` is found in one of the message's normalised forms."""
    return any(pattern.search(form) for form in normalize_variants(text or ""))
