"""Coverage findings from a site's policy table: coverage_risk, prior_auth_missing, policy_unknown.

Without a table the output is exactly what it was; with one, each claim line (billed, or proposed by a
finding) is checked against the payer's row for its code and date and the verification its notes document.
"""

from __future__ import annotations

import json

import pytest
from reconcile_builders import code, mention, result

from cptscan.coverage.table import parse_policies
from cptscan.knowledge import load_knowledge
from cptscan.reconcile import reconcile

D = "2026-03-10"
KNOWLEDGE = load_knowledge()


def _table(*rows):
    return parse_policies([dict(zip(("payer_id", "code", "status", "effective_from", "effective_to", "source"), r))
                           for r in rows], KNOWLEDGE.catalog, "site.csv")


def _claim(chart, *lines):
    """Lines (code, date, payer or None)."""
    return {"chart_id": chart, "lines": [{"code": c, "date_of_service": d, **({"payer_id": p} if p else {})}
                                         for c, d, p in lines]}


def _coverage(out):
    return [(f["type"], f["code"], f["payer_id"], f["line"]) for chart in out for f in chart["findings"]
            if f["type"] in ("coverage_risk", "prior_auth_missing", "policy_unknown")]


BURN = [result("N1", "C1", D, [code("0972T", label="BURN_MULTISPECTRAL_IMAGING")])]
TABLE = _table(("P1", "0972T", "investigational", "2025-07-01", "", "P1 policy 7"),
               ("P2", "0972T", "prior_auth_required", "2025-07-01", "", "P2 PA list"),
               ("P3", "0972T", "covered", "2025-07-01", "", "P3 bulletin"))


def test_without_a_table_the_output_is_unchanged_even_with_payers():
    plain = reconcile(BURN, [_claim("C1", ("0972T", D, None))])
    with_payer = reconcile(BURN, [_claim("C1", ("0972T", D, "P1"))])
    assert json.dumps(plain) == json.dumps(with_payer) == json.dumps(reconcile(BURN, [_claim("C1", ("0972T", D, "P1"))],
                                                                               KNOWLEDGE, None))


def test_not_covered_without_verification_is_a_coverage_risk_with_its_row():
    out = reconcile(BURN, [_claim("C1", ("0972T", D, "P1"))], KNOWLEDGE, TABLE)
    (finding,) = out[0]["findings"]
    assert (finding["type"], finding["payer_id"], finding["line"]) == ("coverage_risk", "P1", "billed")
    assert finding["policy"]["row"] == 1 and finding["policy"]["source"] == "P1 policy 7"
    assert "investigational" in finding["reason"] and "P1 policy 7" in finding["reason"]
    assert finding["evidence"][0]["note_id"] == "N1"


@pytest.mark.parametrize("text", ["Benefits verified", "Signed ABN on file", "prior authorization approved"])
def test_any_documented_verification_clears_a_coverage_risk(text):
    notes = [{**BURN[0], "mentions": [{**mention("COVERAGE_VERIFIED"), "text": text}]}]
    assert _coverage(reconcile(notes, [_claim("C1", ("0972T", D, "P1"))], KNOWLEDGE, TABLE)) == []


def test_coverage_documented_on_a_gold_shaped_line_counts():
    notes = [result("N1", "C1", D, [{**code("0972T"), "coverage_documented": True}])]
    assert _coverage(reconcile(notes, [_claim("C1", ("0972T", D, "P1"))], KNOWLEDGE, TABLE)) == []


def test_prior_authorization_is_documented_only_by_an_authorization():
    """An ABN or a benefits check is no prior authorization; a pending one (not affirmed) is none either."""
    claims = [_claim("C1", ("0972T", D, "P2"))]
    abn = [{**BURN[0], "mentions": [{**mention("COVERAGE_VERIFIED"), "text": "Signed ABN on file"}]}]
    assert _coverage(reconcile(abn, claims, KNOWLEDGE, TABLE)) == [("prior_auth_missing", "0972T", "P2", "billed")]
    pending = [{**BURN[0], "mentions": [{**mention("COVERAGE_VERIFIED", "hypothetical"), "text": "auth pending"}]}]
    assert _coverage(reconcile(pending, claims, KNOWLEDGE, TABLE)) == [("prior_auth_missing", "0972T", "P2", "billed")]
    done = [{**BURN[0], "mentions": [{**mention("COVERAGE_VERIFIED"), "text": "Prior auth approved"}]}]
    assert _coverage(reconcile(done, claims, KNOWLEDGE, TABLE)) == []


def test_covered_gives_nothing_and_no_row_or_no_payer_is_policy_unknown():
    assert _coverage(reconcile(BURN, [_claim("C1", ("0972T", D, "P3"))], KNOWLEDGE, TABLE)) == []
    out = reconcile(BURN, [_claim("C1", ("0972T", D, "P9"))], KNOWLEDGE, TABLE)
    assert _coverage(out) == [("policy_unknown", "0972T", "P9", "billed")]
    assert out[0]["findings"][0]["policy"] is None
    assert _coverage(reconcile(BURN, [_claim("C1", ("0972T", D, None))], KNOWLEDGE, TABLE)) == [
        ("policy_unknown", "0972T", None, "billed")]


def test_a_missed_code_is_checked_under_the_payer_of_the_dates_lines():
    """The 0972T is documented, not billed: the claim will carry it, under the payer of the visit's line."""
    out = reconcile(BURN, [_claim("C1", ("99213", D, "P1"))], KNOWLEDGE, TABLE)
    types = [(f["type"], f.get("payer_id")) for f in out[0]["findings"]]
    assert types == [("missed_opportunity", None), ("coverage_risk", "P1")]
    assert out[0]["findings"][1]["line"] == "proposed"


def test_the_row_in_force_on_the_date_decides():
    table = _table(("P1", "75577", "covered", "2026-01-01", "2026-03-31", "v1"),
                   ("P1", "75577", "not_covered", "2026-04-01", "", "v2"))
    plaque = lambda date: [result("N1", "C1", date, [code("75577")])]  # noqa: E731
    assert _coverage(reconcile(plaque("2026-03-31"), [_claim("C1", ("75577", "2026-03-31", "P1"))], KNOWLEDGE, table)) == []
    out = reconcile(plaque("2026-04-01"), [_claim("C1", ("75577", "2026-04-01", "P1"))], KNOWLEDGE, table)
    assert _coverage(out) == [("coverage_risk", "75577", "P1", "billed")]
    assert out[0]["findings"][0]["policy"]["source"] == "v2"


def test_a_deleted_line_is_not_checked_but_its_replacement_is():
    out = reconcile([result("N1", "C1", D, [code("75577")])], [_claim("C1", ("0623T", D, "P9"))], KNOWLEDGE, TABLE)
    assert _coverage(out) == [("policy_unknown", "75577", "P9", "proposed")]


def test_an_authorization_in_an_earlier_note_of_the_chart_counts_a_later_one_does_not():
    """The authorization is obtained at the visit that orders the service, before it; one recorded after
    the date of service cannot have been obtained for it in time."""
    claims = [_claim("C1", ("0972T", D, "P2"))]
    auth = lambda date: result("N0", "C1", date, mentions=[{**mention("COVERAGE_VERIFIED"), "text": "PA approved"}])  # noqa: E731
    assert _coverage(reconcile([auth("2026-03-02"), *BURN], claims, KNOWLEDGE, TABLE)) == []
    assert _coverage(reconcile([auth("2026-03-20"), *BURN], claims, KNOWLEDGE, TABLE)) == [
        ("prior_auth_missing", "0972T", "P2", "billed")]
