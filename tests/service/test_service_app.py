"""The FastAPI app in-process: scan, batch, reconcile, health, auth and the body limit."""

import logging

import pytest
from fastapi.testclient import TestClient

from cptscan.service import create_app, is_loopback, resolve_token

TOKEN = "a-test-token-of-forty-characters-000000"
NOTE = {"note_id": "N-1", "chart_id": "C-1", "date_of_service": "2026-03-14", "note_type": "radiology_report",
        "text": "CCTA with AI quantitative plaque analysis; interpreted by me."}


@pytest.fixture
def client(fake_scanner):
    with TestClient(create_app(scanner=fake_scanner)) as c:
        yield c


def test_scan_one_note(client):
    r = client.post("/v1/scan", json=NOTE)
    assert r.status_code == 200
    body = r.json()
    assert body["note_id"] == "N-1" and [c["code"] for c in body["codes"]] == ["75577"]


def test_scan_batch_keeps_order(client):
    notes = [dict(NOTE, note_id=f"N-{i}", text="plaque" if i % 2 else "no imaging") for i in range(5)]
    r = client.post("/v1/scan", json={"notes": notes})
    assert r.status_code == 200
    results = r.json()["results"]
    assert [x["note_id"] for x in results] == [f"N-{i}" for i in range(5)]
    assert [bool(x["codes"]) for x in results] == [False, True, False, True, False]


def test_scan_rejects_a_note_without_text(client):
    r = client.post("/v1/scan", json={"note_id": "N-1"})
    assert r.status_code == 422


def test_reconcile(client):
    claims = [{"chart_id": "C-1", "lines": []}]
    r = client.post("/v1/reconcile", json={"notes": [NOTE], "claims": claims})
    assert r.status_code == 200
    body = r.json()
    assert body["results"][0]["note_id"] == "N-1"
    (chart,) = body["findings"]
    assert chart["chart_id"] == "C-1"
    assert [(f["type"], f["code"]) for f in chart["findings"]] == [("missed_opportunity", "75577")]


def test_health_and_docs(client):
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "versions": {"cptscan": "test", "catalog": "fake", "rules": "fake",
                                                      "models": {}}}
    assert "/v1/scan" in client.get("/openapi.json").json()["paths"]


def test_docs_work_offline(client):
    """/docs is our own page: nothing loaded from a CDN (Swagger UI's is blank offline); /redoc is gone."""
    page = client.get("/docs")
    assert page.status_code == 200 and "POST /v1/scan" in page.text and "/openapi.json" in page.text
    assert "<script" not in page.text and "http" not in page.text
    assert client.get("/redoc").status_code == 404


@pytest.mark.parametrize("path, body", [
    ("/v1/scan", {"text": "PATIENTNAME has chest pain"}),                                  # no note_id
    ("/v1/scan", {"notes": [{"note_id": "N-1", "text": "PATIENTNAME has chest pain", "chart_id": {"x": 1}}]}),
    ("/v1/reconcile", {"notes": [{"note_id": "N-1", "text": "PATIENTNAME has chest pain"}],
                       "claims": [{"chart_id": "C-1", "lines": [{"code": "7557X", "date_of_service": "x"}]}]}),
])
def test_422_never_echoes_the_submitted_text(client, path, body):
    r = client.post(path, json=body)
    assert r.status_code == 422
    assert "PATIENTNAME" not in r.text and "chest pain" not in r.text
    assert all({"loc", "msg", "type"} >= set(error) for error in r.json()["detail"])


def test_a_short_token_is_refused_at_start_up(fake_scanner):
    with pytest.raises(ValueError, match="at least 32"):
        create_app(scanner=fake_scanner, token="s3cret")


def test_token_required_when_set(fake_scanner):
    with TestClient(create_app(scanner=fake_scanner, token=TOKEN)) as c:
        assert c.post("/v1/scan", json=NOTE).status_code == 401
        assert c.post("/v1/scan", json=NOTE, headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.post("/v1/reconcile", json={"notes": []}).status_code == 401
        ok = c.post("/v1/scan", json=NOTE, headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200
        for scheme in ("bearer", "BEARER", "BeArEr"):  # the scheme is case-insensitive, the token is not
            assert c.post("/v1/scan", json=NOTE, headers={"Authorization": f"{scheme} {TOKEN}"}).status_code == 200
        assert c.post("/v1/scan", json=NOTE, headers={"Authorization": f"Bearer {TOKEN.upper()}"}).status_code == 401
        assert c.post("/v1/scan", json=NOTE, headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401
        assert c.get("/health").status_code == 200  # probes need no secret


def test_body_limit_by_content_length_and_by_stream(fake_scanner):
    with TestClient(create_app(scanner=fake_scanner, max_body_bytes=1000)) as c:
        big = dict(NOTE, text="x" * 2000)
        r = c.post("/v1/scan", json=big)
        assert r.status_code == 413 and "limit of 1000 bytes" in r.json()["detail"]

        def chunks():  # no Content-Length: the body is counted as it streams
            for _ in range(10):
                yield b" " * 200
        r = c.post("/v1/scan", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413
        assert c.post("/v1/scan", json=NOTE).status_code == 200


def test_logs_carry_no_note_text(client, caplog):
    secret = "SECRETNAME plaque"
    with caplog.at_level(logging.DEBUG):
        client.post("/v1/scan", json=dict(NOTE, text=secret))
        client.post("/v1/scan", json={"notes": [dict(NOTE, text=secret)]})
    assert "scan: 1 notes" in caplog.text
    assert "SECRETNAME" not in caplog.text


def test_scanner_failure_is_a_500_without_the_message(caplog):
    class Broken:
        def scan(self, records):
            raise RuntimeError("note text SECRETNAME leaked into a message")

    with TestClient(create_app(scanner=Broken())) as c, caplog.at_level(logging.DEBUG):
        r = c.post("/v1/scan", json=NOTE)
    assert r.status_code == 500 and "SECRETNAME" not in r.text
    assert "SECRETNAME" not in caplog.text


def test_non_loopback_bind_needs_a_token(monkeypatch):
    monkeypatch.delenv("CPTSCAN_TOKEN", raising=False)
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("example.org")
    assert resolve_token("127.0.0.1", None) is None
    with pytest.raises(ValueError, match="without a token"):
        resolve_token("0.0.0.0", None)
    assert resolve_token("0.0.0.0", TOKEN) == TOKEN
    monkeypatch.setenv("CPTSCAN_TOKEN", "from-env")
    assert resolve_token("0.0.0.0", None) == "from-env"
    assert resolve_token("127.0.0.1", None) == "from-env"
