"""Vocabulary of real reports (FDA clearance names, how vendor printouts list results) and text that only
shows a device: each phrasing gives the code a coder expects.

Every note here is written for the test; none is copied from a corpus.
"""

from __future__ import annotations

import pytest

from unit_helpers import codes_of

DOS = "2026-08-19"

CASES = {
    "former product name": (
        "Coronary CTA done today. The CCTA data set went through vascuCAP analysis; lipid-rich core 9 mm3 in the "
        "proximal RCA. I reviewed the analysis: a small lipid-rich lesion, start a statin.",
        ("supported", [])),
    "components listed without a noun": (
        "Cardiac CTA performed today. Plaque review of the CCTA data set: calcified 40 mm3, non-calcified 210 mm3, "
        "low-attenuation 16 mm3. My interpretation: mostly noncalcified burden in the LAD.",
        ("documentation_gap", ["process"])),
    "necrotic core abbreviated": (
        "CCTA performed today. Quantitative report of the CCTA data set: LRNC 14 mm3 at the mid LAD. "
        "My interpretation: high-risk morphology, intensify therapy.",
        ("documentation_gap", ["process"])),
    "plaque stage": (
        "CCTA acquired today with quantitative plaque software output attached: plaque stage 2. "
        "I interpreted the plaque output: moderate atherosclerosis.",
        ("documentation_gap", ["process"])),
    "a scanner vendor's post-processing suite": (
        "Coronary CTA acquired today. The plaque module of syngo.via measured the LAD: non-calcified 52 mm3, "
        "calcified 30 mm3. My interpretation: moderate mixed plaque in the proximal LAD, start a statin.",
        ("supported", [])),
    "the company name alone, result returned and not yet read": (
        "CCTA of 07/30/2026 on file. Its data set went to Elucid for quantitative plaque analysis; the results are "
        "back in the chart and I have not reviewed them yet.",
        ("documentation_gap", ["interpretation"])),
}


@pytest.mark.parametrize("text, expected", CASES.values(), ids=CASES.keys())
def test_report_vocabulary_reaches_the_code(scanner, text, expected):
    found = codes_of(scanner.scan_text(text, date_of_service=DOS)).get("75577")
    assert found is not None and (found["status"], found["missing"]) == expected


def test_a_staff_in_service_on_the_device_documents_no_service(scanner):
    text = ("Burn unit in-service for the night nurses: how to capture images with the DeepView multispectral "
            "camera, practised on a staff member's forearm.")
    assert codes_of(scanner.scan_text(text, date_of_service=DOS)) == {}


UNKNOWN_TOOL = {
    "labelled field": ("Coronary CTA performed today. Software: Stenolytix 3.2, run on the CCTA data set; total plaque "
                       "volume 180 mm3. My interpretation: moderate burden, start a statin.", ("supported", [])),
    "processed with": ("Coronary CTA performed today. The CCTA data set was processed with Arterion Cloud; total "
                       "plaque volume 180 mm3. My interpretation: moderate burden, start a statin.", ("supported", [])),
    "a person is no tool": ("Coronary CTA performed today. The CCTA data set was analysed by Dr. Okafor; total "
                            "plaque volume 180 mm3. My interpretation: moderate burden.",
                            ("documentation_gap", ["process"])),
}


@pytest.mark.parametrize("text, expected", UNKNOWN_TOOL.values(), ids=UNKNOWN_TOOL.keys())
def test_a_tool_named_where_software_is_named_documents_the_process(scanner, text, expected):
    found = codes_of(scanner.scan_text(text, date_of_service=DOS))["75577"]
    assert (found["status"], found["missing"]) == expected


def test_a_typing_slip_in_a_key_word_gives_the_codes_of_the_clean_note(scanner):
    clean = ("Burn clinic. Multispectral images of the right hand flame burn captured today with the DeepView "
             "system; device result: dorsal area unlikely to heal by day 21. Plan: excision and grafting Monday.")
    slipped = clean.replace("Multispectral", "Mulitspectral").replace("DeepView system", "burn imaging system")
    def summary(text):
        return {code: (c["status"], c["missing"]) for code, c in codes_of(scanner.scan_text(text, date_of_service=DOS)).items()}

    want = summary(clean.replace("DeepView system", "burn imaging system"))
    assert want and summary(slipped) == want


def test_pericoronary_fat_attenuation_written_as_pcat_is_the_service(scanner):
    text = ("Cardiac CT report. CCTA performed today; PCAT attenuation was quantified with the Caristo software: "
            "LAD -74 HU. Impression: I reviewed the perivascular fat result; no coronary inflammation.")
    assert codes_of(scanner.scan_text(text, date_of_service=DOS)).get("0993T", {}).get("status") == "supported"


@pytest.mark.parametrize("dictated, code", [
    ("coronary cta performed today period the clearly plaque analysis of the cta data set showed total plaque "
     "volume 280 cubic millimeters period my interpretation colon moderate plaque period", "75577"),
    ("CCTA done this morning. The data set went for carry heart analysis; the carry heart FAI score is high "
     "around the RCA. I reviewed the result and will start colchicine.", "0993T"),
])
def test_a_product_name_as_speech_recognition_writes_it_names_the_software(scanner, dictated, code):
    found = codes_of(scanner.scan_text(dictated, date_of_service=DOS)).get(code)
    assert found is not None and (found["status"], found["missing"]) == ("supported", [])


def test_the_adverb_clearly_names_no_software(scanner):
    text = ("CCTA performed today. The CCTA data set clearly shows plaque; total plaque volume 280 mm3 on "
            "the quantitative report. My interpretation: moderate plaque.")
    found = codes_of(scanner.scan_text(text, date_of_service=DOS)).get("75577")
    assert found is not None and "process" in found["missing"]
