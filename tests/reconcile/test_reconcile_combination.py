"""The combination rule: notes of one chart and date of service are one documentation; dates never mix."""

from __future__ import annotations

from reconcile_builders import claim, code, keys, mention, result

from cptscan.reconcile import reconcile

D = "2026-03-10"


def _report(date=D, missing=("interpretation",)):
    return result("R", "C1", date, [code("75577", missing)])


def _clinic(date=D, missing=("input", "process")):
    return result("K", "C1", date, [code("75577", missing, start=40)], note_type="progress_note")


def test_radiology_report_and_clinic_note_of_one_date_complete_75577():
    out = reconcile([_report(), _clinic()], [claim("C1", ("75574", D))])
    assert keys(out) == {("C1", "missed_opportunity", "75577", D)}
    assert {e["note_id"] for e in out[0]["findings"][0]["evidence"]} == {"R", "K"}
    assert keys(reconcile([_report(), _clinic()], [claim("C1", ("75577", D))])) == set()


def test_different_dates_never_combine():
    out = reconcile([_report(), _clinic("2026-03-20")], [claim("C1", ("75577", D))])
    assert keys(out) == {("C1", "unsupported_claim", "75577", D)}
    assert out[0]["findings"][0]["missing"] == ["interpretation"]


def test_addendum_completes_its_report():
    addendum = result("A", "C1", D, [code("75577", ["input"])], note_type="addendum")
    assert keys(reconcile([_report(), addendum], [claim("C1", ("75577", D))])) == set()


def test_withdrawal_removes_the_service_of_its_date():
    report = result("R", "C1", D, [code("75577")])
    addendum = result("A", "C1", D, mentions=[mention("RESULT_WITHDRAWN"), mention("CCTA_PLAQUE_ANALYSIS", "negated")],
                      note_type="addendum")
    billed = reconcile([report, addendum], [claim("C1", ("75577", D))])
    assert keys(billed) == {("C1", "unsupported_claim", "75577", D)}
    assert "withdrawn" in billed[0]["findings"][0]["reason"]
    assert keys(reconcile([report, addendum], [claim("C1")])) == set()


def test_withdrawal_keeps_services_it_does_not_name():
    burn = result("B", "C1", D, [code("0972T", label="BURN_MULTISPECTRAL_IMAGING")])
    report = result("R", "C1", D, [code("75577")])
    addendum = result("A", "C1", D, mentions=[mention("RESULT_WITHDRAWN"), mention("CCTA_PLAQUE_ANALYSIS")])
    out = reconcile([burn, report, addendum], [claim("C1")])
    assert keys(out) == {("C1", "missed_opportunity", "0972T", D)}


def test_withdrawal_naming_nothing_takes_back_the_whole_date():
    report = result("R", "C1", D, [code("75577")])
    addendum = result("A", "C1", D, mentions=[mention("RESULT_WITHDRAWN")])
    assert keys(reconcile([report, addendum], [claim("C1")])) == set()


def test_a_negated_withdrawal_withdraws_nothing():
    report = result("R", "C1", D, [code("75577")])
    addendum = result("A", "C1", D, mentions=[mention("RESULT_WITHDRAWN", "negated")])
    assert keys(reconcile([report, addendum], [claim("C1")])) == {("C1", "missed_opportunity", "75577", D)}


def test_withdrawal_on_another_date_does_not_reach():
    report = result("R", "C1", D, [code("75577")])
    addendum = result("A", "C1", "2026-03-11", mentions=[mention("RESULT_WITHDRAWN")])
    assert keys(reconcile([report, addendum], [claim("C1")])) == {("C1", "missed_opportunity", "75577", D)}


def test_elements_from_missing_list_when_elements_absent():
    """Gold-shaped lines (no ``elements``) combine the same way."""
    a = {**_report(), "codes": [{"code": "75577", "status": "documentation_gap", "missing": ["interpretation"]}]}
    b = {**_clinic(), "codes": [{"code": "75577", "status": "documentation_gap", "missing": ["input", "process"]}]}
    assert keys(reconcile([a, b], [claim("C1")])) == {("C1", "missed_opportunity", "75577", D)}
