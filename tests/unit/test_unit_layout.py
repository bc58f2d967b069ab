"""Notes as people write them: hard-wrapped lines, dictated punctuation, form fields, patient-education
blocks, a retraction in the next sentence, several names of one service in one clause.

Every note here is written for the test; none is copied from a corpus.
"""

from __future__ import annotations

import pytest

from cptscan.evaluate.render import wrap
from cptscan.textprep import prepare, read_spoken_punctuation, unwrap
from unit_helpers import assertions_of, codes_of

DOS = "2026-05-11"

PLAQUE_NOTE = (
    "CORONARY CT ANGIOGRAPHY\n"
    "Technique: ECG-gated coronary CTA performed today with 70 mL contrast; the CCTA data set was processed "
    "with Cleerly AI-based plaque quantification after acquisition.\n"
    "Findings: total plaque volume 388 mm3, noncalcified plaque volume 120 mm3, no low-density plaque.\n"
    "Impression: I reviewed the Cleerly output myself. My interpretation: moderate noncalcified burden in the "
    "proximal LAD, which was not seen as significant on the visual read; intensify statin therapy.\n"
)
NEGATED_NOTE = (
    "CARDIOLOGY CLINIC NOTE\n"
    "Coronary CTA from March reviewed with the patient; the report shows mild plaque in the LAD and the "
    "perivascular fat analysis with CaRi-Heart was not performed because the insurer declined it.\n"
    "Plan: continue statin and recheck lipids in three months.\n"
)


# -- text preparation -------------------------------------------------------------------------------------------
def test_prepared_text_keeps_every_offset():
    for text in (PLAQUE_NOTE, wrap(PLAQUE_NOTE, 40), "a\r\nb\r\n", "x period y period z new paragraph w"):
        assert len(prepare(text)) == len(text)


def test_unwrap_joins_a_sentence_cut_by_the_export_but_keeps_fields_and_bullets():
    wrapped = ("CCTA REPORT\nTechnique: the coronary CTA data set was processed with\nCleerly plaque quantification and the "
               "analysis was\nnot repeated.\nImpression:\n- mild plaque\n- statin\nCAC: 12\nCAD-RADS: 2")
    out = unwrap(wrapped)
    assert "processed with Cleerly" in out and "was not repeated" in out
    assert "Impression:\n- mild plaque\n- statin\nCAC: 12\nCAD-RADS: 2" in out


def test_unwrap_joins_a_short_note_wrapped_into_two_full_lines_and_a_rest():
    wrapped = ("CDI QUERY\nDr Ruiz, the coronary CTA report of 08/02/2026 names a HeartFlow\n"
               "quantification. Kindly state whether you read the HeartFlow plaque\noutput yourself.")
    out = unwrap(wrapped)
    assert "HeartFlow quantification." in out and "plaque output yourself" in out


def test_unwrap_joins_a_line_that_ends_a_sentence_and_opens_a_heading_to_the_line_it_finishes():
    wrapped = ("CARDIOLOGY NOTE\nThe stored CCTA data set from 02/10/2026 was sent today to the\n"
               "HeartFlow platform (plaque staging, TPV 140 mm3). Impression:\nmild plaque.")
    assert "to the HeartFlow platform" in unwrap(wrapped)


def test_unwrap_leaves_a_note_typed_in_short_lines_alone():
    text = "CCTA REPORT\nfindings\nleft main no plaque\nlad mild plaque\nimpression\ncad-rads 1"
    assert unwrap(text) == text


def test_dictated_punctuation_is_read_only_in_dictation():
    dictated = "the ccta was performed today period the analysis was run with cleerly period new paragraph plan"
    out = read_spoken_punctuation(dictated)
    assert "today." in out and ". The analysis" in out.replace("       ", " ") and "\n" in out
    assert read_spoken_punctuation("seen in the postoperative period for review.") == "seen in the postoperative period for review."


@pytest.mark.parametrize("width", [64, 48])
def test_codes_do_not_depend_on_where_lines_end(scan, width):
    for text in (PLAQUE_NOTE, NEGATED_NOTE):
        plain = scan(text, date_of_service=DOS)
        wrapped = scan(wrap(text, width), date_of_service=DOS)
        assert [(c["code"], c["status"], c["missing"]) for c in plain["codes"]] == \
               [(c["code"], c["status"], c["missing"]) for c in wrapped["codes"]]
    assert list(codes_of(scan(wrap(PLAQUE_NOTE, width), date_of_service=DOS))) == ["75577"]
    assert codes_of(scan(wrap(NEGATED_NOTE, width), date_of_service=DOS)) == {}


# -- form fields ----------------------------------------------------------------------------------------------
CCTA_TEMPLATE = (
    "CORONARY CTA - STRUCTURED REPORT\n"
    "Technique: prospective gating, coronary CTA performed today, good quality\n"
    "Stenosis: none\n"
    "{field}\n"
    "Impression: no coronary artery disease.\n"
)


