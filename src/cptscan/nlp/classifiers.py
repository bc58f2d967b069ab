"""Sentence classifiers trained by ``cptscan train``, as spaCy components after ``cptscan_assertion``.

The rules find the phrasings someone wrote down; the classifiers catch the rest: a physician's own
reading written in words no rule knows ("on my review the quantified burden ..."), or a performed service
described without a rule's keyword. They add mentions; they never remove or re-assert a rule mention.

To stay fast and to keep them from inventing services in unrelated notes, they look only at notes that
already hold an anchor mention (the note is about an in-scope service, whatever its assertion), and only at
sentences no rule mention of the predicted label already covers. A model is unpickled only through
``cptscan.models.load_verified`` (hash and scikit-learn version checked), because a joblib file is code.

Turning sentences into TF-IDF features is most of a model's cost, and ``cptscan train`` fits both models'
features on the same sentences, so they are the same features: the first classifier leaves its matrix on
the Doc under the featurizer's fingerprint, and the second reuses it when its fingerprint is the same.

No ``from __future__ import annotations`` here: spaCy validates factory configs from real annotations.
"""

import hashlib
import pickle
import re
from collections import OrderedDict
from typing import Any, Iterable, List, Optional, Sequence, Tuple

import scipy.sparse
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..models import ModelIntegrityError, load_verified
from ..knowledge import DEFAULT_KNOWLEDGE, Knowledge
from ..rules import RuleSet
from .components import _title_end
from .extensions import FEATURES, MENTIONS, sentence_windows, text_of
from .intervals import SpanIndex

#: sentence texts whose probabilities a classifier keeps (about 100 bytes each), the least recently used
#: dropped first
SEEN_SENTENCES = 50_000
#: the class of the service model that means "no performed in-scope service in this sentence".
REST = "other"
#: a sentence with fewer words is not asked: a fragment ("today .", a word a line break left alone) has no
#: context, and the model trained on whole sentences gives one word's weight as its probability (0.9 and more)
MIN_SENTENCE_WORDS = 3
WORD = re.compile(r"[^\W\d_]{2,}")
DIGITS = re.compile(r"\d")
SPACES = re.compile(r"\s+")


def classifier_text(sentence: str) -> str:
    """What the models see: digits folded to 0 and whitespace collapsed (values vary, wording carries)."""
    return SPACES.sub(" ", DIGITS.sub("0", sentence)).strip()


def _stripped_span(doc: Doc, start: int, end: int) -> Optional[Span]:
    """The sentence ``doc[start:end]`` without leading and trailing whitespace tokens (None if it is blank);
    other tokens never begin or end with whitespace, so this is the sentence's stripped text."""
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    return doc[start:end] if start < end else None


def _overlaps(a: Span, b: Span) -> bool:
    return a.start_char < b.end_char and b.start_char < a.end_char


