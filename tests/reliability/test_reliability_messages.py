"""The world around a scan failing: a full disk, a reader that stops reading (``| head``), Ctrl-C. Each ends
the command with one line saying what happened and what was written, never a traceback or a torn line."""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import subprocess
import time

import pytest

from reliability_support import CPTSCAN, NEGATIVE, ROOT, generated_notes, read_results, write_lines


def _file_size_limit(limit: int):
    """A process whose files cannot grow past ``limit`` bytes: writes fail with EFBIG as on a full disk
    (Python ignores SIGXFSZ, so the write returns the error instead of killing the process)."""
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def _written(stderr: str) -> int:
    return int(re.search(r"(\d+) results are", " ".join(stderr.split())).group(1))


def _wait_for_a_line(path, proc) -> None:
    deadline = time.monotonic() + 180
    while not (path.exists() and path.stat().st_size) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)


def test_a_full_disk_leaves_whole_lines_and_says_how_many(tmp_path):
    notes = write_lines(tmp_path / "notes.jsonl", generated_notes(60))
    out = tmp_path / "out.jsonl"
    proc = subprocess.run([CPTSCAN, "scan", str(notes), "-o", str(out), "-q"], capture_output=True, text=True,
                          cwd=ROOT, timeout=300, preexec_fn=_file_size_limit(20_000))
    assert proc.returncode == 1, proc.stderr
    assert "File too large" in proc.stderr and "Traceback" not in proc.stderr
    data = out.read_bytes()
    assert data.endswith(b"\n")  # no torn last line
    assert len(read_results(out)) == _written(proc.stderr) > 0


def test_a_full_disk_never_leaves_an_empty_or_torn_worklist(tmp_path):
    notes = write_lines(tmp_path / "notes.jsonl", [{"note_id": "N-1", "chart_id": "C-1",
                                                   "date_of_service": "2026-02-10", "text": NEGATIVE}])
    claims = write_lines(tmp_path / "claims.jsonl", [{"chart_id": "C-1", "lines": [
        {"code": "0623T", "date_of_service": "2026-02-10"}]}])
    results = write_lines(tmp_path / "results.jsonl", [{"note_id": "N-1", "codes": [], "concepts": [], "mentions": []}])
    sheet = tmp_path / "worklist.csv"
    sheet.write_text("the worklist of last week\n", encoding="utf-8")
    proc = subprocess.run([CPTSCAN, "worklist", str(notes), str(claims), "--results", str(results), "-o", str(sheet)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300, preexec_fn=_file_size_limit(100))
    assert proc.returncode == 1, proc.stderr
    assert "File too large" in proc.stderr and "Traceback" not in proc.stderr
    assert sheet.read_text(encoding="utf-8") == "the worklist of last week\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.jsonl", "notes.jsonl", "results.jsonl",
                                                          "worklist.csv"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_piping_into_head_ends_quietly_with_exit_0(tmp_path, jobs):
    notes = write_lines(tmp_path / "notes.jsonl", [{"note_id": f"N-{i}", "text": NEGATIVE} for i in range(3000)])
    proc = subprocess.Popen([CPTSCAN, "scan", str(notes), "-q", "--jobs", jobs], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()  # what head does after its lines
    stderr = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert json.loads(first)["note_id"] == "N-0"
    assert proc.returncode == 0, stderr
    assert stderr == ""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_says_how_many_results_were_written(tmp_path, jobs):
    notes = write_lines(tmp_path / "notes.jsonl", generated_notes(600))
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen([CPTSCAN, "scan", str(notes), "-o", str(out), "-q", "--jobs", jobs], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _wait_for_a_line(out, proc)
        os.killpg(proc.pid, signal.SIGINT)  # as the terminal sends it: to the whole process group
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr and "--resume" in stderr and "Traceback" not in stderr
    assert len(read_results(out)) == _written(stderr)
