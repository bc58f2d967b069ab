"""Everyday words must not decide what a note is (issue: withdrawal and genre from single words).

A report that thanks the referrer, mentions a denial or a culture's sensitivity is still the record of the
service; a catheter that was withdrawn withdraws no result. A payer's letter is still administrative.
Every note here is written for the test; none is copied from a corpus.
"""

from __future__ import annotations

import pytest

from cptscan.reconcile import reconcile
from unit_helpers import codes_of

DOS = "2026-08-04"
REPORT = ("CORONARY CT ANGIOGRAPHY\n"
          "TECHNIQUE: CCTA performed today; the CCTA data set was analysed with Cleerly AI plaque quantification.\n"
          "FINDINGS: total plaque volume 240 mm3, noncalcified plaque 60 mm3.\n"
          "IMPRESSION: I reviewed the Cleerly output. My interpretation: mild noncalcified plaque; statin. ")
EVERYDAY = {
    "thanks and a denial": "Thank you for this referral. His earlier request was denied; patient education given.",
    "culture and sensitivity": "Urine culture and sensitivity pending; tumor board next week for his lung nodule.",
    "draft and order set": "Ordered from the chest pain order set. Draft reviewed and signed.",
    "procedure words": "The radial sheath was withdrawn and hemostasis achieved; the retracted skin edges closed.",
}


@pytest.mark.parametrize("extra", EVERYDAY.values(), ids=EVERYDAY.keys())
def test_everyday_words_do_not_take_a_report_away(scanner, extra):
    result = scanner.scan_text(REPORT + extra, note_id="R", chart_id="C", date_of_service=DOS)
    assert codes_of(result)["75577"]["status"] == "supported"
    claims = [{"chart_id": "C", "lines": [{"code": "75577", "date_of_service": DOS}]}]
    assert reconcile([result], claims, scanner.knowledge)[0]["findings"] == []


def test_a_consult_letter_that_documents_the_service_keeps_it(scanner):
    letter = ("Dear Dr. Ames,\nThank you for referring Mr. Lee. Today I performed a CCTA; the CCTA data set was "
              "analysed with Cleerly AI plaque quantification, and my interpretation is mild noncalcified plaque.\n"
              "Sincerely,\nK. Obi, MD")
    assert "75577" in codes_of(scanner.scan_text(letter, date_of_service=DOS))


def test_a_payer_letter_is_still_administrative(scanner):
    letter = ("Dear Member,\nYour request for coronary plaque analysis with Cleerly on your CCTA has been denied "
              "under our medical policy. You may file an appeal within 60 days.\nSincerely,\nUtilization Management")
    assert codes_of(scanner.scan_text(letter, date_of_service=DOS)) == {}


def test_a_documentation_query_to_the_provider_is_administrative(scanner):
    query = ("Query to the attending\nThe CCTA report dated 08/04/2026 lists a Cleerly plaque quantification. "
             "Please document in an addendum whether you interpreted the Cleerly output, and what it showed.\n"
             "Thank you, CDI team")
    assert codes_of(scanner.scan_text(query, date_of_service=DOS)) == {}


def test_a_query_hard_wrapped_by_its_export_is_still_administrative(scanner):
    """A line break left a single word as a 'sentence'; the model, asked about it, saw one service word."""
    query = ("CODING QUERY\nDr Ruiz, the coronary CTA report of 08/02/2026 names a Cleerly plaque\n"
             "analysis. Please clarify whether you interpreted the Cleerly output\nyourself.")
    assert codes_of(scanner.scan_text(query, date_of_service=DOS)) == {}


def test_a_report_that_withdraws_itself_documents_nothing(scanner):
    report = ("CORONARY CTA\nCCTA done today. HeartFlow plaque analysis of this CCTA: total plaque volume 95 mm3. "
              "My interpretation: mild plaque.\nNOTE: this report was filed in error; please disregard.")
    assert codes_of(scanner.scan_text(report, date_of_service=DOS)) == {}


def test_an_abn_form_is_administrative(scanner):
    form = ("ADVANCE BENEFICIARY NOTICE OF NONCOVERAGE (ABN)\nService: 0992T, CaRi-Heart perivascular fat analysis of "
            "the coronary CT.\nWhy Medicare may not pay: considered investigational.\nSigned by the beneficiary 08/04/2026.")
    assert codes_of(scanner.scan_text(form, date_of_service=DOS)) == {}


def test_a_result_taken_back_is_still_withdrawn(scanner):
    addendum = "ADDENDUM: the Cleerly plaque analysis report above has been retracted by the vendor."
    result = scanner.scan_text(addendum, note_id="A", chart_id="C", date_of_service=DOS)
    assert any(m["label"] == "RESULT_WITHDRAWN" for m in result["mentions"])


