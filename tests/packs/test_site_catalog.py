"""A site catalog given to ``cptscan.load()`` (or ``--catalog``) reaches every stage: the scan, the
service's ``/v1/reconcile`` and ``cptscan worklist``."""

import json

import pytest
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cptscan import packs
from cptscan.service import create_app
from cptscan.worklist.commands import register

DOS = "2026-03-14"
NOTE = {"note_id": "N-1", "chart_id": "C-1", "date_of_service": DOS, "note_type": "radiology_report",
        "text": "EXAM: CT coronary angiography.\nFINDINGS: AI-based quantitative plaque analysis was performed on "
                "the CCTA data.\nIMPRESSION: I personally reviewed and interpreted the plaque analysis."}
CLAIM = {"chart_id": "C-1", "lines": [{"code": "75577", "date_of_service": DOS}]}


@pytest.fixture(scope="module")
def site_catalog(tmp_path_factory):
    """The packaged codes, except that the site's 75577 takes effect a year later."""
    data = json.loads(packs.read_pack("cpt2026").raw["codes.json"])
    data["catalog_version"] = "site-2026.9"
    data["codes"]["75577"]["effective_from"] = "2027-01-01"
    path = tmp_path_factory.mktemp("site") / "codes.json"
    path.write_text(json.dumps(data))
    return path


def _types(charts):
    return sorted((f["type"], f.get("code")) for chart in charts for f in chart["findings"])


def test_the_service_reconciles_with_the_site_catalog(site_catalog):
    with TestClient(create_app(catalog_path=str(site_catalog))) as client:
        assert client.get("/health").json()["versions"]["catalog"].startswith("site-2026.9")
        body = client.post("/v1/reconcile", json={"notes": [NOTE], "claims": [CLAIM]}).json()
    assert _types(body["findings"]) == [("not_yet_effective", "75577")]


def test_the_worklist_reads_the_site_catalog(site_catalog, tmp_path):
    notes, claims = tmp_path / "notes.jsonl", tmp_path / "claims.jsonl"
    notes.write_text(json.dumps(NOTE) + "\n")
    claims.write_text(json.dumps(CLAIM) + "\n")
    app = typer.Typer()
    register(app)
    default = CliRunner().invoke(app, ["worklist", str(notes), str(claims), "--format", "jsonl"])
    site = CliRunner().invoke(app, ["worklist", str(notes), str(claims), "--format", "jsonl",
                                    "--catalog", str(site_catalog)])
    assert default.exit_code == 0 and site.exit_code == 0, site.output
    rows = [json.loads(line) for line in site.stdout.splitlines() if line.startswith("{")]
    assert [(r["type"], r["code"]) for r in rows] == [("not_yet_effective", "75577")]
    assert not [line for line in default.stdout.splitlines() if line.startswith("{")]
