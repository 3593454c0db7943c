"""Deterministic crisis detection: suicidal ideation, intent or plan, self-harm, overdose,
lethal means, and a third person in danger.

Standard library and PyYAML only, so the Rasa process, the action server and the command line
can all import it without torch, faiss or rasa.

The patterns are data: ``bot/safety/crisis_patterns.yml`` holds every pattern with its id,
category, regular expression and the example messages it must and must not match (checked by
``tests/test_safety_crisis_patterns.py``). This module is the engine that applies them; it
loads the table once, at import, so a broken table stops the process at start-up rather than
at the first message.

How it decides (see docs/safety.md for the reasoning and the measured numbers):

1. The text is normalised (``bot.safety.normalize``): case, unicode, zero-width characters,
   leetspeak, repeated letters, missing apostrophes, chat shorthand, close misspellings.
2. Figures of speech and negated acts are blanked out first ("dying to know", "die of
   embarrassment", "killing myself at work", "I'm not going to hurt myself") and explicit
   denials ("I'm not suicidal") are blanked out for the mention rules, so neither can trigger
   on its own.
3. Rules are phrase families, not example sentences: a self-directed lethal verb + a
   reflexive ("hang myself", "unalive herself"), a wish/plan word + death ("I just wish I
   could die"), loss of reasons to live, being a burden, finality and goodbyes, methods
   and means, overdose, self-harm, and emergencies involving someone else.
4. Informational questions that only *mention* the topic ("can ketamine help with suicidal
   thoughts?") are a separate level, ``concern``: the product answers the question AND adds
   the crisis resources. Anything personal ("my suicidal thoughts", "I'm suicidal") or about
   a specific other person ("my friend says she's going to kill herself") is ``crisis``.

The layer only ever adds crises: a ``none`` verdict here never overrides a learned model
that predicts a crisis (see ``bot/safety/nlu_component.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from bot.safety.normalize import normalize_variants, said

CRISIS = "crisis"
CONCERN = "concern"  # informational question about the topic: answer + resources
NONE = "none"

# Category names reported in verdicts and events.
IDEATION = "suicidal_ideation"
PLAN = "suicide_plan"
SELF_HARM = "self_harm"
OVERDOSE = "overdose"
THIRD_PARTY = "third_party"
RULE_CATEGORIES = (IDEATION, PLAN, SELF_HARM, OVERDOSE, THIRD_PARTY)

# Categories of the table's entries that are blanked out of the message instead of reported.
FIGURE_OF_SPEECH = "figure_of_speech"  # before every rule
NEGATED_ACT = "negated_act"  # before every rule, after the figures of speech
DENIAL = "denial"  # before the mention_only rules only
BLANK_CATEGORIES = (FIGURE_OF_SPEECH, NEGATED_ACT, DENIAL)
# Hopelessness that is not a crisis on its own (bot/safety/distress.py decides what it gets).
DISTRESS = "distress"

PATTERNS_FILE = Path(__file__).with_name("crisis_patterns.yml")


@dataclass(frozen=True)
class CrisisVerdict:
    """The detector's decision about one message."""

    level: str = NONE
    categories: tuple[str, ...] = ()
    rules: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_crisis(self) -> bool:
        """True when the message needs the crisis reply."""
        return self.level == CRISIS

    @property
    def needs_resources(self) -> bool:
        """True when crisis resources must be shown (crisis or informational concern)."""
        return self.level in (CRISIS, CONCERN)

    def as_dict(self) -> dict:
        """A JSON-friendly summary without any of the message text."""
        return {"level": self.level, "categories": list(self.categories),
                "rules": list(self.rules)}


# --- the pattern table (bot/safety/crisis_patterns.yml) ----------------------------------

@dataclass(frozen=True)
class CrisisPattern:
    """One entry of the pattern table, its regular expression compiled."""

    id: str
    category: str
    regex: re.Pattern
    mention_only: bool = False
    must_match: tuple[str, ...] = ()
    must_not_match: tuple[str, ...] = ()


@dataclass(frozen=True)
class PatternTable:
    """The loaded table: the vocabulary (expanded) and the entries in file order."""

    vocabulary: dict[str, str]
    patterns: tuple[CrisisPattern, ...]

    def of(self, *categories: str) -> tuple[CrisisPattern, ...]:
        """The entries of the given categories, in file order."""
        return tuple(p for p in self.patterns if p.category in categories)


_PLACEHOLDER = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_ID = re.compile(r"[a-z][a-z0-9_]*")
_ENTRY_KEYS = {"id", "category", "regex", "mention_only", "must_match", "must_not_match"}


