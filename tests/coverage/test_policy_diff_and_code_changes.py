"""What a coding manager reads: the policy changes per payer and code, and the code set's changes of a year."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cptscan.catalog.changes import code_changes
from cptscan.cli import app
from cptscan.coverage.diff import affected, changes
from cptscan.coverage.table import parse_policies
from cptscan.knowledge import load_knowledge

DEMO = Path(__file__).parents[2] / "corpora" / "demo"
CATALOG = load_knowledge().catalog


def _table(*rows):
    keys = ("payer_id", "code", "status", "effective_from", "effective_to", "source")
    return parse_policies([dict(zip(keys, r)) for r in rows], CATALOG)


def _brief(found):
    return [(c["payer_id"], c["code"], c["from"], c["to"], c["old"], c["new"]) for c in found]


def test_status_changes_new_prior_auth_and_end_dates_are_listed():
    old = _table(("P1", "0972T", "covered", "2025-07-01", "", "a"),
                 ("P2", "75577", "covered", "2026-01-01", "", "b"))
    new = _table(("P1", "0972T", "covered", "2025-07-01", "2026-03-31", "a"),
                 ("P1", "0972T", "not_covered", "2026-04-01", "2026-09-30", "a2"),
                 ("P2", "75577", "covered", "2026-01-01", "2026-05-31", "b"),
                 ("P3", "0992T", "investigational", "2026-01-01", "", "c"))
    assert _brief(changes(old, new)) == [
        ("P1", "0972T", "2026-04-01", "2026-09-30", "covered", "not_covered"),
        ("P1", "0972T", "2026-10-01", None, "covered", None),
        ("P2", "75577", "2026-06-01", None, "covered", None),
        ("P3", "0992T", "2026-01-01", None, None, "investigational"),
    ]


def test_splitting_a_row_without_changing_its_meaning_is_no_change():
    old = _table(("P1", "0972T", "prior_auth_required", "2025-07-01", "", "a"))
    new = _table(("P1", "0972T", "prior_auth_required", "2025-07-01", "2025-12-31", "a"),
                 ("P1", "0972T", "prior_auth_required", "2026-01-01", "", "a, reissued"))
    assert changes(old, new) == []


def test_a_change_names_the_open_rows_it_touches():
    change = {"payer_id": "P1", "code": "0972T", "from": "2026-04-01", "to": "2026-09-30"}
    rows = [{"id": "in", "code": "0972T", "date_of_service": "2026-05-02"},
            {"id": "other-payer", "code": "0972T", "date_of_service": "2026-05-02", "payer_id": "P9"},
            {"id": "too-late", "code": "0972T", "date_of_service": "2026-10-01"},
            {"id": "proposed", "code": "0992T", "expected": "0972T", "date_of_service": "2026-04-01"}]
    assert affected(change, rows) == ["in", "proposed"]


def test_code_changes_of_2026_come_from_the_catalog():
    got = {(c["code"], c["change"], c["replaced_by"]) for c in code_changes(CATALOG, 2026)}
    assert got == {("75577", "new", None), ("0992T", "new", None), ("0993T", "new", None),
                   *((c, "replaced", "75577") for c in ("0623T", "0624T", "0625T", "0626T"))}
    assert [c["code"] for c in code_changes(CATALOG, 2025)] == ["0972T"]
    assert code_changes(CATALOG, 2019) == []


def test_the_commands_print_changes_and_refuse_a_bad_table(tmp_path):
    runner = CliRunner()
    out = runner.invoke(app, ["policy", "diff", str(DEMO / "policies.csv"), str(DEMO / "policies-next.csv"), "--json"])
    assert out.exit_code == 0, out.output
    got = [json.loads(line) for line in out.output.splitlines()]
    assert [(c["payer_id"], c["code"], c["from"], c["new"]) for c in got] == [
        ("DEMO-PAYER-A", "0972T", "2026-07-01", "covered"), ("DEMO-PAYER-B", "0972T", "2027-01-01", None),
        ("DEMO-PAYER-B", "75577", "2026-09-01", "prior_auth_required")]
    assert got[2]["new_row"]["source"].startswith("Fictional demo payer B")
    bad = tmp_path / "bad.csv"
    bad.write_text("payer_id,code,status,effective_from,effective_to,source\nP,0972T,sometimes,2026-01-01,,s\n")
    refused = runner.invoke(app, ["policy", "diff", str(DEMO / "policies.csv"), str(bad)])
    assert refused.exit_code == 2 and "row 1: unknown status" in refused.output
    codes = runner.invoke(app, ["codes", "--changes", "2026", "--json"])
    assert codes.exit_code == 0 and {json.loads(line)["code"] for line in codes.output.splitlines()} >= {"75577", "0623T"}
