"""How a note's reading is found: the burn surgeon's decision on the device result, one impression over two
analyses, cues that belong to an aside or describe a device's clearance.

Every note here is written for the test; none is copied from a corpus.
"""

from __future__ import annotations

import pytest

from unit_helpers import codes_of

DOS = "2026-07-14"


def _status(scanner, text, code):
    found = codes_of(scanner.scan_text(text, date_of_service=DOS)).get(code)
    return found and (found["status"], found["missing"])


def test_the_burn_device_result_and_the_decision_taken_on_it_are_the_reading(scanner):
    text = ("Burn clinic, post-burn day 8. Multispectral images of the right forearm scald captured today with "
            "the DeepView system. Result: predicted non-healing zone 4 x 2 cm.\n"
            "Plan: tangential excision and split-thickness skin graft next week.")
    assert _status(scanner, text, "0972T") == ("supported", [])


def test_a_decision_still_to_be_taken_is_no_reading(scanner):
    text = ("Burn clinic. Multispectral images of the left thigh burn captured today with the DeepView system. "
            "Result: mixed healing potential.\n"
            "Plan: silver dressing today; will discuss with the attending and decide on excision vs conservative care.")
    assert _status(scanner, text, "0972T") == ("documentation_gap", ["interpretation"])


def test_a_decision_against_surgery_is_a_decision(scanner):
    text = ("Burn clinic, day 4. Multispectral images of the left shin scald captured today with the DeepView "
            "system; device result: expected to heal within 21 days.\n"
            "Decision: no excision or grafting; conservative care with silver dressings.")
    assert _status(scanner, text, "0972T") == ("supported", [])
    pending = text.replace("Decision: no excision or grafting; conservative care with silver dressings.",
                           "Decision on excision pending the attending's review.")
    assert _status(scanner, pending, "0972T") == ("documentation_gap", ["interpretation"])


def test_a_surgical_word_in_a_cardiac_note_is_not_a_plaque_reading(scanner):
    text = ("CCTA performed today; the CCTA data set was analysed with Cleerly plaque quantification. "
            "History: CABG 2019 with a patent vein graft; excision of a skin lesion in 2024.")
    assert _status(scanner, text, "75577") == ("documentation_gap", ["interpretation"])


def test_one_impression_reads_both_analyses_written_before_it(scanner):
    text = ("CARDIAC CT ANGIOGRAPHY\n"
            "TECHNIQUE: CCTA performed today. The CCTA data set was analysed with Cleerly AI plaque quantification "
            "and with CaRi-Heart perivascular fat analysis.\n"
            "Cleerly: total plaque volume 310 mm3. CaRi-Heart: FAI-Score elevated around the RCA.\n"
            "I reviewed both outputs. My interpretation: moderate plaque with coronary inflammation; start colchicine.")
    assert _status(scanner, text, "75577") == ("supported", [])
    assert _status(scanner, text, "0993T") == ("supported", [])


def test_a_negation_inside_an_aside_stays_in_the_aside(scanner):
    text = ("Clinic visit. The stored CCTA data set from March (no new CT acquired today) was analysed with "
            "CaRi-Heart perivascular fat software at this visit. My interpretation: elevated FAI around the LAD.")
    assert _status(scanner, text, "0992T") == ("supported", [])


def test_an_fda_cleared_device_is_not_a_cleared_finding(scanner):
    text = ("Burn clinic. Multispectral images of the left hand burn were captured with an FDA-cleared algorithmic "
            "device today; device classification: non-healing. My assessment: excise and graft on Friday.")
    assert _status(scanner, text, "0972T") == ("supported", [])


def test_a_heading_that_names_the_tool_read_is_the_reading(scanner):
    text = ("CORONARY CTA, performed today. The CCTA data set was sent to Cleerly for plaque quantification; "
            "output: total plaque volume 212 mm3, noncalcified 40 mm3.\n"
            "Impression:\n1. Mild nonobstructive disease.\n"
            "2. Interpretation of Cleerly quantification: a modest noncalcified burden in the mid LAD for a man of "
            "44; start a statin.")
    assert _status(scanner, text, "75577") == ("supported", [])


def test_a_reading_of_a_stored_ct_is_not_dated_by_the_ct(scanner):
    # the stored study carries its own earlier date; the physician reads the analysis today (0992T convention)
    text = ("PERIVASCULAR FAT ANALYSIS - STORED STUDY\n"
            "Data set: coronary CT angiography acquired 01/12/2026 at an outside centre, loaded to our archive "
            "03/01/2026. No CT today.\n"
            "Software: CaRi-Heart perivascular fat attenuation analysis run on the loaded CCTA data set.\n"
            "Output: fat attenuation index RCA 17.9, LAD 14.2; modelled 8-year risk 6.1%.\n"
            "Reading (Dr. Ines Okafor, cardiology): inflammation around the right coronary is clearly raised given "
            "the mild plaque seen on the 01/12/2026 CCTA, and I would intensify lipid therapy now.")
    found = codes_of(scanner.scan_text(text, date_of_service="2026-03-04"))
    assert found["0992T"]["status"] == "supported"