def _regex_source(value: object, where: str, vocabulary: dict[str, str]) -> str:
    """A regex given as one string or a list of pieces joined with nothing, {NAME} expanded."""
    pieces = [value] if isinstance(value, str) else value
    if not isinstance(pieces, list) or not pieces or not all(isinstance(p, str) for p in pieces):
        raise ValueError(f"{where}: regex must be a string or a list of strings")

    def expand(match: re.Match) -> str:
        if match.group(1) not in vocabulary:
            raise ValueError(f"{where}: unknown vocabulary entry {{{match.group(1)}}}")
        return vocabulary[match.group(1)]

    return _PLACEHOLDER.sub(expand, "".join(pieces))


def _cases(entry: dict, key: str, where: str) -> tuple[str, ...]:
    cases = entry.get(key) or []
    if not isinstance(cases, list) or not all(isinstance(c, str) and c.strip() for c in cases):
        raise ValueError(f"{where}: {key} must be a list of non-empty quoted strings")
    return tuple(cases)


@cache
def load_pattern_table(path: Path = PATTERNS_FILE) -> PatternTable:
    """Read and check the pattern table (cached: each file is read once per process).

    Raises ``ValueError`` naming the entry when the table is malformed: an unknown key or
    category, a duplicate id, an unknown ``{NAME}`` or a regex that does not compile.
    """
    path = Path(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("patterns"), list):
        raise ValueError(f"{path}: expected a mapping with a 'patterns' list")
    vocabulary: dict[str, str] = {}
    for name, value in (data.get("vocabulary") or {}).items():
        if not isinstance(name, str) or not _PLACEHOLDER.fullmatch("{" + name + "}"):
            raise ValueError(f"{path}: vocabulary name {name!r} must be in capitals")
        vocabulary[name] = _regex_source(value, f"{path}: vocabulary {name}", vocabulary)
    patterns: list[CrisisPattern] = []
    seen: set[str] = set()
    for number, entry in enumerate(data["patterns"], 1):
        where = f"{path}: pattern {number}"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: expected a mapping")
        where = f"{path}: pattern {entry.get('id', number)!r}"
        unknown = set(entry) - _ENTRY_KEYS
        if unknown:
            raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
        pattern_id, category = entry.get("id"), entry.get("category")
        if not isinstance(pattern_id, str) or not _ID.fullmatch(pattern_id):
            raise ValueError(f"{where}: id must be snake_case")
        if pattern_id in seen:
            raise ValueError(f"{where}: duplicate id")
        seen.add(pattern_id)
        if category not in RULE_CATEGORIES + BLANK_CATEGORIES + (DISTRESS,):
            raise ValueError(f"{where}: unknown category {category!r}")
        mention_only = entry.get("mention_only", False)
        if not isinstance(mention_only, bool) or (mention_only and category not in
                                                  RULE_CATEGORIES):
            raise ValueError(f"{where}: mention_only must be true or false, and only on a rule")
        source = _regex_source(entry.get("regex"), where, vocabulary)
        try:
            regex = re.compile(source)
        except re.error as error:
            raise ValueError(f"{where}: regex does not compile: {error}") from error
        patterns.append(CrisisPattern(
            pattern_id, category, regex, mention_only,
            _cases(entry, "must_match", where), _cases(entry, "must_not_match", where)))
    for name in ("THIRD_PERSON", "ACCIDENT"):  # used by the code below
        if name not in vocabulary:
            raise ValueError(f"{path}: vocabulary entry {name} is missing")
    return PatternTable(vocabulary, tuple(patterns))


_TABLE = load_pattern_table()

# Each rule: (name, category, pattern, topicable). ``topicable`` (``mention_only`` in the
# table) rules only mention the topic; an informational question that matches nothing else
# gets the ``concern`` level.
_RULES: list[tuple[str, str, re.Pattern, bool]] = [
    (p.id, p.category, p.regex, p.mention_only) for p in _TABLE.of(*RULE_CATEGORIES)]
# Figures of speech, then negated acts, are blanked for every rule; denials blank only the
# mention they deny, for the topicable rules.
_FIGURES_RE = [p.regex for p in _TABLE.of(FIGURE_OF_SPEECH) + _TABLE.of(NEGATED_ACT)]
_DENIALS_RE = [p.regex for p in _TABLE.of(DENIAL)]
_DISTRESS: list[tuple[str, re.Pattern]] = [(p.id, p.regex) for p in _TABLE.of(DISTRESS)]


# --- logic that is not a plain pattern list ----------------------------------------------

