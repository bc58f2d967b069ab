"""Evidence a coder can check: offsets into the note as sent, the rule that matched, the cue behind an assertion."""

from __future__ import annotations

import pytest

import cptscan

NOTES = {
    "plaque": (
        "CORONARY CT ANGIOGRAPHY\n"
        "TECHNIQUE: Coronary CTA performed today. The CCTA data set was analysed with Cleerly AI-based plaque "
        "quantification.\nFINDINGS: Total plaque volume 380 mm3.\n"
        "IMPRESSION: My interpretation: mild plaque burden. Recommend CaRi-Heart perivascular fat analysis next year."),
    "burn": (
        "BURN CLINIC NOTE\n\tDeepView multispectral images of the left forearm burn were captured today.\n"
        "DeepView result: 20% non-healing.  My interpretation: excise and graft the non-healing area. "
        "Prior authorization approved."),
    "unicode": (
        "Cardiology clinic – follow-up ✓\n"
        "Café-au-lait note: CaRi-Heart perivascular fat analysis of the stored CT data set was run today.\n"
        "My interpretation: FAI-Score elevated — start colchicine."),
}


def _evidence(result):
    for code in result["codes"]:
        for ev in code["evidence"]:
            yield code["code"], ev


@pytest.mark.parametrize("text", list(NOTES.values()), ids=list(NOTES))
def test_every_evidence_span_points_into_the_note(scan, text):
    result = scan(text, date_of_service="2026-02-20")
    assert result["codes"]
    spans = list(_evidence(result)) + [(None, m) for m in result["mentions"]]
    for _, ev in spans:
        assert ev["text"] == text[ev["start"]:ev["end"]]
        assert ev["rule"], ev
        assert ev["assertion"] in ("affirmed", "negated", "hypothetical", "historical", "family")
        assert isinstance(ev["modifiers"], list)
        for mod in ev["modifiers"]:
            assert set(mod) == {"category", "cue"}


def test_evidence_fields(scan):
    result = scan(NOTES["plaque"], date_of_service="2026-02-20")
    ev = result["codes"][0]["evidence"][0]
    assert {"start", "end", "label", "text", "assertion", "section", "rule", "modifiers"} <= set(ev)


def test_rule_ids_name_the_target_rule(scan):
    result = scan(NOTES["plaque"], date_of_service="2026-02-20")
    rules = {ev["rule"] for _, ev in _evidence(result)}
    assert any("plaque.vendor.cleerly" in r.split("+") for r in rules)
    assert any(r.startswith("interp.") for r in rules)


def test_recommend_shows_as_the_hypothetical_cue(scan):
    result = scan(NOTES["plaque"], date_of_service="2026-02-20")
    pvat = [m for m in result["mentions"] if m["label"] == "PERIVASCULAR_FAT_ANALYSIS"]
    assert pvat and pvat[0]["assertion"] == "hypothetical"
    assert {"category": "HYPOTHETICAL", "cue": "Recommend"} in pvat[0]["modifiers"]
    assert [c["code"] for c in result["codes"]] == ["75577"]


def test_negation_cue_is_reported(scan):
    result = scan("Patient declined DeepView multispectral imaging of the burn.", date_of_service="2026-02-20")
    burn = [m for m in result["mentions"] if m["label"] == "BURN_MULTISPECTRAL_IMAGING"]
    assert burn[0]["assertion"] == "negated"
    assert {"category": "NEGATED_EXISTENCE", "cue": "declined"} in burn[0]["modifiers"]


def test_code_evidence_covers_each_documented_element(scan):
    result = scan(NOTES["burn"], date_of_service="2026-02-20")
    code = result["codes"][0]
    assert code["code"] == "0972T" and code["status"] == "supported"
    labels = {ev["label"] for ev in code["evidence"]}
    assert {"BURN_MULTISPECTRAL_IMAGING", "BURN_IMAGE_SET", "PHYSICIAN_INTERPRETATION", "COVERAGE_VERIFIED"} <= labels


def test_offsets_survive_html_markup(scan):
    text = ("<html><body><p>CORONARY CT ANGIOGRAPHY</p><p>Coronary CTA performed today; the CCTA data set was "
            "analysed with Cleerly AI plaque quantification.</p><p>My interpretation: mild plaque burden.</p>"
            "</body></html>")
    result = scan(text, date_of_service="2026-02-20")
    assert [c["code"] for c in result["codes"]] == ["75577"]
    for _, ev in _evidence(result):
        assert ev["text"] == text[ev["start"]:ev["end"]]


def test_versions_name_what_made_the_result(scan, scanner):
    result = scan(NOTES["plaque"])
    versions = result["versions"]
    assert set(versions) >= {"cptscan", "catalog", "rules", "models"}
    assert versions["cptscan"] == cptscan.__version__
    assert versions["catalog"].startswith(scanner.catalog.version)
    assert versions["rules"] == scanner.rules.sha256[:16]
    assert isinstance(versions["models"], dict)


def test_versions_are_on_error_lines_too(scanner):
    line = next(scanner.scan([{"note_id": "e1", "text": "   "}]))
    assert line["error"]["code"] == "empty_text"
    assert line["versions"] == scanner.versions
