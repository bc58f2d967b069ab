"""``--resume`` after a kill -9: the final output has one line per input, in order, equal to a clean run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

from reliability_support import CPTSCAN, ROOT, generated_notes, read_results, run_cli, write_lines

N_NOTES = 300


def _whole_lines(path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def test_resume_after_kill_and_torn_line(tmp_path):
    notes = write_lines(tmp_path / "notes.jsonl", generated_notes(N_NOTES))
    clean_out = tmp_path / "clean.jsonl"
    clean = run_cli("scan", str(notes), "-o", str(clean_out), "-q")
    assert clean.returncode == 0, clean.stderr
    expected = read_results(clean_out)
    assert len(expected) == N_NOTES

    out = tmp_path / "killed.jsonl"
    proc = subprocess.Popen([CPTSCAN, "scan", str(notes), "-o", str(out), "-q"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while _whole_lines(out) == 0 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    written = _whole_lines(out)
    assert proc.returncode == -signal.SIGKILL, "the scan ended before it could be killed"
    assert 0 < written < N_NOTES

    # a crash in the middle of a write: half of the next result line, no newline
    torn = json.dumps(expected[written], ensure_ascii=False).encode("utf-8")
    with open(out, "ab") as fh:
        fh.write(torn[: len(torn) // 2])

    resumed = run_cli("scan", str(notes), "-o", str(out), "--resume", "--jobs", "2")
    assert resumed.returncode == 0, resumed.stderr
    assert f"resumed after {written} results" in resumed.stderr
    assert out.read_bytes().endswith(b"\n")
    assert read_results(out) == expected