def test_a_dash_ends_a_negation(scanner):
    text = ("Clinic visit. No CT today \u2014 CaRi-Heart perivascular fat analysis of the stored CCTA data set was "
            "run this week and I reviewed it today. My interpretation: low coronary inflammation.")
    assert codes_of(scanner.scan_text(text, date_of_service=DOS))["0992T"]["status"] == "supported"


def test_the_data_set_named_in_the_paragraph_of_the_service_is_its_input(scanner):
    text = ("Cardiology follow-up.\n\n"
            "Her CCTA data set from June was sent for analysis this week. CaRi-Heart results returned yesterday "
            "and I reviewed them today. My interpretation: FAI-Score normal around all three arteries.\n\n"
            "Exam unchanged.")
    assert codes_of(scanner.scan_text(text, date_of_service=DOS))["0992T"]["missing"] == []


FIRST_READ = ("Cardiology visit.\n\n"
              "CaRi-Heart analysis of her 01/12/2026 CCTA data set, results returned 07/30/2026: FAI-Score elevated "
              "around the LAD.\nMy interpretation: active coronary inflammation; add colchicine.\n\n"
              "Exam normal.")
READ_BEFORE = ("Cardiology visit.\n\n"
               "CaRi-Heart analysis of her CCTA, previously interpreted by Dr. Ames on 03/02/2026: FAI-Score elevated "
               "around the LAD.\nInflammatory risk is improving on colchicine.\n\n"
               "Exam normal.")


def test_an_analysis_first_read_today_is_todays_service(scanner):
    """An analysis run on a stored data set happens where a physician first interprets it, even when the data
    set and the vendor's return carry earlier dates."""
    assert codes_of(scanner.scan_text(FIRST_READ, date_of_service=DOS))["0992T"]["status"] == "supported"


def test_a_result_read_before_stays_historical(scanner):
    assert codes_of(scanner.scan_text(READ_BEFORE, date_of_service=DOS)) == {}


def test_a_statement_of_general_knowledge_is_no_service(scanner):
    text = ("Visit for chest pain. Comment: coronary perivascular fat attenuation is an emerging marker of "
            "inflammation, and CaRi-Heart has been shown to refine risk. Not ordered today.")
    assert codes_of(scanner.scan_text(text, date_of_service=DOS)) == {}


def test_a_report_title_names_the_earlier_study_its_body_dates(scanner):
    """A post-processing report titled like a heart CT, on a CT acquired on an earlier date, is 0992T."""
    text = ("CARDIAC CT\n"
            "Post-processing report. Data set: coronary CTA acquired 03/02/2026, archived.\n"
            "The archived CCTA data set went through CaRi-Heart AI software today: FAI-Score elevated "
            "around the RCA.\nIMPRESSION: I reviewed the CaRi-Heart output; my interpretation: coronary "
            "inflammation, start colchicine.")
    assert list(codes_of(scanner.scan_text(text, date_of_service=DOS))) == ["0992T"]


NOT_A_RECORD = {
    "study protocol": (
        "STUDY PROTOCOL SUMMARY\nSponsor: Northgate Cardiac Research Foundation. Principal investigator: R. Osei, MD.\n"
        "Eligibility criteria: adults 45-75 with a clinically indicated CCTA.\nStudy procedures: each participant's "
        "CCTA data set is analysed with Cleerly AI plaque quantification at the core laboratory; total and "
        "noncalcified plaque volumes are the primary endpoint. The core laboratory reviews every output.\n"
        "Protocol deviations are reported to the sponsor within 5 days."),
    "staff in-service sheet": (
        "IN-SERVICE: plaque software go-live for CT staff\nTechnologists route the thin-slice series of the CCTA "
        "to the HeartFlow Plaque Analysis node. Readers open the output and dictate an interpretation.\n"
        "Sample report (fictitious patient): total plaque volume 310 mm3; I reviewed the HeartFlow output; mild "
        "plaque burden.\nBilling: CPT 75577 with the CCTA."),
    "research-use-only notice": (
        "NOTICE - RESEARCH USE ONLY\nThe perivascular fat module on the research server (build 2.0-beta) analyses "
        "coronary CTA data sets and reports FAI values around the RCA and LAD. Its outputs are reviewed by the "
        "imaging scientists only and are not cleared for clinical use; they must not be copied into a report or "
        "used for a 0992T/0993T charge."),
}


@pytest.mark.parametrize("text", NOT_A_RECORD.values(), ids=NOT_A_RECORD.keys())
def test_research_and_training_texts_document_no_service(scanner, text):
    """A protocol, a staff training sheet with its sample report, a research-use-only notice: the service is
    described, never done for a patient (coding rules: education and research descriptions)."""
    assert codes_of(scanner.scan_text(text, date_of_service=DOS)) == {}

