"""Which code a note gets, its status and its missing elements (coding-rules.md: three documented elements).

Every note here is written for the test; none is copied from a corpus.
"""

from __future__ import annotations

import pytest

from unit_helpers import codes_of

DOS = "2026-02-20"

# -- 75577: AI coronary plaque quantification on CCTA ----------------------------------------------------------
PLAQUE_SUPPORTED = (
    "CORONARY CT ANGIOGRAPHY\n"
    "TECHNIQUE: ECG-gated coronary CTA performed today. The CCTA data set was sent to Cleerly for AI-based "
    "plaque quantification.\n"
    "FINDINGS: Total plaque volume 612 mm3, noncalcified plaque volume 210 mm3.\n"
    "IMPRESSION: I reviewed the Cleerly output. My interpretation: moderate noncalcified plaque burden in the "
    "proximal LAD; intensify lipid therapy."
)
PLAQUE_SUPPORTED_ELUCID = (
    "CCTA WITH QUANTITATIVE PLAQUE ANALYSIS\n"
    "The coronary CTA data set acquired today was analysed with Elucid PlaqueIQ augmentative software.\n"
    "Results: noncalcified plaque volume 95 mm3, lipid-rich necrotic core 12 mm3.\n"
    "Physician interpretation: I reviewed the PlaqueIQ contours and agree; moderate lipid-rich plaque in the mid RCA."
)
PLAQUE_NO_INTERPRETATION = (
    "CORONARY CT ANGIOGRAPHY\n"
    "TECHNIQUE: Coronary CTA performed today. The CCTA data set was sent to Cleerly for AI-based plaque "
    "quantification.\n"
    "FINDINGS: Total plaque volume 612 mm3. See scanned vendor report."
)
PLAQUE_NO_PROCESS = (
    "Cardiology clinic note.\n"
    "CCTA performed this morning. Plaque quantification on the CCTA data set: total plaque volume 480 mm3, "
    "percent atheroma volume 6%.\n"
    "My interpretation: mild-moderate plaque burden, continue statin."
)
PLAQUE_NO_INPUT = (
    "Cardiology follow-up.\n"
    "HeartFlow Plaque Analysis report reviewed today.\n"
    "My interpretation: moderate plaque burden, mostly calcified; continue atorvastatin."
)

# -- 0972T: multispectral burn-wound imaging by an algorithmic device --------------------------------------------
BURN_SUPPORTED = (
    "BURN CLINIC NOTE\n"
    "DeepView multispectral images of the left hand burn were captured today.\n"
    "DeepView result: whole wound classified as healing by 21 days.\n"
    "My interpretation: superficial partial-thickness burn, non-operative management with dressings. "
    "Signed ABN on file."
)
BURN_NURSING_ONLY = (
    "NURSING NOTE\n"
    "DeepView multispectral images of the left hand burn were captured today per protocol. Device "
    "classification: healing expected within 21 days. Provider notified."
)
BURN_NO_PROCESS = (
    "BURN CLINIC NOTE\n"
    "Multispectral images of the right forearm burn were captured today.\n"
    "My interpretation: deep partial-thickness centrally; plan excision and grafting on Monday."
)
BURN_NO_INPUT = (
    "BURN CLINIC NOTE\n"
    "DeepView assessment performed today: 60% non-healing.\n"
    "My interpretation: deep partial-thickness burn; plan excision and grafting on Monday."
)
BURN_DECISION_WITHOUT_MY_INTERPRETATION = (
    "BURN CLINIC NOTE\n"
    "Scald burn to the right thigh, day 4. Benefits verified with the insurer.\n"
    "DeepView multispectral images of the right thigh burn were captured today.\n"
    "DeepView classification: 30% of the wound predicted non-healing at 21 days.\n"
    "Based on the DeepView result, the non-healing area will be excised and grafted on Friday."
)