def test_burn_imaging_happens_when_the_images_are_taken_not_when_read(scanner):
    # images taken at an earlier visit and acted on in today's note: today documents no 0972T
    text = ("Burn clinic.\nDeepView multispectral images of the left forearm scald were taken on 07/02; the device "
            "classified the dorsal half as non-healing. Today I reviewed those images and the classification; "
            "plan excision and grafting on Friday.")
    assert "0972T" not in codes_of(scanner.scan_text(text, date_of_service=DOS))


@pytest.mark.parametrize("announced", [
    "Review by the reading cardiologist pending.",
    "Physician interpretation of these values to follow.",
    "Interpretation to follow in a separate addendum.",
    "Awaiting physician review of the printout.",
])
def test_a_reading_announced_and_not_done_is_missing(scanner, announced):
    """A returned result not yet read is a gap (interpretation) on the day it came back (coding rules,
    'Returned, not yet read'); the reading role ignores HYPOTHETICAL (a reading that recommends), not PENDING."""
    text = ("CORONARY CTA ADDENDUM\nStudy of 07/14/2026. Quantitative plaque analysis (Cleerly) of this CCTA came "
            "back today: total plaque volume 240 mm3, noncalcified 75 mm3. " + announced)
    assert _status(scanner, text, "75577") == ("documentation_gap", ["interpretation"])


def test_a_result_pending_elsewhere_does_not_undo_a_reading(scanner):
    text = ("CORONARY CTA\nCCTA performed today. Cleerly plaque analysis of this CCTA: total plaque volume 240 mm3. "
            "My interpretation: moderate plaque burden; lipid panel pending, start a statin.")
    assert _status(scanner, text, "75577") == ("supported", [])


def test_a_reading_in_the_present_tense_is_the_reading(scanner):
    text = ("Cardiology clinic. The CaRi-Heart analysis of her stored CCTA data set from 06/30/2026 came back last "
            "week. I am reviewing the CaRi-Heart report at this visit: FAI-Score 16 around the LAD, high risk. "
            "Adding colchicine.")
    assert _status(scanner, text, "0992T") == ("supported", [])


def test_a_result_from_that_time_belongs_to_that_time(scanner):
    text = ("Lipid clinic follow-up. We looked back at his CCTA of 2023 and the Cleerly plaque report from that time "
            "(total plaque volume 150 mm3). Repeat imaging is not needed now; continue the statin.")
    assert codes_of(scanner.scan_text(text, date_of_service=DOS)) == {}


@pytest.mark.parametrize("reading", [
    "I have checked and agree with the HeartFlow plaque findings: moderate burden, start a statin.",
    "The Elucid printout (total plaque 180 mm3, necrotic core 6 mm3) was interpreted by me: moderate burden.",
])
def test_readings_of_other_vendors_outputs_are_the_reading(scanner, reading):
    text = "CORONARY CTA\nCCTA performed today. AI plaque quantification of this CCTA returned. " + reading
    assert _status(scanner, text, "75577") == ("supported", [])


def test_the_images_interpreted_by_me_are_the_visual_read_not_the_reading(scanner):
    text = ("CORONARY CTA\nCCTA performed today. Cleerly plaque analysis of this CCTA: total plaque volume 75 mm3. "
            "The CCTA images were interpreted by me: mild CAD-RADS 1 disease.")
    assert _status(scanner, text, "75577") == ("documentation_gap", ["interpretation"])


def test_a_service_offered_on_a_condition_not_met_is_not_done(scanner):
    text = ("Cardiology clinic. Chest pain, intermediate risk. Next step: a CCTA with Cleerly plaque quantification "
            "if the payer approves it.")
    assert codes_of(scanner.scan_text(text, date_of_service=DOS)) == {}


@pytest.mark.parametrize("where", ["elsewhere", "at an outside imaging center"])
def test_a_heart_ct_done_at_another_place_is_not_this_sessions(scanner, where):
    text = (f"Cardiology clinic. Her CCTA, done {where}, was sent today for CaRi-Heart perivascular fat analysis. "
            "I reviewed the CaRi-Heart report with her: FAI-Score high around the LAD; start colchicine.")
    assert list(codes_of(scanner.scan_text(text, date_of_service=DOS))) == ["0992T"]