# Bereavement and similar: about a death that already happened. Not a crisis reply, but the
# resources are shown with the answer (``concern``).
_CONCERN_PHRASES = re.compile(
    r"\b(?:lost|losing|lose) (?:my|a|our|his|her|their) (?:\w+ ){0,2}(?:to|by) (?:suicide|"
    r"an overdose|overdose)\b|\b(?:died|passed away|passed|death) (?:by|from|of|after) (?:a "
    r")?(?:suicide|overdose)\b|\bsuicide (?:loss|survivors?|bereavement)\b")

_THIRD_PERSON_RE = re.compile(_TABLE.vocabulary["THIRD_PERSON"])
# English, and Spanish first-person words and verbs ("tuve una sobredosis" is about me).
_FIRST_PERSON_RE = re.compile(
    r"\b(?:i|im|ive|id|ill|me|my|myself|mine|yo|mi|mis|estoy|estuve|quiero|tengo|tuve|voy|tome|"
    r"trague|hice|siento|pienso|creo|hago|corte|necesito|puedo|mio|mia)\b"
    # Spanish "he" only before a participle ("he pensado"): English "he keeps saying" is someone
    # else (review 16: a husband with a gun got the writer's own crisis reply).
    r"|\bhe (?=\w+(?:ado|ido|to|cho)\b)")
# Frames that put "I" into a question without making it personal ("I read that...").
_INFO_FRAMES = re.compile(
    r"\b(?:(?:can|could|would) you (?:please )?(?:tell|explain to|help) me|tell me|explain to "
    r"me|help me understand|let me know|i (?:want|wanted|would like|d like|need) to (?:know|ask|"
    r"understand|learn|find out|read)|im (?:curious|wondering|interested|asking|a (?:\w+ )?"
    r"(?:nurse|doctor|therapist|student|researcher|counselor|clinician|psychologist|social worker|"
    r"journalist|"
    r"writer|pharmacist|teacher|parent))|i (?:was|am) (?:curious|wondering|asking)|i wonder|"
    r"i (?:read|heard|saw|have read|have heard|ve read|ve heard|was told|learned|keep hearing|"
    r"keep reading|came across)(?: that| about| somewhere| online| on| in)?|"
    # "i found that ..." frames a question; "i found a new home for my cat" is the writer acting
    # (round 14: letters to "my kids" then read as someone else's crisis)
    r"i (?:found|noticed|understand)(?: that| about| somewhere| online| out| on| in| a (?:study|"
    r"paper|post)| an article| research)|"
    r"ive (?:read|heard|seen|been reading|been told)(?: that| about| somewhere| online)?|"
    r"i have a question|my question is|for my (?:research|paper|thesis|class|essay|studies|"
    r"course|job|work|patients|clients|students)|do you know|(?:can|could) i ask|"
    # a hypothetical about people in general: "what should I do if someone tells me they..."
    r"(?:what (?:should|do|can|would|could) (?:i|we|you|one|families|parents) do(?= (?:if|when))|"
    r"how (?:do|can|should|would|could) (?:i|we|you|one|families|parents) (?:best )?(?:support|"
    r"help|talk to|approach|respond to|care for|recognise|recognize))|(?:if|when|after) "
    r"(?:someone|somebody|a (?:person|patient|client|loved one|family member|friend|child|teen|"
    r"teenager|veteran)|people|anyone|patients)(?: \w+){0,2}? (?:tells? (?:me|you|us|the (?:nurse|"
    r"doctor|staff|clinician|therapist|team|provider)|staff)|says?|"
    r"said|is|are|was|were|feels?|becomes?|gets?|has|have|had|talks? about|mentions?|expresses|"
    r"admits?|discloses?|reveals?|attempts?|attempted|tries|tried)(?: that)?(?: they| he| she| "
    r"theyre| hes| shes)?|(?:support|help|care for) (?:someone|somebody|a (?:person|loved one|"
    r"family member|friend)) (?:after|with|through|who)\b|"
    # "will the intake form ask me about...", "the lozenges they give you", "I'm asking for a paper"
    r"(?:ask|asks|asking|asked) (?:me|you|us|people|patients) about|"
    # "the form asks if i have thoughts of self harm and the answer is no"
    r"(?:form|questionnaire|intake|survey|screening|it) (?:asks?|asked) (?:me )?(?:if|whether)|"
    r"i (?:asked|am asking|was asking) about|(?:that |which )?(?:they|you|"
    r"the clinic|doctors) (?:give|gives|prescribe|prescribes|send|sends|provide|provides)(?: you| "
    r"people| patients| me)?|(?:im|i am) asking (?:for|because of|as part of) (?:a|my) (?:research|"
    r"paper|thesis|class|essay|project|study|article|school))\b")
