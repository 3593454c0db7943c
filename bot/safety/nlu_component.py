"""Rasa NLU component: the safety check that runs on every message, before any dialogue.

Placed last in config.yml's pipeline, after the intent classifier, so it sees the classifier's
answer and the semantic crisis score and can overrule them, and nothing after it can undo a
crisis. For each message, in this order:

1. the deterministic crisis detector (``bot.safety.crisis``): a ``crisis`` verdict sets the
   intent to ``crisis`` with confidence 1.0, whatever the classifier said, except that
   someone else who took too much (an overdose about a third person, with no suicidal or
   self-harm words: "my boyfriend took a bunch of pills and won't wake up") is
   ``urgent_medical``: 911 first, and follow-ups that press for it;
   then an urgent medical situation (``bot.safety.urgent``: trouble breathing, chest pain, a
   racing heart, fainting, someone unresponsive, too much of a substance, ketamine from outside
   a clinic) sets ``urgent_medical`` (911 and Poison Control first);
2. an informational question about the topic (verdict ``concern``) becomes ``crisis_topic``
   (answered from the knowledge base, with the crisis resources added);
3. the semantic crisis score (``bot.nlu.intent_classifier``: the probability that the message
   means what the crisis examples mean) at or above ``semantic_crisis_threshold`` also makes a
   ``crisis``, but only when the message holds no figure of speech and no denial, is close
   to some crisis example (cosine >= ``semantic_min_similarity``) and about as close to it as
   to every other training example and FAQ question (within ``semantic_crisis_margin``), or
   closer. This adds recall for
   phrasing no rule knows, without raising alarms on "killing it at work" or "I'm not suicidal";
4. otherwise hopelessness that is not a crisis on its own (``detect_distress``, or the semantic
   score below the crisis bar: ``semantic_distress_vote``) is marked in the verdict
   (``distress``: the entries matched, or ``semantic``); small talk or a medical-advice request with
   it ("thanks, but what's the point", "nothing will get better for me") becomes
   ``ask_question``, so that the answer action, which reads the whole conversation, decides
   between a check-in and the crisis resources (``bot.safety.distress``);
5. otherwise a request for individual medical advice (``bot.safety.medical``) becomes
   ``medical_advice`` with confidence 1.0.

Every typed message also gets a ``message_language`` entity (``en`` or ``es``, from
``bot.language``), which fills the slot of the same name, so that a crisis or an emergency in
Spanish gets the Spanish variation of its response; a short reply in neither language ("sí",
"gracias", "ok") gets none, so the slot keeps the conversation's language.

The verdict is stored in the message under ``safety`` (levels, categories, rule names and
scores, never the text) and reaches the action server as ``tracker.latest_message["safety"]``.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.booking.request_words import asks_for_a_pause, asks_to_book, wants_it_sent
from bot.language import MESSAGE_LANGUAGE, language_undecided, message_language
from bot.nlu.clauses import split_clauses
from bot.retrieval.remarks import BOOK_LATER_RE, SHOULD_I_CALL_RE, WILL_CALL_RE
from bot.safety.crisis import (
    CONCERN,
    danger_remains,
    detect_crisis,
    detect_distress,
    has_danger_word,
    has_figure_or_denial,
    is_medication_regimen,
    is_plain_low_mood,
    is_resolved_history,
)
from bot.safety.emergency import (
    OVERDOSE_CATEGORY,
    THIRD_PARTY_CATEGORY,
    URGENT_INTENT,
    asks_to_text_instead,
    asks_what_to_do_while_waiting,
    asks_what_to_tell_911,
    asks_whom_to_call,
    help_is_called,
    hesitates_to_call,
    needs_emergency_reply,
    reached_crisis_line,
    took_a_lot_already,
    will_reach_out,
)
from bot.safety.medical import asks_the_clinic_dose, detect_medical_advice
from bot.safety.mix_up import MIX_UP_INTENT
from bot.safety.subject import CRISIS_SUBJECT, crisis_subject, stated_crisis_subject
from bot.safety.urgent import is_medication_mistake, is_urgent, pet_into_medicine

CRISIS_INTENT = "crisis"
CRISIS_TOPIC_INTENT = "crisis_topic"
MEDICAL_ADVICE_INTENT = "medical_advice"
SAFETY_KEY = "safety"
ASK_QUESTION_INTENT = "ask_question"
LANGUAGE_ENTITY = MESSAGE_LANGUAGE
MIN_CLAUSE_WORDS = 4
CLAUSE_MIN_LEAD = 0.02
# When the whole message is clearly closer to a clinic question than to any crisis example
# (by WHOLE_QUESTION_LEAD), a clause with no word of danger must be clearly closer to a crisis
# example (by CLEAR_CLAUSE_LEAD) to make it a crisis: "im feeling a little steadier now. i think
# i want to actually try treatment, can i book a consult" (suite 17, lead 0.029) and "im 20 and
# still on my parents health insurance. if i get this will they see it" (0.074) are questions;
# "I've written letters to my kids ... make sure the clinic stops calling my number" (dev10,
# 0.223) and "do you accept medicaid? i have nobody and i keep loading and unloading my pistol"
# (dev5, 0.135) are not. Chosen on the development panels only.
WHOLE_QUESTION_LEAD = 0.1
CLEAR_CLAUSE_LEAD = 0.1
# Intents a form step takes as its answer; a message of hopelessness is none of them.
FORM_ANSWER_INTENTS = frozenset({"inform", "correct_booking"})
# Intents that say nothing a distressed message needs: it goes to the answer action instead.
SMALL_TALK_INTENTS = frozenset({"greet", "goodbye", "thanks", "affirm", "deny", "out_of_scope",
                                "bot_challenge", "nlu_fallback"})


def semantic_crisis_vote(message: Message, text: str, threshold: float,
                         min_similarity: float = 0.4, margin: float = 0.0) -> bool:
    """True when the semantic crisis score alone makes this message, or one of its clauses
    (``bot.nlu.clauses``), a crisis (rule 3 above)."""
    if is_medication_mistake(text) or is_medication_regimen(text):
        # "my mom took an extra blood pressure pill by mistake", "I take 300mg of lithium and 50
        # of seroquel. can I still do ketamine?" (dev12), leftover pills to get rid of (dev13):
        # pills and numbers read like an overdose to the score, not to a clinician. The rules
        # still read every such message.
        return False
    if pet_into_medicine(text):
        # "my cat ... ate one or two" of a medicine (review 22): a pet's, for the vet lines.
        return False
    if asks_the_clinic_dose(text):
        # "how many mg would they give me" (suite 24): the clinic's dose, a medical question.
        return False
    if asks_whom_to_call(text):
        # "911 or just go there myself?" after a friend's message (review 23): whom to call,
        # for the answer action, however the score reads "myself".
        return False
    if help_is_called(text):
        # "ok i called 911 and gave them her address, they are on the way" (review 21) reads
        # like the crisis it follows; the rules still read every such message.
        return False
    if is_resolved_history(text):
        # A history that is over, told in the whole message ("when i was 17 i had a whole plan.
        # i'm 30 now and in a good place", dev14), is not undone by the score of the message or
        # of one of its clauses read alone ("I used to think about dying a lot when I was on
        # Paxil"); the rules read it the same way.
        return False
    if _vote(message.get("semantic_crisis") or {}, text, threshold, min_similarity, margin):
        return True
    if is_plain_low_mood(text):
        # No clause can hold a word of danger the whole message lacks ("some days i can't get
        # out of bed, i just lie there and stare at the ceiling", dev11).
        return False
    clauses = split_clauses(text)
    clause_scores = message.get("semantic_crisis_clauses") or []
    if len(clause_scores) != len(clauses):
        return False
    # A clause has less context than the message: it must be clearly closer to a crisis
    # example than to anything else and have at least four words ("I feel broken" is not
    # enough). Chosen on the development panels and the conversation review of 2026-12-04
    # ("I've been on sertraline for 3 years and it's not doing much": lead 0.009).
    # After a denial or a negated act in the message, a clause must say something of danger
    # itself to vote ("I don't want to die, I want to actually live again" is no crisis; "not
    # suicidal, I just wouldn't mind if I didn't survive the infusion" is). Round 7, dev7.
    denied = has_figure_or_denial(text)
    if denied and not danger_remains(text):
        return False  # the only words of danger were the denied or figurative ones (round 9)
    whole = message.get("semantic_crisis") or {}
    a_question = float(whole.get("nearest_other_similarity", 0.0)) - float(
        whole.get("nearest_similarity", 0.0)) >= WHOLE_QUESTION_LEAD
    return any(_vote(score, clause, threshold, min_similarity,
                     -CLEAR_CLAUSE_LEAD if a_question and not has_danger_word(clause)
                     else -CLAUSE_MIN_LEAD)
               for score, clause in zip(clause_scores, clauses, strict=True)
               if len(clause.split()) >= MIN_CLAUSE_WORDS
               and (not denied or has_danger_word(clause)))


def _vote(score: dict[str, Any], text: str, threshold: float, min_similarity: float,
          margin: float) -> bool:
    if float(score.get("probability", 0.0)) < threshold:
        return False
    nearest = float(score.get("nearest_similarity", 0.0))
    # Far from every example ("Destiny Hope", a name), the regression only extrapolates.
    if nearest < min_similarity:
        return False
    # About as close in meaning to some crisis example as to every other example and FAQ
    # question (within ``margin``), or closer.
    if nearest <= float(score.get("nearest_other_similarity", 1.0)) - margin:
        return False
    return not has_figure_or_denial(text) and not is_plain_low_mood(text)


def semantic_distress_vote(message: Message, text: str, threshold: float, margin: float,
                           min_similarity: float = 0.3) -> bool:
    """True when the semantic crisis score, below the crisis bar, still reads this message as
    distress: a high probability, about as close to a crisis example as to anything else
    (within ``margin``), and no figure of speech or denial. Used for the conversation-level
    check (``bot.safety.distress``), never for a crisis reply on its own."""
    score = message.get("semantic_crisis") or {}
    if float(score.get("probability", 0.0)) < threshold or asks_the_clinic_dose(text):
        return False
    nearest = float(score.get("nearest_similarity", 0.0))
    if nearest < min_similarity or nearest < float(score.get("nearest_other_similarity", 1.0)) \
            - margin:
        return False
    return not has_figure_or_denial(text)


def _set_intent(message: Message, intent: str, confidence: float = 1.0) -> None:
    chosen = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: confidence}
    ranking = [e for e in message.get(INTENT_RANKING_KEY) or []
               if e.get(INTENT_NAME_KEY) != intent]
    message.set(INTENT, chosen, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(chosen), *ranking], add_to_output=True)


def _set_entity(message: Message, text: str, entity: str, value: str) -> None:
    """One whole-message entity from this component (it fills the slot of the same name)."""
    entities = [e for e in message.get(ENTITIES) or [] if e.get("entity") != entity]
    entities.append({"entity": entity, "value": value, "start": 0, "end": len(text),
                     "extractor": "SafetyClassifier"})
    message.set(ENTITIES, entities, add_to_output=True)


def _set_language(message: Message, text: str, language: str) -> None:
    """The message's language as an entity, which fills the ``message_language`` slot: the
    crisis and emergency responses have Spanish variations conditioned on it."""
    _set_entity(message, text, LANGUAGE_ENTITY, language)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyClassifier(GraphComponent, IntentClassifier):
    """Overrules the intent for crises and medical-advice requests; never the other way."""

    @classmethod
    def required_components(cls) -> list[type]:
        """It refines another classifier's prediction."""
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``semantic_crisis_threshold``: the semantic crisis probability that also counts."""
        return {"semantic_crisis_threshold": 0.8, "semantic_min_similarity": 0.4,
                "semantic_crisis_margin": 0.0, "semantic_distress_threshold": 0.75,
                "semantic_distress_margin": 0.05}

    def __init__(self, config: dict[str, Any]) -> None:
        self._threshold = float(config.get("semantic_crisis_threshold", 0.8))
        self._min_similarity = float(config.get("semantic_min_similarity", 0.4))
        self._margin = float(config.get("semantic_crisis_margin", 0.0))
        self._distress_threshold = float(config.get("semantic_distress_threshold", 0.75))
        self._distress_margin = float(config.get("semantic_distress_margin", 0.05))

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyClassifier:
        """A new component with the pipeline's configuration."""
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        """Check each message and set the intent where safety requires it."""
        for message in messages:
            self.check(message)
        return messages

    def check(self, message: Message) -> None:
        """Apply the safety decision to one message (see the module docstring)."""
        text = message.get(TEXT) or ""
        if text.startswith("/"):
            return  # a button payload, e.g. /affirm: no typed text to check
        crisis = detect_crisis(text)
        distress = list(detect_distress(text, crisis))
        if not distress and not crisis.needs_resources and semantic_distress_vote(
                message, text, self._distress_threshold, self._distress_margin):
            distress = ["semantic"]
        model_intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        medical = detect_medical_advice(text)
        if crisis.is_crisis and pet_into_medicine(text) and set(crisis.categories) <= {
                OVERDOSE_CATEGORY, THIRD_PARTY_CATEGORY}:
            # "my cat knocked my bottle of lorazepam over and i think she ate one or two" (review
            # 22 got the crisis reply): the pet's overdose, for a vet and the animal poison lines.
            _set_intent(message, ASK_QUESTION_INTENT)
            decided_by = "rules"
        elif crisis.is_crisis and needs_emergency_reply(crisis.categories, crisis.rules, text):
            _set_intent(message, URGENT_INTENT)
            decided_by = "rules"
        elif crisis.is_crisis:
            _set_intent(message, CRISIS_INTENT)
            _set_entity(message, text, CRISIS_SUBJECT, crisis_subject(crisis.categories, text))
            decided_by = "rules"
        elif is_urgent(text):
            _set_intent(message, URGENT_INTENT)
            decided_by = "rules"
        elif is_medication_mistake(text):
            _set_intent(message, MIX_UP_INTENT)
            decided_by = "rules"
        elif crisis.level == CONCERN:
            _set_intent(message, CRISIS_TOPIC_INTENT)
            decided_by = "rules"
        elif semantic_crisis_vote(message, text, self._threshold, self._min_similarity,
                                  self._margin):
            # A misspelled overdose no rule reads ("took a hole bunch of my sleepin pils") gets
            # the emergency reply, as the rules' overdose already taken does.
            _set_intent(message, URGENT_INTENT if took_a_lot_already(text) else CRISIS_INTENT,
                        float((message.get("semantic_crisis") or {}).get("probability", 1.0)))
            # Whose crisis it is reads the words alone, as for the rules (a wife who "ya no quiere
            # seguir viviendo" had got the writer's reply when only the learned score caught it).
            # When the words do not say (a follow-up such as "now she wont pick up"), the
            # conversation's subject stands.
            subject = stated_crisis_subject(text)
            if subject:
                _set_entity(message, text, CRISIS_SUBJECT, subject)
            decided_by = "semantic"
        elif distress:
            # Hopelessness goes to the answer action, which reads the whole conversation; a
            # "for me" that the medical-advice rules would refuse is not what this person needs.
            # At a form step too ("nothing ever helps and i just want it all to stop" at the
            # summary, review 17, got the summary again): a form answer is not what it is.
            if model_intent in SMALL_TALK_INTENTS | FORM_ANSWER_INTENTS \
                    or medical.is_advice_request:
                _set_intent(message, ASK_QUESTION_INTENT)
            decided_by = "distress"
        elif pet_into_medicine(text):
            # "my dog just ate like 5 of my trazodone" (suite 20 got the medical-advice refusal):
            # the answer action gives a vet and the animal poison lines.
            _set_intent(message, ASK_QUESTION_INTENT)
            decided_by = "rules"
        elif medical.is_advice_request:
            _set_intent(message, MEDICAL_ADVICE_INTENT)
            decided_by = "rules"
        elif wants_it_sent(text) and model_intent in {"cancel_booking", "deny"}:
            # "wait no i wanted to send it" after a cancel (review 14): a booking request.
            _set_intent(message, "book_consultation")
            decided_by = "rules"
        elif asks_for_a_pause(text) and (model_intent in {
                "cancel_booking", "deny", "goodbye", "inform"} | SMALL_TALK_INTENTS or (
                model_intent == "book_consultation" and not asks_to_book(text))):
            # "hold on let me check with my wife first" at the summary (review 14): a pause, for
            # the answer action (the form stays open), never the cancel that deletes the request.
            # "hang on let me ask my husband first" at the contact step (suite 22) was rejected
            # as no phone number; a pause that also gives the number is the form's answer (the
            # answer action lets the form take it).
            # "hold on let me check his class schedule" at the time step read as a booking
            # request to the model (suite 24) and was kept as the preferred time.
            _set_intent(message, ASK_QUESTION_INTENT)
            decided_by = "rules"
        elif (SHOULD_I_CALL_RE.search(text) or asks_whom_to_call(text)
              or asks_what_to_tell_911(text) or asks_what_to_do_while_waiting(text)
              or (asks_to_text_instead(text) and not asks_to_book(text))) and model_intent in {
                "affirm", "book_consultation", "ask_human", "deny", "inform"} | SMALL_TALK_INTENTS:
            # "should i just call the clinic instead" is a question about phoning, not a
            # booking request (review 19 opened the form in an emergency); "what number do i
            # call" after someone else's crisis is for the answer action (911 now), not the
            # clinic's card.
            _set_intent(message, ASK_QUESTION_INTENT)
            decided_by = "rules"
        elif BOOK_LATER_RE.search(text) and model_intent == "deny":
            # "not ready to book yet tbh, maybe later": no booking now. In the form it closes the
            # request (nothing is saved); outside it, how to book later
            # (action_cancel_outside_form).
            _set_intent(message, "cancel_booking")
            decided_by = "rules"
        elif (WILL_CALL_RE.search(text) or BOOK_LATER_RE.search(text)) and model_intent in {
                "affirm", "book_consultation"}:
            # "ok ill call monday" after an offer to book (review 16 opened the form): the
            # patient will phone; the answer action says when the team is there.
            _set_intent(message, ASK_QUESTION_INTENT)
            decided_by = "rules"
        elif (help_is_called(text) or reached_crisis_line(text) or hesitates_to_call(text)
              or will_reach_out(text)) \
                and model_intent in (
                SMALL_TALK_INTENTS | {"inform", "book_consultation", "correct_booking",
                                      "cancel_booking"}):
            # "ok I called them", "ok calling" (no call-back request): the answer action ends
            # the emergency and says so; "scared to call" gets the emergency reply again. "i
            # called, now what" reads as a cancel to the model (review 26).
            _set_intent(message, ASK_QUESTION_INTENT)
            decided_by = "rules"
        else:
            decided_by = "model"
        if not language_undecided(text, crisis.rules):
            _set_language(message, text, message_language(text, crisis.rules))
        message.set(SAFETY_KEY, {
            "crisis": crisis.as_dict(),
            "distress": distress,
            "medical": medical.as_dict(),
            "model_intent": model_intent,
            "semantic_crisis": message.get("semantic_crisis"),
            "decided_by": decided_by,
        }, add_to_output=True)