def test_a_result_awaited_in_the_next_clause_keeps_the_analysis_undone(scanner):
    text = ("CARDIAC CT REPORT\nCoronary CTA of 07/14/2026. Addendum: the data set was submitted to Caristo for "
            "CaRi-Heart analysis of the pericoronary fat; result pending.")
    assert "0993T" not in codes_of(scanner.scan_text(text, date_of_service=DOS))


def test_a_result_read_at_that_visit_stays_with_that_visit(scanner):
    """The product and its metric join into one mention; the earlier visit's cue on either half holds for both."""
    text = ("Lipid clinic. We went over her CCTA from February with Cleerly: total plaque volume 140 mm3, "
            "read by Dr. Osei at that visit. Continue ezetimibe.")
    assert codes_of(scanner.scan_text(text, date_of_service=DOS)) == {}


def test_the_output_taken_into_the_report_is_read(scanner):
    text = ("CCTA REPORT\nCCTA 07/14/2026. Cleerly: total plaque volume 210 mm3, non-calcified 40 mm3.\n"
            "Cleerly output reviewed and incorporated into this report. Impression: moderate plaque, CAD-RADS 2/P2.")
    assert _status(scanner, text, "75577") == ("supported", [])


def test_a_vendor_described_is_no_service(scanner):
    text = ("Heart failure clinic. Elucid is a company that offers AI plaque quantification; the patient asked about "
            "it after reading online. Not indicated for her now.")
    assert codes_of(scanner.scan_text(text, date_of_service=DOS)) == {}


@pytest.mark.parametrize("template", [
    "AI-assisted quantitative plaque analysis:\n Total plaque volume: *** mm3\n Non-calcified volume: *** mm3",
    "Quantitative plaque analysis performed with [software]: [ ] Yes [ ] No\nTotal plaque volume: ____ mm3",
])
def test_an_unfilled_template_documents_no_analysis(scanner, template):
    text = "CARDIAC CT REPORT\nCCTA performed today.\n" + template + "\nImpression: ***"
    assert "75577" not in codes_of(scanner.scan_text(text, date_of_service=DOS))


@pytest.mark.parametrize("plan", ["repeat CCTA planned in two years", "high-intensity statin recommended"])
def test_a_plan_in_the_next_clause_leaves_the_analysis_done(scanner, plan):
    text = ("CORONARY CTA\nCCTA performed today. HeartFlow plaque analysis of this CCTA: total plaque volume 320 mm3; "
            f"{plan}. My interpretation: moderate plaque burden.")
    assert _status(scanner, text, "75577") == ("supported", [])


def test_a_burn_imaging_tried_without_images_is_not_done(scanner):
    text = ("Burn ICU, day 3. DeepView imaging of the back burn was attempted this morning but the images were "
            "unusable because of motion; no classification. Repeat tomorrow.")
    assert codes_of(scanner.scan_text(text, date_of_service=DOS)) == {}


def test_a_service_without_indication_is_not_done(scanner):
    text = "Cardiology clinic. Calcium score 0 last year. No indication for a CCTA or Cleerly plaque analysis now."
    assert codes_of(scanner.scan_text(text, date_of_service=DOS)) == {}


def test_a_dictated_note_reads_its_cues_as_far_as_the_typed_one(scanner):
    """Each spoken mark read back leaves a blank run, a token of its own: a cue's reach is counted in words."""
    typed = ("Lipid clinic. We went over her CCTA from February with Cleerly: total plaque volume 140 mm3, read by "
             "Dr. Osei at that visit. Continue ezetimibe.")
    dictated = ("Lipid clinic period We went over her CCTA from February with Cleerly colon total plaque volume 140 "
                "mm3 comma read by Dr period Osei at that visit period Continue ezetimibe period")
    assert codes_of(scanner.scan_text(typed, date_of_service=DOS)) == {}
    assert codes_of(scanner.scan_text(dictated, date_of_service=DOS)) == {}


def test_an_analysis_sent_today_and_not_back_is_no_service(scanner):
    """Submitted, not resulted (coding rules): the data set went to the vendor today and the note says the
    result is awaited; no output of the analysis is in the note. Its first output makes it a service."""
    text = ("CORONARY CT ANGIOGRAM\nTechnique: coronary CTA acquired today.\nThe CCTA data set was transmitted to "
            "Cleerly for AI plaque quantification today at 14:10. Results are not back at the time of this report.\n"
            "Impression: 1. Mild plaque, CAD-RADS 2. 2. Cleerly analysis pending; an addendum will follow.")
    assert "75577" not in codes_of(scanner.scan_text(text, date_of_service=DOS))
    resulted = text.replace("Impression:", "Cleerly: total plaque volume 188 mm3. Impression:")
    assert "75577" in codes_of(scanner.scan_text(resulted, date_of_service=DOS))


