"""PHI: no note text in logs or on stderr, and no network while loading and scanning.

Models are unpickled only after their sha256 and scikit-learn version match the manifest; that is tested
with the models (tests/models, ``cptscan.models.load_verified``), not here.
"""

from __future__ import annotations

import dataclasses
import logging
import socket


from cptscan.io.readers import read_records
from reliability_support import POSITIVE, read_results, run_cli, write_lines

MARKERS = [f"Zqxmarker{i}Quillon" for i in range(12)]
MAX_CHARS = 3000


def phi_lines() -> list[object]:
    """Good and bad records, each carrying its own marker in the text (and nowhere else)."""
    m = MARKERS
    return [
        {"note_id": "PHI-1", "date_of_service": "2026-02-10", "text": f"Patient {m[0]} Hollowell, MRN 4471.\n{POSITIVE}"},
        {"note_id": "PHI-2", "text": f"Seen {m[1]} today; no CT, no imaging."},
        {"note_id": "PHI-3", "text": f"{m[2]} " + "\x00\x01\x02\x03\x04\x05" * 50},  # binary_text
        {"note_id": "PHI-4", "text": [m[3], "CCTA"]},  # invalid_text
        {"note_id": "PHI-1", "text": f"{m[4]} {POSITIVE}"},  # duplicate_note_id
        {"note_id": "PHI-5", "date_of_service": "2026-13-45", "text": f"{m[5]} {POSITIVE}"},  # invalid_date
        {"note_id": "PHI-6", "text": f"{m[6]} " + "x" * MAX_CHARS},  # text_too_large
        f'{{"note_id": "PHI-7", "text": "{m[7]} CCTA Cleerly',  # malformed_json
        f'{{"note_id": "PHI-8", "text": "{m[8]} caf'.encode() + b"\xe9\xff" + b' CCTA"}',  # invalid_utf8
        {"note_id": "PHI-9", "text": f"<html><body><p>{m[9]}</p><p>{POSITIVE}</p></body></html>"},
        {"note_id": "PHI-10", "text": "   \n   "},  # empty_text
        {"note_id": "PHI-11", "text": f"{m[11]} EXAM: CCTA.\nCaRi-Heart perivascular fat analysis was not performed."},
    ]


def assert_no_marker(where: str, text: str) -> None:
    leaked = [m for m in MARKERS if m.lower() in text.lower()]
    assert not leaked, f"note text appeared in {where}"


def test_logs_carry_no_note_text(scanner, tmp_path, caplog, capfd):
    for name in [None, *list(logging.root.manager.loggerDict)]:
        caplog.set_level(logging.DEBUG, logger=name)
    path = write_lines(tmp_path / "phi.jsonl", phi_lines())
    scanner = dataclasses.replace(scanner, max_chars=MAX_CHARS)
    results = list(scanner.scan(read_records(path)))
    assert len(results) == len(phi_lines())
    errors = [r["error"]["code"] for r in results if r["error"]]
    assert len(errors) == 8, errors
    assert caplog.records, "expected warnings for the records that could not be scanned"
    assert_no_marker("log records", "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records))
    assert_no_marker("error messages", "\n".join(r["error"]["message"] for r in results if r["error"]))
    out, err = capfd.readouterr()
    assert_no_marker("stdout/stderr", out + err)


def test_cli_verbose_stderr_carries_no_note_text(tmp_path):
    path = write_lines(tmp_path / "phi.jsonl", phi_lines())
    out = tmp_path / "out.jsonl"
    proc = run_cli("scan", str(path), "-o", str(out), "-v", "--max-chars", str(MAX_CHARS))
    assert proc.returncode == 3
    assert "PHI-3" in proc.stderr  # the warnings name the notes that were not scanned ...
    assert_no_marker("stderr of `cptscan scan -v`", proc.stderr + proc.stdout)  # ... never their text
    results = read_results(out)
    assert len(results) == len(phi_lines())
    assert_no_marker("error messages", "\n".join(r["error"]["message"] for r in results if r["error"]))


def _no_network(*args, **kwargs):
    raise AssertionError("cptscan tried to use the network")


class _NoSocket(socket.socket):
    def __init__(self, *args, **kwargs):
        _no_network()


def test_load_and_scan_without_sockets(monkeypatch):
    """A scanner loads and scans with every socket refused (no downloads, no telemetry)."""
    monkeypatch.setattr(socket, "socket", _NoSocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "socketpair"):
        monkeypatch.setattr(socket, name, _no_network)
    from cptscan.scanner import load

    scanner = load()
    result = scanner.scan_text(POSITIVE, date_of_service="2026-02-10")
    assert result["error"] is None
    assert [c["code"] for c in result["codes"]] == ["75577"]


def test_parallel_scan_without_network(monkeypatch, scanner):
    """With jobs=2 the workers (forked) inherit the block: connecting anywhere fails, scanning works."""
    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, _no_network)
    for name in ("create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, _no_network)
    records = [{"note_id": f"N{i}", "date_of_service": "2026-02-10", "text": POSITIVE} for i in range(70)]
    results = list(scanner.scan(records, jobs=2))
    assert [r["note_id"] for r in results] == [f"N{i}" for i in range(70)]
    assert all([c["code"] for c in r["codes"]] == ["75577"] for r in results)
