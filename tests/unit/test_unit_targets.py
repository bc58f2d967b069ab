"""Same technique, other target (coding rules, conventions of 2026-12-03): plaque analysis of non-coronary
arteries is not 75577, perivascular fat of non-coronary vessels is neither 0992T nor 0993T, and the burn
device used on a wound that is not a burn is not 0972T. A note that names the service's own target keeps it.

Every note here is written for the test; none is copied from a corpus.
"""

from __future__ import annotations

import pytest

from unit_helpers import codes_of

DOS = "2026-06-02"

OTHER_TARGET = {
    "carotid plaque": "Vascular clinic. Elucid PlaqueIQ quantified the plaque of the right carotid bifurcation on "
                      "today's neck CTA. I reviewed the software output: lipid-rich plaque, refer to surgery.",
    "femoral plaque": "Lower extremity CTA today. AI-based plaque analysis software quantified superficial "
                      "femoral artery plaque. My interpretation: severe calcified disease.",
    "carotid fat": "Vascular clinic. CaRi-Heart perivascular fat analysis around both carotid bifurcations on the "
                   "neck CTA data set; I reviewed the output: inflamed left side.",
    "aortic fat": "CaRi-Heart measured perivascular fat attenuation around the descending aorta on the chest CT; "
                  "I reviewed the output with the patient.",
    "pressure ulcer": "Wound care. DeepView multispectral imaging of the stage 3 sacral pressure ulcer; device "
                      "classification: low healing potential. Plan: flap consult.",
    "diabetic foot": "Podiatry. Multispectral imaging with the DeepView system of the diabetic foot wound; "
                     "the algorithm reads non-healing tissue. My assessment: continue offloading.",
    # the target named in another sentence of the service's paragraph
    "ulcer named before the imaging": "Wound clinic.\nVenous leg ulcer, right calf, week 6 of compression. "
                                      "Multispectral imaging with DeepView was done at today's visit; the wound "
                                      "bed classifies as slow to heal. Plan: continue compression.",
    "carotid CTA, then the analysis": "Neck CTA performed today for a bruit over the left carotid.\nElucid "
                                      "PlaqueIQ analysis: lipid-rich necrotic core 38 mm3. I reviewed the "
                                      "software output; vascular surgery referral.",
}
OWN_TARGET = {
    "coronary and carotid": ("Cleerly AI plaque analysis of today's coronary CTA data set, with carotid "
                             "calcification noted in passing. My interpretation: moderate LAD plaque.", "75577"),
    "burn beside an ulcer": ("DeepView multispectral imaging of the partial-thickness thigh burn today; an old "
                             "heel ulcer is also dressed. Device result: unlikely to heal within 21 days. My "
                             "assessment: excise and graft.", "0972T"),
    "burn named in another sentence of the paragraph": (
        "Scald to the left forearm two days ago, mixed depth. An old heel ulcer is healed. DeepView "
        "multispectral imaging today; device result: unlikely to heal within 21 days. My assessment: graft.",
        "0972T"),
    "another target in another paragraph": (
        "History: carotid endarterectomy 2019.\n\nCCTA today. HeartFlow Plaque Analysis of the data set: "
        "total plaque volume 410 mm3. I reviewed the software report: moderate burden.", "75577"),
}


@pytest.mark.parametrize("text", OTHER_TARGET.values(), ids=OTHER_TARGET.keys())
def test_the_same_technique_on_another_target_gives_no_code(scanner, text):
    assert codes_of(scanner.scan_text(text, date_of_service=DOS)) == {}


@pytest.mark.parametrize("text, code", OWN_TARGET.values(), ids=OWN_TARGET.keys())
def test_a_note_naming_the_services_own_target_keeps_its_code(scanner, text, code):
    assert code in codes_of(scanner.scan_text(text, date_of_service=DOS))


def test_the_other_target_is_the_reason_shown(scanner):
    result = scanner.scan_text(OTHER_TARGET["carotid plaque"], date_of_service=DOS)
    cues = [m["category"] for mention in result["mentions"] for m in mention["modifiers"]]
    assert "OTHER_TARGET" in cues
