"""Note-level, span-level, chart-level metrics on the hand-made case; expected counts worked out by hand."""

from __future__ import annotations

import pytest

from cptscan.evaluate.metrics import (
    bootstrap, chart_errors, chart_level, evaluate, finding_key, match_overlapping, note_errors,
    note_level, prf, span_level, tally_notes,
)


def test_prf_zero_division_is_zero():
    assert prf(0, 0, 0) == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "fp": 0, "fn": 0}
    assert prf(1, 1, 3)["f1"] == pytest.approx(2 * 0.5 * 0.25 / 0.75)


def test_note_level_counts_by_hand(case):
    # gold codes:  N1 75577, N2 0993T, N4 0972T
    # predicted:   N1 75577, N2 0993T, N3 0992T  (N2 0992T is needs_review -> not a candidate; N4 absent)
    r = note_level(case["gold"], case["results"])
    assert (r["code"]["tp"], r["code"]["fp"], r["code"]["fn"]) == (2, 1, 1)
    assert r["code"]["precision"] == pytest.approx(2 / 3)
    assert r["code"]["recall"] == pytest.approx(2 / 3)
    assert r["code"]["f1"] == pytest.approx(2 / 3)
    assert r["per_code"]["0992T"] == prf(0, 1, 0)
    assert r["per_code"]["0972T"] == prf(0, 0, 1)
    assert r["per_code"]["75577"] == prf(1, 0, 0)
    # billable: gold supported N1 75577, N4 0972T; predicted supported N1 75577, N3 0992T
    assert (r["billable"]["tp"], r["billable"]["fp"], r["billable"]["fn"]) == (1, 1, 1)
    # status on matched codes (N1 75577, N2 0993T): both agree
    assert r["status"] == {"accuracy": 1.0, "correct": 2, "total": 2}
    # missing on matched: gold {(N2,0993T,interpretation)}, predicted + (N2,0993T,process)
    assert (r["missing"]["tp"], r["missing"]["fp"], r["missing"]["fn"]) == (1, 1, 0)
    assert r["missing_per_element"]["process"] == prf(0, 1, 0)
    # coverage: only matched Cat III code is N2 0993T, gold False vs predicted True
    assert r["coverage"] == {"accuracy": 0.0, "correct": 0, "total": 1}
    # concepts: gold 5 pairs, predicted 4 pairs, shared N1 CCTA, N2 PVAT, N2 SSCT
    assert (r["concepts"]["tp"], r["concepts"]["fp"], r["concepts"]["fn"]) == (3, 1, 2)
    assert r["counts"]["notes_without_result"] == 1


def test_needs_review_alone_does_not_count():
    gold = [{"note_id": "A", "codes": [{"code": "75577", "status": "supported", "missing": []}], "concepts": []}]
    results = [{"note_id": "A", "codes": [{"code": "75577", "status": "needs_review", "missing": []}]}]
    assert note_level(gold, results)["code"] == prf(0, 0, 1)
    (err,) = note_errors(gold, results)
    assert (err["kind"], err["predicted_status"]) == ("FN", "needs_review")


def test_error_listing(case):
    errors = note_errors(case["gold"], case["results"])
    assert [(e["kind"], e["note_id"], e["code"]) for e in errors] == [("FP", "N3", "0992T"), ("FN", "N4", "0972T")]
    assert errors[0]["evidence"] == "fat analysis | score"
    assert errors[1]["evidence"] == "burn imaging with decision"


def test_error_lines_and_null_ids_are_tolerated(case):
    results = case["results"] + [{"note_id": None, "codes": [], "error": {"code": "bad_json", "message": "x"}}]
    r = note_level(case["gold"], results)
    assert r["code"]["tp"] == 2 and r["counts"]["result_errors"] == 1


def test_span_exact_vs_overlap(case):
    # N1 only has spans: gold CCTA 0-10 and PHYS 20-30; predicted CCTA 0-10 (exact) and PHYS 22-35 (overlap);
    # AI_PROCESS is not a gold label and is ignored.
    s = span_level(case["gold"], case["results"])
    assert s["notes"] == 1
    assert (s["exact"]["tp"], s["exact"]["fp"], s["exact"]["fn"]) == (1, 1, 1)
    assert (s["overlap"]["tp"], s["overlap"]["fp"], s["overlap"]["fn"]) == (2, 0, 0)
    assert s["exact_per_label"]["PHYSICIAN_INTERPRETATION"] == prf(0, 1, 1)
    labels, matrix = s["assertion"]["labels"], s["assertion"]["matrix"]
    aff, neg = labels.index("affirmed"), labels.index("negated")
    assert matrix[aff][aff] == 1 and matrix[aff][neg] == 1
    assert sum(map(sum, matrix)) == 2
    assert s["assertion"]["accuracy"] == 0.5