_QUESTION_START = re.compile(
    r"^(?:can|could|does|do|is|are|will|would|should|how|what|whats|why|when|which|who|where|"
    r"has|have|did|any|tell|explain|info|information|i want to know|i was wondering|im "
    r"wondering|im curious|do you|is there|are there|whats the|hows|wondering|question|"
    # Spanish questions ("es peligrosa la ketamina en sobredosis", "ustedes preguntan por...")
    r"que|como|cuanto\w*|cual\w*|donde|cuando|por que|es peligros\w*|es seguro|es segura|es "
    r"cierto|es verdad|se "
    r"puede|pueden|hay|ustedes|usted|tienen|ofrecen|hacen|preguntan|sirve|funciona|ayuda)\b")
_TOPIC_CONTEXT = re.compile(
    r"\b(?:ketamine|esketamine|spravato|infusions?|treatment|treatments|therapy|therapies|treat|"
    r"treats|treated|treating|help|helps|helping|helpful|reduce|reduces|reducing|research|"
    r"study|studies|evidence|rates?|risks?|prevent|prevents|prevention|side effects?|effects?|"
    r"works?|used|use|fda|clinic|clinics|patients|people|someone|somebody|anyone|anybody|a "
    r"person|common|signs?|symptoms?|warning|causes?|link|linked|associated|mean|means|meaning|"
    r"definition|statistics|antidepressants?|ssris?|medications?|medicine|depression|ptsd|"
    r"anxiety|bipolar|possible|happen|happens|dangerous|safe|safety|difference|protocol|"
    r"screen|screening|ask about|questions? about|policy|handle|hotline|lifeline|resources?|"
    r"ketamina|tratamiento|terapia|infusion|infusiones|ayuda|riesgo|estudios?)\b")


def _blank(text: str, patterns: list[re.Pattern]) -> str:
    for pattern in patterns:
        text = pattern.sub(" _ ", text)
    return text


def _is_informational(form: str, raw: str) -> bool:
    """True when the message reads as a general question about the topic, not a disclosure."""
    framed = _INFO_FRAMES.sub(" _ ", form)
    # A question may follow a remark in its own sentence ("i nearly died laughing at your hold
    # music lol. does ketamine help people who are suicidal", eleventh round).
    sentences = [normalize_variants(part)[0] for part in re.split(r"[.!;\n]+", raw or "")
                 if part.strip()]
    question = ("?" in raw or bool(_QUESTION_START.match(form)) or framed != form
                or any(_QUESTION_START.match(sentence) for sentence in sentences[1:]))
    if _FIRST_PERSON_RE.search(framed) or _THIRD_PERSON_RE.search(framed):
        # Personal, but a question about care that names the topic only as history, as a
        # hypothetical or as somebody else's past ("does a suicide attempt last year rule her
        # out?", "will the intake form ask if I've ever self-harmed?") is still a question.
        return question and bool(_CARE_CONTEXT.search(form)) and not _names_it_as_present(form)
    return question or bool(_TOPIC_CONTEXT.search(form))


# What a question about care mentions: the treatment, the clinic, its steps and its people.
_CARE_CONTEXT = re.compile(
    r"\b(?:ketamine|esketamine|spravato|infusions?|treatment|therapy|clinic|clinician|"
    r"psychiatrist|therapist|doctor|nurse|intake|assessment|consult\w*|appointment|session|"
    r"sessions|referral|insurance|qualify|eligible|candidate|rule \w+ out|start|starting|"
    r"confidential|interact\w*|contraindicat\w*|physical exam|form|paper|thesis|study|studies|"
    r"research|support|resources|number|ketamina|tratamiento|terapia|atienden|adolescentes|"
    # "do you treat people with a history of self-harm, or do they need to go somewhere
    # else?" (dev14)
    r"treat|treated|treating|somewhere else|"
    # questions about recognising it ("the warning signs of suicide I should watch for in my
    # teenager", "training on recognizing self-harm", "any reading you recommend")
    r"warning signs?|watch for|recogni[sz]\w*|training|reading|"
    # what to say when someone tells you ("I just want to be prepared", dev17)
    r"what (?:should|do|would|can) i say|how (?:do|should|can) i respond|be prepared|"
    # how the clinic looks after people ("how do you keep patients safe if ...")
    r"patients|keep \w+ safe)\b")
_MENTION = re.compile(r"\b(?:suicid\w*|self harm\w*|overdos\w*|sobredosis)\b")
_PRONOUN_NOW = frozenset("i im ive id me my myself he she they hes shes theyre him her his".split())
# Words that put a mention in the past, a hypothetical, a denial or a question about someone
# in general; "last night", "again", "right now" put it back in the present.
_NOT_NOW = frozenset(
    "had was were history past ago previous previously used before ever old once if whether "
    "not isnt arent wasnt never no asked ask asks asking about read heard".split())
