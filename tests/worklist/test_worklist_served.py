"""The worklist served by the service: the page at /worklist and decisions posted to the outcomes file."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from cptscan.service import create_app, serve
from cptscan.worklist import build_rows, read_answers, render_html
from cptscan.worklist.render import page_data, read_page_data

LOCAL = "http://127.0.0.1:8000"


@pytest.fixture
def data(charts, notes):
    return page_data(build_rows(charts), notes)


def _client(data, outcomes, token=None, base_url=LOCAL):
    return TestClient(create_app(scanner=object(), token=token, worklist=data, outcomes=outcomes), base_url=base_url)


def _post(client, data, *decisions, **headers):
    return client.post("/worklist/decisions", json={"worklist": data["hash"], "decisions": list(decisions)},
                       headers=headers)


def test_the_served_page_is_the_file_page_that_posts_back(data, tmp_path):
    with _client(data, tmp_path / "o.jsonl") as client:
        page = client.get("/worklist")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "connect-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert page.headers["cache-control"] == "no-store"
    served = read_page_data(page.text)
    assert served["post"] == "/worklist/decisions" and served["rows"] == data["rows"]


def test_file_page_data_reads_back_and_connects_nowhere(charts, notes):
    html = render_html(build_rows(charts), notes)
    assert "connect-src 'none'" in html
    assert read_page_data(html)["hash"] == page_data(build_rows(charts), notes)["hash"]


def test_decisions_are_appended_and_outcomes_reads_them(data, tmp_path):
    outcomes = tmp_path / "o.jsonl"
    first, second = data["rows"][0], data["rows"][2]
    with _client(data, outcomes) as client:
        assert _post(client, data, {"id": first["id"], "decision": "accepted"}).json() == {"appended": 1}
        edit = {"id": second["id"], "decision": "edited", "corrected_code": "0993T", "comment": "CT the same day"}
        assert _post(client, data, edit, {"id": first["id"], "decision": "rejected"}).status_code == 200
    lines = [json.loads(x) for x in outcomes.read_text().splitlines()]
    assert len(lines) == 3 and {x["worklist"] for x in lines} == {data["hash"]}
    answers = {r["id"]: r for r in read_answers(outcomes)}
    assert answers[first["id"]]["decision"] == "rejected"
    assert (answers[second["id"]]["decision"], answers[second["id"]]["corrected_code"]) == ("edited", "0993T")
    assert answers[second["id"]]["chart_id"] == second["chart_id"]  # the row comes from the worklist, not the post


@pytest.mark.parametrize("decision, status", [
    ({"id": "nope", "decision": "accepted"}, 422),
    ({"decision": "edited", "corrected_code": "75577"}, 422),  # the wrong_variant row: not its family
    ({"decision": "approved"}, 422),
    ({"decision": "accepted", "comment": ["not", "text"]}, 422),
])
def test_bad_decisions_append_nothing(data, tmp_path, decision, status):
    outcomes = tmp_path / "o.jsonl"
    row = next(r for r in data["rows"] if r["type"] == "wrong_variant")
    good = {"id": data["rows"][0]["id"], "decision": "accepted"}
    with _client(data, outcomes) as client:
        answer = _post(client, data, good, {"id": row["id"], **decision})
    assert answer.status_code == status
    assert not outcomes.exists()


def test_posts_for_another_worklist_or_from_elsewhere_are_refused(data, tmp_path):
    outcomes = tmp_path / "o.jsonl"
    decision = {"id": data["rows"][0]["id"], "decision": "accepted"}
    with _client(data, outcomes) as client:
        other = client.post("/worklist/decisions", json={"worklist": "0" * 16, "decisions": [decision]})
        assert other.status_code == 409
        assert _post(client, data, decision, origin="http://evil.example").status_code == 403
        plain = client.post("/worklist/decisions", content=json.dumps({"worklist": data["hash"], "decisions": [decision]}),
                            headers={"content-type": "text/plain"})
        assert plain.status_code == 415
    with _client(data, outcomes, base_url="http://rebound.example:8000") as client:
        assert client.get("/worklist").status_code == 403  # a DNS-rebinding page does not get the notes
        assert _post(client, data, decision).status_code == 403
    assert not outcomes.exists()


def test_token_rules_hold_for_the_worklist(data, tmp_path):
    token = "t" * 40
    with _client(data, tmp_path / "o.jsonl", token=token) as client:
        assert client.get("/worklist").status_code == 401
        decision = {"id": data["rows"][0]["id"], "decision": "accepted"}
        assert _post(client, data, decision).status_code == 401
        assert _post(client, data, decision, authorization=f"Bearer {token}").status_code == 200


def test_serve_refuses_the_worklist_off_loopback(tmp_path, charts, notes):
    page = tmp_path / "w.html"
    page.write_text(render_html(build_rows(charts), notes))
    with pytest.raises(ValueError, match="loopback only"):
        serve(host="0.0.0.0", token="t" * 40, worklist=page, scanner=object())
