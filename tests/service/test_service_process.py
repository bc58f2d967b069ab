"""The service as it runs in production: a real uvicorn process with the real scanner on 127.0.0.1,
a few bounded requests."""

import os
import socket
import subprocess
import sys
import textwrap
import time

import httpx
import pytest

TOKEN = "a-test-token-of-forty-characters-000000"
NOTE = {"note_id": "N-1", "chart_id": "C-1", "date_of_service": "2026-03-14",
        "text": "EXAM: CT coronary angiography.\nFINDINGS: AI-based quantitative plaque analysis was performed "
                "on the CCTA data.\nIMPRESSION: I personally reviewed and interpreted the plaque analysis."}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """Start ``serve`` in a subprocess with a token and a small body limit; stop it after the test."""
    port = _free_port()
    script = textwrap.dedent(f"""
        from cptscan.service import serve
        serve(host="127.0.0.1", port={port}, token="{TOKEN}", max_body_bytes=4096)
    """)
    log = open(tmp_path / "server.log", "w")
    env = dict(os.environ, CPTSCAN_TOKEN="")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (tmp_path / "server.log").read_text()
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "service did not come up in 60 s"
            time.sleep(0.2)
        yield base, tmp_path / "server.log"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def test_real_uvicorn_process(server):
    base, log_path = server
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=base, timeout=30) as c:
        assert c.get("/health").json()["status"] == "ok"
        assert c.post("/v1/scan", json=NOTE).status_code == 401
        r = c.post("/v1/scan", json=dict(NOTE, text="SECRETNAME " + NOTE["text"]), headers=auth)
        assert r.status_code == 200 and r.json()["error"] is None
        assert "75577" in [code["code"] for code in r.json()["codes"]]
        r = c.post("/v1/scan", json={"notes": [NOTE, dict(NOTE, note_id="N-2")]}, headers=auth)
        assert [x["note_id"] for x in r.json()["results"]] == ["N-1", "N-2"]
        r = c.post("/v1/scan", json=dict(NOTE, text="x" * 10000), headers=auth)
        assert r.status_code == 413
        r = c.post("/v1/scan", content=iter([b" " * 1024] * 8), headers={**auth, "content-type": "application/json"})
        assert r.status_code == 413
        r = c.post("/v1/reconcile", json={"notes": [NOTE], "claims": [{"chart_id": "C-1", "lines": []}]},
                   headers=auth)
        assert r.status_code == 200 and r.json()["findings"][0]["chart_id"] == "C-1"
    log = log_path.read_text()
    assert "POST /v1/scan" in log and "scan: 1 notes" in log
    assert "SECRETNAME" not in log


def test_refuses_public_bind_without_token():
    env = {k: v for k, v in os.environ.items() if k != "CPTSCAN_TOKEN"}
    proc = subprocess.run(
        [sys.executable, "-c", "from cptscan.service import serve; serve(host='0.0.0.0', port=1)"],
        capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode != 0
    assert "without a token" in proc.stderr


def test_serve_command_registers_and_refuses_public_bind(monkeypatch):
    import typer
    from typer.testing import CliRunner

    from cptscan.service_commands import register

    monkeypatch.delenv("CPTSCAN_TOKEN", raising=False)
    app = typer.Typer()
    register(app)

    @app.command()
    def other():  # a second command keeps typer from collapsing the app into 'serve' alone
        pass

    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--port", "1"])
    assert result.exit_code == 2
    assert "CPTSCAN_TOKEN" in result.output
    assert "--max-body-mb" in CliRunner().invoke(app, ["serve", "--help"]).output
    monkeypatch.setenv("CPTSCAN_TOKEN", "short")
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--port", "1"])
    assert result.exit_code == 2 and "at least 32" in result.output
