"""Coverage findings on the ../shared/corpus-dev charts, with a fictional payer per chart and a fictional
policy table (tests/reconcile/dev_coverage/): every coverage_risk and prior_auth_missing row is the one
checked by hand against the notes (docs/worklist.md, "coverage on the dev charts")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dev_charts import DEFAULT_SHARED, _jsonl, chart_notes, scanned_results

from cptscan.coverage.table import load_policies
from cptscan.knowledge import load_knowledge
from cptscan.reconcile import reconcile

CORPUS = DEFAULT_SHARED / "corpus-dev"
HERE = Path(__file__).parent / "dev_coverage"

pytestmark = pytest.mark.skipif(not (CORPUS / "claims.jsonl").exists(), reason="shared dev corpus not present")

# (chart, type, code, date, payer, billed or proposed), each checked by hand (docs/worklist.md)
HAND_CHECKED = [
    ("DC-3", "coverage_risk", "75577", "2026-03-24", "DEV-PAYER-NORTH", "billed"),
    ("DC-4", "prior_auth_missing", "75577", "2026-02-17", "DEV-PAYER-EAST", "proposed"),
    ("DC-6", "coverage_risk", "0992T", "2026-05-19", "DEV-PAYER-WEST", "billed"),
    ("DC-6", "coverage_risk", "0993T", "2026-05-19", "DEV-PAYER-WEST", "proposed"),
    ("DC-7", "prior_auth_missing", "75577", "2026-06-09", "DEV-PAYER-EAST", "billed"),
]


def add_payers(claims: list[dict]) -> list[dict]:
    """The corpus's claims with this test's fictional payer on every line (../shared stays as it is)."""
    payers = json.loads((HERE / "payers.json").read_text(encoding="utf-8"))["payers"]
    return [{**c, "lines": [{**line, "payer_id": payers[c["chart_id"]]} for line in c["lines"]]} for c in claims]


def test_every_coverage_row_on_the_dev_charts_is_the_hand_checked_one():
    knowledge = load_knowledge()
    table = load_policies(HERE / "policies.csv", knowledge.catalog)
    results = scanned_results(chart_notes(CORPUS), None)
    charts = reconcile(results, add_payers(_jsonl(CORPUS / "claims.jsonl")), knowledge, table)
    got = [(c["chart_id"], f["type"], f["code"], f["date_of_service"], f["payer_id"], f["line"])
           for c in charts for f in c["findings"] if f["type"] in ("coverage_risk", "prior_auth_missing")]
    assert sorted(got) == HAND_CHECKED
    unknown = [f for c in charts for f in c["findings"] if f["type"] == "policy_unknown"]
    assert unknown == []  # every checked line has a row in the table
    # and the documentation findings are those reconcile gives without a table
    plain = reconcile(results, _jsonl(CORPUS / "claims.jsonl"), knowledge)
    assert [[f for f in c["findings"] if "payer_id" not in f] for c in charts] == [c["findings"] for c in plain]