_HAVE = frozenset("ive have has hes shes weve theyve".split())
_NOW = re.compile(r"\b(?:tonight|today|yesterday|last night|this (?:week|morning|weekend)|"
                  r"(?<!safe )right now|again|lately|recently|currently|these days|anymore)\b")


# A time that puts the whole story in the past, unless a word of ``_NOW`` brings it back.
_PAST_TIME = re.compile(
    r"\b(?:last (?:year|summer|spring|fall|autumn|winter)|(?:\d+|a few|a couple of|a couple|"
    r"many|several|two|three|four|five|six|ten) (?:years?|yrs?|decades?) ago|years ago|in "
    r"(?:19|20)\d\d|when (?:i|he|she|they) (?:was|were) (?:\d+|younger|a teen|a teenager|a kid|"
    r"in (?:high school|college)))\b")

# ... unless it goes on since then ("I'm suicidal since my divorce in 2019").
_ONGOING = re.compile(r"\b(?:since|still|every day|everyday|all the time|for (?:weeks|months|"
                      r"years)|keeps?|keep|ongoing|(?:im|i am|hes|shes|he is|she is|theyre|they "
                      r"are) (?:\w+ )?(?:suicidal|cutting|self harming))\b")


def _names_it_as_present(form: str) -> bool:
    """True when a person (I, she, my son...) stands within five words before a mention of the
    topic with nothing in between that makes it history, a hypothetical or a denial, or when
    the message says it is happening now."""
    if _NOW.search(form):
        return True
    if _PAST_TIME.search(form) and not _ONGOING.search(form):
        # "my brother attempted suicide last year and is stable now" (dev14): told as history
        return False
    words = form.split()
    for index, word in enumerate(words):
        if not _MENTION.fullmatch(word) and not (word == "self" and index + 1 < len(words)
                                                 and words[index + 1].startswith("harm")):
            continue
        start = max(0, index - 5)
        before = words[start:index]
        # "had" is history, but "I've had" / "she has had" goes on today
        markers = [word for position, word in enumerate(before, start) if word in _NOT_NOW
                   and not (word == "had" and position > 0 and words[position - 1] in _HAVE)]
        if not markers and any(word in _PRONOUN_NOW for word in before):
            return True
    return False


def detect_crisis(text: str) -> CrisisVerdict:
    """Classify one user message as ``crisis``, ``concern`` (informational) or ``none``.

    Deterministic and side-effect free; safe to call on every message of every channel.
    """
    if not text or not text.strip():
        return CrisisVerdict()
    hits: dict[str, tuple[str, bool]] = {}
    forms = normalize_variants(text)
    for form in forms:
        cleaned = _blank(form, _FIGURES_RE)
        undenied = _blank(cleaned, _DENIALS_RE)
        for name, category, pattern, topicable in _RULES:
            target = undenied if topicable else cleaned
            if pattern.search(target):
                hits.setdefault(name, (category, topicable))
    if not hits:
        return CrisisVerdict()
    if all(topicable for _, topicable in hits.values()) and _CONCERN_PHRASES.search(forms[0]):
        return CrisisVerdict(CONCERN, ("bereavement",), tuple(sorted(hits)))
    categories = []
    for category, _ in hits.values():
        if category not in categories:
            categories.append(category)
    main = forms[0]
    if any(_THIRD_PERSON_RE.search(f) for f in forms) and not _FIRST_PERSON_RE.search(
            _INFO_FRAMES.sub(" _ ", main).replace("my ", "")):
        if THIRD_PARTY not in categories:
            categories.append(THIRD_PARTY)
    rules = tuple(sorted(hits))
    if all(topicable for _, topicable in hits.values()) and _is_informational(main, text):
        return CrisisVerdict(CONCERN, tuple(categories), rules)
    return CrisisVerdict(CRISIS, tuple(categories), rules)


