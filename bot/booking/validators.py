"""Validation of what a patient types into the consultation-request form.

Plain functions, no Rasa: the form validation action calls them and turns an ``Invalid``
into a re-ask. Each ``Invalid`` carries a ``reason`` code so the action can say what was
wrong without echoing the patient's text back into logs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta


class Invalid(ValueError):
    """The text cannot be used for the slot; ``reason`` says why (a stable code)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --------------------------------------------------------------------------- full name

NAME_MAX_CHARS = 80
NAME_MAX_WORDS = 6

# Ways people introduce their name; stripped before the name itself is checked.
_NAME_PREFIX = re.compile(
    r"^\s*(?:(?:hi|hello|hey)[,!.]?\s+)?"
    # "sorry, like I said", "I already told you": a lead-in before the introduction
    r"(?:(?:sorry|oops|ok|okay|again|like\s+i\s+said)[,!.]?\s+)*"
    r"(?:i\s+(?:already\s+)?(?:told|gave)\s+you(?:\s+(?:that|this|it))?[,.!]*"
    r"(?=\s+(?:my\s+name|it'?s|it\s+is))\s+)?"
    r"(?:(?:my|his|her|their|the\s+patient'?s|the\s+patients)\s+(?:full\s+)?name\s*"
    r"(?:is|[,;-]\s*(?:it'?s|it\s+is))|"
    r"(?:my|his|her|their)\s+name'?s|name\s*:|i\s*am|i'?m|"
    # "put my full name Jennifer Okafor", "use her name Rosa Delgado"
    r"(?:put|use|write|make\s+it|enter)\s+(?:(?:my|his|her|their|the)\s+)?(?:full\s+)?name"
    r"(?:\s+(?:as|is|to))?|"
    r"(?:it\s+)?should\s+(?:be|say|read)|(?:it'?s\s+)?actually(?:\s+it'?s)?|it'?s|this\s+is|call\s+me|"
    r"(?:she|he)\s+is|(?:she|he)'?s)\s+",
    re.IGNORECASE,
)
# "ok. Aisha Rahman", "sure, Tom Reyes": an acknowledgement before a capitalised name.
_ACKNOWLEDGEMENT = re.compile(
    r"^(?:(?:ok|okay|k|sure|yes|yeah|yep|alright|all right|fine|right)[,!.:;-]*\s+)+(?=[A-Z])",
    re.IGNORECASE)
# Filler after a name or before a time that is not part of it ("Sam Kowalski then", "ok.
# weekday afternoons", review 18 stored both as typed).
# Lower case only: "Ty Then" may be a name; "then" typed after one is not.
_TRAILING_FILLER = re.compile(
    r"(?:[,.!]?\s+(?:then|please|pls|plz|thanks|thank you|thx|ty|lol|haha|Thanks|Thank you|"
    r"Please))+[\s.!]*$")
_LEADING_FILLER = re.compile(
    r"^(?:(?:ok|okay|k|sure|yes|yeah|yep|alright|all right|fine|um+|uh+|so|hmm+)[,!.:;-]*\s+)+",
    re.IGNORECASE)
# Words that make a text a sentence or a question rather than a name. Words that are also
# common given names (Will, May, Mark, Bill...) are deliberately absent.
_SENTENCE_WORDS = frozenset(
    """
    i me my mine you your we our they the a an is are am was were be been do does did done
    what how why when where which who whom whose can could would should shall must might
    want wanted need like please thanks thank hello hi hey yes yeah yep no nope not don't
    dont doesn't isn't know sure okay ok about have has had it its it's this that these
    those there here to for with from into of on in at by if or but so because just
    book booking appointment consultation call phone email help ketamine therapy treatment
    cost price insurance anything nothing something stop cancel never mind
    looks sounds good fine great perfect cool awesome correct alright whatever maybe idk dunno
    bye later send sent number same
    """.split()
)
# Street words: "main st" is an address, not a name. "Lane" is also a surname ("Chris Lane",
# review 20, could not book), so only its abbreviation counts.
_ADDRESS_WORDS = frozenset(
    "st street ave avenue rd road blvd boulevard ln dr suite apt hwy highway".split()
)
# Days and times of day: "Fridays after lunch" typed at the name step is a time, not a name.
_TIME_WORDS = frozenset(
    """
    monday mondays tuesday tuesdays wednesday wednesdays thursday thursdays friday fridays
    saturday saturdays sunday sundays weekday weekdays weekend weekends morning mornings
    afternoon afternoons evening evenings night nights lunch lunchtime noon tonight today
    tomorrow am pm asap anytime whenever week weeks month later soon
    """.split()
)
# "Priyanka Desai Moore, no hyphen": a remark after the name, after a comma.
_AFTER_NAME_REMARK = re.compile(r"^(?P<name>[^,]+),\s*(?P<remark>.+)$")
_NAME_CHARS = re.compile(r"^[^\W\d_]+(?:[-'’.][^\W\d_]*)*\.?$")


