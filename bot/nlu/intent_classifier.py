"""Intent classifier on the retrieval encoder's sentence vectors, with retrieval-aware routing.

Why this and not DIET: on this data a logistic regression over the MiniLM sentence vector plus
character n-grams is more accurate in 5-fold cross-validation than DIET was (docs/nlu.md),
trains in seconds instead of minutes, and has no random initialisation, so a model trained on
another machine makes the same decisions.

What it decides, and what it leaves to others:

- Crisis, informational crisis questions and medical-advice requests are not its classes: the
  safety layer (``bot.safety.nlu_component``) decides those, first, on every message. This
  component only supplies a *semantic crisis score* (how close the message is to the crisis
  examples in meaning), which the safety layer may use to add recall.
- ``out_of_scope`` is merged into ``ask_question``: both go to the retrieval layer, which
  decides from the clinic's knowledge whether it can answer.
- The clinic's FAQ questions and paraphrases (``knowledge/faq.yml``) are extra, lightly
  weighted ``ask_question`` examples, so the classifier knows what the knowledge covers. An
  entry that describes a dialogue act the assistant performs itself (``knowledge_acts``: "How
  do I book?" opens the consultation form, "How can I speak to someone?" gives the contact
  details) teaches that act instead, and is not part of the knowledge the routing rule protects:
  the FAQ and the intents then agree instead of pulling the same words two ways.

The routing rule (one rule, here; tested in tests/test_nlu_routing.py). Let *k* be the highest
cosine similarity between the message and an FAQ question or paraphrase. The message goes to
the retrieval layer instead of the classifier's intent when

- the intent is small talk or a form intent and k >= ``knowledge_similarity`` (0.80): small
  talk never takes a question the knowledge answers; or
- the classifier is unsure (confidence < ``unsure_confidence``, 0.6) of any intent and
  k >= ``unsure_knowledge_similarity`` (0.60): an unsure guess does not take a message that is
  close to the knowledge, not even for an explicit act.

When the FAQ entry closest to the message is one that stands for a dialogue act
(``knowledge_acts``: "How do I book?") and it is closer than any entry that answers itself, with
similarity >= 0.60, a message the classifier sends to retrieval is a dialogue act: the one of
these acts the classifier ranks highest ("ok yes, a consultation then" opens the form instead of
being told how to book; routing reason "knowledge_act"). A message it gives another intent
("sorry its 217-555-0129" as a form answer) is not re-read.

A longer message that reads as a question the knowledge is not close to (k below 0.60) but has
one clause that asks for booking or a person with confidence >= 0.8 ("can I book for my husband?
he hates talking on the phone") gets that act (routing reason "clause").

A confident explicit dialogue act (book, talk to a person, cancel) keeps priority; crisis is
decided before any of this by the safety component. Below ``fallback_confidence`` (0.4) the
classifier's guess counts for nothing: the intent is ``nlu_fallback``, which the retrieval layer
answers or declines honestly, and which a form still reads as a typed answer. A one-word
"restart" must not be taken for "yes" to an offer.
"""

from __future__ import annotations

import logging
import pickle
from pathlib import Path
from typing import Any

import numpy as np
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
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.booking.request_words import asks_to_book
from bot.config import KNOWLEDGE_DIR
from bot.nlu.clauses import split_clauses
from bot.nlu.crisis_model import CrisisModel
from bot.nlu.sentence_featurizer import CLAUSE_VECTORS, MiniLMSentenceFeaturizer
from bot.retrieval.knowledge import load_faq_yaml
from bot.retrieval.onnx_backend import OnnxEncoder

log = logging.getLogger(__name__)

SEMANTIC_CRISIS_KEY = "semantic_crisis"
SEMANTIC_CRISIS_CLAUSES_KEY = "semantic_crisis_clauses"
ROUTING_KEY = "routing"
MODEL_FILE = "intent_model.pkl"


# Small talk that explicit booking words overrule ("whatever. can i still book or not"). Not
# "affirm": a yes to an offer already leads to the form, and at the privacy step a yes must stay
# a yes (bot.safety.nlu_component has its own, wider list for another purpose).
BOOKING_WORDS_OVERRULE = frozenset({"greet", "goodbye", "thanks", "deny", "out_of_scope",
                                    "nlu_fallback", "bot_challenge"})


