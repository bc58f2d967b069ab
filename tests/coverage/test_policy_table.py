"""The site's payer policy table: what loads, and every bad file refused whole with the row named."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cptscan.coverage.table import PolicyError, load_policies
from cptscan.knowledge import load_knowledge

HEADER = "payer_id,code,status,effective_from,effective_to,source\n"
GOOD = ("P1,0972T,investigational,2025-07-01,2026-06-30,policy 12\n"
        "P1,0972T,covered,2026-07-01,,policy 12 rev 2\n"
        "P2,75577,prior_auth_required,2026-01-01,,bulletin 4\n")
CATALOG = load_knowledge().catalog


def _csv(tmp_path, body, header=HEADER):
    path = tmp_path / "policies.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_a_good_csv_table_is_looked_up_by_payer_code_and_date(tmp_path):
    table = load_policies(_csv(tmp_path, GOOD), CATALOG)
    assert table.lookup("P1", "0972T", dt.date(2026, 3, 1)).status == "investigational"
    assert table.lookup("P1", "0972T", dt.date(2026, 7, 1)).status == "covered"
    assert table.lookup("P1", "0972T", dt.date(2025, 6, 30)) is None
    assert table.lookup("P2", "0972T", dt.date(2026, 3, 1)) is None
    row = table.lookup("P2", "75577", dt.date(2027, 1, 1))
    assert row.as_dict() == {"row": 3, "payer_id": "P2", "code": "75577", "status": "prior_auth_required",
                             "effective_from": "2026-01-01", "effective_to": None, "source": "bulletin 4"}


def test_json_gives_the_same_table_as_csv(tmp_path):
    rows = [{"payer_id": "P1", "code": "0972T", "status": "covered", "effective_from": "2025-07-01",
             "effective_to": None, "source": "s"}]
    for shape in (rows, {"policies": rows}):
        path = tmp_path / "p.json"
        path.write_text(json.dumps(shape), encoding="utf-8")
        assert load_policies(path, CATALOG).lookup("P1", "0972T", dt.date(2026, 1, 1)).source == "s"


@pytest.mark.parametrize("bad, message", [
    ("P1,9999T,covered,2026-01-01,,s\n", "row 4: unknown code '9999T'"),
    ("P1,0972T,maybe,2027-01-01,,s\n", "row 4: unknown status 'maybe'"),
    ("P1,0972T,covered,2026-03-01,2026-09-30,s\n", "row 4: its dates overlap row 1"),
    ("P1,0972T,covered,2026-13-01,,s\n", "row 4: effective_from '2026-13-01' is not a date"),
    ("P1,0972T,covered,2027-02-01,2027-01-01,s\n", "row 4: effective_to 2027-01-01 is before"),
    (",0972T,covered,2027-01-01,,s\n", "row 4: missing payer_id"),
    ("P3,0972T,covered,2027-01-01,,\n", "row 4: missing source"),
])
def test_a_bad_row_refuses_the_whole_file_naming_the_row(tmp_path, bad, message):
    with pytest.raises(PolicyError, match=message.replace("(", r"\(")):
        load_policies(_csv(tmp_path, GOOD + bad), CATALOG)


def test_a_missing_column_is_refused(tmp_path):
    with pytest.raises(PolicyError, match="lacks the columns status"):
        load_policies(_csv(tmp_path, "P1,0972T,2026-01-01,,s\n",
                           header="payer_id,code,effective_from,effective_to,source\n"), CATALOG)


def test_the_code_must_be_in_the_catalog_in_use(tmp_path):
    """A pack's code is unknown until the pack is enabled."""
    path = _csv(tmp_path, "P1,92229,covered,2026-01-01,,s\n")
    with pytest.raises(PolicyError, match="unknown code '92229'"):
        load_policies(path, CATALOG)
    assert load_policies(path, load_knowledge(packs=["retinal"]).catalog).rows[0].code == "92229"


def test_the_demo_table_loads():
    from pathlib import Path

    table = load_policies(Path(__file__).parents[2] / "corpora" / "demo" / "policies.csv", CATALOG)
    assert {r.payer_id for r in table.rows} == {"DEMO-PAYER-A", "DEMO-PAYER-B"}