NOT_THIS_SERVICE = {
    # 'Label ...... [ ] yes [x] N/A' is a form field as 'Label: value' is: the ticked N/A says not done
    "dot-leader flowsheet row": ("0972T", (
        "BURN UNIT FLOWSHEET\nDonor site ............ healing, dressing intact\n"
        "Multispectral burn imaging (DeepView) today ..... [ ] yes  [x] N/A (grafts stable)\n"
        "Plan: continue dressings.")),
    # a paragraph naming neither target leaves it to the note: a neck CTA report naming the carotid and no
    # coronary artery anywhere analyses carotid plaque
    "carotid report": ("75577", (
        "CTA NECK\nIndication: left carotid stenosis on duplex.\nTechnique: CTA from the arch to the skull base; "
        "plaque analysis with Elucid PlaqueIQ.\n\nPlaqueIQ, left ICA: lipid-rich necrotic core 52 mm3, calcified "
        "30 mm3. I reviewed the PlaqueIQ output: high-risk plaque.")),
    # the family cue reaches across a long clause, and the product named in brackets is the same test
    "a relative's test": ("75577", (
        "Preventive cardiology visit. His sister (49) had a CCTA in March at another center together with an AI "
        "plaque analysis (she believes it was Cleerly), which showed soft plaque. He asks whether he needs the "
        "same. Plan: calcium score first.")),
    # a status after a dash answers for the item before it, though a dash alone ends a clause
    "an order cancelled after a dash": ("0993T", (
        "CARDIAC CT REPORT\nTechnique: coronary CTA acquired today.\nAdd-on: pericoronary fat analysis, CaRi-Heart "
        "(CT-CARI) \u2014 CANCELLED at 07:50, before transfer.\nImpression: mild plaque.")),
    "a device that failed its calibration": ("0972T", (
        "Burn ICU. Multispectral imaging of the leg burn was planned this morning; the DeepView unit failed its "
        "self-calibration and no images were taken. Depth judged clinically; excision Friday.")),
    # a block marked as copied from a dated earlier note is that note's text
    "a block copied from a dated note": ("75577", (
        "Cardiology follow-up.\n--- copied from note of 05/02/2026 ---\nCCTA 04/30/2026. The CCTA data set was "
        "analysed with Cleerly the same day: total plaque volume 420 mm3. I reviewed the quantification: high "
        "plaque burden.\n--- end of copied text ---\n\nToday: feels well, LDL 60. No imaging today.")),
    # a procedure template inserted and never filled in: its title and attestation describe the form
    "an unsigned template": ("0972T", (
        "MULTISPECTRAL BURN IMAGING NOTE (template)\nDevice: [ ] DeepView  [ ] Other: ***\nSites imaged: ***\n"
        "Device result: [ ] healing  [ ] non-healing\nDecision: [ ] conservative care  [ ] excision and grafting\n"
        "Attestation: I reviewed the device output and documented my interpretation above.\nStatus: unsigned")),
}


@pytest.mark.parametrize("code, text", NOT_THIS_SERVICE.values(), ids=NOT_THIS_SERVICE.keys())
def test_notes_that_name_a_service_without_documenting_it(scanner, code, text):
    assert code not in codes_of(scanner.scan_text(text, date_of_service=DOS))


def test_the_burn_device_on_a_sacral_wound_is_not_burn_imaging(scanner):
    """Same technique, other target: the paragraph names a pressure site and no burn."""
    text = ("WOUND NURSING NOTE\nHospital day 30 after flame burns, grafted and healed.\n\n"
            "Sacral wound, stage 3, 4 x 3 cm.\nDeepView multispectral imaging performed today by the wound nurse; 40% "
            "of the area flagged as unlikely to heal within 21 days. Dr. Ames reviewed the image and chose "
            "conservative care.")
    assert "0972T" not in codes_of(scanner.scan_text(text, date_of_service=DOS))
    burn = text.replace("Sacral wound, stage 3, 4 x 3 cm.", "Right thigh burn, 3% TBSA.")
    assert "0972T" in codes_of(scanner.scan_text(burn, date_of_service=DOS))


def test_a_relative_taking_part_in_the_visit_does_not_make_the_plan_theirs(scanner):
    text = ("Burn clinic. DeepView multispectral imaging of the thigh burn today shows a non-healing zone. "
            "Discussed w/ pt & wife: plan excision and grafting Friday.")
    assert codes_of(scanner.scan_text(text, date_of_service=DOS))["0972T"]["status"] == "supported"
