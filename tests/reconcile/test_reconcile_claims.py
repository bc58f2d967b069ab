"""Claim lines as billing systems write them: modifiers, lower case, and values that are not codes."""

from __future__ import annotations

import pytest
from reconcile_builders import claim, code, keys, result

from cptscan.claims import ClaimLineError, parse_code
from cptscan.reconcile import reconcile

D26 = "2026-02-03"


def test_a_modifier_is_not_part_of_the_code():
    """A billed 75577-26 is a billed 75577: no 'add 75577 to the claim' (a double bill)."""
    out = reconcile([result("N1", "C1", D26, [code("75577")])], [claim("C1", ("75574", D26), ("75577-26", D26))])
    assert keys(out) == set()
    assert "errors" not in out[0]


@pytest.mark.parametrize("billed, expected", [("75577-26", ("75577", ("26",))), ("75577 26 59", ("75577", ("26", "59"))),
                                              (" 0623t ", ("0623T", ())), (75577, ("75577", ())),
                                              ("g0123", ("G0123", ()))])
def test_codes_are_normalised(billed, expected):
    assert parse_code(billed) == expected


def test_a_lower_case_deleted_code_is_still_found():
    out = reconcile([], [claim("C1", ("0623t", D26))])
    assert keys(out) == {("C1", "deleted_code", "0623T", D26)}


@pytest.mark.parametrize("billed", ["7557", "75577X", "CCTA plaque", "", None, "75577-2", "0623TT"])
def test_values_that_are_not_codes_are_refused(billed):
    with pytest.raises(ClaimLineError, match="not a CPT or HCPCS code"):
        parse_code(billed)


def test_a_refused_line_is_an_error_record_naming_chart_and_line_and_the_rest_is_reconciled():
    claims = [{"chart_id": "C1", "lines": [{"code": "0623T", "date_of_service": D26},
                                           {"code": "75577X", "date_of_service": D26},
                                           {"code": "75577", "date_of_service": "03/02/2026"}]}]
    [chart] = reconcile([], claims)
    assert keys([chart]) == {("C1", "deleted_code", "0623T", D26)}
    messages = [e["message"] for e in chart["errors"]]
    assert [e["code"] for e in chart["errors"]] == ["invalid_claim_line"] * 2
    assert "chart C1 claim line 2" in messages[0] and "'75577X'" in messages[0]
    assert "chart C1 claim line 3" in messages[1] and "YYYY-MM-DD" in messages[1]