def test_overlap_matching_is_one_to_one_largest_first():
    gold = [{"start": 0, "end": 10, "label": "A"}, {"start": 8, "end": 20, "label": "A"}]
    pred = [{"start": 5, "end": 15, "label": "A"}]
    assert match_overlapping(gold, pred) == [(1, 0)]  # overlap 7 beats overlap 5
    pred2 = [{"start": 0, "end": 10, "label": "A"}, {"start": 5, "end": 12, "label": "A"}]
    assert sorted(match_overlapping(gold[:1], pred2)) == [(0, 0)]
    assert match_overlapping(gold, [{"start": 0, "end": 10, "label": "B"}]) == []
    assert match_overlapping(gold, [{"start": 10, "end": 12, "label": "A"}]) == [(1, 0)]  # touching 0-10 is no overlap


def test_span_level_none_without_gold_spans():
    assert span_level([{"note_id": "A", "codes": []}], []) is None


def test_chart_findings_by_hand(case):
    # gold C1: missed 75577, wrong_variant 0992T->0993T; C2 none. C9 is not scored.
    # predicted C1: missed 75577 (TP), wrong_variant 0993T->0992T (FP, and the gold one FN); C2 unsupported (FP)
    c = chart_level(case["chart_gold"], case["findings"])
    assert (c["findings"]["tp"], c["findings"]["fp"], c["findings"]["fn"]) == (1, 2, 1)
    assert c["per_type"]["wrong_variant"] == prf(0, 1, 1)
    assert c["per_type"]["missed_opportunity"] == prf(1, 0, 0)
    assert c["per_type"]["unsupported_claim"] == prf(0, 1, 0)
    assert c["charts"] == 2 and c["unscored_charts"] == 1
    # a claimed chart absent from chart_gold is scored as expecting nothing
    c2 = chart_level(case["chart_gold"], case["findings"], claims=case["claims"] + [{"chart_id": "C9", "lines": []}])
    assert c2["findings"]["fp"] == 3 and c2["unscored_charts"] == 0


def test_finding_key_ignores_reason_and_evidence():
    a = {"type": "missed_opportunity", "code": "75577", "date_of_service": "2026-01-05"}
    b = dict(a, reason="r", evidence=[1], suggested="x")
    assert finding_key("C", a) == finding_key("C", b)
    assert finding_key("C", a) != finding_key("C", dict(a, date_of_service="2026-01-06"))


def test_chart_errors(case):
    errs = chart_errors(case["chart_gold"], case["findings"])
    kinds = sorted((e["kind"], e["type"]) for e in errs)
    assert kinds == [("FN", "wrong_variant"), ("FP", "unsupported_claim"), ("FP", "wrong_variant")]
    fp_variant = next(e for e in errs if e["kind"] == "FP" and e["type"] == "wrong_variant")
    assert (fp_variant["billed"], fp_variant["expected"], fp_variant["reason"]) == ("0993T", "0992T", "variant")


def test_bootstrap_is_deterministic_and_brackets_estimate(case):
    tallies = tally_notes(case["gold"], case["results"])
    a = bootstrap(tallies, reps=300, seed=7)
    b = bootstrap(tallies, reps=300, seed=7)
    c = bootstrap(tallies, reps=300, seed=8)
    assert a == b
    assert a != c
    for key in ("code_f1", "code_precision", "code_recall", "billable_f1"):
        assert a[key]["low"] <= a[key]["estimate"] <= a[key]["high"]
    assert a["code_f1"]["estimate"] == pytest.approx(2 / 3)


def test_evaluate_document_keys(case):
    r = evaluate(case["gold"], case["results"], chart_gold=case["chart_gold"], findings=case["findings"], reps=50)
    assert r["code"]["tp"] == 2
    for key in ("per_code", "billable", "status", "missing", "coverage", "concepts", "spans", "chart",
                "bootstrap", "errors", "chart_errors", "counts"):
        assert key in r
    assert evaluate(case["gold"], [], reps=10)["code"] == prf(0, 0, 3)