# -- 0992T / 0993T: perivascular-fat analysis --------------------------------------------------------------------
PVAT_WITH_CT = (
    "CORONARY CT ANGIOGRAPHY\n"
    "TECHNIQUE: Coronary CTA performed today with prospective gating. The CT data set was analysed with "
    "CaRi-Heart (Caristo) perivascular fat analysis.\n"
    "FINDINGS: FAI-Score LAD 14.2, RCA 10.1.\n"
    "IMPRESSION: I reviewed the CaRi-Heart output; elevated coronary inflammation in the LAD territory, start "
    "colchicine.\nPrior authorization approved (ref 5521)."
)
PVAT_STORED_CT = (
    "Preventive cardiology visit.\n"
    "The stored CT data set from the coronary CTA of 11/04/2025 was submitted today for CaRi-Heart perivascular "
    "fat analysis, reported today.\n"
    "FAI-Score RCA 18.3, above the 95th percentile.\n"
    "My interpretation: high residual inflammatory risk; start colchicine 0.5 mg daily. Benefits check completed "
    "with the payer."
)
PVAT_NO_PROCESS = (
    "CARDIAC CT ANGIOGRAPHY\n"
    "TECHNIQUE: Coronary CTA performed today.\n"
    "FINDINGS: Perivascular fat attenuation index measured on the CT data set: RCA -68 HU.\n"
    "IMPRESSION: My interpretation: elevated pericoronary inflammation in the RCA."
)
PVAT_NO_INPUT = (
    "Preventive cardiology visit.\n"
    "CaRi-Heart report issued today: FAI-Score LAD 16.\n"
    "My interpretation: high residual inflammatory risk; start colchicine."
)
PVAT_WITH_CT_NO_INTERPRETATION = (
    "CORONARY CT ANGIOGRAPHY\n"
    "TECHNIQUE: Coronary CTA performed today. The CT data set was processed with CaRi-Heart perivascular fat "
    "analysis.\n"
    "FINDINGS: See attached CaRi-Heart report.\n"
    "IMPRESSION: CAD-RADS 2. Mild nonobstructive disease."
)
PVAT_STORED_NO_INTERPRETATION = (
    "Preventive cardiology visit.\n"
    "The stored CT data set from the coronary CTA of 11/04/2025 was analysed today with CaRi-Heart perivascular "
    "fat analysis; report scanned to media."
)
PVAT_CLINIC_AFTER_MORNING_CT = (
    "Cardiology clinic, afternoon visit.\n"
    "Coronary CTA this morning. CaRi-Heart perivascular fat analysis of the CCTA data set was run today.\n"
    "My interpretation: FAI-Score elevated in the RCA; start colchicine. Prior authorization approved."
)
PVAT_EARLIER_DAY_OF_STAY = (
    "Hospital day 4 progress note.\n"
    "Coronary CTA on 02/11/2026 (hospital day 1). Today the CT data set from that study was analysed with "
    "CaRi-Heart perivascular fat analysis.\n"
    "My interpretation: high inflammatory risk; add colchicine at discharge."
)


@pytest.mark.parametrize("text, code, missing", [
    pytest.param(PLAQUE_SUPPORTED, "75577", [], id="75577-supported-cleerly"),
    pytest.param(PLAQUE_SUPPORTED_ELUCID, "75577", [], id="75577-supported-plaqueiq"),
    pytest.param(PLAQUE_NO_INTERPRETATION, "75577", ["interpretation"], id="75577-gap-interpretation"),
    pytest.param(PLAQUE_NO_PROCESS, "75577", ["process"], id="75577-gap-process"),
    pytest.param(PLAQUE_NO_INPUT, "75577", ["input"], id="75577-gap-input"),
    pytest.param(BURN_SUPPORTED, "0972T", [], id="0972T-supported"),
    pytest.param(BURN_NURSING_ONLY, "0972T", ["interpretation"], id="0972T-gap-nursing-no-decision"),
    pytest.param(BURN_NO_PROCESS, "0972T", ["process"], id="0972T-gap-process"),
    pytest.param(BURN_NO_INPUT, "0972T", ["input"], id="0972T-gap-input"),
    pytest.param(PVAT_STORED_CT, "0992T", [], id="0992T-supported"),
    pytest.param(PVAT_NO_INPUT, "0992T", ["input"], id="0992T-gap-input"),
    pytest.param(PVAT_STORED_NO_INTERPRETATION, "0992T", ["interpretation"], id="0992T-gap-interpretation"),
    pytest.param(PVAT_WITH_CT, "0993T", [], id="0993T-supported"),
    pytest.param(PVAT_NO_PROCESS, "0993T", ["process"], id="0993T-gap-process"),
    pytest.param(PVAT_WITH_CT_NO_INTERPRETATION, "0993T", ["interpretation"], id="0993T-gap-interpretation"),
])
def test_code_status_and_missing_elements(scan, text, code, missing):
    result = scan(text, date_of_service=DOS)
    codes = codes_of(result)
    assert list(codes) == [code]
    decision = codes[code]
    assert decision["status"] == ("supported" if not missing else "documentation_gap")
    assert decision["missing"] == missing
    assert decision["elements"] == {e: e not in missing for e in ("input", "process", "interpretation")}
    assert 0 < decision["confidence"] <= 1


