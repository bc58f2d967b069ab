"""Every finding type and every convention of coding-rules.md "Chart-level findings", on hand-made lines."""

from __future__ import annotations

import json

from reconcile_builders import claim, code, keys, mention, result

from cptscan.knowledge import load_knowledge
from cptscan.reconcile import reconcile

D26 = "2026-02-03"
D25 = "2025-11-04"


def test_missed_opportunity_when_supported_and_not_billed():
    out = reconcile([result("N1", "C1", D26, [code("75577")])], [claim("C1", ("75574", D26))])
    assert keys(out) == {("C1", "missed_opportunity", "75577", D26)}


def test_documentation_gap_is_not_a_missed_opportunity():
    out = reconcile([result("N1", "C1", D26, [code("75577", ["interpretation"])])], [claim("C1")])
    assert keys(out) == set()


def test_unsupported_claim_without_documentation():
    out = reconcile([result("N1", "C1", D26)], [claim("C1", ("0972T", D26))])
    assert keys(out) == {("C1", "unsupported_claim", "0972T", D26)}
    finding = out[0]["findings"][0]
    assert finding["evidence"] == [{"note_id": "N1", "spans": []}]


def test_unsupported_claim_with_a_gap_names_the_missing_elements():
    out = reconcile([result("N1", "C1", D26, [code("75577", ["interpretation"])])], [claim("C1", ("75577", D26))])
    [finding] = out[0]["findings"]
    assert (finding["type"], finding["missing"]) == ("unsupported_claim", ["interpretation"])
    assert "interpretation" in finding["reason"]


def test_billed_and_supported_gives_no_finding():
    out = reconcile([result("N1", "C1", D26, [code("75577")])], [claim("C1", ("75574", D26), ("75577", D26))])
    assert out == [{"chart_id": "C1", "findings": [], "advisories": []}]


def test_deleted_code_comes_with_missed_75577_when_supported():
    out = reconcile([result("N1", "C1", D26, [code("75577")])],
                    [claim("C1", ("0625T", D26), ("0626T", D26))])
    assert keys(out) == {("C1", "deleted_code", "0625T", D26), ("C1", "deleted_code", "0626T", D26),
                         ("C1", "missed_opportunity", "75577", D26)}
    assert all(f["suggested"] == "75577" for f in out[0]["findings"] if f["type"] == "deleted_code")


def test_deleted_code_alone_when_75577_is_billed_or_not_documented():
    billed = reconcile([result("N1", "C1", D26, [code("75577")])], [claim("C1", ("0623T", D26), ("75577", D26))])
    assert keys(billed) == {("C1", "deleted_code", "0623T", D26)}
    undocumented = reconcile([], [claim("C1", ("0623T", D26))])
    assert keys(undocumented) == {("C1", "deleted_code", "0623T", D26)}


def test_2025_predecessor_code_covers_the_documentation():
    out = reconcile([result("N1", "C1", D25, [code("75577")])], [claim("C1", ("0623T", D25), ("0624T", D25))])
    assert keys(out) == set()


def test_2025_predecessor_code_without_documentation_is_unsupported():
    out = reconcile([result("N1", "C1", D25)], [claim("C1", ("0623T", D25))])
    assert keys(out) == {("C1", "unsupported_claim", "0623T", D25)}


def test_not_yet_effective_stands_alone_for_its_line():
    documented = reconcile([result("N1", "C1", "2025-12-09", [code("75577")])], [claim("C1", ("75577", "2025-12-09"))])
    assert keys(documented) == {("C1", "not_yet_effective", "75577", "2025-12-09")}
    undocumented = reconcile([], [claim("C1", ("75577", "2025-12-09"), ("0972T", "2025-06-30"))])
    assert keys(undocumented) == {("C1", "not_yet_effective", "75577", "2025-12-09"),
                                  ("C1", "not_yet_effective", "0972T", "2025-06-30")}


def test_not_yet_effective_variant_leaves_no_missed_or_wrong_variant():
    rows = [result("N1", "C1", "2025-11-04", [code("0992T", label="PERIVASCULAR_FAT_ANALYSIS")],
                   concepts=["SAME_SESSION_CT"])]
    out = reconcile(rows, [claim("C1", ("0992T", "2025-11-04"))])
    assert keys(out) == {("C1", "not_yet_effective", "0992T", "2025-11-04")}


def test_wrong_variant_same_session_ct_in_another_note_of_the_date():
    rows = [result("R", "C1", D26, concepts=["SAME_SESSION_CT"], mentions=[mention("SAME_SESSION_CT", start=7)]),
            result("P", "C1", D26, [code("0992T", label="PERIVASCULAR_FAT_ANALYSIS")], note_type="consult_note")]
    out = reconcile(rows, [claim("C1", ("75574", D26), ("0992T", D26))])
    assert keys(out) == {("C1", "wrong_variant", "0992T>0993T", D26)}
    [finding] = out[0]["findings"]
    assert {e["note_id"] for e in finding["evidence"]} == {"R", "P"}
    assert any(s["label"] == "SAME_SESSION_CT" for e in finding["evidence"] for s in e["spans"])


