"""Switching one capability off (``cptscan.load(ablate=...)``, ``cptscan evaluate --ablate``) changes what the
scanner reports on a note that needs it, and nothing else changes when none is switched off.

Every note here is written for the test; none is copied from a corpus.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import cptscan
from cptscan.ablation import CAPABILITIES, UnknownCapability, checked
from cptscan.evaluate.commands import register
from cptscan.knowledge import KnowledgeError

DOS = "2026-05-11"
CLINIC = ("CARDIOLOGY NOTE\nPatient seen in clinic today for follow-up of chest pain and hyperlipidemia management "
          "over the past year.\n")
PLAN_ITEM = ("CARDIOLOGY CLINIC NOTE\nAssessment: chest pain, likely stable angina; coronary CTA done today shows "
             "moderate LAD stenosis.\nPlan: Cleerly AI plaque quantification of the coronary CTA data set; I will "
             "review the output.\n")
SUPPORTED, NO_READING = ("supported", ()), ("documentation_gap", ("interpretation",))

# capability -> (note, codes with everything on, codes with the capability off); codes: {code: (status, missing)}
CASES = {
    "unwrap": (
        "CARDIOLOGY FOLLOW-UP\nCoronary CT angiography was performed this morning with 70 mL of contrast.\n"
        "Cleerly AI plaque quantification of this CCTA data set was\nnot performed because the upload to the "
        "vendor failed twice.\nPlan: continue atorvastatin 40 mg daily and recheck lipids in three months.\n",
        {}, {"75577": NO_READING}),
    "spoken_punctuation": (
        "cardiology follow up dictation new paragraph coronary cta performed today with seventy milliliters of "
        "contrast period no perivascular fat analysis was requested new paragraph cleerly plaque quantification "
        "of the coronary cta data set was completed today period i reviewed the cleerly output and my "
        "interpretation is moderate noncalcified plaque in the lad period",
        {"75577": SUPPORTED}, {}),
    "layout": (
        "CCTA REPORT 2026-05-11\nExam: coronary CT angiography performed today.\nAI plaque analysis (Cleerly): N/A\n"
        "Impression: mild nonobstructive coronary disease.\n",
        {}, {"75577": NO_READING}),
    "document_kind": (
        "Dear Medical Director,\nThis letter is an appeal of the denied claim for our member, Ms. J. Rivera.\n"
        "Cleerly AI plaque quantification of her CCTA data set was completed on 2026-05-11 and I reviewed the "
        "output: moderate noncalcified plaque in the proximal LAD.\nSincerely,\nDr. Mensah, Cardiology\n",
        {}, {"75577": SUPPORTED}),
    "sections": (PLAN_ITEM, {}, {"75577": NO_READING}),
    "section_effects": (PLAN_ITEM, {}, {"75577": NO_READING}),
    "context_rules": (
        "CARDIOLOGY CLINIC NOTE\nCoronary CTA today shows mild plaque. Perivascular fat attenuation analysis with "
        "CaRi-Heart is an emerging marker of coronary inflammation; I discussed it with the patient.\n",
        {}, {"0992T": NO_READING}),
    "negation_rules": (
        CLINIC + "No repeat scan was needed — Cleerly AI plaque quantification was run on her archived coronary "
        "CTA data set and I reviewed the output: mild LAD plaque.\n",
        {"75577": NO_READING}, {}),
    "pack_context_rules": (
        "VASCULAR CTA REPORT\nExam: CT angiography of the neck performed today.\nCleerly AI plaque quantification "
        "of the carotid arteries was run on this data set; I reviewed the output: 40% stenosis of the left ICA.\n",
        {}, {"75577": SUPPORTED}),
    "nearest_service": (
        "CCTA REPORT\nExam: coronary CT angiography performed today.\nFindings: Cleerly AI plaque quantification "
        "of the CCTA data set: total plaque volume 300 mm3.\nImpression: I reviewed the Cleerly output myself; my "
        "interpretation is moderate noncalcified plaque in the proximal LAD.\n\nAddendum: CaRi-Heart perivascular "
        "fat analysis of the same CCTA data set was also run today; the report came back this afternoon.\n",
        {"75577": SUPPORTED, "0993T": NO_READING}, {"75577": SUPPORTED, "0993T": SUPPORTED}),
    "reads_back": (
        "CCTA REPORT\nExam: coronary CT angiography performed today.\nFindings: Cleerly AI plaque quantification "
        "of the CCTA data set shows total plaque volume 300 mm3. Several unrelated incidental findings were noted "
        "in the lungs and upper abdomen and are described in the body CT report. CaRi-Heart perivascular fat "
        "analysis of the CCTA data set shows FAI score 8. My interpretation of both analyses: elevated "
        "inflammatory risk with moderate plaque.\n",
        {"75577": SUPPORTED, "0993T": SUPPORTED}, {"75577": NO_READING, "0993T": SUPPORTED}),
    "same_paragraph": (
        CLINIC + "\nThe coronary CTA data set acquired this morning was uploaded to the vendor.\nCleerly AI plaque "
        "quantification returned total plaque volume 300 mm3.\nI reviewed the output; my interpretation is "
        "moderate noncalcified plaque in the proximal LAD.\n",
        {"75577": SUPPORTED}, {"75577": ("documentation_gap", ("input",))}),
    "first_read": (
        CLINIC + "\nCleerly AI plaque quantification of the coronary CTA acquired on 2026-04-02 was returned by the "
        "vendor on 2026-04-20. I went through the output at this visit; my interpretation is moderate "
        "noncalcified plaque in the proximal LAD.\n",
        {"75577": SUPPORTED}, {}),
    "repairs": (
        "CCTA REPORT\nExam: coronary CT angiography performed today.\nFindings: CIeerIy AI pIaque quantification of "
        "the CCTA data set: total plaque vo1ume 300 mm3.\nImpression: I reviewed the CIeerIy output; my "
        "interpretation is moderate noncalcified plaque in the proximal LAD.\n",
        {"75577": SUPPORTED}, {}),
    "genre_model": (
        "CODING QUERY\nTo: Dr. Lindqvist  From: HIM coding\nThe CCTA report of 05/04/2026 holds AI plaque "
        "quantification output but no interpretation of it that we could find. Please clarify by addendum. "
        "Options: yes / no / unable to determine.\n\n"
        "ADDENDUM answering the coding query: I personally reviewed the Cleerly plaque quantification of the "
        "CCTA data set of 05/04/2026. My interpretation: moderate noncalcified plaque in the LAD; statin "
        "intensified.\nK. Lindqvist, MD\n",
        {"75577": SUPPORTED}, {}),
    "interpretation_model": (
        "CCTA REPORT\nExam: coronary CT angiography performed today.\nCleerly AI plaque quantification of this CCTA "
        "data set gave a total plaque volume of 300 mm3, noncalcified 120 mm3.\nHaving gone through the Cleerly plaque "
        "numbers myself, I find the proximal LAD lesion explains her exertional symptoms; I will intensify therapy.\n",
        {"75577": SUPPORTED}, {"75577": NO_READING}),
}


def codes(scanner, text: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    result = scanner.scan_text(text, date_of_service=DOS)
    return {c["code"]: (c["status"], tuple(c["missing"])) for c in result["codes"]}


@pytest.mark.parametrize("name", sorted(CASES))
def test_switching_a_capability_off_changes_the_codes_of_a_note_that_needs_it(scanner, name):
    note, with_it, without_it = CASES[name]
    assert codes(scanner, note) == with_it
    assert codes(cptscan.load(ablate=[name]), note) == without_it


def test_every_capability_but_the_service_model_has_a_note_here():
    """The service model changes no figure on either development set either (docs/evaluation.md); its switch
    is covered by the pipe test below."""
    assert set(CAPABILITIES) - set(CASES) == {"service_model"}


def test_capabilities_of_pipes_disable_them_the_spacy_way():
    with_pipes = [name for name, spec in CAPABILITIES.items() if spec.pipes]
    nlp = cptscan.load(ablate=with_pipes).nlp
    for name in with_pipes:
        for pipe in CAPABILITIES[name].pipes:
            assert pipe in nlp.disabled and pipe not in nlp.pipe_names
    assert {"cptscan_sentences", "cptscan_targets", "cptscan_context", "cptscan_assertion"} <= set(nlp.pipe_names)


def test_nothing_switched_off_is_the_scanner_as_it_is(scanner):
    plain = cptscan.load(ablate=())
    for note, _, _ in CASES.values():
        assert plain.scan_text(note, date_of_service=DOS) == scanner.scan_text(note, date_of_service=DOS)
    assert "ablated" not in scanner.versions and "ablate" not in scanner.knowledge.config


def test_a_result_and_the_components_config_say_what_was_switched_off():
    ablated = cptscan.load(ablate="pack_context_rules, layout")
    assert ablated.versions["ablated"] == ["layout", "pack_context_rules"]
    assert ablated.nlp.get_pipe_config("cptscan_context")["knowledge"]["ablate"] == ["layout", "pack_context_rules"]


def test_the_pack_context_rules_and_the_general_ones_are_switched_off_apart(scanner):
    rules = scanner.rules.context["context_rules"]
    general = cptscan.load(ablate=["pack_context_rules"]).rules.context["context_rules"]
    own = cptscan.load(ablate=["context_rules"]).rules.context["context_rules"]
    assert general and own and len(general) + len(own) == len(rules)
    assert scanner.rules.context["context_rules"] == rules  # the loaded rules are not changed in place


def test_an_unknown_capability_is_refused_naming_the_valid_ones():
    with pytest.raises(UnknownCapability) as info:
        cptscan.load(ablate=["layout", "sectioniser"])
    assert "'sectioniser'" in str(info.value) and all(name in str(info.value) for name in CAPABILITIES)
    assert checked("layout, unwrap,layout") == ("unwrap", "layout")


def test_an_ablated_knowledge_is_not_written_as_a_knowledge_directory(tmp_path):
    with pytest.raises(KnowledgeError):
        cptscan.load(ablate=["layout"]).knowledge.to_disk(tmp_path / "k")


def _evaluate(tmp_path: Path, *options: str):
    notes, gold = tmp_path / "notes.jsonl", tmp_path / "gold.jsonl"
    notes.write_text(json.dumps({"note_id": "a", "text": CASES["layout"][0], "date_of_service": DOS}) + "\n")
    gold.write_text(json.dumps({"note_id": "a", "codes": []}) + "\n")
    app = typer.Typer()
    register(app)
    return CliRunner().invoke(app, ["evaluate", str(notes), str(gold), "--json", "--reps", "0", *options])


def test_evaluate_refuses_an_unknown_capability_and_ablate_with_predictions(tmp_path):
    refused = _evaluate(tmp_path, "--ablate", "layout,colour")
    assert refused.exit_code == 2 and "colour" in refused.output and "same_paragraph" in refused.output
    results = tmp_path / "results.jsonl"
    results.write_text(json.dumps({"note_id": "a", "codes": []}) + "\n")
    with_predictions = _evaluate(tmp_path, "--ablate", "layout", "--predictions", str(results))
    assert with_predictions.exit_code == 2 and "--predictions" in with_predictions.output


def test_evaluate_scores_the_scan_with_the_capability_off(tmp_path):
    assert json.loads(_evaluate(tmp_path).output)["code"]["fp"] == 0
    assert json.loads(_evaluate(tmp_path, "--ablate", "layout").output)["code"]["fp"] == 1


def test_the_evaluation_page_lists_every_capability():
    page = (Path(__file__).resolve().parents[2] / "docs" / "evaluation.md").read_text(encoding="utf-8")
    assert all(f"| `{name}` |" in page for name in CAPABILITIES)
