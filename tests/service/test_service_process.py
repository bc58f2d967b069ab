"""The service as it runs in production: a real uvicorn process with the real scanner on 127.0.0.1,
a few bounded requests."""

import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

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


@contextmanager
def running(log_path, **serve_args):
    """``serve(**serve_args)`` in a subprocess on a free port, up and healthy; its base URL and process.
    Stopped with SIGTERM afterwards (SIGKILL only if it does not stop within 60 s: the test then fails)."""
    port = _free_port()
    script = f"from cptscan.service import serve\nserve(host='127.0.0.1', port={port}, **{serve_args!r})"
    log = open(log_path, "w")
    env = dict(os.environ, CPTSCAN_TOKEN="")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, log_path.read_text()
            try:
                if httpx.get(f"{base}/health", timeout=2).json()["status"] == "ok":
                    break
            except (httpx.TransportError, ValueError):
                pass
            assert time.monotonic() < deadline, "service did not come up in 120 s"
            time.sleep(0.2)
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
            raise AssertionError("the service did not stop on SIGTERM within 60 s")
        finally:
            log.close()


@pytest.fixture
def server(tmp_path):
    """``serve`` with a token and a small body limit."""
    with running(tmp_path / "server.log", token=TOKEN, max_body_bytes=4096) as (base, _proc):
        yield base, tmp_path / "server.log"


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


# the test's own paragraph, repeated into long notes (about 2,000 characters a repeat)
PARAGRAPH = ("Coronary CTA done today; the CCTA data set went to AI plaque analysis (Cleerly), total plaque "
             "volume 300 mm3. No perivascular fat analysis was ordered. My interpretation: mild plaque.\n") * 10


def _post_later(url, body, out):
    def post():
        out["response"] = httpx.post(url, json=body, timeout=300)
    thread = threading.Thread(target=post, daemon=True)
    thread.start()
    return thread


def test_workers_scan_in_parallel(tmp_path):
    """With --workers 2 a short note is answered while another process scans a long one (one process
    scans one request at a time)."""
    with running(tmp_path / "server.log", workers=2) as (base, _proc):
        out = {}
        long_scan = _post_later(f"{base}/v1/scan", {"note_id": "long", "text": PARAGRAPH * 500}, out)
        time.sleep(1.0)  # let the long request reach a worker first
        short = httpx.post(f"{base}/v1/scan", json=NOTE, timeout=120)
        assert short.status_code == 200 and short.json()["error"] is None
        assert long_scan.is_alive(), "the long scan ended first: the short note waited for it"
        long_scan.join(timeout=300)
        assert out["response"].status_code == 200


def test_long_notes_keep_the_service_responsive_and_stoppable(tmp_path):
    """A note past its time budget is its error line; /health answers during a scan; a stalled client is cut
    off (headers, then body); SIGTERM stops the service in the middle of a long batch."""
    with running(tmp_path / "server.log", time_budget=1.0, request_timeout=2.0,
                 max_body_bytes=64 * 1024 * 1024) as (base, proc):
        out = {}
        scan = _post_later(f"{base}/v1/scan", {"note_id": "long", "text": PARAGRAPH * 1000}, out)
        time.sleep(0.5)
        assert httpx.get(f"{base}/health", timeout=30).json()["status"] == "ok"
        scan.join(timeout=120)
        assert out["response"].json()["error"]["code"] == "time_budget_exceeded"

        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=30) as stalled:
            stalled.sendall(b"POST /v1/scan HTTP/1.1\r\nHost: x\r\n")  # headers never finished
            assert stalled.recv(1024) == b""  # closed by the service, not by our 30 s timeout
        with socket.create_connection(("127.0.0.1", port), timeout=30) as stalled:
            stalled.sendall(b"POST /v1/scan HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n"
                            b"content-length: 100\r\n\r\n{\"note_id\": ")  # body never finished
            assert stalled.recv(1024).startswith(b"HTTP/1.1 408")

        batch = {"notes": [{"note_id": f"N-{i}", "text": PARAGRAPH * 150} for i in range(60)]}  # ~60 s of scans
        _post_later(f"{base}/v1/scan", batch, {})
        time.sleep(2.0)
        proc.terminate()
        proc.wait(timeout=40)
