"""Property tests: for arbitrary text the scanner never raises, every span is a slice of the text, and
results are deterministic and the same with jobs=2."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reliability_support import evidence_spans

PHRASES = [
    "Cleerly", "CaRi-Heart", "DeepView", "Spectral AI", "not performed", "was performed", "CCTA", "coronary CTA",
    "AI-based quantitative plaque analysis", "perivascular fat analysis", "FAI-Score", "multispectral imaging",
    "burn", "My interpretation:", "I reviewed the images", "no evidence of", "if insurance approves",
    "history of", "mother had", "IMPRESSION:", "EXAM:", "TECHNIQUE:", "Plan:", "2026-02-10", "prior authorization",
    "Category III", "covered", ".", ",", ":", "-", "(", ")", "%", "mm3",
]
SEPARATORS = ["\n", " ", "  ", "\t", "\r\n", "\n\n", ". ", "\u00a0", "\u200b", "\u2028"]
UNICODE = ["é", "ß", "Ω", "中文", "🙂", "\u0301", "ﬁ", "İ", "\ufeff", "\u202e"]

MARKUP = ["<p>", "</p>", "<b>", "<br/>", "&amp;", "{\\rtf1 ", "\\par ", "\\b0 ", "{\\fonttbl x}"]

fragment = st.one_of(
    st.sampled_from(MARKUP),
    st.sampled_from(PHRASES),
    st.sampled_from(SEPARATORS),
    st.sampled_from(UNICODE),
    st.text(max_size=12),
    st.sampled_from(PHRASES).map(str.upper),
    st.sampled_from(PHRASES).map(str.lower),
)
note_text = st.lists(fragment, max_size=40).map("".join)

SETTINGS = dict(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def check_spans(text: str, result: dict) -> None:
    for span in evidence_spans(result):
        assert 0 <= span["start"] < span["end"] <= len(text)
        assert text[span["start"]:span["end"]] == span["text"]


@settings(max_examples=50, **SETTINGS)
@given(text=note_text)
def test_any_text_scans_with_exact_spans_and_determinism(scanner, text):
    first = scanner.scan_text(text, note_id="P", date_of_service="2026-02-10")
    assert first["note_id"] == "P"
    if first["error"] is not None:
        assert first["error"]["code"] in ("empty_text", "binary_text")
        assert first["codes"] == [] and first["mentions"] == []
    check_spans(text, first)
    again = scanner.scan_text(text, note_id="P", date_of_service="2026-02-10")
    assert again == first


@settings(max_examples=3, **SETTINGS)
@given(texts=st.lists(note_text, min_size=65, max_size=140))
def test_jobs2_equals_jobs1(scanner, texts):
    """More notes than one batch (64), so results come back from both workers, in input order."""
    records = [{"note_id": f"P{i}", "date_of_service": "2026-02-10", "text": t} for i, t in enumerate(texts)]
    serial = list(scanner.scan(records))
    parallel = list(scanner.scan(records, jobs=2))
    assert [r["note_id"] for r in serial] == [f"P{i}" for i in range(len(texts))]
    assert parallel == serial
    for text, result in zip(texts, serial):
        check_spans(text, result)