class SentenceClassifier:
    """Adds one mention per sentence a scikit-learn model scores at or above ``threshold``.

    ``positive`` maps a model class to the mention label it produces; the score of a sentence is the
    probability of its best positive class.
    """

    def __init__(self, model: Any, kind: str, positive: dict, threshold: float, rules: RuleSet):
        if not hasattr(model, "steps") or len(model.steps) < 2:
            raise ModelIntegrityError(f"the {kind} model is not a features + classifier Pipeline; run `cptscan train`")
        self.featurizer, self.head = model[:-1], model[-1]
        self.featurizer_id = hashlib.sha256(pickle.dumps(self.featurizer, protocol=4)).hexdigest()
        self.parts = _union_parts(self.featurizer)
        self.seen: "OrderedDict[str, Any]" = OrderedDict()  # sentence text -> its probabilities, least recent first
        self.kind = kind
        self.positive = positive
        self.threshold = float(threshold)
        classes = [str(c) for c in model.classes_]
        missing = set(positive) - set(classes)
        if missing:
            raise ModelIntegrityError(f"the {kind} model has no class {sorted(missing)}; run `cptscan train`")
        self.columns = {label: classes.index(label) for label in positive}
        self.anchors = set(rules.anchor_labels)
        excluded = set(rules.labels_with_role("exclusion"))
        # a data set or study keeps its own date: the stored CT a reading is about lends it no assertion
        own_time = rules.labels_with_role(*(r for r, spec in rules.roles.items() if spec.get("own_time")))
        self.lend_no_assertion = excluded | set(own_time)  # exclusions and a study with its own date
        self.disclaimer = re.compile(rules.context["disclaimers"]["regex"], re.IGNORECASE)
        self.disclaimed = set(rules.context["disclaimers"]["labels"])

    def _not_documentation(self, doc: Doc, sentence: Span, label: str) -> bool:
        """Sentences the rules already know document no service: a vendor's "to be interpreted by a physician"
        disclaimer (for an interpretation), a block written for the patient, an unanswered form field."""
        if label in self.disclaimed and self.disclaimer.search(sentence.text):
            return True
        layout = doc._.cptscan_layout
        return layout is not None and (layout.foreign_block_at(sentence.start_char) is not None
                                       or layout.field_at(sentence.start_char) is not None)

    def __call__(self, doc: Doc) -> Doc:
        mentions = list(doc.spans[MENTIONS]) if MENTIONS in doc.spans else []
        # an administrative document (a query, a payer's letter) documents no service: no sentence is asked
        if doc._.cptscan_admin_cues or not any(m.label_ in self.anchors for m in mentions):
            return doc
        sentences = [s for s in (_stripped_span(doc, *window) for window in sentence_windows(doc))
                     if s is not None and len(WORD.findall(s.text)) >= MIN_SENTENCE_WORDS]
        if not sentences:
            return doc
        added = []
        index = SpanIndex([(m.start_char, m.end_char) for m in mentions])
        for sentence, label, p in self._positives(doc, sentences):
            near = [mentions[i] for i in index.meeting(sentence.start_char, sentence.end_char)]
            if any(m.label_ == label and _overlaps(m, sentence) for m in near):
                continue
            if self._not_documentation(doc, sentence, label):
                continue
            added.append(self._mention(doc, sentence, label, p, near))
        if added:
            doc.spans[MENTIONS] = mentions + added
        return doc

    def _positives(self, doc: Doc, sentences: Sequence[Span]) -> Iterable[Tuple[Span, str, float]]:
        for sentence, row in zip(sentences, self._probabilities(doc, [classifier_text(s.text) for s in sentences])):
            best = max(self.columns, key=lambda c: row[self.columns[c]])
            p = float(row[self.columns[best]])
            if p >= self.threshold:
                yield sentence, self.positive[best], p

    def _probabilities(self, doc: Doc, texts: List[str]) -> List[Any]:
        """Each text's row of class probabilities: from the sentences already seen, else from the model.

        A note's own lines are mostly a template's ("Plan: return in 0 weeks", digits folded), seen in the
        notes before; the features and the model are a function of the text alone, one row at a time, so a
        row kept is the row the model would give again (``tests/perf/test_windows.py`` compares).
        """
        new = [text for text in dict.fromkeys(texts) if text not in self.seen]
        fresh = dict(zip(new, self.head.predict_proba(self._features(doc, new)))) if new else {}
        rows = []
        for text in texts:
            if text in fresh:
                rows.append(fresh[text])
            else:
                self.seen.move_to_end(text)
                rows.append(self.seen[text])
        self.seen.update(fresh)
        while len(self.seen) > SEEN_SENTENCES:
            self.seen.popitem(last=False)
        return rows

    def _features(self, doc: Doc, texts: List[str]) -> Any:
        """The texts' feature matrix, computed once per Doc for all classifiers sharing a featurizer."""
        key = (self.featurizer_id, tuple(texts))
        cached = doc._.get(FEATURES)
        if cached is not None and cached[0] == key:
            return cached[1]
        if self.parts is None:
            matrix = self.featurizer.transform(texts)
        else:
            matrix = scipy.sparse.hstack([part.transform(texts) for part in self.parts]).tocsr()
        doc._.set(FEATURES, (key, matrix))
        return matrix

    def _mention(self, doc: Doc, sentence: Span, label: str, p: float, near: List[Span]) -> Span:
        """``near``: the rule mentions that may overlap the sentence (``SpanIndex.meeting``), in their order."""
        span = Span(doc, sentence.start, sentence.end, label=label)
        span._.cptscan_rule = f"model.{self.kind}"
        span._.cptscan_score = p
        inside = [m for m in near if _overlaps(m, sentence) and m.label_ not in self.lend_no_assertion]
        span._.cptscan_assertion = _assertion_from_rules(label, inside, self.anchors)
        span._.cptscan_cues = (("MODEL", f"p={p:.2f}"),)
        span._.cptscan_section = _section_of(sentence)
        return span