# An injury word followed by the accident that caused it ("cut myself shaving").
_ACCIDENT_RE = re.compile(r"\b(?:cut|cuts|cutting|burn\w*|hurt|hurting|injur\w*|bled|bleeding|"
                          r"nicked|sliced|grazed|scraped|"
                          r"scratch\w*|bruis\w*|broke|sprain\w*)\b(?: \w+){0,6} "
                          + _TABLE.vocabulary["ACCIDENT"] + r"\b"
                          # bitten by a child or a pet ("my toddler bit me hard enough to
                          # bleed haha", dev16)
                          r"|\b(?:toddler|baby|kid|son|daughter|dog|puppy|cat|kitten|hamster|"
                          r"parrot) (?:\w+ )?(?:bit|bitten|nipped) me\b"
                          # a minor injury by its own words ("stubbed my toe so hard")
                          r"|\b(?:stubbed|sprained|twisted|rolled|jammed|pulled|tweaked) my "
                          r"(?:toe|ankle|finger|thumb|wrist|knee|back|neck|shoulder|foot)\b"
                          # the thing that broke first ("dropped a glass and cut my foot on it")
                          r"|(?!.*\b(?:on purpose|deliberately|intentionally)\b)"
                          r"\b(?:dropped|broke|smashed|knocked over) (?:a|the|my|some) (?:wine )?"
                          r"(?:glass|plate|mug|bowl|jar|bottle|cup|vase|mirror)\b(?: \w+){0,3} "
                          r"(?:cut|cuts|scratched)\b"
                          # a fall at home ("my mom slipped in the bathroom")
                          r"|\b(?:slipped|tripped|fell) (?:in|on|down|over|off) (?:the |a |her |"
                          r"his |my )?(?:bathroom|stairs|steps|ice|shower|tub|kitchen|floor|"
                          r"sidewalk|curb|driveway|bike|ladder|porch)\b"
                          # told as a mishap nobody was hurt in ("shot a hole in his truck door
                          # cleaning his rifle, nobody hurt thank god", dev15)
                          r"|\b(?:nobody|no one|noone) (?:was |got |is )?(?:hurt|injured)\b"
                          # a fall ("my mom (82) ... fell tonight after coming home from her
                          # infusion", review 19 got the crisis reply from the learned score)
                          r"|\b(?:she|he|they|i|mom|mum|dad|grandma|grandpa|my \w+) (?:just |"
                          r"had a |has |had )?(?:fell|fallen|slipped|tripped)\b(?! (?:asleep|in "
                          r"love|behind|apart|for|off (?:a|the|her|his|my) (?:bridge|roof|ledge|"
                          r"balcony|cliff)))|\bhad a (?:bad )?fall\b")


_RESOLVED_HISTORY_RE = [p.regex for p in _TABLE.of(NEGATED_ACT) if p.id == "resolved_history"]


def is_resolved_history(text: str) -> bool:
    """True when the message asks about care with a history that is over ("I took too many
    pills when I was 17, I'm 34 now. Will that be a problem?"); the urgent rules skip it too."""
    return any(pattern.search(form) for form in normalize_variants(text or "")
               for pattern in _RESOLVED_HISTORY_RE)


# Low mood told plainly ("I've been so tired lately. Everything feels heavy.", "Some days I can't
# get out of bed."): what most patients of the clinic write, and close in meaning to crisis
# examples. A learned score alone does not make it a crisis; a word of death, harm, means,
# leaving or an end does, and then the score still counts (dev7_not_crisis, round 7).
_LOW_MOOD_RE = re.compile(
    r"\b(?:tired|exhausted|drained|worn out|heavy|sad|sadder|low|down|flat|numb|blah|foggy|"
    r"depressed|anxious|lonely|crying|cry|grieving|unmotivated|stuck|overwhelmed|cant get out "
    r"of bed|stay in bed|no energy|no motivation|gray|grey|a failure|falling apart|a mess|"
    r"broken|lost|empty)\b")