def test_wrong_variant_reverse_when_no_ct_that_day():
    rows = [result("P", "C1", D26, [code("0992T", label="PERIVASCULAR_FAT_ANALYSIS")])]
    out = reconcile(rows, [claim("C1", ("0993T", D26))])
    assert keys(out) == {("C1", "wrong_variant", "0993T>0992T", D26)}


def test_wrong_variant_replaces_missed_and_unsupported_even_with_a_gap():
    rows = [result("P", "C1", D26, [code("0993T", ["interpretation"])], concepts=["SAME_SESSION_CT"])]
    out = reconcile(rows, [claim("C1", ("0992T", D26), ("75574", D26))])
    assert keys(out) == {("C1", "wrong_variant", "0992T>0993T", D26)}


def test_right_variant_billed_and_missed_variant():
    rows = [result("P", "C1", D26, [code("0993T")], concepts=["SAME_SESSION_CT"])]
    assert keys(reconcile(rows, [claim("C1", ("0993T", D26), ("75574", D26))])) == set()
    assert keys(reconcile(rows, [claim("C1", ("75574", D26))])) == {("C1", "missed_opportunity", "0993T", D26)}


def test_variant_needs_the_same_date():
    """A heart CT on another day does not make the analysis 0993T; billing on the wrong date splits."""
    rows = [result("R", "C1", "2026-02-01", concepts=["SAME_SESSION_CT"]),
            result("P", "C1", D26, [code("0992T")])]
    out = reconcile(rows, [claim("C1", ("0993T", "2026-02-01"))])
    assert keys(out) == {("C1", "unsupported_claim", "0993T", "2026-02-01"),
                         ("C1", "missed_opportunity", "0992T", D26)}


def test_codes_the_catalog_does_not_know_pass_silently():
    out = reconcile([result("N1", "C1", D26, [code("75577")])],
                    [claim("C1", ("75577", D26), ("99214", D26), ("ZZZZZ", D26))])
    assert keys(out) == set()


def test_needs_review_codes_are_not_candidates():
    out = reconcile([result("N1", "C1", D26, [code("75577", status="needs_review")])], [claim("C1")])
    assert keys(out) == set()


def test_charts_from_claims_and_from_results_and_standalone_notes_ignored():
    rows = [result("N1", "C1", D26, [code("75577")]), result("N2", None, D26, [code("75577")])]
    out = reconcile(rows, [claim("C2", ("75577", D26))])
    assert [c["chart_id"] for c in out] == ["C1", "C2"]
    assert keys(out) == {("C1", "missed_opportunity", "75577", D26), ("C2", "unsupported_claim", "75577", D26)}


def test_advisory_for_addon_without_primary_is_apart_from_findings():
    rows = [result("P", "C1", D26, [code("0993T")], concepts=["SAME_SESSION_CT"])]
    out = reconcile(rows, [claim("C1", ("0993T", D26))])
    assert keys(out) == set()
    [advisory] = out[0]["advisories"]
    assert (advisory["code"], advisory["date_of_service"]) == ("0993T", D26)
    assert "75574" in advisory["primary_codes"]
    assert reconcile(rows, [claim("C1", ("0993T", D26), ("75571", D26))])[0]["advisories"] == []


def test_every_finding_has_evidence_and_a_one_line_reason():
    rows = [result("N1", "C1", D26, [code("75577")]), result("N2", "C1", D25, [code("75577", ["process"])])]
    out = reconcile(rows, [claim("C1", ("0623T", D26), ("75577", D25), ("0972T", D26))])
    findings = out[0]["findings"]
    assert {f["type"] for f in findings} == {"deleted_code", "missed_opportunity", "not_yet_effective",
                                             "unsupported_claim"}
    for f in findings:
        assert f["reason"] and "\n" not in f["reason"]
        assert isinstance(f["evidence"], list)
        json.dumps(f)


def test_dates_come_from_the_catalog(tmp_path):
    """Moving 75577's effective date in the catalog moves the finding; no date is written in the code."""
    from cptscan import packs

    data = json.loads(packs.read_pack("cpt2026").raw["codes.json"])
    data["codes"]["75577"]["effective_from"] = "2027-01-01"
    path = tmp_path / "codes.json"
    path.write_text(json.dumps(data))
    out = reconcile([result("N1", "C1", D26, [code("75577")])], [claim("C1", ("75577", D26))],
                    knowledge=load_knowledge(str(path)))
    assert keys(out) == {("C1", "not_yet_effective", "75577", D26)}