def test_a_gap_is_less_certain_than_a_supported_code(scan):
    supported = codes_of(scan(PLAQUE_SUPPORTED, date_of_service=DOS))["75577"]["confidence"]
    gap = codes_of(scan(PLAQUE_NO_INTERPRETATION, date_of_service=DOS))["75577"]["confidence"]
    assert gap < supported


def test_burn_decision_on_device_result_is_the_interpretation(scan):
    """0972T: the device's classification and the decision taken on it are the interpretation."""
    decision = codes_of(scan(BURN_DECISION_WITHOUT_MY_INTERPRETATION, date_of_service=DOS))["0972T"]
    assert decision["status"] == "supported"


def test_healing_expected_is_a_result_not_a_hypothesis(scan):
    """'healing expected' inside the physician's interpretation is the device result, not a hypothetical."""
    text = ("BURN CLINIC NOTE\nDeepView multispectral images of the left hand burn were captured today.\n"
            "My interpretation of the DeepView classification: healing expected; continue dressings.")
    decision = codes_of(scan(text, date_of_service=DOS))["0972T"]
    assert decision["missing"] == []


# -- 0992T vs 0993T -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, code", [
    pytest.param(PVAT_WITH_CT, "0993T", id="ct-in-the-same-report"),
    pytest.param(PVAT_CLINIC_AFTER_MORNING_CT, "0993T", id="ccta-this-morning-clinic-this-afternoon"),
    pytest.param(PVAT_STORED_CT, "0992T", id="stored-data-set-from-an-earlier-ct"),
    pytest.param(PVAT_EARLIER_DAY_OF_STAY, "0992T", id="ct-on-an-earlier-day-of-the-stay"),
])
def test_same_session_heart_ct_picks_the_variant(scan, text, code):
    result = scan(text, date_of_service="2026-02-14" if "Hospital day" in text else DOS)
    assert list(codes_of(result)) == [code]
    assert ("SAME_SESSION_CT" in result["concepts"]) == (code == "0993T")


def test_0993T_evidence_includes_the_same_session_ct(scan):
    decision = codes_of(scan(PVAT_WITH_CT, date_of_service=DOS))["0993T"]
    assert any(e["label"] == "SAME_SESSION_CT" and e["assertion"] == "affirmed" for e in decision["evidence"])


# -- coverage -----------------------------------------------------------------------------------------------------
PVAT_BASE = ("Preventive cardiology visit.\n"
             "The stored CT data set from the coronary CTA of 11/04/2025 was submitted today for CaRi-Heart "
             "perivascular fat analysis, reported today.\n"
             "My interpretation: low inflammatory risk; continue statin. ")


@pytest.mark.parametrize("coverage_text, documented", [
    pytest.param("Prior authorization approved (auth 88123).", True, id="approved-PA"),
    pytest.param("Benefits check completed with the payer.", True, id="completed-benefits-check"),
    pytest.param("Patient signed an ABN before the analysis.", True, id="signed-ABN"),
    pytest.param("Prior authorization pending.", False, id="PA-pending"),
    pytest.param("Insurance: eligibility check not done yet.", False, id="check-not-done-yet"),
    pytest.param("The benefits check has not been completed.", False, id="check-not-completed"),
    pytest.param("Authorization 55-0192 on file for this study.", True, id="authorization-number-on-file"),
    pytest.param("Benefits check with the payer: not a covered benefit.", True, id="checked-and-not-covered"),
    pytest.param("Patient signed a self-pay waiver before the analysis.", True, id="signed-self-pay-waiver"),
    pytest.param("Follow up in one year.", False, id="nothing-about-coverage"),
])
def test_coverage_documented_for_category_iii(scan, coverage_text, documented):
    decision = codes_of(scan(PVAT_BASE + coverage_text, date_of_service=DOS))["0992T"]
    assert decision["coverage_documented"] is documented
    assert decision["status"] == "supported"  # coverage is advisory, never a documentation gap


def test_coverage_documented_for_burn_imaging(scan):
    assert codes_of(scan(BURN_SUPPORTED, date_of_service=DOS))["0972T"]["coverage_documented"] is True
    assert codes_of(scan(BURN_NURSING_ONLY, date_of_service=DOS))["0972T"]["coverage_documented"] is False


def test_coverage_is_null_for_75577_even_when_a_pa_is_documented(scan):
    result = scan(PLAQUE_SUPPORTED + "\nPrior authorization approved (ref 7710).", date_of_service=DOS)
    assert codes_of(result)["75577"]["coverage_documented"] is None


