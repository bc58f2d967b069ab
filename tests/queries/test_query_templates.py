"""Query wording is data: every pack words a question for every element its codes require, and a draft
is assembled from it for note-level gaps and gap-driven worklist rows alike."""

from __future__ import annotations

import pytest

from cptscan import packs
from cptscan.knowledge import load_knowledge
from cptscan.queries import draft, indicators, note_drafts, query_templates


@pytest.mark.parametrize("pack", sorted(packs.available()))
def test_each_pack_words_every_element_of_its_families(pack):
    """A pack's own queries.json, not the frame's open fallback, asks about each element its codes need."""
    own = packs.read_pack(pack).data("queries.json")
    assert own is not None, f"pack {pack} has no queries.json"
    knowledge = load_knowledge(packs=[pack])
    pack_codes = packs.read_pack(pack).data("codes.json")["codes"]
    for code in pack_codes:
        entry = knowledge.catalog[code]
        if not entry.detectable:
            continue
        wording = own["families"][entry.family]
        assert wording["service"]
        for element in entry.required:
            assert wording["elements"][element]["question"].endswith("?"), (code, element)


def test_a_family_without_wording_gets_the_frames_open_question():
    templates = query_templates(load_knowledge())
    made = draft(templates, "a_site_family", ["process"], [{"note_id": "N1", "date_of_service": None, "text": "x"}],
                 None, note_ids=["N1"])
    assert made["questions"] == [{"element": "process", "options": [],
                                  "question": templates.frame["elements"]["process"]["question"]}]


def test_multiple_choice_always_ends_with_other_and_unable_to_determine():
    knowledge = load_knowledge()
    result = {"note_id": "N1", "date_of_service": "2026-02-03", "codes": [
        {"code": "75577", "status": "documentation_gap", "missing": ["process"],
         "evidence": [{"start": 0, "end": 4, "label": "CARDIAC_CT_DATASET", "text": "CCTA"}]}]}
    (made,) = note_drafts([result], knowledge, {"N1": "CCTA done today. Plaque volume 120 mm3."})
    assert made["questions"][0]["options"][-2:] == ["Other (please specify)", "Unable to determine"]
    assert made["indicators"] == [{"note_id": "N1", "date_of_service": "2026-02-03", "text": "CCTA done today."}]
    assert "75577" not in made["text"]


def test_indicators_skip_administrative_spans_and_what_may_not_be_quoted():
    templates = query_templates(load_knowledge())
    text = "Prior auth approved. Billing note: CCTA charge. CCTA data set reviewed."
    spans = [{"start": 0, "end": 19, "label": "COVERAGE_VERIFIED", "text": "Prior auth approved"},
             {"start": 35, "end": 39, "label": "CARDIAC_CT_DATASET", "text": "CCTA"},
             {"start": 48, "end": 52, "label": "CARDIAC_CT_DATASET", "text": "CCTA"}]
    got = indicators(templates, [("N1", "2026-01-05", s) for s in spans], {"N1": text})
    # the billing sentence falls back to the span alone; the coverage span is never a clinical indicator
    assert [i["text"] for i in got] == ["CCTA", "CCTA data set reviewed."]
