"""ConText families and section effects: a service that was not done at this encounter gives no code."""

from __future__ import annotations

import pytest

from unit_helpers import assertions_of, codes_of, cues_of

DOS = "2026-03-02"

# (text, label of the service mention, expected assertion, expected (category, cue) on that mention; a cue
# written "a|b" accepts either word)
CASES = {
    # negated
    "declined": ("Cardiology clinic.\nPatient declined CaRi-Heart perivascular fat analysis due to cost.",
                 "PERIVASCULAR_FAT_ANALYSIS", "negated", ("NEGATED_EXISTENCE", "declined")),
    "not-performed": ("CORONARY CT ANGIOGRAPHY\nCoronary CTA performed today. AI plaque analysis was not performed "
                      "because of motion artifact.\nIMPRESSION: CAD-RADS 2.",
                      "CCTA_PLAQUE_ANALYSIS", "negated", ("NEGATED_EXISTENCE", "was not performed")),
    "burn-declined": ("BURN CLINIC NOTE\nPatient declined DeepView multispectral imaging of the forearm burn. "
                      "Wound dressed with silver sulfadiazine.",
                      "BURN_MULTISPECTRAL_IMAGING", "negated", ("NEGATED_EXISTENCE", "declined")),
    # hypothetical
    "recommend": ("Cardiology clinic.\nRecommend AI plaque analysis on the next CCTA given family history.",
                  "CCTA_PLAQUE_ANALYSIS", "hypothetical", ("HYPOTHETICAL", "recommend")),
    "consider": ("Cardiology clinic.\nConsider Cleerly plaque quantification if symptoms persist.",
                 "CCTA_PLAQUE_ANALYSIS", "hypothetical", ("HYPOTHETICAL", "consider")),
    "will-schedule": ("BURN CLINIC NOTE\nWill schedule DeepView multispectral imaging of the hand burn at the next "
                      "visit.", "BURN_MULTISPECTRAL_IMAGING", "hypothetical", ("HYPOTHETICAL", "will|schedule")),
    "ordered": ("Cardiology clinic.\nCaRi-Heart perivascular fat analysis ordered.",
                "PERIVASCULAR_FAT_ANALYSIS", "hypothetical", ("HYPOTHETICAL", "ordered")),
    "offered-then-declined": ("Cardiology clinic.\nAI plaque analysis of the stored coronary CTA data set was offered "
                              "today; after discussing cost he declined.",
                              "CCTA_PLAQUE_ANALYSIS", "hypothetical", ("HYPOTHETICAL", "offered")),
    # historical
    "prior": ("Cardiology clinic.\nPrior Cleerly plaque analysis showed low plaque burden. Continue statin.",
              "CCTA_PLAQUE_ANALYSIS", "historical", ("HISTORICAL", "prior")),
    "dated-earlier-study": ("Cardiology clinic.\nCleerly plaque analysis 01/12/2026 showed moderate plaque burden. "
                            "Blood pressure is controlled.",
                            "CCTA_PLAQUE_ANALYSIS", "historical", ("DATE", "01/12/2026")),
    "dated-earlier-burn-imaging": ("BURN CLINIC NOTE\nDeepView multispectral imaging 02/23/2026 classified the "
                                   "forearm burn as healing. Continue dressings.",
                                   "BURN_MULTISPECTRAL_IMAGING", "historical", ("DATE", "02/23/2026")),
    "previously-reported": ("Cardiology clinic.\nCleerly plaque analysis was previously reported on 02/15/2026; "
                            "reviewed today with the patient.",
                            "CCTA_PLAQUE_ANALYSIS", "historical", ("HISTORICAL", "was previously reported")),
    # family
    "brother": ("Cardiology clinic.\nHis brother had a Cleerly plaque analysis showing high-risk plaque. Patient is "
                "asymptomatic.", "CCTA_PLAQUE_ANALYSIS", "family", ("FAMILY", "brother")),
    "sister-burn": ("BURN CLINIC NOTE\nHer sister underwent DeepView multispectral imaging for a scald burn last "
                    "year.", "BURN_MULTISPECTRAL_IMAGING", "family", ("FAMILY", "sister")),
}


@pytest.mark.parametrize("text, label, assertion, cue", list(CASES.values()), ids=list(CASES))
def test_context_family_removes_the_code(scan, text, label, assertion, cue):
    result = scan(text, date_of_service=DOS)
    assert result["codes"] == []
    assert label not in result["concepts"]
    assert assertion in assertions_of(result, label)
    category, words = cue
    found = cues_of(result, label)
    assert any(c == category and any(w in text_ for w in words.split("|")) for c, text_ in found), found


def test_a_date_equal_to_the_date_of_service_keeps_the_service_current(scan):
    text = ("Cardiology clinic.\nCleerly plaque analysis 03/02/2026 of the CCTA data set acquired today.\n"
            "My interpretation: low plaque burden; continue statin.")
    result = scan(text, date_of_service=DOS)
    assert list(codes_of(result)) == ["75577"]


