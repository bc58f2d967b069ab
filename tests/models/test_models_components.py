"""The committed models load through the manifest and the classifier components add sentence mentions."""

import pytest

import cptscan
from cptscan.nlp.components import MENTIONS
from cptscan.nlp.pipeline import make_doc

NOTE = ("EXAM: CTA CORONARY\n"
        "TECHNIQUE: Coronary CT angiography was performed today. AI-based quantitative plaque analysis "
        "(Cleerly) was run on the CCTA data set.\n"
        "FINDINGS: total plaque volume 312 mm3.\n"
        "My interpretation: the AI plaque analysis shows moderate non-calcified plaque in the proximal LAD; "
        "intensify statin.\n")
INTERPRETATION = "My interpretation: the AI plaque analysis shows"


@pytest.fixture(scope="module")
def scanner():
    return cptscan.load()


def _doc_without_rule_interpretation(scanner, text):
    """The rules' own PHYSICIAN_INTERPRETATION mentions removed, so the model is the only source."""
    doc = make_doc(scanner.nlp, text, "2026-03-01", "radiology_report")
    for name, proc in scanner.nlp.pipeline:
        if name == "cptscan_interpretation_classifier":
            doc.spans[MENTIONS] = [s for s in doc.spans[MENTIONS] if s.label_ != "PHYSICIAN_INTERPRETATION"]
        doc = proc(doc)
    return doc


def test_models_are_in_the_pipeline(scanner):
    names = scanner.nlp.pipe_names
    assert names[-3:] == ["cptscan_interpretation_classifier", "cptscan_service_classifier", "cptscan_finalize"]
    assert names[names.index("cptscan_assertion") - 1] == "cptscan_genre"  # the genre feeds the assertions
    assert set(scanner.versions["models"]) == {"interpretation", "service", "genre"}


def test_interpretation_sentence_gets_a_model_mention(scanner):
    doc = _doc_without_rule_interpretation(scanner, NOTE)
    spans = [s for s in doc.spans[MENTIONS] if s._.cptscan_rule == "model.interpretation"]
    assert len(spans) == 1
    span = spans[0]
    assert span.label_ == "PHYSICIAN_INTERPRETATION"
    assert span.text.startswith(INTERPRETATION) and span.text == span.text.rstrip()
    assert 0.0 < span._.cptscan_score <= 1.0
    assert span._.cptscan_assertion == "affirmed"
    assert span._.cptscan_cues == (("MODEL", f"p={span._.cptscan_score:.2f}"),)
    assert span._.cptscan_section == "findings"


def test_sentence_covered_by_a_rule_is_not_added_again(scanner):
    result = scanner.scan_text(NOTE, date_of_service="2026-03-01")
    interpretation = [m for m in result["mentions"] if m["label"] == "PHYSICIAN_INTERPRETATION"]
    assert interpretation and all(m["source"] == "rule" for m in interpretation)


def test_note_without_an_anchor_is_not_classified(scanner):
    doc = scanner.nlp(make_doc(scanner.nlp, "My interpretation: the findings are reassuring; continue statin.\n",
                               None, None))
    assert not [s for s in doc.spans.get(MENTIONS, []) if s._.cptscan_rule and s._.cptscan_rule.startswith("model.")]


def test_model_mentions_flow_through_mentions_of(scanner):
    doc = _doc_without_rule_interpretation(scanner, NOTE)
    from cptscan.nlp.pipeline import mentions_of

    model = [m for m in mentions_of(doc) if m.source == "model"]
    assert model and model[0].rule == "model.interpretation" and model[0].score < 1.0 + 1e-9