# --------------------------------------------------------------------------- form steps

_YES = re.compile(
    r"^(?:y|yes|yeah|yep|yup|sure|ok|okay|fine|alright|all right|agreed?|i agree|of course|"
    r"absolutely|definitely|certainly|go for it|do it|very good|i consent|consent|i accept|"
    r"understood|that is (?:ok|okay|fine|alright)|"
    r"go ahead|sounds good|that'?s (?:ok|okay|fine)|no problem|please do|correct|confirm|"
    r"send(?: it)?|submit|looks (?:good|right|fine)|all good|that'?s right|perfect|"
    r"(?:please )?try(?: it| that| sending it)? again|try once more|retry|resend|"
    # Spanish, typed at a form step of the English form ("si", review 27 got "I don't know")
    r"si|sí|claro|de acuerdo|esta bien|está bien|dale)\b",
    re.IGNORECASE,
)
_NO = re.compile(
    r"^(?:n|no|nope|nah|not (?:ok|okay|really)|i'?d rather not|rather not|i don'?t|"
    r"don'?t|do not|i do not|wrong|that'?s wrong|incorrect)\b",
    re.IGNORECASE,
)


_LEAVING = re.compile(r"\b(?:bye|goodbye|good bye|bye bye|gotta go|got to go|see you|see ya|cya|"
                      r"ttyl|talk later|later then|leaving now|never mind|nevermind|nvm)\b")


# "ok maybe later", "not right now", "another time": a deferral, not a yes (review 15 had "ok
# maybe later" taken as consent).
_DEFERRAL = re.compile(
    r"\b(?:maybe |perhaps |probably )?(?:later|another time|some other time|not (?:right )?now|"
    r"not today|not yet|in a bit|when i(?:'?m| am) ready|let me think(?: about "
    r"it)?|ill think about it|i will think about it)\b", re.IGNORECASE)


def defers(text: str) -> bool:
    """True when the answer puts the question off ("ok maybe later"): no consent. A clear yes
    first ("yes, later in the day is fine") is a yes."""
    if re.match(r"^\W*(?:yes|yeah|yep|yup|sure|absolutely|of course|definitely|i consent|i agree)"
                r"\b", text or "", re.IGNORECASE):
        return False
    return bool(_DEFERRAL.search(text or ""))


def read_yes_no(text: str) -> bool | None:
    """True for a yes ("sure", "looks good, submit it"), False for a no, None otherwise."""
    text = text.strip().lower()
    if _LEAVING.search(text):
        return False  # "ok thanks bye": leaving, not agreeing
    if re.match(r"^no (?:problem|worries)\b", text):
        return True
    if _NO.match(text):
        return False
    if _YES.match(text):
        return True
    return None



# Intents the NLU may give an answer to the form's question by mistake ("Will Cost" reads as a
# price question, "looks good, submit it" as a question). At a form step, the step's question
# wins over them; a crisis, an urgent message, a cancel or a medical question still wins over
# the form.
FORM_STEP_MISREADINGS = frozenset({
    "ask_question", "out_of_scope", "nlu_fallback", "ask_human", "bot_challenge",
    "correct_booking", "inform", "greet", "goodbye", "thanks", "affirm", "deny", "choose_answer",
})
YES_NO_STEPS = ("booking_consent", "booking_review")