_DANGER_WORD_RE = re.compile(
    r"\b(?:die|died|dying|dead|death|kill\w*|suicid\w*|end|ending|ended|(?:be|is|all|its) over|"
    r"gone|goodbye|bye|"
    # "alive" as in "not alive by then"; "I want to feel alive again" is no danger (dev10)
    r"farewell|forever|anymore|any more|(?<!feel )(?<!feeling )alive|cant live|not live|"
    r"stop living|no reason|life|"
    r"exist\w*|survive\w*|edge|ever|figured|how|get back up|lie down|hurt\w*|harm\w*|cut\w*|"
    r"pills?|overdos\w*|gun|rope|bridge|jump\w*|tonight|plan\w*|point|burden|without me|leave|"
    r"leaving|disappear\w*|wake up|sleep forever|done|quit|give up|giving up|cant do this|cant "
    r"take|cant go on|no way out|trapped|hopeless|worthless|nothing matters|nobody|no one|miss me|"
    # "last night" and "sorry to bother you" are a time and a courtesy (dev15: a cat that died
    # "last night", "sorry i know this is a clinic"; suite 25: "sorry my english not so good")
    r"last(?! (?:night|week|weekend|month|year|time|summer|winter|spring|fall|autumn|monday|"
    r"tuesday|wednesday|thursday|friday|saturday|sunday))|final|letter|note|"
    r"sorry(?! (?:i know|to (?:bother|ask)|if|for (?:asking|bothering|the delay|rambling|my "
    r"(?:bad |poor )?(?:english|spelling|grammar|typing|typos))|my (?:bad |poor )?(?:english|"
    r"spelling|grammar|typing)|this is))|"
    r"ready|enough|tired of|sick of|escape|peace|rest|relief|let go|"
    r"stop|pain|bleed\w*|blood|razor|knife|blade|noose|hang\w*|drown\w*|crash\w*|drive off|"
    r"tracks|train|cliff|roof|ledge|swallow\w*|took|taken|bottle|handful|stash|saved up|"
    r"never|nothing|why bother|whats the point|scared|unsafe|danger\w*|help me|emergency|"
    r"be here|wish|dont want|do not want|wanna be|want to be|sleep and|not wake|without|"
    r"relaps\w*|arms?|wrists?|thighs?|legs|did it again|keep going|clean|"
    # weapons and the night one may not survive (development panels: "loading and unloading my
    # pistol", "I don't know if I'll make it through the night")
    r"pistol|handgun|firearm|rifle|shotgun|weapons?|cord|make it (?:through|to) (?:the )?"
    r"(?:night|morning|tomorrow|weekend)|pastillas|morir\w*|matar\w*)\b")


# Someone else's death told as the reason for grief ("lonely since my wife died in the spring"):
# no word of danger for the writer.
_LOSS_RE = re.compile(
    r"\b(?:my|our|his|her) (?:\w+ )?(?:wife|husband|partner|mom|mother|dad|father|son|daughter|"
    r"brother|sister|friend|grandma|grandmother|grandpa|grandfather|dog|cat|child|baby) "
    r"(?:died|passed|passed away|death)\b|\b(?:death|loss) of my (?:\w+ )?\w+\b")


# Joy gone from things, told as a symptom ("nothing sounds fun anymore"): low mood, and its
# "nothing" and "anymore" are no words of danger here (dev11).
_ANHEDONIA_RE = re.compile(
    r"\bnothing (?:sounds|feels|seems|is|tastes) (?:fun|good|interesting|enjoyable|exciting)"
    r"(?: anymore| any more)?\b")


# A medication list with its doses ("I take 300mg of lithium and 50 of seroquel. can I still do
# ketamine?") or leftover pills to get rid of: what patients tell, close in meaning to the
# overdose examples, which name pills and numbers too. A learned score alone must not make it a
# crisis; an amount, an act or a word of death still lets it count (dev12).
_REGIMEN_RE = re.compile(
    r"\b(?:i take|i am on|im on|im taking|i am taking|currently on|currently taking|i use|"
    r"prescribed|i was put on|they put me on|ive been on|i have been on|ive been taking|i have "
    r"been taking)\b(?: \w+){0,3} \d+ ?(?:mg|mcg|ml|milligrams?)\b"
    # leftover pills to get rid of ("60 leftover oxycodone from my surgery, safest way to get rid
    # of them?", dev13)
    r"|\b(?:get rid of|dispose of)(?! (?:myself|me|it all|everything|my life|this life))\b|"
    r"\b(?:disposal|throw (?:them|those) (?:away|out)|drop (?:them|those) off|take ?back)\b"
    # a refill asked for ("Need a lorazepam refill before I run out Sunday please.", dev8: the
    # learned score read the medicine and the day as an overdose planned)
    r"|\b(?:refills?|renew(?:al of)? (?:my )?(?:prescription|script|rx)|(?:prescription|script|rx) "
    r"(?:refill|renewal))\b"
    # pills lost, not taken ("knocked my pill bottle into the sink and lost half of them down the
    # drain", dev21)
    r"|\b(?:lost|dropped|spilled|spilt|flushed|knocked) (?:\w+ ){0,6}(?:pills?|tablets?|bottle|"
    r"medication)\b|\bdown the (?:drain|sink|toilet)\b")
_REGIMEN_DANGER_RE = re.compile(
    r"\b(?:die|died|dying|dead|death|kill\w*|suicid\w*|overdos\w*|too many|too much|all (?:of )?"
    r"(?:my|the|them)|whole|handful|stash\w*|saved up|swallow\w*|took|taken|end it|end my|"
    r"tonight|hurt\w*|harm\w*|goodbye|anymore|at once|all at|enough to|plan\w*|ready|"
    # a bottle counts unless it was lost ("lost half the bottle down the drain")
    r"(?<!pill )(?<!my )bottles?(?! (?:into|in|down|fell|broke|spilled|tipped))(?!.{0,40}\b(?:lost|"
    r"down the (?:drain|sink|toilet)|spilled|dropped)\b))\b")


