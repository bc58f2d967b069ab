"""Claim lines the service cannot read are the client's error (422 with the reason), never a 500."""

import pytest
from fastapi.testclient import TestClient

from cptscan.service import create_app

NOTE = {"note_id": "N-1", "chart_id": "C-1", "date_of_service": "2026-03-14", "text": "plaque analysis"}


@pytest.fixture
def client(fake_scanner):
    with TestClient(create_app(scanner=fake_scanner)) as c:
        yield c


@pytest.mark.parametrize("line, reason", [({"code": "75577", "date_of_service": "03/14/2026"}, "YYYY-MM-DD"),
                                          ({"code": "75577"}, "date_of_service"),
                                          ({"code": "CCTA", "date_of_service": "2026-03-14"}, "not a CPT")])
def test_an_unreadable_claim_line_is_a_422_with_the_reason(client, line, reason):
    r = client.post("/v1/reconcile", json={"notes": [NOTE], "claims": [{"chart_id": "C-1", "lines": [line]}]})
    assert r.status_code == 422
    assert reason in r.text
    assert "plaque analysis" not in r.text


def test_a_modifier_and_lower_case_are_read_as_the_code(client):
    lines = [{"code": "75577-26", "date_of_service": "2026-03-14"}]
    r = client.post("/v1/reconcile", json={"notes": [NOTE], "claims": [{"chart_id": "C-1", "lines": lines}]})
    assert r.status_code == 200
    assert r.json()["findings"][0]["findings"] == []