_QUESTION_CLAUSE = re.compile(
    r"(?:^|[,.;:!]\s*|\b(?:but|and|so|wait|ok|okay)\s+)(?:is|are|am|was|were|do|does|did|have|has|"
    r"can|could|will|would|should|may|might|how|what|why|when|where|who|which|whats|what's|hows|"
    r"how's)\b[^?]*\?",
    re.IGNORECASE)


# A question after "but" or "wait", or opening after "ok" / "so", needs no question mark: "ok but
# does it hurt" (suite 10), "ok whats the email to ask about privacy stuff" (review 12).
_QUESTION_AFTER_BUT = re.compile(
    r"(?:\b(?:but|wait)|^\W*(?:ok|okay|so|and|hmm|um))\W+(?:first\W+|then\W+)?(?:is|are|am|do|does|"
    r"did|can|could|will|would|should|"
    # "ok whens the earliest someone would call me" (review 18 took it as consent)
    r"how|what|why|when|where|who|which|whats|hows|whens|wheres|whos|whys)\b", re.IGNORECASE)


def asks_a_question(text: str) -> bool:
    """True when a clause of the message is a question ("ok but wait, is it painful?", "ok but
    does it hurt"); a bare "ok?" or "yes?" is none."""
    return bool(_QUESTION_CLAUSE.search(text or "") or _QUESTION_AFTER_BUT.search(text or ""))


_QUESTION_START = re.compile(
    r"^\W*(?:is|are|am|do|does|did|can|could|will|would|should|may|how|what|why|when|where|who|"
    r"which)\b", re.IGNORECASE)


def reads_as_question(text: str) -> bool:
    """True for a message that asks something, with or without the question mark ("can i
    email instead")."""
    return asks_a_question(text) or bool(_QUESTION_START.search(text or ""))


_ASKS_WHAT_IS_OPEN = re.compile(
    r"^\W*(?:(?:ok|okay|um|so|and|but|also|wait)\W+)*(?:(?:do|does) (?:you|yall|u|the clinic|"
    r"they|your \w+) (?:guys )?(?:have|do|offer|take|see people|open|work)|(?:are|is) there|"
    r"(?:are|is) (?:you|the clinic|your \w+) (?:open|available)|what (?:times?|days?|hours?)|when "
    r"(?:are|is|do)|which (?:days?|times?)|how (?:late|early))\b", re.IGNORECASE)


def form_step_answer(requested_slot: str | None, intent: str | None, text: str,
                     today: date | None = None) -> str | None:
    """The text, when it answers the form's current question (a name at the name step, a
    phone number or e-mail at the contact step, a day or time of day at the time step, a yes or
    no at the consent and summary steps), whatever the NLU read it as; otherwise None."""
    if intent not in FORM_STEP_MISREADINGS or not text.strip():
        return None
    if requested_slot in YES_NO_STEPS:
        # "ok. how long is a session though?" asks before it agrees: answered first.
        return text if read_yes_no(text) is not None and not asks_a_question(text) else None
    if requested_slot == "preferred_time":
        # Only a time that names a day or a part of the day ("Saturday mornings, that's the only
        # time I'm free"); free text at this step may be a question.
        if _ASKS_WHAT_IS_OPEN.search(text):
            # "do you have evening appointments?" (review 27 stored it as the time): a question
            # about the clinic's times, answered; "can we do tuesday morning?" is a time.
            return None
        try:
            read = parse_preferred_time(text, today or date.today())
        except Invalid:
            return None
        return text if read.normalized else None
    checks = {"full_name": validate_full_name, "contact": validate_contact}
    check = checks.get(requested_slot or "")
    if check is None:
        return None
    try:
        check(text)
    except Invalid as invalid:
        # "this number" (over SMS) answers the contact step: the form then says why it needs the
        # number typed, instead of the question-answering path sending the clinic's own number.
        this_number = invalid.reason == "this_number" or (
            requested_slot == "full_name" and bool(_THIS_NUMBER.search(text)))
        takes_it = this_number and not reads_as_question(text) and "?" not in text \
            and not _QUESTION_AFTER_A_CLAUSE.search(text)
        return text if takes_it else None
    return text


