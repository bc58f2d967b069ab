"""``scan --jobs 2`` when a worker is killed (kill -9, as the OOM killer does): the CLI stops with a clear
message and exit code 4 instead of hanging, every line it wrote is whole and in order, and ``--resume``
finishes the output equal to a clean run."""

from __future__ import annotations

import os
import signal
import subprocess
import time

from reliability_support import CPTSCAN, ROOT, children, generated_notes, read_results, run_cli, write_lines

N_NOTES = 600


def test_a_killed_worker_stops_the_scan_cleanly_and_resume_finishes_it(tmp_path):
    notes = write_lines(tmp_path / "notes.jsonl", generated_notes(N_NOTES))
    clean_out = tmp_path / "clean.jsonl"
    assert run_cli("scan", str(notes), "-o", str(clean_out), "-q").returncode == 0
    expected = read_results(clean_out)

    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen([CPTSCAN, "scan", str(notes), "-o", str(out), "-q", "--jobs", "2"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 180
        while not (out.exists() and out.stat().st_size) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        workers = children(proc.pid)
        assert workers, "the scan ended before a worker could be killed"
        os.kill(workers[0], signal.SIGKILL)
        _, stderr = proc.communicate(timeout=60)  # no hang: the parent notices the dead worker
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 4, stderr
    assert "stopped unexpectedly" in stderr and "--resume" in stderr
    written = read_results(out)
    assert 0 < len(written) < N_NOTES
    assert written == expected[: len(written)]

    resumed = run_cli("scan", str(notes), "-o", str(out), "--resume", "--jobs", "2")
    assert resumed.returncode == 0, resumed.stderr
    assert read_results(out) == expected