@pytest.mark.parametrize("field", [
    "AI plaque quantification (Cleerly): [ ] performed   [x] not performed",
    "AI plaque quantification (Cleerly): N/A",
    "AI plaque quantification (Cleerly): ***",
    "AI plaque quantification (Cleerly): {done/not done:***}",
])
def test_a_form_field_that_says_not_done_documents_no_service(scan, field):
    result = scan(CCTA_TEMPLATE.format(field=field), date_of_service=DOS)
    assert result["codes"] == []
    assert set(assertions_of(result, "CCTA_PLAQUE_ANALYSIS")) == {"negated"}


def test_a_filled_form_field_still_documents_the_service(scan):
    field = "AI plaque quantification (Cleerly): [x] performed   [ ] not performed - total plaque volume 220 mm3"
    result = scan(CCTA_TEMPLATE.format(field=field), date_of_service=DOS)
    assert "75577" in codes_of(result)


# -- blocks written for the patient -----------------------------------------------------------------------------
def test_a_patient_education_block_inside_a_clinical_note_documents_no_service(scan):
    text = ("BURN CLINIC VISIT\nLeft forearm scald, healing well on exam; continue dressings.\n\n"
            "Information for you and your family\nWhat is multispectral burn imaging? Some burn centers use a "
            "DeepView camera and AI software to predict which parts of a burn will heal. Ask your doctor whether "
            "it is right for you.\n")
    result = scan(text, date_of_service=DOS)
    assert result["codes"] == []
    assert set(assertions_of(result, "BURN_MULTISPECTRAL_IMAGING")) == {"hypothetical"}


def test_a_clinical_paragraph_that_addresses_the_patient_once_is_still_clinical(scan):
    text = PLAQUE_NOTE + "\nDiscussed with patient: your plaque burden is moderate.\n"
    assert "75577" in codes_of(scan(text, date_of_service=DOS))


# -- retraction in the next sentence and one event per clause ----------------------------------------------------
def test_a_short_retraction_negates_the_service_of_the_sentence_before(scan):
    text = ("CCTA OVER-READ\nOutside coronary CTA reviewed, no new imaging today. We talked about AI plaque "
            "quantification with HeartFlow on this data set at some point. Not performed today.\n")
    result = scan(text, date_of_service=DOS)
    assert result["codes"] == []


def test_a_decline_in_the_next_sentence_negates_the_service_offered_before(scan):
    offered = ("CARDIOLOGY CLINIC\nCoronary CTA done today. We went over a Cleerly plaque analysis of that data set "
               "as an add-on.")
    for decline in ("She declined because of cost.", "The patient refused it."):
        assert scan(f"{offered} {decline}\n", date_of_service=DOS)["codes"] == []
    # a decline of something else leaves the service alone
    done = ("CARDIOLOGY CLINIC\nCoronary CTA done today. Cleerly plaque analysis of that data set was performed; "
            "I reviewed its output: moderate plaque. She declined statin therapy.\n")
    assert "75577" in codes_of(scan(done, date_of_service=DOS))


def _no_plaque_analysis_done_here(scan, text):
    """No code, and no plaque-analysis mention of the note says it was done at this encounter."""
    result = scan(text, date_of_service=DOS)
    assert result["codes"] == []
    assert "affirmed" not in assertions_of(result, "CCTA_PLAQUE_ANALYSIS")


def test_a_result_read_again_at_this_visit_is_historical_outputs_included(scan):
    text = ("CARDIOLOGY FOLLOW-UP\nReviewed again today: the HeartFlow plaque analysis of her 02/2026 CCTA, "
            "signed by the reading cardiologist then, showed total plaque volume 330 mm3. Continue statin.\n")
    _no_plaque_analysis_done_here(scan, text)


def test_a_paragraph_copied_forward_from_an_earlier_note_documents_that_note(scan):
    copied = ("CARDIOLOGY CLINIC\n\nImaging (copied forward from 02/10/2026 note): HeartFlow plaque "
              "analysis of her CCTA data set showed total plaque volume 455 mm3. My interpretation: heavy burden.\n\n"
              "Today: no angina, lipids at goal. Continue therapy.\n")
    assert scan(copied, date_of_service=DOS)["codes"] == []
    pasted = copied.replace("copied forward from 02/10/2026 note", "copied from the radiology report")
    assert "75577" in codes_of(scan(pasted, date_of_service=DOS))  # a report of unstated date is not an old note


def test_a_note_that_takes_back_the_service_it_names_documents_none_of_it(scan):
    result_text = ("CORONARY CT ANGIOGRAPHY\nCoronary CTA performed today. Cleerly AI plaque analysis of the CCTA "
                   "data set: total plaque volume 210 mm3.\nImpression: I reviewed the Cleerly output: moderate "
                   "noncalcified burden in the LAD.\n")
    assert [c["code"] for c in scan(result_text, date_of_service=DOS)["codes"]] == ["75577"]
    note = result_text + "\nADDENDUM: the Cleerly plaque analysis above belongs to another patient and was issued in error.\n"
    assert scan(note, date_of_service=DOS)["codes"] == []