# "before i give my number, does insurance cover any of it" (suite 20): a question after a
# clause, for the question-answering path; the form asks for the number again.
_QUESTION_AFTER_A_CLAUSE = re.compile(
    r"[,.;:]\s*(?:but |and |so )?(?:does|do|is|are|can|could|will|would|how|what|when|why|who|"
    r"which)\b", re.IGNORECASE)


def _written_as_name(text: str) -> bool:
    """Two to four words, each capitalised: "Will Cost" is a name, "will it cost" a question."""
    words = text.replace(",", " ").split()
    return 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words)


_NAME_CHANGED_TO = re.compile(
    r"[.,;!-]\s*(?:actually|sorry|wait|no|oops)[,]?\s+(?:put|make it|use|write|it'?s|its|"
    r"should be|change (?:it|that) to)\s+(?P<name>.+)$", re.IGNORECASE)


def validate_full_name(text: str) -> str:
    """Return the name with tidy spacing, or raise ``Invalid``.

    Accepts two to six name words of letters with hyphens, apostrophes or initials
    ("Mary-Jane O'Neil", "J. R. Smith", "José Álvarez"); an introduction such as "my name is"
    is dropped. Rejects digits, questions, sentences and anything over 80 characters.
    """
    if not text or not text.strip():
        raise Invalid("empty")
    cleaned = unicodedata.normalize("NFC", " ".join(text.split()))
    if len(cleaned) > NAME_MAX_CHARS:
        raise Invalid("too_long")
    cleaned = _TRAILING_FILLER.sub("", _ACKNOWLEDGEMENT.sub("", cleaned))
    if "?" in cleaned or (_QUESTION_START.match(cleaned) and not _written_as_name(cleaned)):
        raise Invalid("question")
    cleaned = _NAME_PREFIX.sub("", cleaned).strip(" .,!")
    # "Maria Lindqvist. actually put Maria Teresa Lindqvist": the name given last counts.
    changed = _NAME_CHANGED_TO.search(cleaned)
    if changed:
        cleaned = changed.group("name").strip(" .,!")
    remark = _AFTER_NAME_REMARK.match(cleaned)
    if remark and len(remark.group("name").split()) >= 2 and any(
            word in _SENTENCE_WORDS for word in remark.group("remark").lower().split()):
        cleaned = remark.group("name").strip()
    if any(ch.isdigit() for ch in cleaned) or "@" in cleaned:
        raise Invalid("not_a_name")
    words = cleaned.replace(",", " ").split()
    if not words:
        raise Invalid("empty")
    if len(words) > NAME_MAX_WORDS:
        raise Invalid("sentence")
    # A word that is also an ordinary word ("Joy Price", "Nguyen Van An") is part of a name
    # when the patient wrote it with a capital, as names are written.
    if any(word.lower().strip(".") in _SENTENCE_WORDS and not word[:1].isupper()
           for word in words):
        raise Invalid("sentence")
    timely = [word for word in words if word.lower().strip(".") in _TIME_WORDS]
    # "Sunday Rose" and "Tuesday Weld" are names: written with capitals, a day word is allowed.
    if timely and not _written_as_name(cleaned):
        raise Invalid("time_not_name")
    if words[-1].lower().strip(".") in _ADDRESS_WORDS:
        raise Invalid("not_a_name")
    if not all(_NAME_CHARS.match(word) for word in words):
        raise Invalid("not_a_name")
    if len(words) < 2:
        raise Invalid("single_word")
    if sum(ch.isalpha() for ch in cleaned) < 3:
        raise Invalid("too_short")
    return " ".join(words)


# --------------------------------------------------------------------------- contact


@dataclass(frozen=True)
class Contact:
    """A validated way to reach the patient: ``kind`` is "phone" (E.164) or "email"."""

    kind: str
    value: str


_EMAIL = re.compile(
    r"(?<![\w.+-])"
    r"([A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})"
    r"(?![\w@-])"
)
# A run of digits with the separators people put in phone numbers, optionally "+1" in front.
_PHONE_RUN = re.compile(r"(?<![\w+])(\+?\d[\d\s().\-/]{6,}\d)(?!\w)")
_EXTENSION = re.compile(r"\b(?:ext\.?|extension|x)\s*\d+\s*$", re.IGNORECASE)