def is_medication_regimen(text: str) -> bool:
    """True for a message that lists the medicines one takes at their doses, or asks how to get
    rid of leftover ones, with no act or word of death beside them ("im on 20mg lexapro and 150
    wellbutrin, is that ok")."""
    forms = normalize_variants(text or "")
    return any(_REGIMEN_RE.search(form) for form in forms) and not any(
        _REGIMEN_DANGER_RE.search(form) for form in forms)


def is_plain_low_mood(text: str) -> bool:
    """True for a message of low mood with no word of death, harm, means, leaving or an end
    ("Some days I can't get out of bed.", "lonely since my wife died"): a learned score alone
    must not make it a crisis."""
    forms = [_ANHEDONIA_RE.sub(" low ", _LOSS_RE.sub(" ", form))
             for form in normalize_variants(text or "")]
    return bool(forms) and all(
        _LOW_MOOD_RE.search(form) and not _DANGER_WORD_RE.search(form) for form in forms)


_TOPIC_RE = re.compile(
    r"\b(?:suicid\w*|kill(?:ed|ing)? myself|(?:end|ended|ending|take|took|taking|taken) my "
    r"(?:own )?life|self ?harm\w*|cut(?:ting)? myself|hurt(?:ing)? myself|overdos\w*)\b")


def mentions_the_topic(text: str) -> bool:
    """True when the message speaks of suicide, self-harm or an overdose in any tense ("I
    attempted suicide 5 years ago, would that make me ineligible?"): a reply that is not the
    crisis reply then offers the way to help gently."""
    return said(_TOPIC_RE, text)


def has_danger_word(text: str) -> bool:
    """True when the message holds a word of death, harm, means, leaving or an end (the words
    that keep a low mood from being plain, :func:`is_plain_low_mood`)."""
    return said(_DANGER_WORD_RE, text)


# Someone close who died, told as the reason for the grief ("my husband died 3 months ago"):
# no word of danger for the writer, once the message has also denied the risk (review 16).
_BEREAVEMENT_RE = re.compile(
    r"\b(?:my|our|his|her) (?:\w+ )?(?:husband|wife|mom|mum|mother|dad|father|son|daughter|"
    r"brother|sister|partner|friend|grandma|grandpa|grandmother|grandfather|baby|fiance|fiancee|"
    r"dog|cat) (?:\w+ )?(?:died|passed(?: away)?)\b|\bthe death of (?:my|our) \w+\b")


def danger_remains(text: str) -> bool:
    """True when a word of danger is left once the figures of speech, negated acts and denials
    are taken out ("my husband worries I'll do something to myself. I won't" leaves none), and a
    death told as the reason for grief ("my husband died 3 months ago ... not in a suicidal
    way")."""
    return any(_DANGER_WORD_RE.search(_BEREAVEMENT_RE.sub(" _ ", _blank(_blank(
        form, _FIGURES_RE), _DENIALS_RE))) for form in normalize_variants(text or ""))


def has_figure_or_denial(text: str) -> bool:
    """True when the message holds a figure of speech ("dying to know"), a denial ("I'm not
    suicidal") or an accident ("cut myself shaving"). A learned similarity score must not raise
    a crisis on such a message: its words are close to crisis language while its meaning is
    not; the rules, which read the whole phrase, still decide it."""
    for form in normalize_variants(text or ""):
        if (_blank(form, _FIGURES_RE) != form or _blank(form, _DENIALS_RE) != form
                or _ACCIDENT_RE.search(form)):
            return True
    return False


def detect_distress(text: str, verdict: CrisisVerdict | None = None) -> tuple[str, ...]:
    """The distress entries (ids) a message matches, when it is not already a crisis or a
    question about the topic (``verdict``: its :func:`detect_crisis`, when the caller has it);
    figures of speech, negated acts and denials do not count."""
    if not text or not text.strip():
        return ()
    if (verdict or detect_crisis(text)).needs_resources:
        return ()
    found: list[str] = []
    for form in normalize_variants(text):
        cleaned = _blank(_blank(form, _FIGURES_RE), _DENIALS_RE)
        found.extend(name for name, pattern in _DISTRESS
                     if name not in found and pattern.search(cleaned))
    return tuple(found)


def is_crisis(text: str) -> bool:
    """Shorthand: True when the message needs the crisis reply."""
    return detect_crisis(text).is_crisis
