"""Evidence a coder reads: a span that takes in a '(' quotes the parenthesis up to its ')'."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("text, span", [
    ("Perivascular fat attenuation index analysis (CaRi-Heart) of today's coronary CTA.",
     "Perivascular fat attenuation index analysis (CaRi-Heart)"),
    ("Coronary CTA with AI plaque quantification (HeartFlow Plaque Analysis). My interpretation: mild plaque.",
     "AI plaque quantification (HeartFlow Plaque Analysis)"),
    ("FAI-Score (CaRi-Heart, Caristo) analysis of the coronary CTA.", "FAI-Score (CaRi-Heart, Caristo)"),
    ("Perivascular fat analysis (CaRi-Heart\nsoftware) on the coronary CTA.", "Perivascular fat analysis (CaRi-Heart\nsoftware)"),
])
def test_spans_are_not_cut_before_the_closing_parenthesis(scanner, text, span):
    texts = [m["text"] for m in scanner.scan_text(text, date_of_service="2026-03-01")["mentions"]]
    assert span in texts
    assert all(t.count("(") == t.count(")") for t in texts), texts