def normalize_us_phone(text: str) -> str:
    """Return a US phone number as E.164 (``+1XXXXXXXXXX``) or raise ``Invalid``.

    Accepts the common ways of writing one: "(555) 123-4567", "555.123.4567",
    "+1 555 123 4567", "1-555-123-4567", "5551234567". Area code and exchange must start
    with 2-9 (the North American numbering plan); other country codes are refused.
    """
    raw = _EXTENSION.sub("", text.strip())
    if re.search(r"[^\d\s().\-/+]", raw):
        raise Invalid("not_a_phone")
    digits = re.sub(r"\D", "", raw)
    plus = raw.lstrip().startswith("+")
    if plus and not digits.startswith("1"):
        raise Invalid("not_us_phone")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    elif plus or len(digits) != 10:
        raise Invalid("phone_length")
    area, exchange = digits[:3], digits[3:6]
    if area[0] in "01" or exchange[0] in "01":
        raise Invalid("phone_invalid")
    if area[1:] == "11" or len(set(digits)) == 1:
        raise Invalid("phone_invalid")
    return "+1" + digits


def validate_email(text: str) -> str:
    """Return the e-mail address (domain lower-cased) or raise ``Invalid``."""
    candidate = text.strip().strip("<>").rstrip(".,;")
    match = _EMAIL.fullmatch(candidate)
    if not match or len(candidate) > 254 or ".." in candidate:
        raise Invalid("email_invalid")
    local, domain = candidate.rsplit("@", 1)
    if len(local) > 64:
        raise Invalid("email_invalid")
    return f"{local}@{domain.lower()}"


def validate_contact(text: str) -> Contact:
    """Find a phone number or e-mail address in what the patient typed.

    "my number is 555-123-4567" and "you can email me at jo@example.com" both work; a text
    with an "@" is treated as an e-mail attempt, anything else as a phone number.
    """
    if not text or not text.strip():
        raise Invalid("empty")
    if len(text) > 300:
        raise Invalid("too_long")
    if "@" in text:
        found = _EMAIL.findall(text)
        if len(found) == 1:
            return Contact("email", validate_email(found[0]))
        if len(found) > 1:
            raise Invalid("several_contacts")
        raise Invalid("email_invalid")
    runs = [
        run
        for run in _PHONE_RUN.findall(_EXTENSION.sub("", text))
        if sum(c.isdigit() for c in run) >= 7
    ]
    if len(runs) > 1:
        raise Invalid("several_contacts")
    if not runs:
        # "this number is fine": the channels never pass the sender's number on (docs/channels.md).
        raise Invalid("this_number" if _THIS_NUMBER.search(text) else "not_a_contact")
    return Contact("phone", normalize_us_phone(runs[0]))


_THIS_NUMBER = re.compile(
    r"\b(?:this|that|same|my|the) (?:number|one|phone|cell)\b(?! is \d)|\bthe number i'?m "
    r"(?:texting|messaging|writing) from\b|\buse (?:this|my number|the one)\b|"
    r"\b(?:you have|you've got|you already have) (?:my|it|the number)\b", re.IGNORECASE)


# --------------------------------------------------------------------------- preferred time


@dataclass(frozen=True)
class PreferredTime:
    """The patient's words (``text``) and, when they could be read, a ``normalized`` form.

    ``normalized`` is a short canonical string for staff: a day part first (ISO date,
    "weekdays", "weekends", "tuesdays", "week of YYYY-MM-DD", "asap", "any day"), then a
    part of the day or a clock time ("morning", "afternoon", "evening", "after 15:00").
    ``None`` when nothing could be read; the text is kept either way.
    """

    text: str
    normalized: str | None


TIME_MAX_CHARS = 200

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY_ALIASES = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2,
    "wednesday": 2, "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip
_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_DAY_NAME = (
    r"(mon(?:day)?|tues?(?:day)?|tue|wed(?:s|nesday)?|thu(?:rs?(?:day)?)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?)"
)
_MONTH_NAME = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ORD = r"(\d{1,2})(?:st|nd|rd|th)?"


def _next_weekday(today: date, weekday: int) -> date:
    """The first such weekday strictly after today ("Tuesday" said on a Tuesday = next week)."""
    ahead = (weekday - today.weekday() - 1) % 7 + 1
    return today + timedelta(days=ahead)


def _upcoming(today: date, month: int, day: int, year: int | None) -> date | None:
    """A month/day without a year means its next occurrence from today on."""
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            return None
    for candidate_year in range(today.year, today.year + 5):  # Feb 29 may be years away
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


def _full_year(text: str | None) -> int | None:
    if text is None:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


# Days named as the ones the patient cannot do: "i work weekdays", "busy on mondays", "not
# fridays", "except tuesdays".
_UNAVAILABLE_DAYS = re.compile(
    # "sunday afternoons, he works weekdays" when booking for a father (suite 21)
    r"\b(?:(?:i|we|they|you) work|(?:he|she) works|(?:i am|im|he is|hes|she is|shes|they are|"
    r"theyre|we are|were) at work|working|busy|cant do|can't do|cannot do|not|except|"
    r"but not|no|never)\s+(?:on\s+|during\s+)?(?:the\s+)?(?:weekdays?|week ?days|weekends?|"
    r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?s?)\b")


def _parse_day(text: str, today: date) -> tuple[str | None, date | None]:
    """The day part of a preference: a label and, for a single day, the date."""
    if re.search(r"\b(?:asap|as soon as possible|earliest|first available|soonest)\b", text):
        return "asap", None
    if re.search(r"\bday after tomorrow\b", text):
        day = today + timedelta(days=2)
        return day.isoformat(), day
    if re.search(r"\btomorrow\b", text):
        day = today + timedelta(days=1)
        return day.isoformat(), day
    if re.search(r"\b(?:today|tonight|this (?:morning|afternoon|evening))\b", text):
        return today.isoformat(), today

    match = re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", text)
    if match:
        found = _upcoming(today, int(match[2]), int(match[3]), int(match[1]))
        return (found.isoformat(), found) if found else (None, None)
    # US order: month/day[/year].
    match = re.search(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?(?![\d/])", text)
    if match:
        found = _upcoming(today, int(match[1]), int(match[2]), _full_year(match[3]))
        return (found.isoformat(), found) if found else (None, None)
    match = re.search(rf"\b{_MONTH_NAME}\.?\s+(?:the\s+)?{_ORD}\b(?:,?\s+(\d{{4}}))?", text)
    if match:
        found = _upcoming(today, _MONTHS[match[1]], int(match[2]), _full_year(match[3]))
        return (found.isoformat(), found) if found else (None, None)
    match = re.search(rf"\b(?:the\s+)?{_ORD}\s+(?:of\s+)?{_MONTH_NAME}\b(?:,?\s+(\d{{4}}))?", text)
    if match:
        found = _upcoming(today, _MONTHS[match[2]], int(match[1]), _full_year(match[3]))
        return (found.isoformat(), found) if found else (None, None)

    # "sunday afternoons, i work weekdays" (suite 16): days the patient cannot do are no
    # preference.
    text = _UNAVAILABLE_DAYS.sub(" ", text)
    if re.search(r"\bnext week\b", text):
        monday = today + timedelta(days=7 - today.weekday())
        return f"week of {monday.isoformat()}", None
    if re.search(r"\b(?:weekends?|sat(?:urday)?s?\s+(?:or|and|/)\s+sun(?:day)?s?)\b", text):
        return "weekends", None
    if re.search(
        r"\b(?:weekdays?|week ?days?|during the week|work ?days?|business days?"
        r"|mon(?:day)?\s*(?:-|to|through|thru)\s*fri(?:day)?)\b",
        text,
    ):
        return "weekdays", None
    match = re.search(rf"\b(?:(next|this|coming)\s+)?{_DAY_NAME}(s)?\b", text)
    if match:
        weekday = _WEEKDAY_ALIASES[match[2]]
        if match[3] and not match[1]:
            return f"{_WEEKDAYS[weekday]}s", None
        day = _next_weekday(today, weekday)
        return day.isoformat(), day
    if re.search(r"\b(?:any ?time|any day|whenever|flexible|no preference|anything works)\b", text):
        return "any day", None
    return None, None


def _hour24(hour: int, minute: int, meridiem: str | None) -> str | None:
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem.startswith("p") else 0)
    elif not 0 <= hour <= 23:
        return None
    if not 0 <= minute <= 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def _parse_part_of_day(text: str) -> str | None:
    """Morning/afternoon/evening, or a clock time ("after 3pm" -> "after 15:00")."""
    match = re.search(
        r"\b(?:(after|before|around|by|at)\s+)?(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s*m\b\.?",
        text,
    )
    if not match:
        match = re.search(r"\b(after|before|around|by|at)\s+(\d{1,2}):(\d{2})()\b", text)
    if match:
        clock = _hour24(int(match[2]), int(match[3] or 0), match[4] or None)
        if clock:
            return f"{match[1]} {clock}" if match[1] and match[1] != "at" else clock
    if re.search(r"\b(?:noon|midday|lunch ?time|lunch)\b", text):
        return "midday"
    if re.search(r"\bmornings?\b", text):
        return "morning"
    if re.search(r"\bafternoons?\b", text):
        return "afternoon"
    if re.search(r"\b(?:evenings?|tonight|after work|nights?)\b", text):
        return "evening"
    return None