# -- hard negatives -----------------------------------------------------------------------------------------------
HARD_NEGATIVES = {
    "visual-only-cad-rads": (
        "CORONARY CT ANGIOGRAPHY\n"
        "FINDINGS: Mild mixed plaque in the proximal LAD with 25-49% stenosis by visual estimate. No high-risk "
        "plaque features.\nIMPRESSION: CAD-RADS 2. Mild nonobstructive coronary artery disease."),
    "calcium-score-only": (
        "CT CARDIAC CALCIUM SCORE\n"
        "FINDINGS: Agatston coronary artery calcium score 145 (LAD 120, RCA 25), 72nd percentile for age and "
        "sex.\nIMPRESSION: Moderate coronary calcification."),
    "heartflow-ffrct-only": (
        "CCTA with HeartFlow FFRct analysis. FFRct 0.76 in the mid LAD distal to a 60% stenosis, suggesting "
        "hemodynamic significance. Refer for invasive angiography."),
    "ffrct-and-no-plaque-ai": (
        "CCTA performed today. HeartFlow FFRct analysis: FFRct 0.82 in the LAD. No AI plaque quantification "
        "was performed."),
    "the-vendors-ischemia-product": (
        "CORONARY CTA\nCCTA performed today. Cleerly ISCHEMIA analysis of the CCTA data set: no flow-limiting "
        "lesion predicted. I reviewed the output: no ischemia, no catheterization needed."),
    "stroke-triage-ai": (
        "CT HEAD / CTA NECK\n"
        "Viz.ai LVO detection flagged a possible left M1 occlusion; the stroke team was paged. AI-based triage "
        "software alert was reviewed and confirmed by the radiologist."),
    "pe-triage-ai": (
        "CT PULMONARY ANGIOGRAM\n"
        "Aidoc AI algorithm flagged a filling defect in the right lower lobe segmental artery. Confirmed acute "
        "pulmonary embolism on my review."),
    "lung-nodule-ai": (
        "CT CHEST\nAI-based lung nodule detection software identified a 6 mm RUL nodule; I reviewed the AI output "
        "and agree. Follow-up CT in 6 months."),
    "AI-is-aortic-insufficiency": (
        "Echocardiogram: moderate AI (aortic insufficiency), mild MR. LVEF 55%. Recommend repeat echo in one year."),
    "perivascular-fat-stranding-sma": (
        "CT ABDOMEN/PELVIS WITH CONTRAST\n"
        "FINDINGS: Perivascular fat stranding around the superior mesenteric artery, concerning for vasculitis. "
        "No bowel obstruction."),
    "burning-pain": (
        "Patient reports burning pain in both feet, worse at night, consistent with diabetic neuropathy. "
        "Started gabapentin."),
    "research-summary": (
        "Journal club summary: artificial intelligence-based quantitative coronary plaque analysis from CCTA "
        "(e.g. Cleerly) and the perivascular fat attenuation index (CaRi-Heart) may refine risk prediction. "
        "Multispectral imaging (DeepView) predicts burn healing."),
    "patient-education": (
        "PATIENT EDUCATION:\nAbout this test: AI plaque analysis uses software such as Cleerly to measure plaque "
        "on your heart CT."),
}


@pytest.mark.parametrize("text", list(HARD_NEGATIVES.values()), ids=list(HARD_NEGATIVES))
def test_hard_negatives_give_no_code(scan, text):
    result = scan(text, date_of_service=DOS)
    assert result["codes"] == []
    assert not {"CCTA_PLAQUE_ANALYSIS", "PERIVASCULAR_FAT_ANALYSIS", "BURN_MULTISPECTRAL_IMAGING",
                "PHYSICIAN_INTERPRETATION"} & set(result["concepts"])


def test_visual_read_still_documents_a_same_session_heart_ct(scan):
    """SAME_SESSION_CT is affirmed for any heart CT of this encounter, even without an AI analysis."""
    result = scan(HARD_NEGATIVES["visual-only-cad-rads"], date_of_service=DOS)
    assert result["concepts"] == ["SAME_SESSION_CT"]


def test_fat_stranding_is_not_reported_as_a_mention(scan):
    result = scan(HARD_NEGATIVES["perivascular-fat-stranding-sma"], date_of_service=DOS)
    assert not [m for m in result["mentions"] if m["label"] == "PERIVASCULAR_FAT_ANALYSIS"]