def sentence_vector(message: Message) -> np.ndarray | None:
    """The message's dense sentence feature (from the MiniLM featurizer), or None."""
    _, sentence = message.get_dense_features(TEXT)
    if sentence is None:
        return None
    return np.asarray(sentence.features, dtype=np.float32).reshape(-1)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SemanticIntentClassifier(GraphComponent, IntentClassifier):
    """Logistic regression on [MiniLM vector, character n-grams]; see the module docstring."""

    @classmethod
    def required_components(cls) -> list[type]:
        """Needs the MiniLM sentence features."""
        return [MiniLMSentenceFeaturizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Defaults; config.yml documents each choice."""
        return {
            "C": 30.0,
            "embedding_weight": 1.0,
            "char_ngrams": [2, 4],
            "excluded_intents": ["crisis", "crisis_topic", "medical_advice"],
            "retrieval_intent": "ask_question",
            "merged_intents": ["out_of_scope"],
            "explicit_intents": ["book_consultation", "ask_human", "cancel_booking"],
            "knowledge_file": str(KNOWLEDGE_DIR / "faq.yml"),
            "knowledge_weight": 0.25,
            "knowledge_acts": {},
            "knowledge_similarity": 0.8,
            "unsure_confidence": 0.6,
            "unsure_knowledge_similarity": 0.6,
            "fallback_confidence": 0.4,
            "fallback_intent": "nlu_fallback",
            "crisis_intents": ["crisis"],
            # Intents the safety rules decide alone (bot/safety/urgent.py): their examples only
            # document them for `rasa data validate`, and neither model learns from them.
            "rule_only_intents": ["medication_mistake", "urgent_medical"],
            "clause_acts": ["book_consultation", "ask_human"],
            "clause_act_confidence": 0.8,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: dict[str, Any] | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SemanticIntentClassifier:
        """An untrained classifier."""
        return cls(config, model_storage, resource)

    # --- training -------------------------------------------------------------------------

    def _features(self, vectors: np.ndarray, texts: list[str], vectorizer) -> csr_matrix:
        weight = float(self._config["embedding_weight"])
        return hstack([csr_matrix(vectors * weight), vectorizer.transform(texts)]).tocsr()

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the intent model and the semantic crisis score; store both with the model."""
        excluded = set(self._config["excluded_intents"])
        merged = set(self._config["merged_intents"])
        retrieval = self._config["retrieval_intent"]
        crisis_intents = set(self._config["crisis_intents"])
        rule_only = set(self._config["rule_only_intents"])
        texts, labels, vectors, is_crisis = [], [], [], []
        for message in training_data.intent_examples:
            vector = sentence_vector(message)
            intent = message.get(INTENT)
            if vector is None or intent in rule_only:
                continue
            texts.append(message.get(TEXT))
            vectors.append(vector)
            labels.append(retrieval if intent in merged else intent)
            is_crisis.append(intent in crisis_intents)
        # The FAQ questions and paraphrases, read by the project's own knowledge loader. An
        # entry that stands for a dialogue act (knowledge_acts) teaches that act instead.
        acts = dict(self._config["knowledge_acts"])
        knowledge, knowledge_labels = [], []
        for entry in load_faq_yaml(Path(self._config["knowledge_file"])):
            for question in entry.questions:
                if question.strip():
                    knowledge.append(question)
                    knowledge_labels.append(acts.get(entry.id, retrieval))
        knowledge_vectors = OnnxEncoder("fp32", threads=1).encode(knowledge)
        answers_itself = np.array([label == retrieval for label in knowledge_labels])
        all_vectors = np.vstack([np.vstack(vectors), knowledge_vectors])
        all_crisis = np.array(is_crisis + [False] * len(knowledge))

        keep = [i for i, label in enumerate(labels) if label not in excluded]
        intent_texts = [texts[i] for i in keep] + knowledge
        intent_labels = [labels[i] for i in keep] + knowledge_labels
        intent_vectors = np.vstack([np.vstack([vectors[i] for i in keep]), knowledge_vectors])
        weights = np.array([1.0] * len(keep) + [float(self._config["knowledge_weight"])]
                           * len(knowledge))
        low, high = self._config["char_ngrams"]
        vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(low, high),
                                     sublinear_tf=True).fit(intent_texts)
        intents = LogisticRegression(C=float(self._config["C"]), max_iter=5000)
        intents.fit(self._features(intent_vectors, intent_texts, vectorizer), intent_labels,
                    sample_weight=weights)

        crisis = CrisisModel.fit(all_vectors, texts + knowledge, all_crisis,
                                 C=float(self._config["C"]))
        log.info("intent model: %d examples, %d knowledge texts, %d crisis examples",
                 len(keep), len(knowledge), int(all_crisis.sum()))
        self._model = {
            "vectorizer": vectorizer,
            "intents": intents,
            "crisis": crisis,
            "knowledge_vectors": knowledge_vectors[answers_itself],
            "act_vectors": knowledge_vectors[~answers_itself],
            "act_labels": [label for label in knowledge_labels if label != retrieval],
        }
        with self._storage.write_to(self._resource) as directory:
            with open(directory / MODEL_FILE, "wb") as handle:
                pickle.dump(self._model, handle)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SemanticIntentClassifier:
        """The trained classifier stored with the Rasa model (written by ``train`` only)."""
        try:
            with model_storage.read_from(resource) as directory:
                with open(directory / MODEL_FILE, "rb") as handle:
                    model = pickle.load(handle)  # noqa: S301 - our own training output
        except (ValueError, OSError):
            log.warning("no trained intent model found: every message goes to retrieval")
            model = None
        return cls(config, model_storage, resource, model)

    # --- prediction -----------------------------------------------------------------------

    def process(self, messages: list[Message]) -> list[Message]:
        """Set intent, ranking, the semantic crisis score and the routing reason."""
        for message in messages:
            self._classify(message)
        return messages

    def goes_to_retrieval(
        self, intent: str, confidence: float, knowledge_similarity: float
    ) -> bool:
        """The routing rule of the module docstring, for a message the classifier gave
        ``intent`` with ``confidence``, ``knowledge_similarity`` close to the FAQ questions."""
        config = self._config
        if (intent not in config["explicit_intents"]
                and knowledge_similarity >= float(config["knowledge_similarity"])):
            return True
        return (confidence < float(config["unsure_confidence"])
                and knowledge_similarity >= float(config["unsure_knowledge_similarity"]))

    def _classify(self, message: Message) -> None:
        vector = sentence_vector(message)
        retrieval = self._config["retrieval_intent"]
        if self._model is None or vector is None:
            message.set(INTENT, {INTENT_NAME_KEY: retrieval, PREDICTED_CONFIDENCE_KEY: 0.0},
                        add_to_output=True)
            message.set(INTENT_RANKING_KEY, [], add_to_output=True)
            return
        text = message.get(TEXT) or ""
        model = self._model
        probabilities = model["intents"].predict_proba(
            self._features(vector[None, :], [text], model["vectorizer"]))[0]
        order = np.argsort(-probabilities)
        classes = model["intents"].classes_
        ranking = [{INTENT_NAME_KEY: str(classes[i]),
                    PREDICTED_CONFIDENCE_KEY: float(probabilities[i])} for i in order[:10]]
        top = dict(ranking[0])
        knowledge_similarity = float(np.max(model["knowledge_vectors"] @ vector))
        reason = "classifier"
        probability = dict(zip(classes, probabilities, strict=True))
        act = self._knowledge_act(vector, probability, knowledge_similarity, top)
        if act is not None:
            top, reason = act, "knowledge_act"
        elif top[INTENT_NAME_KEY] != retrieval and self.goes_to_retrieval(
                top[INTENT_NAME_KEY], top[PREDICTED_CONFIDENCE_KEY], knowledge_similarity):
            top = {INTENT_NAME_KEY: retrieval, PREDICTED_CONFIDENCE_KEY: knowledge_similarity}
            reason = "knowledge"
        elif (top[INTENT_NAME_KEY] != retrieval
              and top[PREDICTED_CONFIDENCE_KEY] < float(self._config["fallback_confidence"])):
            top = {INTENT_NAME_KEY: self._config["fallback_intent"],
                   PREDICTED_CONFIDENCE_KEY: top[PREDICTED_CONFIDENCE_KEY]}
            reason = "unsure"
        if top[INTENT_NAME_KEY] in BOOKING_WORDS_OVERRULE and asks_to_book(text):
            # "whatever. can i still book or not": the words ask for the form; the small talk
            # around them does not decide (seventh round: a retraining moved this to "deny").
            top = {INTENT_NAME_KEY: "book_consultation",
                   PREDICTED_CONFIDENCE_KEY: top[PREDICTED_CONFIDENCE_KEY]}
            reason = "booking_words"
        clause_vectors = message.get(CLAUSE_VECTORS)
        if (top[INTENT_NAME_KEY] in (retrieval, self._config["fallback_intent"])
                and clause_vectors is not None and knowledge_similarity
                < float(self._config["unsure_knowledge_similarity"])):
            act = self._clause_act(clause_vectors, split_clauses(text))
            if act is not None:
                top, reason = act, "clause"
        message.set(INTENT, top, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        message.set(ROUTING_KEY, {"by": reason,
                                  "knowledge_similarity": round(knowledge_similarity, 4)},
                    add_to_output=True)
        message.set(SEMANTIC_CRISIS_KEY, model["crisis"].score(vector, text), add_to_output=True)
        # Each clause of a longer message on its own (numbers only, in clause order).
        if clause_vectors is not None:
            clauses = split_clauses(text)
            message.set(SEMANTIC_CRISIS_CLAUSES_KEY,
                        [model["crisis"].score(v, c) for v, c in zip(clause_vectors, clauses,
                                                                      strict=True)],
                        add_to_output=True)

    def _knowledge_act(self, vector: np.ndarray, probability: dict[str, float],
                       knowledge_similarity: float, top: dict[str, Any]) -> dict[str, Any] | None:
        """The dialogue act of the closest FAQ entry, when that entry stands for an act and is
        closer than the knowledge that answers itself (module docstring); None otherwise.
        ``probability``: the classifier's probability per intent for this message."""
        model = self._model
        labels = model.get("act_labels") if model else None
        if model is None or not labels:
            return None
        similarities = model["act_vectors"] @ vector
        best = int(np.argmax(similarities))
        similarity = float(similarities[best])
        # Only a message the classifier sends to retrieval (or to one of these acts) is
        # re-read: "sorry its 217-555-0129" is a form answer, whatever entry it is near.
        if top[INTENT_NAME_KEY] not in {self._config["retrieval_intent"], *labels}:
            return None
        if (similarity < float(self._config["unsure_knowledge_similarity"])
                or similarity <= knowledge_similarity):
            return None
        # The knowledge says the message is a dialogue act; the classifier says which one
        # ("can someone from the clinic call me to go over the costs?" is a call-back request,
        # though "how can I speak to someone?" is the closest entry).
        acts = sorted(act for act in set(labels) if act in probability)
        chosen = max(acts, key=lambda act: probability[act])
        return {INTENT_NAME_KEY: chosen, PREDICTED_CONFIDENCE_KEY: similarity}

    def _clause_act(self, clause_vectors: np.ndarray, clauses: list[str]) -> dict | None:
        """An explicit act that one clause of a longer message asks for with confidence ("can
        I book for my husband? he hates talking on the phone"), when the whole message reads
        as a question the knowledge is not close to; None otherwise."""
        model = self._model
        if model is None:
            return None
        probabilities = model["intents"].predict_proba(
            self._features(np.asarray(clause_vectors), clauses, model["vectorizer"]))
        classes = list(model["intents"].classes_)
        best = None
        for act in self._config["clause_acts"]:
            confidence = float(np.max(probabilities[:, classes.index(act)]))
            if confidence >= float(self._config["clause_act_confidence"]) and (
                    best is None or confidence > best[PREDICTED_CONFIDENCE_KEY]):
                best = {INTENT_NAME_KEY: act, PREDICTED_CONFIDENCE_KEY: confidence}
        return best