def _union_parts(featurizer: Any) -> Optional[list]:
    """The transformers of a featurizer that is one unweighted FeatureUnion (what ``cptscan train`` writes),
    else None. Their matrices stacked are ``FeatureUnion.transform``'s own (its ``_hstack`` of sparse parts),
    without the per-call dispatch through joblib and output wrappers: ~0.7 of a short note's ~13 ms."""
    union = featurizer.steps[-1][1] if len(featurizer.steps) == 1 else None
    if type(union).__name__ != "FeatureUnion" or union.transformer_weights is not None:
        return None
    parts = [part for _, part in union.transformer_list]
    if any(isinstance(part, str) or not hasattr(part, "transform") for part in parts):  # "drop", "passthrough"
        return None
    return parts


def _section_of(sentence: Span) -> Optional[str]:
    """The section category at the sentence start, as the assertion step names it ("title" before any header)."""
    token = sentence.doc[sentence.start]
    section = token._.section if Token.has_extension("section") else None
    category = getattr(section, "category", None)
    if category is None and sentence.start_char < _title_end(text_of(sentence.doc)):
        return "title"
    return category


def _assertion_from_rules(label: str, inside: Sequence[Span], anchors: set) -> str:
    """The assertion ConText and the assertion step gave the rule mentions inside the sentence.

    The model says *what* a sentence documents; whether it happened at this encounter is the assertion
    step's job. Mentions of the same label speak first, then anchor mentions, then any other; when they
    agree on one non-affirmed assertion (negated, hypothetical, historical, family) the sentence takes it,
    otherwise (none, or mixed) it is affirmed.
    """
    for group in ([m for m in inside if m.label_ == label], [m for m in inside if m.label_ in anchors], inside):
        assertions = {m._.cptscan_assertion for m in group}
        if assertions:
            return assertions.pop() if len(assertions) == 1 else "affirmed"
    return "affirmed"


def _load(model_path: str, sha256: str, sklearn_version: str) -> Any:
    if not model_path:
        raise ModelIntegrityError("no model_path configured; run `cptscan train` or remove the component")
    return load_verified(model_path, sha256, sklearn_version)


@Language.factory("cptscan_interpretation_classifier", default_config={
    "model_path": "", "sha256": "", "sklearn_version": "", "threshold": 0.5, "labels": [],
    "knowledge": DEFAULT_KNOWLEDGE})
def make_interpretation_classifier(nlp: Language, name: str, model_path: str, sha256: str, sklearn_version: str,
                                   threshold: float, labels: List[str], knowledge: Knowledge) -> SentenceClassifier:
    """Mentions of the interpretation role's label for sentences the model reads as the physician's own reading.

    The label is the first one the rule data gives the ``interpretation`` role (the default pack's).
    """
    model = _load(model_path, sha256, sklearn_version)
    label = knowledge.rules.labels_with_role("interpretation")[0]
    positive = {cls: label for cls in labels or ["interpretation"]}
    return SentenceClassifier(model, "interpretation", positive, threshold, knowledge.rules)


@Language.factory("cptscan_service_classifier", default_config={
    "model_path": "", "sha256": "", "sklearn_version": "", "threshold": 0.5, "labels": [],
    "knowledge": DEFAULT_KNOWLEDGE})
def make_service_classifier(nlp: Language, name: str, model_path: str, sha256: str, sklearn_version: str,
                            threshold: float, labels: List[str], knowledge: Knowledge) -> SentenceClassifier:
    """Service-concept mentions for sentences the model reads as a performed in-scope service (by family)."""
    model = _load(model_path, sha256, sklearn_version)
    families = labels or [str(c) for c in model.classes_ if str(c) != REST]
    return SentenceClassifier(model, "service", {family: family for family in families}, threshold, knowledge.rules)
