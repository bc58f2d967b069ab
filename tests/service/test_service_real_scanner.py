"""The service and the readers with the real scanner: the same result lines as the library gives."""

import base64
import json

import pytest
from fastapi.testclient import TestClient

import cptscan
from cptscan.io import read_records, write_results
from cptscan.service import create_app

CCTA = ("EXAM: CT coronary angiography.\nFINDINGS: AI-based quantitative plaque analysis was performed on the "
        "CCTA data.\nIMPRESSION: I personally reviewed and interpreted the plaque analysis.")


@pytest.fixture(scope="module")
def scanner():
    return cptscan.load()


def test_service_with_real_scanner(scanner):
    note = {"note_id": "N-1", "chart_id": "C-1", "date_of_service": "2026-03-14", "text": CCTA}
    with TestClient(create_app(scanner=scanner)) as c:
        health = c.get("/health").json()
        assert health["status"] == "ok" and health["versions"] == scanner.versions
        r = c.post("/v1/scan", json=note)
        assert r.status_code == 200
        assert r.json() == json.loads(json.dumps(scanner.scan_text(CCTA, note_id="N-1", chart_id="C-1",
                                                                   date_of_service="2026-03-14")))
        r = c.post("/v1/reconcile", json={"notes": [note], "claims": [{"chart_id": "C-1", "lines": []}]})
        assert r.status_code == 200 and r.json()["findings"][0]["chart_id"] == "C-1"


def test_fhir_to_results_keeps_every_input(tmp_path, scanner):
    docs = [{"resourceType": "DocumentReference", "id": "d1", "subject": {"reference": "Patient/1"},
             "date": "2026-03-14", "content": [{"attachment": {"contentType": "text/plain",
                                                                "data": base64.b64encode(CCTA.encode()).decode()}}]},
            {"resourceType": "DocumentReference", "id": "d2",
             "content": [{"attachment": {"contentType": "application/pdf", "data": "JVBERg=="}}]}]
    src = tmp_path / "docs.ndjson"
    src.write_text("\n".join(json.dumps(d) for d in docs) + "\n{broken\n")
    out = tmp_path / "results.jsonl"
    assert write_results(scanner.scan(read_records(src)), out) == 3
    results = list(read_records(out))
    assert results[0]["note_id"] == "d1" and results[0]["error"] is None
    assert results[1]["note_id"] == "d2" and results[1]["error"]["code"] == "unsupported_attachment"
    assert results[2]["error"]["code"] == "malformed_json"