# A question at the time step; "when my sister can drive me" is an answer, so not "when".
_TIME_QUESTION_START = re.compile(
    r"^(?:what|how|why|who|where|which|is|are|do|does|did|can|could|would|should)\b",
    re.IGNORECASE,
)


_MARKUP = re.compile(r"<[^>]*>|[<>]")


def strip_markup(text: str) -> str:
    """Free text without HTML or other markup: tags and stray angle brackets go, the words stay."""
    return " ".join(_MARKUP.sub(" ", text).split())


def parse_preferred_time(text: str, today: date) -> PreferredTime:
    """Keep what the patient said and read a normalised form out of it when possible.

    ``today`` anchors relative phrases ("tomorrow", "next Tuesday", "Dec 3" without a year).
    Raises ``Invalid`` for empty or over-long text, questions, and explicit dates in the past.
    """
    if not text or not text.strip():
        raise Invalid("empty")
    # Stored, shown to staff and echoed in the summary: no markup survives.
    said = strip_markup(text)
    # "ok. weekday afternoons": the time without the "ok" that only answered the question.
    said = _LEADING_FILLER.sub("", said).strip() or said
    if not said:
        raise Invalid("empty")
    if len(said) > TIME_MAX_CHARS:
        raise Invalid("too_long")
    lowered = said.lower()
    day_label, day = _parse_day(lowered, today)
    if day is not None and day < today:
        raise Invalid("past_date")
    part = _parse_part_of_day(lowered)
    if day_label is None and part is not None:
        day_label = "any day"
    normalized = " ".join(p for p in (day_label, part) if p) or None
    # "Is Tuesday morning OK?" is an answer; "what times do you have?" is not, and neither is
    # "how long till someone calls me back" typed without a question mark.
    if normalized is None and ("?" in said or _TIME_QUESTION_START.match(said)):
        raise Invalid("question")
    if normalized is None and (read_yes_no(said) is not None or _NOT_A_TIME.match(lowered)):
        # "ok", "Yes, send it" (a summary button typed early) is no time (review 16 stored
        # "Preferred time: Yes, send it").
        raise Invalid("not_a_time")
    return PreferredTime(text=said, normalized=normalized)


# Button titles and form words that are no time of day ("change location", "cancel the request").
_NOT_A_TIME = re.compile(r"^\W*(?:change|cancel|send|submit|edit|restart|start over|skip|next|"
                         r"back|menu|help|more)\b|^\W*(?:idk|i dont know|i don'?t know|dunno|"
                         r"no idea|not sure|unsure|whatever|idc|i dont care|i don'?t care|doesnt "
                         r"matter|doesn'?t matter)\W*$")
