"""The matchers run on sentence windows find what medspaCy's matchers find on the whole note.

* target rules: every whole-note match that lies within one sentence, and nothing else, on corpus notes
  (a match across a sentence end, "algorithmic analysis.\\nDevice", is the one thing windows drop);
* ConText cues: every whole-note cue inside a sentence that holds a target;
* section headers: every whole-note header match;
* administrative-document cues: the same cue set as the whole-note matcher;
* the selection is derived from the rules: a rule added later is matched, and a pattern without a
  required word is tried in every sentence;
* the two sentence classifiers share one feature matrix, which gives the same mentions as computing it
  twice and never leaves the pipeline on the Doc.
"""

import random

import pytest
from medspacy.target_matcher import TargetRule

from cptscan.nlp.components import FEATURES, MENTIONS
from cptscan.nlp.pipeline import build_pipeline, make_doc, mentions_of
from cptscan.nlp.extensions import sentence_windows
from cptscan.nlp.windows import RuleSentences
from cptscan.rules.patterns import required_words
from perf_helpers import corpus_notes


@pytest.fixture(scope="module")
def notes():
    rng = random.Random(11)
    return rng.sample(corpus_notes(), 120)


def _prepared(scanner, text, upto):
    doc = make_doc(scanner.nlp, text, None, None)
    for name, proc in scanner.nlp.pipeline:
        if name == upto:
            return doc, proc
        doc = proc(doc)
    raise AssertionError(upto)


def _within_sentence(doc, matches):
    sentence_of = {}
    for number, (start, end) in enumerate(sentence_windows(doc)):
        for i in range(start, end):
            sentence_of[i] = number
    return {m for m in matches if sentence_of[m[1]] == sentence_of[m[2] - 1]}


def _windowed_and_whole(scanner, notes, upto, attribute):
    """For each note: its Doc before component ``upto``, what the windowed matcher finds, and the matches
    of medspaCy's own matcher on the whole Doc that lie in the windows it should have searched."""
    for note in notes:
        doc, component = _prepared(scanner, note["text"], upto)
        windowed = getattr(component, attribute)
        whole = windowed.matcher(doc)
        if upto == "cptscan_context":  # by design: only the sentences that hold a target
            wanted = windowed.selector(doc)
            whole = {m for m in whole if any(s <= m[1] and m[2] <= e for s, e in wanted)}
        else:
            whole = _within_sentence(doc, whole)
        yield note["note_id"], set(windowed(doc)), whole


@pytest.mark.parametrize("upto,attribute,at_least", [
    ("cptscan_targets", "_TargetMatcher__matcher", 100),  # every whole-note match inside one sentence
    ("cptscan_context", "_ConText__matcher", 50),  # every whole-note cue inside a target sentence
    ("cptscan_sections", "_Sectionizer__matcher", 100),  # every whole-note header match
])
def test_windowed_matchers_find_the_whole_note_matches_of_their_windows(scanner, notes, upto, attribute, at_least):
    found = 0
    for note_id, windowed, whole in _windowed_and_whole(scanner, notes, upto, attribute):
        assert windowed == whole, note_id
        found += len(whole)
    assert found > at_least


def test_document_cues_equal_the_whole_note_matcher(scanner, notes):
    kind = scanner.nlp.get_pipe("cptscan_document_kind")
    admin = 0
    for note in notes:
        doc = scanner.nlp.get_pipe("cptscan_sentences")(make_doc(scanner.nlp, note["text"], None, None))
        whole = sorted({doc.vocab.strings[k] for k, _, _ in kind.matcher(doc)})
        weight = sum(kind.weight[cue] for cue in whole)
        expected = tuple(whole) if weight >= kind.min_weight else ()
        assert kind(doc)._.cptscan_admin_cues == expected, note["note_id"]
        admin += bool(expected)
    assert admin, "the sample should hold an administrative document"


def test_a_rule_added_after_the_pipeline_is_built_is_matched():
    nlp = build_pipeline()
    targets = nlp.get_pipe("cptscan_targets")
    text = "Plan: zyxquant fatometry was run today."
    doc = nlp(text)
    assert not [s for s in doc.spans[MENTIONS] if s.label_ == "PERIVASCULAR_FAT_ANALYSIS"]
    targets.add([TargetRule("zyxquant fatometry", "PERIVASCULAR_FAT_ANALYSIS",
                            pattern=[{"LOWER": "zyxquant"}, {"LOWER": "fatometry"}]),
                  TargetRule("qwerty fat map", "PERIVASCULAR_FAT_ANALYSIS")])  # a phrase rule: no pattern
    doc = nlp(text + "\nThe Qwerty fat map was reviewed.")
    found = [s.text for s in doc.spans[MENTIONS] if s.label_ == "PERIVASCULAR_FAT_ANALYSIS"]
    assert found == ["zyxquant fatometry", "Qwerty fat map"]


def test_sentences_are_selected_by_each_patterns_required_words(scanner):
    doc = scanner.nlp.get_pipe("cptscan_sentences")(scanner.nlp.make_doc(
        "Fat was noted.\nPericoronary fat index was 3.\nNo complaints today.\n"))
    vocab = scanner.nlp.vocab
    pattern = [{"LOWER": "pericoronary"}, {"LOWER": "fat", "OP": "?"}, {"LOWER": "index"}]
    selected = RuleSentences(vocab, [required_words(pattern)]).candidates(doc)
    assert [doc[s:e].text.strip() for (s, e), _ in selected] == ["Pericoronary fat index was 3."]
    shapes_only = [{"IS_UPPER": True}, {"LIKE_NUM": True}]
    everywhere = RuleSentences(vocab, [required_words(pattern), required_words(shapes_only)]).candidates(doc)
    assert len(everywhere) == len(sentence_windows(doc))
    assert [indices for _, indices in everywhere] == [[1], [0, 1], [1]]


def _classified(scanner, text, shared):
    doc = make_doc(scanner.nlp, text, "2026-03-02", None)
    for name, proc in scanner.nlp.pipeline:
        if name == "cptscan_service_classifier" and not shared:
            doc._.set(FEATURES, None)
        doc = proc(doc)
    return doc


def test_the_classifiers_share_one_feature_matrix_without_changing_a_mention(scanner, notes):
    first = scanner.nlp.get_pipe("cptscan_interpretation_classifier")
    second = scanner.nlp.get_pipe("cptscan_service_classifier")
    assert first.featurizer_id == second.featurizer_id  # both fitted on the same sentences by `cptscan train`
    positives = [n for n in notes if "perivascular" in n["text"].lower() or "plaque" in n["text"].lower()][:15]
    assert positives
    for note in positives:
        shared, separate = _classified(scanner, note["text"], True), _classified(scanner, note["text"], False)
        assert mentions_of(shared) == mentions_of(separate), note["note_id"]
        assert shared._.get(FEATURES) is None  # the finalizer drops the matrix
