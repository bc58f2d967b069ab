"""Markup neutralisation keeps every offset: same length, text characters where they were."""

from __future__ import annotations

import pytest

from cptscan.textprep import looks_binary, neutralise_markup


@pytest.mark.parametrize("text", [
    "{\\rtf1\\ansi {\\fonttbl {\\f0 Times;}}{\\colortbl;\\red0;}\\f0 EXAM: CCTA\\par IMPRESSION: My read.\\par }",
    "{\\rtf1 {\\*\\generator Riched20;} caf\\'e9 \\~plaque\\line next}",
    "{\\rtf1 {\\fonttbl unbalanced group and EXAM: CCTA",
    "<html><body><p>EXAM: CCTA</p><br/>Cleerly &amp; <b>plaque</b></body></html>",
    "plain text, no markup < 5 > 3 {braces}",
])
def test_same_length_and_text_kept_in_place(text):
    out = neutralise_markup(text)
    assert len(out) == len(text)
    for i, (a, b) in enumerate(zip(text, out)):
        assert b == a or b in " \n", (i, a, b)


def test_rtf_paragraphs_become_line_breaks_and_tables_vanish():
    text = "{\\rtf1 {\\fonttbl {\\f0 Times;}}\\f0 EXAM: CCTA\\par IMPRESSION: My read.\\par }"
    out = neutralise_markup(text)
    assert "Times" not in out
    lines = [line.strip() for line in out.splitlines() if line.strip()]
    assert lines == ["EXAM: CCTA", "IMPRESSION: My read."]


def test_plain_text_unchanged_and_binary_recognised():
    assert neutralise_markup("EXAM: CCTA {not rtf}") == "EXAM: CCTA {not rtf}"
    assert looks_binary("\x00\x01\x02\x03\x04" * 20)
    assert not looks_binary("EXAM: CCTA\n\tIMPRESSION: fine.\r\n")
