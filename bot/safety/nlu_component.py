"""Rasa NLU component: the safety check that runs on every message, before any dialogue.

Placed in config.yml's pipeline after the DIETClassifier and the FallbackClassifier, so it
sees the model's final answer and can overrule it, and nothing after it can turn a crisis
into ``nlu_fallback``. For each message it:

1. runs the deterministic crisis detector (``bot.safety.crisis``); a ``crisis`` verdict sets
   the intent to ``crisis`` with confidence 1.0, whatever the model said;
2. otherwise, if the model's own ``crisis`` confidence is at or above ``model_crisis_threshold``
   (also when the FallbackClassifier replaced it), the intent is ``crisis``: the deterministic
   layer only ever adds crises, never removes one the model is sure of. A model ``crisis``
   below the threshold does not count and becomes ``nlu_fallback`` (the retrieval layer answers);
3. otherwise an informational question about the topic (verdict ``concern``) becomes
   ``crisis_topic`` (answered from the knowledge base, with the crisis resources added);
4. otherwise a request for individual medical advice (``bot.safety.medical``) becomes
   ``medical_advice`` with confidence 1.0.

The verdict is stored in the message under ``safety`` (levels, categories and rule names,
never the text) and reaches the action server as ``tracker.latest_message["safety"]``.

This is the only module of ``bot`` that imports rasa; only the Rasa process loads it.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.safety.crisis import CONCERN, detect_crisis
from bot.safety.medical import detect_medical_advice

CRISIS_INTENT = "crisis"
CRISIS_TOPIC_INTENT = "crisis_topic"
MEDICAL_ADVICE_INTENT = "medical_advice"
NLU_FALLBACK_INTENT = "nlu_fallback"
SAFETY_KEY = "safety"


def _model_confidence(message: Message, intent: str) -> float:
    """The model's confidence for ``intent`` (top intent or anywhere in the ranking)."""
    best = message.get(INTENT) or {}
    found = best.get(PREDICTED_CONFIDENCE_KEY, 0.0) if best.get(INTENT_NAME_KEY) == intent else 0.0
    for entry in message.get(INTENT_RANKING_KEY) or []:
        if entry.get(INTENT_NAME_KEY) == intent:
            found = max(found, float(entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0))
    return float(found)


def _set_intent(message: Message, intent: str, confidence: float = 1.0) -> None:
    chosen = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: confidence}
    ranking = [e for e in message.get(INTENT_RANKING_KEY) or []
               if e.get(INTENT_NAME_KEY) != intent]
    message.set(INTENT, chosen, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(chosen), *ranking], add_to_output=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyClassifier(GraphComponent, IntentClassifier):
    """Overrules the intent for crises and medical-advice requests; never the other way."""

    @classmethod
    def required_components(cls) -> list[type]:
        """It refines another classifier's prediction."""
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``model_crisis_threshold``: the model's own crisis confidence that also counts."""
        return {"model_crisis_threshold": 0.98}

    def __init__(self, config: dict[str, Any]) -> None:
        self._threshold = float(config.get("model_crisis_threshold", 0.98))

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
        model_intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        model_crisis = _model_confidence(message, CRISIS_INTENT)
        medical = None
        if crisis.is_crisis:
            _set_intent(message, CRISIS_INTENT)
            decided_by = "rules"
        elif model_crisis >= self._threshold:
            # A confident model crisis stands (the rules never remove one); when the fallback
            # classifier had replaced it, the ranking entry brings it back.
            _set_intent(message, CRISIS_INTENT, model_crisis)
            decided_by = "model"
        elif crisis.level == CONCERN:
            _set_intent(message, CRISIS_TOPIC_INTENT)
            decided_by = "rules"
        else:
            if model_intent == CRISIS_INTENT:
                # Below the threshold the model's crisis does not count (it fires on "dead
                # tired" and "my phone died"): the message goes to the retrieval layer, like
                # any message the model is unsure about. See docs/safety.md for the numbers.
                _set_intent(message, NLU_FALLBACK_INTENT, model_crisis)
            medical = detect_medical_advice(text)
            if medical.is_advice_request:
                _set_intent(message, MEDICAL_ADVICE_INTENT)
                decided_by = "rules"
            else:
                decided_by = "model"
        message.set(SAFETY_KEY, {
            "crisis": crisis.as_dict(),
            "medical": (medical or detect_medical_advice(text)).as_dict(),
            "model_intent": model_intent,
            "model_crisis_confidence": round(model_crisis, 4),
            "decided_by": decided_by,
        }, add_to_output=True)