def test_every_name_of_a_recommended_service_in_one_clause_is_recommended(scan):
    text = ("CORONARY CT ANGIOGRAPHY\nTechnique: coronary CTA performed today.\nImpression: CAD-RADS 2. "
            "A software plaque quantification (Cleerly, say, or HeartFlow Plaque Analysis) on these images is "
            "recommended as a baseline.\n")
    _no_plaque_analysis_done_here(scan, text)


def test_a_contrast_keeps_two_events_apart(scan):
    text = ("CORONARY CT ANGIOGRAPHY\nTechnique: coronary CTA performed today.\n"
            "HeartFlow plaque analysis was not performed, but the CCTA data set was processed with Cleerly "
            "AI plaque quantification.\nImpression: My interpretation of the Cleerly output: mild plaque, "
            "continue statin.\n")
    assert "75577" in codes_of(scan(text, date_of_service=DOS))


# -- vendor printouts: a disclaimer is not a reading, a labelled field names the data set ------------------------
VENDOR_PRINTOUT = (
    "CaRi-Heart analysis report (Caristo)\n"
    "Input data set: archived coronary CT angiography, contrast-enhanced\n"
    "FAI-Score: LAD 14.1, RCA 17.9\n"
    "CaRi-Heart Risk (8 years): 5.2%\n"
    "The values above are meant for review by a qualified physician alongside the clinical picture; they are "
    "intended to be interpreted by one.\n"
)


def test_a_vendor_disclaimer_is_not_the_physicians_interpretation(scan):
    result = scan(VENDOR_PRINTOUT, date_of_service=DOS)
    assert "affirmed" not in assertions_of(result, "PHYSICIAN_INTERPRETATION")
    assert codes_of(result)["0992T"]["missing"] == ["interpretation"]


def test_a_field_naming_the_study_documents_the_input(scan):
    result = scan(VENDOR_PRINTOUT, date_of_service=DOS)
    assert codes_of(result)["0992T"]["elements"]["input"] is True
    without_field = VENDOR_PRINTOUT.replace("Input data set: archived coronary CT angiography, contrast-enhanced\n", "")
    assert codes_of(scan(without_field, date_of_service=DOS))["0992T"]["elements"]["input"] is False


def test_unwrap_keeps_a_field_whose_label_holds_a_name_in_brackets():
    wrapped = ("PVAT REPORT\nResults: risk 7% over eight years, the LAD index being well above\nthe reference "
               "range (high)\nReading (A. Physician, MD): raised inflammation; treat.")
    assert "(high)\nReading (A. Physician, MD):" in unwrap(wrapped)


WRAPPED_BASE = ("CARDIAC CT REPORT\nTechnique: gated coronary CTA acquired today with 60 mL of contrast at a heart rate "
                "of 58, with prospective triggering and iterative reconstruction of the whole data set.\n")


@pytest.mark.parametrize("line, width, cut, joined", [
    pytest.param("The analysis output of the stored study was forwarded to Dr. Okafor for her reading today.",
                 60, "Dr.\n", "Dr. Okafor", id="after a title"),
    pytest.param("Plaque quantification software (vendor supplied): [ ] performed [X] not performed",
                 63, "performed\n[X]", "performed [X] not", id="inside tick boxes"),
    pytest.param("Physician reading of the plaque analysis (A. Okafor): moderate burden in the proximal LAD, start "
                 "a statin.", 53, "):\n", "): moderate", id="after a long label's colon"),
])
def test_unwrap_joins_what_an_export_cut(line, width, cut, joined):
    from cptscan.evaluate.render import wrap

    wrapped = wrap(WRAPPED_BASE + line, width)
    assert cut in wrapped
    assert joined in unwrap(wrapped)


def test_unwrap_keeps_a_short_header_above_its_text():
    assert unwrap("CCTA REPORT\nIMPRESSION:\nmild plaque\nCAD-RADS 1") == "CCTA REPORT\nIMPRESSION:\nmild plaque\nCAD-RADS 1"


def test_dictated_punctuation_after_a_bracket_and_paragraphs_are_read():
    dictated = ("burn of the hand (scald) period wound healing semicolon dressing changed new paragraph plan colon "
                "review in a week period")
    out = read_spoken_punctuation(dictated)
    assert "(scald)." in out and "healing;" in out and "\n\n" in out and "plan:" in out.replace(" ", "")


def test_a_dictated_full_stop_ends_the_sentence(scan):
    # the negation of the first sentence must not reach the service of the second
    dictated = ("cardiology clinic period no new imaging was done for the aorta period Cleerly plaque analysis of "
                "today's coronary CTA data set showed total plaque volume 150 mm3 period my interpretation colon mild "
                "plaque comma continue statin period")
    assert [c["code"] for c in scan(dictated, date_of_service=DOS)["codes"]] == ["75577"]
