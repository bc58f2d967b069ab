"""Notes as OCR and speech recognition deliver them: page furniture, line-end hyphens, spelled-out letters,
look-alike characters and stray spaces are read back, and evidence still quotes the note as sent.

Every note here is written for the test; none is copied from a corpus.
"""

from __future__ import annotations

import pytest

from cptscan.rules import load_rules
from cptscan.textprep import Repairs

DOS = "2026-06-03"


@pytest.fixture(scope="module")
def repairs():
    return Repairs.from_rules(load_rules())


def test_page_footers_and_fax_banners_are_dropped_and_the_cut_sentence_reads_whole(repairs):
    text = ("Findings: the coronary arteries show\nPage 2 of 4\nmild plaque.\n"
            "06/03/2026 09:15  FAX 555-0177  P.003/004\nImpression: normal.\n- 3 -\nPlan: statin.")
    out = repairs(text).text
    assert out == "Findings: the coronary arteries show\nmild plaque.\nImpression: normal.\nPlan: statin."


def test_a_line_end_hyphen_is_joined_and_a_capitalised_or_known_compound_keeps_it(repairs):
    out = repairs("the analysis was per-\nformed on the CaRi-\nHeart platform; no low-\ndensity plaque").text
    assert out == "the analysis was performed on the CaRi-Heart platform; no low-density plaque"


def test_spelled_out_abbreviations_are_joined_but_a_lone_pronoun_stays(repairs):
    out = repairs("coronary C T A today, C C T A data set sent for A I analysis, C T I reviewed it").text
    assert out == "coronary CTA today, CCTA data set sent for AI analysis, CT I reviewed it"


def test_ocr_look_alikes_become_the_rule_word_and_real_words_are_left_alone(repairs):
    out = repairs("C0R0NARY CTA perforrned; CIeerly p1aque analysis; pl aque volume; my interpretatIon").text
    assert out == "CORONARY CTA performed; Cleerly plaque analysis; plaque volume; my interpretation"
    clean = "He falls often, HbA1c 7.2, S1S2 normal, follow up in correct position, Dr McIvor, to days"
    assert repairs(clean).text == clean


def test_the_map_leads_every_repaired_span_back_to_the_characters_sent(repairs):
    text = "Page 1\nC C T A with HeartFlow pl aque ana-\nlysis was perforrned."
    repaired = repairs(text)
    for word in ("CCTA", "plaque", "analysis", "performed", "HeartFlow"):
        at = repaired.text.index(word)
        start, end = repaired.original(at, at + len(word))
        assert text[start:end].replace(" ", "").replace("-\n", "").replace("rn", "m") == word


def test_a_noisy_note_gets_the_codes_of_its_clean_twin_with_evidence_quoting_the_noise(scan):
    clean = ("CORONARY CTA REPORT\nCoronary CTA performed today. The CCTA data set was processed with Cleerly "
             "AI plaque analysis.\nImpression: my interpretation of the Cleerly output: mild noncalcified plaque "
             "in the LAD; start a statin.\n")
    noisy = ("C0RONARY C T A REPORT\nCoronary C T A perforrned today. The C C T A data set was pr0cessed with "
             "CIeerly\nPage 2 of 3\nA I plaque ana-\nlysis.\nImpression: my interpretatIon of the Cleerly output: "
             "mild noncalcified plaque in the L A D; start a statin.\n")
    want = scan(clean, date_of_service=DOS)
    got = scan(noisy, date_of_service=DOS)
    assert [(c["code"], c["status"], c["missing"]) for c in got["codes"]] == \
           [(c["code"], c["status"], c["missing"]) for c in want["codes"]] == [("75577", "supported", [])]
    for code in got["codes"]:
        for ev in code["evidence"]:
            assert noisy[ev["start"]:ev["end"]] == ev["text"]
    assert any(ev["text"].startswith("CIeerly") for code in got["codes"] for ev in code["evidence"])


def test_a_typing_slip_in_a_long_key_word_is_read_as_the_word(repairs):
    text = "Mulitspectral images today; perivasular fat result; my interpretaion follows."
    assert repairs(text).text == "Multispectral images today; perivascular fat result; my interpretation follows."


def test_everyday_words_near_a_rule_word_are_left_alone(repairs):
    # a last letter left out is an English word more often than a slip ('medication', 'difficult')
    text = "She complains of pain; medication list reviewed; difficult airway; reconstruction planned."
    assert repairs(text).text == text


def test_the_pronoun_i_read_as_l_is_read_back_only_where_a_clause_starts(repairs):
    out = repairs("Result back.  l reviewed the map.\n| agree with the plan; l interpreted it").text
    assert out == "Result back.  I reviewed the map.\nI agree with the plan; I interpreted it"
    clean = "give 2 l of saline, the l and r sides, vitamin l x 2"
    assert repairs(clean).text == clean
