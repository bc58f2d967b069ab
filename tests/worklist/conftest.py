"""Hand-made reconcile output and notes for the worklist tests; one note carries hostile markup."""

from __future__ import annotations

import shutil

import pytest

HOSTILE = '</script><script>window.PWNED=1</script><img src=x onerror="window.PWNED=2"> & <b>bold</b>'
REPORT = "CCTA report. HeartFlow Plaque Analysis run on this CCTA. Results attached. " + HOSTILE


def _span(text, phrase, label):
    start = text.index(phrase)
    return {"start": start, "end": start + len(phrase), "label": label, "text": phrase, "assertion": "affirmed"}


@pytest.fixture
def notes():
    return {
        "N1": {"note_id": "N1", "chart_id": "C1", "date_of_service": "2026-02-03", "note_type": "radiology_report",
               "text": REPORT},
        "N2": {"note_id": "N2", "chart_id": "C2", "date_of_service": "2026-02-17", "note_type": "radiology_report",
               "text": "Plaque characterization with Elucid PlaqueIQ. My interpretation: high-risk plaque."},
    }


@pytest.fixture
def charts(notes):
    n1, n2 = notes["N1"]["text"], notes["N2"]["text"]
    n1_spans = [_span(n1, "HeartFlow Plaque Analysis", "AI_PROCESS"), _span(n1, "this CCTA", "CARDIAC_CT_DATASET"),
                _span(n1, "Plaque Analysis run", "CCTA_PLAQUE_ANALYSIS")]  # overlaps the first span
    n2_spans = [_span(n2, "Elucid PlaqueIQ", "AI_PROCESS"), _span(n2, "My interpretation", "PHYSICIAN_INTERPRETATION")]
    return [
        {"chart_id": "C1", "findings": [
            {"type": "unsupported_claim", "code": "75577", "date_of_service": "2026-02-03",
             "missing": ["interpretation"], "evidence": [{"note_id": "N1", "spans": n1_spans}],
             "reason": "75577 billed on 2026-02-03, but the documentation lacks: interpretation"},
        ], "advisories": []},
        {"chart_id": "C2", "findings": [
            {"type": "deleted_code", "code": "0623T", "date_of_service": "2026-02-17", "suggested": "75577",
             "evidence": [{"note_id": "N2", "spans": n2_spans}], "reason": "0623T was deleted"},
            {"type": "missed_opportunity", "code": "75577", "date_of_service": "2026-02-17",
             "evidence": [{"note_id": "N2", "spans": n2_spans}], "reason": "75577 documented but not billed"},
            {"type": "wrong_variant", "billed": "0993T", "expected": "0992T", "date_of_service": "2026-02-17",
             "evidence": [], "reason": "0993T billed, no CT that day"},
        ], "advisories": [{"type": "addon_without_primary", "code": "0993T", "date_of_service": "2026-02-17",
                           "primary_codes": ["75574"], "reason": "0993T is an add-on code"}]},
    ]


@pytest.fixture(scope="session")
def chromium():
    """Debian's chromium (CI's .ci/run installs it); without it the browser tests skip and say why."""
    path = shutil.which("chromium")
    if path is None:
        pytest.skip("no chromium binary on PATH: install Debian's chromium (apt-get install chromium) "
                    "to run the worklist page in a real browser")
    return path