def test_the_same_dated_note_without_a_date_of_service_is_not_historical(scan):
    """Dates are compared with the date of service; a note without one cannot make a dated study historical."""
    text = "Cardiology clinic.\nCleerly plaque analysis 01/12/2026 of the CCTA data set; my interpretation: low burden."
    assert "historical" not in assertions_of(scan(text), "CCTA_PLAQUE_ANALYSIS")
    assert "historical" in assertions_of(scan(text, date_of_service=DOS), "CCTA_PLAQUE_ANALYSIS")


# -- sections ---------------------------------------------------------------------------------------------------
def test_comparison_section_is_historical(scan):
    text = ("CORONARY CT ANGIOGRAPHY\nCOMPARISON: Cleerly AI plaque analysis from 2025.\n"
            "FINDINGS: Mild calcified plaque in the LAD by visual assessment.\nIMPRESSION: CAD-RADS 1.")
    result = scan(text, date_of_service=DOS)
    assert result["codes"] == []
    plaque = [m for m in result["mentions"] if m["label"] == "CCTA_PLAQUE_ANALYSIS"]
    assert plaque and all(m["assertion"] == "historical" and m["section"] == "comparison" for m in plaque)
    assert ("SECTION", "comparison") in cues_of(result, "CCTA_PLAQUE_ANALYSIS")


def test_family_history_section_is_family(scan):
    text = ("FAMILY HISTORY: father had CaRi-Heart perivascular fat analysis showing high inflammation, MI at 52.\n"
            "Patient here for chest pain.")
    result = scan(text, date_of_service=DOS)
    assert result["codes"] == []
    assert assertions_of(result, "PERIVASCULAR_FAT_ANALYSIS") == ["family"]


@pytest.mark.parametrize("header", ["PLAN:", "RECOMMENDATIONS:"])
def test_plan_item_is_hypothetical(scan, header):
    text = (f"Cardiology clinic.\nASSESSMENT: nonobstructive CAD.\n{header}\n"
            "- CaRi-Heart perivascular fat analysis of the CT data set.\n- Return in 6 months.")
    result = scan(text, date_of_service=DOS)
    assert result["codes"] == []
    assert assertions_of(result, "PERIVASCULAR_FAT_ANALYSIS") == ["hypothetical"]
    assert ("SECTION", "plan") in cues_of(result, "PERIVASCULAR_FAT_ANALYSIS")


def test_plan_item_that_says_it_was_done_is_a_service(scan):
    text = ("Cardiology clinic.\nASSESSMENT: nonobstructive CAD.\nPLAN:\n"
            "- Cleerly plaque analysis of today's CCTA data set was completed; my interpretation: low plaque "
            "burden, continue statin.")
    result = scan(text, date_of_service=DOS)
    assert codes_of(result)["75577"]["status"] == "supported"


def test_inline_plan_item_that_says_it_was_done_is_a_service(scan):
    text = ("Cardiology clinic.\nAssessment: nonobstructive CAD.\n"
            "Plan: Cleerly plaque analysis of the CCTA data set performed today; my interpretation: low plaque "
            "burden, continue statin.")
    result = scan(text, date_of_service=DOS)
    assert "75577" in codes_of(result)


def test_patient_education_section_is_not_a_service(scan):
    text = ("PATIENT EDUCATION:\nAbout this test: multispectral imaging with DeepView photographs the burn wound "
            "and predicts which areas will heal.")
    result = scan(text, date_of_service=DOS)
    assert result["codes"] == []
    assert set(assertions_of(result, "BURN_MULTISPECTRAL_IMAGING")) == {"hypothetical"}


def test_affirmed_service_next_to_a_negated_one(scan):
    """One service declined, another done: only the done one is coded."""
    text = ("CORONARY CT ANGIOGRAPHY\nTECHNIQUE: Coronary CTA performed today. The CCTA data set was analysed with "
            "Cleerly AI plaque quantification.\nIMPRESSION: My interpretation: mild plaque burden, continue statin.\n"
            "Patient declined CaRi-Heart perivascular fat analysis.")
    result = scan(text, date_of_service=DOS)
    assert list(codes_of(result)) == ["75577"]
    assert "PERIVASCULAR_FAT_ANALYSIS" not in result["concepts"]


def test_an_order_carried_out_at_this_encounter_is_a_service(scan):
    text = ("Cardiology clinic.\nCleerly plaque analysis of today's coronary CTA data set was ordered and performed "
            "this afternoon; total plaque volume 96 mm3. My interpretation: mild plaque, continue statin.")
    assert codes_of(scan(text, date_of_service=DOS))["75577"]["status"] == "supported"


def test_a_result_printed_under_an_earlier_analysis_belongs_to_it(scan):
    text = ("Cardiology follow-up.\nInterval history: the Cleerly plaque analysis of his previous CCTA showed a "
            "total plaque volume of 310 mm3.\nNoncalcified plaque volume 96 mm3.\nLow-density plaque volume 4 mm3.\n"
            "My interpretation today: stable, continue statin.")
    assert scan(text, date_of_service=DOS)["codes"] == []


def test_a_discharge_summary_recounts_the_stay(scan):
    text = ("DISCHARGE SUMMARY\nHospital course: admitted with chest pain; coronary CTA on day 2 with Cleerly AI plaque "
            "analysis of the CCTA data set, total plaque volume 280 mm3, read by cardiology that day.\n"
            "Discharge medications: atorvastatin 80 mg daily.")
    assert scan(text, date_of_service=DOS)["codes"] == []
